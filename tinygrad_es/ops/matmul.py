"""Producto de matrices (vectores, matrices y lotes de matrices), con BLAS a través de NumPy.

Si C = A @ B, entonces dL/dA = dL/dC @ Bᵀ y dL/dB = Aᵀ @ dL/dC. Los vectores se tratan como
matrices de una fila (a la izquierda) o una columna (a la derecha), y los ejes de lote que se
difundieron se suman de vuelta.

Los productos 2-D grandes se reparten por filas entre los hilos (`threads.matmul`): dentro de
tinygrad_es BLAS trabaja con un solo hilo (ver `runtime/threads.py`), así que sin este reparto una
capa Dense grande usaría un único núcleo.
"""
import numpy as np

from ..autograd import Function, unbroadcast
from ..runtime import threads

# Por debajo de ~4 millones de multiplicaciones, repartir en hilos cuesta más de lo que ahorra.
PARALLEL_MIN_MULTIPLIES = 1 << 22


def _product(a, b):
    """a @ b, repartido entre los hilos si es un producto de matrices grande."""
    if a.ndim == 2 and b.ndim == 2 and a.shape[0] * a.shape[1] * b.shape[1] >= PARALLEL_MIN_MULTIPLIES:
        return threads.matmul(a, b)
    return a @ b


# --8<-- [start:matmul]
class MatMul(Function):
    def forward(self, a, b):
        self.save_for_backward(a, b)
        return _product(a, b)

    def backward(self, grad):
        a, b = self.saved
        a2 = a[None, :] if a.ndim == 1 else a  # vector -> matriz (1, n)
        b2 = b[:, None] if b.ndim == 1 else b  # vector -> matriz (n, 1)
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        g2 = grad.reshape(*batch, a2.shape[-2], b2.shape[-1])  # el gradiente con los ejes de los vectores
        da = db = None
        if self.needs_grad[0]:
            da = unbroadcast(_product(g2, np.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
        if self.needs_grad[1]:
            db = unbroadcast(_product(np.swapaxes(a2, -1, -2), g2), b2.shape).reshape(b.shape)
        return da, db
# --8<-- [end:matmul]
