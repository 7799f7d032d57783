"""Las convoluciones de Keras, con los canales al final: Conv1D, Conv2D, Conv2DTranspose,
DepthwiseConv2D y SeparableConv2D.

Conv2D trabaja sobre imágenes (N, alto, ancho, C) y Conv1D sobre secuencias (N, pasos, C). El
núcleo tiene forma (alto, ancho, C/groups, filtros) (Conv1D: (tamaño, C/groups, filtros)) y cada
filtro produce un canal de salida. Parámetros: kh·kw·(C/groups)·filtros + filtros (3×3 de 32 a
32 canales: 9,248). Las variantes:

- groups=g reparte canales y filtros en g grupos independientes (g veces menos pesos);
- DepthwiseConv2D convoluciona cada canal por separado con depth_multiplier filtros;
- SeparableConv2D es una DepthwiseConv2D seguida de una Conv2D 1×1 que mezcla los canales;
- Conv2DTranspose es la traspuesta (la adjunta) de Conv2D: agranda la imagen (decodificadores).

Aquí están también las capas base de imágenes y secuencias que comparten todas las capas con
ventanas (convoluciones, pooling, relleno y recorte), con sus pistas de error. La lectura de
`kernel_size`/`strides`/`padding` y la fórmula del tamaño de salida son las de `nn.functional`
(`nn/arguments.py`): una sola vez para las capas y las funciones.
"""
from __future__ import annotations

from collections.abc import Callable

import math

from ...errors import ShapeError, shape_str
from ...nn import functional as F
from ...nn.arguments import int_tuple, output_size, padding_mode, pair
from .. import activations, initializers
from .layer import Layer, store_weight_options, weight_extras, weight_options
from ...validation import flag, integer
from ...tensor import Tensor


def channels_last(layer_name, data_format: str | None) -> str:
    """El data_format de Keras resuelto: solo 'channels_last' (None significa eso)."""
    if data_format not in (None, "channels_last"):
        raise ValueError(
            f"{layer_name}: solo se admite data_format='channels_last' (canales en el último eje), y se pidió "
            f"{data_format!r}: pasa los canales al final, p. ej. x.transpose(0, 2, 3, 1) para imágenes."
        )
    return "channels_last"


def _positive(cls, name, value) -> int:
    return integer(cls, name, value)


class WindowLayer(Layer):
    """Lo común a las capas con ventanas sobre ejes espaciales: cuántos son y las pistas de error."""

    spatial_axes = 2
    axes_text = "(lote, alto, ancho, canales)"

    @property
    def input_ndim(self):
        return self.spatial_axes + 2

    def axes_description(self):
        return self.axes_text

    def ndim_hint(self, shape: tuple):
        if self.spatial_axes == 1:
            if len(shape) == 2:
                return f"si es una serie con un solo canal, añade su eje con x.reshape(-1, {shape[1]}, 1)"
            return "revisa la forma de los datos y la de Input(shape=(pasos, canales))"
        if len(shape) == 3:
            return f"si son imágenes en gris, añade el eje del canal con x.reshape(-1, {shape[1]}, {shape[2]}, 1)"
        if len(shape) == 2 and shape[1] is not None and math.isqrt(shape[1]) ** 2 == shape[1]:
            side = math.isqrt(shape[1])
            return f"si son imágenes aplanadas en gris, usa x.reshape(-1, {side}, {side}, 1)"
        return "revisa la forma de los datos y la de Input(shape=...)"

    def spatial_output(self, input_shape: tuple, window, strides: int | tuple | None, dilation: int | tuple,
                       padding: str):
        sizes = tuple(output_size(input_shape[i + 1], window[i], strides[i], dilation[i], padding)
                      for i in range(self.spatial_axes))
        if any(s is not None and s <= 0 for s in sizes):
            raise ShapeError(
                f"{self.name} ({type(self).__name__}): la entrada de forma {shape_str(input_shape)} es más pequeña "
                f"que la ventana {'×'.join(map(str, window))} y la salida quedaría vacía: quita capas de reducción "
                "antes de esta, usa padding='same' o una ventana más pequeña."
            )
        return sizes


class ImageLayer(WindowLayer):
    """Entrada (lote, alto, ancho, canales)."""


