"""Las capas básicas: Input, Dense, Activation y Masking (Dropout está en regularization.py y
Flatten y Reshape en reshaping.py, como en Keras).

Con ellas se escribe el perceptrón multicapa del curso:

    Sequential([Input(shape=(784,)), Dense(16, activation='relu'), Dropout(0.2), Dense(10, activation='softmax')])
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...tensor import Tensor
from .. import activations, initializers
from ..symbolic import KerasTensor, Node
from .layer import Layer, store_weight_options, weight_extras, weight_options
from ... import validation
from ...validation import integer


class InputLayer(Layer):
    """La entrada del modelo: declara la forma de cada muestra (sin el lote) y su dtype. No calcula nada.

    Al crearse deja su tensor simbólico en `output` (lo que devuelve `keras.Input`), el punto de
    partida de la API funcional.
    """

    fixed_axes = ()

    def __init__(self, shape: tuple | None = None, batch_size: int | None = None, dtype: str | np.dtype | None = None,
                 batch_shape=None, name: str | None = None, sparse=None, ragged=None, optional=False, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        for arg, value in (("sparse", sparse), ("ragged", ragged), ("optional", optional)):
            if value:
                raise ValueError(
                    f"Input: {arg}=True no está disponible en tinygrad_es; las entradas son arrays densos y "
                    "obligatorios: pasa los datos como un array de NumPy (rellena con ceros lo que falte)."
                )
        if batch_shape is None:
            if shape is None:
                raise ValueError("Input necesita la forma de cada muestra, p. ej. Input(shape=(784,)).")
            if batch_size is not None:
                batch_size = validation.integer("Input", "batch_size", batch_size)
            batch_shape = (batch_size,) + validation.shape("Input", "shape", shape)
        else:
            batch_shape = validation.shape("Input", "batch_shape", batch_shape)
        self.batch_shape = tuple(batch_shape)
        self.built = True
        self.input_spec_shape = self.output_shape = (None,) + self.batch_shape[1:]
        Node(self, (), {}, KerasTensor(self.batch_shape, dtype=self.dtype, name=self.name))

    @property
    def shape(self):
        """Como el tensor simbólico de Keras: (None, 784)."""
        return self.batch_shape

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        return inputs

    def get_config(self) -> dict:
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype.name, "sparse": False, "ragged": False,
                "name": self.name, "optional": False}


def Input(shape: tuple | None = None, batch_size: int | None = None, dtype: str | np.dtype | None = None,
          name: str | None = None, batch_shape=None, sparse=None, ragged=None, optional=False) -> KerasTensor:
    """La entrada de un modelo: `Input(shape=(28, 28, 1))` (la forma de una muestra, sin el lote).

    Devuelve un tensor simbólico (KerasTensor): tiene forma, dtype y nombre pero no datos. Sirve
    como primera "capa" de un Sequential o como entrada de un modelo funcional:

        entrada = keras.Input(shape=(784,))
        salida = Dense(10, activation="softmax")(entrada)
        model = keras.Model(entrada, salida)
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape, name=name,
                       sparse=sparse, ragged=ragged, optional=optional)
    return layer.output


class Dense(Layer):
    """Capa densa (totalmente conectada): salida = activación(x · kernel + bias).

    kernel tiene forma (entradas, units) y bias (units,). Con entradas de más de 2 ejes actúa
    sobre el último, como Keras. Parámetros: entradas·units + units.
    """

    min_ndim = 2
    supports_masking = True

    def __init__(self, units: int, activation: str | Callable | None = None, use_bias: bool = True,
                 kernel_initializer: str | Callable = "glorot_uniform", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = integer("Dense", "units", units, meaning="el número de neuronas")
        self.activation = activations.get(activation)
        self.use_bias = validation.flag("Dense", "use_bias", use_bias)
        store_weight_options(self, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                             kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                             kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    def build(self, input_shape: tuple) -> None:
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer=self.kernel_initializer,
                                      name="kernel", **weight_extras(self, "kernel"))
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer, name="bias",
                                        **weight_extras(self, "bias"))

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        out = inputs @ self.kernel
        if self.use_bias:
            out = out + self.bias
        return self.activation(out)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> dict:
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                **weight_options(self, "kernel", "bias")}


class Activation(Layer):
    """Aplica una función de activación elemento a elemento: `Activation('softmax')`."""

    fixed_axes = ()
    supports_masking = True

    def __init__(self, activation: str | Callable | None, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        return self.activation(inputs)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Masking(Layer):
    """Marca como relleno los pasos cuyos rasgos valen todos `mask_value` y los pone a 0.

    Con secuencias (lote, pasos, rasgos) rellenadas hasta la misma longitud, la máscara
    (lote, pasos) que crea hace que las capas recurrentes salten esos pasos (el estado pasa
    sin cambios) y que GlobalAveragePooling1D no los cuente.
    """

    fixed_axes = ()
    supports_masking = True

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = validation.number("Masking", "mask_value", mask_value, meaning="el valor de relleno")

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        keep = np.broadcast_to(self.compute_mask(inputs)[..., None], inputs.shape)
        return Tensor.where(keep, inputs, 0.0)

    def compute_mask(self, inputs: Tensor, mask: Tensor | np.ndarray | None = None) -> np.ndarray | None:
        """(lote, pasos): True donde algún rasgo es distinto de mask_value (un paso real)."""
        values = inputs.numpy() if isinstance(inputs, Tensor) else np.asarray(inputs)
        return (values != self.mask_value).any(axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}
