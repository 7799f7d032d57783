"""Funciones de activación de Keras, por nombre: `Dense(16, activation='relu')`.

Cada una recibe un Tensor y devuelve otro del mismo tamaño, compuesta de operaciones del motor
(así su gradiente sale del autograd). Las fórmulas son las de Keras 3; donde una versión
anterior difiere se dice en la función.
"""
import math

import numpy as np

from ..autograd import Function
from ..tensor import Tensor
from .registry import lookup

# Constantes de SELU (Klambauer et al., 2017): con ellas la salida tiende a media 0 y varianza 1.
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def linear(x):
    """La identidad: lo que hace `activation=None`."""
    return _tensor(x)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0); con opciones: pendiente negativa, techo `max_value` y umbral (como Keras 3)."""
    x = _tensor(x)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return x.relu()
    out = Tensor.where(x > threshold, x, (x - threshold) * negative_slope)
    return out if max_value is None else out.clip(max_value=max_value)


def leaky_relu(x, negative_slope=0.2):
    """x si x > 0; negative_slope·x si no (Keras 3 usa 0.2 aquí y 0.3 en la capa LeakyReLU)."""
    return _tensor(x).leaky_relu(negative_slope)


def sigmoid(x):
    return _tensor(x).sigmoid()


def tanh(x):
    return _tensor(x).tanh()


def softmax(x, axis=-1):
    """e^x / Σ e^x a lo largo de `axis`: probabilidades que suman 1."""
    return _tensor(x).softmax(axis)


def elu(x, alpha=1.0):
    """x si x > 0; alpha·(e^x - 1) si no. exp se evalúa solo en la parte negativa para no desbordar."""
    x = _tensor(x)
    negative = x.minimum(0.0)
    return Tensor.where(x > 0, x, (negative.exp() - 1.0) * alpha)


def selu(x):
    """scale·elu(x, alpha) con las constantes que autonormalizan la red."""
    return elu(x, SELU_ALPHA) * SELU_SCALE


def softplus(x):
    """log(1 + e^x), estable: max(x, 0) + log(1 + e^-|x|)."""
    x = _tensor(x)
    return x.relu() + ((-x.abs()).exp() + 1.0).log()


def softsign(x):
    """x / (1 + |x|)."""
    x = _tensor(x)
    return x / (x.abs() + 1.0)


def hard_sigmoid(x):
    """relu6(x + 3) / 6, la forma de Keras 3 (tf.keras 2 usaba clip(0.2·x + 0.5, 0, 1))."""
    return (_tensor(x) + 3.0).clip(0.0, 6.0) / 6.0


def exponential(x):
    return _tensor(x).exp()


class _Erf(Function):
    """La función de error erf(x); su derivada es 2/√π · e^(-x²). NumPy no trae erf: usamos math.erf."""

    _erf = np.vectorize(math.erf, otypes=[np.float64])

    def forward(self, a):
        self.save_for_backward(a)
        return self._erf(a).astype(a.dtype, copy=False)

    def backward(self, grad):
        (a,) = self.saved
        return grad * (2.0 / math.sqrt(math.pi)) * np.exp(-a * a)


def gelu(x, approximate=False):
    """x·Φ(x), con Φ la distribución normal acumulada. approximate=True usa la fórmula con tanh."""
    x = _tensor(x)
    if approximate:
        inner = (x + x * x * x * 0.044715) * math.sqrt(2.0 / math.pi)
        return x * (inner.tanh() + 1.0) * 0.5
    return x * (_Erf.apply(x / math.sqrt(2.0)) + 1.0) * 0.5


def swish(x):
    """x·σ(x) (también llamada silu)."""
    x = _tensor(x)
    return x * x.sigmoid()


silu = swish

_BY_NAME = {
    "linear": linear, "relu": relu, "leaky_relu": leaky_relu, "sigmoid": sigmoid, "tanh": tanh,
    "softmax": softmax, "elu": elu, "selu": selu, "softplus": softplus, "softsign": softsign,
    "hard_sigmoid": hard_sigmoid, "exponential": exponential, "gelu": gelu, "swish": swish, "silu": silu,
}


def get(identifier):
    """Un nombre ('relu'), una función, o None (lineal) -> la función de activación."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        return lookup("Nombre de activación", identifier, _BY_NAME)
    raise TypeError(
        f"La activación debe ser un nombre como 'relu', una función o None, y se recibió {identifier!r}."
    )


def serialize(activation) -> str:
    """El nombre con el que se guarda una activación en la configuración de una capa."""
    for name, fn in _BY_NAME.items():
        if fn is activation:
            return name
    return getattr(activation, "__name__", str(activation))
