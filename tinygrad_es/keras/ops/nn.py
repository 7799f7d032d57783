"""keras.ops: las funciones de redes (activaciones, convolución, pooling, one_hot, entropías cruzadas).

Las activaciones son las de `keras.activations` (las mismas funciones), salvo dos cuyos
argumentos cambian en keras.ops: `relu(x)` sin opciones y `gelu(x, approximate=True)`, que aquí
aproxima por defecto. La convolución y el pooling llaman a `nn.functional`, que trabaja con
canales al final; data_format='channels_first' se traduce con dos transposiciones. Las
entropías cruzadas devuelven la pérdida de cada muestra (sin media), como en Keras.
"""
import numpy as np

from ...dtypes import DEFAULT_FLOAT
from ...errors import ShapeError, shape_str
from ...nn import functional as F
from ...nn import losses as L
from ...ops.loss import BinaryCrossEntropy, BinaryCrossEntropyWithLogits
from ...tensor import Tensor
from ...validation import whole_numbers
from ..activations import (celu, elu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_swish, hard_tanh, leaky_relu,
                           log_sigmoid, log_softmax, relu6, selu, sigmoid, silu, soft_shrink, softmax, softplus,
                           softsign, sparse_plus, sparse_sigmoid, sparsemax, squareplus, swish, tanh_shrink, threshold)
from .core import convert_to_tensor
from .numpy import moveaxis

__all__ = [
    "relu", "relu6", "sigmoid", "sparse_sigmoid", "softplus", "softsign", "soft_shrink", "sparse_plus", "silu",
    "swish", "squareplus", "log_sigmoid", "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish", "elu", "selu",
    "gelu", "celu", "glu", "hard_tanh", "hard_shrink", "tanh_shrink", "threshold", "softmax", "log_softmax",
    "sparsemax", "conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool",
    "one_hot", "categorical_crossentropy", "sparse_categorical_crossentropy", "binary_crossentropy", "moments",
    "batch_normalization",
]


# ---------------------------------------------------------------- activaciones con otros argumentos que en keras.activations
def relu(x):
    return convert_to_tensor(x).relu()


def gelu(x, approximate=True):
    """x·Φ(x); en keras.ops aproxima con tanh por defecto (en keras.activations, no)."""
    return convert_to_tensor(x).gelu(approximate)


# ---------------------------------------------------------------- convolución y pooling
def _by_rank(fn, x, one_d, two_d):
    """La función de nn.functional para la entrada: 1-D para (N, L, C) y 2-D para (N, H, W, C)."""
    if x.ndim not in (3, 4):
        raise ShapeError(
            f"{fn} admite entradas de 3 ejes (N, L, C) o de 4 (N, H, W, C) y recibió forma {shape_str(x.shape)}."
        )
    return one_d if x.ndim == 3 else two_d


def _channels_last(fn, x, data_format):
    """(x con los canales al final, cómo devolver la salida al formato pedido)."""
    if data_format in (None, "channels_last"):
        return x, lambda out: out
    if data_format == "channels_first":
        return moveaxis(x, 1, -1), lambda out: moveaxis(out, -1, 1)
    raise ValueError(f"{fn}: data_format debe ser 'channels_last' o 'channels_first' y recibió {data_format!r}.")