class SequenceLayer(WindowLayer):
    """Entrada (lote, pasos, canales)."""

    spatial_axes = 1
    axes_text = "(lote, pasos, canales)"


class BaseConv(WindowLayer):
    """Lo común a Conv1D y Conv2D: argumentos, pesos, grupos y formas."""

    paddings = ("valid", "same")

    def __init__(self, filters: int, kernel_size: int | tuple, strides: int | tuple | None, padding: str,
                 data_format: str | None, dilation_rate: int | tuple, groups: int, activation: str | Callable | None,
                 use_bias: bool, kernel_initializer: str | Callable, bias_initializer: str | Callable,
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls = type(self).__name__
        filters, groups = _positive(cls, "filters", filters), _positive(cls, "groups", groups)
        if filters % groups:
            raise ValueError(
                f"{cls}: filters={filters} debe ser múltiplo de groups={groups} (cada grupo tiene los mismos filtros)."
            )
        self.data_format = channels_last(cls, data_format)
        n = self.spatial_axes
        self.filters, self.groups = filters, groups
        self.kernel_size = int_tuple(cls, "kernel_size", kernel_size, n)
        self.strides = int_tuple(cls, "strides", strides, n)
        self.dilation_rate = int_tuple(cls, "dilation_rate", dilation_rate, n)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{cls}: no se pueden usar a la vez strides > 1 y dilation_rate > 1 (Keras tampoco lo permite)."
            )
        self.padding = padding_mode(cls, padding, self.paddings)
        self.activation = activations.get(activation)
        self.use_bias = flag(cls, "use_bias", use_bias)
        store_weight_options(self, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                             kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                             kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    def build(self, input_shape: tuple) -> None:
        channels = input_shape[-1]
        if channels % self.groups:
            raise ShapeError(
                f"{self.name} ({type(self).__name__}): la entrada tiene {channels} canales, que no se reparten en "
                f"groups={self.groups} grupos iguales: usa un groups que divida a {channels}."
            )
        shape = self.kernel_size + (channels // self.groups, self.filters)
        self.kernel = self.add_weight(shape=shape, initializer=self.kernel_initializer, name="kernel",
                                      **weight_extras(self, "kernel"))
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), initializer=self.bias_initializer, name="bias",
                                        **weight_extras(self, "bias"))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        sizes = self.spatial_output(input_shape, self.kernel_size, self.strides, self.dilation_rate, self.padding)
        return (input_shape[0],) + sizes + (self.filters,)

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters, "kernel_size": list(self.kernel_size),
                "strides": list(self.strides), "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate), "groups": self.groups,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                **weight_options(self, "kernel", "bias", activity=True)}


