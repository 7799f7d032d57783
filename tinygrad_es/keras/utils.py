"""Utilidades de Keras que usa el curso: `to_categorical`, `set_random_seed` y `get_file`; y para
alimentar `fit` con datos por lotes, `PyDataset` (alias `Sequence`).

    y_train = keras.utils.to_categorical(y_train, 10)   # 5 -> [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]
"""
import random

import numpy as np

from ..datasets.download import get_file
from ..errors import missing_module_attribute
from ..random import manual_seed
from ..validation import check_allocation, integer, numeric_array, whole_numbers
from .data_adapters import PyDataset, Sequence, pack_x_y_sample_weight, unpack_x_y_sample_weight
from .names import clear_session


def to_categorical(x, num_classes=None):
    """Etiquetas enteras -> vectores one-hot (float64, como Keras 3). Un eje final de tamaño 1 se quita."""
    x = numeric_array("to_categorical", "x", x)
    x = whole_numbers(
        "to_categorical", "las etiquetas deben ser enteras (el índice de cada clase)", x,
        "Keras la truncaría a entero en silencio, y aquí se prefiere avisar. Si son clases, conviértelas tú (p. ej. "
        "np.round(y).astype(int)); si son valores continuos, no son clases: usa una pérdida de regresión como 'mse'.",
    )
    if num_classes is not None:
        num_classes = integer("to_categorical", "num_classes", num_classes, meaning="el número de clases")
    shape = x.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if x.size and x.min() < 0:
        raise ValueError(
            f"to_categorical necesita etiquetas enteras desde 0 y hay una negativa ({x.min()}): las clases se "
            "numeran 0, 1, ..., num_classes - 1."
        )
    if num_classes is None:
        num_classes = int(x.max()) + 1 if x.size else 0
    elif x.size and x.max() >= num_classes:
        raise ValueError(
            f"to_categorical: hay una etiqueta {x.max()} y num_classes={num_classes}, así que no cabe: las clases "
            f"van de 0 a {num_classes - 1}. Aumenta num_classes o revisa las etiquetas."
        )
    check_allocation("to_categorical", "el resultado", (x.size, num_classes), np.float64,
                     "¿Hay una etiqueta enorme por error? Revisa las etiquetas o num_classes.", "números")
    categorical = np.zeros((x.size, num_classes))
    categorical[np.arange(x.size), x] = 1
    return categorical.reshape(shape + (num_classes,))


def set_random_seed(seed):
    """Fija las semillas de tinygrad_es, NumPy y `random` de Python: dos ejecuciones dan lo mismo, bit a bit."""
    seed = integer("set_random_seed", "seed", seed, minimum=0)
    random.seed(seed)
    np.random.seed(seed)
    manual_seed(seed)


__all__ = ["PyDataset", "Sequence", "clear_session", "get_file", "pack_x_y_sample_weight", "set_random_seed",
           "to_categorical", "unpack_x_y_sample_weight"]


__getattr__ = missing_module_attribute("keras.utils", globals())  # un nombre que no existe, en español
