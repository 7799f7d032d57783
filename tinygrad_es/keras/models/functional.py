"""El modelo funcional: un grafo de capas de una o varias entradas a una o varias salidas.

    imagen = keras.Input(shape=(28, 28, 1), name="imagen")
    datos = keras.Input(shape=(4,), name="datos")
    x = Flatten()(Conv2D(8, 3, activation="relu")(imagen))
    x = Concatenate()([x, datos])
    clase = Dense(10, activation="softmax", name="clase")(x)
    edad = Dense(1, name="edad")(x)
    model = keras.Model(inputs=[imagen, datos], outputs=[clase, edad])

Llamar a las capas sobre los `keras.Input` anotó los nodos (`symbolic.py`); el modelo los
recorre desde las salidas (`graph.py`) y, al calcular, evalúa cada nodo con los Tensors de sus
entradas, en orden. Una capa llamada dos veces (compartida) tiene dos nodos y un solo juego de
pesos. Las entradas y salidas pueden ser un tensor, una lista o un diccionario; los datos se
pasan con la misma forma (o, con listas, un diccionario por nombre de `Input`).

`get_config`/`from_config` usan el formato de Keras 3 (`layers` con sus `inbound_nodes`,
`input_layers` y `output_layers`), de modo que la configuración de un archivo `.keras` de Keras
se reconstruye aquí capa a capa.
"""
from __future__ import annotations

import numpy as np

from ...errors import ShapeError, shape_str
from .. import layers as layers_module
from .. import tree
from ..layers.core import InputLayer
from ..layers.layer import reshape_hint
from ..symbolic import KerasTensor, resolve_training
from .graph import GraphError, map_graph
from .model import Model
from ...tensor import Tensor

_CLASSES = {}


def functional_class(cls):
    """keras.Model(entradas, salidas) da un Functional; una subclase de Model llamada así (p. ej. con su
    propio train_step) da una clase que hereda de las dos, como hace Keras."""
    if cls is Model:
        return Functional
    if issubclass(cls, Functional):
        return cls
    if cls not in _CLASSES:
        _CLASSES[cls] = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__,
                                                              "__qualname__": cls.__qualname__})
    return _CLASSES[cls]


