"""La celda GRU fusionada: un paso hacia delante y hacia atrás, con las dos variantes de Keras.

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

Con `reset_after=False` (Keras 2.2, y opción en Keras 3) el reset va ANTES del producto por
U_h, y el sesgo es uno solo, b (3u,), sumado ya en x_t·W + b:

    z = σ(xz + h_{t-1}·U_z)   r = σ(xr + h_{t-1}·U_r)             (gru_reset_before_gates)
    rh = r·h_{t-1}            ĥ = tanh(xh + rh·U_h)               (el producto, con BLAS, entre medias)
    h_t = z·h_{t-1} + (1 - z)·ĥ                                   (gru_reset_before_output)

Su backward también tiene un producto en medio:

    dz = dh·(h_{t-1} - ĥ)     da = dh·(1 - z)·(1 - ĥ²)            (gru_reset_before_backward_output)
    d(rh) = da·U_hᵀ                                               (BLAS)
    dr = d(rh)·h_{t-1}        dh_{t-1} = dh·z + d(rh)·r + [dz·z(1-z), dr·r(1-r)]·U_zrᵀ
    d(x_t·W) = [dz·z(1-z), dr·r(1-r), da]                         (gru_reset_before_backward_gates)

Activaciones de `activations.py` (vectorizables en float32); sin hilos: un paso es poco trabajo.
Disposición: matrices `(N, 3u)` y `(N, u)` en orden C. Con reset_after=True `gates` entra con
h_{t-1}·U y sale con (z, r, ĥ); `rh (N, u)` se guarda para el backward. Con reset_after=False
`gates` entra con x_t·W + b y sale con (z, r, ĥ), y `rh` es r·h_{t-1}.
"""
import numba
import numpy as np

from . import JIT
from .activations import ONE, sigmoid, sigmoid_reference, tanh


# ---------------------------------------------------------------- referencia en NumPy
# --8<-- [start:forward_reference]
def gru_cell_forward_reference(xw_t, hu, b_rec, h_prev):
    """xw_t = x_t·W + b_in, hu = h_{t-1}·U. Devuelve (gates (z, r, ĥ) (N, 3u), rh (N, u), h_t)."""
    u = h_prev.shape[1]
    rec = hu + b_rec
    z = sigmoid_reference(xw_t[:, :u] + rec[:, :u])
    r = sigmoid_reference(xw_t[:, u:2 * u] + rec[:, u:2 * u])
    rh = rec[:, 2 * u:]
    hh = np.tanh(xw_t[:, 2 * u:] + r * rh)
    return np.concatenate([z, r, hh], axis=1), rh, z * h_prev + (1 - z) * hh
# --8<-- [end:forward_reference]


def gru_cell_backward_reference(dh, gates, rh, h_prev):
    """Devuelve (d(x_t·W), d(h_{t-1}·U), parte directa de dh_{t-1} = dh·z)."""
    z, r, hh = np.split(gates, 3, axis=1)
    dz = dh * (h_prev - hh) * z * (1 - z)
    da = dh * (1 - z) * (1 - hh * hh)
    dr = da * rh * r * (1 - r)
    return np.concatenate([dz, dr, da], axis=1), np.concatenate([dz, dr, da * r], axis=1), dh * z


def gru_reset_before_forward_reference(xw_t, h_prev, U):
    """reset_after=False: xw_t = x_t·W + b. Devuelve (gates (z, r, ĥ), rh = r·h_{t-1}, h_t)."""
    u = h_prev.shape[1]
    hu = h_prev @ U[:, :2 * u]
    z = sigmoid_reference(xw_t[:, :u] + hu[:, :u])
    r = sigmoid_reference(xw_t[:, u:2 * u] + hu[:, u:])
    rh = r * h_prev
    hh = np.tanh(xw_t[:, 2 * u:] + rh @ U[:, 2 * u:])
    return np.concatenate([z, r, hh], axis=1), rh, z * h_prev + (1 - z) * hh


def gru_reset_before_backward_reference(dh, gates, h_prev, U):
    """reset_after=False: devuelve (d(x_t·W), dh_{t-1}); dh ya incluye el gradiente que llega de h_{t+1}."""
    u = h_prev.shape[1]
    z, r, hh = np.split(gates, 3, axis=1)
    dz = dh * (h_prev - hh) * z * (1 - z)
    da = dh * (1 - z) * (1 - hh * hh)
    d_rh = da @ U[:, 2 * u:].T
    dr = d_rh * h_prev * r * (1 - r)
    d_zr = np.concatenate([dz, dr], axis=1)
    return np.concatenate([d_zr, da], axis=1), dh * z + d_rh * r + d_zr @ U[:, :2 * u].T


