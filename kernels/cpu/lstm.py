"""La celda LSTM fusionada: un paso de tiempo hacia delante y hacia atrás.

Con u unidades y las puertas en el orden de Keras (i, f, c, o) a lo largo del eje 4u:

    z = x_t·W + b + h_{t-1}·U                (un producto de BLAS, fuera de aquí)
    i = σ(z_i)   f = σ(z_f)   g = tanh(z_c)   o = σ(z_o)
    c_t = f·c_{t-1} + i·g
    h_t = o·tanh(c_t)

El kernel hace en una sola pasada todo lo que va después de los productos: activaciones,
estado de celda y salida, sin arrays intermedios. Guarda las puertas YA activadas (i, f, g, o),
que es lo que necesita el backward:

    dc  = dc_{t+1} + dh·o·(1 - tanh²(c_t))          (dh = gradiente de fuera + el de h_{t+1})
    do  = dh·tanh(c_t)       di = dc·g       dg = dc·i       df = dc·c_{t-1}
    dz  = [di·i(1-i), df·f(1-f), dg·(1-g²), do·o(1-o)]
    dc_{t-1} = dc·f          (y dh_{t-1} = dz·Uᵀ, de nuevo con BLAS)

El backward escribe dz encima de las puertas (cada elemento se lee antes de escribirse en el
mismo sitio): el paso t ya no las necesita después. Así no hay un array dz aparte (T·N·4u
valores) que traer a la caché; en la LSTM del curso son ~0.4 ms menos por paso (un hilo).

Las activaciones vienen de `activations.py` (vectorizables en float32). Sin `prange`: con
N·u = 16 384 elementos por paso, el trabajo es menor que el coste de despertar hilos.

Disposición: matrices `(N, 4u)` y `(N, u)` en orden C. El array `gates` entra con z (en
ops/recurrent.py, BLAS escribe ahí [x_t, 1, h_{t-1}]·[W; b; U], los tres sumandos en un solo
producto) y sale con las puertas activadas: así no hace falta ningún array temporal.
"""
import numba
import numpy as np

from . import JIT
from .activations import ONE, sigmoid, sigmoid_reference, tanh


# ---------------------------------------------------------------- referencia en NumPy
# --8<-- [start:forward_reference]
def lstm_cell_forward_reference(z, c_prev):
    """z = x_t·W + b + h_{t-1}·U (N, 4u). Devuelve (gates activadas (N, 4u), c_t, h_t)."""
    u = c_prev.shape[1]
    gates = np.concatenate([sigmoid_reference(z[:, :2 * u]), np.tanh(z[:, 2 * u:3 * u]),
                            sigmoid_reference(z[:, 3 * u:])], axis=1)
    i, f, g, o = np.split(gates, 4, axis=1)
    c = f * c_prev + i * g
    return gates, c, o * np.tanh(c)
# --8<-- [end:forward_reference]


def lstm_cell_backward_reference(dh, dc_next, gates, c_prev, c):
    """Devuelve (dz (N, 4u), dc_{t-1}); dh ya incluye el gradiente que llega de h_{t+1}."""
    i, f, g, o = np.split(gates, 4, axis=1)
    tc = np.tanh(c)
    dc = dc_next + dh * o * (1 - tc * tc)
    dz = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g * g),
                         dh * tc * o * (1 - o)], axis=1)
    return dz, dc * f


# ---------------------------------------------------------------- kernels de Numba
# --8<-- [start:forward]
@numba.njit(**JIT)
def lstm_cell_forward(gates, c_prev, c_out, h_out):
    """`gates` entra con z y sale con (i, f, g, o); escribe c_t en c_out y h_t en h_out."""
    n_batch, u = c_prev.shape
    for n in range(n_batch):
        # una vista 1D por puerta: así el compilador ve cuatro vectores independientes y vectoriza
        gi, gf, gg, go = gates[n, :u], gates[n, u:2 * u], gates[n, 2 * u:3 * u], gates[n, 3 * u:]
        c_before, c_new, h_new = c_prev[n], c_out[n], h_out[n]
        for k in range(u):
            i = sigmoid(gi[k])
            f = sigmoid(gf[k])
            g = tanh(gg[k])
            o = sigmoid(go[k])
            c = f * c_before[k] + i * g
            gi[k], gf[k], gg[k], go[k] = i, f, g, o
            c_new[k] = c
            h_new[k] = o * tanh(c)
# --8<-- [end:forward]


@numba.njit(**JIT)
def lstm_cell_backward(dh_out, dh_next, dc, gates, c_prev, c):
    """dh = dh_out + dh_next. `dc` entra con dc_{t+1} y sale con dc_{t-1}; `gates` entra con
    (i, f, g, o) y sale con dz (N, 4u)."""
    n_batch, u = c.shape
    for n in range(n_batch):
        # dz va en las mismas vistas: un solo array, así que el compilador sabe que no hay solapes raros
        gi, gf, gg, go = gates[n, :u], gates[n, u:2 * u], gates[n, 2 * u:3 * u], gates[n, 3 * u:]
        d_out, d_next, d_c, c_before, c_now = dh_out[n], dh_next[n], dc[n], c_prev[n], c[n]
        for k in range(u):
            i, f, g, o = gi[k], gf[k], gg[k], go[k]
            tc = tanh(c_now[k])
            dh = d_out[k] + d_next[k]
            dct = d_c[k] + dh * o * (ONE - tc * tc)
            gi[k] = dct * g * i * (ONE - i)
            gf[k] = dct * c_before[k] * f * (ONE - f)
            gg[k] = dct * i * (ONE - g * g)
            go[k] = dh * tc * o * (ONE - o)
            d_c[k] = dct * f
