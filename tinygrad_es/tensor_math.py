"""Funciones matemáticas y de activación del Tensor, compuestas de operaciones más simples.

`Tensor` hereda estos métodos (`class Tensor(MathOps, ShapeOps)`): viven aquí para que
tensor.py se lea de un vistazo. Casi todos se componen de otros métodos (softplus = max(x, 0) +
log1p(e^-|x|), gelu = x·Φ(x)...), así que su gradiente sale del autograd sin escribir backward.
Las pocas primitivas nuevas están en `ops/` y dicen en su docstring por qué lo son: sin,
log1p, expm1, erf, sign y floor en ops/elementwise.py, cumsum en ops/reduce.py.

Los codos, donde la derivada no existe, tienen un valor fijo que las pruebas comprueban:
relu, relu6 y hard_sigmoid dan 0 en sus codos (como TensorFlow); elu y selu toman la rama
x >= 0; clip y hard_tanh dan 1 en los bordes; floor, ceil, trunc y round, 0 en todas partes (también en los
saltos); maximum y minimum reparten un empate a medias (y por eso softplus da exactamente 1/2 en 0).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import math

import numpy as np

from .dtypes import is_float
from .errors import DTypeError, normalize_axes
from .ops import elementwise as E
from .ops import reduce as R
from .validation import integer

if TYPE_CHECKING:  # (solo para las anotaciones: tensor.py importa este módulo)
    from .tensor import Tensor

# Constantes de SELU (Klambauer et al., 2017): con ellas la salida tiende a media 0 y varianza 1.
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


class MathOps:
    """Los métodos matemáticos compuestos de `Tensor` (ver el docstring del módulo)."""

    __slots__ = ()

    # ------------------------------------------------------------ elementales
    def square(self) -> Tensor:
        return self * self

    def sign(self) -> Tensor:
        """-1, 0 o 1 según el signo; su gradiente es 0."""
        return E.Sign.apply(self)

    def floor(self) -> Tensor:
        """El entero de debajo (como float); su gradiente es 0."""
        return E.Floor.apply(self)

    def ceil(self) -> Tensor:
        """El entero de encima: ceil x = -floor(-x)."""
        return -(-self).floor()

    def trunc(self) -> Tensor:
        """La parte entera, hacia 0: trunc(-1.7) = -1 (floor daría -2). Gradiente 0, como floor."""
        return type(self).where(self < 0, self.ceil(), self.floor())

    def round(self, decimals: int = 0) -> Tensor:
        """Al entero más cercano y, en un empate, al par: 0.5 -> 0, 1.5 -> 2, -2.5 -> -2, como NumPy y
        Keras (el "redondeo del banquero": sumando muchos empates no se desvía hacia arriba). `decimals`:
        las cifras decimales que se conservan (negativo: decenas, centenas...). Gradiente 0.

        Sale de floor: con f = floor(x), el resto r = x - f (exacto en coma flotante) está en [0, 1);
        r > 0.5 sube a f + 1, r < 0.5 se queda en f, y en el empate r = 0.5 gana el par de los dos,
        f + (f mod 2). Con decimales, como NumPy: round(x·10^d) / 10^d.
        """
        decimals = integer("round", "decimals", decimals, minimum=None, meaning="las cifras decimales que se conservan")
        if not is_float(self.dtype) and decimals >= 0:  # un entero ya está redondeado (y sigue entero, como en NumPy)
            return self
        if decimals > 0:
            return (self * 10.0**decimals).round() / 10.0**decimals
        if decimals < 0:
            return (self / 10.0**-decimals).round() * 10.0**-decimals
        low = self.floor()
        rest = self - low
        where = type(self).where
        return where(rest > 0.5, low + 1.0, where(rest == 0.5, low + low % 2, low))

    def __floordiv__(self, other) -> Tensor:
        """x // y = floor(x / y), como NumPy y PyTorch (gradiente 0)."""
        return (self / other).floor()

    def __rfloordiv__(self, other) -> Tensor:
        return (other / self).floor()

    def __mod__(self, other) -> Tensor:
        """x % y = x - y·floor(x / y): el resto con el signo de y, como NumPy y PyTorch."""
        return self - other * (self // other)

    def __rmod__(self, other) -> Tensor:
        return other - self * (other // self)

    def __divmod__(self, other) -> tuple[Tensor, Tensor]:
        """divmod(x, y) = (x // y, x % y), como NumPy."""
        return self // other, self % other

    def __rdivmod__(self, other) -> tuple[Tensor, Tensor]:
        return other // self, other % self

    def sin(self) -> Tensor:
        return E.Sin.apply(self)

    def cos(self) -> Tensor:
        """cos x = sin(π/2 - x)."""
        return (math.pi / 2 - self).sin()

    def tan(self) -> Tensor:
        """tan x = sin x / cos x."""
        return self.sin() / self.cos()

    def log2(self) -> Tensor:
        """log₂ x = ln x / ln 2."""
        return self.log() / math.log(2.0)

    def exp2(self) -> Tensor:
        """2^x. Derivada: 2^x·ln 2. (Es 2.0 ** x, exacta con x entero; e^(x·ln 2) redondearía x·ln 2.)"""
        return 2.0 ** self

    def rsqrt(self) -> Tensor:
        """1/√x = x^(-1/2). Derivada: -x^(-3/2)/2."""
        return self ** -0.5

    def log1p(self) -> Tensor:
        """log(1 + x), exacta también con x cerca de 0."""
        return E.Log1p.apply(self)

    def expm1(self) -> Tensor:
        """e^x - 1, exacta también con x cerca de 0."""
        return E.Expm1.apply(self)

    def erf(self) -> Tensor:
        """La función de error, erf(x) = 2/√π ∫₀ˣ e^(-t²) dt."""
        return E.Erf.apply(self)

    # ------------------------------------------------------------ hiperbólicas
    def sinh(self) -> Tensor:
        """sinh x = (e^x - e^-x)/2. Derivada: cosh x.

        Se escribe (expm1(x) - expm1(-x))/2, lo mismo (los -1 se anulan) pero exacto cerca de 0,
        donde e^x - e^-x restaría dos números casi iguales y perdería los decimales."""
        return (self.expm1() - (-self).expm1()) * 0.5

    def cosh(self) -> Tensor:
        """cosh x = (e^x + e^-x)/2. Derivada: sinh x."""
        return (self.exp() + (-self).exp()) * 0.5

    def arcsinh(self) -> Tensor:
        """La inversa de sinh: arcsinh x = log(x + √(x² + 1)), para todo x. Derivada: 1/√(x² + 1).

        Tal cual fallaría en tres sitios, y por eso se calcula con a = |x| y se pone el signo al final
        (es impar): con x muy negativo, x + √(x² + 1) resta dos números casi iguales; cerca de 0,
        log(1 + pequeño) pierde los decimales, y log1p no: a + √(a² + 1) = 1 + a + a²/(√(a² + 1) + 1);
        y a² desborda mucho antes que el resultado (en float32, con a > 1.8e19), así que
        √(a² + 1) = m·√((a/m)² + (1/m)²) con m = max(a, 1), que nunca eleva al cuadrado nada mayor que 1.
        """
        where, negative = type(self).where, self < 0
        a = where(negative, -self, self)  # |x|, pero con derivada 1 en 0 (abs daría 0 y arcsinh'(0) es 1)
        m = a.maximum(1.0)
        root = ((a / m).square() + (1.0 / m).square()).sqrt() * m  # √(a² + 1)
        out = (a + a * (a / (root + 1.0))).log1p()
        return where(negative, -out, out)

    def arccosh(self) -> Tensor:
        """La inversa de cosh: arccosh x = log(x + √(x² - 1)), para x >= 1 (x < 1 da NaN, como NumPy).
        Derivada: 1/√(x² - 1), infinita en x = 1.

        Con t = x - 1 y x² - 1 = t·(t + 2): arccosh x = log1p(t + √t·√(t + 2)), exacta cerca de 1 y sin
        elevar nada al cuadrado (que desbordaría con x grande)."""
        t = self - 1.0
        return (t + t.sqrt() * (t + 2.0).sqrt()).log1p()

    def arctanh(self) -> Tensor:
        """La inversa de tanh: arctanh x = log((1 + x)/(1 - x))/2, para |x| < 1 (±1 da ±inf y |x| > 1,
        NaN, como NumPy). Derivada: 1/(1 - x²). Se escribe (log1p(x) - log1p(-x))/2: exacta cerca de 0."""
        return (self.log1p() - (-self).log1p()) * 0.5

    # ------------------------------------------------------------ lógicas y mezclas
    def logical_not(self) -> Tensor:
        """True donde x es 0 (o False) y False donde no, como np.logical_not: un Tensor de booleanos, sin
        gradiente, como las comparaciones. Es la forma de invertir una máscara (-x no vale con booleanos)."""
        return self == 0

    def logical_and(self, other) -> Tensor:
        """True donde x e y son los dos verdaderos (distintos de 0), como np.logical_and: booleanos, sin gradiente."""
        return self._compare(np.logical_and, other)

    def logical_or(self, other) -> Tensor:
        """True donde x o y (o los dos) son verdaderos (distintos de 0), como np.logical_or."""
        return self._compare(np.logical_or, other)

    def logical_xor(self, other) -> Tensor:
        """True donde solo uno de x e y es verdadero (distinto de 0), como np.logical_xor."""
        return self._compare(np.logical_xor, other)

    # &, |, ^ y ~ unen e invierten máscaras, como en NumPy y PyTorch: (x > 0) & (x < 1). Con enteros son
    # bit a bit, como en NumPy; con reales no existen (¿qué bits tiene 0.5?) y el error dice qué escribir.
    def __and__(self, other) -> Tensor: return self._bitwise(np.bitwise_and, other, "&", "logical_and")
    def __or__(self, other) -> Tensor: return self._bitwise(np.bitwise_or, other, "|", "logical_or")
    def __xor__(self, other) -> Tensor: return self._bitwise(np.bitwise_xor, other, "^", "logical_xor")
    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __invert__(self) -> Tensor:
        """~x: niega una máscara (True <-> False) o invierte los bits de un entero, como NumPy."""
        self._check_bits("~", "logical_not()", ("x", self.dtype))
        return type(self)(np.invert(self.data))

    def _bitwise(self, fn, other, symbol: str, logical: str) -> Tensor:
        other_dtype = other.dtype if hasattr(other, "dtype") else np.asarray(other).dtype
        self._check_bits(symbol, f"{logical}(y)", ("x", self.dtype), ("el otro lado", other_dtype))
        return self._compare(fn, other)

    @staticmethod
    def _check_bits(symbol: str, logical: str, *operands) -> None:
        for name, dtype in operands:
            kind = np.dtype(dtype).kind
            if kind not in "biu":
                what = "texto" if kind in "US" else f"de tipo {np.dtype(dtype)}"
                raise DTypeError(
                    f"{symbol}: une o invierte máscaras de booleanos (p. ej. (x > 0) {symbol if symbol != '~' else '&'} "
                    f"(x < 1)) o los bits de enteros, y {name} es {what}. Compara antes para tener una máscara, o "
                    f"usa x.{logical}, que toma 0 como falso y lo demás como verdadero."
                )

    def lerp(self, end: Tensor | float, weight: Tensor | float) -> Tensor:
        """Interpolación lineal de PyTorch: x + weight·(end - x); weight = 0 da x y weight = 1, end.
        Derivadas: 1 - weight respecto a x, weight respecto a end y end - x respecto a weight."""
        return self + (self._operand(end) - self) * weight

    # ------------------------------------------------------------ acumuladas
    def cumsum(self, axis: int | tuple | None = None) -> Tensor:
        """Sumas acumuladas a lo largo de `axis`; axis=None: del tensor aplanado (como NumPy)."""
        if axis is None:
            return R.Cumsum.apply(self.flatten(), axis=0)
        (axis,) = normalize_axes("cumsum", axis, self.ndim)
        return R.Cumsum.apply(self, axis=axis)

    # --8<-- [start:prod]
    def prod(self, axis: int | tuple | None = None, keepdims: bool = False) -> Tensor:
        """Producto de los elementos a lo largo de `axis` (None: todos).

        Se multiplica por parejas, como un torneo: [a, b, c, d] -> [ab, cd] -> [abcd] (un 1 de
        relleno cuando el número es impar). Son log2(n) productos de Tensor, y el gradiente,
        que sale del autograd, es exacto también cuando algún factor es 0 (dividir el producto
        por cada factor no lo sería).
        """
        axes = normalize_axes("prod", axis, self.ndim)
        kept = [i for i in range(self.ndim) if i not in axes]
        kept_shape = tuple(self.shape[i] for i in kept)
        x = self.permute(*kept, *axes).reshape(*kept_shape, math.prod(self.shape[a] for a in axes))
        while x.shape[-1] != 1:
            if x.shape[-1] and x.shape[-1] % 2 == 0:
                x = x[..., 0::2] * x[..., 1::2]
            else:  # impar (o 0): un 1 más, que no cambia el producto
                x = x.pad(((0, 0),) * (x.ndim - 1) + ((0, 1),), value=1)
        out = x.reshape(*kept_shape)
        return out.reshape(*(1 if i in axes else n for i, n in enumerate(self.shape))) if keepdims else out
    # --8<-- [end:prod]

    # ------------------------------------------------------------ activaciones
    def softplus(self) -> Tensor:
        """log(1 + e^x), estable: max(x, 0) + log1p(e^-|x|), que nunca evalúa e^(grande)."""
        return self.maximum(0.0) + (-self.abs()).exp().log1p()

    def softsign(self) -> Tensor:
        """x / (1 + |x|)."""
        return self / (self.abs() + 1.0)

    def elu(self, alpha: float = 1.0) -> Tensor:
        """x si x >= 0; alpha·(e^x - 1) si no. expm1 solo ve la parte negativa, así que no desborda."""
        return type(self).where(self >= 0, self, self.minimum(0.0).expm1() * alpha)

    def selu(self) -> Tensor:
        """scale·elu(x, alpha) con las constantes que autonormalizan la red (SELU_ALPHA, SELU_SCALE)."""
        return self.elu(SELU_ALPHA) * SELU_SCALE

    def celu(self, alpha: float = 1.0) -> Tensor:
        """max(x, 0) + alpha·(e^(min(x, 0)/alpha) - 1): elu con la curva escalada, derivable en 0."""
        return self.maximum(0.0) + (self.minimum(0.0) / alpha).expm1() * alpha

    def gelu(self, approximate: bool = False) -> Tensor:
        """x·Φ(x), con Φ la distribución normal acumulada: x·(1 + erf(x/√2))/2.

        approximate=True: la aproximación con tanh, x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))/2.
        (El argumento es el de Keras; `keras.activations.gelu` usa False por defecto y
        `keras.ops.gelu`, True.)
        """
        if approximate:
            inner = (self + self * self * self * 0.044715) * math.sqrt(2 / math.pi)
            return self * (inner.tanh() + 1.0) * 0.5
        return self * ((self * (1 / math.sqrt(2))).erf() + 1.0) * 0.5

    def relu6(self) -> Tensor:
        """min(max(x, 0), 6); en los codos 0 y 6 el gradiente es 0."""
        return type(self).where(self < 6, self.relu(), 6.0)

    def hard_sigmoid(self) -> Tensor:
        """relu6(x + 3) / 6, la de Keras 3 (tf.keras 2 usaba clip(0.2·x + 0.5, 0, 1))."""
        return (self + 3.0).relu6() / 6.0

    def hard_silu(self) -> Tensor:
        """x·hard_sigmoid(x) (también llamada hard_swish)."""
        return self * self.hard_sigmoid()

    hard_swish = hard_silu

    def hard_tanh(self, min_value: float = -1.0, max_value: float = 1.0) -> Tensor:
        """clip(x, -1, 1), como Keras; otros límites como el hardtanh(min_val, max_val) de PyTorch."""
        return self.clip(min_value, max_value)

    def silu(self) -> Tensor:
        """x·σ(x) (también llamada swish)."""
        return self * self.sigmoid()

    swish = silu

    def mish(self) -> Tensor:
        """x·tanh(softplus(x))."""
        return self * self.softplus().tanh()
