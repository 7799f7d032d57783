"""Mover datos en la GPU sin aritmética: copias con pasos, selección (where), gather/scatter-add y argmax.

Son las piezas con que `tinygrad_es.cuda_array.CudaArray` hace en la GPU lo que NumPy hace con
vistas y copias. La referencia de cada una es la función de NumPy que imita (ver
tests/test_device.py).

**Copia con pasos.** Una vista de NumPy (un corte `x[1:, ::2]`, una transposición, un
broadcast_to) es el mismo bloque de memoria leído con otro desplazamiento y otros pasos
(strides, aquí contados en elementos): el elemento (i_0, ..., i_{d-1}) de la vista es

    x[offset + Σ_d i_d · stride_d]

con paso 0 en un eje difundido y paso negativo en un corte al revés. `strided_copy` materializa
una vista así en un array contiguo (un hilo por elemento de salida, que saca sus índices
dividiendo por la forma, como los kernels binarios de elementwise.py), y `strided_write` hace
lo contrario: escribe un array contiguo dentro de una vista de otro (`out[1:3] = src`, el
relleno de pad, los trozos de concatenate). Con estas dos, transponer, difundir, cortar,
rellenar y concatenar son un solo kernel cada una.

**where.** `out = cond ? a : b` elemento a elemento, con broadcasting de los tres.

**gather / scatter-add por filas.** `x[idx]` con un array de enteros sobre el primer eje copia
filas enteras: out[j, q] = x[idx[j], q]. Su backward, `np.add.at(out, idx, g)`, suma cada fila
del gradiente en la fila de la que salió; si un índice se repite, dos hilos suman en la misma
casilla a la vez, y por eso se usa `cuda.atomic.add` (una suma que el hardware no deja partir).

**argmax.** El array se ve como (outer, n, inner), como en reduce.py; un hilo por salida
recorre su eje y se queda con el primer máximo (el mismo desempate que NumPy).

Disposición: arrays contiguos en orden C vistos como vectores; los pasos y formas llegan como
arrays de enteros. Lanzamiento: un hilo por elemento (o por fila en gather/scatter).
"""
import numpy as np
from numba import cuda

from .launch import THREADS_PER_BLOCK, blocks_for, flat


@cuda.jit
def _strided_copy_kernel(x, out, offset, shape, strides):
    k = cuda.grid(1)
    if k >= out.size:
        return
    rest, source = k, offset
    for d in range(shape.size - 1, -1, -1):
        i = rest % shape[d]
        rest //= shape[d]
        source += i * strides[d]
    out[k] = x[source]


@cuda.jit
def _strided_write_kernel(src, out, offset, shape, strides):
    k = cuda.grid(1)
    if k >= src.size:
        return
    rest, target = k, offset
    for d in range(shape.size - 1, -1, -1):
        i = rest % shape[d]
        rest //= shape[d]
        target += i * strides[d]
    out[target] = src[k]


@cuda.jit
def _where_kernel(cond, a, b, out, shape, c_strides, a_strides, b_strides):
    k = cuda.grid(1)
    if k >= out.size:
        return
    rest, kc, ka, kb = k, 0, 0, 0
    for d in range(shape.size - 1, -1, -1):
        i = rest % shape[d]
        rest //= shape[d]
        kc += i * c_strides[d]
        ka += i * a_strides[d]
        kb += i * b_strides[d]
    out[k] = a[ka] if cond[kc] else b[kb]


@cuda.jit
def _gather_rows_kernel(x, index, out, row_size):
    k = cuda.grid(1)
    if k >= out.size:
        return
    j, q = k // row_size, k % row_size
    out[k] = x[index[j] * row_size + q]


@cuda.jit
def _scatter_add_rows_kernel(src, index, out, row_size):
    k = cuda.grid(1)
    if k >= src.size:
        return
    j, q = k // row_size, k % row_size
    cuda.atomic.add(out, index[j] * row_size + q, src[k])


@cuda.jit
def _argmax_kernel(x, out, n, inner):
    o = cuda.grid(1)
    if o >= out.size:
        return
    base = (o // inner) * n * inner + o % inner
    best, best_j = x[base], 0
    for j in range(1, n):
        value = x[base + j * inner]
        if value > best:  # estricto: en un empate gana el primero, como en NumPy
            best, best_j = value, j
    out[o] = best_j


# ---------------------------------------------------------------- lanzadores
def _ints(values):
    return np.array(values if len(values) else (1,), dtype=np.int64)


def strided_copy(x, out, offset, strides, threads=THREADS_PER_BLOCK):
    """out (contiguo) = la vista de `x` que empieza en `offset` con `strides` (en elementos) y la forma de `out`."""
    shape = out.shape if out.ndim else (1,)
    _strided_copy_kernel[blocks_for(out.size, threads), threads](
        flat(x), flat(out), offset, _ints(shape), _ints(strides if out.ndim else (0,)))


def strided_write(src, out, offset, strides, threads=THREADS_PER_BLOCK):
    """La vista de `out` que empieza en `offset` con `strides` (y la forma de `src`) = src."""
    shape = src.shape if src.ndim else (1,)
    _strided_write_kernel[blocks_for(src.size, threads), threads](
        flat(src), flat(out), offset, _ints(shape), _ints(strides if src.ndim else (0,)))


def where(cond, a, b, out, threads=THREADS_PER_BLOCK):
    """out = np.where(cond, a, b), con broadcasting; `out` ya tiene la forma difundida de los tres."""
    from .elementwise import broadcast_strides

    shape = _ints(out.shape)
    strides = [broadcast_strides(arr.shape, shape) for arr in (cond, a, b)]
    _where_kernel[blocks_for(out.size, threads), threads](flat(cond), flat(a), flat(b), flat(out), shape, *strides)


def gather_rows(x, index, out, threads=THREADS_PER_BLOCK):
    """out = x[index] con `index` un array de enteros (ya en [0, x.shape[0])) sobre el primer eje."""
    row_size = x.size // x.shape[0] if x.shape[0] else 0
    _gather_rows_kernel[blocks_for(out.size, threads), threads](flat(x), flat(index), flat(out), max(row_size, 1))


def scatter_add_rows(src, index, out, threads=THREADS_PER_BLOCK):
    """np.add.at(out, index, src): suma cada fila de `src` en la fila index[j] de `out` (con atómicas)."""
    row_size = out.size // out.shape[0] if out.shape[0] else 0
    _scatter_add_rows_kernel[blocks_for(src.size, threads), threads](
        flat(src), flat(index), flat(out), max(row_size, 1))


def argmax(x, out, axis=None, threads=THREADS_PER_BLOCK):
    """out = np.argmax(x, axis) (un entero o None); `out` (int64) tiene la forma reducida."""
    if axis is None:
        outer, n, inner = 1, x.size, 1
    else:
        axis = axis % x.ndim
        outer, n, inner = int(np.prod(x.shape[:axis])), x.shape[axis], int(np.prod(x.shape[axis + 1:]))
    _argmax_kernel[blocks_for(outer * inner, threads), threads](flat(x), flat(out), n, inner)
