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


@settings(deadline=None, max_examples=50)
@given(direct_cases(), st.booleans())
def test_weight_grad_matches_reference(case, relu):
    x, w, rng = case["x"], case["w"], case["rng"]
    grad = rng.standard_normal((x.shape[0], *case["out_hw"], w.shape[3]))
    relu_out = rng.standard_normal(grad.shape)
    partial, bias_partial = np.zeros(K.tile_weights(w, case["out_hw"][1]).shape), np.zeros(grad.shape[2] * grad.shape[3])
    K.weight_grad(x, grad, relu_out if relu else np.empty((0, 0, 0, 0)), partial, bias_partial, *case["pad"],
                  *case["dilation"], expanded_buffer(case), np.full(bias_partial.shape, np.nan), 0, x.shape[0])
    g = grad * (relu_out > 0) if relu else grad
    expected = K.weight_grad_reference(x, g, w.shape[:2], *case["pad"], case["dilation"])
    np.testing.assert_allclose(K.fold(partial, w.shape[3]), expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(K.fold(bias_partial, w.shape[3]), g.sum(axis=(0, 1, 2)), rtol=1e-10, atol=1e-10)


@settings(deadline=None, max_examples=50)
@given(direct_cases(), st.booleans())
def test_input_grad_matches_reference(case, relu):
    x, w, rng = case["x"], case["w"], case["rng"]
    grad = rng.standard_normal((x.shape[0], *case["out_hw"], w.shape[3]))
    relu_out = rng.standard_normal(grad.shape)
    dx = np.full(x.shape, np.nan)
    K.input_grad(grad, relu_out if relu else np.empty((0, 0, 0, 0)), K.tile_weights(w, case["out_hw"][1]), dx,
                 *case["pad"], *case["dilation"], expanded_buffer(case), np.full(grad.shape[2] * grad.shape[3], np.nan),
                 0, x.shape[0])
    g = grad * (relu_out > 0) if relu else grad
    expected = K.input_grad_reference(g, w, x.shape, *case["pad"], case["dilation"])
    np.testing.assert_allclose(dx, expected, rtol=1e-10, atol=1e-10)


@settings(deadline=None, max_examples=30)
@given(direct_cases())
def test_gradient_references_are_the_adjoints(case):
    """<conv(x, w), g> = <x, input_grad(g)> = <w, weight_grad(g)>: las referencias del backward son correctas."""
    x, w = case["x"], case["w"]
    grad = case["rng"].standard_normal((x.shape[0], *case["out_hw"], w.shape[3]))
    value = np.sum(K.conv2d_reference(x, w, *case["pad"], case["out_hw"], case["dilation"]) * grad)
    np.testing.assert_allclose(np.sum(x * K.input_grad_reference(grad, w, x.shape, *case["pad"], case["dilation"])),
                               value, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(np.sum(w * K.weight_grad_reference(x, grad, w.shape[:2], *case["pad"], case["dilation"])),
                               value, rtol=1e-10, atol=1e-10)