def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Convolución 1-D o 2-D; el núcleo va (..., canales de entrada / grupos, filtros), como en Keras. Si los canales
    de la entrada son un múltiplo de los del núcleo, es una convolución por grupos."""
    x, restore = _channels_last("conv", convert_to_tensor(inputs), data_format)
    w = convert_to_tensor(kernel)
    fn = _by_rank("conv", x, F.conv1d, F.conv2d)
    channels, per_group = x.shape[-1], w.shape[-2] if w.ndim >= 2 else 0
    groups = channels // per_group if per_group and channels % per_group == 0 else 1
    return restore(fn(x, w, None, strides, padding, dilation_rate, groups=groups))


def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """Convolución en profundidad: núcleo (..., C, multiplicador)."""
    x, restore = _channels_last("depthwise_conv", convert_to_tensor(inputs), data_format)
    fn = _by_rank("depthwise_conv", x, F.depthwise_conv1d, F.depthwise_conv2d)
    return restore(fn(x, kernel, None, strides, padding, dilation_rate))


def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """Convolución en profundidad seguida de una 1×1 que mezcla los canales."""
    x, restore = _channels_last("separable_conv", convert_to_tensor(inputs), data_format)
    fn = _by_rank("separable_conv", x, F.separable_conv1d, F.separable_conv2d)
    return restore(fn(x, depthwise_kernel, pointwise_kernel, None, strides, padding, dilation_rate))


def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """Convolución traspuesta (la adjunta de conv); núcleo (..., filtros de salida, canales de entrada)."""
    x, restore = _channels_last("conv_transpose", convert_to_tensor(inputs), data_format)
    fn = _by_rank("conv_transpose", x, F.conv1d_transpose, F.conv2d_transpose)
    return restore(fn(x, kernel, None, strides, padding, output_padding, dilation_rate))


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x, restore = _channels_last("max_pool", convert_to_tensor(inputs), data_format)
    fn = _by_rank("max_pool", x, F.max_pool1d, F.max_pool2d)
    return restore(fn(x, pool_size, strides, padding))


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    x, restore = _channels_last("average_pool", convert_to_tensor(inputs), data_format)
    fn = _by_rank("average_pool", x, F.avg_pool1d, F.avg_pool2d)
    return restore(fn(x, pool_size, strides, padding))


# ---------------------------------------------------------------- one_hot y entropías cruzadas
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Índices enteros -> vectores con un 1 en su clase, en un eje nuevo `axis`. Como en Keras, un índice fuera
    de [0, num_classes) da un vector de ceros (Tensor.one_hot, en cambio, lo trata como un error)."""
    if sparse:
        raise ValueError("one_hot: tinygrad_es no tiene tensores dispersos; usa sparse=False.")
    labels = whole_numbers("one_hot", "los índices deben ser enteros (el índice de cada clase)", convert_to_tensor(x).numpy(),
                           "convertirlo a entero lo truncaría en silencio: redondéalo tú si es una clase.")
    out = (labels[..., None] == np.arange(num_classes)).astype(dtype or DEFAULT_FLOAT)
    return Tensor(np.moveaxis(out, -1, axis))


def _last_axis(target, output, axis):
    """Pasa el eje de las clases al final (donde lo esperan las pérdidas de nn.losses)."""
    if axis in (-1, output.ndim - 1):
        return target, output
    return moveaxis(target, axis, -1), moveaxis(output, axis, -1)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """-Σ target·log(output) por muestra; output son probabilidades (normalizadas y recortadas a [1e-7, 1 - 1e-7])
    o logits con from_logits=True. target, one-hot o probabilidades, con la forma de output."""
    target, output = convert_to_tensor(target), convert_to_tensor(output)
    if target.shape != output.shape:
        raise ShapeError(
            f"categorical_crossentropy: target {shape_str(target.shape)} y output {shape_str(output.shape)} deben "
            "tener la misma forma (target one-hot); con índices de clase usa sparse_categorical_crossentropy."
        )
    target, output = _last_axis(target, output, axis)
    loss = L.softmax_cross_entropy if from_logits else L.categorical_cross_entropy
    return loss(output, target.numpy(), reduction="none")


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Como categorical_crossentropy, con target el índice de la clase (la forma de output sin el eje `axis`)."""
    target, output = convert_to_tensor(target), convert_to_tensor(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:  # (N, 1) -> (N,), como Keras
        target = target.squeeze(-1)
    if axis not in (-1, output.ndim - 1):
        output = moveaxis(output, axis, -1)
    loss = L.softmax_cross_entropy if from_logits else L.categorical_cross_entropy
    return loss(output, target.numpy(), reduction="none")


def binary_crossentropy(target, output, from_logits=False):
    """-(target·log(output) + (1 - target)·log(1 - output)) elemento a elemento (sin media), con output recortada
    a [1e-7, 1 - 1e-7], o logits con from_logits=True."""
    target, output = convert_to_tensor(target), convert_to_tensor(output)
    if target.shape != output.shape:
        raise ShapeError(
            f"binary_crossentropy: target {shape_str(target.shape)} y output {shape_str(output.shape)} deben tener "
            "la misma forma (una etiqueta 0/1 por salida)."
        )
    op = BinaryCrossEntropyWithLogits if from_logits else BinaryCrossEntropy
    return op.apply(output, labels=target.numpy())


# ---------------------------------------------------------------- normalización
def moments(x, axes, keepdims=False, synchronized=False):
    """(media, varianza sesgada) a lo largo de `axes`."""
    x = convert_to_tensor(x)
    return x.mean(axes, keepdims), x.var(axes, keepdims)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """(x - mean) / √(variance + epsilon)·scale + offset, con mean, variance, scale y offset (vectores) a lo
    largo del eje `axis` de x."""
    x = convert_to_tensor(x)
    shape = [1] * x.ndim
    shape[axis] = -1

    def along_axis(v):
        return convert_to_tensor(v).reshape(shape)

    out = (x - along_axis(mean)) / (along_axis(variance) + epsilon).sqrt()
    if scale is not None:
        out = out * along_axis(scale)
    return out if offset is None else out + along_axis(offset)