# ---------------------------------------------------------------- kernels de Numba
@numba.njit(**JIT)
def gru_cell_forward(xw_t, gates, b_rec, h_prev, rh, h_out):
    """`gates` entra con h_{t-1}·U y sale con (z, r, ĥ); escribe rh y h_t (en h_out)."""
    n_batch, u = h_prev.shape
    bz, br, bh = b_rec[:u], b_rec[u:2 * u], b_rec[2 * u:]
    for n in range(n_batch):
        # una vista 1D por puerta: así el compilador ve vectores independientes y vectoriza
        xz, xr, xh = xw_t[n, :u], xw_t[n, u:2 * u], xw_t[n, 2 * u:]
        gz, gr, gh = gates[n, :u], gates[n, u:2 * u], gates[n, 2 * u:]
        h_before, rec_h, h_new = h_prev[n], rh[n], h_out[n]
        for k in range(u):
            z = sigmoid(xz[k] + gz[k] + bz[k])
            r = sigmoid(xr[k] + gr[k] + br[k])
            rec = gh[k] + bh[k]
            hh = tanh(xh[k] + r * rec)
            gz[k], gr[k], gh[k] = z, r, hh
            rec_h[k] = rec
            h_new[k] = z * h_before[k] + (ONE - z) * hh


@numba.njit(**JIT)
def gru_cell_backward(dh_out, dh_next, gates, rh, h_prev, dxw, dhu, dh_direct):
    """dh = dh_out + dh_next; escribe dxw = d(x_t·W), dhu = d(h_{t-1}·U) y dh_direct = dh·z."""
    n_batch, u = h_prev.shape
    for n in range(n_batch):
        gz, gr, gh = gates[n, :u], gates[n, u:2 * u], gates[n, 2 * u:]
        xz, xr, xh = dxw[n, :u], dxw[n, u:2 * u], dxw[n, 2 * u:]
        hz, hr, hh_ = dhu[n, :u], dhu[n, u:2 * u], dhu[n, 2 * u:]
        d_out, d_next, rec_h, h_before, direct = dh_out[n], dh_next[n], rh[n], h_prev[n], dh_direct[n]
        for k in range(u):
            z, r, hh = gz[k], gr[k], gh[k]
            dh = d_out[k] + d_next[k]
            dz = dh * (h_before[k] - hh) * z * (ONE - z)
            da = dh * (ONE - z) * (ONE - hh * hh)
            dr = da * rec_h[k] * r * (ONE - r)
            xz[k], xr[k], xh[k] = dz, dr, da
            hz[k], hr[k], hh_[k] = dz, dr, da * r
            direct[k] = dh * z


@numba.njit(**JIT)
def gru_reset_before_gates(hu, gates, h_prev, rh):
    """reset_after=False. hu = h_{t-1}·U_zr (N, 2u); `gates` entra con x_t·W + b y sale con z y r en sus 2u
    primeras columnas (la tercera parte, x_t·W_h + b_h, sigue igual); escribe rh = r·h_{t-1}."""
    n_batch, u = h_prev.shape
    for n in range(n_batch):
        hz, hr, gz, gr = hu[n, :u], hu[n, u:], gates[n, :u], gates[n, u:2 * u]
        h_before, reset_h = h_prev[n], rh[n]
        for k in range(u):
            z = sigmoid(gz[k] + hz[k])
            r = sigmoid(gr[k] + hr[k])
            gz[k], gr[k] = z, r
            reset_h[k] = r * h_before[k]


@numba.njit(**JIT)
def gru_reset_before_output(ru, gates, h_prev, h_out):
    """reset_after=False. ru = (r·h_{t-1})·U_h (N, u); la tercera parte de `gates` sale con ĥ; escribe h_t."""
    n_batch, u = h_prev.shape
    for n in range(n_batch):
        gz, gh, reset_u = gates[n, :u], gates[n, 2 * u:], ru[n]
        h_before, h_new = h_prev[n], h_out[n]
        for k in range(u):
            z = gz[k]
            hh = tanh(gh[k] + reset_u[k])
            gh[k] = hh
            h_new[k] = z * h_before[k] + (ONE - z) * hh


@numba.njit(**JIT)
def gru_reset_before_backward_output(dh_out, dh_next, gates, h_prev, dxw, dh_direct):
    """reset_after=False. dh = dh_out + dh_next; escribe las partes z y ĥ de dxw y dh_direct = dh·z."""
    n_batch, u = h_prev.shape
    for n in range(n_batch):
        gz, gh, xz, xh = gates[n, :u], gates[n, 2 * u:], dxw[n, :u], dxw[n, 2 * u:]
        d_out, d_next, h_before, direct = dh_out[n], dh_next[n], h_prev[n], dh_direct[n]
        for k in range(u):
            z, hh = gz[k], gh[k]
            dh = d_out[k] + d_next[k]
            xz[k] = dh * (h_before[k] - hh) * z * (ONE - z)
            xh[k] = dh * (ONE - z) * (ONE - hh * hh)
            direct[k] = dh * z


@numba.njit(**JIT)
def gru_reset_before_backward_gates(d_rh, gates, h_prev, dxw, dh_direct):
    """reset_after=False. d_rh = d(r·h_{t-1}) (N, u); escribe la parte r de dxw y suma d_rh·r a dh_direct."""
    n_batch, u = h_prev.shape
    for n in range(n_batch):
        gr, xr, d_reset, h_before, direct = gates[n, u:2 * u], dxw[n, u:2 * u], d_rh[n], h_prev[n], dh_direct[n]
        for k in range(u):
            r = gr[k]
            xr[k] = d_reset[k] * h_before[k] * r * (ONE - r)
            direct[k] += d_reset[k] * r
