"""Conv2D: la convolución de las redes convolucionales del curso, con canales al final (N, H, W, C).

El núcleo tiene forma (alto, ancho, canales de entrada, filtros) y cada filtro produce un canal
de salida. Parámetros: kh·kw·C·filtros + filtros (3×3 de 32 a 32 canales: 9,248).
"""
import math

from ...errors import ShapeError, shape_str
from ...nn import functional as F
from .. import activations, initializers
from .layer import Layer


def pair(name, value):
    """3 -> (3, 3); (3, 2) se queda. Así aceptan Keras kernel_size, strides y pool_size."""
    pair_ = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair_) != 2 or not all(isinstance(v, int) and v > 0 for v in pair_):
        raise ValueError(f"{name} debe ser un entero positivo o una pareja (alto, ancho) de ellos, y es {value!r}.")
    return pair_


def padding_mode(value):
    mode = str(value).lower()
    if mode not in ("valid", "same"):
        raise ValueError(f"padding debe ser 'valid' (sin relleno) o 'same' (salida del mismo tamaño), y es {value!r}.")
    return mode


def channels_last(layer_name, data_format):
    if data_format not in (None, "channels_last"):
        raise ValueError(
            f"{layer_name}: solo se admite data_format='channels_last' (imágenes (N, alto, ancho, canales)), y se "
            f"pidió {data_format!r}: pasa los canales al final con x.transpose(0, 2, 3, 1)."
        )


def output_length(size, window, stride, dilation, padding):
    """Tamaño de salida de una ventana deslizante en un eje (la fórmula de Keras)."""
    if size is None:
        return None
    if padding == "same":
        return (size - 1) // stride + 1
    return (size - dilation * (window - 1) - 1) // stride + 1


class ImageLayer(Layer):
    """Lo común a las capas de imágenes: entrada (lote, alto, ancho, canales) y pistas para arreglarla."""

    input_ndim = 4

    def axes_description(self):
        return "(lote, alto, ancho, canales)"

    def ndim_hint(self, shape):
        if len(shape) == 3:
            return f"si son imágenes en gris, añade el eje del canal con x.reshape(-1, {shape[1]}, {shape[2]}, 1)"
        if len(shape) == 2 and shape[1] is not None and math.isqrt(shape[1]) ** 2 == shape[1]:
            side = math.isqrt(shape[1])
            return f"si son imágenes aplanadas en gris, usa x.reshape(-1, {side}, {side}, 1)"
        return "revisa la forma de los datos y la de Input(shape=...)"

    def spatial_output(self, input_shape, window, strides, dilation, padding):
        h, w = (output_length(input_shape[i + 1], window[i], strides[i], dilation[i], padding) for i in range(2))
        if (h is not None and h <= 0) or (w is not None and w <= 0):
            raise ShapeError(
                f"{self.name} ({type(self).__name__}): la entrada de forma {shape_str(input_shape)} es más pequeña "
                f"que la ventana {window[0]}×{window[1]} y la salida quedaría vacía: quita capas de reducción "
                "antes de esta, usa padding='same' o una ventana más pequeña."
            )
        return h, w


class Conv2D(ImageLayer):
    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"Conv2D: filters debe ser un entero positivo (el número de filtros) y es {filters!r}.")
        channels_last("Conv2D", data_format)
        if groups != 1:
            raise ValueError("Conv2D: groups distinto de 1 (convolución por grupos) no está disponible en tinygrad_es.")
        self.filters = filters
        self.kernel_size = pair("Conv2D: kernel_size", kernel_size)
        self.strides = pair("Conv2D: strides", strides)
        self.dilation_rate = pair("Conv2D: dilation_rate", dilation_rate)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "Conv2D: no se pueden usar a la vez strides > 1 y dilation_rate > 1 (Keras tampoco lo permite)."
            )
        self.padding = padding_mode(padding)
        self.data_format = data_format
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)

    def build(self, input_shape):
        self.add_weight("kernel", self.kernel_size + (input_shape[-1], self.filters), self.kernel_initializer)
        if self.use_bias:
            self.add_weight("bias", (self.filters,), self.bias_initializer)

    def call(self, inputs, training=False):
        # ReLU (la activación de casi todas las convoluciones) va fusionada con la convolución: una
        # operación en vez de dos, más rápida y con una copia menos de la salida (ver ops/conv.py).
        fused = self.activation is activations.relu
        out = F.conv2d(inputs, self.kernel, self.bias if self.use_bias else None, stride=self.strides,
                       padding=self.padding, dilation=self.dilation_rate, activation="relu" if fused else None)
        return out if fused else self.activation(out)

    def compute_output_shape(self, input_shape):
        h, w = self.spatial_output(input_shape, self.kernel_size, self.strides, self.dilation_rate, self.padding)
        return (input_shape[0], h, w, self.filters)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": list(self.kernel_size),
                "strides": list(self.strides), "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate), "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}
