"""La API funcional por dentro: tensores simbólicos (`KerasTensor`) y nodos (`Node`).

    entrada = keras.Input(shape=(784,))              # un KerasTensor: forma (None, 784), sin datos
    oculta = Dense(64, activation="relu")(entrada)   # llamar a una capa con él anota un Node
    salida = Dense(10)(oculta)
    model = keras.Model(entrada, salida)              # recorre los nodos de la salida a la entrada

Llamar a una capa con un KerasTensor no calcula nada: construye la capa con esa forma, deduce
la forma de la salida (`compute_output_shape`) y anota en un `Node` qué capa se llamó con qué.
Cada KerasTensor recuerda el nodo que lo produjo (`_keras_history`: capa, número de nodo y de
salida), así el modelo puede recorrer el grafo hacia atrás desde sus salidas.

Aquí está también el valor de `training` de la llamada en curso: una capa llamada sin
`training=` dentro de otra (p. ej. en el `call` de un modelo subclase) hereda el de fuera, como
en Keras.
"""
from __future__ import annotations

import contextlib
from collections import namedtuple

import numpy as np

from . import tree
from ..validation import flag
from .names import unique_name

History = namedtuple("History", ["operation", "node_index", "tensor_index"])

_OPERATION_HINT = (
    "en la API funcional de tinygrad_es los tensores se combinan con capas: keras.layers.Add()([a, b]), "
    "Subtract, Multiply, Average, Maximum, Minimum, Concatenate o Dot; para otra cuenta escribe una capa "
    "propia (class MiCapa(keras.layers.Layer) con su call) y llámala sobre el tensor"
)


class KerasTensor:
    """Lo que `keras.Input` y las capas devuelven en la API funcional: forma, dtype y nombre, sin datos."""

    def __init__(self, shape, dtype="float32", name: str | None = None):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.name = name or unique_name("KerasTensor")
        self._keras_history = None  # History(capa, nodo, salida) que lo produjo

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self):
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype.name}, sparse=False, ragged=False, "
                f"name={self.name}>")

    def __array__(self, *args, **kwargs):
        raise TypeError(
            f"El tensor simbólico '{self.name}' no tiene valores: solo describe la forma {self.shape} de lo que "
            "llegará. Construye el modelo con keras.Model(entradas, salidas) y llámalo con datos (model(x) o "
            "model.predict(x))."
        )

    def _operation(self, *args, **kwargs):
        raise TypeError(f"No se puede operar directamente con el tensor simbólico '{self.name}': {_OPERATION_HINT}.")

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _operation
    __matmul__ = __rmatmul__ = __pow__ = __neg__ = __getitem__ = _operation


class Node:
    """Una llamada a una capa dentro del grafo: la capa, con qué se llamó y qué salió de ella."""

    def __init__(self, layer, args: tuple, kwargs: dict, outputs):
        self.layer = layer
        self.args, self.kwargs = args, kwargs
        self.input_tensors = [t for t in tree.flatten([list(args), kwargs]) if isinstance(t, KerasTensor)]
        self.outputs = outputs  # un KerasTensor o una lista (una capa con varias salidas)
        self.output_tensors = tree.flatten(outputs)
        index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, tensor in enumerate(self.output_tensors):
            tensor._keras_history = History(layer, index, i)

    @property
    def parent_nodes(self) -> list:
        """Los nodos que produjeron las entradas de este."""
        return [node_of(t) for t in self.input_tensors]

    @property
    def is_input(self) -> bool:
        return not self.input_tensors

    def __repr__(self):
        return f"<Node {self.layer.name}[{self.layer._inbound_nodes.index(self)}]>"


def node_of(tensor: KerasTensor) -> Node:
    layer, node_index, _ = tensor._keras_history
    return layer._inbound_nodes[node_index]


def is_symbolic(*structures) -> bool:
    """¿Hay algún KerasTensor en estos argumentos? Entonces la llamada es simbólica."""
    return any(isinstance(leaf, KerasTensor) for s in structures for leaf in tree.flatten(s))


def symbolic_call(layer, inputs, kwargs: dict):
    """`layer(KerasTensor)`: construye la capa con la forma, deduce la de salida y anota el nodo."""
    if isinstance(inputs, tuple):
        inputs = list(inputs)
    for leaf in tree.flatten(inputs):
        if not isinstance(leaf, KerasTensor):
            raise TypeError(
                f"{layer.name} ({type(layer).__name__}) recibió a la vez tensores simbólicos (de keras.Input) y "
                f"un valor concreto ({type(leaf).__name__}): en la API funcional todas las entradas deben salir de "
                "keras.Input o de otras capas. Para una constante, crea un Input más y pásala como dato."
            )
    input_shape = tree.map_structure(lambda t: t.shape, inputs)
    output_shape = layer.build_from_shape(input_shape)
    outputs = map_shapes(lambda shape: KerasTensor(shape, dtype=layer.dtype), output_shape)
    Node(layer, (inputs,), dict(kwargs), outputs)
    return outputs


def is_shape(value) -> bool:
    return isinstance(value, tuple) and all(d is None or isinstance(d, (int, np.integer)) for d in value)


def map_shapes(function, shapes):
    """Como tree.map_structure, pero cada forma (una tupla de enteros o None) es una hoja."""
    if is_shape(shapes):
        return function(shapes)
    if isinstance(shapes, dict):
        return {key: map_shapes(function, value) for key, value in shapes.items()}
    return [map_shapes(function, s) for s in shapes]


def flatten_shapes(shapes) -> list:
    """Las formas de una estructura de formas, en el orden en que las recorre map_shapes."""
    flat = []
    map_shapes(flat.append, shapes)
    return flat


def trace_output_shape(layer, input_shape):
    """La forma de la salida de una capa que no la declara: se llama con ceros, dos veces.

    Los ejes libres (None, como el lote) se prueban con tamaño 2 y con 3: los ejes de la salida
    que cambian entre las dos llamadas dependen de ellos y quedan libres (None).
    Es lo que hace Keras 3 con las capas propias que no definen compute_output_shape.
    """
    from ..autograd import no_grad  # aquí: autograd importa el paquete de tensores, que no depende de keras
    from ..tensor import Tensor

    dtype = layer.dtype if getattr(layer, "casts_input", True) else np.int64
    traced = []
    for size in (2, 3):
        dummy = map_shapes(lambda s: Tensor(np.zeros([size if d is None else d for d in s], dtype=dtype)),
                           input_shape)
        with no_grad():
            out, _ = layer.call_with_mask(dummy, training=False)
        traced.append(tree.map_structure(lambda t: tuple(t.shape), out))
    second = iter(flatten_shapes(traced[1]))
    return map_shapes(lambda s: tuple(a if a == b else None for a, b in zip(s, next(second))), traced[0])


# ---------------------------------------------------------------- training de la llamada en curso
_training_stack: list = []


def resolve_training(explicit) -> bool:
    """training=True/False si se pasa; si no, el de la llamada que la contiene (False fuera de todas)."""
    if explicit is not None:
        return flag("la llamada a la capa o al modelo", "training", explicit)
    return _training_stack[-1] if _training_stack else False


def in_call() -> bool:
    """¿Estamos dentro de la llamada a una capa o un modelo? (Si no, la que empieza es la de fuera.)"""
    return bool(_training_stack)


@contextlib.contextmanager
def training_context(training: bool):
    _training_stack.append(training)
    try:
        yield
    finally:
        _training_stack.pop()