class Functional(Model):
    _accepts_functional_init = False

    def __init__(self, inputs: Tensor, outputs, name: str | None = None, trainable: bool = True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._inputs_struct = _checked_inputs(inputs)
        self._outputs_struct = _checked_outputs(outputs)
        self._input_tensors = tree.flatten(self._inputs_struct)
        self._output_tensors = tree.flatten(self._outputs_struct)
        order, self._nodes_by_depth, layers = map_graph(self._input_tensors, self._output_tensors)
        self._layers = layers  # las capas en el orden de Keras, entradas incluidas
        self._nodes = [node for node in order if not node.is_input]
        self.input_spec_shape = tree.map_structure(lambda t: (None,) + t.shape[1:], self._inputs_struct)
        self.output_shape = tree.map_structure(lambda t: t.shape, self._outputs_struct)
        self.built = True

    # ------------------------------------------------------------ estructura
    @property
    def layers(self) -> list:
        return list(self._layers)

    @property
    def inputs(self) -> list:
        return list(self._input_tensors)

    @property
    def outputs(self) -> list:
        return list(self._output_tensors)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        return self.input_spec_shape

    @property
    def input_names(self) -> list:
        return _names(self._inputs_struct)

    @property
    def output_names(self) -> list:
        """El nombre de cada salida: su clave si las salidas son un diccionario, si no su capa."""
        return _names(self._outputs_struct)

    def build(self, input_shape: tuple | None = None) -> None:
        """Un modelo funcional ya nace construido (sus capas se construyeron al llamarlas)."""

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return self.output_shape

    # ------------------------------------------------------------ cálculo
    def prepare_inputs(self, inputs: Tensor):
        """Empareja los datos con las entradas del modelo, los convierte y comprueba sus formas."""
        inputs = super().prepare_inputs(inputs)
        for tensor, x in zip(self._input_tensors, inputs):
            _check_shape(tensor, x.shape)
        return inputs

    def check_data(self, x):
        for tensor, data in zip(self._input_tensors, self.standardize_data(x)):
            _check_shape(tensor, data.shape)

    def input_dtypes(self, inputs: Tensor) -> list:
        return [t.dtype for t in self._input_tensors]

    def standardize_data(self, inputs: Tensor) -> list:
        """Los datos como una lista en el orden de `self.inputs`, vengan como vengan."""
        names = self.input_names
        count = len(self._input_tensors)
        if isinstance(inputs, dict):
            missing = [n for n in names if n not in inputs]
            if missing:
                raise ValueError(
                    f"El modelo {self.name} recibió un diccionario de datos sin las entradas {missing}: sus "
                    f"entradas se llaman {names} (el name= de cada keras.Input)."
                )
            return [inputs[n] for n in names]
        if isinstance(inputs, (list, tuple)):
            if len(inputs) != count:
                raise ValueError(
                    f"El modelo {self.name} tiene {count} entradas ({', '.join(names)}) y recibió {len(inputs)} "
                    "arrays: pasa uno por entrada, en ese orden (o un diccionario por nombre)."
                )
            return list(inputs)
        if count != 1:
            raise ValueError(
                f"El modelo {self.name} tiene {count} entradas ({', '.join(names)}) y recibió un solo array: "
                "pasa una lista con uno por entrada (o un diccionario por nombre)."
            )
        return [inputs]

    def call(self, inputs: Tensor, training: bool | None = None, mask: Tensor | np.ndarray | None = None) -> Tensor:
        return self.call_with_mask(inputs, training, mask)[0]

    def call_with_mask(self, inputs: Tensor, training: bool, mask: Tensor | np.ndarray | None = None, **kwargs):
        """Evalúa cada nodo, en orden, con los Tensors de sus entradas; da las salidas y sus máscaras."""
        training = resolve_training(training)
        inputs = inputs if isinstance(inputs, list) else self.standardize_data(inputs)
        masks = [None] * len(inputs) if mask is None else tree.flatten(mask)
        values = {id(t): x for t, x in zip(self._input_tensors, inputs)}
        value_masks = {id(t): m for t, m in zip(self._input_tensors, masks)}
        for node in self._nodes:
            args = _replace_tensors(node.args[0], values)
            node_mask = _replace_tensors(node.args[0], value_masks)
            if all(m is None for m in tree.flatten(node_mask)):
                node_mask = None
            kwargs = {k: _replace_tensors(v, values) for k, v in node.kwargs.items() if k not in ("training", "mask")}
            outputs, out_mask = node.layer.call_with_mask(args, node.kwargs.get("training", training), node_mask,
                                                          **kwargs)
            flat_masks = [None] * len(node.output_tensors) if out_mask is None else tree.flatten(out_mask)
            for tensor, value, m in zip(node.output_tensors, tree.flatten(outputs), flat_masks):
                values[id(tensor)], value_masks[id(tensor)] = value, m
        outputs = tree.pack_sequence_as(self._outputs_struct, [values[id(t)] for t in self._output_tensors])
        out_masks = [value_masks[id(t)] for t in self._output_tensors]
        return outputs, (None if all(m is None for m in out_masks) else
                         tree.pack_sequence_as(self._outputs_struct, out_masks))

    # ------------------------------------------------------------ configuración (formato de Keras 3)
    def get_config(self) -> dict:
        kept = self._node_indices()
        layer_configs = []
        for layer in self._layers:
            config = layers_module.serialize(layer)
            config["name"] = layer.name
            config["inbound_nodes"] = [_node_config(node, kept) for node in layer._inbound_nodes
                                       if id(node) in kept and not node.is_input]
            layer_configs.append(config)
        return {"name": self.name, "trainable": self.trainable, "layers": layer_configs,
                "input_layers": _tensors_config(self._inputs_struct, kept),
                "output_layers": _tensors_config(self._outputs_struct, kept)}

    def _node_indices(self) -> dict:
        """id(nodo) -> su número entre los nodos de su capa que son de este modelo (como los renumera Keras)."""
        in_model = {id(node) for nodes in self._nodes_by_depth.values() for node in nodes}
        kept = {}
        for layer in self._layers:
            count = 0
            for node in layer._inbound_nodes:
                if id(node) in in_model:
                    kept[id(node)] = count
                    count += 1
        return kept

    @classmethod
    def from_config(cls, config: dict, deserialize_layer=None):
        """Reconstruye el grafo: crea cada capa y la vuelve a llamar sobre los tensores de sus nodos.

        `deserialize_layer(config) -> capa` crea cada capa (por defecto, `keras.layers.deserialize`;
        al cargar un archivo de Keras, el lector traduce antes los argumentos propios de Keras).
        """
        deserialize_layer = deserialize_layer or layers_module.deserialize
        created, pending = {}, []
        for layer_config in config["layers"]:
            layer = deserialize_layer(layer_config)
            name = layer_config.get("name", layer.name)
            created[name] = layer
            pending += [(layer, node) for node in layer_config.get("inbound_nodes", [])]
        while pending:
            waiting = []
            for layer, node in pending:
                call = _node_call(node, created)
                if call is None:
                    waiting.append((layer, node))
                else:
                    args, kwargs = call
                    layer(*args, **kwargs)
            if len(waiting) == len(pending):
                names = sorted({layer.name for layer, _ in waiting})
                raise GraphError(f"La configuración del modelo no se puede reconstruir: los nodos de {names} "
                                 "dependen de capas o nodos que no existen en ella.")
            pending = waiting
        inputs = _tensors_from_config(config["input_layers"], created)
        outputs = _tensors_from_config(config["output_layers"], created)
        return cls(inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True))


