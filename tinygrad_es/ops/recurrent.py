"""Capas recurrentes (LSTM, GRU, SimpleRNN) sobre una secuencia entera, con BPTT.

Las muestras del lote no se mezclan nunca en una capa recurrente: la fila n de h_t solo
depende de la fila n de x y de h_{t-1}. Por eso las tres reparten el lote en un bloque de
filas por hilo (`_by_batch_rows`, con BLAS de un hilo dentro: `threads.map_chunks`), y cada
hilo hace TODO el trabajo de su bloque con arrays propios en orden temporal, (T, filas, ·):

1. Copia su x a orden temporal y calcula x_t·W + b de todos los pasos con UN producto de BLAS,
   (T·filas, D) @ (D, k·u) (`_project_block`).
2. En cada paso: h_{t-1}·U con BLAS, (filas, u) @ (u, k·u), y después la celda fusionada de
   Numba (`kernels/cpu/<celda>.py`), que hace activaciones y estados en una pasada y guarda lo
   que necesitará el backward.
3. Backward a través del tiempo (BPTT), de t = T-1 a 0: la celda de Numba da el gradiente de
   las preactivaciones de cada paso y dh_{t-1} = d(h·U)·Uᵀ con BLAS. Al acabar, sus partes de
   dW = Σ_t x_tᵀ·d(x_t·W) y dU = Σ_t h_{t-1}ᵀ·d(h_{t-1}·U), y su trozo de dx, salen con un
   producto cada una sobre sus bloques contiguos (`_block_grads`); el hilo principal solo suma
   las partes de cada hilo (matrices de (D + u)·k·u números).

¿Por qué no repartir cada producto entre hilos de BLAS? Los de cada paso son pequeños
((64, 128) @ (128, 512) por hilo en la LSTM del curso) y son 80 seguidos: repartirlos cuesta
más de lo que gana (los hilos se esperan unos a otros en cada llamada y, si la máquina tiene
otra carga, cada espera es de milisegundos). Así, los hilos solo se esperan una vez en el
forward y otra en el backward. Y todo lo que recorre el lote (copias a orden temporal y de
vuelta, productos, sumas) va dentro de los hilos: hecho en serie, con el otro núcleo parado,
costaba ~2.5 ms por paso solo en el forward de la LSTM del curso (medido con 2 hilos).

Una operación tiene una sola salida, así que la LSTM devuelve (N, T+1, u): los T estados h y,
en la última posición, el estado de celda c_T. `nn.functional.lstm` la corta en (hs, h, c).

Las mismas líneas sirven en la GPU: `kernels_for(x, lstm)` da las celdas del dispositivo de x
(kernels/cpu/ o kernels/cuda/, mismas firmas), los arrays nacen con `np.empty_like(x, shape=...)`
en el dispositivo de x, y en la GPU el lote entero va en un solo bloque (sin hilos de CPU).
"""
import numpy as np

from ..autograd import Function
from ..kernels.cpu import gru, lstm, simple_rnn
from ..runtime import threads
from ..runtime.device import contiguous, kernels_for
from ..runtime.scratch import scratch


def _by_batch_rows(loop, state):
    """[loop(slice de filas del lote) por bloque], un bloque del lote por hilo (ver el docstring del módulo).

    `state` (N, u) es un estado del lote; en la GPU, un solo bloque con todas las filas. Con el
    mismo N, los bloques son siempre los mismos: el backward encuentra los del forward por su inicio."""
    n = state.shape[0]
    if type(state) is not np.ndarray:
        return [loop(slice(0, n))]
    return threads.map_chunks(lambda start, stop: loop(slice(start, stop)), n, threads.per_worker(n))


def _sum_parts(parts):
    """[(dW, dU, db) de cada bloque] -> (ΣdW, ΣdU, Σdb)."""
    return tuple(sum(part) for part in zip(*parts))


def _project_block(x, r, W, bias, dtype, into=None):
    """Las filas r de x en orden temporal, xt (T, m, D), y x_t·W + bias de todos sus pasos (T, m, k·u).

    Un solo producto de BLAS (T·m, D) @ (D, k·u), escrito directamente en `into` si se da."""
    steps, d = x.shape[1], x.shape[2]
    m = r.stop - r.start
    xt = np.empty_like(x, shape=(steps, m, d), dtype=dtype)
    xt[...] = x[r].transpose(1, 0, 2)
    xw = np.empty_like(xt, shape=(steps, m, W.shape[1])) if into is None else into
    np.matmul(xt.reshape(steps * m, d), W, out=xw.reshape(steps * m, W.shape[1]))
    xw += bias
    return xt, xw


