"""Los kernels de Winograd F(4×4, 3×3) contra su referencia en NumPy, y las referencias contra la suma directa."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_es.kernels.cpu import winograd as K


@st.composite
def winograd_cases(draw):
    """x (N, H, W, C), relleno (pt, pl) y salida (Ho, Wo) de una conv 3×3 de paso 1, en float64.

    Tamaños que no son múltiplo de 4 (teselas que se salen), rellenos 'same' y mayores, imágenes
    más pequeñas que una tesela."""
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(1, 5)), draw(st.integers(1, 5))
    h, w = draw(st.integers(1, 11)), draw(st.integers(1, 11))
    pt, pl = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    pb, pr = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    ho, wo = h + pt + pb - 2, w + pl + pr - 2
    if ho < 1 or wo < 1:
        pt, pb, pl, pr = 1, 1, 1, 1
        ho, wo = h, w
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return dict(x=rng.standard_normal((n, h, w, c)), w=rng.standard_normal((3, 3, c, f)),
                b=rng.standard_normal(f), pad=(pt, pl), out_hw=(ho, wo), rng=rng)


def direct(x, w, pad, out_hw):
    """La convolución como suma de 9 productos de matrices, uno por posición del núcleo."""
    n, h, wd, c = x.shape
    (pt, pl), (ho, wo) = pad, out_hw
    padded = np.zeros((n, ho + 2, wo + 2, c))
    padded[:, pt:pt + h, pl:pl + wd] = x[:, :ho + 2 - pt, :wo + 2 - pl]
    return sum(padded[:, a:a + ho, b:b + wo] @ w[a, b] for a in range(3) for b in range(3))


def run_input_transform(x, pad, out_hw):
    th, tw = K.tiles(out_hw)
    v = np.full((x.shape[0] * th * tw, K.POINTS, x.shape[3]), np.nan, x.dtype)  # nan: una casilla sin escribir
    rows = np.full((12, (4 * tw + 2) * x.shape[3]), np.nan, x.dtype)  # se notaría, y una lectura de trabajo sin
    # inicializar, también
    K.input_transform(x, v, th, tw, *pad, rows, 0, x.shape[0])
    return v


@settings(deadline=None, max_examples=40)
@given(winograd_cases())
def test_reference_equals_the_direct_convolution(case):
    out = K.conv2d_reference(case["x"], case["w"], *case["pad"], case["out_hw"], case["b"], relu=True)
    expected = np.maximum(direct(case["x"], case["w"], case["pad"], case["out_hw"]) + case["b"], 0)
    np.testing.assert_allclose(out, expected, rtol=1e-10, atol=1e-10)


@settings(deadline=None, max_examples=40)
@given(winograd_cases())
def test_input_transform_matches_reference(case):
    th, tw = K.tiles(case["out_hw"])
    expected = K.input_transform_reference(case["x"], th, tw, *case["pad"])
    np.testing.assert_allclose(run_input_transform(case["x"], case["pad"], case["out_hw"]), expected,
                               rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=40)
@given(winograd_cases(), st.booleans(), st.booleans())
def test_output_transform_matches_reference(case, with_bias, relu):
    n, f = case["x"].shape[0], case["w"].shape[3]
    th, tw = K.tiles(case["out_hw"])
    m = case["rng"].standard_normal((n * th * tw, K.POINTS, f))
    bias = case["b"] if with_bias else np.empty(0)
    out = np.full((n, *case["out_hw"], f), np.nan)
    K.output_transform(m.copy(), out, bias, relu, np.full((10, 4 * tw * f), np.nan), 0, n)
    expected = K.output_transform_reference(m, n, case["out_hw"], case["b"] if with_bias else None, relu)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=40)
@given(winograd_cases(), st.booleans())
def test_output_grad_transform_matches_reference(case, relu):
    n, f = case["x"].shape[0], case["w"].shape[3]
    grad = case["rng"].standard_normal((n, *case["out_hw"], f))
    relu_out = case["rng"].standard_normal(grad.shape) if relu else None
    th, tw = K.tiles(case["out_hw"])
    dm = np.full((n * th * tw, K.POINTS, f), np.nan)
    mask = relu_out if relu else np.empty((0, 0, 0, 0))
    K.output_grad_transform(grad, mask, dm, np.full((10, 4 * tw * f), np.nan), 0, n)
    np.testing.assert_allclose(dm, K.output_grad_transform_reference(grad, relu_out), rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=40)
@given(winograd_cases())
def test_input_grad_transform_matches_reference(case):
    x = case["x"]
    th, tw = K.tiles(case["out_hw"])
    dv = case["rng"].standard_normal((x.shape[0] * th * tw, K.POINTS, x.shape[3]))
    dx = np.full(x.shape, np.nan)
    K.input_grad_transform(dv, dx, th, tw, *case["pad"], np.full((12, (4 * tw + 2) * x.shape[3]), np.nan), 0,
                           x.shape[0])
    expected = K.input_grad_transform_reference(dv, x.shape, th, tw, *case["pad"])
    np.testing.assert_allclose(dx, expected, rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=30)
@given(winograd_cases())
def test_backward_transforms_are_the_adjoints(case):
    """<T(a), b> = <a, Tᵀ(b)> para las tres transformadas: la razón de que el backward sea el gradiente."""
    x, w, rng = case["x"], case["w"], case["rng"]
    n, f = x.shape[0], w.shape[3]
    th, tw = K.tiles(case["out_hw"])
    v = rng.standard_normal((n * th * tw, K.POINTS, x.shape[3]))
    back = K.input_grad_transform_reference(v, x.shape, th, tw, *case["pad"])
    np.testing.assert_allclose(np.sum(run_input_transform(x, case["pad"], case["out_hw"]) * v), np.sum(x * back),
                               rtol=1e-10)
    m = rng.standard_normal((n * th * tw, K.POINTS, f))
    y = rng.standard_normal((n, *case["out_hw"], f))
    np.testing.assert_allclose(np.sum(K.output_transform_reference(m, n, case["out_hw"]) * y),
                               np.sum(m * K.output_grad_transform_reference(y)), rtol=1e-10)
    du = rng.standard_normal((K.POINTS, *w.shape[2:]))
    np.testing.assert_allclose(np.sum(K.weight_transform(w) * du), np.sum(w * K.weight_grad_transform(du, w.dtype)),
                               rtol=1e-10)


def test_bias_point_adds_to_the_whole_tile():
    """M[:, 7] = 1 y el resto 0 da una tesela de unos: por eso el sesgo entra ahí y db sale de ahí."""
    m = np.zeros((1, K.POINTS, 1))
    m[0, K.BIAS_POINT] = 1
    np.testing.assert_array_equal(K.output_transform_reference(m, 1, (4, 4)), np.ones((1, 4, 4, 1)))


@pytest.mark.parametrize("shape", [(8, 26, 26, 32, 32), (8, 10, 10, 64, 64)])
def test_float32_error_is_of_the_order_of_rounding(shape):
    """En float32 (el dtype de entrenamiento) los kernels se separan de la suma exacta ~10⁻⁶ (la directa, ~10⁻⁷)."""
    n, h, w, c, f = shape
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, h, w, c))
    k = rng.standard_normal((3, 3, c, f)) * np.sqrt(2 / (9 * c))
    out_hw = (h - 2, w - 2)
    v = run_input_transform(x.astype(np.float32), (0, 0), out_hw)
    m = np.matmul(v.transpose(1, 0, 2), K.weight_transform(k.astype(np.float32))).transpose(1, 0, 2).copy()
    out = np.empty((n, *out_hw, f), dtype=np.float32)
    K.output_transform(m, out, np.empty(0, np.float32), False, np.empty((10, 4 * K.tiles(out_hw)[1] * f), np.float32),
                       0, n)
    exact = direct(x, k, (0, 0), out_hw)
    assert np.sqrt(np.mean((out - exact) ** 2) / np.mean(exact ** 2)) < 1e-5
