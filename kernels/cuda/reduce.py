"""Reducciones en la GPU (suma y máximo a lo largo de un eje) con un árbol en memoria compartida.

El array se ve como `(outer, n, inner)`, con `n` el eje que se reduce (outer = producto de los
ejes anteriores, inner = de los posteriores; `axis=None` es `(1, size, 1)`). La salida tiene
`outer·inner` elementos y

    out[o, q] = Σ_j x[o, j, q]        (o el máximo)

Lanzamiento: un bloque de T hilos (potencia de 2) por elemento de salida. Dos fases:

1. Cada hilo t recorre j = t, t+T, t+2T, ... y acumula su parte en un registro. Así un bloque
   de T hilos reduce cualquier n, por grande que sea.
2. Árbol en memoria compartida: los T parciales se escriben en `partial[T]`; en cada ronda la
   mitad de los hilos suma su casilla con la de "enfrente" (t y t + T/2, luego t + T/4, ...),
   con `syncthreads()` entre rondas para que nadie lea una casilla a medio escribir. Tras
   log2(T) rondas `partial[0]` tiene el resultado; el hilo 0 lo escribe.

       T=8:  [a b c d e f g h] -> [a+e b+f c+g d+h] -> [a+e+c+g b+f+d+h] -> [total]

`block_reduce` (la fase 2) es una función de dispositivo, para que el árbol se lea aparte del
recorrido de la fase 1. Disposición: `x` contiguo en orden C, visto como vector.
"""
import functools
import math

import numba
from numba import cuda

from .launch import THREADS_PER_BLOCK, flat


@cuda.jit(device=True)
def _sum(a, b):
    return a + b


@cuda.jit(device=True)
def _max(a, b):
    return a if a >= b else b


COMBINE = {"sum": _sum, "max": _max}
IDENTITY = {"sum": 0.0, "max": -math.inf}  # el valor que no cambia el resultado al combinarlo


def check_tree_threads(threads):
    """El árbol parte el bloque por la mitad en cada ronda: necesita una potencia de 2 de hilos."""
    if threads < 1 or threads & (threads - 1):
        raise ValueError(f"el árbol necesita una potencia de 2 de hilos por bloque y recibió {threads}")


@functools.cache
def block_reduce(name):
    """Función de dispositivo `block_reduce(partial, valor) -> total`: la llaman TODOS los hilos del bloque.

    Cada hilo aporta su valor y todos reciben el total. `partial` es un array de memoria
    compartida de T casillas (potencia de 2) creado por el kernel; se puede reutilizar para
    la reducción siguiente (el último `syncthreads` garantiza que todos leyeron el total).
    """
    combine = COMBINE[name]

    @cuda.jit(device=True)
    def reduce_in_block(partial, value):
        t = cuda.threadIdx.x
        partial[t] = value
        cuda.syncthreads()
        step = partial.size // 2
        while step > 0:  # el árbol: log2(T) rondas
            if t < step:
                partial[t] = combine(partial[t], partial[t + step])
            cuda.syncthreads()
            step //= 2
        total = partial[0]
        cuda.syncthreads()
        return total

    return reduce_in_block


@functools.cache
def _reduce_kernel(name, threads, dtype):
    combine, reduce_in_block = COMBINE[name], block_reduce(name)
    identity = IDENTITY[name]

    @cuda.jit
    def kernel(x, out, n, inner):
        partial = cuda.shared.array(threads, dtype)
        o = cuda.blockIdx.x
        base = (o // inner) * n * inner + o % inner  # x[o // inner, 0, o % inner]
        acc = dtype(identity)
        for j in range(cuda.threadIdx.x, n, threads):  # fase 1: cada hilo, su parte
            acc = combine(acc, x[base + j * inner])
        total = reduce_in_block(partial, acc)  # fase 2: el árbol
        if cuda.threadIdx.x == 0:
            out[o] = total

    return kernel


def reduce(name, x, out, axis=None, threads=THREADS_PER_BLOCK):
    """out = suma o máximo de `x` a lo largo de `axis` (un entero o None); `out` tiene la forma reducida."""
    if name not in COMBINE:
        raise ValueError(f"reducción desconocida {name!r}: las disponibles son {sorted(COMBINE)}")
    check_tree_threads(threads)
    if axis is None:
        outer, n, inner = 1, x.size, 1
    else:
        axis = axis % x.ndim
        outer, n, inner = math.prod(x.shape[:axis]), x.shape[axis], math.prod(x.shape[axis + 1:])
    if out.size != outer * inner:
        raise ValueError(f"reduce esperaba una salida de {outer * inner} elementos y recibió {out.size}")
    kernel = _reduce_kernel(name, threads, numba.from_dtype(x.dtype))
    kernel[outer * inner, threads](flat(x), flat(out), n, inner)
