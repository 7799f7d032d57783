"""Pooling: valores conocidos, empates, gradcheck y errores."""
import numpy as np
import pytest
from hypothesis import given, settings

from strategies_kernels import pool_cases
from tinygrad_es import Tensor, gradcheck
from tinygrad_es.nn import functional as F

X = np.array([[1, 3, 2, 1],
              [4, 2, 0, 1],
              [1, 1, 5, 6],
              [0, 2, 7, 8]], dtype=np.float32).reshape(1, 4, 4, 1)


def test_max_pool_example_and_gradient_to_the_winner():
    x = Tensor(X, requires_grad=True)
    out = F.max_pool2d(x, 2)
    np.testing.assert_array_equal(out.data[0, :, :, 0], [[4, 2], [2, 8]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data[0, :, :, 0], [[0, 0, 1, 0],
                                                           [1, 0, 0, 0],
                                                           [0, 0, 0, 0],
                                                           [0, 1, 0, 1]])


def test_avg_pool_example():
    out = F.avg_pool2d(X, 2)
    np.testing.assert_array_equal(out.data[0, :, :, 0], [[2.5, 1.0], [1.0, 6.5]])


def test_avg_pool_same_divides_by_the_real_elements():
    """2×2 paso 2 'same' sobre 1..9: la ventana de la esquina solo tiene el 9, así que su media es 9."""
    x = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1)
    np.testing.assert_array_equal(F.avg_pool2d(x, 2, padding="same").data[0, :, :, 0], [[3, 4.5], [7.5, 9]])


def test_max_pool_ties_go_to_the_first_element():
    x = Tensor(np.ones((1, 2, 2, 1), dtype=np.float32), requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.data[0, :, :, 0], [[1, 0], [0, 0]])


def test_overlapping_max_pool_adds_gradients():
    """Ventana 3, paso 1: el máximo central gana en las cuatro ventanas y recibe 4."""
    x = np.zeros((1, 4, 4, 1), dtype=np.float32)
    x[0, 1, 2, 0] = 5.0
    t = Tensor(x, requires_grad=True)
    F.max_pool2d(t, 3, strides=1).sum().backward()
    assert t.grad.data[0, 1, 2, 0] == 4.0 and t.grad.data.sum() == 4.0


def test_global_pools():
    np.testing.assert_array_equal(F.global_max_pool2d(X).data, [[8.0]])
    np.testing.assert_allclose(F.global_avg_pool2d(X).data, [[X.mean()]])
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    assert F.global_avg_pool2d(x).shape == (2, 5)
    gradcheck(F.global_avg_pool2d, x)
    gradcheck(F.global_max_pool2d, x)


def _distinct(shape, seed):
    """Valores separados 0.05 como mínimo: sin empates, donde las diferencias finitas del máximo no mienten."""
    rng = np.random.default_rng(seed)
    return rng.permutation(int(np.prod(shape))).reshape(shape) * 0.05


@settings(deadline=None, max_examples=25)
@given(pool_cases(max_side=5))
def test_pool_gradcheck(case):
    kw = dict(pool_size=case["pool"], strides=case["strides"], padding=case["padding"])
    gradcheck(lambda x: F.max_pool2d(x, **kw), _distinct(case["x"].shape, 0))
    gradcheck(lambda x: F.avg_pool2d(x, **kw), case["x"])


def pool1d_reference(x, size, stride, padding, reduce):
    """Ventana a ventana sobre el eje de la secuencia; 'same' rellena como TensorFlow y no cuenta el relleno."""
    length = x.shape[1]
    out_len = -(-length // stride) if padding == "same" else (length - size) // stride + 1
    before = max((out_len - 1) * stride + size - length, 0) // 2 if padding == "same" else 0
    windows = [x[:, max(i * stride - before, 0):i * stride - before + size] for i in range(out_len)]
    return np.stack([reduce(window, axis=1) for window in windows], axis=1)


@settings(deadline=None, max_examples=25)
@given(pool_cases(max_side=6))
def test_pool1d_matches_reference_and_gradcheck(case):
    """Las filas de la imagen de la estrategia, como secuencias (N·H, W, C)."""
    x = case["x"].reshape(-1, *case["x"].shape[2:])
    size, stride = case["pool"][1], (case["strides"] or case["pool"])[1]
    kw = dict(pool_size=size, strides=None if case["strides"] is None else stride, padding=case["padding"])
    np.testing.assert_array_equal(F.max_pool1d(Tensor(x, dtype="float64"), **kw).data,
                                  pool1d_reference(x, size, stride, case["padding"], np.max))
    np.testing.assert_allclose(F.avg_pool1d(Tensor(x, dtype="float64"), **kw).data,
                               pool1d_reference(x, size, stride, case["padding"], np.mean), rtol=1e-12)
    gradcheck(lambda x: F.max_pool1d(x, **kw), _distinct(x.shape, 1))
    gradcheck(lambda x: F.avg_pool1d(x, **kw), x)


def test_global_pools_1d():
    x = np.random.default_rng(2).standard_normal((2, 5, 3))
    np.testing.assert_allclose(F.global_avg_pool1d(x).data, x.mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(F.global_max_pool1d(x).data, x.max(axis=1), rtol=1e-6)
    gradcheck(F.global_avg_pool1d, x)
    gradcheck(F.global_max_pool1d, _distinct(x.shape, 3))


def test_pool_float32_keeps_dtype():
    assert F.max_pool2d(X).dtype == np.float32 and F.avg_pool2d(X).dtype == np.float32


@pytest.mark.parametrize("call, message", [
    (lambda: F.max_pool2d(np.zeros((4, 4, 1))), r"max_pool2d esperaba x de forma \(N, H, W, C\) \(4 ejes\)"),
    (lambda: F.max_pool2d(np.zeros((1, 1, 4, 1)), 2), r"max_pool2d: la ventana de 2 .* no cabe en el eje alto"),
    (lambda: F.avg_pool2d(np.zeros((1, 4, 4, 1)), 2, strides=0), r"avg_pool2d: strides debe ser un entero positivo"),
    (lambda: F.avg_pool2d(np.zeros((1, 4, 4, 1)), 0), r"avg_pool2d: pool_size debe ser un entero positivo"),
    (lambda: F.max_pool2d(np.zeros((1, 4, 4, 1)), padding=1), r"max_pool2d: padding debe ser 'valid' .* o 'same' .* y recibió 1"),
    (lambda: F.max_pool1d(np.zeros((1, 4, 4, 1))), r"max_pool1d esperaba x de forma \(N, L, C\) \(3 ejes\)"),
    (lambda: F.avg_pool1d(np.zeros((1, 2, 1)), 3), r"avg_pool1d: la ventana de 3 .* no cabe en el eje de la secuencia"),
    (lambda: F.avg_pool1d(np.zeros((1, 4, 1)), 2, strides=(1, 1)), r"avg_pool1d: strides debe ser un entero positivo"),
])
def test_pool_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
