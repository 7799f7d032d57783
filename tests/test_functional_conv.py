"""conv2d, conv1d, depthwise y separable: valores conocidos, una convolución directa, gradcheck y errores."""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from strategies_kernels import conv_cases, group_layout
from tinygrad_es import ShapeError, Tensor, gradcheck
from tinygrad_es.nn import functional as F
from tinygrad_es.ops.conv import conv2d_reference


def direct_conv2d(x, w, b, stride, dilation, pad, out_hw, groups=1):
    """Convolución con cuatro bucles y un producto escalar por píxel: lenta y obvia. Grupos: uno tras otro."""
    n, h, wd, c = x.shape
    kh, kw, cg, f = w.shape
    fg = f // groups
    out = np.zeros((n, *out_hw, f))
    for g in range(groups):
        xg, wg = x[..., g * cg:(g + 1) * cg], w[..., g * fg:(g + 1) * fg]
        for i in range(out_hw[0]):
            for j in range(out_hw[1]):
                for a in range(kh):
                    for bb in range(kw):
                        y, xx = i * stride[0] - pad[0] + a * dilation[0], j * stride[1] - pad[1] + bb * dilation[1]
                        if 0 <= y < h and 0 <= xx < wd:
                            out[:, i, j, g * fg:(g + 1) * fg] += xg[:, y, xx, :] @ wg[a, bb]
    return out + b


def test_hand_computed_3x3_valid():
    """Un detector de bordes verticales sobre una rampa: cada ventana da (1+5+9) - (3+7+11) = -6."""
    x = np.arange(1, 17, dtype=np.float32).reshape(1, 4, 4, 1)
    w = np.array([[1, 0, -1]] * 3, dtype=np.float32).reshape(3, 3, 1, 1)
    out = F.conv2d(x, w, b=np.array([1.0], dtype=np.float32))
    assert out.shape == (1, 2, 2, 1) and out.dtype == np.float32
    np.testing.assert_array_equal(out.data[0, :, :, 0], [[-5, -5], [-5, -5]])


def test_hand_computed_3x3_same():
    """Núcleo de unos con 'same' sobre 1..9: cada salida es la suma de los vecinos que existen."""
    x = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1)
    out = F.conv2d(x, np.ones((3, 3, 1, 1), dtype=np.float32), padding="same")
    np.testing.assert_array_equal(out.data[0, :, :, 0], [[12, 21, 16], [27, 45, 33], [24, 39, 28]])


def test_same_padding_puts_the_extra_pixel_bottom_right():
    """2×2 con paso 2 sobre 3×3: la última ventana lee la fila y columna 2 más relleno, como TensorFlow."""
    x = np.arange(1, 10, dtype=np.float32).reshape(1, 3, 3, 1)
    out = F.conv2d(x, np.ones((2, 2, 1, 1), dtype=np.float32), stride=2, padding="same")
    np.testing.assert_array_equal(out.data[0, :, :, 0], [[12, 9], [15, 9]])


def test_course_cnn_shapes():
    """La CNN del curso: 28×28×1 -> 26×26×32 -> 24×24×32 (3×3, 'valid')."""
    x = Tensor.zeros(2, 28, 28, 1)
    h = F.conv2d(x, Tensor.zeros(3, 3, 1, 32), Tensor.zeros(32))
    assert h.shape == (2, 26, 26, 32)
    assert F.conv2d(h, Tensor.zeros(3, 3, 32, 32)).shape == (2, 24, 24, 32)


def t64(array):
    return Tensor(array, dtype="float64")


def _options(case):
    return dict(stride=case["stride"], padding=case["padding"], dilation=case["dilation"], groups=case["groups"])


@settings(deadline=None, max_examples=40)
@given(conv_cases(groups=True))
def test_conv2d_matches_direct_convolution(case):
    with group_layout(case["few_channels"]):
        out = F.conv2d(Tensor(case["x"], dtype="float64"), Tensor(case["w"], dtype="float64"),
                       Tensor(case["b"], dtype="float64"), **_options(case))
    stride, dilation, pad, out_hw = case["geometry"]
    expected = direct_conv2d(case["x"], case["w"], case["b"], stride, dilation, pad, out_hw, case["groups"])
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-10)


@settings(deadline=None, max_examples=25)
@given(conv_cases())
def test_conv2d_reference_is_the_direct_convolution(case):
    """La referencia de ops/conv.py (im2col_reference y @) es la convolución con bucles."""
    stride, dilation, pad, out_hw = case["geometry"]
    expected = direct_conv2d(case["x"], case["w"], 0.0, stride, dilation, pad, out_hw, 1)
    np.testing.assert_allclose(conv2d_reference(case["x"], case["w"], stride, dilation, pad, out_hw), expected,
                               rtol=1e-10, atol=1e-10)


