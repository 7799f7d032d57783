"""conv2d_transpose y conv1d_transpose: la adjunta de conv2d, una versión directa en NumPy, gradcheck y errores."""
import numpy as np
import pytest
from hypothesis import assume, given, settings

from strategies_kernels import conv_cases, group_layout
from tinygrad_es import ShapeError, Tensor, gradcheck
from tinygrad_es.nn import functional as F


def t64(array):
    return Tensor(array, dtype="float64")


def keras_output_length(size, k, stride, dilation, padding, output_padding):
    """deconv_output_length de Keras 3 (y PyTorch para el relleno explícito (antes, después))."""
    k = k + (k - 1) * (dilation - 1)
    if isinstance(padding, tuple):
        return (size - 1) * stride + k - sum(padding) + (output_padding or 0)
    if output_padding is None:
        return size * stride + max(k - stride, 0) if padding == "valid" else size * stride
    pad = k // 2 if padding == "same" else 0
    return (size - 1) * stride + k - 2 * pad + output_padding


def direct_conv2d_transpose(x, w, b, stride, dilation, before, out_hw, groups=1):
    """Cada píxel de x pinta su ventana de la salida (multiplicada por el núcleo); lo que cae fuera se pierde."""
    n, h, wd, _ = x.shape
    kh, kw, fg, c = w.shape
    cg = c // groups
    out = np.zeros((n, *out_hw, fg * groups))
    for g in range(groups):
        xg, wg = x[..., g * cg:(g + 1) * cg], w[..., g * cg:(g + 1) * cg]
        for i in range(h):
            for j in range(wd):
                for a in range(kh):
                    for bb in range(kw):
                        y = i * stride[0] - before[0] + a * dilation[0]
                        xx = j * stride[1] - before[1] + bb * dilation[1]
                        if 0 <= y < out_hw[0] and 0 <= xx < out_hw[1]:
                            out[:, y, xx, g * fg:(g + 1) * fg] += xg[:, i, j, :] @ wg[a, bb].T
    return out + b


def _sides(padding):
    """El relleno de un caso como modo por eje: 'valid', 'same' o (antes, después)."""
    if isinstance(padding, str):
        return (padding,) * 2
    if isinstance(padding, int):
        return ((padding, padding),) * 2
    return tuple(p if isinstance(p, tuple) else (p, p) for p in padding)


def _adjoint_setup(case):
    """(x, y, opciones): conv2d lleva x (N, H, W, C) a y; las opciones dan a la traspuesta la salida (H, W)."""
    x, w = case["x"], case["w"]
    (sh, sw), (dh, dw), _, out_hw = case["geometry"]
    output_padding = []
    for axis, mode in enumerate(_sides(case["padding"])):
        s, d, k = case["stride"][axis], case["dilation"][axis], w.shape[axis]
        default = keras_output_length(out_hw[axis], k, s, d, mode, 0)
        output_padding.append(x.shape[1 + axis] - default)  # la que devuelve el tamaño de x
    assume(all(0 <= op < s for op, s in zip(output_padding, case["stride"])))
    y = np.random.default_rng(1).standard_normal((x.shape[0], *out_hw, w.shape[3]))
    return x, y, dict(stride=case["stride"], padding=case["padding"], dilation=case["dilation"],
                      groups=case["groups"], output_padding=tuple(output_padding))


@settings(deadline=None, max_examples=40)
@given(conv_cases(groups=True))
def test_conv2d_transpose_is_the_adjoint_of_conv2d(case):
    """<conv2d(x, w), y> = <x, conv2d_transpose(y, w)>: la definición de traspuesta."""
    x, y, options = _adjoint_setup(case)
    w = case["w"]
    with group_layout(case["few_channels"]):
        conv = F.conv2d(t64(x), t64(w), stride=case["stride"], padding=case["padding"], dilation=case["dilation"],
                        groups=case["groups"])
        transpose = F.conv2d_transpose(t64(y), t64(w), **options)
    assert transpose.shape == x.shape
    np.testing.assert_allclose(np.sum(conv.data * y), np.sum(x * transpose.data), rtol=1e-10, atol=1e-10)


