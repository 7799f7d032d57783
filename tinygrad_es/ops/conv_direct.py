"""Convolución directa de paso 1 para pocos canales de entrada: la primera capa de una CNN.

Es la ruta rápida de `nn.functional.conv2d` cuando la entrada tiene pocos canales (una imagen
en gris o RGB): ahí im2col copia KH·KW valores por píxel para un producto de matrices sin
apenas cuentas (K = 9 con un canal). `kernels/cpu/conv_direct.py` explica la suma por filas.

El forward va por trozos del lote, cada trozo en un hilo (`threads.map_chunks`):

    out = Σ_{a,b,c} X_c desplazada · W_abc           (fila a fila)

El backward es el de Conv2D (`ops/conv.py`): im2col de cada trozo, la máscara de la ReLU y db en
una pasada y dw = colsᵀ·g con BLAS. Con un canal im2col copia poco (9 valores por píxel) y el
producto es pequeño: medido en la primera capa de la CNN del curso (lote 128, un hilo), dw y db
en 3.0 ms, lo mismo que con kernels directos propios (3.1 ms). Y son los kernels que la CNN ya
compila para su última convolución: el primer paso compila ~0.6 s menos.
"""
import numpy as np

from ..kernels.cpu import conv_direct as K
from ..runtime.device import contiguous
from ..runtime.scratch import scratch
from ..runtime.threads import map_chunks, per_worker
from .conv import Conv2D, _Plan

MAX_CHANNELS = 3  # con más canales de entrada, Winograd o im2col + BLAS hacen menos trabajo por salida


def applies(x, w, stride, groups=1) -> bool:
    """¿Sirve la directa? (CPU, paso 1, sin grupos, pocos canales de entrada)."""
    if type(x) is not np.ndarray or type(w) is not np.ndarray or x.dtype.kind != "f":
        return False
    return tuple(stride) == (1, 1) and groups == 1 and w.shape[2] <= MAX_CHANNELS


class Conv2DDirect(Conv2D):
    """conv2d(x (N, H, W, C), w (KH, KW, C, F)[, b (F,)]) -> (N, Ho, Wo, F), paso 1, para C pequeño.

    pad = (arriba, izquierda); con relu=True devuelve max(conv + b, 0), como Conv2D. El backward es
    el de Conv2D (ver arriba).
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
        # lo que guarda Conv2D.forward: x, su plan y, con la ReLU, la salida (su máscara: el mismo array)
        plan = _Plan(x, w, (1, 1), dilation, pad, out_hw, 1)
        self.save_for_backward(x, plan, out.reshape(-1, f) if relu else None)
        return out

    @staticmethod
    def _expanded(w, out_hw, dilation):
        """La imagen expandida (C, Hp, Wp·F) del hilo: un búfer de trabajo (threads.scratch)."""
        kh, kw, c, f = w.shape
        hp, wp = out_hw[0] + (kh - 1) * dilation[0], out_hw[1] + (kw - 1) * dilation[1]
        return scratch("conv_direct_image", (c, hp, wp * f), w.dtype)
