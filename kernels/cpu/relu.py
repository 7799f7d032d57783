"""El backward de ReLU fusionado con la suma por columnas que da el gradiente del sesgo.

Tras una capa `y = relu(x·W + b)` el backward necesita, con g = dL/dy:

    dz = g · (y > 0)          (la ReLU deja pasar el gradiente solo donde la salida es positiva)
    db = Σ_filas dz            (el sesgo se sumó a cada fila)

Con NumPy son tres pasadas por memoria (la máscara, el producto y la suma) y dos arrays
temporales; aquí es una sola pasada, fila a fila, que además deja dz listo para los productos
de BLAS (dW = colsᵀ·dz, dcols = dz·Wᵀ). La usa `ops/conv.py` trozo a trozo del lote.

Disposición: matrices (filas, F) en orden C; `colsum` (F,) acumula (no se pone a cero aquí).
"""
import numba

from . import JIT


def relu_backward_colsum_reference(grad, out):
    """(dz, Σ_filas dz) con NumPy."""
    dz = grad * (out > 0)
    return dz, dz.sum(axis=0)


@numba.njit(**JIT)
def relu_backward_colsum(grad, out, dz, colsum):
    """dz = grad·(out > 0); colsum += Σ_filas dz. Todas las matrices (filas, F), `colsum` (F,)."""
    rows, f = grad.shape
    for r in range(rows):
        g, y, d = grad[r], out[r], dz[r]  # vistas 1D: el bucle de k se vectoriza
        for k in range(f):
            v = g[k] if y[k] > 0 else g[k] * 0
            d[k] = v
            colsum[k] += v
