"""Dónde va cada peso dentro del HDF5 de Keras 3: la tabla de capas y el plan de pesos.

Keras recorre el modelo y guarda cada objeto en su grupo: el modelo en `vars`, cada capa de
`model.layers` en `layers/<clase en snake_case>[_n]/vars` (¡no el nombre de la capa!: 'dense',
'dense_1'... en el orden de las capas, numeradas por clase) y el optimizador en `optimizer/vars`.
Dentro de una capa van sus variables en el orden de Keras: primero las que se crearon entrenables,
luego el resto (`_trainable_variables + _non_trainable_variables`).

Las capas que contienen otras las recorre por el nombre del atributo que las guarda:
- `LAYER_CHILDREN`: las envolturas (Bidirectional en `backward_layer` y `forward_layer`,
  TimeDistributed en `layer`);
- las recurrentes de Keras guardan sus pesos en su celda, `<capa>/cell` (`CELL_NAMES`);
- un modelo dentro de otro guarda sus capas en `<modelo>/layers/...`, como el de fuera;
- un modelo subclase, o una capa propia con capas dentro, las guarda por el nombre del atributo
  que las contiene (`_attribute_children`).
Una capa nueva sin entrada en estas tablas guarda sus pesos en su propio grupo y no necesita nada más.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..names import snake_case

# clase -> atributos con las capas que contiene, como los recorre Keras (por orden alfabético)
LAYER_CHILDREN = {"Bidirectional": ("backward_layer", "forward_layer"), "TimeDistributed": ("layer",)}
# clase recurrente -> nombre de su celda en Keras (la celda guarda los pesos de la capa)
CELL_NAMES = {"SimpleRNN": "simple_rnn_cell", "LSTM": "lstm_cell", "GRU": "gru_cell"}


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


def _table_entry(table: dict, obj, default=None):
    """La entrada de la clase del objeto o de la más cercana de sus bases (una subclase de LSTM es una LSTM)."""
    for cls in type(obj).__mro__:
        if cls.__name__ in table:
            return table[cls.__name__]
    return default


def is_model(obj) -> bool:
    from ..models import Model  # aquí: models importa este paquete

    return isinstance(obj, Model)


def children(obj) -> list:
    """Todas las capas dentro de una capa o modelo (en sus atributos)."""
    return obj._sublayers()


def model_groups(model, named_weights) -> list:
    """Todos los grupos de un modelo: el suyo (`vars`) y los de todo lo que contiene.

    `named_weights(capa)` da los [(nombre, peso)] propios de cada capa en el orden de Keras (pesos
    de verdad, o WeightSpec del plan).
    """
    return object_groups(model, "", named_weights, set())


def object_groups(obj, path: str, named_weights, visited: set) -> list:
    """Los grupos de una capa o modelo que está en `path`, con los de lo que contiene (una capa
    compartida se guarda una vez, en el primer sitio donde Keras la encuentra)."""
    if id(obj) in visited:
        return []
    visited.add(id(obj))
    own = named_weights(obj)
    group = Group(path, obj.name, [w for _, w in own], [n for n, _ in own], obj)
    cell = _table_entry(CELL_NAMES, obj)
    if cell:  # la capa no tiene variables propias: las tiene su celda
        groups = [Group(path, obj.name, [], [], obj),
                  Group(_join(path, "cell"), cell, group.weights, group.weight_names, obj)]
    else:
        groups = [group]
    for attribute, value in _keras_children(obj):
        groups += _value_groups(value, _join(path, attribute), named_weights, visited)
    return groups


def _join(path: str, part: str) -> str:
    return f"{path}/{part}" if path else part


def is_graph_model(obj) -> bool:
    """Sequential y funcional: Keras guarda sus capas en `layers/`, en el orden de model.layers."""
    from ..models import Functional, Sequential

    return isinstance(obj, (Sequential, Functional))


def _keras_children(obj) -> list:
    """(atributo, capa o lista de capas) en el orden en que Keras recorre lo que `obj` contiene."""
    if is_graph_model(obj):
        return [("layers", obj.layers)]
    attributes = _table_entry(LAYER_CHILDREN, obj)
    if attributes is not None:
        return [(attribute, getattr(obj, attribute)) for attribute in attributes]
    return _attribute_children(obj)


def _attribute_children(obj) -> list:
    """Un modelo subclase o una capa propia con capas dentro: Keras recorre sus atributos por orden
    alfabético, los privados al final; en un modelo, `layers` (todas sus capas) es uno más. Así una
    capa en `self.oculta` va en 'oculta/...' pero una en `self.salida` ('salida' va después de
    'layers') ya se guardó en 'layers/dense_1'."""
    names = [name for name, value in vars(obj).items() if any(_is_layer(item) for item in _items(value))]
    if is_model(obj):
        names.append("layers")
    ordered = sorted(names, key=lambda name: ("~" + name) if name.startswith("_") else name)
    return [(name, obj.layers if name == "layers" else getattr(obj, name)) for name in ordered]


def _is_layer(value) -> bool:
    return hasattr(value, "_sublayers")


def _items(value) -> list:
    """Las hojas de una lista, tupla o diccionario (anidados); un valor suelto es su propia hoja."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _items(item)]
    return [value]


def _value_groups(value, path, named_weights, visited) -> list:
    """Una capa va en `path`; una lista (o dict) de capas, cada una en `path/<clase>[_n]` (una lista
    dentro de otra, en `path/container[_n]`), como Keras."""
    if not isinstance(value, (list, tuple, dict)):
        return object_groups(value, path, named_weights, visited) if _is_layer(value) else []
    used, groups = {}, []
    for item in (value.values() if isinstance(value, dict) else value):
        nested = isinstance(item, (list, tuple, dict))
        if not nested and not _is_layer(item):
            continue
        base = "container" if nested else snake_case(type(item).__name__)
        used[base] = used.get(base, -1) + 1  # la cuenta avanza también con las ya guardadas, como en Keras
        name = f"{base}_{used[base]}" if used[base] else base
        groups += _value_groups(item, _join(path, name), named_weights, visited)
    return groups


def keras_weights(layer) -> list:
    """[(nombre, peso)] propios de una capa construida (sin los de las capas que contiene), en el
    orden en que Keras los guarda.

    Keras guarda primero los pesos que se crearon entrenables y luego el resto, también con la
    capa congelada (cuando `layer.weights` da el orden de creación): se ordena por esa marca y no
    por `trainable` de ahora.
    """
    tracked = layer._tracked_weights
    return [(n, w) for n, w, trainable in tracked if trainable] + [(n, w) for n, w, trainable in tracked
                                                                    if not trainable]
