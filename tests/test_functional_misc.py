"""batch_norm, dropout, embedding, la reexportación de las pérdidas y el reparto entre hilos."""
import inspect

import numpy as np
import pytest

from tinygrad_es import Tensor, gradcheck, manual_seed
from tinygrad_es.nn import functional as F


def _stats(c):
    return Tensor(np.linspace(-0.5, 0.5, c)), Tensor(np.linspace(0.5, 2.0, c))


def test_batch_norm_training_normalises_and_updates_moving_stats():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 3, 3, 4)).astype(np.float32) * 3 + 2
    gamma, beta = Tensor(np.full(4, 2.0)), Tensor(np.full(4, 0.5))
    moving_mean, moving_var = Tensor.zeros(4), Tensor.ones(4)
    mean_array = moving_mean.data  # la actualización es en su sitio: el mismo array
    y = F.batch_norm(x, gamma, beta, moving_mean, moving_var, training=True, momentum=0.9)
    axes = (0, 1, 2)
    expected = (x - x.mean(axes)) / np.sqrt(x.var(axes) + 1e-3) * 2.0 + 0.5
    np.testing.assert_allclose(y.data, expected, rtol=1e-5, atol=1e-5)
    assert moving_mean.data is mean_array
    np.testing.assert_allclose(moving_mean.data, 0.1 * x.mean(axes), rtol=1e-5)
    np.testing.assert_allclose(moving_var.data, 0.9 + 0.1 * x.var(axes), rtol=1e-5)  # varianza sesgada
    assert y.dtype == np.float32


def test_batch_norm_inference_uses_moving_stats():
    x = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    mean, var = _stats(3)
    before = mean.data.copy()
    y = F.batch_norm(x, None, None, mean, var, training=False)
    np.testing.assert_allclose(y.data, (x - mean.data) / np.sqrt(var.data + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(mean.data, before)


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradcheck(training):
    rng = np.random.default_rng(2)
    x, gamma, beta = rng.standard_normal((4, 2, 3)), rng.standard_normal(3), rng.standard_normal(3)
    mean, var = _stats(3)
    gradcheck(lambda x, g, b: F.batch_norm(x, g, b, mean, var, training=training), x, gamma, beta)


def test_batch_norm_errors():
    mean, var = _stats(3)
    with pytest.raises(ValueError, match=r"batch_norm esperaba gamma de forma \(3,\) y recibió \(4,\)"):
        F.batch_norm(np.zeros((2, 3)), np.ones(4), None, mean, var)


def test_dropout_inverted_scaling_and_inference_identity():
    manual_seed(0)
    x = Tensor.ones(200, 50)
    y = F.dropout(x, 0.25)
    kept = y.data != 0
    np.testing.assert_allclose(y.data[kept], 1 / 0.75, rtol=1e-6)
    assert abs(kept.mean() - 0.75) < 0.02
    assert F.dropout(x, 0.25, training=False) is x
    assert np.all(F.dropout(x, 1.0).data == 0)


def test_dropout_noise_shape_drops_whole_channels_and_gradient_follows_mask():
    manual_seed(1)
    x = Tensor(np.ones((4, 6, 5)), requires_grad=True)
    y = F.dropout(x, 0.5, noise_shape=(None, 1, None))
    assert np.all(y.data == y.data[:, :1, :])  # la misma máscara en todo el eje 1
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.data, y.data)


@pytest.mark.parametrize("call, message", [
    (lambda: F.dropout(np.ones(3), 1.5), r"dropout: rate .* debe ser un número en \[0, 1\] y es 1.5"),
    (lambda: F.dropout(np.ones((2, 3)), 0.5, noise_shape=(2, 2)), r"noise_shape \(2, 2\) no se difunde"),
])
def test_dropout_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_embedding_lookup_and_scatter_add_gradient():
    weights = Tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    out = F.embedding(np.array([[1, 3], [1, 1]]), weights)
    np.testing.assert_array_equal(out.data[0, 1], [9, 10, 11])
    out.sum().backward()
    np.testing.assert_array_equal(weights.grad.data[:, 0], [0, 3, 0, 1])  # la fila 1 se usó tres veces
    gradcheck(lambda w: F.embedding(Tensor(np.array([0, 2, 2])), w), np.random.default_rng(3).standard_normal((3, 2)))


def test_embedding_float_indices_and_errors():
    out = F.embedding(np.array([0.0, 2.0]), np.eye(3))
    np.testing.assert_array_equal(out.data, [[1, 0, 0], [0, 0, 1]])
    with pytest.raises(ValueError, match=r"embedding: los índices deben estar entre 0 y 2 \(input_dim = 3\)"):
        F.embedding(np.array([0, 3]), np.eye(3))


def test_losses_are_reexported_from_functional():
    from tinygrad_es.nn import losses

    for name in ("softmax_cross_entropy", "categorical_cross_entropy", "binary_cross_entropy", "mse", "mae",
                 "hinge", "logistic_loss"):
        # la misma función, envuelta por aliases.install_functions (nombres de argumentos en español)
        assert inspect.unwrap(getattr(F, name)) is getattr(losses, name) and name in F.__all__
