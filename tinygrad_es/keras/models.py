"""`Sequential`: una pila de capas donde la salida de cada una es la entrada de la siguiente.

    model = Sequential()
    model.add(Input(shape=(784,)))
    model.add(Dense(16, activation='relu'))
    model.add(Dense(10, activation='softmax'))

Este archivo trata la *estructura* del modelo: añadir capas, deducir las formas, llamar al
modelo, sus pesos, `summary()` y guardar. Entrenar (compile/fit/evaluate/predict) está en
`trainer.py`, del que `Sequential` hereda.
"""
import numpy as np

from ..runtime.device import get_default_device
from ..errors import ShapeError, shape_str
from ..tensor import Tensor
from . import layers as layers_module
from .layers.core import InputLayer
from .layers.layer import Layer, reshape_hint
from . import saving
from .names import unique_name
from .saving import load_model
from .summary import print_summary
from .trainer import Trainer


class Sequential(Trainer):
    def __init__(self, layers=None, name=None, trainable=True):
        super().__init__()
        self.name = name or unique_name("Sequential")
        self._trainable = trainable
        self._layers = []  # sin la InputLayer, como model.layers en Keras
        self._input_layer = None
        self.input_spec_shape = None  # (None, ...) cuando se conoce la forma de la entrada
        if isinstance(layers, Layer):
            raise TypeError(
                f"Sequential espera una lista de capas y recibió una sola ({type(layers).__name__}): ponla entre "
                f"corchetes, Sequential([{type(layers).__name__}(...)]), o usa model.add(...)."
            )
        for layer in layers or []:
            self.add(layer)

    # ------------------------------------------------------------ estructura
    def add(self, layer):
        """Añade una capa al final. Si ya se conoce la forma de la entrada, la capa se construye ahora."""
        if isinstance(layer, type) and issubclass(layer, Layer):
            raise TypeError(
                f"Sequential.add recibió la clase {layer.__name__} y no una capa: faltan los paréntesis, "
                f"p. ej. model.add({layer.__name__}(...))."
            )
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add espera una capa, p. ej. Dense(10), y recibió {layer!r}.")
        if isinstance(layer, InputLayer):
            if self._layers or self._input_layer is not None:
                raise ValueError(
                    "Input(...) solo puede ser lo primero del modelo, y este ya tiene capas: ponlo al principio."
                )
            self._input_layer = layer
            self.input_spec_shape = layer.output_shape
            return
        if layer.name in {other.name for other in self._layers}:
            raise ValueError(
                f"El modelo ya tiene una capa llamada '{layer.name}': cada capa necesita un nombre distinto "
                "(no añadas dos veces la misma capa; crea otra)."
            )
        if not self._layers and self._input_layer is None and layer.declared_input_shape is not None:
            self.add(InputLayer(shape=layer.declared_input_shape))
        self._layers.append(layer)
        if not self._trainable:
            layer.trainable = False
        if self.input_spec_shape is not None:
            previous = self._layers[-2].output_shape if len(self._layers) > 1 else self.input_spec_shape
            try:
                layer.build_from_shape(previous)
            except Exception:
                self._layers.pop()  # como Keras: una capa que no encaja no se queda en el modelo
                raise

    def pop(self):
        """Quita la última capa."""
        return self._layers.pop()

    @property
    def layers(self) -> list:
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        if index is not None:
            return self._layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No hay ninguna capa llamada '{name}'; las capas son: {[l.name for l in self._layers]}.")

    @property
    def built(self) -> bool:
        return self.input_spec_shape is not None and all(layer.built for layer in self._layers)

    def build(self, input_shape):
        """Deduce la forma de la salida de cada capa (y crea sus pesos) a partir de la de la entrada."""
        if not self._layers:
            raise ValueError("El modelo no tiene capas todavía: añade alguna con model.add(...) antes de usarlo.")
        self.input_spec_shape = (None,) + tuple(input_shape[1:])
        shape = self.input_spec_shape
        for layer in self._layers:
            shape = layer.build_from_shape(shape)

    @property
    def input_shape(self):
        return self.input_spec_shape

    @property
    def output_shape(self):
        return self._layers[-1].output_shape if self.built else None

    # ------------------------------------------------------------ cálculo
    def __call__(self, inputs, training=False):
        """El modelo como función: model(x) con un Tensor o un array; devuelve un Tensor."""
        return self.forward(self.prepare_inputs(inputs), training)

    def forward(self, x, training=False) -> Tensor:
        """Pasa un lote ya comprobado por todas las capas. Es el bucle de cada paso de fit: sin más."""
        if not isinstance(x, Tensor):
            # con su dtype (un modelo en float64 no debe bajar a float32) y al dispositivo de los pesos
            # (una copia por lote)
            x = Tensor(x, dtype=x.dtype, device=self.device)
        for layer in self._layers:
            x = layer.call(x, training=training)
        return x

    def prepare_inputs(self, inputs):
        """Convierte la entrada al dtype de la primera capa y comprueba su forma una vez (no por lote).

        Con un Tensor que sigue gradientes se devuelve tal cual, para no cortar el grafo.
        """
        if not self._layers:
            raise ValueError("El modelo no tiene capas todavía: añade alguna con model.add(...) antes de usarlo.")
        first = self._layers[0]
        if isinstance(inputs, Tensor) and inputs.requires_grad:
            data = inputs
        else:
            data = inputs.numpy() if isinstance(inputs, Tensor) else np.asarray(inputs)
            if first.casts_input and data.dtype != first.dtype:
                data = data.astype(first.dtype)
        if not self.built:
            self.build(data.shape)
        else:
            self._check_input_shape(data.shape)
        return data

    def _check_input_shape(self, shape):
        expected = self.input_spec_shape
        if len(shape) != len(expected) or any(e is not None and s != e for s, e in zip(shape[1:], expected[1:])):
            first = self._layers[0]
            raise ShapeError(
                f"La primera capa del modelo, {first.name} ({type(first).__name__}), esperaba una entrada de forma "
                f"{shape_str(expected)} y recibió {shape_str(shape)}: {reshape_hint(expected, shape)}."
            )

    # ------------------------------------------------------------ pesos
    @property
    def device(self) -> str:
        """Dónde viven los pesos ('cpu' o 'cuda'): el dispositivo por defecto cuando se construyó el modelo."""
        weights = self.weights
        return weights[0].device if weights else get_default_device()

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        """Congelar el modelo (trainable=False) congela todas sus capas, como en Keras."""
        self._trainable = bool(value)
        for layer in self._layers:
            layer.trainable = value

    @property
    def weights(self) -> list:
        return [w for layer in self._layers for w in layer.weights]

    @property
    def trainable_weights(self) -> list:
        return [w for layer in self._layers for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> list:
        return [w for layer in self._layers for w in layer.non_trainable_weights]

    def get_weights(self) -> list:
        """Copias de todos los pesos, capa a capa, en el orden de Keras (p. ej. [kernel, bias, ...])."""
        return [w for layer in self._layers for w in layer.get_weights()]

    def set_weights(self, weights):
        """Lo contrario de get_weights: una lista de arrays con las mismas formas y el mismo orden."""
        expected = sum(len(layer.weights) for layer in self._layers)
        if len(weights) != expected:
            raise ValueError(
                f"El modelo {self.name} tiene {expected} pesos y set_weights recibió {len(weights)} arrays: "
                "pasa la lista completa, en el orden de model.get_weights()."
            )
        chunks, start = [], 0
        for layer in self._layers:
            chunks.append(weights[start:start + len(layer.weights)])
            start += len(layer.weights)
        for layer, chunk in zip(self._layers, chunks):  # primero se comprueba todo: nada cambia a medias
            layer.check_weights(chunk)
        for layer, chunk in zip(self._layers, chunks):
            layer.set_weights(chunk)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                "El modelo aún no está construido, así que no se sabe cuántos parámetros tiene: empieza con "
                "Input(shape=...) o llama al modelo con un lote de datos."
            )
        return sum(layer.count_params() for layer in self._layers)

    # ------------------------------------------------------------ resumen, configuración y guardado
    def summary(self, line_length=None, positions=None, print_fn=None):
        """Imprime la tabla de Keras 3: capas, formas de salida y número de parámetros."""
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    def get_config(self) -> dict:
        layer_configs = [layers_module.serialize(layer) for layer in self._layers]
        if self.input_spec_shape is not None:
            batch_shape = list(self.input_spec_shape)
            dtype = self._layers[0].dtype.name if self._layers else "float32"
            layer_configs.insert(0, {"class_name": "InputLayer",
                                     "config": {"batch_shape": batch_shape, "dtype": dtype}})
        return {"name": self.name, "trainable": self.trainable, "layers": layer_configs}

    @classmethod
    def from_config(cls, config):
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(layers_module.deserialize(layer_config))
        return model

    def save(self, filepath, overwrite=True):
        """Guarda arquitectura (JSON) y pesos (arrays) en un solo archivo .keras (ver saving.py)."""
        saving.save_model(self, filepath, overwrite=overwrite)

    def save_weights(self, filepath, overwrite=True):
        """Solo los pesos, p. ej. model.save_weights('modelo.weights.h5')."""
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath):
        """Carga pesos guardados con save_weights en un modelo con la misma arquitectura."""
        saving.load_weights(self, filepath)

    def __repr__(self):
        return f"<Sequential name={self.name}, {len(self._layers)} capas>"


__all__ = ["Sequential", "load_model"]
