"""Dónde va cada peso dentro del HDF5 de Keras 3: la tabla de capas y el plan de pesos.

Keras recorre el modelo y guarda cada objeto en su grupo: el modelo en `vars`, cada capa de
`model.layers` en `layers/<clase en snake_case>[_n]/vars` (¡no el nombre de la capa!: 'dense',
'dense_1'... en el orden de las capas, numeradas por clase) y el optimizador en `optimizer/vars`.
Dentro de una capa van sus variables en el orden de Keras: primero las que se crearon entrenables,
luego el resto (`_trainable_variables + _non_trainable_variables`).

La mayoría de las capas guardan sus pesos en su propio grupo. Las que no, están en `LAYER_STATE`
(una entrada por clase): las recurrentes de Keras guardan los pesos en su celda, `<capa>/cell`.
Una capa nueva sin entrada aquí usa el caso general y no necesita nada más para guardarse.
"""
from __future__ import annotations

import inspect
import math
from dataclasses import dataclass

import numpy as np

from ..names import snake_case


@dataclass(frozen=True)
class WeightSpec:
    """Un peso que una capa va a crear: nombre, forma y dtype (sin reservar su memoria)."""

    name: str
    shape: tuple
    dtype: np.dtype
    trainable: bool = True

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize


@dataclass
class Group:
    """Un grupo `<path>/vars` del HDF5: el nombre del objeto, sus pesos (Tensors o WeightSpec) en orden
    con sus nombres ('kernel'...), y la capa a la que pertenece (None: el modelo)."""

    path: str
    name: str
    weights: list
    weight_names: list
    owner: object = None


def _own(layer, count: int) -> list:
    return [("", layer.name, slice(0, count))]


def _in_cell(cell_name: str):
    """SimpleRNN/LSTM/GRU de Keras: la capa no tiene variables propias; las tiene su celda."""
    def groups(layer, count):
        return [("", layer.name, slice(0, 0)), ("cell", cell_name, slice(0, count))]
    return groups


# clase -> función (capa, número de pesos) -> [(subruta, nombre del objeto, qué pesos, en el orden de Keras)]
LAYER_STATE = {
    "SimpleRNN": _in_cell("simple_rnn_cell"),
    "LSTM": _in_cell("lstm_cell"),
    "GRU": _in_cell("gru_cell"),
}


def layer_groups(layer, path: str, named_weights) -> list:
    """Los grupos de una capa que está en `path` (p. ej. 'layers/dense_1'); `named_weights`:
    [(nombre, peso)] en el orden de Keras."""
    groups = LAYER_STATE.get(type(layer).__name__, _own)(layer, len(named_weights))
    return [Group(f"{path}/{sub}" if sub else path, name, [w for _, w in named_weights[part]],
                  [n for n, _ in named_weights[part]], layer)
            for sub, name, part in groups]


def container_paths(layers, prefix: str = "layers") -> list:
    """'layers/dense', 'layers/dense_1', 'layers/lstm'...: como numera Keras las capas de una lista."""
    used, paths = {}, []
    for layer in layers:
        base = snake_case(type(layer).__name__)
        if base in used:
            used[base] += 1
            paths.append(f"{prefix}/{base}_{used[base]}")
        else:
            used[base] = 0
            paths.append(f"{prefix}/{base}")
    return paths


def keras_weights(layer) -> list:
    """[(nombre, peso)] de una capa construida, en el orden en que Keras los guarda.

    Keras guarda primero los pesos que se crearon entrenables y luego el resto, también con la
    capa congelada (cuando `layer.weights` da el orden de creación): se ordena por esa marca y no
    por `trainable` de ahora.
    """
    tracked = layer._tracked_weights
    return [(n, w) for n, w, trainable in tracked if trainable] + [(n, w) for n, w, trainable in tracked
                                                                    if not trainable]


def model_groups(name: str, layers, named_weights) -> list:
    """Los grupos de un modelo: el suyo (`vars`, sin pesos) y los de sus capas; `named_weights(capa)`
    da los [(nombre, peso)] de cada una."""
    groups = [Group("", name, [], [])]
    for layer, path in zip(layers, container_paths(layers)):
        groups += layer_groups(layer, path, named_weights(layer))
    return groups


# ---------------------------------------------------------------- plan sin reservar memoria
def planned_weights(layer, input_shape):
    """[(nombre, WeightSpec)] de los pesos que `layer` creará para esta entrada, en el orden de
    Keras, y su forma de salida, SIN crearlos.

    Se construye una copia de la capa (misma configuración) con `add_weight` sustituido por uno
    que solo anota nombre, forma y dtype y devuelve un array de cero bytes de esa forma
    (np.broadcast_to). Así un config.json que pide `units=10**12` se puede comparar con los
    arrays guardados antes de reservar nada.
    """
    probe = type(layer).from_config(layer.get_config())
    specs = []
    signature = inspect.signature(type(probe).add_weight)

    def record(*args, **kwargs):
        bound = signature.bind(probe, *args, **kwargs)
        bound.apply_defaults()
        shape = tuple(int(s) for s in bound.arguments["shape"])
        name, trainable = bound.arguments.get("name"), bool(bound.arguments.get("trainable", True))
        spec = WeightSpec(name or f"variable_{len(specs)}", shape, probe.dtype, trainable)
        specs.append(spec)
        placeholder = np.broadcast_to(np.zeros((), probe.dtype), shape)
        if name:
            setattr(probe, name, placeholder)
        return placeholder

    probe.add_weight = record
    output_shape = probe.build_from_shape(input_shape)
    ordered = [s for s in specs if s.trainable] + [s for s in specs if not s.trainable]
    return [(s.name, s) for s in ordered], output_shape
