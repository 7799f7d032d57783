"""`CudaArray`: un array en la GPU que entiende las funciones de NumPy.

Las operaciones de `ops/` están escritas con NumPy: `np.exp(a)`, `np.sum(a, axis=1)`, `a @ b`,
`np.where(c, a, b)`... Para que esas mismas líneas funcionen en la GPU sin duplicarlas,
CudaArray usa los dos protocolos con que NumPy deja que otro tipo de array se encargue:

- NEP 13, `__array_ufunc__`: cuando una "ufunc" (np.add, np.exp, np.maximum, np.greater...,
  también los operadores +, *, >, que NumPy traduce a ufuncs) recibe un CudaArray, NumPy no
  calcula nada: llama a `CudaArray.__array_ufunc__(ufunc, ...)`.
- NEP 18, `__array_function__`: lo mismo para el resto de funciones (np.sum, np.transpose,
  np.broadcast_to, np.where, np.pad, np.concatenate...).

Las dos buscan la función en una tabla, `UFUNCS` o `FUNCTIONS`, que se lee como un diccionario
"función de NumPy -> kernel CUDA de kernels/cuda/"; una función que no está en la tabla es un
error que dice cuál es y qué operación la pidió.

Un CudaArray envuelve un array de dispositivo de Numba (`.dev`), siempre contiguo en orden C.
Como en NumPy, reshape y los cortes que quedan contiguos (`x[2:5]`, `x[t]`) son vistas que
comparten la memoria (se puede escribir en ellas, p. ej. con `out=`); las demás vistas de NumPy
(cortes con saltos, transposiciones, broadcast_to) aquí son copias con pasos (un kernel). Nada vuelve a la CPU sin
pedirlo: `.numpy()`, `.item()` y `float()` copian a la CPU; `np.asarray(cuda_array)` es un
error, para que ninguna copia pase sin que se vea.

Importar este módulo no importa `numba.cuda`: sólo se importa al crear el primer CudaArray.
"""
import functools
import importlib
import math
import sys
import types

import numpy as np


@functools.cache
def _kernels(family):
    """El módulo kernels/cuda/<family> (importarlo importa numba.cuda: sólo cuando hace falta)."""
    return importlib.import_module(f"tinygrad_es.kernels.cuda.{family}")


def _cuda():
    from numba import cuda

    return cuda


def _most_threads():
    """Máximo de hilos por bloque: 256 en la GPU; 4 en el simulador, donde cada hilo es un hilo de Python y
    cada syncthreads() una espera entre ellos (con 4 siguen probándose el árbol y los bordes de bloque)."""
    from .cuda import simulator_enabled

    return 4 if simulator_enabled() else 256


def threads_for(n):
    """Hilos por bloque: la potencia de 2 que cubre n, hasta el máximo (los arrays pequeños no malgastan hilos)."""
    return min(MOST_THREADS, 1 << max(0, int(n) - 1).bit_length())


MOST_THREADS = _most_threads()


