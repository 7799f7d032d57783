"""Los kernels de Numba de pooling contra su referencia en NumPy."""
import numpy as np
from hypothesis import given, settings

from strategies_kernels import pool_cases
from tinygrad_es.kernels.cpu import pool as K


def _geometry(case):
    (sh, sw), _, (pt, pl), (ho, wo) = case["geometry"]
    return case["pool"], (sh, sw), (pt, pl), (ho, wo)


@settings(deadline=None, max_examples=60)
@given(pool_cases())
def test_max_pool_forward_and_backward_match_reference(case):
    x = case["x"]
    n, h, w, c = x.shape
    (kh, kw), (sh, sw), (pt, pl), (ho, wo) = _geometry(case)
    out = np.empty((n, ho, wo, c))
    argmax = np.empty((n, ho, wo, c), dtype=np.int64)
    K.max_pool_forward(x, out, argmax, kh, kw, sh, sw, pt, pl)
    ref_out, ref_argmax = K.max_pool_forward_reference(x, kh, kw, ho, wo, sh, sw, pt, pl)
    np.testing.assert_array_equal(out, ref_out)
    np.testing.assert_array_equal(argmax, ref_argmax)  # mismos ganadores, también con empates

    grad = np.random.default_rng(0).standard_normal(out.shape)
    dx = np.full(x.shape, np.nan)
    K.max_pool_backward(grad, argmax, dx)
    np.testing.assert_allclose(dx, K.max_pool_backward_reference(grad, ref_argmax, h, w), rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=60)
@given(pool_cases())
def test_avg_pool_forward_and_backward_match_reference(case):
    x = case["x"]
    n, h, w, c = x.shape
    (kh, kw), (sh, sw), (pt, pl), (ho, wo) = _geometry(case)
    out = np.empty((n, ho, wo, c))
    K.avg_pool_forward(x, out, kh, kw, sh, sw, pt, pl)
    np.testing.assert_allclose(out, K.avg_pool_forward_reference(x, kh, kw, ho, wo, sh, sw, pt, pl), rtol=1e-12,
                               atol=1e-12)
    grad = np.random.default_rng(0).standard_normal(out.shape)
    dx = np.full(x.shape, np.nan)
    K.avg_pool_backward(grad, dx, kh, kw, sh, sw, pt, pl)
    np.testing.assert_allclose(dx, K.avg_pool_backward_reference(grad, h, w, kh, kw, sh, sw, pt, pl), rtol=1e-12,
                               atol=1e-12)


def test_window_counts_with_same_padding():
    """3×3, paso 1, 'same' sobre 3×3: esquinas con 4 posiciones reales, bordes con 6, centro con 9."""
    np.testing.assert_array_equal(K.window_counts(3, 3, 3, 3, 3, 3, 1, 1, 1, 1), [[4, 6, 4], [6, 9, 6], [4, 6, 4]])
