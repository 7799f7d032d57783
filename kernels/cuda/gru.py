"""La celda GRU fusionada en la GPU: un paso hacia delante y hacia atrás, con las dos variantes de Keras.

Las mismas ecuaciones, firmas y disposición que `kernels/cpu/gru.py` (allí está la explicación
completa). Puertas en el orden de Keras (z, r, h) a lo largo del eje 3u:

    xz, xr, xh = x_t·W + b_in          hz, hr, hh = h_{t-1}·U     (con el kernel de matmul.py)
    z = σ(xz + hz + b_rec_z)   r = σ(xr + hr + b_rec_r)
    rh = hh + b_rec_h          ĥ = tanh(xh + r·rh)                (el reset DESPUÉS del producto)
    h_t = z·h_{t-1} + (1 - z)·ĥ

    dz = dh·(h_{t-1} - ĥ)   da = dh·(1 - z)·(1 - ĥ²)   dr = da·rh
    d(x_t·W) = [dz·z(1-z), dr·r(1-r), da]      d(h_{t-1}·U) = [dz·z(1-z), dr·r(1-r), da·r]
    dh_{t-1} = dh·z + d(h_{t-1}·U)·Uᵀ          (el producto, otra vez con matmul)

Con reset_after=False, el reset va antes del producto por U_h: cada paso son dos kernels con un
producto en medio, adelante (`gru_reset_before_gates`, rh·U_h, `gru_reset_before_output`) y atrás
(`gru_reset_before_backward_output`, da·U_hᵀ, `gru_reset_before_backward_gates`); las ecuaciones
están en kernels/cpu/gru.py.

Disposición: `(N, 3u)` y `(N, u)` contiguos en orden C; `gates` entra con h_{t-1}·U (con
reset_after=False, con x_t·W + b) y sale con (z, r, ĥ); `rh (N, u)` se guarda para el backward.
Lanzamiento: un hilo por pareja (n, k) de lote y unidad, N·u hilos.
"""
import math

from numba import cuda

from .elementwise import ONE, sigmoid
from .launch import THREADS_PER_BLOCK, blocks_for


@cuda.jit
def _forward_kernel(xw_t, gates, b_rec, h_prev, rh, h_out):
    n_batch, u = h_prev.shape
    t = cuda.grid(1)
    if t >= n_batch * u:
        return
    n, k = t // u, t % u
    z = sigmoid(xw_t[n, k] + gates[n, k] + b_rec[k])
    r = sigmoid(xw_t[n, u + k] + gates[n, u + k] + b_rec[u + k])
    rec = gates[n, 2 * u + k] + b_rec[2 * u + k]
    hh = math.tanh(xw_t[n, 2 * u + k] + r * rec)
    gates[n, k] = z
    gates[n, u + k] = r
    gates[n, 2 * u + k] = hh
    rh[n, k] = rec
    h_out[n, k] = z * h_prev[n, k] + (ONE - z) * hh


@cuda.jit
def _backward_kernel(dh_out, dh_next, gates, rh, h_prev, dxw, dhu, dh_direct):
    n_batch, u = h_prev.shape
    t = cuda.grid(1)
    if t >= n_batch * u:
        return
    n, k = t // u, t % u
    z = gates[n, k]
    r = gates[n, u + k]
    hh = gates[n, 2 * u + k]
    dh = dh_out[n, k] + dh_next[n, k]
    dz = dh * (h_prev[n, k] - hh) * z * (ONE - z)
    da = dh * (ONE - z) * (ONE - hh * hh)
    dr = da * rh[n, k] * r * (ONE - r)
    dxw[n, k] = dz
    dxw[n, u + k] = dr
    dxw[n, 2 * u + k] = da
    dhu[n, k] = dz
    dhu[n, u + k] = dr
    dhu[n, 2 * u + k] = da * r
    dh_direct[n, k] = dh * z


@cuda.jit
def _reset_before_gates_kernel(hu, gates, h_prev, rh):
    n_batch, u = h_prev.shape
    t = cuda.grid(1)
    if t >= n_batch * u:
        return
    n, k = t // u, t % u
    z = sigmoid(gates[n, k] + hu[n, k])
    r = sigmoid(gates[n, u + k] + hu[n, u + k])
    gates[n, k] = z
    gates[n, u + k] = r
    rh[n, k] = r * h_prev[n, k]


