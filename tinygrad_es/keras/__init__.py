"""`tinygrad_es.keras`: la API de Keras del curso sobre el motor de tinygrad_es.

Basta cambiar el import: donde el curso escribe `from tensorflow.keras.layers import Dense` o
`from tensorflow import keras`, aquí `from tinygrad_es.keras.layers import Dense` o
`from tinygrad_es import keras`.

    from tinygrad_es import keras
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(10, activation="softmax")])
"""
from ..errors import missing_module_attribute
from . import (activations, callbacks, constraints, datasets, initializers, layers, losses, metrics, models, ops,
               optimizers, regularizers, utils)
from .layers import Input
from .models import Model, Sequential, load_model
from .names import clear_session
from .variables import Variable

__all__ = [
    "Input", "Model", "Sequential", "Variable", "activations", "callbacks", "clear_session", "constraints", "datasets",
    "initializers", "layers", "load_model", "losses", "metrics", "models", "ops", "optimizers", "regularizers",
    "utils",
]


__getattr__ = missing_module_attribute("keras", globals())  # un nombre que no existe, en español
