"""`Model`: la base de los tres modelos de Keras, el secuencial, el funcional y el subclase.

    model = keras.Model(entradas, salidas)             # funcional (functional.py)

    class MiModelo(keras.Model):                        # subclase: capas en __init__, cuentas en call
        def __init__(self):
            super().__init__()
            self.oculta = Dense(64, activation="relu")
            self.salida = Dense(10)

        def call(self, x, training=False):
            return self.salida(self.oculta(x))

Un modelo es una capa (`Layer`): sus pesos son los de sus subcapas, se llama como una función,
se congela con `trainable = False` y cabe dentro de otro modelo. Además sabe entrenarse
(`Trainer`: compile, fit, evaluate, predict). Aquí está lo que comparten los tres: convertir los
datos al llamarlo, sus capas, `summary()`, guardar y cargar.

En un modelo subclase las capas se descubren solas entre los atributos (también en listas y
diccionarios), en el orden en que se asignaron, como en Keras. Las máscaras no viajan solas
entre las capas de un `call` escrito a mano: pásalas como en Keras,
`mascara = self.embedding.compute_mask(x); self.lstm(h, mask=mascara)`.
"""
from __future__ import annotations

import os

import numpy as np

from ...autograd import no_grad
from ...runtime.device import get_default_device
from ...tensor import Tensor
from ...validation import numeric_array
from .. import saving, tree
from ..data_adapters import cast_input
from ..layers.layer import Layer, fixed_during_loop, free_batch
from ..summary import print_summary
from ..symbolic import is_symbolic, map_shapes
from ..trainer import Trainer