class CudaArray:
    __slots__ = ("dev",)
    # Sin vistas de sólo lectura (broadcast_to copia), así que siempre se puede escribir: autograd lo mira.
    flags = types.SimpleNamespace(writeable=True)

    def __init__(self, dev):
        self.dev = dev  # numba DeviceNDArray contiguo

    # ------------------------------------------------------------ crear y copiar a la CPU
    @staticmethod
    def from_numpy(array) -> "CudaArray":
        array = np.asarray(array)  # (np.ascontiguousarray convertiría un array de 0 ejes en uno de 1)
        return CudaArray(_cuda().to_device(array if array.flags.c_contiguous else array.copy(order="C")))

    @staticmethod
    def empty(shape, dtype) -> "CudaArray":
        return CudaArray(_cuda().device_array(tuple(shape), dtype=np.dtype(dtype)))

    @staticmethod
    def full(shape, value, dtype) -> "CudaArray":
        out = CudaArray.empty(shape, dtype)
        _kernels("elementwise").fill(out.dev, out.dtype.type(value), threads=threads_for(out.size))
        return out

    def numpy(self) -> np.ndarray:
        """Copia a la CPU (un array de NumPy)."""
        return self.dev.copy_to_host()

    def item(self):
        return self.numpy().item()

    def __float__(self):
        return float(self.item())

    def __array__(self, dtype=None, copy=None):
        raise TypeError(
            f"Este array (forma {self.shape}) vive en la GPU y NumPy lo quiso leer en la CPU sin pedirlo: "
            "cópialo explícitamente con .numpy() (o tensor.cpu()), o usa una función de NumPy que tenga kernel CUDA."
        )

    # ------------------------------------------------------------ información
    shape = property(lambda self: tuple(self.dev.shape))
    dtype = property(lambda self: np.dtype(self.dev.dtype))
    ndim = property(lambda self: len(self.dev.shape))
    size = property(lambda self: math.prod(self.dev.shape))
    nbytes = property(lambda self: self.size * self.dtype.itemsize)
    T = property(lambda self: np.transpose(self))

    def __len__(self):
        return self.shape[0]

    def __repr__(self):
        return f"CudaArray(forma={self.shape}, dtype={self.dtype})"

    # ------------------------------------------------------------ métodos de ndarray
    def reshape(self, *shape):
        shape = _resolve_shape(shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape,
                               self.size)
        return CudaArray(self.dev.reshape(shape))

    def astype(self, dtype, copy=True):
        dtype = np.dtype(dtype)
        if dtype == self.dtype and not copy:
            return self
        out = CudaArray.empty(self.shape, dtype)
        _strided_copy(self, out, 0, _c_strides(self.shape))
        return out

    def copy(self):
        return self.astype(self.dtype)

    def sum(self, axis=None, keepdims=False):
        return _reduce("sum", self, axis, keepdims)

    def max(self, axis=None, keepdims=False):
        return _reduce("max", self, axis, keepdims)

    def mean(self, axis=None, keepdims=False):
        total = self.sum(axis, keepdims)
        return total / (self.size // max(total.size, 1))

    def var(self, axis=None, keepdims=False):
        centered = self - self.mean(axis, keepdims=True)
        return (centered * centered).mean(axis, keepdims)

    def transpose(self, *axes):
        return np.transpose(self, axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list)) else axes or None)

    def swapaxes(self, a, b):
        return np.swapaxes(self, a, b)

    def __getitem__(self, index):
        from ..ops.movement import is_basic_index  # (aquí: ops importa runtime al cargarse)

        if is_basic_index(index):
            return _view(self, lambda p: p[_as_view_index(index)])
        rows = _row_index(index, self.shape)
        out = CudaArray.empty(rows.shape + self.shape[1:], self.dtype)
        _kernels("movement").gather_rows(self.dev, rows.dev, out.dev, threads=threads_for(out.size))
        return out

    def __setitem__(self, index, value):
        from ..ops.movement import is_basic_index

        if not is_basic_index(index):
            raise _unsupported("la asignación con índices avanzados (arrays o máscaras)")
        shape, offset, strides = _layout(self.shape, lambda p: p[_as_view_index(index)])
        value = value if isinstance(value, CudaArray) else CudaArray.from_numpy(np.asarray(value, self.dtype))
        _kernels("movement").strided_write(_broadcast_to(value, shape).dev, self.dev, offset, strides,
                                           threads=threads_for(math.prod(shape)))

    # ------------------------------------------------------------ operadores: NumPy los resuelve con las ufuncs
    def __add__(self, o): return np.add(self, o)
    def __radd__(self, o): return np.add(o, self)
    def __sub__(self, o): return np.subtract(self, o)
    def __rsub__(self, o): return np.subtract(o, self)
    def __mul__(self, o): return np.multiply(self, o)
    def __rmul__(self, o): return np.multiply(o, self)
    def __truediv__(self, o): return np.true_divide(self, o)
    def __rtruediv__(self, o): return np.true_divide(o, self)
    def __pow__(self, o): return np.power(self, o)
    def __rpow__(self, o): return np.power(o, self)
    def __matmul__(self, o): return np.matmul(self, o)
    def __rmatmul__(self, o): return np.matmul(o, self)
    def __neg__(self): return np.negative(self)
    def __gt__(self, o): return np.greater(self, o)
    def __ge__(self, o): return np.greater_equal(self, o)
    def __lt__(self, o): return np.less(self, o)
    def __le__(self, o): return np.less_equal(self, o)
    def __eq__(self, o): return np.equal(self, o)
    def __ne__(self, o): return np.not_equal(self, o)
    def __iadd__(self, o): return np.add(self, o, out=self)
    def __isub__(self, o): return np.subtract(self, o, out=self)
    def __imul__(self, o): return np.multiply(self, o, out=self)
    __hash__ = object.__hash__

    # ------------------------------------------------------------ los dos protocolos de NumPy
    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        if method == "at" and ufunc is np.add:
            return _add_at(*inputs)
        if method != "__call__" or ufunc not in UFUNCS or kwargs:
            name = ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}"
            raise _unsupported(f"np.{name}" + (f" con {sorted(kwargs)}" if kwargs else ""))
        out = out[0] if isinstance(out, tuple) else out
        return UFUNCS[ufunc](ufunc, *inputs, out=out)

    def __array_function__(self, func, types, args, kwargs):
        if func not in FUNCTIONS:
            raise _unsupported(f"np.{func.__name__}")
        return FUNCTIONS[func](*args, **kwargs)


