"""La celda LSTM fusionada en la GPU: un paso de tiempo hacia delante y hacia atrás.

Las mismas ecuaciones, firmas y disposición que `kernels/cpu/lstm.py` (allí está la
explicación completa). Puertas en el orden de Keras (i, f, c, o) a lo largo del eje 4u:

    z = x_t·W + b + h_{t-1}·U          (un producto, con el kernel de matmul.py)
    i = σ(z_i)  f = σ(z_f)  g = tanh(z_c)  o = σ(z_o)
    c_t = f·c_{t-1} + i·g              h_t = o·tanh(c_t)

    dc = dc_{t+1} + dh·o·(1 - tanh²(c_t))
    dz = [dc·g·i(1-i), dc·c_{t-1}·f(1-f), dc·i·(1-g²), dh·tanh(c_t)·o(1-o)]
    dc_{t-1} = dc·f                    (y dh_{t-1} = dz·Uᵀ, otra vez con matmul)

"Fusionada" quiere decir que todo lo que va después de los productos (cuatro activaciones,
estado de celda y salida) es UN kernel: cada valor se lee de la memoria global una vez, en
vez de una vez por operación elemental.

Disposición: `(N, 4u)` y `(N, u)` contiguos en orden C. `gates` entra con z y sale con las
puertas activadas (i, f, g, o), que es lo que guarda el backward.
Lanzamiento: un hilo por pareja (n, k) de lote y unidad, N·u hilos; hilos consecutivos
tienen unidades consecutivas (accesos coalescidos dentro de cada cuarto de `gates`).
"""
import math

from numba import cuda

from .elementwise import ONE, sigmoid
from .launch import THREADS_PER_BLOCK, blocks_for


@cuda.jit
def _forward_kernel(gates, c_prev, c_out, h_out):
    n_batch, u = c_prev.shape
    t = cuda.grid(1)
    if t >= n_batch * u:
        return
    n, k = t // u, t % u
    i = sigmoid(gates[n, k])
    f = sigmoid(gates[n, u + k])
    g = math.tanh(gates[n, 2 * u + k])
    o = sigmoid(gates[n, 3 * u + k])
    c = f * c_prev[n, k] + i * g
    gates[n, k] = i
    gates[n, u + k] = f
    gates[n, 2 * u + k] = g
    gates[n, 3 * u + k] = o
    c_out[n, k] = c
    h_out[n, k] = o * math.tanh(c)


@cuda.jit
def _backward_kernel(dh_out, dh_next, dc, gates, c_prev, c):
    n_batch, u = c.shape
    t = cuda.grid(1)
    if t >= n_batch * u:
        return
    n, k = t // u, t % u
    i = gates[n, k]
    f = gates[n, u + k]
    g = gates[n, 2 * u + k]
    o = gates[n, 3 * u + k]
    tc = math.tanh(c[n, k])
    dh = dh_out[n, k] + dh_next[n, k]
    dct = dc[n, k] + dh * o * (ONE - tc * tc)
    gates[n, k] = dct * g * i * (ONE - i)
    gates[n, u + k] = dct * c_prev[n, k] * f * (ONE - f)
    gates[n, 2 * u + k] = dct * i * (ONE - g * g)
    gates[n, 3 * u + k] = dh * tc * o * (ONE - o)
    dc[n, k] = dct * f


def lstm_cell_forward(gates, c_prev, c_out, h_out, threads=THREADS_PER_BLOCK):
    """`gates` entra con z y sale con (i, f, g, o); escribe c_t en c_out y h_t en h_out."""
    _forward_kernel[blocks_for(c_prev.size, threads), threads](gates, c_prev, c_out, h_out)


def lstm_cell_backward(dh_out, dh_next, dc, gates, c_prev, c, threads=THREADS_PER_BLOCK):
    """dh = dh_out + dh_next. `dc` entra con dc_{t+1} y sale con dc_{t-1}; `gates` entra con (i, f, g, o) y
    sale con dz (N, 4u): cada hilo lee sus cuatro puertas antes de escribir encima."""
    _backward_kernel[blocks_for(c.size, threads), threads](dh_out, dh_next, dc, gates, c_prev, c)