def _states(h0, steps, dtype):
    """hs (T+1, m, u) con hs[0] = h0: hs[t] es h_{t-1} del paso t."""
    hs = np.empty_like(h0, shape=(steps + 1, *h0.shape), dtype=dtype)
    hs[0] = h0
    return hs


def _time_major_block(grad, r, steps, dtype):
    """Gradiente de salida de las filas r, (m, T, u) -> búfer del hilo (T, m, u), para recorrerlo paso a paso."""
    m, u = r.stop - r.start, grad.shape[2]
    dhs = scratch("rnn_dhs", (steps, m, u), dtype, like=grad)
    dhs[...] = grad[r, :steps].transpose(1, 0, 2)
    return dhs


def _block_grads(xt, hs, W, d_xw, d_hu, dx, r):
    """Las partes de dW y dU de un bloque (un producto cada una) y su trozo de dx (si dx no es None)."""
    steps, m, d = xt.shape
    d_xw2 = d_xw.reshape(steps * m, -1)
    d_hu2 = d_hu.reshape(steps * m, -1)
    if dx is not None:  # x suele ser el dato de entrada, que no pide gradiente
        dx[r] = np.matmul(d_xw2, W.T).reshape(steps, m, d).transpose(1, 0, 2)
    return xt.reshape(steps * m, d).T @ d_xw2, hs[:-1].reshape(steps * m, -1).T @ d_hu2


def _backward_start(fn, grad, steps):
    """Lo que los tres backward preparan igual: (W, bloques del forward, dx, dh0, Uᵀ contigua).

    dx (N, T, D) solo si x pide gradiente (suele ser el dato de entrada). dh0 nace a cero: a h_T
    no le llega nada de un paso T+1; cada hilo lo recorre hacia atrás en sus filas y al acabar es dL/dh0."""
    W, U, blocks = fn.saved
    n = grad.shape[0]
    dx = np.empty_like(grad, shape=(n, steps, W.shape[0])) if fn.needs_grad[0] else None
    return W, blocks, dx, np.zeros_like(grad, shape=(n, U.shape[0])), contiguous(U.T)


class LSTM(Function):
    """lstm(x, h0, c0, W, U, b) -> (N, T+1, u): [h_1 ... h_T, c_T]."""

    def forward(self, x, h0, c0, W, U, b):
        dtype = np.result_type(x, h0, c0, W, U, b)
        W, U, b = contiguous(W, dtype=dtype), contiguous(U, dtype=dtype), b.astype(dtype, copy=False)
        n, steps, _ = x.shape
        u = U.shape[0]
        out = np.empty_like(x, shape=(n, steps + 1, u), dtype=dtype)
        L = kernels_for(x, lstm)
        blocks = {}  # inicio del bloque de filas -> lo que el backward necesita de ese bloque

        def rows(r):
            # gates entra con x_t·W + b; la celda le suma h_{t-1}·U y lo deja con las puertas activadas
            xt, gates = _project_block(x, r, W, b, dtype)
            hs, cs = _states(h0[r], steps, dtype), _states(c0[r], steps, dtype)
            hu = scratch("lstm_hu", (r.stop - r.start, 4 * u), dtype, like=xt)
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
        steps = grad.shape[1] - 1
        W, blocks, dx, dh0, UT = _backward_start(self, grad, steps)
        dc0 = np.empty_like(dh0)
        L = kernels_for(grad, lstm)

        def rows(r):  # devuelve las partes de dW, dU y db de estas filas
            xt, hs, cs, gates = blocks[r.start]
            dhs = _time_major_block(grad, r, steps, hs.dtype)
            dz = scratch("lstm_dz", gates.shape, gates.dtype, like=gates)
            dh = dh0[r]  # el gradiente que llega a h_{t-1} desde el paso t (al acabar, el de h0)
            dc = dc0[r]  # entra dc_T, sale dc_0
            dc[...] = grad[r, steps]
            for t in reversed(range(steps)):
                L.lstm_cell_backward(dhs[t], dh, dc, gates[t], cs[t], cs[t + 1], dz[t])
                np.matmul(dz[t], UT, out=dh)
            return *_block_grads(xt, hs, W, dz, dz, dx, r), dz.sum(axis=(0, 1))

        dW, dU, db = _sum_parts(_by_batch_rows(rows, dh0))
        return dx, dh0, dc0, dW, dU, db


