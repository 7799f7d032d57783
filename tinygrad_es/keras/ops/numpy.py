"""keras.ops: las funciones con nombre de NumPy (matemáticas, reducciones, formas, creación).

Argumentos y valores por defecto como `keras.ops` (y NumPy): las binarias reciben (x1, x2), las
reducciones (x, axis=None, keepdims=False)... Cada una llama al método del Tensor del mismo
nombre; las que no tienen método (log2, tan, diagonal...) se componen aquí de otros. Las
funciones que devuelven enteros o booleanos (argmax, equal, floor...) no tienen gradiente.
"""
import builtins
import math

import numpy as np

from ...errors import ShapeError, normalize_axes, shape_str
from ...validation import integer
from ...tensor import Tensor
from .core import convert_to_tensor

__all__ = [
    # elementales
    "abs", "absolute", "negative", "square", "sqrt", "exp", "expm1", "log", "log1p", "log2", "log10", "sin", "cos",
    "tan", "tanh", "sign", "erf", "reciprocal", "floor", "ceil", "round", "trunc", "sinh", "cosh", "arcsinh",
    "arccosh", "arctanh", "exp2", "rsqrt", "logical_not",
    # binarias
    "add", "subtract", "multiply", "divide", "true_divide", "power", "maximum", "minimum", "clip", "where",
    "equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "logical_and", "logical_or",
    "logical_xor", "matmul", "dot", "outer", "einsum",
    # reducciones
    "sum", "mean", "max", "min", "prod", "std", "var", "argmax", "argmin", "cumsum", "logsumexp", "all", "any",
    # forma
    "reshape", "transpose", "expand_dims", "squeeze", "concatenate", "stack", "split", "flip", "repeat", "tile",
    "roll", "pad", "broadcast_to", "take", "take_along_axis", "swapaxes", "moveaxis", "ravel", "triu", "tril",
    "diagonal", "trace", "ndim", "size",
    # creación
    "zeros", "ones", "zeros_like", "ones_like", "full", "full_like", "arange", "eye", "identity", "linspace",
]


def _method(name, method, doc):
    """keras.ops.<name>(x) = convert_to_tensor(x).<method>()."""
    def fn(x):
        return getattr(convert_to_tensor(x), method)()

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def _operands(x1, x2):
    """(x1, x2) como Tensors; un número o array se convierte al tipo del Tensor que lo acompaña."""
    if isinstance(x1, Tensor):
        return x1, x1._operand(x2)
    if isinstance(x2, Tensor):
        return x2._operand(x1), x2
    x1 = convert_to_tensor(x1)
    return x1, x1._operand(x2)


# ---------------------------------------------------------------- elementales
abs = _method("abs", "abs", "|x|.")
absolute = _method("absolute", "abs", "|x| (el mismo abs).")
negative = _method("negative", "__neg__", "-x.")
square = _method("square", "square", "x².")
sqrt = _method("sqrt", "sqrt", "√x.")
exp = _method("exp", "exp", "e^x.")
expm1 = _method("expm1", "expm1", "e^x - 1, exacta cerca de 0.")
log = _method("log", "log", "Logaritmo natural.")
log1p = _method("log1p", "log1p", "log(1 + x), exacta cerca de 0.")
sin = _method("sin", "sin", "Seno.")
cos = _method("cos", "cos", "Coseno.")
tanh = _method("tanh", "tanh", "Tangente hiperbólica.")
sign = _method("sign", "sign", "-1, 0 o 1 según el signo (gradiente 0).")
erf = _method("erf", "erf", "La función de error.")
trunc = _method("trunc", "trunc", "La parte entera, hacia 0 (gradiente 0).")
sinh = _method("sinh", "sinh", "Seno hiperbólico.")
cosh = _method("cosh", "cosh", "Coseno hiperbólico.")
arcsinh = _method("arcsinh", "arcsinh", "La inversa de sinh.")
arccosh = _method("arccosh", "arccosh", "La inversa de cosh (x >= 1; si no, NaN).")
arctanh = _method("arctanh", "arctanh", "La inversa de tanh (|x| < 1; ±1 da ±inf y fuera, NaN).")
exp2 = _method("exp2", "exp2", "2^x.")
rsqrt = _method("rsqrt", "rsqrt", "1/√x (en Keras, keras.ops.rsqrt está entre las de math).")
logical_not = _method("logical_not", "logical_not", "True donde x es 0 o False: un Tensor de booleanos, sin gradiente.")


