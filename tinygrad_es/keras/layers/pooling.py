"""Capas de pooling: resumen cada ventana en un número (máximo o media), sin pesos.

MaxPooling2D((2, 2)) reduce a la mitad alto y ancho; MaxPooling1D(2), la longitud de una
secuencia; las globales dejan un valor por canal.
"""
from __future__ import annotations

import numpy as np

from ...nn import functional as F
from ...tensor import Tensor
from ...nn.arguments import int_tuple, padding_mode
from .convolutional import ImageLayer, SequenceLayer, WindowLayer, channels_last
from .layer import mask_array


class Pooling(WindowLayer):
    """Lo común a los pooling con ventana: ventana, paso (por defecto, la ventana) y relleno."""

    fixed_axes = ()

    def __init__(self, pool_size: int | tuple, strides: int | tuple | None = None, padding: str = "valid",
                 data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        cls, n = type(self).__name__, self.spatial_axes
        self.data_format = channels_last(cls, data_format)
        self.pool_size = int_tuple(cls, "pool_size", pool_size, n)
        self.strides = self.pool_size if strides is None else int_tuple(cls, "strides", strides, n)
        self.padding = padding_mode(cls, padding)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        sizes = self.spatial_output(input_shape, self.pool_size, self.strides, (1,) * self.spatial_axes, self.padding)
        return (input_shape[0],) + sizes + (input_shape[-1],)

    def get_config(self) -> dict:
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding, "data_format": self.data_format}


class Pooling2D(Pooling, ImageLayer):
    pool_function = None

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        return self.pool_function(inputs, self.pool_size, self.strides, self.padding)


class Pooling1D(Pooling, SequenceLayer):
    pool_function = None

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        return self.pool_function(inputs, self.pool_size, self.strides, self.padding)


class MaxPooling2D(Pooling2D):
    """El máximo de cada ventana."""

    pool_function = staticmethod(F.max_pool2d)

    def __init__(self, pool_size: int | tuple = (2, 2), strides: int | tuple | None = None,
                 padding: str = "valid", data_format: str | None = None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(Pooling2D):
    """La media de cada ventana (con 'same', solo de las posiciones reales). En Keras 3 pool_size es obligatorio."""

    pool_function = staticmethod(F.avg_pool2d)


class MaxPooling1D(Pooling1D):
    """El máximo de cada ventana de pasos: (N, L, C) -> (N, L', C)."""

    pool_function = staticmethod(F.max_pool1d)

    def __init__(self, pool_size: int | tuple = 2, strides: int | tuple | None = None,
                 padding: str = "valid", data_format: str | None = None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(Pooling1D):
    """La media de cada ventana de pasos. En Keras 3 pool_size es obligatorio."""

    pool_function = staticmethod(F.avg_pool1d)


class GlobalPooling(WindowLayer):
    """Un valor por canal sobre todos los ejes espaciales: (lote, ..., C) -> (lote, C)."""

    fixed_axes = ()

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = channels_last(type(self).__name__, data_format)
        self.keepdims = keepdims

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        out = self.pool(inputs)
        return out.reshape(out.shape[0], *(1,) * self.spatial_axes, out.shape[1]) if self.keepdims else out

    def pool(self, inputs: Tensor):  # pragma: no cover - lo implementa cada subclase
        raise NotImplementedError

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        if self.keepdims:
            return (input_shape[0],) + (1,) * self.spatial_axes + (input_shape[-1],)
        return (input_shape[0], input_shape[-1])

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling2D(GlobalPooling, ImageLayer):
    pool = staticmethod(F.global_avg_pool2d)


class GlobalMaxPooling2D(GlobalPooling, ImageLayer):
    pool = staticmethod(F.global_max_pool2d)


class GlobalAveragePooling1D(GlobalPooling, SequenceLayer):
    """La media de cada canal sobre los pasos. Con máscara (Embedding(mask_zero=True), Masking),
    solo de los pasos reales: suma de los no enmascarados / cuántos son, como Keras."""

    supports_masking = True

    def call(self, inputs: Tensor, training: bool = False, mask: Tensor | np.ndarray | None = None) -> Tensor:
        if mask is None:
            return super().call(inputs)
        weights = Tensor(mask_array(mask)[:, :, None], dtype=inputs.dtype, device=inputs.device)
        out = (inputs * weights).sum(axis=1, keepdims=self.keepdims) / weights.sum(axis=1, keepdims=self.keepdims)
        return out

    pool = staticmethod(F.global_avg_pool1d)

    def compute_mask(self, inputs: Tensor, mask: Tensor | np.ndarray | None = None) -> np.ndarray | None:
        return None


class GlobalMaxPooling1D(GlobalPooling, SequenceLayer):
    """El máximo de cada canal sobre los pasos (Keras no usa aquí la máscara)."""

    pool = staticmethod(F.global_max_pool1d)

