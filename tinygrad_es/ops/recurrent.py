"""Capas recurrentes (LSTM, GRU, SimpleRNN) sobre una secuencia entera, con BPTT.

Las tres siguen el mismo plan, pensado para que el trabajo pesado lo haga BLAS:

1. Se pone el tiempo delante, x (N, T, D) -> (T, N, D), para que cada paso sea un bloque
   contiguo, y se calcula x·W para TODOS los pasos con un solo producto (T·N, D) @ (D, k·u)
   (la LSTM lo hace dentro de cada hilo, para su bloque de filas: ver su docstring).
2. En cada paso: h_{t-1}·U con BLAS (N, u) @ (u, k·u) y después la celda fusionada de Numba
   (`kernels/cpu/<celda>.py`), que hace activaciones y estados en una pasada y guarda lo que
   necesitará el backward.
3. Backward a través del tiempo (BPTT), de t = T-1 a 0: la celda de Numba da el gradiente de
   las preactivaciones de cada paso y dh_{t-1} = d(h·U)·Uᵀ con BLAS. Los gradientes de W, U, b
   y x salen al final, para todos los pasos a la vez, con tres productos grandes.

Los productos de cada paso son pequeños ((128, 128) @ (128, 512) en el LSTM del curso) y son
80 seguidos: repartirlos entre hilos de BLAS cuesta más de lo que gana (los hilos se esperan
unos a otros en cada llamada y, si la máquina tiene otra carga, cada espera es de milisegundos).
En cambio, las muestras del lote no se mezclan nunca (la fila n de h_t solo depende de la fila
n de x y de h_{t-1}): cada hilo recorre TODA la secuencia con su trozo del lote, con BLAS de un
hilo (`threads.map_chunks`), y los hilos solo se esperan una vez, al final. Con 2 núcleos, el
bucle de la LSTM del curso va ~1.7 veces más rápido que en un hilo. Los productos grandes,
fuera del bucle, se reparten por filas entre los hilos (`threads.matmul`, `threads.matmul_tn`).

Una operación tiene una sola salida, así que la LSTM devuelve (N, T+1, u): los T estados h y,
en la última posición, el estado de celda c_T. `nn.functional.lstm` la corta en (hs, h, c).

Las mismas líneas sirven en la GPU: `kernels_for(x, "lstm")` da las celdas del dispositivo de x
(kernels/cpu/ o kernels/cuda/, mismas firmas), los arrays nacen con `np.empty_like(x, shape=...)`
en el dispositivo de x, y en la GPU el lote entero va en un solo trozo (sin hilos de CPU).
"""
import numpy as np

from ..autograd import Function
from ..device import contiguous, kernels_for
from . import threads


def _input_projection(x, W, dtype):
    """x (N, T, D) -> (xt (T, N, D) contiguo, x·W (T, N, k·u)) con un único producto de BLAS."""
    n, t, d = x.shape
    xt = contiguous(x.transpose(1, 0, 2), dtype=dtype)
    xw = threads.matmul(xt.reshape(t * n, d), W).reshape(t, n, W.shape[1])
    return xt, xw


def _states(h0, steps, dtype):
    """hs (T+1, N, u) con hs[0] = h0: hs[t] es h_{t-1} del paso t."""
    hs = np.empty_like(h0, shape=(steps + 1, *h0.shape), dtype=dtype)
    hs[0] = h0
    return hs


def _time_major(grad, dtype):
    """Gradiente de salida (N, T, u) -> (T, N, u) contiguo, para recorrerlo paso a paso."""
    return contiguous(grad.transpose(1, 0, 2), dtype=dtype)


def _by_batch_rows(loop, state):
    """[loop(slice de filas del lote) por trozo], un trozo del lote por hilo (ver el docstring del módulo).

    `state` (N, u) es un estado del lote; en la GPU, un solo trozo con todas las filas."""
    n = state.shape[0]
    if type(state) is not np.ndarray:
        return [loop(slice(0, n))]
    return threads.map_chunks(lambda start, stop: loop(slice(start, stop)), n, threads.per_worker(n))


def _batch_grads(xt, hs, W, d_xw, d_hu, need_x):
    """dx, dW, dU a partir de los gradientes de x·W y de h·U de todos los pasos (tres productos).

    dx solo si hace falta (need_x): x suele ser el dato de entrada, que no pide gradiente.
    """
    t, n, d = xt.shape
    d_xw2 = d_xw.reshape(t * n, -1)
    d_hu2 = d_hu.reshape(t * n, -1)
    dx = threads.matmul(d_xw2, W.T).reshape(t, n, d).transpose(1, 0, 2) if need_x else None
    dW = threads.matmul_tn(xt.reshape(t * n, d), d_xw2)
    dU = threads.matmul_tn(hs[:-1].reshape(t * n, -1), d_hu2)
    return dx, dW, dU


