"""Capas de pooling: resumen cada ventana de la imagen en un número (máximo o media), sin pesos.

MaxPooling2D((2, 2)) reduce a la mitad alto y ancho; las globales dejan un valor por canal.
"""
from ...nn import functional as F
from .convolutional import ImageLayer, channels_last, padding_mode, pair


class Pooling2D(ImageLayer):
    """Lo común a MaxPooling2D y AveragePooling2D: ventana, paso (por defecto, la ventana) y relleno."""

    fixed_axes = ()
    pool_function = None

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        channels_last(type(self).__name__, data_format)
        self.pool_size = pair(f"{type(self).__name__}: pool_size", pool_size)
        self.strides = self.pool_size if strides is None else pair(f"{type(self).__name__}: strides", strides)
        self.padding = padding_mode(padding)
        self.data_format = data_format

    def call(self, inputs, training=False):
        return self.pool_function(inputs, self.pool_size, self.strides, self.padding)

    def compute_output_shape(self, input_shape):
        h, w = self.spatial_output(input_shape, self.pool_size, self.strides, (1, 1), self.padding)
        return (input_shape[0], h, w, input_shape[3])

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding, "data_format": self.data_format}


class MaxPooling2D(Pooling2D):
    """El máximo de cada ventana."""

    pool_function = staticmethod(F.max_pool2d)

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(Pooling2D):
    """La media de cada ventana (con 'same', solo de las posiciones reales). En Keras 3 pool_size es obligatorio."""

    pool_function = staticmethod(F.avg_pool2d)


class GlobalPooling2D(ImageLayer):
    """Un valor por canal sobre toda la imagen: (lote, alto, ancho, C) -> (lote, C)."""

    fixed_axes = ()
    pool_function = None

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        channels_last(type(self).__name__, data_format)
        self.data_format, self.keepdims = data_format, keepdims

    def call(self, inputs, training=False):
        out = self.pool_function(inputs)
        return out.reshape(out.shape[0], 1, 1, out.shape[1]) if self.keepdims else out

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1, 1, input_shape[3]) if self.keepdims else (input_shape[0], input_shape[3])

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


class GlobalAveragePooling2D(GlobalPooling2D):
    pool_function = staticmethod(F.global_avg_pool2d)


class GlobalMaxPooling2D(GlobalPooling2D):
    pool_function = staticmethod(F.global_max_pool2d)
