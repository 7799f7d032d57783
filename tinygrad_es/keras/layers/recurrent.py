"""Capas recurrentes: SimpleRNN, LSTM y GRU, sobre secuencias (lote, pasos, rasgos).

Las tres recorren la secuencia paso a paso guardando un estado (h; la LSTM además c), con los
pesos de Keras: `kernel` (rasgos, k·u) para la entrada, `recurrent_kernel` (u, k·u) para el
estado y `bias`, con k = 1, 4 o 3 puertas. El recorrido lo hacen `nn.functional.simple_rnn`,
`lstm` y `gru`; aquí están los argumentos de Keras y qué se devuelve:

- return_sequences=False: solo la última salida (lote, u); True: todas (lote, pasos, u).
- return_state=True: además los estados finales: [salida, h] (LSTM: [salida, h, c]).
"""
import numpy as np

from ...nn import functional as F
from .. import activations, initializers
from .layer import Layer


class RNN(Layer):
    """Lo común a las tres: argumentos, pesos, comprobaciones y formas de salida."""

    input_ndim = 3
    gates = 1
    state_count = 1

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 dropout=0.0, recurrent_dropout=0.0, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, seed=None, **kwargs):
        super().__init__(**kwargs)
        name = type(self).__name__
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise ValueError(f"{name}: units debe ser un entero positivo (el tamaño del estado) y es {units!r}.")
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        if self.activation is not activations.tanh or self.recurrent_activation is not activations.sigmoid:
            raise ValueError(
                f"{name}: solo se admiten activation='tanh' y recurrent_activation='sigmoid' (los valores por defecto "
                "de Keras), que son los que calculan los núcleos recurrentes de tinygrad_es."
            )
        unsupported = {"dropout": dropout, "recurrent_dropout": recurrent_dropout, "stateful": stateful}
        for arg, value in unsupported.items():
            if value:
                raise ValueError(
                    f"{name}: {arg}={value!r} no está disponible en tinygrad_es; para regularizar, añade una capa "
                    "Dropout después de la recurrente."
                )
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.return_sequences, self.return_state = return_sequences, return_state
        # unroll (desenrollar el bucle) y seed (para el dropout) no cambian nada aquí: se aceptan y se
        # guardan para que el código de Keras funcione tal cual.
        self.go_backwards, self.unroll, self.seed = go_backwards, unroll, seed

    def axes_description(self):
        return "(lote, pasos de tiempo, rasgos)"

    def ndim_hint(self, shape):
        if len(shape) == 2:
            return ("una serie con un solo rasgo por paso necesita su eje: usa x.reshape(len(x), -1, 1); "
                    "una sola secuencia, x.reshape(1, pasos, rasgos)")
        return "revisa la forma de los datos y la de Input(shape=(pasos, rasgos))"

    def bias_shape(self):
        return (self.gates * self.units,)

    def build(self, input_shape):
        u = self.units
        self.add_weight("kernel", (input_shape[-1], self.gates * u), self.kernel_initializer)
        self.add_weight("recurrent_kernel", (u, self.gates * u), self.recurrent_initializer)
        if self.use_bias:
            self.add_weight("bias", self.bias_shape(), self.bias_initializer)

    def call(self, inputs, training=False):
        if self.go_backwards:
            inputs = inputs[:, ::-1]
        bias = self.bias if self.use_bias else initializers.Zeros()(self.bias_shape(), self.dtype)
        sequences, *states = self.run(inputs, bias)
        output = sequences if self.return_sequences else states[0]
        return [output, *states] if self.return_state else output

    def run(self, inputs, bias):  # pragma: no cover - lo implementa cada subclase
        """(todas las salidas, estado final h[, c]) para esta secuencia."""
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        batch = input_shape[0]
        output = (batch, input_shape[1], self.units) if self.return_sequences else (batch, self.units)
        if self.return_state:
            return [output] + [(batch, self.units)] * self.state_count
        return output

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "use_bias": self.use_bias, "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "unroll": self.unroll, "seed": self.seed}


class SimpleRNN(RNN):
    """h_t = tanh(x_t·W + b + h_{t-1}·U). Parámetros: u·(rasgos + u) + u."""

    def __init__(self, units, activation="tanh", **kwargs):
        super().__init__(units, activation=activation, **kwargs)

    def run(self, inputs, bias):
        return F.simple_rnn(inputs, None, self.kernel, self.recurrent_kernel, bias)

    def get_config(self):
        config = super().get_config()
        del config["recurrent_activation"]  # SimpleRNN de Keras no tiene ese argumento (y lo rechazaría al cargar)
        return config


class LSTM(RNN):
    """Memoria a largo y corto plazo: puertas i, f, c, o (en ese orden en los pesos), estados h y c.

    unit_forget_bias=True empieza con el sesgo de la puerta de olvido a 1, para que al principio
    la celda recuerde. Parámetros: 4·(u·(rasgos + u) + u); LSTM(128) sobre 57 rasgos: 95,232.
    """

    gates = 4
    state_count = 2

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias
        if unit_forget_bias:
            self.bias_initializer = _ForgetBiasInitializer(self.bias_initializer)

    def run(self, inputs, bias):
        return F.lstm(inputs, None, None, self.kernel, self.recurrent_kernel, bias)

    def get_config(self):
        config = {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}
        if self.unit_forget_bias:
            config["bias_initializer"] = initializers.serialize(self.bias_initializer.base)
        return config


class GRU(RNN):
    """Unidad recurrente con puertas z (actualización), r (reinicio) y h (candidato), reset_after=True.

    El sesgo tiene forma (2, 3u): fila 0 para la entrada, fila 1 para el estado. Parámetros:
    3·(u·(rasgos + u) + 2u).
    """

    gates = 3

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        if not reset_after:
            raise ValueError(
                "GRU: reset_after=False (la variante de Keras 2.2) no está disponible; usa el valor por defecto "
                "reset_after=True, el de Keras 3 y tf.keras 2."
            )
        self.reset_after = reset_after

    def bias_shape(self):
        return (2, self.gates * self.units)

    def run(self, inputs, bias):
        return F.gru(inputs, None, self.kernel, self.recurrent_kernel, bias)

    def get_config(self):
        return {**super().get_config(), "reset_after": self.reset_after}


class _ForgetBiasInitializer(initializers.Initializer):
    """El sesgo de la LSTM: [base(u), unos(u), base(2u)], así la puerta de olvido empieza abierta."""

    def __init__(self, base):
        self.base = base

    def __call__(self, shape, dtype="float32"):
        u = shape[0] // 4
        return np.concatenate([self.base((u,), dtype), np.ones(u, dtype), self.base((2 * u,), dtype)])