@settings(deadline=None, max_examples=25)
@given(conv_cases(max_side=5, groups=True))
def test_conv2d_gradcheck_all_inputs(case):
    with group_layout(case["few_channels"]):
        gradcheck(lambda x, w, b: F.conv2d(x, w, b, **_options(case)), case["x"], case["w"], case["b"])


SIDES = st.tuples(st.tuples(st.integers(0, 3), st.integers(0, 3)), st.tuples(st.integers(0, 3), st.integers(0, 3)))


@settings(deadline=None, max_examples=25)
@given(conv_cases(groups=True), SIDES)
def test_padding_by_sides_is_np_pad_then_valid(case, sides):
    """padding=((arriba, abajo), (izq., der.)): rellenar x con ceros (np.pad) y convolucionar sin relleno."""
    x, w, (sh, sw), (dh, dw) = case["x"], case["w"], case["stride"], case["dilation"]
    padded = np.pad(x, ((0, 0), *sides, (0, 0)))
    out_hw = tuple((padded.shape[1 + i] - d * (w.shape[i] - 1) - 1) // s + 1 for i, (s, d) in
                   enumerate(zip(case["stride"], case["dilation"])))
    assume(min(out_hw) > 0)
    out = F.conv2d(t64(x), t64(w), padding=sides, stride=(sh, sw), dilation=(dh, dw), groups=case["groups"])
    expected = direct_conv2d(padded, w, 0.0, (sh, sw), (dh, dw), (0, 0), out_hw, case["groups"])
    np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-10)


def test_conv2d_without_bias_gradcheck():
    rng = np.random.default_rng(3)
    gradcheck(lambda x, w: F.conv2d(x, w, padding="same", stride=2), rng.standard_normal((2, 5, 4, 2)),
              rng.standard_normal((3, 2, 2, 3)))


def test_conv2d_in_batch_chunks(monkeypatch):
    """Con trozos de 2 imágenes (y un último trozo de 1) el resultado y los gradientes no cambian."""
    from tinygrad_es.ops import conv

    rng = np.random.default_rng(7)
    x, w, b = rng.standard_normal((5, 6, 5, 2)), rng.standard_normal((3, 2, 2, 3)), rng.standard_normal(3)
    per_image = 4 * 4 * 3 * 2 * 2 * 8  # Ho·Wo·KH·KW·C float64 con stride 1, 'valid'
    monkeypatch.setattr(conv, "CHUNK_BYTES", 2 * per_image)
    out = F.conv2d(Tensor(x, dtype="float64"), Tensor(w, dtype="float64"), Tensor(b, dtype="float64"))
    assert out.shape == (5, 4, 4, 3)
    np.testing.assert_allclose(out.data, direct_conv2d(x, w, b, (1, 1), (1, 1), (0, 0), (4, 4)), rtol=1e-10)
    gradcheck(lambda x, w, b: F.conv2d(x, w, b, padding="same", dilation=(2, 1)), x, w, b)
    w2 = rng.standard_normal((3, 2, 1, 4))  # dos grupos de un canal y dos filtros
    for few_channels in (True, False):  # las dos disposiciones de los grupos
        with group_layout(few_channels):
            grouped = F.conv2d(t64(x), t64(w2), groups=2)
            expected = direct_conv2d(x, w2, 0.0, (1, 1), (1, 1), (0, 0), (4, 4), 2)
            np.testing.assert_allclose(grouped.data, expected, rtol=1e-10)
            gradcheck(lambda x, w: F.conv2d(x, w, padding=((0, 1), (2, 0)), groups=2), x, w2)


def test_conv1d_matches_conv2d_and_gradcheck():
    rng = np.random.default_rng(4)
    x, w, b = rng.standard_normal((2, 9, 3)), rng.standard_normal((3, 3, 2)), rng.standard_normal(2)
    out = F.conv1d(Tensor(x, dtype="float64"), Tensor(w, dtype="float64"), Tensor(b, dtype="float64"),
                   stride=2, padding="same", dilation=1)
    as_2d = F.conv2d(Tensor(x[:, None], dtype="float64"), Tensor(w[None], dtype="float64"),
                     Tensor(b, dtype="float64"), stride=(1, 2), padding="same")
    np.testing.assert_allclose(out.data, as_2d.data[:, 0])
    gradcheck(lambda x, w, b: F.conv1d(x, w, b, padding=1, dilation=2), x, w, b)