def log2(x):
    return convert_to_tensor(x).log() / math.log(2)


def log10(x):
    return convert_to_tensor(x).log() / math.log(10)


def tan(x):
    x = convert_to_tensor(x)
    return x.sin() / x.cos()


def reciprocal(x):
    return 1 / convert_to_tensor(x)


def _no_gradient(fn, x):
    """Funciones escalonadas (floor, ceil): su derivada es 0 o no existe, así que no llevan gradiente."""
    x = convert_to_tensor(x)
    return Tensor(fn(x.data), device=x.device)


def floor(x):
    return _no_gradient(np.floor, x)


def ceil(x):
    return _no_gradient(np.ceil, x)


def round(x, decimals=0):
    """Redondeo al par más cercano en los empates (0.5 -> 0, 1.5 -> 2), como NumPy y Keras (gradiente 0)."""
    return convert_to_tensor(x).round(decimals)


# ---------------------------------------------------------------- binarias
def add(x1, x2):
    x1, x2 = _operands(x1, x2)
    return x1 + x2


def subtract(x1, x2):
    x1, x2 = _operands(x1, x2)
    return x1 - x2


def multiply(x1, x2):
    x1, x2 = _operands(x1, x2)
    return x1 * x2


def divide(x1, x2):
    x1, x2 = _operands(x1, x2)
    return x1 / x2


true_divide = divide


def power(x1, x2):
    x1, x2 = _operands(x1, x2)
    return x1**x2


def maximum(x1, x2):
    x1, x2 = _operands(x1, x2)
    return x1.maximum(x2)


def minimum(x1, x2):
    x1, x2 = _operands(x1, x2)
    return x1.minimum(x2)


def clip(x, x_min, x_max):
    return convert_to_tensor(x).clip(x_min, x_max)


def where(condition, x1=None, x2=None):
    """x1 donde condition es cierta y x2 donde no; sin x1 ni x2, los índices donde es cierta (uno por eje)."""
    if x1 is None and x2 is None:
        return tuple(Tensor(i) for i in np.nonzero(convert_to_tensor(condition).numpy()))
    if x1 is None or x2 is None:
        raise ValueError("where: pasa x1 y x2 (los valores para cierto y falso), o ninguno de los dos para obtener "
                         "los índices donde condition es cierta.")
    return Tensor.where(condition, x1, x2)


def _comparison(name, op):
    """keras.ops.<name>(x1, x2): comparación elemento a elemento, un Tensor de booleanos (sin gradiente)."""
    def fn(x1, x2):
        x1, x2 = _operands(x1, x2)
        return op(x1, x2)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = "Comparación elemento a elemento: un Tensor de booleanos, sin gradiente."
    return fn


equal = _comparison("equal", lambda a, b: a == b)
not_equal = _comparison("not_equal", lambda a, b: a != b)
greater = _comparison("greater", lambda a, b: a > b)
greater_equal = _comparison("greater_equal", lambda a, b: a >= b)
less = _comparison("less", lambda a, b: a < b)
less_equal = _comparison("less_equal", lambda a, b: a <= b)
logical_and = _comparison("logical_and", lambda a, b: a.logical_and(b))
logical_or = _comparison("logical_or", lambda a, b: a.logical_or(b))
logical_xor = _comparison("logical_xor", lambda a, b: a.logical_xor(b))


def matmul(x1, x2):
    x1, x2 = _operands(x1, x2)
    return x1 @ x2


