"""Los kernels de Numba de im2col/col2im contra su referencia en NumPy."""
import numpy as np
from hypothesis import given, settings

from strategies_kernels import conv_cases
from tinygrad_es.kernels.cpu import im2col as K


def _cols_shape(case):
    (ho, wo), x, w = case["geometry"][3], case["x"], case["w"]
    return (x.shape[0], ho, wo, w.shape[0], w.shape[1], x.shape[3])


def _args(case):
    (sh, sw), (dh, dw), (pt, pl), _ = case["geometry"]
    return sh, sw, dh, dw, pt, pl


def test_kernels_package_imports():
    import tinygrad_es.kernels
    import tinygrad_es.kernels.cpu  # noqa: F401

    assert tinygrad_es.kernels.cpu.im2col.im2col is K.im2col


@settings(deadline=None, max_examples=60)
@given(conv_cases())
def test_im2col_matches_reference(case):
    x, w = case["x"], case["w"]
    cols = np.full(_cols_shape(case), np.nan)  # nan: una casilla sin escribir se notaría
    K.im2col(x, cols, *_args(case))
    (sh, sw), (dh, dw), (pt, pl), (ho, wo) = case["geometry"]
    expected = K.im2col_reference(x, w.shape[0], w.shape[1], ho, wo, sh, sw, dh, dw, pt, pl)
    np.testing.assert_array_equal(cols, expected)


@settings(deadline=None, max_examples=60)
@given(conv_cases())
def test_col2im_matches_reference(case):
    x = case["x"]
    rng = np.random.default_rng(0)
    cols = rng.standard_normal(_cols_shape(case))
    dx = np.full(x.shape, np.nan)
    K.col2im(cols, dx, *_args(case))
    sh, sw, dh, dw, pt, pl = _args(case)
    expected = K.col2im_reference(cols, x.shape[1], x.shape[2], sh, sw, dh, dw, pt, pl)
    np.testing.assert_allclose(dx, expected, rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=30)
@given(conv_cases())
def test_col2im_is_the_adjoint_of_im2col(case):
    """<im2col(x), c> = <x, col2im(c)>: la definición de traspuesta, la razón de que el backward sea correcto."""
    x = case["x"]
    cols = np.empty(_cols_shape(case))
    K.im2col(x, cols, *_args(case))
    c = np.random.default_rng(1).standard_normal(cols.shape)
    back = np.empty(x.shape)
    K.col2im(c, back, *_args(case))
    np.testing.assert_allclose(np.sum(cols * c), np.sum(x * back), rtol=1e-10, atol=1e-10)


def test_im2col_float32_layout():
    """float32 (el dtype de entrenamiento): 'same' con tamaño impar pone el píxel extra abajo/derecha."""
    x = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1)
    cols = np.empty((1, 2, 2, 2, 2, 1), dtype=np.float32)
    K.im2col(x, cols, 2, 2, 1, 1, 0, 0)  # 2×2, paso 2 sobre 3×3 con 'same': relleno 0 arriba, 1 abajo
    np.testing.assert_array_equal(cols[0, 1, 1, :, :, 0], [[9, 0], [0, 0]])
    np.testing.assert_array_equal(cols[0, 0, 0, :, :, 0], [[1, 2], [4, 5]])
