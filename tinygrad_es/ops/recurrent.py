"""Capas recurrentes (LSTM, GRU, SimpleRNN) sobre una secuencia entera, con BPTT.

Las tres siguen el mismo plan, pensado para que el trabajo pesado lo haga BLAS:

1. Se pone el tiempo delante, x (N, T, D) -> (T, N, D), para que cada paso sea un bloque
   contiguo, y se calcula x·W para TODOS los pasos con un solo producto (T·N, D) @ (D, k·u).
2. En cada paso: h_{t-1}·U con BLAS (N, u) @ (u, k·u) y después la celda fusionada de Numba
   (`kernels/cpu/<celda>.py`), que hace activaciones y estados en una pasada y guarda lo que
   necesitará el backward.
3. Backward a través del tiempo (BPTT), de t = T-1 a 0: la celda de Numba da el gradiente de
   las preactivaciones de cada paso y dh_{t-1} = d(h·U)·Uᵀ con BLAS. Los gradientes de W, U, b
   y x salen al final, para todos los pasos a la vez, con tres productos grandes.

Los productos de cada paso son pequeños ((128, 128) @ (128, 512) en el LSTM del curso) y son
80 seguidos: repartirlos entre hilos de BLAS cuesta más de lo que gana (los hilos se esperan
unos a otros en cada llamada y, si la máquina tiene otra carga, cada espera es de milisegundos).
Por eso el bucle temporal corre en un solo hilo con BLAS de un hilo
(`threads.single_thread_blas`); los productos grandes, fuera del bucle, se reparten por filas
entre los hilos (`threads.matmul`, `threads.matmul_tn`).

Una operación tiene una sola salida, así que la LSTM devuelve (N, T+1, u): los T estados h y,
en la última posición, el estado de celda c_T. `nn.functional.lstm` la corta en (hs, h, c).
"""
import numpy as np

from ..autograd import Function
from ..kernels.cpu import gru as G
from ..kernels.cpu import lstm as L
from ..kernels.cpu import simple_rnn as S
from . import threads
from .threads import single_thread_blas


def _input_projection(x, W, dtype):
    """x (N, T, D) -> (xt (T, N, D) contiguo, x·W (T, N, k·u)) con un único producto de BLAS."""
    n, t, d = x.shape
    xt = np.ascontiguousarray(x.transpose(1, 0, 2), dtype=dtype)
    xw = threads.matmul(xt.reshape(t * n, d), W).reshape(t, n, W.shape[1])
    return xt, xw


def _states(h0, steps, dtype):
    """hs (T+1, N, u) con hs[0] = h0: hs[t] es h_{t-1} del paso t."""
    hs = np.empty((steps + 1, *h0.shape), dtype=dtype)
    hs[0] = h0
    return hs


def _time_major(grad, dtype):
    """Gradiente de salida (N, T, u) -> (T, N, u) contiguo, para recorrerlo paso a paso."""
    return np.ascontiguousarray(grad.transpose(1, 0, 2), dtype=dtype)


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
    """lstm(x, h0, c0, W, U, b) -> (N, T+1, u): [h_1 ... h_T, c_T]."""

    def forward(self, x, h0, c0, W, U, b):
        dtype = np.result_type(x, h0, c0, W, U, b)
        W, U = W.astype(dtype, copy=False), np.ascontiguousarray(U, dtype=dtype)
        xt, xw = _input_projection(x, W, dtype)
        xw += b
        steps, n, _ = xw.shape
        u = U.shape[0]
        hs, cs = _states(h0, steps, dtype), _states(c0, steps, dtype)
        gates = np.empty((steps, n, 4 * u), dtype=dtype)
        with single_thread_blas():
            for t in range(steps):
                np.matmul(hs[t], U, out=gates[t])
                L.lstm_cell_forward(xw[t], gates[t], cs[t], cs[t + 1], hs[t + 1])
        out = np.empty((n, steps + 1, u), dtype=dtype)
        out[:, :steps] = hs[1:].transpose(1, 0, 2)
        out[:, steps] = cs[steps]
        self.save_for_backward(xt, W, U, hs, cs, gates)
        return out

    def backward(self, grad):
        xt, W, U, hs, cs, gates = self.saved
        steps = xt.shape[0]
        dhs = _time_major(grad[:, :steps], hs.dtype)
        dc = np.array(grad[:, steps], dtype=hs.dtype)  # copia propia: entra dc_T, sale dc_0
        dh = np.zeros_like(dc)  # gradiente que llega a h_{t-1} desde el paso t
        dz = np.empty_like(gates)
        UT = np.ascontiguousarray(U.T)
        with single_thread_blas():
            for t in reversed(range(steps)):
                L.lstm_cell_backward(dhs[t], dh, dc, gates[t], cs[t], cs[t + 1], dz[t])
                np.matmul(dz[t], UT, out=dh)
        dx, dW, dU = _batch_grads(xt, hs, W, dz, dz, self.needs_grad[0])
        return dx, dh, dc, dW, dU, dz.reshape(-1, dz.shape[2]).sum(axis=0)