class LSTM(Function):
    """lstm(x, h0, c0, W, U, b) -> (N, T+1, u): [h_1 ... h_T, c_T].

    Aquí cada hilo no solo recorre la secuencia con su bloque de filas del lote: además guarda
    lo de su bloque en arrays PROPIOS en orden temporal, (T, filas, ·), contiguos. Así, para su
    bloque, x_t·W + b de todos los pasos es UN producto de BLAS (T·filas, D) @ (D, 4u) hecho
    directamente en `gates`, y en el backward sus partes de dW = Σ_t x_tᵀ·dz_t y
    dU = Σ_t h_{t-1}ᵀ·dz_t son otros dos productos sobre sus bloques; el hilo principal solo
    suma las partes (matrices de (D + u)·4u números). Los hilos se esperan una vez en el forward
    y otra en el backward, y todo lo que recorre el lote (copias a orden temporal y de vuelta,
    productos, sumas) va dentro de ellos: hecho en serie, con el otro núcleo parado, costaba
    ~2.5 ms por paso solo en el forward de la LSTM del curso (medido con 2 hilos).
    """

    def forward(self, x, h0, c0, W, U, b):
        dtype = np.result_type(x, h0, c0, W, U, b)
        W, U, b = contiguous(W, dtype=dtype), contiguous(U, dtype=dtype), b.astype(dtype, copy=False)
        n, steps, d = x.shape
        u = U.shape[0]
        out = np.empty_like(x, shape=(n, steps + 1, u), dtype=dtype)
        L = kernels_for(x, "lstm")
        blocks = {}  # inicio del bloque de filas -> (xt, hs, cs, gates) de ese bloque, para el backward

        def rows(r):  # las filas r del lote, todos los pasos: independientes de las demás
            m = r.stop - r.start
            xt = np.empty_like(x, shape=(steps, m, d), dtype=dtype)
            xt[...] = x[r].transpose(1, 0, 2)
            gates = np.empty_like(xt, shape=(steps, m, 4 * u))
            np.matmul(xt.reshape(steps * m, d), W, out=gates.reshape(steps * m, 4 * u))  # x_t·W, todos los t
            gates += b
            hs, cs = _states(h0[r], steps, dtype), _states(c0[r], steps, dtype)
            hu = threads.scratch("lstm_hu", (m, 4 * u), dtype, like=xt)
            for t in range(steps):
                np.matmul(hs[t], U, out=hu)
                L.lstm_cell_forward(hu, gates[t], cs[t], cs[t + 1], hs[t + 1])
            out[r, :steps] = hs[1:].transpose(1, 0, 2)
            out[r, steps] = cs[steps]
            blocks[r.start] = xt, hs, cs, gates

        _by_batch_rows(rows, h0)
        self.save_for_backward(W, U, blocks)
        return out

    def backward(self, grad):
        W, U, blocks = self.saved
        n, steps, u = grad.shape[0], grad.shape[1] - 1, U.shape[0]
        need_x = self.needs_grad[0]
        dx = np.empty_like(grad, shape=(n, steps, W.shape[0])) if need_x else None
        dh0, dc0 = np.empty_like(grad, shape=(n, u)), np.empty_like(grad, shape=(n, u))
        UT = contiguous(U.T)
        L = kernels_for(grad, "lstm")

        def rows(r):  # devuelve las partes de dW, dU y db de estas filas
            xt, hs, cs, gates = blocks[r.start]
            m, d = xt.shape[1], xt.shape[2]
            dhs = threads.scratch("lstm_dhs", (steps, m, u), hs.dtype, like=hs)  # en orden temporal
            dhs[...] = grad[r, :steps].transpose(1, 0, 2)
            dz = threads.scratch("lstm_dz", (steps, m, 4 * u), hs.dtype, like=hs)
            dh = dh0[r]  # gradiente que llega a h_{t-1} desde el paso t (al final, el de h0)
            dh[...] = 0
            dc = dc0[r]  # entra dc_T, sale dc_0
            dc[...] = grad[r, steps]
            for t in reversed(range(steps)):
                L.lstm_cell_backward(dhs[t], dh, dc, gates[t], cs[t], cs[t + 1], dz[t])
                np.matmul(dz[t], UT, out=dh)
            dz = dz.reshape(steps * m, 4 * u)
            if need_x:
                dx[r] = np.matmul(dz, W.T).reshape(steps, m, d).transpose(1, 0, 2)
            return xt.reshape(steps * m, d).T @ dz, hs[:-1].reshape(steps * m, u).T @ dz, dz.sum(axis=0)

        dW, dU, db = (sum(part) for part in zip(*_by_batch_rows(rows, dh0)))
        return dx, dh0, dc0, dW, dU, db


