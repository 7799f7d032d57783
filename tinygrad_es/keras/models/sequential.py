"""`Sequential`: una pila de capas donde la salida de cada una es la entrada de la siguiente.

    model = Sequential()
    model.add(Input(shape=(784,)))
    model.add(Dense(16, activation='relu'))
    model.add(Dense(10, activation='softmax'))

Cuando se conoce la forma de la entrada (con `Input` o tras la primera llamada), cada capa se
añade llamándola sobre el tensor simbólico de la anterior, como una cadena funcional: así se
construye con la forma justa, y `layer.output`/`model.inputs` sirven para sacar las salidas
intermedias con `keras.Model(model.inputs, model.layers[0].output)`, como en Keras.
"""
from __future__ import annotations

import numpy as np

from ...errors import ShapeError, shape_str
from .. import layers as layers_module
from ..layers.core import InputLayer
from ..layers.layer import Layer, reshape_hint
from ..names import unique_name
from ..symbolic import KerasTensor, resolve_training
from .model import Model, plain_lists_as_arrays
from ...tensor import Tensor


class Sequential(Model):
    _accepts_functional_init = False

    def __init__(self, layers: list | None = None, trainable: bool = True, name: str | None = None):
        super().__init__(name=name, trainable=trainable)
        self._adding_initial_layers = False
        self._layers = []  # sin la InputLayer, como model.layers en Keras
        self._input_layer = None
        self._output_tensor = None  # el KerasTensor que sale de la última capa, si se conoce la entrada
        if isinstance(layers, Layer):
            raise TypeError(
                f"Sequential espera una lista de capas y recibió una sola ({type(layers).__name__}): ponla entre "
                f"corchetes, Sequential([{type(layers).__name__}(...)]), o usa model.add(...)."
            )
        self._adding_initial_layers = True
        for layer in layers or []:
            self.add(layer)
        self._adding_initial_layers = False
        self._count_chain()

    # ------------------------------------------------------------ estructura
    def add(self, layer: Layer) -> None:
        """Añade una capa al final. Si ya se conoce la forma de la entrada, la capa se construye ahora."""
        if isinstance(layer, KerasTensor) and isinstance(layer._keras_history.operation, InputLayer):
            layer = layer._keras_history.operation  # keras.Input(...) dentro de un Sequential: su InputLayer
        if isinstance(layer, type) and issubclass(layer, Layer):
            raise TypeError(
                f"Sequential.add recibió la clase {layer.__name__} y no una capa: faltan los paréntesis, "
                f"p. ej. model.add({layer.__name__}(...))."
            )
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add espera una capa, p. ej. Dense(10), y recibió {layer!r}.")
        if isinstance(layer, InputLayer):
            self._set_input_layer(layer)
            return
        if layer.name in {other.name for other in self._layers}:
            raise ValueError(
                f"El modelo ya tiene una capa llamada '{layer.name}': cada capa necesita un nombre distinto "
                "(no añadas dos veces la misma capa; crea otra)."
            )
        if not self._layers and self._input_layer is None and layer.declared_input_shape is not None:
            self._set_input_layer(InputLayer(shape=layer.declared_input_shape))
        self._layers.append(layer)
        if not self.trainable:
            layer.trainable = False
        if self._output_tensor is not None:
            try:
                self._output_tensor = layer(self._output_tensor)
            except Exception:
                self._layers.pop()  # como Keras: una capa que no encaja no se queda en el modelo
                raise
            self.output_shape = layer.output_shape
            if not self._adding_initial_layers:
                self._count_chain()

    def _count_chain(self):
        """Keras rehace por dentro un modelo funcional cada vez que la cadena cambia con la entrada
        conocida, y cada uno gasta un nombre: así el siguiente keras.Model se llama igual que allí
        ('functional_1', 'functional_4'...)."""
        if self._output_tensor is not None and self._layers:
            unique_name("Functional")

    def _set_input_layer(self, layer: InputLayer):
        if self._layers or self._input_layer is not None:
            raise ValueError(
                "Input(...) solo puede ser lo primero del modelo, y este ya tiene capas: ponlo al principio."
            )
        self._input_layer = layer
        self._output_tensor = layer.output
        self.input_spec_shape = layer.output_shape
        self.built = True
        self.output_shape = self.input_spec_shape

    def pop(self) -> Layer:
        """Quita la última capa."""
        if not self._layers:
            raise IndexError(f"El modelo {self.name} no tiene capas que quitar: pop() quita la última capa añadida.")
        layer = self._layers.pop()
        if self._input_layer is not None:
            self._rebuild_chain()
            self._count_chain()
        return layer

    def _rebuild_chain(self):
        self._output_tensor = self._input_layer.output
        self.output_shape = self.input_spec_shape = self._input_layer.output_shape
        for layer in self._layers:
            self._output_tensor = layer(self._output_tensor)
            self.output_shape = layer.output_shape

    @property
    def layers(self) -> list:
        return list(self._layers)

    def build(self, input_shape: tuple | None = None) -> None:
        """Deduce la forma de la salida de cada capa (y crea sus pesos) a partir de la de la entrada."""
        if not self._layers:
            raise ValueError("El modelo no tiene capas todavía: añade alguna con model.add(...) antes de usarlo.")
        if self._input_layer is None:
            dtype = self._layers[0].dtype if self._layers[0].casts_input else None
            self._input_layer = InputLayer(batch_shape=(None,) + tuple(input_shape[1:]), dtype=dtype)
            self._rebuild_chain()
            self._count_chain()

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        shape = input_shape
        for layer in self._layers:
            shape = layer.compute_output_shape(shape)
        return shape

    @property
    def input_shape(self):
        return self.input_spec_shape

    @property
    def inputs(self) -> list:
        return [self._input_layer.output] if self._input_layer is not None else None

    @property
    def outputs(self) -> list:
        return [self._output_tensor] if self._input_layer is not None else None

    @property
    def input(self):
        return self._input_layer.output if self._input_layer is not None else super().input

    @property
    def output(self):
        return self._output_tensor if self._input_layer is not None else super().output

    @property
    def output_names(self) -> list:
        return [self._layers[-1].name] if self._layers else []

    # ------------------------------------------------------------ cálculo
    def prepare_inputs(self, inputs: Tensor):
        """Convierte la entrada al dtype de la primera capa y comprueba su forma (o construye el modelo)."""
        if not self._layers:
            raise ValueError("El modelo no tiene capas todavía: añade alguna con model.add(...) antes de usarlo.")
        inputs = plain_lists_as_arrays(inputs)
        self._check_one_input(inputs)
        inputs = super().prepare_inputs(inputs)  # construye el modelo con la primera llamada
        self.check_input_shape(inputs.shape)
        return inputs

    def input_dtypes(self, inputs: Tensor) -> list:
        first = self._layers[0] if self._layers else None
        return [first.dtype if first is not None and first.casts_input else None]

    def check_data(self, x):
        self._check_one_input(x)
        if self.built:
            self.check_input_shape(x.shape)

    def _check_one_input(self, inputs) -> None:
        if isinstance(inputs, (list, tuple, dict)):
            what = "un diccionario" if isinstance(inputs, dict) else f"una {'tupla' if isinstance(inputs, tuple) else 'lista'}"
            raise ShapeError(
                f"El modelo {self.name} (Sequential) tiene una sola entrada y recibió {what} de {len(inputs)} "
                "arrays: pasa un solo array (si son rasgos de cada muestra, júntalos con np.concatenate(..., axis=-1); "
                "para varias entradas usa un modelo funcional, keras.Model(entradas, salidas))."
            )

    def check_input_shape(self, shape: tuple):
        expected = self.input_spec_shape
        if len(shape) != len(expected) or any(e is not None and s != e for s, e in zip(shape[1:], expected[1:])):
            first = self._layers[0]
            raise ShapeError(
                f"La primera capa del modelo, {first.name} ({type(first).__name__}), esperaba una entrada de forma "
                f"{shape_str(expected)} y recibió {shape_str(shape)}: {reshape_hint(expected, shape)}."
            )

    def _check_ndim(self, shape):
        if not isinstance(shape, tuple):
            raise ShapeError(f"El modelo {self.name} (Sequential) tiene una sola entrada y recibió {len(shape)}.")

    def call(self, inputs: Tensor, training: bool | None = None, mask: Tensor | np.ndarray | None = None) -> Tensor:
        return self.call_with_mask(inputs, training, mask)[0]

    def call_with_mask(self, inputs: Tensor, training: bool, mask: Tensor | np.ndarray | None = None, **kwargs):
        """Pasa la entrada por todas las capas; la máscara de cada una llega a la siguiente."""
        training = resolve_training(training)
        x = inputs
        for layer in self._layers:
            x, mask = layer.call_with_mask(x, training, mask)
        return x, mask

    # ------------------------------------------------------------ configuración
    def get_config(self) -> dict:
        layer_configs = [layers_module.serialize(layer) for layer in self._layers]
        if self._input_layer is not None:
            layer_configs.insert(0, layers_module.serialize(self._input_layer))
        return {"name": self.name, "trainable": self.trainable, "layers": layer_configs}

    @classmethod
    def from_config(cls, config: dict):
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(layers_module.deserialize(layer_config))
        return model

    def __repr__(self):
        return f"<Sequential name={self.name}, {len(self._layers)} capas>"