class GRU(Function):
    """gru(x, h0, W, U, b (2, 3u)) -> hs (N, T, u), Keras reset_after=True."""

    def forward(self, x, h0, W, U, b):
        dtype = np.result_type(x, h0, W, U, b)
        W, U = contiguous(W, dtype=dtype), contiguous(U, dtype=dtype)
        b_in, b_rec = b[0].astype(dtype, copy=False), contiguous(b[1], dtype=dtype)
        n, steps, _ = x.shape
        u = U.shape[0]
        out = np.empty_like(x, shape=(n, steps, u), dtype=dtype)
        G = kernels_for(x, gru)
        blocks = {}

        def rows(r):
            m = r.stop - r.start
            xw = scratch("gru_xw", (steps, m, 3 * u), dtype, like=x)  # el backward no lo necesita
            xt, xw = _project_block(x, r, W, b_in, dtype, into=xw)
            hs = _states(h0[r], steps, dtype)
            gates = np.empty_like(xt, shape=(steps, m, 3 * u))
            rh = np.empty_like(xt, shape=(steps, m, u))
            for t in range(steps):
                np.matmul(hs[t], U, out=gates[t])
                G.gru_cell_forward(xw[t], gates[t], b_rec, hs[t], rh[t], hs[t + 1])
            out[r] = hs[1:].transpose(1, 0, 2)
            blocks[r.start] = xt, hs, gates, rh

        _by_batch_rows(rows, h0)
        self.save_for_backward(W, U, blocks)
        return out

    def backward(self, grad):
        steps = grad.shape[1]
        W, blocks, dx, dh0, UT = _backward_start(self, grad, steps)
        G = kernels_for(grad, gru)

        def rows(r):
            xt, hs, gates, rh = blocks[r.start]
            dhs = _time_major_block(grad, r, steps, hs.dtype)
            d_xw = scratch("gru_dxw", gates.shape, gates.dtype, like=gates)
            d_hu = scratch("gru_dhu", gates.shape, gates.dtype, like=gates)
            dh = dh0[r]
            dh_direct = scratch("gru_dh_direct", dh.shape, dh.dtype, like=dh)
            for t in reversed(range(steps)):
                G.gru_cell_backward(dhs[t], dh, gates[t], rh[t], hs[t], d_xw[t], d_hu[t], dh_direct)
                np.matmul(d_hu[t], UT, out=dh)
                dh += dh_direct
            db = np.stack([d_xw.sum(axis=(0, 1)), d_hu.sum(axis=(0, 1))])
            return *_block_grads(xt, hs, W, d_xw, d_hu, dx, r), db

        dW, dU, db = _sum_parts(_by_batch_rows(rows, dh0))
        return dx, dh0, dW, dU, db


class SimpleRNN(Function):
    """simple_rnn(x, h0, W, U, b) -> hs (N, T, u), h_t = tanh(x_t·W + b + h_{t-1}·U)."""

    def forward(self, x, h0, W, U, b):
        dtype = np.result_type(x, h0, W, U, b)
        W, U, b = contiguous(W, dtype=dtype), contiguous(U, dtype=dtype), b.astype(dtype, copy=False)
        n, steps, _ = x.shape
        u = U.shape[0]
        out = np.empty_like(x, shape=(n, steps, u), dtype=dtype)
        S = kernels_for(x, simple_rnn)
        blocks = {}

        def rows(r):
            xw = scratch("rnn_xw", (steps, r.stop - r.start, u), dtype, like=x)
            xt, xw = _project_block(x, r, W, b, dtype, into=xw)
            hs = _states(h0[r], steps, dtype)
            for t in range(steps):
                np.matmul(hs[t], U, out=hs[t + 1])
                S.simple_rnn_cell_forward(xw[t], hs[t + 1])
            out[r] = hs[1:].transpose(1, 0, 2)
            blocks[r.start] = xt, hs

        _by_batch_rows(rows, h0)
        self.save_for_backward(W, U, blocks)
        return out

    def backward(self, grad):
        steps = grad.shape[1]
        W, blocks, dx, dh0, UT = _backward_start(self, grad, steps)
        S = kernels_for(grad, simple_rnn)

        def rows(r):
            xt, hs = blocks[r.start]
            dhs = _time_major_block(grad, r, steps, hs.dtype)
            da = scratch("rnn_da", hs[1:].shape, hs.dtype, like=hs)
            dh = dh0[r]
            for t in reversed(range(steps)):
                S.simple_rnn_cell_backward(dhs[t], dh, hs[t + 1], da[t])
                np.matmul(da[t], UT, out=dh)
            return *_block_grads(xt, hs, W, da, da, dx, r), da.sum(axis=(0, 1))

        dW, dU, db = _sum_parts(_by_batch_rows(rows, dh0))
        return dx, dh0, dW, dU, db
