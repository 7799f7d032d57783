"""El estado del optimizador en el orden de variables de Keras 3 (grupo `optimizer/vars`).

Keras guarda `optimizer.variables`: `iteration` (int64), `learning_rate` (float32) y después el
estado de cada peso en el orden en que `build` lo creó. Los optimizadores de tinygrad_es crean
ese estado igual que Keras (`add_optimizer_variables`, ver optimizers/base_optimizer.py), así que
`optimizer.variables` ya está en ese orden. Solo falta lo que Keras guarda como variable y aquí es
un número: `KERAS_EXTRA` (Nadam guarda al final su `u_product`).
"""
from __future__ import annotations

import warnings

import numpy as np

KERAS_EXTRA = {"Nadam": ("u_product",)}


def _extras(optimizer) -> tuple:
    for cls in type(optimizer).__mro__:  # una subclase de Nadam guarda lo mismo
        if cls.__name__ in KERAS_EXTRA:
            return KERAS_EXTRA[cls.__name__]
    return ()


def _extra_dtype(optimizer):
    variables = getattr(optimizer, "_trainable_variables", None)
    return np.dtype(variables[0].dtype) if variables else np.dtype(np.float32)


def keras_variables(optimizer) -> list:
    """Los arrays que Keras guardaría para este optimizador, en su orden."""
    values = [np.array(optimizer.iterations, dtype=np.int64), np.array(optimizer.learning_rate, dtype=np.float32)]
    if not optimizer.built:  # compilado pero sin entrenar: Keras guarda solo esas dos
        return values
    values += [np.asarray(v) for v in optimizer.variables]  # (desde la GPU, una copia a la CPU)
    return values + [np.array(getattr(optimizer, name), dtype=_extra_dtype(optimizer)) for name in _extras(optimizer)]


def planned_shapes(optimizer, trainable_weights) -> list:
    """(forma, dtype) de cada variable de Keras, en orden, para comprobar el archivo antes de leerlo.

    Construye el optimizador si hacía falta: su estado ocupa lo que ocupará al entrenar.
    """
    if not optimizer.built:
        optimizer.build(trainable_weights)
    shapes = [((), np.dtype(np.int64)), ((), np.dtype(np.float32))]
    shapes += [(tuple(v.shape), np.dtype(v.dtype)) for v in optimizer.variables]
    return shapes + [((), _extra_dtype(optimizer)) for _ in _extras(optimizer)]


def assign_keras_variables(optimizer, values) -> None:
    """Carga en `optimizer` (ya construido) las variables de Keras `values`, comprobadas en forma y tipo.

    Con solo dos (iteración y tasa: se guardó sin haber entrenado) el estado se queda a cero.
    """
    optimizer.iterations = int(values[0])
    optimizer.learning_rate = float(values[1])
    if len(values) == 2:
        return
    slots = values[2:2 + len(optimizer.variables)]
    for variable, value in zip(optimizer.variables, slots):
        variable[...] = value
    for name, value in zip(_extras(optimizer), values[2 + len(optimizer.variables):]):
        setattr(optimizer, name, float(value))


def warn_skipped(optimizer, expected: int, found: int, filepath) -> None:
    warnings.warn(
        f"'{filepath}': no se carga el estado del optimizador {type(optimizer).__name__}: el archivo tiene {found} "
        f"variables y este optimizador necesita {expected} (¿otro optimizador u otras opciones?). El modelo sí "
        "se carga; el optimizador empieza de cero.",
        UserWarning, stacklevel=4,
    )
