"""Convoluciones de `nn.functional`: conv1d, conv2d, sus traspuestas, depthwise y separable.

Todo va con canales al final, como Keras: imágenes (N, H, W, C), secuencias (N, L, C), núcleos
(KH, KW, C/groups, F). Aquí se comprueban los argumentos y se resuelve la geometría (tamaño de
la salida y relleno de cada lado); el trabajo lo hacen las operaciones de `ops/conv.py` (y, en la
CPU, las rutas rápidas de `ops/conv_winograd.py` y `ops/conv_direct.py`, que conv2d elige sola). Las
versiones 1D son la 2D de una imagen de una fila: usan los mismos kernels.

El relleno (`padding`) de conv2d puede ser:
    'valid'                         sin relleno
    'same'                          salida de tamaño ceil(H/stride); el relleno que falta se
                                    reparte como en TensorFlow (el píxel sobrante abajo/derecha)
    p                               p a cada lado
    (ph, pw)                        ph arriba y abajo, pw a izquierda y derecha
    ((arriba, abajo), (izq., der.)) cada lado por separado (como ZeroPadding2D de Keras)
y el de conv1d, 'valid', 'same', 'causal' (todo a la izquierda), p o (izq., der.).
"""
from __future__ import annotations


from ..errors import ShapeError, shape_str
from ..ops import conv_direct, conv_winograd
from ..ops.conv import Conv2D, Conv2DTranspose
from ..tensor import Tensor, as_tensor
from .arguments import check_rank, check_shape, is_int, output_size, pair, single

AXES_2D = ("alto", "ancho")
AXES_1D = ("alto", "de la secuencia")  # el eje 'alto' de una conv1d mide siempre 1


# ---------------------------------------------------------------- geometría
def _axis_geometry(fn, size, k, stride, dilation, mode, axis):
    """Tamaño de salida y relleno del principio de un eje: (out, pad_before).

    mode: 'same' (out = ceil(size/stride), el relleno que falta repartido como en TensorFlow: la
    mitad delante y el píxel sobrante detrás) o (antes, después).
    """
    eff_k = dilation * (k - 1) + 1
    out = output_size(size, k, stride, dilation, mode)
    before = max((out - 1) * stride + eff_k - size, 0) // 2 if mode == "same" else mode[0]
    if out <= 0 or size <= 0:
        raise ShapeError(
            f"{fn}: la ventana de {eff_k} (tamaño {k}, dilatación {dilation}) no cabe en el eje {axis} de la "
            f"entrada, que mide {size} con relleno {_mode_str(mode)}: usa padding='same', una ventana más "
            "pequeña o una entrada más grande."
        )
    return out, before


def _mode_str(mode):
    return repr(mode) if isinstance(mode, str) else "'valid'" if mode == (0, 0) else f"{mode} (antes, después)"


def _padding_arg(fn, padding):
    """El padding de conv2d/pooling (ver el docstring del módulo) -> un modo por eje: 'same' o (antes, después)."""
    if isinstance(padding, str) and padding.lower() in ("valid", "same"):
        return ((0, 0),) * 2 if padding.lower() == "valid" else ("same",) * 2
    if is_int(padding, 0):
        return ((int(padding),) * 2,) * 2
    if isinstance(padding, (tuple, list)) and len(padding) == 2:
        if all(is_int(p, 0) for p in padding):
            return tuple((int(p), int(p)) for p in padding)
        if all(isinstance(p, (tuple, list)) and len(p) == 2 and all(is_int(v, 0) for v in p) for p in padding):
            return tuple((int(p[0]), int(p[1])) for p in padding)
    raise ValueError(
        f"{fn}: padding debe ser 'valid', 'same', un entero >= 0, una pareja (alto, ancho) de ellos o una pareja "
        f"de parejas ((arriba, abajo), (izquierda, derecha)) y recibió {padding!r}."
    )


def _geometry(fn, hw, kernel, stride, dilation, padding, axis_names=AXES_2D):
    """((sh, sw), (dh, dw), (pt, pl), (Ho, Wo)) para una ventana sobre una imagen de tamaño hw.

    El relleno de abajo/derecha no se devuelve: queda implícito en (Ho, Wo) (ver kernels/cpu/im2col.py).
    """
    modes = _padding_arg(fn, padding)
    axes = [_axis_geometry(fn, hw[i], kernel[i], stride[i], dilation[i], modes[i], axis_names[i]) for i in range(2)]
    return stride, dilation, (axes[0][1], axes[1][1]), (axes[0][0], axes[1][0])