# ---------------------------------------------------------------- entradas y salidas
def _checked_inputs(inputs):
    inputs = list(inputs) if isinstance(inputs, tuple) else inputs
    for leaf in tree.flatten(inputs):
        if not isinstance(leaf, KerasTensor):
            raise TypeError(
                f"keras.Model(inputs, outputs): cada entrada debe ser un keras.Input(...) y se recibió {leaf!r}. "
                "Crea las entradas con entrada = keras.Input(shape=(...)) y llama a las capas sobre ellas."
            )
        if not isinstance(leaf._keras_history.operation, InputLayer):
            raise TypeError(
                f"keras.Model(inputs, outputs): el tensor '{leaf.name}' sale de la capa "
                f"{leaf._keras_history.operation.name}, no de un keras.Input; en tinygrad_es las entradas de un "
                "modelo funcional son siempre keras.Input: crea uno con esa forma y construye el modelo desde él."
            )
    return inputs


def _checked_outputs(outputs):
    outputs = list(outputs) if isinstance(outputs, tuple) else outputs
    for leaf in tree.flatten(outputs):
        if not isinstance(leaf, KerasTensor):
            raise TypeError(
                f"keras.Model(inputs, outputs): cada salida debe ser el resultado de llamar a una capa sobre las "
                f"entradas (un KerasTensor) y se recibió {leaf!r}."
            )
    if isinstance(outputs, dict) and any(tree.is_nested(v) for v in outputs.values()):
        raise TypeError("keras.Model: las salidas en un diccionario deben ser tensores sueltos, no listas.")
    if isinstance(outputs, list) and len(outputs) == 1:
        return outputs[0]  # como Keras: [salida] es una sola salida (predict da un array, no una lista)
    return outputs


