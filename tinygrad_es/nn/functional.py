"""Las piezas derivables de las redes: convolución, pooling, capas recurrentes, normalización...

Cada función comprueba sus argumentos (con mensajes que dicen qué se esperaba, qué llegó y
qué hacer), resuelve los detalles de Keras (relleno 'same', pasos por defecto, orden de las
puertas) y llama a una operación primitiva de `ops/`, que hace el trabajo con kernels de Numba
y productos de BLAS. Todo va con canales al final: imágenes (N, H, W, C), secuencias (N, T, D).

Las pérdidas (`mse`, `softmax_cross_entropy`...) están en `nn/losses.py` y se reexportan aquí.

Las celdas `lstm_cell`, `gru_cell` y `simple_rnn_cell` hacen un solo paso con operaciones de
Tensor: son la versión para leer (y la referencia de las pruebas) de las capas completas.
"""
import numpy as np

from ..errors import ShapeError, shape_str
from ..ops import conv_direct, conv_winograd
from ..ops.conv import Conv2D
from ..ops.norm import BatchNorm
from ..ops.pool import AvgPool2D, MaxPool2D
from ..ops.recurrent import GRU, LSTM, SimpleRNN
from ..random import generator
from ..tensor import Tensor
from .losses import (binary_cross_entropy, categorical_cross_entropy, hinge, logistic_loss, mae, mse,
                     softmax_cross_entropy)

__all__ = [
    "conv2d", "conv1d", "max_pool2d", "avg_pool2d", "global_avg_pool2d", "global_max_pool2d",
    "lstm", "gru", "simple_rnn", "lstm_cell", "gru_cell", "simple_rnn_cell",
    "batch_norm", "dropout", "embedding",
    # las pérdidas viven en nn/losses.py; aquí se reexportan para tenerlo todo a mano en F
    "softmax_cross_entropy", "categorical_cross_entropy", "binary_cross_entropy", "logistic_loss", "hinge",
    "mse", "mae",
]


# ---------------------------------------------------------------- comprobaciones compartidas
def _tensor(value) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor(value)


def _check_rank(fn, name, t, rank, layout, hint=""):
    if t.ndim != rank:
        raise ShapeError(
            f"{fn} esperaba {name} de forma {layout} ({rank} ejes) y recibió {shape_str(t.shape)}"
            + (f": {hint}" if hint else ".")
        )


def _check_shape(fn, name, t, expected, hint=""):
    if tuple(t.shape) != tuple(expected):
        raise ShapeError(
            f"{fn} esperaba {name} de forma {shape_str(expected)} y recibió {shape_str(t.shape)}"
            + (f": {hint}" if hint else ".")
        )


def _pair(fn, name, value):
    """Un entero o una pareja de enteros positivos -> (alto, ancho)."""
    pair = (value, value) if np.isscalar(value) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v > 0 for v in pair):
        raise ValueError(
            f"{fn}: {name} debe ser un entero positivo o una pareja de ellos (alto, ancho) y recibió {value!r}."
        )
    return int(pair[0]), int(pair[1])


def _single(fn, name, value):
    """Un entero positivo (o una tupla de uno, como acepta Keras en Conv1D)."""
    v = value[0] if isinstance(value, (tuple, list)) and len(value) == 1 else value
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool) or v <= 0:
        raise ValueError(f"{fn}: {name} debe ser un entero positivo y recibió {value!r}.")
    return int(v)