@st.composite
def conv1d_cases(draw):
    """x (N, L, C), w (K, C/G, F), un relleno de conv1d ('causal', entero o (izq., der.)) y sus lados resueltos."""
    g, k, d, s = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    c, f, length = g * draw(st.integers(1, 2)), g * draw(st.integers(1, 2)), draw(st.integers(1, 8))
    padding = draw(st.one_of(st.just("causal"), st.integers(0, 2), st.tuples(st.integers(0, 3), st.integers(0, 3))))
    sides = (d * (k - 1), 0) if padding == "causal" else (padding, padding) if isinstance(padding, int) else padding
    assume(length + sum(sides) >= d * (k - 1) + 1)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return dict(x=rng.standard_normal((draw(st.integers(1, 2)), length, c)), w=rng.standard_normal((k, c // g, f)),
                b=rng.standard_normal(f), padding=padding, sides=sides, stride=s, dilation=d, groups=g)


@settings(deadline=None, max_examples=25)
@given(conv1d_cases())
def test_conv1d_matches_direct_convolution_and_gradcheck(case):
    x, w, b, s, d, g = (case[k] for k in ("x", "w", "b", "stride", "dilation", "groups"))
    padded = np.pad(x, ((0, 0), case["sides"], (0, 0)))
    out_len = (padded.shape[1] - d * (w.shape[0] - 1) - 1) // s + 1
    expected = direct_conv2d(padded[:, None], w[None], b, (1, s), (1, d), (0, 0), (1, out_len), g)[:, 0]
    options = dict(stride=s, padding=case["padding"], dilation=d, groups=g)
    np.testing.assert_allclose(F.conv1d(t64(x), t64(w), t64(b), **options).data, expected, rtol=1e-10, atol=1e-10)
    gradcheck(lambda x, w, b: F.conv1d(x, w, b, **options), x, w, b)


def direct_depthwise(x, w, stride, padding, dilation):
    """Cada canal c con cada uno de sus M filtros, por separado: la salida c·M + m."""
    c, m = w.shape[2], w.shape[3]
    outs = [F.conv2d(t64(x[..., i:i + 1]), t64(w[:, :, i:i + 1, j:j + 1]), stride=stride, padding=padding,
                     dilation=dilation).data for i in range(c) for j in range(m)]
    return np.concatenate(outs, axis=-1)


@settings(deadline=None, max_examples=15)
@given(conv_cases(max_side=5))
def test_depthwise_and_separable(case):
    x, kh, kw = case["x"], case["w"].shape[0], case["w"].shape[1]
    c = x.shape[3]
    rng = np.random.default_rng(0)
    w, pointwise, b = rng.standard_normal((kh, kw, c, 2)), rng.standard_normal((1, 1, 2 * c, 3)), rng.standard_normal(3)
    options = dict(stride=case["stride"], padding=case["padding"], dilation=case["dilation"])
    depthwise = F.depthwise_conv2d(t64(x), t64(w), **options)
    np.testing.assert_allclose(depthwise.data, direct_depthwise(x, w, **options), rtol=1e-10, atol=1e-10)
    separable = F.separable_conv2d(t64(x), t64(w), t64(pointwise), t64(b), **options)
    np.testing.assert_allclose(separable.data, depthwise.data @ pointwise[0, 0] + b, rtol=1e-10, atol=1e-10)
    gradcheck(lambda x, w, p, b: F.separable_conv2d(x, w, p, b, **options), x, w, pointwise, b)


def test_depthwise_and_separable_1d_are_the_2d_ones_on_one_row():
    rng = np.random.default_rng(9)
    x, w, p, b = (rng.standard_normal(s) for s in ((2, 7, 3), (3, 3, 2), (1, 6, 4), (4,)))
    out = F.separable_conv1d(x, w, p, b, stride=2, padding="same", dilation=1)
    np.testing.assert_allclose(out.data, F.separable_conv2d(x[:, None], w[None], p[None], b, stride=(1, 2),
                                                            padding="same").data[:, 0], rtol=1e-6)
    gradcheck(lambda x, w: F.depthwise_conv1d(x, w, padding="causal", dilation=2), x, w)


def test_conv1d_causal_sees_only_the_past():
    """Con padding='causal' la salida t no depende de las entradas posteriores a t."""
    x = np.zeros((1, 6, 1))
    x[0, 4, 0] = 1.0  # un impulso en t = 4
    out = F.conv1d(x, np.ones((3, 1, 1)), padding="causal", dilation=2)
    assert out.shape == (1, 6, 1)
    np.testing.assert_array_equal(out.data[0, :, 0], [0, 0, 0, 0, 1, 0])


# ---------------------------------------------------------------- errores
@pytest.mark.parametrize("call, message", [
    (lambda: F.conv2d(np.zeros((28, 28, 1)), np.zeros((3, 3, 1, 8))),
     r"conv2d esperaba x de forma \(N, H, W, C\) \(4 ejes\) y recibió \(28, 28, 1\)"),
    (lambda: F.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((3, 3, 8))),
     r"conv2d esperaba w de forma \(KH, KW, C, F\) \(4 ejes\) y recibió \(3, 3, 8\)"),
    (lambda: F.conv2d(np.zeros((1, 8, 8, 3)), np.zeros((3, 3, 1, 8))),
     r"espera 1 canales de entrada y x de forma \(1, 8, 8, 3\) trae 3"),
    (lambda: F.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((3, 3, 1, 8)), np.zeros(4)),
     r"conv2d esperaba b de forma \(8,\) y recibió \(4,\)"),
    (lambda: F.conv2d(np.zeros((1, 2, 8, 1)), np.zeros((3, 3, 1, 8))),
     r"la ventana de 3 .* no cabe en el eje alto de la entrada, que mide 2"),
    (lambda: F.conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), dilation=3),
     r"la ventana de 7 \(tamaño 3, dilatación 3\) no cabe"),
    (lambda: F.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((3, 3, 1, 8)), stride=0),
     r"conv2d: stride debe ser un entero positivo .* recibió 0"),
    (lambda: F.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((3, 3, 1, 8)), stride=(1, -2)),
     r"stride debe ser un entero positivo .* recibió \(1, -2\)"),
    (lambda: F.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((3, 3, 1, 8)), padding="full"),
     r"padding debe ser 'valid', 'same', un entero"),
    (lambda: F.conv2d(np.zeros((1, 8, 8, 1)), np.zeros((3, 3, 1, 8)), padding=((1, 2), (3,))),
     r"padding debe ser .* o una pareja de parejas \(\(arriba, abajo\), \(izquierda, derecha\)\) y recibió"),
    (lambda: F.conv2d(np.zeros((1, 8, 8, 2)), np.zeros((3, 3, 1, 8)), groups=0),
     r"conv2d: groups debe ser un entero positivo y recibió 0"),
    (lambda: F.conv2d(np.zeros((1, 8, 8, 3)), np.zeros((3, 3, 1, 8)), groups=2),
     r"conv2d: los 3 canales de entrada no se reparten en groups = 2 grupos iguales"),
    (lambda: F.conv2d(np.zeros((1, 8, 8, 2)), np.zeros((3, 3, 1, 3)), groups=2),
     r"conv2d: los 3 filtros no se reparten en groups = 2 grupos iguales"),
    (lambda: F.conv2d(np.zeros((1, 8, 8, 4)), np.zeros((3, 3, 1, 4)), groups=2),
     r"espera 1 canales de entrada y x de forma \(1, 8, 8, 4\) trae 2 por grupo \(x trae 4 y groups = 2\)"),
    (lambda: F.depthwise_conv2d(np.zeros((1, 8, 8, 3)), np.zeros((3, 3, 2, 1))),
     r"depthwise_conv2d: el núcleo w de forma \(3, 3, 2, 1\) tiene 2 canales y x de forma \(1, 8, 8, 3\) trae 3"),
    (lambda: F.conv1d(np.zeros((4, 10)), np.zeros((3, 1, 2))),
     r"conv1d esperaba x de forma \(N, L, C\) \(3 ejes\) y recibió \(4, 10\)"),
    (lambda: F.conv1d(np.zeros((4, 2, 1)), np.zeros((3, 1, 2))),
     r"conv1d: la ventana de 3 .* no cabe en el eje de la secuencia de la entrada, que mide 2"),
    (lambda: F.conv1d(np.zeros((4, 9, 1)), np.zeros((3, 1, 2)), stride=0),
     r"conv1d: stride debe ser un entero positivo y recibió 0"),
    (lambda: F.conv1d(np.zeros((4, 9, 1)), np.zeros((3, 1, 2)), padding="full"),
     r"conv1d: padding debe ser 'valid', 'same', 'causal', un entero >= 0 o una pareja"),
])
def test_conv_errors_say_what_was_expected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_shape_errors_are_shape_errors():
    with pytest.raises(ShapeError):
        F.conv2d(np.zeros((1, 8, 8, 3)), np.zeros((3, 3, 1, 8)))