def _names(structure) -> list:
    if isinstance(structure, dict):
        return sorted(structure)
    return [t._keras_history.operation.name for t in tree.flatten(structure)]


def _check_shape(tensor: KerasTensor, shape):
    expected = tensor.shape
    if len(shape) != len(expected) or any(e is not None and s != e for s, e in zip(shape[1:], expected[1:])):
        raise ShapeError(
            f"La entrada '{tensor.name}' del modelo esperaba datos de forma {shape_str((None,) + expected[1:])} y "
            f"recibió {shape_str(shape)}: {reshape_hint((None,) + expected[1:], shape)}."
        )


def _replace_tensors(structure, values: dict):
    return tree.map_structure(lambda t: values[id(t)] if isinstance(t, KerasTensor) else t, structure)


# ---------------------------------------------------------------- configuración
def _history(tensor, kept) -> list:
    layer, node_index, tensor_index = tensor._keras_history
    return [layer.name, kept[id(layer._inbound_nodes[node_index])], tensor_index]


def _tensors_config(structure, kept):
    """input_layers/output_layers: [nombre, nodo, salida] por tensor (suelto, en lista o por clave)."""
    return tree.map_structure(lambda t: _history(t, kept), structure)


def _node_config(node, kept) -> dict:
    def tensor_config(value: float):
        if not isinstance(value, KerasTensor):
            return value
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(value.shape), "dtype": value.dtype.name,
                           "keras_history": _history(value, kept)}}
    return {"args": [tree.map_structure(tensor_config, arg) for arg in node.args],
            "kwargs": {k: tree.map_structure(tensor_config, v) for k, v in node.kwargs.items()}}


_NOT_YET = object()  # un tensor de un nodo que todavía no se ha vuelto a crear


def _find_tensor(history, created):
    """El tensor [capa, nodo, salida] si ese nodo ya se creó; _NOT_YET si aún no."""
    name, node_index, tensor_index = history[:3]
    if name not in created:
        raise GraphError(f"La configuración del modelo nombra la capa '{name}', que no está entre sus capas.")
    nodes = created[name]._inbound_nodes
    return nodes[node_index].output_tensors[tensor_index] if node_index < len(nodes) else _NOT_YET


def _node_call(node, created):
    """(args, kwargs) para volver a llamar a la capa de un nodo guardado, o None si aún falta algún tensor.

    Admite el formato de Keras 3 ({"args": [...], "kwargs": {...}}) y el de tf.keras 2
    ([[capa, nodo, salida, kwargs], ...]).
    """
    if isinstance(node, dict):
        def resolve(value):
            if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
                return _find_tensor(value["config"]["keras_history"], created)
            return value

        args = [_map_config(resolve, arg) for arg in node.get("args", [])]
        kwargs = {k: _map_config(resolve, v) for k, v in node.get("kwargs", {}).items()}
    else:
        tensors = [_find_tensor(entry, created) for entry in node]
        kwargs = dict(node[0][3]) if node and len(node[0]) > 3 else {}
        args = [tensors[0] if len(tensors) == 1 else tensors]
    if any(leaf is _NOT_YET for leaf in tree.flatten([args, kwargs])):
        return None
    return args, kwargs


def _map_config(function, value):
    """Como tree.map_structure, pero un diccionario de tensor guardado es una hoja."""
    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
        return function(value)
    if isinstance(value, dict):
        return {k: _map_config(function, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_map_config(function, v) for v in value]
    return function(value)


def _tensors_from_config(spec, created):
    if isinstance(spec, dict):
        return {key: _tensors_from_config(value, created) for key, value in spec.items()}
    if spec and isinstance(spec[0], str):  # un solo tensor: [nombre, nodo, salida]
        tensor = _find_tensor(spec, created)
        if tensor is _NOT_YET:
            raise GraphError(f"La configuración del modelo nombra el nodo {spec}, que no existe.")
        return tensor
    return [_tensors_from_config(s, created) for s in spec]

