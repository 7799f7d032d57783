"""La celda GRU fusionada (Keras, `reset_after=True`): un paso hacia delante y hacia atrás.

Con u unidades y las puertas en el orden de Keras (z, r, h) a lo largo del eje 3u, sesgo de
entrada b_in y sesgo recurrente b_rec (las dos filas del `bias (2, 3u)` de Keras):

    xz, xr, xh = x_t·W + b_in             hz, hr, hh = h_{t-1}·U    (BLAS, fuera de aquí)
    z = σ(xz + hz + b_rec_z)      r = σ(xr + hr + b_rec_r)
    rh = hh + b_rec_h             ĥ = tanh(xh + r·rh)               (el reset DESPUÉS del producto)
    h_t = z·h_{t-1} + (1 - z)·ĥ

El backward, con dh = gradiente de fuera + el que llega de h_{t+1}:

    dz = dh·(h_{t-1} - ĥ)     da = dh·(1 - z)·(1 - ĥ²)     dr = da·rh
    d(x_t·W) = [dz·z(1-z), dr·r(1-r), da]          d(h_{t-1}·U) = [dz·z(1-z), dr·r(1-r), da·r]
    dh_{t-1} = dh·z + d(h_{t-1}·U)·Uᵀ              (el producto, otra vez con BLAS)

Activaciones de `activations.py` (vectorizables en float32); sin hilos: un paso es poco trabajo.
Disposición: matrices `(N, 3u)` y `(N, u)` en orden C. `gates`
entra con h_{t-1}·U y sale con (z, r, ĥ); `rh (N, u)` se guarda para el backward.
"""
import numba
import numpy as np

from .activations import ONE, sigmoid, sigmoid_reference, tanh


# ---------------------------------------------------------------- referencia en NumPy
def gru_cell_forward_reference(xw_t, hu, b_rec, h_prev):
    """xw_t = x_t·W + b_in, hu = h_{t-1}·U. Devuelve (gates (z, r, ĥ) (N, 3u), rh (N, u), h_t)."""
    u = h_prev.shape[1]
    rec = hu + b_rec
    z = sigmoid_reference(xw_t[:, :u] + rec[:, :u])
    r = sigmoid_reference(xw_t[:, u:2 * u] + rec[:, u:2 * u])
    rh = rec[:, 2 * u:]
    hh = np.tanh(xw_t[:, 2 * u:] + r * rh)
    return np.concatenate([z, r, hh], axis=1), rh, z * h_prev + (1 - z) * hh


def gru_cell_backward_reference(dh, gates, rh, h_prev):
    """Devuelve (d(x_t·W), d(h_{t-1}·U), parte directa de dh_{t-1} = dh·z)."""
    z, r, hh = np.split(gates, 3, axis=1)
    dz = dh * (h_prev - hh) * z * (1 - z)
    da = dh * (1 - z) * (1 - hh * hh)
    dr = da * rh * r * (1 - r)
    return np.concatenate([dz, dr, da], axis=1), np.concatenate([dz, dr, da * r], axis=1), dh * z


# ---------------------------------------------------------------- kernels de Numba
@numba.njit(cache=True, error_model="numpy")
def gru_cell_forward(xw_t, gates, b_rec, h_prev, rh, h_out):
    """`gates` entra con h_{t-1}·U y sale con (z, r, ĥ); escribe rh y h_t (en h_out)."""
    n_batch, u = h_prev.shape
    for n in range(n_batch):
        for k in range(u):
            z = sigmoid(xw_t[n, k] + gates[n, k] + b_rec[k])
            r = sigmoid(xw_t[n, u + k] + gates[n, u + k] + b_rec[u + k])
            rec = gates[n, 2 * u + k] + b_rec[2 * u + k]
            hh = tanh(xw_t[n, 2 * u + k] + r * rec)
            gates[n, k] = z
            gates[n, u + k] = r
            gates[n, 2 * u + k] = hh
            rh[n, k] = rec
            h_out[n, k] = z * h_prev[n, k] + (ONE - z) * hh


@numba.njit(cache=True, error_model="numpy")
def gru_cell_backward(dh_out, dh_next, gates, rh, h_prev, dxw, dhu, dh_direct):
    """dh = dh_out + dh_next; escribe dxw = d(x_t·W), dhu = d(h_{t-1}·U) y dh_direct = dh·z."""
    n_batch, u = h_prev.shape
    for n in range(n_batch):
        for k in range(u):
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