class Model(Trainer, Layer):
    """Un modelo: una capa que se entrena. `keras.Model(entradas, salidas)` crea uno funcional."""

    # ¿keras.Model(entradas, salidas) (o una subclase llamada así) construye un modelo funcional?
    # Sequential y Functional tienen su propio __init__ y no pasan por aquí.
    _accepts_functional_init = True

    def __new__(cls, *args, **kwargs):
        if cls._accepts_functional_init and _functional_arguments(args, kwargs):
            from .functional import functional_class  # aquí: functional importa este módulo

            cls = functional_class(cls)
        return object.__new__(cls)

    def __init__(self, name: str | None = None, trainable: bool = True, dtype: str | np.dtype | None = None, **kwargs):
        Trainer.__init__(self)
        Layer.__init__(self, name=name, trainable=trainable, dtype=dtype, **kwargs)

    # ------------------------------------------------------------ capas
    @property
    def layers(self) -> list:
        """Las capas del modelo (en uno subclase, las de sus atributos, en orden de asignación)."""
        return self._sublayers()

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"get_layer(index={index}): el modelo tiene {len(layers)} capas (de 0 a "
                                 f"{len(layers) - 1}).")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No hay ninguna capa llamada '{name}'; las capas son: {[l.name for l in layers]}.")

    @property
    def device(self) -> str:
        """Dónde viven los pesos ('cpu' o 'cuda'): el dispositivo por defecto cuando se construyó el modelo."""
        weights = fixed_during_loop(self, "weights", lambda: self.weights)
        return weights[0].device if weights else get_default_device()

    def zero_grad(self) -> None:
        """Borra los gradientes de todos los pesos (w.grad = None), antes de un nuevo backward()."""
        for w in self.weights:
            w.grad = None

    def _weight_count_message(self, received) -> str:
        return (f"El modelo {self.name} tiene {len(self.weights)} pesos y set_weights recibió {received} arrays: "
                "pasa la lista completa, en el orden de model.get_weights().")

    def check_data(self, x):
        """Comprueba las formas de todos los datos de fit/evaluate/predict una vez, antes de cortarlos."""

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                "El modelo aún no está construido, así que no se sabe cuántos parámetros tiene: empieza con "
                "Input(shape=...) o llama al modelo con un lote de datos."
            )
        return sum(w.size for w in self.weights)

    # ------------------------------------------------------------ llamada
    def __call__(self, inputs: Tensor, training: bool | None = None, mask: Tensor | np.ndarray | None = None, **kwargs):
        """El modelo como función: model(x) con arrays o Tensors (o listas y diccionarios de ellos)."""
        if is_symbolic(inputs, kwargs):
            return Layer.__call__(self, inputs, training=training, mask=mask, **kwargs)
        inputs = self.prepare_inputs(inputs)
        outputs = self.run_call(inputs, training, mask, kwargs)
        if not self.built:  # un modelo subclase queda construido tras su primera llamada, como en Keras
            self._mark_called(tree.map_structure(lambda t: t.shape, inputs))
        return outputs

    def prepare_inputs(self, inputs: Tensor):
        """Los datos de una llamada, listos para `call`: Tensors en el dispositivo de los pesos, con
        los números reales (y los booleanos) en el dtype de su entrada. Un Tensor con grafo no se corta.
        Un modelo subclase con su propio build() se construye aquí la primera vez."""
        inputs = self.standardize_data(plain_lists_as_arrays(inputs))
        targets = iter(self.input_dtypes(inputs))
        device = self.device
        owner = f"{self.name} ({type(self).__name__})"
        inputs = tree.map_structure(lambda x: _to_tensor(x, next(targets), device, owner), inputs)
        if not self.built and _overrides(self, "build"):
            self.build(tree.map_structure(lambda t: t.shape, inputs))
        return inputs

    def standardize_data(self, inputs: Tensor):
        """Los datos con la estructura que espera `call` (un modelo funcional los ordena por entrada)."""
        return inputs

    def input_dtypes(self, inputs: Tensor) -> list:
        """El dtype al que se convierte cada entrada, en el orden de tree.flatten (None: no se toca)."""
        return [self.dtype] * len(tree.flatten(inputs))

    def cast_batch(self, inputs: Tensor):
        """Un lote de arrays de NumPy recién cortado, con cada entrada en su dtype (ver data_adapters)."""
        if isinstance(inputs, np.ndarray):  # lo de cada paso con una sola entrada: sin recorrer estructuras
            return cast_input(inputs, self.input_dtypes([inputs])[0])
        inputs = self.standardize_data(plain_lists_as_arrays(inputs))
        flat = tree.flatten(inputs)
        return tree.pack_sequence_as(inputs, [cast_input(np.asarray(a), d)
                                              for a, d in zip(flat, self.input_dtypes(inputs))])

    def _mark_called(self, input_shape):
        self._build_input_shape = input_shape
        self.input_spec_shape = map_shapes(free_batch, input_shape)
        self.built = True

    def build(self, input_shape: tuple) -> None:
        """Construye un modelo subclase llamándolo una vez con ceros de esa forma (None -> 1), como Keras."""
        if not _overrides(self, "call"):
            return
        dummy = map_shapes(lambda s: np.zeros([1 if d is None else d for d in s], dtype=self.dtype), input_shape)
        with no_grad():
            self(dummy)

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        raise NotImplementedError(
            f"El modelo {type(self).__name__} no define call: en un modelo subclase escribe "
            "def call(self, x, training=False) con las cuentas (o crea uno funcional con keras.Model(entradas, "
            "salidas))."
        )

    def check_input_shape(self, shape: tuple):
        """Un modelo subclase no fija la forma de sus entradas (su call decide qué acepta)."""

    def _check_ndim(self, shape):
        pass

    # ------------------------------------------------------------ resumen y configuración
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False, show_trainable=False,
                layer_range=None) -> None:
        """Imprime la tabla de Keras 3: capas, formas de salida y número de parámetros."""
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    def get_config(self) -> dict:
        if type(self).get_config is Model.get_config:
            raise NotImplementedError(
                f"El modelo subclase {type(self).__name__} no sabe describirse para reconstruirse: define "
                "get_config() (los argumentos de su __init__) y from_config(), o guarda solo los pesos con "
                "model.save_weights('pesos.weights.h5') y vuelve a crear el modelo con tu clase."
            )
        return super().get_config()

    @classmethod
    def from_config(cls, config: dict, **kwargs):
        """Una configuración funcional (con `input_layers`) da un modelo funcional, como en Keras."""
        if "input_layers" in config and "layers" in config:
            from .functional import functional_class

            return functional_class(cls).from_config(config, **kwargs)
        return cls(**config)

    def save(self, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        """Guarda arquitectura, pesos y compile en un solo archivo .keras (ver saving.py)."""
        saving.save_model(self, filepath, overwrite=overwrite)

    def save_weights(self, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        """Solo los pesos, p. ej. model.save_weights('modelo.weights.h5')."""
        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath: str | os.PathLike) -> None:
        """Carga pesos guardados con save_weights en un modelo con la misma arquitectura."""
        saving.load_weights(self, filepath)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, {len(self.layers)} capas>"


def _functional_arguments(args, kwargs) -> bool:
    """¿Se llamó como keras.Model(inputs, outputs)? (Las mismas reglas que Keras.)"""
    return (len(args) == 2 or (len(args) == 1 and "outputs" in kwargs)
            or ("inputs" in kwargs and "outputs" in kwargs))


def plain_lists_as_arrays(data):
    """Una lista de números ([[0.1, 0.2]]) es un array de datos, no varias entradas: se convierte.
    Una lista o diccionario que contiene arrays (o Tensors) es una estructura de varias entradas."""
    if isinstance(data, (list, tuple)) and not any(isinstance(leaf, (np.ndarray, Tensor))
                                                   for leaf in tree.flatten(data)):
        return np.asarray(data)
    return data


def _overrides(model, method: str) -> bool:
    """¿La clase del modelo (o una intermedia escrita por el usuario) redefine este método de Model?"""
    return getattr(type(model), method) is not getattr(Model, method)


def _to_tensor(x, dtype, device, owner: str) -> Tensor:
    """Un dato de entrada como Tensor, convertido como en data_adapters.cast_input (solo números: ver validation)."""
    if isinstance(x, Tensor):
        if x.requires_grad or cast_input(np.empty(0, x.dtype), dtype).dtype == x.dtype:
            return x
        return Tensor(x.data, dtype=dtype)
    data = cast_input(numeric_array(owner, "inputs", x), dtype)
    return Tensor(data, dtype=data.dtype, device=device)
