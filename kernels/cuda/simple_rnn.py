"""La celda recurrente simple (SimpleRNN de Keras, activación tanh) en la GPU: un paso adelante y atrás.

Las mismas ecuaciones, firmas y disposición que `kernels/cpu/simple_rnn.py`:

    h_t = tanh(x_t·W + b + h_{t-1}·U)        (los productos, con el kernel de matmul.py)
    da = dh·(1 - h_t²)                        (dh = gradiente de fuera + el de h_{t+1})
    d(x_t·W) = d(h_{t-1}·U) = da              dh_{t-1} = da·Uᵀ (otra vez con matmul)

Disposición: matrices `(N, u)` contiguas en orden C; `h_out` entra con h_{t-1}·U y sale con h_t.
Lanzamiento: un hilo por elemento (n, k), N·u hilos.
"""
import math

from numba import cuda

from .elementwise import ONE
from .launch import THREADS_PER_BLOCK, blocks_for


@cuda.jit
def _forward_kernel(xw_t, h_out):
    n_batch, u = h_out.shape
    t = cuda.grid(1)
    if t < n_batch * u:
        n, k = t // u, t % u
        h_out[n, k] = math.tanh(xw_t[n, k] + h_out[n, k])


@cuda.jit
def _backward_kernel(dh_out, dh_next, h, da):
    n_batch, u = h.shape
    t = cuda.grid(1)
    if t < n_batch * u:
        n, k = t // u, t % u
        da[n, k] = (dh_out[n, k] + dh_next[n, k]) * (ONE - h[n, k] * h[n, k])


def simple_rnn_cell_forward(xw_t, h_out, threads=THREADS_PER_BLOCK):
    """`h_out` entra con h_{t-1}·U y sale con h_t = tanh(xw_t + h_{t-1}·U)."""
    _forward_kernel[blocks_for(h_out.size, threads), threads](xw_t, h_out)


def simple_rnn_cell_backward(dh_out, dh_next, h, da, threads=THREADS_PER_BLOCK):
    """Escribe da = (dh_out + dh_next)·(1 - h²)."""
    _backward_kernel[blocks_for(h.size, threads), threads](dh_out, dh_next, h, da)