def _padding_1d(fn, padding, eff_k):
    """El padding de conv1d -> el de una conv2d de una fila: 'valid', 'same' o ((0, 0), (izq., der.))."""
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode in ("valid", "same"):
        return mode
    if mode == "causal":  # todo el relleno a la izquierda: la salida en t solo ve entradas <= t
        return (0, 0), (eff_k - 1, 0)
    if is_int(mode, 0):
        return (0, 0), (int(mode), int(mode))
    if isinstance(mode, (tuple, list)) and len(mode) == 2 and all(is_int(p, 0) for p in mode):
        return (0, 0), (int(mode[0]), int(mode[1]))
    raise ValueError(
        f"{fn}: padding debe ser 'valid', 'same', 'causal', un entero >= 0 o una pareja (izquierda, derecha) de "
        f"ellos y recibió {padding!r}."
    )


# ---------------------------------------------------------------- convolución
def conv2d(x: Tensor, w: Tensor, b: Tensor | None = None, stride: int | tuple = 1, padding: str | int | tuple = "valid",
           dilation: int | tuple = 1, groups: int = 1, activation: str | None = None) -> Tensor:
    """Convolución 2D con canales al final: x (N, H, W, C), w (KH, KW, C/groups, F), b (F,) -> (N, Ho, Wo, F).

    stride y dilation: entero o pareja (alto, ancho). padding: 'valid', 'same', un entero, una
    pareja o ((arriba, abajo), (izquierda, derecha)) (ver el docstring del módulo).
    groups: reparte canales y filtros en grupos independientes, como `Conv2D(groups=...)` de Keras:
    los filtros del grupo g (F/groups seguidos) solo ven los canales del grupo g (C/groups
    seguidos). groups = C es la convolución en profundidad (ver depthwise_conv2d).
    activation='relu' da relu(conv2d(...)) en una sola operación, más rápida y con menos memoria
    (ver ops/conv.py); el resultado es el mismo.
    """
    x, w = as_tensor(x), as_tensor(w)
    check_rank("conv2d", "x", x, 4, "(N, H, W, C)",
               "añade los ejes que falten, p. ej. x.reshape(N, 28, 28, 1) para imágenes en gris")
    check_rank("conv2d", "w", w, 4, "(KH, KW, C, F)", "el núcleo va como (alto, ancho, canales de entrada, filtros)")
    return _conv("conv2d", x, w, b, pair("conv2d", "stride", stride), pair("conv2d", "dilation", dilation),
                 padding, groups, activation=activation)


def conv1d(x: Tensor, w: Tensor, b: Tensor | None = None, stride: int | tuple = 1, padding: str | int | tuple = "valid",
           dilation: int | tuple = 1, groups: int = 1) -> Tensor:
    """Convolución 1D: x (N, L, C), w (K, C/groups, F), b (F,) -> (N, Lo, F), como `Conv1D` de Keras.

    padding: 'valid', 'same', 'causal' (todo el relleno a la izquierda: la salida en t solo ve
    entradas <= t), un entero o una pareja (izquierda, derecha). groups: como en conv2d.
    Es la convolución 2D de una imagen de una fila: usa los mismos kernels.
    """
    x, w = as_tensor(x), as_tensor(w)
    check_rank("conv1d", "x", x, 3, "(N, L, C)", "añade los ejes que falten, p. ej. x.reshape(N, L, 1)")
    check_rank("conv1d", "w", w, 3, "(K, C, F)", "el núcleo va como (tamaño, canales de entrada, filtros)")
    stride, dilation = single("conv1d", "stride", stride), single("conv1d", "dilation", dilation)
    padding = _padding_1d("conv1d", padding, dilation * (w.shape[0] - 1) + 1)
    out = _conv("conv1d", x.unsqueeze(1), w.unsqueeze(0), b, (1, stride), (1, dilation), padding, groups,
                axis_names=AXES_1D)
    return out.squeeze(1)


