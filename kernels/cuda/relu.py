"""El backward de ReLU fusionado con la suma por columnas del gradiente del sesgo, en la GPU.

El gemelo de `kernels/cpu/relu.py` (la referencia): con g = dL/dy tras `y = relu(x·W + b)`,

    dz = g · (y > 0)          db = Σ_filas dz   (se acumula en `colsum`)

Lanzamiento: un hilo por columna k (F hilos en total), que baja por todas las filas
escribiendo dz[r, k] y sumando en un registro; al final, colsum[k] += la suma. Hilos vecinos
leen columnas vecinas de la misma fila: accesos coalescidos. Sin carreras: cada hilo es el
único que escribe su columna de dz y su casilla de colsum.
Disposición: matrices (filas, F) contiguas en orden C; `colsum` (F,).
"""
from numba import cuda

from .launch import THREADS_PER_BLOCK, blocks_for


@cuda.jit
def _relu_backward_colsum_kernel(grad, out, dz, colsum):
    k = cuda.grid(1)
    rows, f = grad.shape
    if k >= f:
        return
    acc = colsum[k] * 0
    for r in range(rows):
        v = grad[r, k] if out[r, k] > 0 else grad[r, k] * 0
        dz[r, k] = v
        acc += v
    colsum[k] += acc


def relu_backward_colsum(grad, out, dz, colsum, threads=THREADS_PER_BLOCK):
    """dz = grad·(out > 0); colsum += Σ_filas dz. Todas las matrices (filas, F), `colsum` (F,)."""
    _relu_backward_colsum_kernel[blocks_for(grad.shape[1], threads), threads](grad, out, dz, colsum)
