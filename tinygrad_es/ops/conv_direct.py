"""Convolución directa de paso 1 para pocos canales de entrada: la primera capa de una CNN.

Es la ruta rápida de `nn.functional.conv2d` cuando la entrada tiene pocos canales (una imagen
en gris o RGB): ahí im2col copia KH·KW valores por píxel para un producto de matrices sin
apenas cuentas (K = 9 con un canal). `kernels/cpu/conv_direct.py` explica la suma por filas.

Forward y backward por trozos del lote, cada trozo en un hilo (`threads.map_chunks`):

    out = Σ_{a,b,c} X_c desplazada · W_abc           (forward, fila a fila)
    dw  = Σ_j (Σ_filas g · X_c desplazada)             (weight_grad + fold)
    dx  = Σ_f (Σ_filas g · W_abc, en su sitio)          (input_grad; solo si x pide gradiente)
    db  = Σ_j (Σ_filas g)                              (weight_grad + fold)
"""
import numpy as np

from ..autograd import Function
from ..kernels.cpu import conv_direct as K
from ..runtime.device import contiguous
from ..runtime.scratch import scratch
from ..runtime.threads import map_chunks, per_worker

MAX_CHANNELS = 3  # con más canales de entrada, Winograd o im2col + BLAS hacen menos trabajo por salida


def applies(x, w, stride, groups=1) -> bool:
    """¿Sirve la directa? (CPU, paso 1, sin grupos, pocos canales de entrada)."""
    if type(x) is not np.ndarray or type(w) is not np.ndarray or x.dtype.kind != "f":
        return False
    return tuple(stride) == (1, 1) and groups == 1 and w.shape[2] <= MAX_CHANNELS


class Conv2DDirect(Function):
    """conv2d(x (N, H, W, C), w (KH, KW, C, F)[, b (F,)]) -> (N, Ho, Wo, F), paso 1, para C pequeño.

    pad = (arriba, izquierda); con relu=True devuelve max(conv + b, 0), como Conv2D.
    """

    def forward(self, x, w, *bias, dilation, pad, out_hw, relu=False):
        dtype = np.result_type(x, w)
        x, w = contiguous(x, dtype=dtype), w.astype(dtype, copy=False)
        n, f = x.shape[0], w.shape[3]
        w_tiled = K.tile_weights(w, out_hw[1])
        b = np.tile(bias[0].astype(dtype, copy=False), out_hw[1]) if bias else np.empty(0, dtype)
        out = np.empty((n, *out_hw, f), dtype=dtype)

        def chunk(start, stop):
            K.forward(x, w_tiled, b, relu, out, *pad, *dilation, self._expanded(w, out_hw, dilation), start, stop)

        map_chunks(chunk, n, per_worker(n))
        # con la ReLU, el backward necesita la salida (su máscara): el mismo array que se devuelve
        self.save_for_backward(x, w, w_tiled, dilation, pad, out if relu else None)
        return out

    def backward(self, grad):
        x, w, w_tiled, dilation, pad, relu_out = self.saved
        n, f = x.shape[0], w.shape[3]
        grad = contiguous(grad, dtype=w.dtype)
        out_hw = grad.shape[1:3]
        mask = relu_out if relu_out is not None else np.empty((0, 0, 0, 0), dtype=w.dtype)
        need_x, need_w = self.needs_grad[0], self.needs_grad[1]
        need_b = len(self.parents) == 3 and self.needs_grad[2]
        dx = np.empty_like(x) if need_x else None

        def chunk(start, stop):
            """Devuelve las partes de dW y db (sin plegar) de este trozo; escribe su parte de dx."""
            expanded = self._expanded(w, out_hw, dilation)
            buffer = scratch("conv_direct_row", (w_tiled.shape[3],), w.dtype)
            partial, bias_partial = np.zeros_like(w_tiled), np.zeros_like(buffer)
            if need_w or need_b:
                K.weight_grad(x, grad, mask, partial, bias_partial, *pad, *dilation, expanded, buffer, start, stop)
            if need_x:
                K.input_grad(grad, mask, w_tiled, dx, *pad, *dilation, expanded, buffer, start, stop)
            return partial, bias_partial

        parts = map_chunks(chunk, n, per_worker(n))
        dw = K.fold(sum(p[0] for p in parts), f) if need_w else None
        db = K.fold(sum(p[1] for p in parts), f) if need_b else None
        return (dx, dw, db)[:len(self.parents)]

    @staticmethod
    def _expanded(w, out_hw, dilation):
        """La imagen expandida (C, Hp, Wp·F) del hilo: un búfer de trabajo (threads.scratch)."""
        kh, kw, c, f = w.shape
        hp, wp = out_hw[0] + (kh - 1) * dilation[0], out_hw[1] + (kw - 1) * dilation[1]
        return scratch("conv_direct_image", (c, hp, wp * f), w.dtype)