def depthwise_conv2d(x: Tensor, w: Tensor, b: Tensor | None = None, stride: int | tuple = 1,
                     padding: str | int | tuple = "valid", dilation: int | tuple = 1) -> Tensor:
    """Convolución en profundidad, como `DepthwiseConv2D` de Keras: x (N, H, W, C), w (KH, KW, C, M) -> (N, Ho, Wo, C·M).

    Cada canal c se convoluciona solo, con sus M filtros w[:, :, c, :]; la salida c·M + m es la
    del filtro m del canal c. b: (C·M,). Es conv2d con groups = C y el núcleo (KH, KW, 1, C·M).
    """
    x, w = as_tensor(x), as_tensor(w)
    check_rank("depthwise_conv2d", "x", x, 4, "(N, H, W, C)")
    check_rank("depthwise_conv2d", "w", w, 4, "(KH, KW, C, M)", "un núcleo por canal y multiplicador de profundidad")
    _check_depthwise("depthwise_conv2d", x, w)
    kh, kw, c, m = w.shape
    return _conv("depthwise_conv2d", x, w.reshape(kh, kw, 1, c * m), b, pair("depthwise_conv2d", "stride", stride),
                 pair("depthwise_conv2d", "dilation", dilation), padding, c)


def depthwise_conv1d(x: Tensor, w: Tensor, b: Tensor | None = None, stride: int | tuple = 1,
                     padding: str | int | tuple = "valid", dilation: int | tuple = 1) -> Tensor:
    """Convolución 1D en profundidad (`DepthwiseConv1D` de Keras): x (N, L, C), w (K, C, M) -> (N, Lo, C·M)."""
    x, w = as_tensor(x), as_tensor(w)
    check_rank("depthwise_conv1d", "x", x, 3, "(N, L, C)")
    check_rank("depthwise_conv1d", "w", w, 3, "(K, C, M)", "un núcleo por canal y multiplicador de profundidad")
    _check_depthwise("depthwise_conv1d", x, w)
    k, c, m = w.shape
    return conv1d(x, w.reshape(k, 1, c * m), b, stride, padding, dilation, groups=c)


def separable_conv2d(x: Tensor, depthwise_w: Tensor, pointwise_w: Tensor, b: Tensor | None = None,
                     stride: int | tuple = 1, padding: str | int | tuple = "valid",
                     dilation: int | tuple = 1) -> Tensor:
    """Convolución separable (`SeparableConv2D` de Keras): depthwise_conv2d y después una conv2d 1×1.

    depthwise_w (KH, KW, C, M), pointwise_w (1, 1, C·M, F), b (F,) -> (N, Ho, Wo, F). stride,
    padding y dilation son los de la parte en profundidad.
    """
    return conv2d(depthwise_conv2d(x, depthwise_w, None, stride, padding, dilation), pointwise_w, b)


def separable_conv1d(x: Tensor, depthwise_w: Tensor, pointwise_w: Tensor, b: Tensor | None = None,
                     stride: int | tuple = 1, padding: str | int | tuple = "valid",
                     dilation: int | tuple = 1) -> Tensor:
    """Convolución 1D separable (`SeparableConv1D` de Keras): depthwise_w (K, C, M), pointwise_w (1, C·M, F)."""
    return conv1d(depthwise_conv1d(x, depthwise_w, None, stride, padding, dilation), pointwise_w, b)


def _check_depthwise(fn, x, w):
    if w.shape[-2] != x.shape[-1]:
        raise ShapeError(
            f"{fn}: el núcleo w de forma {shape_str(w.shape)} tiene {w.shape[-2]} canales y x de forma "
            f"{shape_str(x.shape)} trae {x.shape[-1]}: el penúltimo eje de w es un núcleo por canal de x."
        )


def _check_groups(fn, groups, channels, filters):
    """groups debe repartir en partes iguales los canales de entrada y los filtros."""
    if not is_int(groups, 1):
        raise ValueError(f"{fn}: groups debe ser un entero positivo y recibió {groups!r}.")
    if channels % groups or filters % groups:
        what = f"los {channels} canales de entrada" if channels % groups else f"los {filters} filtros"
        raise ValueError(
            f"{fn}: {what} no se reparten en groups = {groups} grupos iguales: canales de entrada y filtros deben "
            "ser múltiplos de groups."
        )


def _channel_mismatch(fn, w, x, axis, groups):
    """El error de un núcleo cuyo eje `axis` (los canales de entrada) no encaja con los canales de x."""
    by_group = f" por grupo (x trae {x.shape[3]} y groups = {groups})" if groups > 1 else ""
    return ShapeError(
        f"{fn}: el núcleo w de forma {shape_str(w.shape)} espera {w.shape[axis]} canales de entrada y x de forma "
        f"{shape_str(x.shape)} trae {x.shape[3] // groups}{by_group}: el {'penúltimo' if axis == 2 else 'último'} "
        "eje de w debe ser el último de x" + (" dividido por groups." if groups > 1 else ".")
    )


