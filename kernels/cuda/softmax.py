"""Softmax y entropía cruzada (desde logits) en la GPU, por filas sobre el último eje.

Para una fila de logits z (C clases) y etiquetas y (one-hot o probabilidades, misma forma):

    m = max_c z_c                         (restarlo evita que exp desborde; no cambia el cociente)
    s = Σ_c e^(z_c - m)
    p_c = e^(z_c - m) / s                 (softmax)
    L = -Σ_c y_c·(z_c - m - log s)        (entropía cruzada = -Σ y·log_softmax(z))
    dL/dz_c = p_c·Σy - y_c                (= p - y con etiquetas one-hot)

Son las mismas cuentas que `SoftmaxCrossEntropy` en `tinygrad_es/ops/loss.py` (la referencia).

Lanzamiento: un bloque de T hilos (potencia de 2) por fila. Cada hilo recorre las clases
c = t, t+T, ... acumulando su parte, y `block_reduce` (de reduce.py: el árbol en memoria
compartida) junta las T partes: primero el máximo, luego la suma de exponenciales y, en la
entropía cruzada, Σ y·log p. El mismo array compartido `partial` sirve para las tres.
Disposición: `(filas, C)` contiguos en orden C (se admiten más ejes delante: se ven como filas).
"""
import functools
import math

import numba
from numba import cuda

from .launch import THREADS_PER_BLOCK, flat
from .reduce import block_reduce, check_tree_threads


@functools.cache
def _softmax_kernels(threads, dtype):
    """Los tres kernels para un tamaño de bloque y un tipo: softmax, entropía cruzada y su backward."""
    block_max, block_sum = block_reduce("max"), block_reduce("sum")

    @cuda.jit(device=True)
    def row_max_and_sum(z, base, classes, partial):
        """(m, s) de la fila que empieza en z[base]; la llaman todos los hilos del bloque."""
        m = dtype(-math.inf)
        for c in range(cuda.threadIdx.x, classes, threads):
            m = max(m, z[base + c])
        m = block_max(partial, m)
        s = dtype(0)
        for c in range(cuda.threadIdx.x, classes, threads):
            s += math.exp(z[base + c] - m)
        return m, block_sum(partial, s)

    @cuda.jit
    def softmax_kernel(z, probs, classes):
        partial = cuda.shared.array(threads, dtype)
        base = cuda.blockIdx.x * classes
        m, s = row_max_and_sum(z, base, classes, partial)
        for c in range(cuda.threadIdx.x, classes, threads):
            probs[base + c] = math.exp(z[base + c] - m) / s

    @cuda.jit
    def cross_entropy_kernel(z, y, probs, loss, classes):
        partial = cuda.shared.array(threads, dtype)
        row = cuda.blockIdx.x
        base = row * classes
        m, s = row_max_and_sum(z, base, classes, partial)
        log_s = math.log(s)
        part = dtype(0)
        for c in range(cuda.threadIdx.x, classes, threads):
            probs[base + c] = math.exp(z[base + c] - m) / s
            part += y[base + c] * (z[base + c] - m - log_s)
        total = block_sum(partial, part)
        if cuda.threadIdx.x == 0:
            loss[row] = -total

    @cuda.jit
    def cross_entropy_backward_kernel(probs, y, grad, dz, classes):
        partial = cuda.shared.array(threads, dtype)
        row = cuda.blockIdx.x
        base = row * classes
        part = dtype(0)
        for c in range(cuda.threadIdx.x, classes, threads):
            part += y[base + c]
        y_total = block_sum(partial, part)
        for c in range(cuda.threadIdx.x, classes, threads):
            dz[base + c] = (probs[base + c] * y_total - y[base + c]) * grad[row]

    return softmax_kernel, cross_entropy_kernel, cross_entropy_backward_kernel


def _rows_and_kernels(z, threads):
    check_tree_threads(threads)
    *_, classes = z.shape
    return z.size // classes, classes, _softmax_kernels(threads, numba.from_dtype(z.dtype))


def softmax(z, probs, threads=THREADS_PER_BLOCK):
    """probs = softmax(z) sobre el último eje."""
    rows, classes, (kernel, _, _) = _rows_and_kernels(z, threads)
    kernel[rows, threads](flat(z), flat(probs), classes)


def softmax_cross_entropy(z, y, probs, loss, threads=THREADS_PER_BLOCK):
    """loss (filas,) = -Σ y·log_softmax(z) por fila; deja softmax(z) en `probs` para el backward."""
    rows, classes, (_, kernel, _) = _rows_and_kernels(z, threads)
    kernel[rows, threads](flat(z), flat(y), flat(probs), flat(loss), classes)


def softmax_cross_entropy_backward(probs, y, grad, dz, threads=THREADS_PER_BLOCK):
    """dz = (probs·Σy - y)·grad, con `grad (filas,)` el gradiente de la pérdida de cada fila."""
    rows, classes, (_, _, kernel) = _rows_and_kernels(probs, threads)
    kernel[rows, threads](flat(probs), flat(y), flat(grad), flat(dz), classes)
