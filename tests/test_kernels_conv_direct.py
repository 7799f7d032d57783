"""Los kernels de la convolución directa (pocos canales) contra su referencia en NumPy."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_es.kernels.cpu import conv_direct as K


@st.composite
def direct_cases(draw):
    """x (N, H, W, C) con pocos canales, núcleo (KH, KW, C, F), dilatación y relleno por lado, en float64."""
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 4))
    h, w = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    pt, pb, pl, pr = (draw(st.integers(0, 3)) for _ in range(4))
    ho, wo = h + pt + pb - (kh - 1) * dh, w + pl + pr - (kw - 1) * dw
    if ho < 1 or wo < 1:  # la ventana no cabe: se rellena lo justo para una salida del tamaño de la entrada
        pt, pl = (kh - 1) * dh // 2, (kw - 1) * dw // 2
        ho, wo = h, w
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return dict(x=rng.standard_normal((n, h, w, c)), w=rng.standard_normal((kh, kw, c, f)), b=rng.standard_normal(f),
                pad=(pt, pl), dilation=(dh, dw), out_hw=(ho, wo), rng=rng)


def expanded_buffer(case):
    kh, kw, c, f = case["w"].shape
    (ho, wo), (dh, dw) = case["out_hw"], case["dilation"]
    return np.full((c, ho + (kh - 1) * dh, (wo + (kw - 1) * dw) * f), np.nan)


@settings(deadline=None, max_examples=50)
@given(direct_cases(), st.booleans(), st.booleans())
def test_forward_matches_reference(case, with_bias, relu):
    x, w, (ho, wo) = case["x"], case["w"], case["out_hw"]
    out = np.full((x.shape[0], ho, wo, w.shape[3]), np.nan)
    bias = np.tile(case["b"], wo) if with_bias else np.empty(0)
    K.forward(x, K.tile_weights(w, wo), bias, relu, out, *case["pad"], *case["dilation"], expanded_buffer(case), 0,
              x.shape[0])
    expected = K.conv2d_reference(x, w, *case["pad"], case["out_hw"], case["dilation"]) + (case["b"] if with_bias else 0)
    np.testing.assert_allclose(out, np.maximum(expected, 0) if relu else expected, rtol=1e-12, atol=1e-12)
