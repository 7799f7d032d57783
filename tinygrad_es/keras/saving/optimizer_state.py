"""El estado del optimizador en el orden de variables de Keras 3 (grupo `optimizer/vars`).

Keras guarda `optimizer.variables`: `iteration` (int64), `learning_rate` (float32; no está si la
tasa es un programa de `schedules`), el estado de cada peso en el orden en que `build` lo creó y,
en Nadam, `u_product`. `optimizer.variables` de tinygrad_es es esa misma lista (ver
optimizers/base_optimizer.py), y `optimizer.set_weights` la carga.
"""
from __future__ import annotations

import warnings

import numpy as np


def scalar_count(optimizer) -> int:
    """Cuántas variables escalares van delante del estado: iteration y, si la tasa es un número, learning_rate."""
    return 1 if callable(optimizer._learning_rate) else 2


def keras_variables(optimizer) -> list:
    """Los arrays que Keras guardaría para este optimizador, en su orden (sin entrenar: solo los escalares)."""
    values = [np.asarray(v) for v in optimizer.variables]  # (desde la GPU, una copia a la CPU)
    return values if optimizer.built else values[:scalar_count(optimizer)]


def planned_shapes(optimizer, trainable_weights) -> list:
    """(forma, dtype) de cada variable de Keras, en orden, para comprobar el archivo antes de leerlo.

    Construye el optimizador si hacía falta: su estado ocupa lo que ocupará al entrenar.
    """
    if not optimizer.built:
        optimizer.build(trainable_weights)
    return [(tuple(v.shape), np.dtype(v.dtype)) for v in optimizer.variables]


def assign_keras_variables(optimizer, values) -> None:
    """Carga en `optimizer` (ya construido) las variables de Keras `values`, comprobadas en forma y tipo.

    Con solo los escalares (se guardó sin haber entrenado) el estado se queda a cero.
    """
    if len(values) == scalar_count(optimizer):
        optimizer._assign_scalars(values)
        return
    optimizer.set_weights(values)


def warn_skipped(optimizer, expected: int, found: int, filepath) -> None:
    warnings.warn(
        f"'{filepath}': no se carga el estado del optimizador {type(optimizer).__name__}: el archivo tiene {found} "
        f"variables y este optimizador necesita {expected} (¿otro optimizador u otras opciones?). El modelo sí "
        "se carga; el optimizador empieza de cero.",
        UserWarning, stacklevel=4,
    )
