"""La celda recurrente simple (SimpleRNN de Keras, activación tanh): un paso adelante y atrás.

    h_t = tanh(x_t·W + b + h_{t-1}·U)        (los productos los hace BLAS fuera de aquí)

Backward, con dh = gradiente de fuera + el que llega de h_{t+1}:

    da = dh·(1 - h_t²)        d(x_t·W) = d(h_{t-1}·U) = da        dh_{t-1} = da·Uᵀ (BLAS)

tanh de `activations.py` (vectorizable en float32); sin hilos: un paso es poco trabajo.
Disposición: matrices `(N, u)` en orden C. `h_out` entra con
h_{t-1}·U (calculado por BLAS directamente ahí) y sale con h_t.
"""
import numba
import numpy as np

from . import JIT
from .activations import ONE, tanh


# ---------------------------------------------------------------- referencia en NumPy
# --8<-- [start:forward_reference]
def simple_rnn_cell_forward_reference(xw_t, hu):
    """xw_t = x_t·W + b, hu = h_{t-1}·U. Devuelve h_t."""
    return np.tanh(xw_t + hu)
# --8<-- [end:forward_reference]


def simple_rnn_cell_backward_reference(dh, h):
    """Devuelve da = dh·(1 - h²), el gradiente de la preactivación (de x_t·W y de h_{t-1}·U)."""
    return dh * (1 - h * h)


# ---------------------------------------------------------------- kernels de Numba
# --8<-- [start:forward]
@numba.njit(**JIT)
def simple_rnn_cell_forward(xw_t, h_out):
    """`h_out` entra con h_{t-1}·U y sale con h_t = tanh(xw_t + h_{t-1}·U)."""
    n_batch, u = h_out.shape
    for n in range(n_batch):
        x_row, h_row = xw_t[n], h_out[n]  # vistas 1D: el bucle interior se vectoriza
        for k in range(u):
            h_row[k] = tanh(x_row[k] + h_row[k])
# --8<-- [end:forward]


@numba.njit(**JIT)
def simple_rnn_cell_backward(dh_out, dh_next, h, da):
    """Escribe da = (dh_out + dh_next)·(1 - h²)."""
    n_batch, u = h.shape
    for n in range(n_batch):
        d_out, d_next, h_row, da_row = dh_out[n], dh_next[n], h[n], da[n]
        for k in range(u):
            da_row[k] = (d_out[k] + d_next[k]) * (ONE - h_row[k] * h_row[k])