class GRU(Function):
    """gru(x, h0, W, U, b (2, 3u)) -> hs (N, T, u), Keras reset_after=True."""

    def forward(self, x, h0, W, U, b):
        dtype = np.result_type(x, h0, W, U, b)
        W, U = W.astype(dtype, copy=False), contiguous(U, dtype=dtype)
        xt, xw = _input_projection(x, W, dtype)
        xw += b[0]
        b_rec = contiguous(b[1], dtype=dtype)
        steps, n, _ = xw.shape
        u = U.shape[0]
        hs = _states(h0, steps, dtype)
        gates = np.empty_like(xw, shape=(steps, n, 3 * u))
        rh = np.empty_like(xw, shape=(steps, n, u))
        G = kernels_for(xw, "gru")

        def rows(r):
            for t in range(steps):
                np.matmul(hs[t, r], U, out=gates[t, r])
                G.gru_cell_forward(xw[t, r], gates[t, r], b_rec, hs[t, r], rh[t, r], hs[t + 1, r])

        _by_batch_rows(rows, h0)
        self.save_for_backward(xt, W, U, hs, gates, rh)
        return contiguous(hs[1:].transpose(1, 0, 2))

    def backward(self, grad):
        xt, W, U, hs, gates, rh = self.saved
        dhs = _time_major(grad, hs.dtype)
        dh = np.zeros_like(hs[0])
        dh_direct = np.empty_like(dh)
        d_xw, d_hu = np.empty_like(gates), np.empty_like(gates)
        G = kernels_for(gates, "gru")
        UT = contiguous(U.T)

        def rows(r):
            for t in reversed(range(xt.shape[0])):
                G.gru_cell_backward(dhs[t, r], dh[r], gates[t, r], rh[t, r], hs[t, r], d_xw[t, r], d_hu[t, r],
                                    dh_direct[r])
                np.matmul(d_hu[t, r], UT, out=dh[r])
                dh[r] += dh_direct[r]

        _by_batch_rows(rows, dh)
        dx, dW, dU = _batch_grads(xt, hs, W, d_xw, d_hu, self.needs_grad[0])
        db = np.stack([d_xw.reshape(-1, d_xw.shape[2]).sum(axis=0), d_hu.reshape(-1, d_hu.shape[2]).sum(axis=0)])
        return dx, dh, dW, dU, db


class SimpleRNN(Function):
    """simple_rnn(x, h0, W, U, b) -> hs (N, T, u), h_t = tanh(x_t·W + b + h_{t-1}·U)."""

    def forward(self, x, h0, W, U, b):
        dtype = np.result_type(x, h0, W, U, b)
        W, U = W.astype(dtype, copy=False), contiguous(U, dtype=dtype)
        xt, xw = _input_projection(x, W, dtype)
        xw += b
        hs = _states(h0, xw.shape[0], dtype)
        S = kernels_for(xw, "simple_rnn")

        def rows(r):
            for t in range(xw.shape[0]):
                np.matmul(hs[t, r], U, out=hs[t + 1, r])
                S.simple_rnn_cell_forward(xw[t, r], hs[t + 1, r])

        _by_batch_rows(rows, h0)
        self.save_for_backward(xt, W, U, hs)
        return contiguous(hs[1:].transpose(1, 0, 2))

    def backward(self, grad):
        xt, W, U, hs = self.saved
        dhs = _time_major(grad, hs.dtype)
        dh = np.zeros_like(hs[0])
        da = np.empty_like(hs[1:])
        S = kernels_for(hs, "simple_rnn")
        UT = contiguous(U.T)

        def rows(r):
            for t in reversed(range(xt.shape[0])):
                S.simple_rnn_cell_backward(dhs[t, r], dh[r], hs[t + 1, r], da[t, r])
                np.matmul(da[t, r], UT, out=dh[r])

        _by_batch_rows(rows, dh)
        dx, dW, dU = _batch_grads(xt, hs, W, da, da, self.needs_grad[0])
        return dx, dh, dW, dU, da.reshape(-1, da.shape[2]).sum(axis=0)