# ================================================================ ayudantes
def _calling_op() -> str:
    """El nombre de la operación (Function) que está ejecutándose, para los mensajes de error."""
    from ..autograd import Function

    frame = sys._getframe(1)
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, Function):
            return type(candidate).__name__
        frame = frame.f_back
    return "(fuera de una operación)"


def _unsupported(what) -> Exception:
    return NotImplementedError(
        f"{what} no tiene todavía kernel CUDA en tinygrad_es, y lo pidió la operación {_calling_op()} con un tensor "
        "en la GPU: mueve ese tensor a la CPU con .cpu() o añade el kernel en kernels/cuda/ y su entrada en las "
        "tablas UFUNCS/FUNCTIONS de tinygrad_es/runtime/cuda_array.py."
    )


def _mixed_devices(function) -> Exception:
    return TypeError(
        f"{function} recibió un array de la GPU ('cuda') y un array de NumPy ('cpu') en la operación "
        f"{_calling_op()}: los dos deben vivir en el mismo dispositivo; mueve uno con .to('cuda') o .to('cpu')."
    )


def _c_strides(shape):
    """Pasos (en elementos) de un array contiguo en orden C de forma `shape`."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= n
    return tuple(reversed(strides))


def _probe(shape):
    """Un array de NumPy "sonda" con la forma dada y sin memoria propia (1 byte por elemento, nunca se lee).

    Sus vistas (p[1:, ::2], np.transpose(p), np.broadcast_to(p, forma)...) las calcula NumPy con
    sus propias reglas, y de ellas se leen la forma, los pasos y el desplazamiento que luego usa
    el kernel de copia con pasos: así no se reescriben aquí las reglas de indexación de NumPy.
    """
    base = np.zeros(1, np.uint8)
    return np.lib.stride_tricks.as_strided(base, shape=tuple(shape), strides=_c_strides(shape), writeable=False)


def _layout(shape, make_view):
    """(forma, desplazamiento, pasos) de la vista `make_view(sonda)` de un array contiguo de forma `shape`."""
    probe = _probe(shape)
    view = make_view(probe)
    offset = view.__array_interface__["data"][0] - probe.__array_interface__["data"][0]  # 1 byte por elemento
    return view.shape, int(offset), view.strides


def _strided_copy(src, out, offset, strides):
    _kernels("movement").strided_copy(src.dev, out.dev, offset, strides, threads=threads_for(out.size))


def _resolve_shape(shape, size):
    """La forma de reshape con un -1 resuelto, como NumPy."""
    shape = tuple(int(s) for s in shape)
    if -1 in shape:
        known = math.prod(s for s in shape if s != -1)
        shape = tuple(size // known if s == -1 else s for s in shape)
    if math.prod(shape) != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {shape}")
    return shape


def _as_view_index(index):
    """El índice con `...` al final si no lo tiene: así x[1, 2] de NumPy es una vista de 0 ejes y no un escalar."""
    parts = index if isinstance(index, tuple) else (index,)
    return parts if any(p is Ellipsis for p in parts) else parts + (Ellipsis,)


def _row_index(index, shape) -> CudaArray:
    """Un índice avanzado admitido: un array de enteros sobre el primer eje (x[idx]); en la GPU, int64."""
    if isinstance(index, tuple) and len(index) == 1:
        index = index[0]
    if isinstance(index, CudaArray) and index.dtype.kind in "iu":
        return index.astype(np.int64, copy=False)
    if isinstance(index, (list, np.ndarray)) and np.asarray(index).dtype.kind in "iu":
        return CudaArray.from_numpy(np.asarray(index, dtype=np.int64) % shape[0])  # negativos, como NumPy
    raise _unsupported("la indexación avanzada salvo un array de enteros sobre el primer eje (x[idx])")


def _array_args(function, *values):
    """Escalares y CudaArray, bien; un array de NumPy de 1 o más ejes es mezclar dispositivos."""
    for v in values:
        if isinstance(v, np.ndarray) and v.ndim > 0:
            raise _mixed_devices(function)


def _dtype_of(v):
    """El dtype con que cuenta NumPy: los escalares de Python son "débiles" (no suben el tipo del array)."""
    if isinstance(v, (CudaArray, np.ndarray, np.generic)):
        return v.dtype
    return type(v)


def _output(out, shape, dtype):
    return out if out is not None else CudaArray.empty(shape, dtype)


# ================================================================ ufuncs -> kernels de elementwise.py y matmul.py
def _unary(kernel):
    def run(ufunc, x, out=None):
        _, dtype = ufunc.resolve_dtypes((x.dtype, None))
        out = _output(out, x.shape, dtype)
        _kernels("elementwise").unary(kernel, x.dev, out.dev, threads=threads_for(out.size))
        return out

    return run


def _binary(kernel):
    def run(ufunc, a, b, out=None):
        _array_args(f"np.{ufunc.__name__}", a, b)
        *inputs, dtype = ufunc.resolve_dtypes((_dtype_of(a), _dtype_of(b), None))
        elementwise = _kernels("elementwise")
        if isinstance(a, CudaArray) and isinstance(b, CudaArray):
            out = _output(out, np.broadcast_shapes(a.shape, b.shape), dtype)
            elementwise.binary(kernel, a.dev, b.dev, out.dev, threads=threads_for(out.size))
        else:  # un escalar: va como argumento del kernel, convertido al tipo con que NumPy calcularía
            scalar_first = not isinstance(a, CudaArray)
            array, scalar = (b, a) if scalar_first else (a, b)
            scalar = inputs[0 if scalar_first else 1].type(scalar)
            out = _output(out, array.shape, dtype)
            elementwise.binary_scalar(kernel, array.dev, scalar, out.dev, scalar_first, threads=threads_for(out.size))
        return out

    return run


def _matmul(ufunc, a, b, out=None):
    """a @ b con lotes: cada matriz del lote es un lanzamiento del kernel 2D por teselas."""
    _array_args("np.matmul", a, b)
    a2 = a.reshape(1, a.shape[0]) if a.ndim == 1 else a  # vector -> matriz de una fila ...
    b2 = b.reshape(b.shape[0], 1) if b.ndim == 1 else b  # ... o de una columna
    (m, k), n = a2.shape[-2:], b2.shape[-1]
    if b2.shape[-2] != k:
        raise ValueError(f"matmul: las formas {a.shape} y {b.shape} no encajan ({k} != {b2.shape[-2]}).")
    batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    a3 = _broadcast_to(a2, batch + (m, k)).reshape(-1, m, k)
    b3 = _broadcast_to(b2, batch + (k, n)).reshape(-1, k, n)
    _, _, dtype = ufunc.resolve_dtypes((a.dtype, b.dtype, None))
    direct = out is not None and out.shape == (m, n) and a.ndim == b.ndim == 2  # escribir en `out` sin copiar
    result = out.reshape(1, m, n) if direct else CudaArray.empty((a3.shape[0], m, n), dtype)
    tile = max(2, min(16, threads_for(max(m, n))))  # teselas pequeñas para matrices pequeñas (y en el simulador)
    for i in range(a3.shape[0]):
        _kernels("matmul").matmul(a3.dev[i], b3.dev[i], result.dev[i], tile=tile)
    shape = batch + ((m,) if a.ndim > 1 else ()) + ((n,) if b.ndim > 1 else ())
    result = result.reshape(shape)
    if out is not None and not direct:
        out[...] = result
        return out
    return result


def _add_at(out, index, values):
    """np.add.at(out, idx, valores): suma con atómicas (los índices pueden repetirse)."""
    rows = _row_index(index, out.shape)
    values = _broadcast_to(values, rows.shape + out.shape[1:])
    _kernels("movement").scatter_add_rows(values.dev, rows.dev, out.dev, threads=threads_for(values.size))


UFUNCS = {  # función de NumPy -> kernel CUDA
    np.add: _binary("add"),                          # elementwise.binary / binary_scalar
    np.subtract: _binary("sub"),
    np.multiply: _binary("mul"),
    np.true_divide: _binary("div"),
    np.power: _binary("pow"),
    np.maximum: _binary("maximum"),
    np.minimum: _binary("minimum"),
    np.greater: _binary("greater"),
    np.greater_equal: _binary("greater_equal"),
    np.less: _binary("less"),
    np.less_equal: _binary("less_equal"),
    np.equal: _binary("equal"),
    np.not_equal: _binary("not_equal"),
    np.negative: _unary("neg"),                      # elementwise.unary
    np.exp: _unary("exp"),
    np.log: _unary("log"),
    np.log1p: _unary("log1p"),
    np.expm1: _unary("expm1"),
    np.sin: _unary("sin"),
    np.cos: _unary("cos"),
    np.absolute: _unary("abs"),
    np.tanh: _unary("tanh"),
    np.sign: _unary("sign"),
    np.sqrt: _unary("sqrt"),
    np.isfinite: _unary("isfinite"),
    np.matmul: _matmul,                              # matmul.matmul, una vez por matriz del lote
    # np.add.at (scatter-add): movement.scatter_add_rows, ver __array_ufunc__
}


# ================================================================ funciones -> kernels de reduce.py y movement.py
def _reduce(kernel, a, axis=None, keepdims=False, out=None, **_):
    """Suma o máximo sobre varios ejes: un lanzamiento de reduce.reduce por eje, del último al primero."""
    if out is not None:
        raise _unsupported(f"np.{kernel}(..., out=...)")
    if kernel == "sum" and a.dtype.kind in "bui":
        a = a.astype(np.int64)  # como NumPy: sumar booleanos o enteros da int64
    axes = range(a.ndim) if axis is None else (axis,) if isinstance(axis, (int, np.integer)) else axis
    axes = sorted({int(ax) % max(a.ndim, 1) for ax in axes}, reverse=True) if a.ndim else []
    x = a
    for ax in axes:
        shape = x.shape[:ax] + (1,) + x.shape[ax + 1:]
        reduced = CudaArray.empty(shape, x.dtype)
        _kernels("reduce").reduce(kernel, x.dev, reduced.dev, axis=ax, threads=threads_for(x.shape[ax]))
        x = reduced
    if x is a:
        x = a.copy()
    return x if keepdims else x.reshape(tuple(n for i, n in enumerate(a.shape) if i not in axes))


def _view(a, make_view):
    """Una vista de NumPy (un corte, transpose, broadcast_to...): si es contigua, una vista de verdad de
    la misma memoria; si no, una copia contigua con pasos."""
    shape, offset, strides = _layout(a.shape, make_view)
    if shape and strides == _c_strides(shape):  # contigua: el trozo [offset, offset + tamaño) del vector
        return CudaArray(a.dev.reshape(a.size)[offset:offset + math.prod(shape)].reshape(shape))
    out = CudaArray.empty(shape, a.dtype)
    _strided_copy(a, out, offset, strides)
    return out


def _broadcast_to(a, shape, subok=False):
    shape = tuple(shape)
    return a if a.shape == shape else _view(a, lambda p: np.broadcast_to(p, shape))


def _transpose(a, axes=None):
    return _view(a, lambda p: np.transpose(p, axes))


def _swapaxes(a, axis1, axis2):
    return _view(a, lambda p: np.swapaxes(p, axis1, axis2))


def _expand_dims(a, axis):
    return a.reshape(np.expand_dims(_probe(a.shape), axis).shape)


def _squeeze(a, axis=None):
    return a.reshape(np.squeeze(_probe(a.shape), axis).shape)


def _reshape(a, shape, **_):
    return a.reshape(shape)


def _where(condition, x, y):
    _array_args("np.where", condition, x, y)
    dtype = np.result_type(*(v.dtype if isinstance(v, CudaArray) else v for v in (x, y)))
    # un escalar se sube como array de 0 ejes: el kernel lo difunde
    x, y = (v if isinstance(v, CudaArray) else CudaArray.from_numpy(np.asarray(v, dtype)) for v in (x, y))
    condition = condition.astype(bool, copy=False)
    out = CudaArray.empty(np.broadcast_shapes(condition.shape, x.shape, y.shape), dtype)
    _kernels("movement").where(condition.dev, x.dev, y.dev, out.dev, threads=threads_for(out.size))
    return out


def _clip(a, a_min=None, a_max=None, **_):
    if a_min is not None:
        a = np.maximum(a, a_min)
    return a if a_max is None else np.minimum(a, a_max)


def _pad(array, pad_width, mode="constant", constant_values=0):
    if mode != "constant":
        raise _unsupported(f"np.pad con mode={mode!r}")
    pad_width = np.broadcast_to(np.asarray(pad_width), (array.ndim, 2))
    out = CudaArray.full([n + int(b) + int(e) for n, (b, e) in zip(array.shape, pad_width)], constant_values,
                         array.dtype)
    out[tuple(slice(int(b), int(b) + n) for n, (b, _) in zip(array.shape, pad_width))] = array
    return out


def _concatenate(arrays, axis=0, out=None, dtype=None, casting=None):
    arrays = list(arrays)
    _array_args("np.concatenate", *arrays)
    axis = axis % arrays[0].ndim
    if any(a.ndim != arrays[0].ndim or a.shape[:axis] + a.shape[axis + 1:] != arrays[0].shape[:axis] +
           arrays[0].shape[axis + 1:] for a in arrays):
        raise ValueError("concatenate: las formas deben coincidir en todos los ejes menos en el de la unión")
    shape = list(arrays[0].shape)
    shape[axis] = sum(a.shape[axis] for a in arrays)
    result = _output(out, shape, dtype or np.result_type(*[a.dtype for a in arrays]))
    start = 0
    for a in arrays:  # cada trozo, escrito en su franja con movement.strided_write
        result[(slice(None),) * axis + (slice(start, start + a.shape[axis]),)] = a
        start += a.shape[axis]
    return result


def _split(ary, indices_or_sections, axis=0):
    n = ary.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        step = n // int(indices_or_sections)
        cuts = list(range(step, n, step))
    else:
        cuts = [int(c) for c in indices_or_sections]
    bounds = [0, *cuts, n]
    lead = (slice(None),) * (axis % ary.ndim)
    return [ary[lead + (slice(a, b),)] for a, b in zip(bounds[:-1], bounds[1:])]


def _full_like(a, fill_value, dtype=None, order=None, subok=None, shape=None):
    return CudaArray.full(a.shape if shape is None else _shape_tuple(shape), fill_value, dtype or a.dtype)


def _shape_tuple(shape):
    return (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)


def _argmax(a, axis=None, out=None, keepdims=False):
    shape = () if axis is None else tuple(n for i, n in enumerate(a.shape) if i != axis % a.ndim)
    result = CudaArray.empty(shape, np.int64)
    _kernels("movement").argmax(a.dev, result.dev, axis=axis, threads=threads_for(result.size))
    if keepdims:
        result = result.reshape((1,) * a.ndim if axis is None else np.expand_dims(_probe(shape), axis).shape)
    return result


def _all(a, axis=None, **_):
    """np.all de un CudaArray: la respuesta (un bool de Python) hay que leerla en la CPU."""
    if axis is not None:
        raise _unsupported("np.all con axis")
    return bool(np.all(a.numpy()))


FUNCTIONS = {  # función de NumPy -> kernel CUDA
    np.sum: lambda a, axis=None, dtype=None, out=None, keepdims=False, **kw: _reduce("sum", a, axis, keepdims, out),
    np.max: lambda a, axis=None, out=None, keepdims=False, **kw: _reduce("max", a, axis, keepdims, out),  # reduce
    np.transpose: _transpose,                        # movement.strided_copy
    np.swapaxes: _swapaxes,                          # movement.strided_copy
    np.broadcast_to: _broadcast_to,                  # movement.strided_copy (pasos 0)
    np.concatenate: _concatenate,                    # movement.strided_write, un trozo cada vez
    np.pad: _pad,                                    # elementwise.fill + movement.strided_write
    np.stack: lambda arrays, axis=0, out=None, **kw: _concatenate([np.expand_dims(a, axis) for a in arrays], axis, out),
    np.split: _split,                                # movement.strided_copy, un trozo cada vez
    np.where: _where,                                # movement.where
    np.result_type: lambda *args: np.result_type(*[a.dtype if isinstance(a, CudaArray) else a for a in args]),
    np.argmax: _argmax,                              # movement.argmax
    np.argmin: lambda a, axis=None, out=None, keepdims=False: _argmax(-a, axis, out, keepdims),
    np.clip: _clip,                                  # elementwise: maximum y minimum
    np.zeros_like: lambda a, dtype=None, order=None, subok=None, shape=None: _full_like(a, 0, dtype, shape=shape),
    np.ones_like: lambda a, dtype=None, order=None, subok=None, shape=None: _full_like(a, 1, dtype, shape=shape),
    np.empty_like: lambda a, dtype=None, order=None, subok=None, shape=None: CudaArray.empty(
        a.shape if shape is None else _shape_tuple(shape), dtype or a.dtype),  # sin kernel: sin inicializar
    np.full_like: _full_like,                        # elementwise.fill
    np.vdot: lambda a, b: np.sum(a * b),             # elementwise + reduce
    np.all: _all,                                    # (lee el resultado en la CPU)
    np.expand_dims: _expand_dims,                    # sin kernel: reshape comparte la memoria
    np.squeeze: _squeeze,
    np.reshape: _reshape,
}
