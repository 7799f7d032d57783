"""Capas recurrentes: SimpleRNN, LSTM y GRU, sobre secuencias (lote, pasos, rasgos).

Las tres recorren la secuencia paso a paso guardando un estado (h; la LSTM además c), con los
pesos de Keras: `kernel` (rasgos, k·u) para la entrada, `recurrent_kernel` (u, k·u) para el
estado y `bias`, con k = 1, 4 o 3 puertas. Qué se devuelve y cómo:

- return_sequences=False: solo la última salida (lote, u); True: todas (lote, pasos, u).
- return_state=True: además los estados finales: [salida, h] (LSTM: [salida, h, c]).
- `layer(x, initial_state=[h0, c0])`: el estado inicial (por defecto, ceros).
- mask (de Embedding(mask_zero=True) o Masking): en un paso enmascarado el estado pasa sin
  cambios y la salida repite la anterior (zero_output_for_mask=True: da ceros).
- go_backwards=True: recorre la secuencia al revés (y devuelve las salidas en ese orden).
- stateful=True: el estado final de un lote es el inicial del siguiente; `reset_states()` lo
  vuelve a poner a cero. El tamaño del lote queda fijado por el primer lote.
- dropout: anula rasgos de la entrada (la misma máscara en todos los pasos, como Keras);
  recurrent_dropout: anula unidades del estado antes de multiplicarlo por recurrent_kernel.

El recorrido lo hacen `nn.functional.simple_rnn`, `lstm` y `gru` (kernels fusionados, con
máscaras y GRU de los dos tipos). Lo que esos kernels no tienen (recurrent_dropout, activaciones
que no sean tanh y sigmoid) va por `recurrent_steps.py`, un bucle paso a paso con operaciones de
Tensor: más lento, pero con las ecuaciones a la vista y el gradiente gratis.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ...errors import ShapeError, shape_str
from ...nn import functional as F
from ...random import dropout_mask
from ...tensor import Tensor
from .. import activations, initializers
from . import recurrent_steps
from .layer import Layer, mask_array, store_weight_options, weight_extras, weight_options
from ...validation import flag, integer, number


class RNN(Layer):
    """Lo común a las tres: argumentos, pesos, estados, máscaras, dropout y formas de salida."""

    input_ndim = 3
    supports_masking = True
    gates = 1
    state_count = 1

    def __init__(self, units: int, activation: str | Callable | None = "tanh",
                 recurrent_activation: str | Callable | None = "sigmoid", use_bias: bool = True,
                 kernel_initializer: str | Callable = "glorot_uniform",
                 recurrent_initializer: str | Callable = "orthogonal", bias_initializer: str | Callable = "zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask=False, seed: int | None = None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name = type(self).__name__
        self.units = integer(name, "units", units, meaning="el tamaño del estado")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = flag(name, "use_bias", use_bias)
        store_weight_options(self, kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                             bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                             recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                             kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                             bias_constraint=bias_constraint)
        # Keras recorta a [0, 1] en silencio; aquí -0.2 o 1.5 son un error (1 equivale a no usar dropout, como en
        # Keras: ver _dropout_masks).
        self.dropout = number(name, "dropout", dropout, 0, 1)
        self.recurrent_dropout = number(name, "recurrent_dropout", recurrent_dropout, 0, 1)
        self.return_sequences, self.return_state, self.go_backwards, self.stateful = (
            flag(name, arg, value) for arg, value in (("return_sequences", return_sequences), ("return_state", return_state),
                                                     ("go_backwards", go_backwards), ("stateful", stateful)))
        self.zero_output_for_mask = zero_output_for_mask
        # unroll (desenrollar el bucle) no cambia nada aquí y seed no se usa (el azar sale del generador
        # global, keras.utils.set_random_seed): se aceptan y se guardan para que el código de Keras funcione.
        self.unroll, self.seed = unroll, seed
        self.states = None  # los estados que guarda una capa stateful entre lotes

    def axes_description(self):
        return "(lote, pasos de tiempo, rasgos)"

    def ndim_hint(self, shape: tuple):
        if len(shape) == 2:
            return ("una serie con un solo rasgo por paso necesita su eje: usa x.reshape(len(x), -1, 1); "
                    "una sola secuencia, x.reshape(1, pasos, rasgos)")
        return "revisa la forma de los datos y la de Input(shape=(pasos, rasgos))"

    def bias_shape(self):
        return (self.gates * self.units,)

    def build(self, input_shape: tuple) -> None:
        u = self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], self.gates * u), initializer=self.kernel_initializer,
                                      name="kernel", **weight_extras(self, "kernel"))
        self.recurrent_kernel = self.add_weight(shape=(u, self.gates * u), initializer=self.recurrent_initializer,
                                                name="recurrent_kernel", **weight_extras(self, "recurrent"))
        if self.use_bias:
            self.bias = self.add_weight(shape=self.bias_shape(), initializer=self.bias_initializer, name="bias",
                                        **weight_extras(self, "bias"))

    # ------------------------------------------------------------ la llamada
    def call(self, sequences, initial_state: list | None = None, mask: Tensor | np.ndarray | None = None,
             training: bool = False) -> Tensor:
        batch = sequences.shape[0]
        states = self._initial_states(initial_state, batch, sequences)
        if mask is not None:
            mask = self._check_mask(mask, sequences.shape)
        if self.go_backwards:
            sequences = sequences[:, ::-1]
            mask = None if mask is None else mask[:, ::-1]
        input_masks, recurrent_masks = self._dropout_masks(batch, sequences.shape[2], training)
        bias = self.bias if self.use_bias else Tensor.zeros(*self.bias_shape(), dtype=self.dtype,
                                                             device=sequences.device)
        if recurrent_masks is not None or not self.fused_available():
            outputs, states = recurrent_steps.run(self, sequences, states, mask, bias, input_masks, recurrent_masks)
        else:
            if input_masks is not None:  # la misma máscara en todos los pasos: se aplica a la secuencia entera
                sequences = sequences * Tensor(input_masks[0][:, None, :], dtype=sequences.dtype,
                                               device=sequences.device)
            outputs, *states = self.run(sequences, states, bias, mask, self.return_sequences)
            if not self.return_sequences:  # solo la última salida (ver ops/recurrent.py): (N, 1, u), como outputs[:, -1:]
                outputs = outputs.reshape(batch, 1, self.units)
        if mask is not None and self.zero_output_for_mask:
            outputs = outputs * Tensor(mask[:, -outputs.shape[1]:, None], dtype=outputs.dtype, device=outputs.device)
        if self.stateful:
            self.states = [Tensor(s.data.copy(), dtype=s.dtype) for s in states]  # sin gradiente entre lotes
        output = outputs if self.return_sequences else outputs[:, -1]
        return [output, *states] if self.return_state else output

    def fused_available(self) -> bool:
        """¿Calculan los kernels fusionados esta configuración? Solo tienen tanh y sigmoid, las de Keras."""
        return self.activation is activations.tanh and self.recurrent_activation is activations.sigmoid

    def run(self, inputs: Tensor, states, bias, mask, return_sequences: bool):  # pragma: no cover - cada subclase
        """(todas las salidas o solo la última, estado final h[, c]) con el kernel fusionado de nn.functional."""
        raise NotImplementedError

    def step(self, x_t: Tensor, states, bias, input_masks, recurrent_masks):  # pragma: no cover - cada subclase
        """Un paso con operaciones de Tensor (ver recurrent_steps.py): los estados nuevos, h primero."""
        raise NotImplementedError

    # ------------------------------------------------------------ estados, máscaras y dropout
    def _initial_states(self, initial_state, batch, sequences):
        """Los estados iniciales: los pasados, los guardados (stateful) o None (= ceros)."""
        if initial_state is None:
            if not self.stateful:
                return [None] * self.state_count
            if self.states is None:
                self.states = [Tensor.zeros(batch, self.units, dtype=self.dtype, device=sequences.device)
                               for _ in range(self.state_count)]
            if self.states[0].shape[0] != batch:
                raise ValueError(
                    f"{self.name} ({type(self).__name__}) es stateful y guarda el estado de un lote de "
                    f"{self.states[0].shape[0]} secuencias, pero recibió un lote de {batch}: usa siempre el mismo "
                    "batch_size (y un número de muestras múltiplo de él), como pide Keras."
                )
            initial_state = self.states
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        names = "[h, c]" if self.state_count == 2 else "[h]"
        if len(states) != self.state_count:
            raise ValueError(
                f"{self.name} ({type(self).__name__}): initial_state debe tener {self.state_count} estado(s) "
                f"{names} y tiene {len(states)}."
            )
        states = [s if isinstance(s, Tensor) else Tensor(s, dtype=self.dtype) for s in states]
        for s in states:
            if tuple(s.shape) != (batch, self.units):
                raise ShapeError(
                    f"{self.name} ({type(self).__name__}): cada estado inicial debe tener forma (lote, units) = "
                    f"{shape_str((batch, self.units))} y llegó uno de forma {shape_str(s.shape)}."
                )
        return states

    def reset_states(self) -> None:
        """Vuelve a poner a cero los estados de una capa stateful (p. ej. al empezar otra secuencia)."""
        if self.states is not None:
            for s in self.states:
                s.assign(0)

    reset_state = reset_states

    def _check_mask(self, mask, shape) -> np.ndarray:
        mask = mask_array(mask)
        if mask.shape != tuple(shape[:2]):
            raise ShapeError(
                f"{self.name} ({type(self).__name__}): la máscara debe tener forma (lote, pasos) = "
                f"{shape_str(shape[:2])} y tiene {shape_str(mask.shape)}."
            )
        return mask

    def _dropout_masks(self, batch, features, training):
        """Las máscaras de dropout de esta llamada, iguales en todos los pasos (como Keras).

        Devuelve (máscaras de la entrada, máscaras del estado): listas de arrays (lote, rasgos) y
        (lote, units) con valores 0 o 1/(1 - tasa), o None. Con recurrent_dropout, la LSTM y la GRU
        sortean una máscara por puerta (la "implementación 1" de Keras); si no, una sola.
        """
        def draw(shape, rate, count):
            return [dropout_mask(shape, rate) for _ in range(count)]

        count = self.gates if 0 < self.recurrent_dropout < 1 else 1
        use_input = training and 0 < self.dropout < 1
        use_recurrent = training and 0 < self.recurrent_dropout < 1
        return (draw((batch, features), self.dropout, count) if use_input else None,
                draw((batch, self.units), self.recurrent_dropout, count) if use_recurrent else None)

    def compute_mask(self, inputs: Tensor, mask: Tensor | np.ndarray | None = None) -> np.ndarray | None:
        output_mask = mask if self.return_sequences else None
        return [output_mask] + [None] * self.state_count if self.return_state else output_mask

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        batch = input_shape[0]
        output = (batch, input_shape[1], self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return [output] + [(batch, self.units)] * self.state_count
        return output

    def get_config(self) -> dict:
        return {**super().get_config(), "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask, "units": self.units,
                "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "use_bias": self.use_bias, "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                **weight_options(self, "kernel", "recurrent", "bias", activity=True), "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}


class SimpleRNN(RNN):
    """h_t = tanh(x_t·W + b + h_{t-1}·U). Parámetros: u·(rasgos + u) + u."""

    def __init__(self, units: int, activation: str | Callable | None = "tanh", **kwargs):
        super().__init__(units, activation=activation, **kwargs)

    def run(self, inputs: Tensor, states, bias, mask, return_sequences: bool):
        return F.simple_rnn(inputs, states[0], self.kernel, self.recurrent_kernel, bias, mask=mask,
                            return_sequences=return_sequences)

    step = recurrent_steps.simple_rnn_step

    def get_config(self) -> dict:
        config = super().get_config()
        del config["recurrent_activation"], config["seed"]  # Keras no los guarda en SimpleRNN
        return config


class LSTM(RNN):
    """Memoria a largo y corto plazo: puertas i, f, c, o (en ese orden en los pesos), estados h y c.

    unit_forget_bias=True empieza con el sesgo de la puerta de olvido a 1, para que al principio
    la celda recuerde. Parámetros: 4·(u·(rasgos + u) + u); LSTM(128) sobre 57 rasgos: 95,232.
    """

    gates = 4
    state_count = 2

    def __init__(self, units: int, unit_forget_bias: bool = True, use_cudnn: str | bool = "auto",
                 implementation: int = 2, **kwargs):
        super().__init__(units, **kwargs)
        # use_cudnn e implementation eligen kernels en Keras; aquí no cambian nada (ver _dropout_masks)
        self.use_cudnn, self.implementation = use_cudnn, implementation
        self.unit_forget_bias = unit_forget_bias
        if unit_forget_bias:
            self.bias_initializer = _ForgetBiasInitializer(self.bias_initializer)

    def run(self, inputs: Tensor, states, bias, mask, return_sequences: bool):
        return F.lstm(inputs, states[0], states[1], self.kernel, self.recurrent_kernel, bias, mask=mask,
                      return_sequences=return_sequences)

    step = recurrent_steps.lstm_step

    def get_config(self) -> dict:
        config = {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}
        if self.unit_forget_bias:
            config["bias_initializer"] = initializers.serialize(self.bias_initializer.base)
        return config


class GRU(RNN):
    """Unidad recurrente con puertas z (actualización), r (reinicio) y h (candidato).

    reset_after=True (Keras 3 y tf.keras 2): el reinicio se aplica después de multiplicar por
    recurrent_kernel, y el sesgo tiene forma (2, 3u) (fila 0 para la entrada, fila 1 para el
    estado); parámetros 3·(u·(rasgos + u) + 2u). reset_after=False (Keras 2.2): antes, con un
    solo sesgo (3u,); parámetros 3·(u·(rasgos + u) + u).
    """

    gates = 3

    def __init__(self, units: int, reset_after: bool = True, use_cudnn: str | bool = "auto", implementation: int = 2,
                 **kwargs):
        super().__init__(units, **kwargs)
        self.use_cudnn, self.implementation = use_cudnn, implementation  # (como en LSTM: sin efecto)
        self.reset_after = bool(reset_after)

    def bias_shape(self):
        return (2, self.gates * self.units) if self.reset_after else (self.gates * self.units,)

    def run(self, inputs: Tensor, states, bias, mask, return_sequences: bool):
        return F.gru(inputs, states[0], self.kernel, self.recurrent_kernel, bias, reset_after=self.reset_after,
                     mask=mask, return_sequences=return_sequences)

    step = recurrent_steps.gru_step

    def get_config(self) -> dict:
        return {**super().get_config(), "reset_after": self.reset_after}


class _ForgetBiasInitializer(initializers.Initializer):
    """El sesgo de la LSTM: [base(u), unos(u), base(2u)], así la puerta de olvido empieza abierta."""

    def __init__(self, base):
        self.base = base

    def __call__(self, shape: tuple, dtype: str | np.dtype | None = "float32"):
        u = shape[0] // 4
        return np.concatenate([self.base((u,), dtype), np.ones(u, dtype), self.base((2 * u,), dtype)])