@settings(deadline=None, max_examples=30)
@given(conv_cases(max_side=5, groups=True))
def test_conv2d_transpose_matches_direct_version_and_gradcheck(case):
    """La entrada de la traspuesta es la x de la estrategia; salida, relleno y output_padding, de Keras."""
    x, groups = case["x"], case["groups"]
    kh, kw, _, f = case["w"].shape
    rng = np.random.default_rng(3)
    w, b = rng.standard_normal((kh, kw, f // groups, x.shape[3])), rng.standard_normal(f)  # F/G salidas por grupo
    modes = _sides(case["padding"])
    output_padding = tuple(min(s - 1, 1) for s in case["stride"]) if modes[0] != "same" else None
    out_hw = tuple(keras_output_length(x.shape[1 + i], w.shape[i], case["stride"][i], case["dilation"][i], modes[i],
                                       None if output_padding is None else output_padding[i]) for i in range(2))
    assume(min(out_hw) > 0)
    before = tuple(0 if m == "valid" else m[0] if isinstance(m, tuple) else max(
        (x.shape[1 + i] - 1) * case["stride"][i] + case["dilation"][i] * (w.shape[i] - 1) + 1 - out_hw[i], 0) // 2
        for i, m in enumerate(modes))
    options = dict(stride=case["stride"], padding=case["padding"], dilation=case["dilation"], groups=groups,
                   output_padding=output_padding)
    with group_layout(case["few_channels"]):
        out = F.conv2d_transpose(t64(x), t64(w), t64(b), **options)
        expected = direct_conv2d_transpose(x, w, b, case["stride"], case["dilation"], before, out_hw, groups)
        np.testing.assert_allclose(out.data, expected, rtol=1e-10, atol=1e-10)
        gradcheck(lambda x, w, b: F.conv2d_transpose(x, w, b, **options), x, w, b)


def test_transpose_spreads_a_pixel_over_its_window():
    """Un solo 1 en x pinta el núcleo entero en la salida, desplazado stride píxeles por píxel de x."""
    x = np.zeros((1, 2, 2, 1))
    x[0, 1, 0, 0] = 1.0
    w = np.arange(1, 10, dtype=np.float64).reshape(3, 3, 1, 1)
    out = F.conv2d_transpose(t64(x), t64(w), stride=2)  # 'valid': 2·2 + max(3 - 2, 0) = 5
    assert out.shape == (1, 5, 5, 1)
    expected = np.zeros((5, 5))
    expected[2:5, 0:3] = w[:, :, 0, 0]
    np.testing.assert_array_equal(out.data[0, :, :, 0], expected)


def test_conv1d_transpose_is_the_2d_one_on_one_row():
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal((2, 5, 3)), rng.standard_normal((3, 2, 3)), rng.standard_normal(2)
    for options in (dict(stride=2, padding="same"), dict(stride=3, padding="valid", output_padding=2),
                    dict(padding=(1, 2), dilation=2)):
        out = F.conv1d_transpose(t64(x), t64(w), t64(b), **options)
        two_d = dict(options, stride=(1, options.get("stride", 1)), dilation=(1, options.get("dilation", 1)))
        if isinstance(options["padding"], tuple):
            two_d["padding"] = ((0, 0), options["padding"])
        if "output_padding" in options:
            two_d["output_padding"] = (0, options["output_padding"])
        expected = F.conv2d_transpose(t64(x[:, None]), t64(w[None]), t64(b), **two_d).data[:, 0]
        np.testing.assert_allclose(out.data, expected, rtol=1e-12)
    gradcheck(lambda x, w, b: F.conv1d_transpose(x, w, b, stride=2, output_padding=(1,)), x, w, b)


@pytest.mark.parametrize("call, message", [
    (lambda: F.conv2d_transpose(np.zeros((1, 3, 3, 2)), np.zeros((3, 3, 4, 3))),
     r"conv2d_transpose: el núcleo w de forma \(3, 3, 4, 3\) espera 3 canales de entrada y x de forma "
     r"\(1, 3, 3, 2\) trae 2: el último eje de w debe ser el último de x"),
    (lambda: F.conv2d_transpose(np.zeros((1, 3, 3, 3)), np.zeros((3, 3, 4, 3)), groups=2),
     r"conv2d_transpose: los 3 canales de entrada no se reparten en groups = 2"),
    (lambda: F.conv2d_transpose(np.zeros((1, 3, 3, 2)), np.zeros((3, 3, 4, 2)), stride=2, output_padding=2),
     r"output_padding debe ser >= 0 y menor que stride .* eje alto recibió output_padding = 2 con stride = 2"),
    (lambda: F.conv2d_transpose(np.zeros((1, 3, 3, 2)), np.zeros((3, 3, 4, 2)), output_padding="1"),
     r"output_padding debe ser None, un entero >= 0 o una pareja de ellos y recibió '1'"),
    (lambda: F.conv2d_transpose(np.zeros((1, 1, 1, 2)), np.zeros((1, 1, 4, 2)), padding=((1, 1), (0, 0))),
     r"con relleno \(1, 1\) \(antes, después\) la salida del eje alto quedaría de tamaño -1"),
    (lambda: F.conv1d_transpose(np.zeros((1, 3, 2)), np.zeros((3, 4, 2)), padding="causal"),
     r"conv1d_transpose: padding='causal' no existe en la convolución traspuesta"),
    (lambda: F.conv2d_transpose(np.zeros((3, 3, 2)), np.zeros((3, 3, 4, 2))),
     r"conv2d_transpose esperaba x de forma \(N, H, W, C\) \(4 ejes\) y recibió \(3, 3, 2\)"),
])
def test_transpose_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_shape_errors_are_shape_errors():
    with pytest.raises(ShapeError):
        F.conv2d_transpose(np.zeros((1, 3, 3, 2)), np.zeros((3, 3, 4, 3)))
