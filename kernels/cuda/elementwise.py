"""Operaciones elemento a elemento en la GPU: unarias y binarias con broadcasting.

`fill(out, valor)` rellena un array con una constante.
Unarias: `out[k] = f(x[k])` para f en `UNARY` (neg, exp, log, abs, tanh, sigmoid, relu, sign,
sqrt, log1p, expm1, sin, cos, isfinite).
Binarias: `out[k] = f(a[ka], b[kb])` para f en `BINARY` (add, sub, mul, div, maximum, minimum,
pow, las comparaciones, que dan bool, y los backward de las activaciones, que combinan la
salida guardada `y` con el gradiente `g`):

    relu_backward(y, g)    = g·[y > 0]
    sigmoid_backward(y, g) = g·y·(1 - y)
    tanh_backward(y, g)    = g·(1 - y²)

Broadcasting: `out` tiene la forma difundida. Cada hilo calcula un elemento de salida k, saca
su índice multidimensional (i_0, ..., i_{d-1}) dividiendo por los tamaños de `out`, y lee

    ka = Σ_d i_d · sa_d        kb = Σ_d i_d · sb_d

donde `sa`, `sb` son los pasos (en elementos) de `a` y `b` alineados por la derecha con `out`,
con paso 0 en los ejes en que la entrada tiene tamaño 1 o no existe: así el mismo elemento se
lee desde todas las posiciones de ese eje, sin copiar nada. Es lo mismo que hace NumPy.

Con un escalar de Python (`x * 0.5`, `1 - y`), `binary_scalar` lo pasa al kernel como
argumento: nada que copiar a la GPU ni que difundir.

Disposición: todos los arrays contiguos en orden C, vistos como vectores. Lanzamiento: un hilo
por elemento de salida, `THREADS_PER_BLOCK` hilos por bloque, los bloques que hagan falta.
Cada función f se compila una vez por operación (`functools.cache`) como función de
dispositivo y se "pega" dentro del kernel, que así no paga ninguna llamada indirecta.

Constantes en float32 (`ONE`, `ZERO`, también para las celdas y los optimizadores): para Numba,
un literal como `1.0` es float64, y `1.0 - y` con y float32 da float64, así que TODO el cálculo
del kernel de float32 pasaría a float64, que en las GPU de consumo va 32-64 veces más lento.
Con una constante float32, el kernel de float32 se queda en float32 y el de float64 sigue en
float64 (float64 con float32 da float64). Por lo mismo, los escalares de Python que llegan como
argumento (`binary_scalar`, `fill`) se convierten antes al tipo del array, como hace NumPy.
En el simulador (NUMBA_ENABLE_CUDASIM=1) los kernels los ejecuta Python con escalares de NumPy,
y allí `math.exp`/`math.tanh` devuelven floats de Python, que junto a un np.float32 se quedan en
float32 (reglas de NumPy 2): un kernel de float64 perdería precisión. Por eso en el simulador las
constantes son el entero 1 y 0, que conservan el tipo de cada valor.
"""
import functools
import math

import numpy as np
from numba import config, cuda

from .launch import THREADS_PER_BLOCK, blocks_for, flat

# ver el docstring: no arrastran el float32 a float64 (y en el simulador, no rebajan el float64)
ONE, ZERO = (1, 0) if config.ENABLE_CUDASIM else (np.float32(1.0), np.float32(0.0))


# ---------------------------------------------------------------- las funciones escalares
@cuda.jit(device=True)
def _neg(x):
    return -x


@cuda.jit(device=True)
def _exp(x):
    return math.exp(x)


@cuda.jit(device=True)
def _log(x):
    return math.log(x)


@cuda.jit(device=True)
def _abs(x):
    return abs(x)


@cuda.jit(device=True)
def _tanh(x):
    return math.tanh(x)


@cuda.jit(device=True)
def sigmoid(x):  # pública: también la usan las celdas de lstm.py y gru.py
    return ONE / (ONE + math.exp(-x))


@cuda.jit(device=True)
def _relu(x):
    return x if x > 0 else ZERO


@cuda.jit(device=True)
def _sign(x):
    return ONE if x > 0 else -ONE if x < 0 else ZERO


@cuda.jit(device=True)
def _sqrt(x):
    return math.sqrt(x)


@cuda.jit(device=True)
def _log1p(x):
    return math.log1p(x)


@cuda.jit(device=True)
def _expm1(x):
    return math.expm1(x)


@cuda.jit(device=True)
def _sin(x):
    return math.sin(x)


@cuda.jit(device=True)
def _cos(x):
    return math.cos(x)


@cuda.jit(device=True)
def _isfinite(x):
    return not (math.isinf(x) or math.isnan(x))


@cuda.jit(device=True)
def _add(a, b):
    return a + b


@cuda.jit(device=True)
def _sub(a, b):
    return a - b


@cuda.jit(device=True)
def _mul(a, b):
    return a * b


@cuda.jit(device=True)
def _div(a, b):
    return a / b


@cuda.jit(device=True)
def _maximum(a, b):
    return a if a >= b else b


@cuda.jit(device=True)
def _minimum(a, b):
    return a if a <= b else b


@cuda.jit(device=True)
def _greater(a, b):
    return a > b