class GRU(Function):
    """gru(x, h0, W, U, b (2, 3u)) -> hs (N, T, u), Keras reset_after=True."""

    def forward(self, x, h0, W, U, b):
        dtype = np.result_type(x, h0, W, U, b)
        W, U = W.astype(dtype, copy=False), np.ascontiguousarray(U, dtype=dtype)
        xt, xw = _input_projection(x, W, dtype)
        xw += b[0]
        b_rec = np.ascontiguousarray(b[1], dtype=dtype)
        steps, n, _ = xw.shape
        u = U.shape[0]
        hs = _states(h0, steps, dtype)
        gates = np.empty((steps, n, 3 * u), dtype=dtype)
        rh = np.empty((steps, n, u), dtype=dtype)
        with single_thread_blas():
            for t in range(steps):
                np.matmul(hs[t], U, out=gates[t])
                G.gru_cell_forward(xw[t], gates[t], b_rec, hs[t], rh[t], hs[t + 1])
        self.save_for_backward(xt, W, U, hs, gates, rh)
        return np.ascontiguousarray(hs[1:].transpose(1, 0, 2))

    def backward(self, grad):
        xt, W, U, hs, gates, rh = self.saved
        dhs = _time_major(grad, hs.dtype)
        dh = np.zeros_like(hs[0])
        dh_direct = np.empty_like(dh)
        d_xw, d_hu = np.empty_like(gates), np.empty_like(gates)
        UT = np.ascontiguousarray(U.T)
        with single_thread_blas():
            for t in reversed(range(xt.shape[0])):
                G.gru_cell_backward(dhs[t], dh, gates[t], rh[t], hs[t], d_xw[t], d_hu[t], dh_direct)
                np.matmul(d_hu[t], UT, out=dh)
                dh += dh_direct
        dx, dW, dU = _batch_grads(xt, hs, W, d_xw, d_hu, self.needs_grad[0])
        db = np.stack([d_xw.reshape(-1, d_xw.shape[2]).sum(axis=0), d_hu.reshape(-1, d_hu.shape[2]).sum(axis=0)])
        return dx, dh, dW, dU, db


class SimpleRNN(Function):
    """simple_rnn(x, h0, W, U, b) -> hs (N, T, u), h_t = tanh(x_t·W + b + h_{t-1}·U)."""

    def forward(self, x, h0, W, U, b):
        dtype = np.result_type(x, h0, W, U, b)
        W, U = W.astype(dtype, copy=False), np.ascontiguousarray(U, dtype=dtype)
        xt, xw = _input_projection(x, W, dtype)
        xw += b
        hs = _states(h0, xw.shape[0], dtype)
        with single_thread_blas():
            for t in range(xw.shape[0]):
                np.matmul(hs[t], U, out=hs[t + 1])
                S.simple_rnn_cell_forward(xw[t], hs[t + 1])
        self.save_for_backward(xt, W, U, hs)
        return np.ascontiguousarray(hs[1:].transpose(1, 0, 2))

    def backward(self, grad):
        xt, W, U, hs = self.saved
        dhs = _time_major(grad, hs.dtype)
        dh = np.zeros_like(hs[0])
        da = np.empty_like(hs[1:])
        UT = np.ascontiguousarray(U.T)
        with single_thread_blas():
            for t in reversed(range(xt.shape[0])):
                S.simple_rnn_cell_backward(dhs[t], dh, hs[t + 1], da[t])
                np.matmul(da[t], UT, out=dh)
        dx, dW, dU = _batch_grads(xt, hs, W, da, da, self.needs_grad[0])
        return dx, dh, dW, dU, da.reshape(-1, da.shape[2]).sum(axis=0)
