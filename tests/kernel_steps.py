"""Un paso completo de GRU reset_after=False con los kernels de un dispositivo (CPU o CUDA) y los productos
de NumPy entre medias: lo que comparan tests/test_kernels_recurrent.py y tests/test_cuda_kernels.py con la
referencia de kernels/cpu/gru.py."""
import numpy as np


def gru_reset_before_step(kernels, xw, h_prev, U, threads=None):
    """Un paso de GRU reset_after=False con los kernels de `kernels` y los productos en NumPy entre medias."""
    u, extra = h_prev.shape[1], {} if threads is None else {"threads": threads}
    gates, rh, h = xw.copy(), np.empty_like(h_prev), np.empty_like(h_prev)
    kernels.gru_reset_before_gates(h_prev @ U[:, :2 * u], gates, h_prev, rh, **extra)
    kernels.gru_reset_before_output(rh @ U[:, 2 * u:], gates, h_prev, h, **extra)
    return gates, rh, h


def gru_reset_before_step_backward(kernels, dh_out, dh_next, gates, h_prev, U, threads=None):
    """Su backward: (d(x_t·W), dh_{t-1}), con d(rh) = da·U_hᵀ y dh_{t-1} += d(zr)·U_zrᵀ en NumPy."""
    u, extra = h_prev.shape[1], {} if threads is None else {"threads": threads}
    dxw, direct = np.empty_like(gates), np.empty_like(h_prev)
    kernels.gru_reset_before_backward_output(dh_out, dh_next, gates, h_prev, dxw, direct, **extra)
    kernels.gru_reset_before_backward_gates(dxw[:, 2 * u:] @ U[:, 2 * u:].T, gates, h_prev, dxw, direct, **extra)
    return dxw, direct + dxw[:, :2 * u] @ U[:, :2 * u].T