def _bias(fn, b, size):
    if b is None:
        return []
    b = as_tensor(b)
    check_shape(fn, "b", b, (size,), "un sesgo por canal de salida (filtro)")
    return [b]


def _conv(fn, x, w, b, stride, dilation, padding, groups, axis_names=AXES_2D, activation=None):
    """La parte común de las convoluciones: comprueba grupos y sesgo, resuelve el relleno y llama a Conv2D."""
    if activation not in (None, "relu"):
        raise ValueError(
            f"{fn}: activation puede ser None o 'relu' (la única que va fusionada con la convolución) y recibió "
            f"{activation!r}: para otra, aplícala al resultado, p. ej. {fn}(x, w).tanh()."
        )
    _check_groups(fn, groups, x.shape[3], w.shape[3])
    if w.shape[2] * groups != x.shape[3]:
        raise _channel_mismatch(fn, w, x, 2, groups)
    stride, dilation, pad, out_hw = _geometry(fn, x.shape[1:3], w.shape[:2], stride, dilation, padding, axis_names)
    args, relu = (x, w, *_bias(fn, b, w.shape[3])), activation == "relu"
    # las rutas rápidas de la CPU, si sirven: pocos canales de entrada, o 3×3 de paso 1 (ver sus docstrings)
    if conv_direct.applies(x.data, w.data, stride, groups):
        return conv_direct.Conv2DDirect.apply(*args, dilation=dilation, pad=pad, out_hw=out_hw, relu=relu)
    if conv_winograd.applies(x.data, w.data, stride, dilation, out_hw, groups):
        return conv_winograd.Conv2DWinograd.apply(*args, pad=pad, out_hw=out_hw, relu=relu)
    return Conv2D.apply(*args, stride=stride, dilation=dilation, pad=pad, out_hw=out_hw, groups=int(groups), relu=relu)


# ---------------------------------------------------------------- convolución traspuesta
def conv2d_transpose(x: Tensor, w: Tensor, b: Tensor | None = None, stride: int | tuple = 1,
                     padding: str | int | tuple = "valid", output_padding: int | tuple | None = None,
                     dilation: int | tuple = 1, groups: int = 1) -> Tensor:
    """Convolución traspuesta, como `Conv2DTranspose` de Keras: x (N, H, W, C), w (KH, KW, F, C) -> (N, Ho, Wo, F).

    Es la adjunta de conv2d con el mismo núcleo: si y = conv2d(z, w, stride=s, padding=p), entonces
    <y, x> = <z, conv2d_transpose(x, w, stride=s, padding=p)> (por eso w va como en Keras,
    (alto, ancho, filtros de salida, canales de entrada)). Cada píxel de x "pinta" su ventana de
    la salida, multiplicada por el núcleo, y las ventanas que se solapan se suman.

    Tamaño de la salida, eje a eje (k = dilation·(tamaño - 1) + 1), como Keras 3:
        'valid': H·s + max(k - s, 0)      'same': H·s
        con output_padding op: 'valid' (H - 1)·s + k + op; 'same' (H - 1)·s + k - 2·(k // 2) + op
        relleno explícito (antes, después), como PyTorch: (H - 1)·s + k - antes - después + op
    output_padding: None, entero o pareja, cada uno menor que su stride. b: (F·groups,).
    groups: la adjunta de conv2d con ese groups: w (KH, KW, F, C), con F los filtros de cada grupo (la
    salida tiene F·groups canales) y C todos los canales de x (el núcleo de conv2d (KH, KW, F, C) al revés).
    """
    x, w = as_tensor(x), as_tensor(w)
    check_rank("conv2d_transpose", "x", x, 4, "(N, H, W, C)")
    check_rank("conv2d_transpose", "w", w, 4, "(KH, KW, F, C)",
               "el núcleo de Keras Conv2DTranspose va como (alto, ancho, filtros de salida, canales de entrada)")
    return _conv_transpose("conv2d_transpose", x, w, b, pair("conv2d_transpose", "stride", stride), padding,
                           output_padding, pair("conv2d_transpose", "dilation", dilation), groups)