def _axis_geometry(fn, size, k, stride, dilation, padding, axis):
    """Tamaño de salida y relleno del principio de un eje: (out, pad_before).

    'valid': sin relleno. 'same': out = ceil(size/stride) y el relleno que falta se reparte como
    en TensorFlow (la mitad delante y el píxel sobrante detrás). Entero p: p a cada lado.
    """
    eff_k = dilation * (k - 1) + 1
    if padding == "valid":
        before, out = 0, (size - eff_k) // stride + 1
    elif padding == "same":
        out = -(-size // stride)
        before = max((out - 1) * stride + eff_k - size, 0) // 2
    else:
        before, out = padding, (size + 2 * padding - eff_k) // stride + 1
    if out <= 0 or size <= 0:
        raise ShapeError(
            f"{fn}: la ventana de {eff_k} (tamaño {k}, dilatación {dilation}) no cabe en el eje {axis} de la "
            f"entrada, que mide {size} con relleno {padding!r}: usa padding='same', una ventana más pequeña "
            "o una entrada más grande."
        )
    return out, before


def _padding_arg(fn, padding):
    """'valid' | 'same' | int | (alto, ancho) -> pareja de modos por eje."""
    if isinstance(padding, str) and padding.lower() in ("valid", "same"):
        return (padding.lower(),) * 2
    pair = (padding, padding) if np.isscalar(padding) else tuple(padding)
    if len(pair) == 2 and all(isinstance(p, (int, np.integer)) and not isinstance(p, bool) and p >= 0 for p in pair):
        return int(pair[0]), int(pair[1])
    raise ValueError(
        f"{fn}: padding debe ser 'valid', 'same', un entero >= 0 o una pareja (alto, ancho) de ellos y recibió "
        f"{padding!r}."
    )


def _geometry(fn, hw, kernel, stride, dilation, padding, axis_names=("alto", "ancho")):
    """((sh, sw), (dh, dw), (pt, pl), (Ho, Wo)) para una ventana sobre una imagen de tamaño hw."""
    modes = _padding_arg(fn, padding)
    axes = [_axis_geometry(fn, hw[i], kernel[i], stride[i], dilation[i], modes[i], axis_names[i])
            for i in range(2)]
    return stride, dilation, (axes[0][1], axes[1][1]), (axes[0][0], axes[1][0])


# ---------------------------------------------------------------- convolución
def conv2d(x, w, b=None, stride=1, padding="valid", dilation=1, activation=None):
    """Convolución 2D con canales al final: x (N, H, W, C), w (KH, KW, C, F), b (F,) -> (N, Ho, Wo, F).

    padding: 'valid' (sin relleno), 'same' (salida de tamaño ceil(H/stride), relleno como en
    TensorFlow: el píxel sobrante abajo/derecha), un entero o una pareja (relleno a cada lado).
    stride y dilation: entero o pareja. activation='relu' da relu(conv2d(...)) en una sola
    operación, más rápida y con menos memoria (ver ops/conv.py); el resultado es el mismo.
    """
    x, w = _tensor(x), _tensor(w)
    _check_rank("conv2d", "x", x, 4, "(N, H, W, C)",
                "añade los ejes que falten, p. ej. x.reshape(N, 28, 28, 1) para imágenes en gris")
    _check_rank("conv2d", "w", w, 4, "(KH, KW, C, F)", "el núcleo va como (alto, ancho, canales de entrada, filtros)")
    return _conv(
        "conv2d", x, w, b,
        _pair("conv2d", "stride", stride), _pair("conv2d", "dilation", dilation), padding, activation=activation,
    )


def conv1d(x, w, b=None, stride=1, padding="valid", dilation=1):
    """Convolución 1D: x (N, L, C), w (K, C, F), b (F,) -> (N, Lo, F). padding: 'valid', 'same', 'causal' o entero.

    Es la convolución 2D de una imagen de una fila: usa los mismos kernels.
    """
    x, w = _tensor(x), _tensor(w)
    _check_rank("conv1d", "x", x, 3, "(N, L, C)", "añade los ejes que falten, p. ej. x.reshape(N, L, 1)")
    _check_rank("conv1d", "w", w, 3, "(K, C, F)", "el núcleo va como (tamaño, canales de entrada, filtros)")
    stride, dilation = _single("conv1d", "stride", stride), _single("conv1d", "dilation", dilation)
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode == "causal":
        # causal: todo el relleno a la izquierda, la salida en t solo ve entradas <= t
        x = x.pad(((0, 0), (dilation * (w.shape[0] - 1), 0), (0, 0)))
        padding = "valid"
    elif mode in ("valid", "same"):
        padding = mode
    elif isinstance(mode, (int, np.integer)) and not isinstance(mode, bool) and mode >= 0:
        padding = (0, int(mode))
    else:
        raise ValueError(f"conv1d: padding debe ser 'valid', 'same', 'causal' o un entero >= 0 y recibió {padding!r}.")
    out = _conv("conv1d", x.unsqueeze(1), w.unsqueeze(0), b, (1, stride), (1, dilation), padding,
                axis_names=("alto", "de la secuencia"))
    return out.squeeze(1)


def _conv(fn, x, w, b, stride, dilation, padding, axis_names=("alto", "ancho"), activation=None):
    """La parte común de conv1d y conv2d: comprueba canales y sesgo, resuelve el relleno y llama a Conv2D."""
    if activation not in (None, "relu"):
        raise ValueError(
            f"{fn}: activation puede ser None o 'relu' (la única que va fusionada con la convolución) y recibió "
            f"{activation!r}: para otra, aplícala al resultado, p. ej. {fn}(x, w).tanh()."
        )
    if w.shape[2] != x.shape[3]:
        raise ShapeError(
            f"{fn}: el núcleo w de forma {shape_str(w.shape)} espera {w.shape[2]} canales de entrada y x de forma "
            f"{shape_str(x.shape)} trae {x.shape[3]}: el penúltimo eje de w debe ser el último de x."
        )
    stride, dilation, pad, out_hw = _geometry(fn, x.shape[1:3], w.shape[:2], stride, dilation, padding, axis_names)
    args = [x, w]
    if b is not None:
        b = _tensor(b)
        _check_shape(fn, "b", b, (w.shape[-1],), "un sesgo por filtro (el último eje de w)")
        args.append(b)
    relu = activation == "relu"
    if conv_direct.applies(x.data, w.data, stride):  # rutas rápidas: pocos canales de entrada, o 3×3 de paso 1
        return conv_direct.Conv2DDirect.apply(*args, dilation=dilation, pad=pad, out_hw=out_hw, relu=relu)
    if conv_winograd.applies(x.data, w.data, stride, dilation, out_hw):
        return conv_winograd.Conv2DWinograd.apply(*args, pad=pad, out_hw=out_hw, relu=relu)
    return Conv2D.apply(*args, stride=stride, dilation=dilation, pad=pad, out_hw=out_hw, relu=relu)


# ---------------------------------------------------------------- pooling
def _pool_args(fn, x, pool_size, strides, padding):
    x = _tensor(x)
    _check_rank(fn, "x", x, 4, "(N, H, W, C)", "añade los ejes que falten, p. ej. x.reshape(N, H, W, 1)")
    pool = _pair(fn, "pool_size", pool_size)
    stride = pool if strides is None else _pair(fn, "strides", strides)
    if not (isinstance(padding, str) and padding.lower() in ("valid", "same")):
        raise ValueError(f"{fn}: padding debe ser 'valid' o 'same' y recibió {padding!r}.")
    stride, _, pad, out_hw = _geometry(fn, x.shape[1:3], pool, stride, (1, 1), padding)
    return x, dict(pool=pool, stride=stride, pad=pad, out_hw=out_hw)


def max_pool2d(x, pool_size=2, strides=None, padding="valid"):
    """Máximo de cada ventana: x (N, H, W, C) -> (N, Ho, Wo, C). strides=None: igual que pool_size.

    El gradiente va entero al máximo de cada ventana (si empatan, al primero en orden de lectura).
    """
    x, options = _pool_args("max_pool2d", x, pool_size, strides, padding)
    return MaxPool2D.apply(x, **options)


def avg_pool2d(x, pool_size=2, strides=None, padding="valid"):
    """Media de cada ventana: x (N, H, W, C) -> (N, Ho, Wo, C); con 'same' solo cuentan las posiciones reales."""
    x, options = _pool_args("avg_pool2d", x, pool_size, strides, padding)
    return AvgPool2D.apply(x, **options)


def global_avg_pool2d(x):
    """Media de cada canal sobre toda la imagen: (N, H, W, C) -> (N, C)."""
    x = _tensor(x)
    _check_rank("global_avg_pool2d", "x", x, 4, "(N, H, W, C)")
    return x.mean(axis=(1, 2))


def global_max_pool2d(x):
    """Máximo de cada canal sobre toda la imagen: (N, H, W, C) -> (N, C). Es un max_pool2d de ventana H×W."""
    x = _tensor(x)
    _check_rank("global_max_pool2d", "x", x, 4, "(N, H, W, C)")
    n, h, w, c = x.shape
    return max_pool2d(x, (h, w)).reshape(n, c)


# ---------------------------------------------------------------- capas recurrentes
def _recurrent_args(fn, gates, x, initial_states, W, U, b, bias_shape, state_names=("h0",)):
    """Comprueba x (N, T, D), W (D, k·u), U (u, k·u), b y los estados iniciales (N, u); None -> ceros."""
    x, W, U, b = _tensor(x), _tensor(W), _tensor(U), _tensor(b)
    _check_rank(fn, "x", x, 3, "(N, T, D)",
                "lote, pasos de tiempo y rasgos; para una sola serie usa x.reshape(1, T, D)")
    if x.shape[1] == 0:
        raise ShapeError(f"{fn}: la secuencia x de forma {shape_str(x.shape)} no tiene pasos de tiempo (T = 0).")
    _check_rank(fn, "U", U, 2, f"(u, {gates}·u)")
    u = U.shape[0]
    n, _, d = x.shape
    _check_shape(fn, "U", U, (u, gates * u), f"con {gates} puertas, U es (unidades, {gates}·unidades)")
    _check_shape(fn, "W", W, (d, gates * u), f"W es (rasgos de x = {d}, {gates}·unidades = {gates * u})")
    _check_shape(fn, "b", b, bias_shape(u), "un sesgo por puerta y unidad")
    initial = []
    for name, state in zip(state_names, initial_states):
        state = Tensor.zeros(n, u, dtype=x.dtype, device=x.device) if state is None else _tensor(state)
        _check_shape(fn, name, state, (n, u), "un estado por ejemplo del lote y unidad")
        initial.append(state)
    return x, initial, W, U, b


def lstm(x, h0, c0, W, U, b):
    """LSTM sobre toda la secuencia: x (N, T, D) -> (hs (N, T, u), h_T (N, u), c_T (N, u)).

    Pesos como en Keras: W (D, 4u), U (u, 4u), b (4u,), puertas en orden i, f, c, o. h0 y c0:
    estados iniciales (N, u) (None = ceros). Todo es derivable, estados iniciales incluidos.
    """
    x, (h0, c0), W, U, b = _recurrent_args("lstm", 4, x, (h0, c0), W, U, b, lambda u: (4 * u,), ("h0", "c0"))
    steps = x.shape[1]
    out = LSTM.apply(x, h0, c0, W, U, b)
    return out[:, :steps], out[:, steps - 1], out[:, steps]


def gru(x, h0, W, U, b):
    """GRU (Keras, reset_after=True): x (N, T, D) -> (hs (N, T, u), h_T (N, u)).

    W (D, 3u), U (u, 3u), b (2, 3u) (fila 0: sesgo de entrada; fila 1: recurrente), puertas z, r, h.
    """
    x, (h0,), W, U, b = _recurrent_args("gru", 3, x, (h0,), W, U, b, lambda u: (2, 3 * u))
    hs = GRU.apply(x, h0, W, U, b)
    return hs, hs[:, -1]


def simple_rnn(x, h0, W, U, b):
    """Red recurrente simple, h_t = tanh(x_t·W + b + h_{t-1}·U): x (N, T, D) -> (hs (N, T, u), h_T (N, u))."""
    x, (h0,), W, U, b = _recurrent_args("simple_rnn", 1, x, (h0,), W, U, b, lambda u: (u,))
    hs = SimpleRNN.apply(x, h0, W, U, b)
    return hs, hs[:, -1]


def lstm_cell(x_t, h, c, W, U, b):
    """Un paso de LSTM con operaciones de Tensor: devuelve (h_t, c_t)."""
    u = _tensor(U).shape[0]
    z = _tensor(x_t) @ W + _tensor(h) @ U + b
    i, f = z[:, :u].sigmoid(), z[:, u:2 * u].sigmoid()
    g, o = z[:, 2 * u:3 * u].tanh(), z[:, 3 * u:].sigmoid()
    c = f * c + i * g
    return o * c.tanh(), c


def gru_cell(x_t, h, W, U, b):
    """Un paso de GRU (reset_after=True) con operaciones de Tensor: devuelve h_t."""
    b = _tensor(b)
    u = _tensor(U).shape[0]
    xw = _tensor(x_t) @ W + b[0]
    hu = _tensor(h) @ U + b[1]
    z = (xw[:, :u] + hu[:, :u]).sigmoid()
    r = (xw[:, u:2 * u] + hu[:, u:2 * u]).sigmoid()
    candidate = (xw[:, 2 * u:] + r * hu[:, 2 * u:]).tanh()
    return z * h + (1 - z) * candidate


def simple_rnn_cell(x_t, h, W, U, b):
    """Un paso de la red recurrente simple: h_t = tanh(x_t·W + h·U + b)."""
    return (_tensor(x_t) @ W + _tensor(h) @ U + b).tanh()


# ---------------------------------------------------------------- normalización y regularización
def batch_norm(x, gamma, beta, moving_mean, moving_variance, training=False, momentum=0.99, epsilon=1e-3):
    """Normalización por lotes sobre todos los ejes menos el último (los canales), como Keras.

    training=True: normaliza con la media y la varianza (sesgada) del lote y actualiza EN SU
    SITIO las medias móviles: moving = moving·momentum + estadístico·(1 - momentum).
    training=False: normaliza con las medias móviles. gamma/beta = None: sin escala/desplazamiento.
    """
    x = _tensor(x)
    if x.ndim < 2:
        raise ShapeError(
            f"batch_norm esperaba x con al menos 2 ejes (lote, ..., canales) y recibió {shape_str(x.shape)}."
        )
    channels = (x.shape[-1],)
    gamma = Tensor.ones(channels, dtype=x.dtype, device=x.device) if gamma is None else _tensor(gamma)
    beta = Tensor.zeros(channels, dtype=x.dtype, device=x.device) if beta is None else _tensor(beta)
    for name, t in (("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean),
                    ("moving_variance", moving_variance)):
        _check_shape("batch_norm", name, t, channels, "un valor por canal (el último eje de x)")
    if training:
        axes = tuple(range(x.ndim - 1))
        mean, var = x.data.mean(axis=axes), x.data.var(axis=axes)
        for moving, stat in ((moving_mean, mean), (moving_variance, var)):
            moving.data[...] = moving.data * momentum + stat * (1 - momentum)
    else:
        mean, var = moving_mean.data, moving_variance.data
    return BatchNorm.apply(x, gamma, beta, mean=mean, var=var, epsilon=epsilon, batch_stats=bool(training))


def dropout(x, rate, training=True, noise_shape=None):
    """Dropout invertido: anula cada elemento con probabilidad `rate` y escala el resto por 1/(1 - rate).

    noise_shape (como en Keras): la forma de la máscara, que se difunde sobre x; None en un eje
    significa "el tamaño de x". P. ej. (N, 1, C) anula canales enteros en todas las posiciones.
    """
    x = _tensor(x)
    if not 0 <= rate <= 1:
        raise ValueError(f"dropout: rate es la probabilidad de anular y debe estar en [0, 1]; recibió {rate}.")
    if noise_shape is None:
        return x.dropout(rate, training)
    shape = tuple(x.shape[i] if s is None else s for i, s in enumerate(noise_shape))
    if len(shape) != x.ndim or any(s not in (1, n) for s, n in zip(shape, x.shape)):
        raise ShapeError(
            f"dropout: noise_shape {noise_shape} no se difunde sobre x de forma {shape_str(x.shape)}: "
            "cada eje debe ser 1, None o el tamaño de ese eje de x."
        )
    if not training or rate == 0:
        return x
    if rate == 1:
        return x * 0.0
    keep = generator().random(shape) >= rate
    return x * Tensor(keep / (1.0 - rate), dtype=x.dtype, device=x.device)


def embedding(indices, weights):
    """Busca filas: embedding(indices (...), weights (V, E)) -> (..., E). El gradiente se suma en cada fila usada."""
    weights = _tensor(weights)
    _check_rank("embedding", "weights", weights, 2, "(input_dim, output_dim)")
    idx = np.asarray(indices.numpy() if isinstance(indices, Tensor) else indices)  # (en la CPU: se comprueban)
    if idx.dtype.kind not in "iu":
        idx = idx.astype(np.int32)  # Keras convierte las entradas no enteras a int32
    vocabulary = weights.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= vocabulary):
        raise ValueError(
            f"embedding: los índices deben estar entre 0 y {vocabulary - 1} (input_dim = {vocabulary}) y van de "
            f"{idx.min()} a {idx.max()}: revisa input_dim o el vocabulario."
        )
    return weights[idx]
