"""Operaciones elemento a elemento: binarias (con broadcasting) y unarias.

En las binarias la salida puede ser más grande que una entrada (broadcasting); `unbroadcast`
suma el gradiente de vuelta a la forma de esa entrada.

Las demás funciones elementales (cos, softplus, gelu, elu...) se componen de estas en
`tensor_math.py`.
"""
import math

import numpy as np

from ..autograd import Function, unbroadcast
from ..dtypes import DEFAULT_FLOAT, is_float
from ..errors import AutogradError


def floating(a):
    """Los enteros y booleanos, en float32 (el flotante por defecto) antes de exp, log, tanh...: exp de un
    entero da float32, como en Keras y PyTorch (NumPy daría float64). Los flotantes pasan tal cual."""
    return a if is_float(a.dtype) else a.astype(DEFAULT_FLOAT)


# ---------------------------------------------------------------- binarias
class Add(Function):
    def forward(self, a, b):
        self.save_for_backward(a.shape, b.shape)
        return a + b

    def backward(self, grad):
        a_shape, b_shape = self.saved
        return unbroadcast(grad, a_shape), unbroadcast(grad, b_shape)


class Sub(Function):
    def forward(self, a, b):
        self.save_for_backward(a.shape, b.shape)
        return a - b

    def backward(self, grad):
        a_shape, b_shape = self.saved
        return unbroadcast(grad, a_shape), unbroadcast(-grad, b_shape) if self.needs_grad[1] else None


