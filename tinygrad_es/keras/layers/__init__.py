"""Las capas de Keras, una familia por archivo como en Keras 3 (core, convolutional, pooling,
reshaping, regularization, normalization, preprocessing, embedding, recurrent, wrappers,
activation_layers, merging) sobre la clase base de `layer.py`.

    from tinygrad_es.keras.layers import Dense, Dropout
"""
from __future__ import annotations

from ...errors import missing_module_attribute
from ..registry import lookup
from .activation_layers import LeakyReLU
from .convolutional import Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D
from .core import Activation, Dense, Input, InputLayer, Masking
from .embedding import Embedding
from .layer import Layer
from .merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average,
                      concatenate, dot, maximum, minimum, multiply, subtract)
from .normalization import BatchNormalization, LayerNormalization
from .pooling import (AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
                      GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D)
from .preprocessing import Rescaling
from .recurrent import GRU, LSTM, SimpleRNN
from .regularization import Dropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D
from .reshaping import Cropping2D, Flatten, Permute, RepeatVector, Reshape, UpSampling2D, ZeroPadding2D
from .wrappers import Bidirectional, TimeDistributed

_CLASSES = {cls.__name__: cls for cls in (
    InputLayer, Dense, Activation, Masking, Dropout, SpatialDropout1D, SpatialDropout2D, GaussianNoise,
    Flatten, Reshape, Permute, RepeatVector, ZeroPadding2D, Cropping2D, UpSampling2D, LeakyReLU, Conv1D, Conv2D,
    Conv2DTranspose, DepthwiseConv2D, SeparableConv2D,
    MaxPooling1D, AveragePooling1D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling1D, GlobalMaxPooling1D,
    GlobalAveragePooling2D, GlobalMaxPooling2D, BatchNormalization, LayerNormalization, Rescaling, Embedding,
    SimpleRNN, LSTM, GRU, TimeDistributed, Bidirectional,
    Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot,
)}


def get(class_name: str):
    """'Dense' -> la clase Dense; un nombre desconocido da un error con el más parecido.

    Los modelos también son capas: 'Sequential' y 'Functional' (un modelo dentro de otro).
    """
    from ..models import MODEL_CLASSES  # aquí: models importa este paquete

    return lookup("Tipo de capa", class_name, {**_CLASSES, **MODEL_CLASSES})


def serialize(layer: Layer) -> dict:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize(config: dict) -> Layer:
    """{'class_name': 'Dense', 'config': {...}} -> una capa nueva igual (sin pesos todavía)."""
    return get(config["class_name"]).from_config(config["config"])


_OTHER_LAYERS = "escribe una subclase de keras.layers.Layer con build() y call() (página 5 de la documentación)"
# Capas de Keras 3 que no están aquí, con lo que hay que escribir en su lugar.
__getattr__ = missing_module_attribute("keras.layers", globals(), {
    "ReLU": "usa Activation('relu') (o LeakyReLU(negative_slope=0.0))",
    "Softmax": "usa Activation('softmax') (softmax sobre el último eje)",
    "ELU": "usa Activation('elu')",
    "Identity": "usa Activation('linear'), que deja pasar la entrada igual",
    "Lambda": "escribe una subclase de keras.layers.Layer con call(self, x): una Lambda no se puede guardar "
              "sin pickle, y tinygrad_es no usa pickle",
    "Normalization": "usa Rescaling(scale=1 / desviación, offset=-media / desviación) con la media y la "
                     "desviación de tus datos calculadas con NumPy, o BatchNormalization",
    "UpSampling1D": "usa Reshape((pasos, 1, canales)), UpSampling2D((n, 1)) y Reshape((pasos * n, canales))",
    "ZeroPadding1D": "usa Reshape((pasos, 1, canales)), ZeroPadding2D(((antes, después), (0, 0))) y Reshape",
    "Cropping1D": "usa Reshape((pasos, 1, canales)), Cropping2D(((antes, después), (0, 0))) y Reshape",
    "Conv1DTranspose": "usa Reshape((pasos, 1, canales)) y Conv2DTranspose(filtros, (k, 1), strides=(s, 1)), "
                       "o nn.functional.conv1d_transpose en una capa propia",
    "SeparableConv1D": "usa nn.functional.separable_conv1d en una capa propia, o Conv1D",
    "DepthwiseConv1D": "usa Conv1D(canales, k, groups=canales): una convolución por canal, la misma cuenta",
    "GaussianDropout": "usa GaussianNoise o Dropout, o " + _OTHER_LAYERS,
    "CuDNNLSTM": "usa LSTM (los kernels ya son los rápidos)",
    "CuDNNGRU": "usa GRU (los kernels ya son los rápidos)",
})