@cuda.jit(device=True)
def _greater_equal(a, b):
    return a >= b


@cuda.jit(device=True)
def _less(a, b):
    return a < b


@cuda.jit(device=True)
def _less_equal(a, b):
    return a <= b


@cuda.jit(device=True)
def _equal(a, b):
    return a == b


@cuda.jit(device=True)
def _not_equal(a, b):
    return a != b


@cuda.jit(device=True)
def _pow(a, b):
    return a**b


@cuda.jit(device=True)
def _relu_backward(y, g):
    return g if y > 0 else ZERO


@cuda.jit(device=True)
def _sigmoid_backward(y, g):
    return g * y * (ONE - y)


@cuda.jit(device=True)
def _tanh_backward(y, g):
    return g * (ONE - y * y)


UNARY = {"neg": _neg, "exp": _exp, "log": _log, "abs": _abs, "tanh": _tanh, "sigmoid": sigmoid, "relu": _relu,
         "sign": _sign, "sqrt": _sqrt, "log1p": _log1p, "expm1": _expm1, "sin": _sin, "cos": _cos,
         "isfinite": _isfinite}
BINARY = {"add": _add, "sub": _sub, "mul": _mul, "div": _div, "maximum": _maximum, "minimum": _minimum,
          "pow": _pow, "greater": _greater, "greater_equal": _greater_equal, "less": _less,
          "less_equal": _less_equal, "equal": _equal, "not_equal": _not_equal,
          "relu_backward": _relu_backward, "sigmoid_backward": _sigmoid_backward, "tanh_backward": _tanh_backward}


# ---------------------------------------------------------------- los kernels
@functools.cache
def _unary_kernel(name):
    f = UNARY[name]

    @cuda.jit
    def kernel(x, out):
        k = cuda.grid(1)
        if k < out.size:
            out[k] = f(x[k])

    return kernel


@functools.cache
def _binary_kernel(name):
    f = BINARY[name]

    @cuda.jit
    def kernel(a, b, out, shape, a_strides, b_strides):
        k = cuda.grid(1)
        if k >= out.size:
            return
        rest, ka, kb = k, 0, 0
        for d in range(shape.size - 1, -1, -1):  # del eje más rápido al más lento
            i = rest % shape[d]
            rest //= shape[d]
            ka += i * a_strides[d]
            kb += i * b_strides[d]
        out[k] = f(a[ka], b[kb])

    return kernel


@functools.cache
def _binary_scalar_kernel(name, scalar_first):
    f = BINARY[name]

    @cuda.jit
    def kernel(a, scalar, out):
        k = cuda.grid(1)
        if k < out.size:
            out[k] = f(scalar, a[k]) if scalar_first else f(a[k], scalar)

    return kernel


@cuda.jit
def _fill_kernel(out, value):
    k = cuda.grid(1)
    if k < out.size:
        out[k] = value


# ---------------------------------------------------------------- lanzadores
def fill(out, value, threads=THREADS_PER_BLOCK):
    """out[...] = value (por ejemplo, poner a cero un gradiente antes de acumular en él)."""
    _fill_kernel[blocks_for(out.size, threads), threads](flat(out), out.dtype.type(value))


def _check_name(name, table, kind):
    if name not in table:
        raise ValueError(f"operación {kind} desconocida {name!r}: las disponibles son {sorted(table)}")


def unary(name, x, out, threads=THREADS_PER_BLOCK):
    """out = f(x) elemento a elemento; `x` y `out` con la misma forma."""
    _check_name(name, UNARY, "unaria")
    _unary_kernel(name)[blocks_for(out.size, threads), threads](flat(x), flat(out))


def broadcast_strides(shape, out_shape):
    """Pasos en elementos de un array contiguo de forma `shape` leído con la forma `out_shape` (0 = difundido)."""
    shape = tuple(shape)  # (la forma de los arrays del simulador no admite índices negativos)
    strides = np.zeros(len(out_shape), dtype=np.int64)
    step = 1
    for d in range(1, len(shape) + 1):  # alineados por la derecha
        if shape[-d] != 1:
            strides[-d] = step
        step *= shape[-d]
    return strides


def binary(name, a, b, out, threads=THREADS_PER_BLOCK):
    """out = f(a, b) con broadcasting; `out` ya tiene la forma difundida de a y b."""
    _check_name(name, BINARY, "binaria")
    out_shape = np.array(out.shape if out.ndim else (1,), dtype=np.int64)
    a_strides = broadcast_strides(a.shape, out_shape)
    b_strides = broadcast_strides(b.shape, out_shape)
    _binary_kernel(name)[blocks_for(out.size, threads), threads](
        flat(a), flat(b), flat(out), out_shape, a_strides, b_strides)


def binary_scalar(name, a, scalar, out, scalar_first=False, threads=THREADS_PER_BLOCK):
    """out = f(a, escalar) (o f(escalar, a) con scalar_first); `a` y `out` con la misma forma."""
    _check_name(name, BINARY, "binaria")
    if np.issubdtype(a.dtype, np.floating):  # como NumPy: float32 · escalar de Python = float32
        scalar = a.dtype.type(scalar)
    _binary_scalar_kernel(name, scalar_first)[blocks_for(out.size, threads), threads](flat(a), scalar, flat(out))