# --8<-- [start:mul]
class Mul(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a * b

    def backward(self, grad):
        a, b = self.saved
        da = unbroadcast(grad * b, a.shape) if self.needs_grad[0] else None
        db = unbroadcast(grad * a, b.shape) if self.needs_grad[1] else None
        return da, db
# --8<-- [end:mul]


class Div(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return a / b

    def backward(self, grad):
        a, b = self.saved
        da = unbroadcast(grad / b, a.shape) if self.needs_grad[0] else None
        db = unbroadcast(-grad * a / (b * b), b.shape) if self.needs_grad[1] else None
        return da, db


class Pow(Function):
    """a ** b. d/da = b·a^(b-1); d/db = a^b·log(a) (solo definida para a > 0)."""

    def forward(self, a, b):
        out = a**b
        self.save_for_backward(a, b, out)
        return out

    def backward(self, grad):
        a, b, out = self.saved
        da = unbroadcast(grad * b * a ** (b - 1), a.shape) if self.needs_grad[0] else None
        db = unbroadcast(grad * out * np.log(a), b.shape) if self.needs_grad[1] else None
        return da, db


class Maximum(Function):
    """max(a, b) elemento a elemento. En un empate el gradiente se reparte a medias (como PyTorch)."""

    pick, wins = staticmethod(np.maximum), staticmethod(np.greater)  # Minimum cambia solo estas dos

    def forward(self, a, b):
        self.save_for_backward(a, b)
        return self.pick(a, b)

    def backward(self, grad):
        a, b = self.saved
        share_a = (self.wins(a, b) + 0.5 * (a == b)).astype(grad.dtype)
        da = unbroadcast(grad * share_a, a.shape) if self.needs_grad[0] else None
        db = unbroadcast(grad * (1.0 - share_a), b.shape) if self.needs_grad[1] else None
        return da, db


class Minimum(Maximum):
    """min(a, b), con el empate a medias como Maximum. Primitiva y no -max(-a, -b): el signo no vale con
    booleanos y da la vuelta con enteros sin signo (-uint8(1) es 255)."""

    pick, wins = staticmethod(np.minimum), staticmethod(np.less)


class Where(Function):
    """where(cond, a, b): `cond` es una máscara fija (no se deriva); el gradiente va a a o a b."""

    def forward(self, a, b, cond):
        self.save_for_backward(cond, a.shape, b.shape)
        return np.where(cond, a, b)

    def backward(self, grad):
        cond, a_shape, b_shape = self.saved
        da = unbroadcast(np.where(cond, grad, 0), a_shape) if self.needs_grad[0] else None
        db = unbroadcast(np.where(cond, 0, grad), b_shape) if self.needs_grad[1] else None
        return da, db


# ---------------------------------------------------------------- unarias
class Neg(Function):
    def forward(self, a):
        if a.dtype == np.bool_:  # NumPy lo rechaza en inglés; PyTorch tampoco lo admite
            raise TypeError(
                "-x: un tensor de booleanos no tiene signo que cambiar. Para invertir una máscara usa "
                "~x o x.logical_not(); para números con signo, conviértelo antes con x.astype('float32')."
            )
        return -a

    def backward(self, grad):
        return -grad


class Exp(Function):
    def forward(self, a):
        a = floating(a)
        out = np.exp(a)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        return grad * out  # d/dx e^x = e^x: reutilizamos la salida


class Log(Function):
    def forward(self, a):
        a = floating(a)
        self.save_for_backward(a)
        return np.log(a)

    def backward(self, grad):
        (a,) = self.saved
        return grad / a


class Log1p(Function):
    """log(1 + x), primitiva por exactitud: con x pequeño, 1 + x ya redondea (en float32, 1 + 1e-8 == 1)
    y log(1 + x) daría 0; np.log1p no suma antes de tomar el logaritmo."""

    def forward(self, a):
        a = floating(a)
        self.save_for_backward(a)
        return np.log1p(a)

    def backward(self, grad):
        (a,) = self.saved
        return grad / (1 + a)


class Expm1(Function):
    """e^x - 1, primitiva por exactitud: con x pequeño, e^x - 1 resta dos números casi iguales y pierde
    las cifras; np.expm1 las conserva. Su derivada es e^x = salida + 1."""

    def forward(self, a):
        a = floating(a)
        out = np.expm1(a)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        return grad * (out + 1)


class Sin(Function):
    """sin(x); d/dx = cos(x). (cos se compone de esta: cos x = sin(π/2 - x).)"""

    def forward(self, a):
        a = floating(a)
        self.save_for_backward(a)
        return np.sin(a)

    def backward(self, grad):
        (a,) = self.saved
        return grad * np.cos(a)


class Erf(Function):
    """La función de error erf(x), para gelu; d/dx = 2/√π · e^(-x²). NumPy no la trae: math.erf elemento a
    elemento (lenta, unos 100 ns por número, pero exacta)."""

    _erf = np.vectorize(math.erf, otypes=[np.float64])

    def forward(self, a):
        a = floating(a)
        self.save_for_backward(a)
        return self._erf(a).astype(a.dtype, copy=False)

    def backward(self, grad):
        (a,) = self.saved
        return grad * (2 / math.sqrt(math.pi)) * np.exp(-a * a)


class Sign(Function):
    """-1, 0 o 1. Su derivada es 0 en todas partes (salvo en 0, donde no existe: también 0), así que el
    gradiente que devuelve son ceros; es primitiva para que x.sign() siga en el grafo como en PyTorch."""

    def forward(self, a):
        return np.sign(a)

    def backward(self, grad):
        return np.zeros_like(grad)


class Floor(Function):
    """El entero de debajo. Escalonada: su derivada es 0 (y no existe en los enteros: también 0), como
    en PyTorch; es primitiva para que x.floor() siga en el grafo y, con ella, x % y derive respecto a x."""

    def forward(self, a):
        return np.floor(a)

    def backward(self, grad):
        return np.zeros_like(grad)


class Abs(Function):
    """|x|; en x = 0 tomamos la subderivada 0 (como np.sign)."""

    def forward(self, a):
        self.save_for_backward(a)
        return np.abs(a)

    def backward(self, grad):
        (a,) = self.saved
        return grad * np.sign(a)


class Tanh(Function):
    def forward(self, a):
        a = floating(a)
        out = np.tanh(a)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        return grad * (1 - out * out)


# --8<-- [start:sigmoid]
class Sigmoid(Function):
    """σ(x) = 1 / (1 + e^-x), primitiva (y no compuesta) por estabilidad: para x muy negativo
    se calcula como e^x / (1 + e^x) y así nunca se evalúa e^(+grande)."""

    def forward(self, a):
        a = floating(a)
        e = np.exp(-np.abs(a))
        out = np.where(a >= 0, 1 / (1 + e), e / (1 + e)).astype(a.dtype, copy=False)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        return grad * out * (1 - out)
# --8<-- [end:sigmoid]


class Relu(Function):
    """max(x, 0), primitiva porque es la activación más usada y así cuesta una sola pasada."""

    def forward(self, a):
        out = np.maximum(a, 0)
        self.save_for_backward(out)
        return out

    def backward(self, grad):
        (out,) = self.saved
        return grad * (out > 0)


class Cast(Function):
    """Cambio de tipo (float32 <-> float64); el gradiente vuelve al tipo original."""

    def forward(self, a, dtype):
        self.save_for_backward(a.dtype)
        return a.astype(dtype)

    def backward(self, grad):
        (dtype,) = self.saved
        return grad.astype(dtype)


class CastToInteger(Function):
    """astype a enteros (o bool) de un tensor que pide gradiente: los enteros no tienen gradiente.

    Queda en el grafo solo para que backward() diga dónde se corta el camino del gradiente, en vez
    de un error sobre hojas sin requires_grad que no señala la conversión."""

    differentiable = False

    def forward(self, a, dtype):
        self.save_for_backward(a.dtype, np.dtype(dtype))
        return a.astype(dtype)

    def backward(self, grad):
        source, target = self.saved
        raise AutogradError(
            f"backward(): el gradiente tendría que pasar por astype('{target}'), que convierte un tensor {source} "
            "que pide gradiente en enteros, y los enteros no tienen gradiente. Si necesitas el gradiente, quédate "
            "en coma flotante (astype('float32')); si solo querías los valores (p. ej. redondear una predicción "
            "para contar aciertos), conviértelos fuera del grafo: x.detach().astype(...)."
        )
