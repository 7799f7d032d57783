"""Las rutas rápidas de conv2d (Winograd y la directa): cuándo se eligen, mismos valores que im2col y gradcheck."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_es import Tensor, gradcheck
from tinygrad_es.nn import functional as F
from tinygrad_es.nn.conv import _geometry
from tinygrad_es.ops.conv import Conv2D
from tinygrad_es.ops.conv_direct import Conv2DDirect
from tinygrad_es.ops.conv_winograd import Conv2DWinograd


def op_of(out):
    return type(out._ctx)


@pytest.mark.parametrize("x_shape, w_shape, options, expected", [
    ((2, 28, 28, 1), (3, 3, 1, 32), {}, Conv2DDirect),  # la primera capa de la CNN del curso
    ((2, 26, 26, 32), (3, 3, 32, 32), {}, Conv2DWinograd),  # la segunda
    ((2, 12, 12, 32), (3, 3, 32, 64), {"padding": "same"}, Conv2DWinograd),
    ((2, 4, 4, 64), (3, 3, 64, 64), {}, Conv2D),  # salida 2×2: una tesela de 4×4 entera para 4 salidas
    ((2, 12, 12, 8), (3, 3, 8, 8), {"stride": 2}, Conv2D),
    ((2, 12, 12, 8), (3, 3, 8, 8), {"dilation": 2}, Conv2D),
    ((2, 12, 12, 8), (5, 5, 8, 8), {}, Conv2D),
    ((2, 12, 12, 2), (5, 5, 2, 8), {"dilation": 2}, Conv2DDirect),
    ((2, 12, 12, 2), (3, 3, 2, 8), {"stride": 2}, Conv2D),
])
def test_conv2d_picks_the_path_by_itself(x_shape, w_shape, options, expected):
    out = F.conv2d(Tensor.zeros(*x_shape), Tensor.zeros(*w_shape, requires_grad=True), **options)
    assert op_of(out) is expected


@st.composite
def fast_cases(draw):
    """Una conv de paso 1 que va por Winograd (3×3, C >= 4) o por la directa (C <= 3), en float64."""
    winograd = draw(st.booleans())
    n, f = draw(st.integers(1, 2)), draw(st.integers(1, 4))
    c = draw(st.integers(4, 6)) if winograd else draw(st.integers(1, 3))
    h, w = draw(st.integers(3, 10)), draw(st.integers(3, 10))
    kernel = (3, 3) if winograd else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = draw(st.sampled_from(["valid", "same", 1, (2, 0)]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return dict(x=rng.standard_normal((n, h, w, c)), w=rng.standard_normal((*kernel, c, f)), b=rng.standard_normal(f),
                padding=padding, activation=draw(st.sampled_from([None, "relu"])),
                op=Conv2DWinograd if winograd else Conv2DDirect)


@settings(deadline=None, max_examples=40)
@given(fast_cases())
def test_fast_paths_give_what_im2col_gives(case):
    """Valores y gradientes (x, w, b) iguales a los de Conv2D (im2col), con relleno, sesgo y ReLU fusionada."""
    tensors = [Tensor(case[k], dtype="float64", requires_grad=True) for k in ("x", "w", "b")]
    out = F.conv2d(*tensors, padding=case["padding"], activation=case["activation"])
    assert op_of(out) in (case["op"], Conv2D)  # una salida pequeña (2×2) va por im2col
    reference = [Tensor(case[k], dtype="float64", requires_grad=True) for k in ("x", "w", "b")]
    stride, dilation, pad, out_hw = _geometry("conv2d", case["x"].shape[1:3], case["w"].shape[:2], (1, 1), (1, 1),
                                                case["padding"])
    expected = Conv2D.apply(*reference, stride=stride, dilation=dilation, pad=pad, out_hw=out_hw,
                            relu=case["activation"] == "relu")
    np.testing.assert_allclose(out.data, expected.data, rtol=1e-9, atol=1e-9)
    grad = np.random.default_rng(1).standard_normal(out.shape)
    out.backward(grad)
    expected.backward(grad)
    for ours, theirs in zip(tensors, reference):
        np.testing.assert_allclose(ours.grad.data, theirs.grad.data, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("c, padding, activation", [(5, "valid", None), (4, "same", "relu"), (1, "valid", "relu"),
                                                    (3, "same", None)])
def test_gradcheck_through_the_fast_paths(c, padding, activation):
    rng = np.random.default_rng(c)
    x, w, b = rng.standard_normal((2, 7, 9, c)), rng.standard_normal((3, 3, c, 3)), rng.standard_normal(3)
    expected = Conv2DWinograd if c >= 4 else Conv2DDirect
    assert op_of(F.conv2d(Tensor(x, requires_grad=True), Tensor(w), padding=padding)) is expected
    gradcheck(lambda x, w, b: F.conv2d(x, w, b, padding=padding, activation=activation), x, w, b)


def test_float32_winograd_is_as_accurate_as_float32():
    """La CNN del curso en float32: Winograd se separa de la cuenta exacta como el redondeo de float32."""
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((4, 26, 26, 32)), rng.standard_normal((3, 3, 32, 32)) * 0.08
    ours = F.conv2d(Tensor(x, dtype="float32"), Tensor(w, dtype="float32", requires_grad=True))
    assert op_of(ours) is Conv2DWinograd and ours.dtype == np.float32
    exact = F.conv2d(Tensor(x, dtype="float64"), Tensor(w, dtype="float64")).data
    np.testing.assert_allclose(ours.data, exact, rtol=1e-4, atol=1e-4 * np.abs(exact).max())