class Conv1D(BaseConv, SequenceLayer):
    """Convolución sobre secuencias (N, pasos, C) -> (N, pasos', filtros).

    padding='causal' rellena solo por la izquierda: la salida en el paso t solo ve entradas
    hasta t (redes WaveNet, predicción de series). dilation_rate separa los pasos de la ventana.
    """

    paddings = ("valid", "same", "causal")

    def __init__(self, filters: int, kernel_size: int | tuple, strides: int | tuple | None = 1,
                 padding: str = "valid", data_format: str | None = None, dilation_rate: int | tuple = 1,
                 groups: int = 1, activation: str | Callable | None = None, use_bias: bool = True,
                 kernel_initializer: str | Callable = "glorot_uniform", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        out = F.conv1d(inputs, self.kernel, self.bias if self.use_bias else None, stride=self.strides[0],
                       padding=self.padding, dilation=self.dilation_rate[0], groups=self.groups)
        return self.activation(out)


class Conv2D(BaseConv, ImageLayer):
    """Convolución sobre imágenes (N, alto, ancho, C) -> (N, alto', ancho', filtros)."""

    def __init__(self, filters: int, kernel_size: int | tuple, strides: int | tuple | None = (1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: int | tuple = (1, 1), groups: int = 1, activation: str | Callable | None = None,
                 use_bias: bool = True, kernel_initializer: str | Callable = "glorot_uniform",
                 bias_initializer: str | Callable = "zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        # ReLU (la activación de casi todas las convoluciones) va fusionada con la convolución: una
        # operación en vez de dos, más rápida y con una copia menos de la salida (ver ops/conv.py).
        fused = self.activation is activations.relu
        out = F.conv2d(inputs, self.kernel, self.bias if self.use_bias else None, stride=self.strides,
                       padding=self.padding, dilation=self.dilation_rate, groups=self.groups,
                       activation="relu" if fused else None)
        return out if fused else self.activation(out)


class Conv2DTranspose(BaseConv, ImageLayer):
    """Convolución traspuesta: cada píxel de la entrada "pinta" su ventana de la salida, multiplicada
    por el núcleo, y las ventanas que se solapan se suman. Con strides=2 dobla alto y ancho.

    El núcleo va como en Keras: (alto, ancho, filtros, canales de entrada). Tamaño de la salida
    por eje (k = dilation·(tamaño - 1) + 1): 'valid' n·s + max(k - s, 0), 'same' n·s; con
    output_padding op: (n - 1)·s + k + op ('valid') o (n - 1)·s + k - 2·(k // 2) + op ('same').
    """

    def __init__(self, filters: int, kernel_size: int | tuple, strides: int | tuple | None = (1, 1),
                 padding: str = "valid", output_padding: int | tuple | None = None,
                 data_format: str | None = None, dilation_rate: int | tuple = (1, 1),
                 activation: str | Callable | None = None, use_bias: bool = True,
                 kernel_initializer: str | Callable = "glorot_uniform", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides, padding, data_format, dilation_rate, 1, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, **kwargs)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = int_tuple("Conv2DTranspose", "output_padding", output_padding, 2, minimum=0)
            if any(op >= s for op, s in zip(self.output_padding, self.strides)):
                raise ValueError(
                    f"Conv2DTranspose: cada output_padding debe ser menor que su stride, y son "
                    f"output_padding={self.output_padding} y strides={self.strides}."
                )

    def build(self, input_shape: tuple) -> None:
        kernel_shape = self.kernel_size + (self.filters, input_shape[-1])
        self.kernel = self.add_weight(shape=kernel_shape, initializer=self.kernel_initializer, name="kernel",
                                      **weight_extras(self, "kernel"))
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), initializer=self.bias_initializer, name="bias",
                                        **weight_extras(self, "bias"))

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        out = F.conv2d_transpose(inputs, self.kernel, self.bias if self.use_bias else None, stride=self.strides,
                                 padding=self.padding, output_padding=self.output_padding,
                                 dilation=self.dilation_rate)
        return self.activation(out)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        sizes = []
        for i in range(2):
            n, s = input_shape[i + 1], self.strides[i]
            k = self.dilation_rate[i] * (self.kernel_size[i] - 1) + 1
            if n is None:
                sizes.append(None)
            elif self.output_padding is None:
                sizes.append(n * s + (max(k - s, 0) if self.padding == "valid" else 0))
            else:
                trim = 2 * (k // 2) if self.padding == "same" else 0
                sizes.append((n - 1) * s + k - trim + self.output_padding[i])
        return (input_shape[0], *sizes, self.filters)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["groups"]  # Keras no tiene groups en Conv2DTranspose
        return {**config, "output_padding": None if self.output_padding is None else list(self.output_padding)}


class DepthwiseConv2D(ImageLayer):
    """Cada canal se convoluciona por separado con sus `depth_multiplier` filtros: (N, H, W, C) ->
    (N, H', W', C·depth_multiplier). Núcleo `kernel` (alto, ancho, C, depth_multiplier); la salida
    c·depth_multiplier + m es la del filtro m del canal c. Parámetros: kh·kw·C·M + C·M."""

    regularized_weights = ("depthwise", "bias")  # los pesos con <peso>_regularizer y <peso>_constraint

    def __init__(self, kernel_size: int | tuple, strides: int | tuple | None = (1, 1),
                 padding: str = "valid", depth_multiplier: int = 1, data_format: str | None = None,
                 dilation_rate: int | tuple = (1, 1), activation: str | Callable | None = None, use_bias: bool = True,
                 depthwise_initializer: str | Callable = "glorot_uniform", bias_initializer: str | Callable = "zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        cls = type(self).__name__
        self.depth_multiplier = _positive(cls, "depth_multiplier", depth_multiplier)
        self.kernel_size = pair(cls, "kernel_size", kernel_size)
        self.strides = pair(cls, "strides", strides)
        self.dilation_rate = pair(cls, "dilation_rate", dilation_rate)
        self.padding = padding_mode(cls, padding)
        self.data_format = channels_last(cls, data_format)
        self.activation = activations.get(activation)
        self.use_bias = flag(cls, "use_bias", use_bias)
        store_weight_options(self, depthwise_initializer=depthwise_initializer, bias_initializer=bias_initializer,
                             depthwise_regularizer=depthwise_regularizer, bias_regularizer=bias_regularizer,
                             depthwise_constraint=depthwise_constraint, bias_constraint=bias_constraint)

    def build(self, input_shape: tuple) -> None:
        channels = input_shape[-1]
        kernel_shape = self.kernel_size + (channels, self.depth_multiplier)
        self.kernel = self.add_weight(shape=kernel_shape, initializer=self.depthwise_initializer, name="kernel",
                                      **weight_extras(self, "depthwise"))
        if self.use_bias:
            self.bias = self.add_weight(shape=(channels * self.depth_multiplier,), initializer=self.bias_initializer,
                                        name="bias", **weight_extras(self, "bias"))

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        out = F.depthwise_conv2d(inputs, self.kernel, self.bias if self.use_bias else None, stride=self.strides,
                                 padding=self.padding, dilation=self.dilation_rate)
        return self.activation(out)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        sizes = self.spatial_output(input_shape, self.kernel_size, self.strides, self.dilation_rate, self.padding)
        return (input_shape[0], *sizes, input_shape[-1] * self.depth_multiplier)

    def get_config(self) -> dict:
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                "kernel_size": list(self.kernel_size), "strides": list(self.strides), "padding": self.padding,
                "data_format": self.data_format, "dilation_rate": list(self.dilation_rate),
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                **weight_options(self, *self.regularized_weights, activity=True)}


class SeparableConv2D(DepthwiseConv2D):
    """DepthwiseConv2D (cada canal por su lado) seguida de una convolución 1×1 que mezcla los
    canales en `filters`. Pesos: depthwise_kernel (alto, ancho, C, M), pointwise_kernel
    (1, 1, C·M, filtros) y bias (filtros,): muchos menos que una Conv2D del mismo tamaño."""

    regularized_weights = ("depthwise", "pointwise", "bias")

    def __init__(self, filters: int, kernel_size: int | tuple, strides: int | tuple | None = (1, 1),
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: int | tuple = (1, 1), depth_multiplier: int = 1,
                 activation: str | Callable | None = None, use_bias: bool = True,
                 depthwise_initializer: str | Callable = "glorot_uniform",
                 pointwise_initializer: str | Callable = "glorot_uniform", bias_initializer: str | Callable = "zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation,
                         use_bias, depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        self.filters = _positive("SeparableConv2D", "filters", filters)
        store_weight_options(self, pointwise_initializer=pointwise_initializer,
                             pointwise_regularizer=pointwise_regularizer, pointwise_constraint=pointwise_constraint)

    def build(self, input_shape: tuple) -> None:
        depth = input_shape[-1] * self.depth_multiplier
        depthwise_shape = self.kernel_size + (input_shape[-1], self.depth_multiplier)
        self.depthwise_kernel = self.add_weight(shape=depthwise_shape, initializer=self.depthwise_initializer,
                                                name="depthwise_kernel", **weight_extras(self, "depthwise"))
        self.pointwise_kernel = self.add_weight(shape=(1, 1, depth, self.filters),
                                                initializer=self.pointwise_initializer, name="pointwise_kernel",
                                                **weight_extras(self, "pointwise"))
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), initializer=self.bias_initializer, name="bias",
                                        **weight_extras(self, "bias"))

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        out = F.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                 self.bias if self.use_bias else None, stride=self.strides, padding=self.padding,
                                 dilation=self.dilation_rate)
        return self.activation(out)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return super().compute_output_shape(input_shape)[:-1] + (self.filters,)

    def get_config(self) -> dict:
        return {**super().get_config(), "filters": self.filters,
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer)}