def dot(x1, x2):
    """Como np.dot: producto de matrices (o matriz por vector); con un escalar, el producto elemento a elemento."""
    x1, x2 = _operands(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    if x2.ndim > 2:
        raise ShapeError(
            f"dot con un segundo operando de {x2.ndim} ejes ({shape_str(x2.shape)}) no está admitido: usa matmul "
            "(lotes de matrices) o einsum, que dicen qué ejes se multiplican."
        )
    return x1 @ x2


def outer(x1, x2):
    x1, x2 = _operands(x1, x2)
    return x1.outer(x2)


def einsum(subscripts, *operands, **kwargs):
    """einsum de uno o dos tensores (ver tinygrad_es/einsum.py)."""
    return Tensor.einsum(subscripts, *operands)


# ---------------------------------------------------------------- reducciones
def sum(x, axis=None, keepdims=False):
    return convert_to_tensor(x).sum(axis, keepdims)


def mean(x, axis=None, keepdims=False):
    return convert_to_tensor(x).mean(axis, keepdims)


def max(x, axis=None, keepdims=False, initial=None):
    """Máximo; con `initial`, ese valor entra también en la comparación."""
    out = convert_to_tensor(x).max(axis, keepdims)
    return out if initial is None else out.maximum(initial)


def min(x, axis=None, keepdims=False, initial=None):
    out = convert_to_tensor(x).min(axis, keepdims)
    return out if initial is None else out.minimum(initial)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = convert_to_tensor(x)
    return (x if dtype is None else x.astype(dtype)).prod(axis, keepdims)


def std(x, axis=None, keepdims=False):
    return convert_to_tensor(x).std(axis, keepdims)


def var(x, axis=None, keepdims=False):
    return convert_to_tensor(x).var(axis, keepdims)


def argmax(x, axis=None, keepdims=False):
    return convert_to_tensor(x).argmax(axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return convert_to_tensor(x).argmin(axis, keepdims)


def cumsum(x, axis=None, dtype=None):
    x = convert_to_tensor(x)
    return (x if dtype is None else x.astype(dtype)).cumsum(axis)


def logsumexp(x, axis=None, keepdims=False):
    """log Σ e^x, estable."""
    return convert_to_tensor(x).logsumexp(axis, keepdims)


def all(x, axis=None, keepdims=False):
    return Tensor(np.all(convert_to_tensor(x).numpy(), axis=axis, keepdims=keepdims))


def any(x, axis=None, keepdims=False):
    return Tensor(np.any(convert_to_tensor(x).numpy(), axis=axis, keepdims=keepdims))


# ---------------------------------------------------------------- forma
def reshape(x, newshape):
    return convert_to_tensor(x).reshape(newshape)


def transpose(x, axes=None):
    x = convert_to_tensor(x)
    return x.transpose() if axes is None else x.permute(*axes)


def expand_dims(x, axis):
    """Ejes nuevos de tamaño 1 (axis puede ser una tupla, como en Keras)."""
    x = convert_to_tensor(x)
    axes = (axis,) if not isinstance(axis, (tuple, list)) else tuple(axis)
    for a in sorted(normalize_axes("expand_dims", axes, x.ndim + len(axes))):  # ejes del resultado
        x = x.expand_dims(a)
    return x


def squeeze(x, axis=None):
    return convert_to_tensor(x).squeeze(axis)


def concatenate(xs, axis=0):
    return Tensor.concatenate(xs, axis)


def stack(x, axis=0):
    return Tensor.stack(x, axis)


def split(x, indices_or_sections, axis=0):
    return convert_to_tensor(x).split(indices_or_sections, axis)


def flip(x, axis=None):
    return convert_to_tensor(x).flip(axis)


def repeat(x, repeats, axis=None):
    return convert_to_tensor(x).repeat(repeats, axis=axis)


def tile(x, repeats):
    return convert_to_tensor(x).tile(repeats)


def roll(x, shift, axis=None):
    return convert_to_tensor(x).roll(shift, axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    """Relleno con anchos por lado; constant_values solo vale con mode='constant' (como en Keras)."""
    if constant_values is not None and mode != "constant":
        raise ValueError(f"pad: constant_values solo se usa con mode='constant' y mode es {mode!r}.")
    return convert_to_tensor(x).pad(pad_width, mode=mode, value=0.0 if constant_values is None else constant_values)


def broadcast_to(x, shape):
    return convert_to_tensor(x).broadcast_to(shape)


def take(x, indices, axis=None):
    """Los elementos de x en las posiciones `indices` a lo largo de `axis` (None: de x aplanado)."""
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.flatten(), 0
    (axis,) = normalize_axes("take", axis, x.ndim)
    return x[(slice(None),) * axis + (convert_to_tensor(indices).numpy().astype(np.intp),)]


def take_along_axis(x, indices, axis=None):
    """out[..., i, ...] = x[..., indices[..., i, ...], ...] a lo largo de `axis` (como np.take_along_axis)."""
    return convert_to_tensor(x).take_along_axis(indices, axis)


def swapaxes(x, axis1, axis2):
    return convert_to_tensor(x).swapaxes(axis1, axis2)


def moveaxis(x, source, destination):
    """Lleva los ejes `source` a las posiciones `destination`; los demás conservan su orden."""
    x = convert_to_tensor(x)
    source = normalize_axes("moveaxis", source, x.ndim)
    destination = normalize_axes("moveaxis", destination, x.ndim)
    order = [a for a in range(x.ndim) if a not in source]
    for dest, src in sorted(zip(destination, source)):
        order.insert(dest, src)
    return x.permute(*order)


def ravel(x):
    return convert_to_tensor(x).flatten()


def triu(x, k=0):
    return convert_to_tensor(x).triu(k)


def tril(x, k=0):
    return convert_to_tensor(x).tril(k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """La diagonal de los ejes axis1 y axis2 (desplazada `offset`), como último eje de la salida.

    Con esos dos ejes delante y aplanados en uno, la diagonal es un elemento de cada cols + 1
    (un corte con paso, sin índices de array: vale también en la GPU)."""
    x = moveaxis(x, (axis1, axis2), (0, 1))
    rows, cols, rest = x.shape[0], x.shape[1], x.shape[2:]
    n = builtins.max(0, builtins.min(rows + builtins.min(offset, 0), cols - builtins.max(offset, 0)))
    start = offset if offset >= 0 else -offset * cols
    flat = x.reshape(rows * cols, *rest)[start:start + n * (cols + 1):cols + 1]
    return moveaxis(flat, 0, -1)


def trace(x, offset=0, axis1=0, axis2=1):
    """La suma de la diagonal."""
    return diagonal(x, offset, axis1, axis2).sum(-1)


def ndim(x) -> int:
    return convert_to_tensor(x).ndim


def size(x) -> int:
    return convert_to_tensor(x).size


# ---------------------------------------------------------------- creación
def zeros(shape, dtype=None):
    return Tensor.zeros(shape, dtype=dtype)


def ones(shape, dtype=None):
    return Tensor.ones(shape, dtype=dtype)


def zeros_like(x, dtype=None):
    x = convert_to_tensor(x)
    return Tensor.zeros_like(x, dtype=dtype or x.dtype)


def ones_like(x, dtype=None):
    x = convert_to_tensor(x)
    return Tensor.ones_like(x, dtype=dtype or x.dtype)


def full(shape, fill_value, dtype=None):
    return Tensor.full(shape, fill_value, dtype=dtype)


def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    return Tensor.full_like(x, fill_value, dtype=dtype or x.dtype)


def arange(start, stop=None, step=None, dtype=None):
    return Tensor.arange(start, stop, 1 if step is None else step, dtype=dtype)


def eye(N, M=None, k=0, dtype=None):
    N, M = (integer("eye", name, n, minimum=0) for name, n in (("N", N), ("M", N if M is None else M)))
    return Tensor(np.eye(N, M, integer("eye", "k", k, minimum=None)), dtype=dtype or "float32")


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """num números equiespaciados de start a stop (start y stop, números)."""
    values, step = np.linspace(start, stop, num, endpoint=endpoint, retstep=True, axis=axis)
    out = Tensor(values, dtype=dtype)
    return (out, step) if retstep else out
