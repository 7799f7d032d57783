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
- un modelo dentro de otro guarda sus capas en `<modelo>/layers/...`, como el de fuera.
Una capa nueva sin entrada en estas tablas guarda sus pesos en su propio grupo y no necesita nada más.
"""
from __future__ import annotations

import inspect
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
    """Un modelo (Sequential, funcional) guarda sus capas en `layers/` como el modelo de fuera."""
    from ..models import Sequential  # aquí: models importa este paquete

    return isinstance(obj, Sequential)


def object_groups(obj, path: str, named_weights) -> list:
    """Los grupos de una capa (o modelo) que está en `path`, con los de lo que contiene.

    `named_weights(capa)` da los [(nombre, peso)] propios de cada capa en el orden de Keras.
    """
    def join(part):
        return f"{path}/{part}" if path else part

    if is_model(obj):
        groups = [Group(path, obj.name, [], [], obj)]
        for layer, sub in zip(obj.layers, container_paths(obj.layers)):
            groups += object_groups(layer, join(sub), named_weights)
        return groups
    own = named_weights(obj)
    group = Group(path, obj.name, [w for _, w in own], [n for n, _ in own], obj)
    cell = _table_entry(CELL_NAMES, obj)
    if cell:  # la capa no tiene variables propias: las tiene su celda
        groups = [Group(path, obj.name, [], [], obj), Group(join("cell"), cell, group.weights, group.weight_names, obj)]
    else:
        groups = [group]
    for attribute in _table_entry(LAYER_CHILDREN, obj, ()):
        groups += object_groups(getattr(obj, attribute), join(attribute), named_weights)
    return groups


def container_paths(layers) -> list:
    """'dense', 'dense_1', 'lstm'...: como nombra Keras las capas de una lista (por clase, numeradas)."""
    used, paths = {}, []
    for layer in layers:
        base = snake_case(type(layer).__name__)
        used[base] = used.get(base, -1) + 1
        paths.append(f"layers/{base}_{used[base]}" if used[base] else f"layers/{base}")
    return paths


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


# ---------------------------------------------------------------- plan sin reservar memoria
def planned_weights(layer, input_shape) -> tuple:
    """(copia de la capa, {id(objeto): [(nombre, WeightSpec)]}, forma de salida): los pesos que `layer`
    (y las capas que contiene) creará para esta entrada, SIN crearlos.

    Se construye una copia de la capa (misma configuración) con `add_weight` sustituido, en ella y
    en sus capas internas, por uno que solo anota nombre, forma y dtype y devuelve un array de cero
    bytes de esa forma (np.broadcast_to). Así un config.json que pide `units=10**12` se puede
    comparar con los arrays guardados antes de reservar nada.
    """
    probe = type(layer).from_config(layer.get_config())
    records = {}
    for obj in _with_children(probe):
        records[id(obj)] = []
        obj.add_weight = _recorder(obj, records[id(obj)])
    output_shape = probe.build_from_shape(input_shape)
    specs = {key: [(s.name, s) for s in specs if s.trainable] + [(s.name, s) for s in specs if not s.trainable]
             for key, specs in records.items()}
    return probe, specs, output_shape


def _with_children(obj) -> list:
    found = [obj]
    for attribute in _table_entry(LAYER_CHILDREN, obj, ()):
        found += _with_children(getattr(obj, attribute))
    for layer in (obj.layers if is_model(obj) else []):
        found += _with_children(layer)
    return found


def _recorder(obj, specs: list):
    """Un add_weight que anota el peso (WeightSpec) y devuelve un array de cero bytes de su forma."""
    signature = inspect.signature(type(obj).add_weight)

    def add_weight(*args, **kwargs):
        bound = signature.bind(obj, *args, **kwargs)
        bound.apply_defaults()
        shape = tuple(int(s) for s in bound.arguments["shape"])
        name, trainable = bound.arguments.get("name"), bool(bound.arguments.get("trainable", True))
        specs.append(WeightSpec(name or f"variable_{len(specs)}", shape, obj.dtype, trainable))
        placeholder = np.broadcast_to(np.zeros((), obj.dtype), shape)
        if name:
            setattr(obj, name, placeholder)
        return placeholder

    return add_weight


def model_groups(name: str, layers, named_weights) -> list:
    """Los grupos de un modelo de nivel superior: el suyo (`vars`, sin pesos) y los de sus capas."""
    groups = [Group("", name, [], [])]
    for layer, path in zip(layers, container_paths(layers)):
        groups += object_groups(layer, path, named_weights)
    return groups
