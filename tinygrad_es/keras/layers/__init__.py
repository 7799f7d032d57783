"""Las capas de Keras, una familia por archivo (core, convolutional, pooling, normalization,
embedding, recurrent, activation_layers, merging) sobre la clase base de `layer.py`.

    from tinygrad_es.keras.layers import Dense, Dropout
"""
from ..registry import lookup
from .activation_layers import LeakyReLU
from .convolutional import Conv2D
from .core import Activation, Dense, Dropout, Flatten, Input, InputLayer, Reshape
from .embedding import Embedding
from .layer import Layer
from .merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average,
                      concatenate, dot, maximum, minimum, multiply, subtract)
from .normalization import BatchNormalization
from .pooling import AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D
from .recurrent import GRU, LSTM, SimpleRNN

_CLASSES = {cls.__name__: cls for cls in (
    InputLayer, Dense, Activation, Dropout, Flatten, Reshape, LeakyReLU, Conv2D, MaxPooling2D, AveragePooling2D,
    GlobalAveragePooling2D, GlobalMaxPooling2D, BatchNormalization, Embedding, SimpleRNN, LSTM, GRU,
    Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot,
)}


def get(class_name: str):
    """'Dense' -> la clase Dense; un nombre desconocido da un error con el más parecido.

    Los modelos también son capas: 'Sequential' y 'Functional' (un modelo dentro de otro).
    """
    from ..models import MODEL_CLASSES  # aquí: models importa este paquete

    return lookup("Tipo de capa", class_name, {**_CLASSES, **MODEL_CLASSES})


def serialize(layer) -> dict:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize(config: dict) -> Layer:
    """{'class_name': 'Dense', 'config': {...}} -> una capa nueva igual (sin pesos todavía)."""
    return get(config["class_name"]).from_config(config["config"])
