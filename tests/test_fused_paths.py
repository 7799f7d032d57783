"""Las rutas rápidas del entrenamiento: conv con ReLU fusionada, BLAS de un hilo, búferes por hilo.

Cada atajo tiene que dar lo mismo que el camino largo: el kernel contra NumPy, la conv fusionada
contra relu(conv) (valores y gradientes) y con gradcheck en float64.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strategies_kernels import conv_cases
from tinygrad_es import Tensor, gradcheck
from tinygrad_es.kernels.cpu import relu as R
from tinygrad_es.nn import functional as F


@settings(deadline=None, max_examples=40)
@given(st.integers(1, 40), st.integers(1, 9), st.integers(0, 2**32 - 1), st.sampled_from(["float32", "float64"]))
def test_relu_backward_colsum_matches_reference(rows, cols, seed, dtype):
    rng = np.random.default_rng(seed)
    grad = rng.standard_normal((rows, cols)).astype(dtype)
    out = np.maximum(rng.standard_normal((rows, cols)), 0).astype(dtype)  # una salida de ReLU: con ceros
    dz, colsum = np.full_like(grad, np.nan), np.full(cols, 0.5, dtype=dtype)  # colsum acumula
    R.relu_backward_colsum(grad, out, dz, colsum)
    expected_dz, expected_sum = R.relu_backward_colsum_reference(grad, out)
    np.testing.assert_allclose(dz, expected_dz, rtol=1e-6)
    np.testing.assert_allclose(colsum, expected_sum + 0.5, rtol=1e-5, atol=1e-5)


@settings(deadline=None, max_examples=30)
@given(conv_cases(), st.booleans())
def test_fused_relu_conv_equals_relu_of_conv(case, with_bias):
    """Mismo valor y mismos gradientes (x, w, b) que conv2d seguida de .relu()."""
    # float64: así solo queda el redondeo de sumar en otro orden (db suma trozo a trozo)
    x = Tensor(case["x"], dtype="float64", requires_grad=True)
    w = Tensor(case["w"], dtype="float64", requires_grad=True)
    b = Tensor(case["b"], dtype="float64", requires_grad=True) if with_bias else None
    options = dict(stride=case["stride"], dilation=case["dilation"], padding=case["padding"])
    results = []
    for fused in (True, False):
        for t in (x, w, b):
            if t is not None:
                t.grad = None
        out = F.conv2d(x, w, b, activation="relu", **options) if fused else F.conv2d(x, w, b, **options).relu()
        out.backward(Tensor(np.linspace(-1, 1, out.size).reshape(out.shape), dtype="float64"))
        results.append([out.data] + [t.grad.data for t in (x, w, b) if t is not None])
    for fused, plain in zip(*results):
        np.testing.assert_allclose(fused, plain, rtol=1e-10, atol=1e-12)


def test_fused_relu_conv_gradcheck():
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal((2, 5, 6, 2)), rng.standard_normal((3, 3, 2, 3)), rng.standard_normal(3)
    gradcheck(lambda x, w, b: F.conv2d(x, w, b, padding="same", activation="relu"), x, w, b)
    gradcheck(lambda x, w: F.conv2d(x, w, stride=2, activation="relu"), x, w)  # sin sesgo


def test_fused_conv_rejects_other_activations():
    x, w = Tensor(np.ones((1, 4, 4, 1))), Tensor(np.ones((3, 3, 1, 2)))
    with pytest.raises(ValueError, match=r"activation puede ser None o 'relu'.*\.tanh\(\)"):
        F.conv2d(x, w, activation="tanh")


def test_keras_conv2d_relu_uses_the_fused_op_and_keeps_its_config():
    from tinygrad_es.keras import layers

    layer = layers.Conv2D(4, 3, activation="relu")
    out = layer(Tensor(np.random.default_rng(0).standard_normal((2, 6, 6, 1)), requires_grad=True))
    # una sola operación (la ruta que toque: im2col, directa o Winograd), ya recortada
    assert out._ctx.parents[1] is layer.kernel and out.data.min() >= 0
    assert layer.get_config()["activation"] == "relu"