def conv1d_transpose(x: Tensor, w: Tensor, b: Tensor | None = None, stride: int | tuple = 1,
                     padding: str | int | tuple = "valid", output_padding: int | tuple | None = None,
                     dilation: int | tuple = 1, groups: int = 1) -> Tensor:
    """Convolución 1D traspuesta (`Conv1DTranspose` de Keras): x (N, L, C), w (K, F, C) -> (N, Lo, F).

    La adjunta de conv1d; padding 'valid', 'same', un entero o (izquierda, derecha). Ver conv2d_transpose.
    """
    x, w = as_tensor(x), as_tensor(w)
    check_rank("conv1d_transpose", "x", x, 3, "(N, L, C)")
    check_rank("conv1d_transpose", "w", w, 3, "(K, F, C)", "el núcleo va como (tamaño, filtros de salida, canales)")
    if isinstance(padding, str) and padding.lower() == "causal":
        raise ValueError("conv1d_transpose: padding='causal' no existe en la convolución traspuesta (tampoco en "
                         "Keras): usa 'valid', 'same', un entero o (izquierda, derecha).")
    mode = _padding_1d("conv1d_transpose", padding, 1)
    if isinstance(output_padding, (tuple, list)) and len(output_padding) == 1:  # Keras acepta (op,)
        output_padding = output_padding[0]
    op = None if output_padding is None else (0, output_padding)
    out = _conv_transpose("conv1d_transpose", x.unsqueeze(1), w.unsqueeze(0), b,
                          (1, single("conv1d_transpose", "stride", stride)), mode, op,
                          (1, single("conv1d_transpose", "dilation", dilation)), groups, AXES_1D)
    return out.squeeze(1)


def _transpose_axis(fn, size, k, stride, dilation, mode, op, axis):
    """(tamaño de la salida, relleno del principio) de un eje de la convolución traspuesta (ver conv2d_transpose)."""
    eff_k = dilation * (k - 1) + 1
    if op is not None and not 0 <= op < stride:
        raise ValueError(
            f"{fn}: output_padding debe ser >= 0 y menor que stride en cada eje (como en Keras) y en el eje {axis} "
            f"recibió output_padding = {op} con stride = {stride}."
        )
    if mode == "same":
        out = size * stride if op is None else (size - 1) * stride + eff_k - 2 * (eff_k // 2) + op
        before = max((size - 1) * stride + eff_k - out, 0) // 2  # el de conv2d 'same' sobre la salida
    elif mode == "valid":
        out = size * stride + max(eff_k - stride, 0) if op is None else (size - 1) * stride + eff_k + op
        before = 0
    else:
        before, out = mode[0], (size - 1) * stride + eff_k - mode[0] - mode[1] + (op or 0)
    if out <= 0:
        raise ShapeError(
            f"{fn}: con relleno {_mode_str(mode)} la salida del eje {axis} quedaría de tamaño {out}: usa menos relleno."
        )
    return out, before


def _conv_transpose(fn, x, w, b, stride, padding, output_padding, dilation, groups, axis_names=AXES_2D):
    modes = (padding.lower(),) * 2 if isinstance(padding, str) and padding.lower() in ("valid", "same") else \
        _padding_arg(fn, padding)
    op = (None, None) if output_padding is None else (
        (output_padding,) * 2 if is_int(output_padding, 0) else tuple(output_padding))
    if len(op) != 2 or not all(p is None or is_int(p, 0) for p in op):
        raise ValueError(f"{fn}: output_padding debe ser None, un entero >= 0 o una pareja de ellos y recibió "
                         f"{output_padding!r}.")
    # x es la salida de la conv2d cuya adjunta se calcula: sus canales son los filtros (último eje) de w
    if w.shape[3] != x.shape[3]:
        raise _channel_mismatch(fn, w, x, 3, 1)
    _check_groups(fn, groups, x.shape[3], x.shape[3])
    axes = [_transpose_axis(fn, x.shape[1 + i], w.shape[i], stride[i], dilation[i], modes[i], op[i], axis_names[i])
            for i in range(2)]
    return Conv2DTranspose.apply(x, w, *_bias(fn, b, w.shape[2] * groups), stride=stride, dilation=dilation,
                                 pad=(axes[0][1], axes[1][1]), x_hw=(axes[0][0], axes[1][0]), groups=int(groups))
