"""El estado del optimizador en el orden de variables de Keras 3 (grupo `optimizer/vars`).

Keras guarda `optimizer.variables`: `iteration` (int64), `learning_rate` (float32) y después el
estado por peso ("slots"). Cada optimizador lo crea en `build` con `add_optimizer_variables`:
si una llamada pide varios slots (Adam: momentum y velocity), Keras los intercala peso a peso
(m0, v0, m1, v1...); llamadas distintas van una tras otra (RMSprop: todas las velocity, luego
todos los momentum, luego los average_gradient).

`KERAS_SLOT_CALLS` da esas llamadas con los nombres de slot de tinygrad_es (`slot_names`). Un
optimizador que no aparece usa una sola llamada con todos sus slots, que es el caso de la mayoría.
`KERAS_EXTRA` da las variables escalares que Keras añade al final (Nadam: u_product).
"""
from __future__ import annotations

import warnings

import numpy as np

KERAS_SLOT_CALLS = {
    "RMSprop": lambda opt: [("velocity",)] + ([("momentum",)] if opt.momentum > 0 else [])
                           + ([("average_gradient",)] if opt.centered else []),
    "Adam": lambda opt: [("momentum", "velocity")] + ([("velocity_hat",)] if opt.amsgrad else []),
}
KERAS_EXTRA = {"Nadam": ("u_product",)}


def _slot_calls(optimizer) -> list:
    calls = KERAS_SLOT_CALLS.get(type(optimizer).__name__)
    return calls(optimizer) if calls else [tuple(optimizer.slot_names)] if optimizer.slot_names else []


def _extras(optimizer) -> tuple:
    return KERAS_EXTRA.get(type(optimizer).__name__, ())


def is_built(optimizer) -> bool:
    return getattr(optimizer, "_variables", None) is not None


def _slots_by_name(optimizer) -> list:
    """Para cada peso optimizado, {nombre del slot: su array} (vistas: escribir en ellas cambia el estado)."""
    return [dict(zip(optimizer.slot_names, slots)) for slots in optimizer.slots]


def keras_variables(optimizer) -> list:
    """Los arrays que Keras guardaría para este optimizador, en su orden."""
    values = [np.array(optimizer.iterations, dtype=np.int64), np.array(optimizer.learning_rate, dtype=np.float32)]
    if not is_built(optimizer):  # compilado pero sin entrenar: Keras guarda solo esas dos
        return values
    per_weight = _slots_by_name(optimizer)
    for call in _slot_calls(optimizer):
        values += [np.asarray(slots[name]) for slots in per_weight for name in call]
    dtype = optimizer._variables[0].dtype if optimizer._variables else np.float32
    values += [np.array(getattr(optimizer, name), dtype=dtype) for name in _extras(optimizer)]
    return values


def planned_shapes(optimizer, trainable_weights) -> list:
    """(forma, dtype) de cada variable de Keras, en orden, para comprobar el archivo antes de leerlo."""
    shapes = [((), np.dtype(np.int64)), ((), np.dtype(np.float32))]
    for call in _slot_calls(optimizer):
        shapes += [(tuple(w.shape), np.dtype(w.dtype)) for w in trainable_weights for _ in call]
    dtype = np.dtype(trainable_weights[0].dtype) if trainable_weights else np.dtype(np.float32)
    shapes += [((), dtype) for _ in _extras(optimizer)]
    return shapes


def assign_keras_variables(optimizer, trainable_weights, values) -> None:
    """Carga en `optimizer` las variables de Keras `values` (ya comprobadas en forma y tipo).

    Con solo dos (iteración y tasa: se guardó sin haber entrenado) el estado empieza de cero.
    """
    optimizer.iterations = int(values[0])
    optimizer.learning_rate = float(values[1])
    if len(values) == 2:
        return
    if not is_built(optimizer):
        optimizer.build(trainable_weights)
    per_weight = _slots_by_name(optimizer)
    position = 2
    for call in _slot_calls(optimizer):
        for slots in per_weight:
            for name in call:
                slots[name][...] = values[position]
                position += 1
    for name in _extras(optimizer):
        setattr(optimizer, name, float(values[position]))
        position += 1


def warn_skipped(optimizer, expected: int, found: int, filepath) -> None:
    warnings.warn(
        f"'{filepath}': no se carga el estado del optimizador {type(optimizer).__name__}: el archivo tiene {found} "
        f"variables y este optimizador necesita {expected} (¿otro optimizador u otras opciones?). El modelo sí "
        "se carga; el optimizador empieza de cero.",
        UserWarning, stacklevel=4,
    )