@cuda.jit
def _reset_before_output_kernel(ru, gates, h_prev, h_out):
    n_batch, u = h_prev.shape
    t = cuda.grid(1)
    if t >= n_batch * u:
        return
    n, k = t // u, t % u
    z = gates[n, k]
    hh = math.tanh(gates[n, 2 * u + k] + ru[n, k])
    gates[n, 2 * u + k] = hh
    h_out[n, k] = z * h_prev[n, k] + (ONE - z) * hh


@cuda.jit
def _reset_before_backward_output_kernel(dh_out, dh_next, gates, h_prev, dxw, dh_direct):
    n_batch, u = h_prev.shape
    t = cuda.grid(1)
    if t >= n_batch * u:
        return
    n, k = t // u, t % u
    z = gates[n, k]
    hh = gates[n, 2 * u + k]
    dh = dh_out[n, k] + dh_next[n, k]
    dxw[n, k] = dh * (h_prev[n, k] - hh) * z * (ONE - z)
    dxw[n, 2 * u + k] = dh * (ONE - z) * (ONE - hh * hh)
    dh_direct[n, k] = dh * z


@cuda.jit
def _reset_before_backward_gates_kernel(d_rh, gates, h_prev, dxw, dh_direct):
    n_batch, u = h_prev.shape
    t = cuda.grid(1)
    if t >= n_batch * u:
        return
    n, k = t // u, t % u
    r = gates[n, u + k]
    dxw[n, u + k] = d_rh[n, k] * h_prev[n, k] * r * (ONE - r)
    dh_direct[n, k] += d_rh[n, k] * r


def gru_cell_forward(xw_t, gates, b_rec, h_prev, rh, h_out, threads=THREADS_PER_BLOCK):
    """`gates` entra con h_{t-1}·U y sale con (z, r, ĥ); escribe rh y h_t (en h_out)."""
    _forward_kernel[blocks_for(h_prev.size, threads), threads](xw_t, gates, b_rec, h_prev, rh, h_out)


def gru_cell_backward(dh_out, dh_next, gates, rh, h_prev, dxw, dhu, dh_direct, threads=THREADS_PER_BLOCK):
    """dh = dh_out + dh_next; escribe dxw = d(x_t·W), dhu = d(h_{t-1}·U) y dh_direct = dh·z."""
    _backward_kernel[blocks_for(h_prev.size, threads), threads](dh_out, dh_next, gates, rh, h_prev,
                                                                 dxw, dhu, dh_direct)


def gru_reset_before_gates(hu, gates, h_prev, rh, threads=THREADS_PER_BLOCK):
    """reset_after=False: `gates` (con x_t·W + b) sale con z y r; escribe rh = r·h_{t-1}."""
    _reset_before_gates_kernel[blocks_for(h_prev.size, threads), threads](hu, gates, h_prev, rh)


def gru_reset_before_output(ru, gates, h_prev, h_out, threads=THREADS_PER_BLOCK):
    """reset_after=False: con ru = (r·h_{t-1})·U_h, la tercera parte de `gates` sale con ĥ; escribe h_t."""
    _reset_before_output_kernel[blocks_for(h_prev.size, threads), threads](ru, gates, h_prev, h_out)


def gru_reset_before_backward_output(dh_out, dh_next, gates, h_prev, dxw, dh_direct, threads=THREADS_PER_BLOCK):
    """reset_after=False: escribe las partes z y ĥ de dxw y dh_direct = (dh_out + dh_next)·z."""
    _reset_before_backward_output_kernel[blocks_for(h_prev.size, threads), threads](dh_out, dh_next, gates, h_prev,
                                                                                     dxw, dh_direct)


def gru_reset_before_backward_gates(d_rh, gates, h_prev, dxw, dh_direct, threads=THREADS_PER_BLOCK):
    """reset_after=False: escribe la parte r de dxw y suma d(r·h_{t-1})·r a dh_direct."""
    _reset_before_backward_gates_kernel[blocks_for(h_prev.size, threads), threads](d_rh, gates, h_prev, dxw,
                                                                                    dh_direct)
