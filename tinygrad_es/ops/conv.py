"""Convolución 2D por im2col: copiar ventanas a una matriz y multiplicar con BLAS.

Forward:   cols = im2col(x)            (N·Ho·Wo, KH·KW·C)
           out  = cols @ w2d + b       w2d = w.reshape(KH·KW·C, F)
Backward:  dw = colsᵀ @ dout           db = Σ dout (sobre todo menos F)
           dx = col2im(dout @ w2dᵀ)    (col2im suma las ventanas solapadas)

Los productos son sgemm de BLAS; las copias de ventanas, kernels de Numba
(`kernels/cpu/im2col.py`). La comprobación de formas y el cálculo del relleno viven en
`nn/functional.py`: aquí llegan ya resueltos.

Por trozos del lote: `cols` repite cada píxel KH·KW veces (85 MB para la segunda capa de la
CNN del curso con lote 128). En vez de construirla entera, se procesa el lote en trozos de
unas pocas imágenes cuyo `cols` (~4 MB) cabe en la caché: im2col lo escribe y BLAS lo lee
enseguida, sin ir a la memoria principal, y el búfer se reutiliza en cada trozo. El backward
vuelve a calcular im2col de cada trozo (es barato) en vez de guardar `cols`. En una máquina
de 2 núcleos esto hace la capa ~1.5 veces más rápida que con `cols` entero.
"""
import numpy as np

from ..autograd import Function
from ..kernels.cpu import im2col as K

CHUNK_BYTES = 4 << 20  # tamaño de `cols` por trozo: que quepa en la caché L2/L3


def _chunk_size(cols_per_image) -> int:
    return max(1, CHUNK_BYTES // max(1, cols_per_image))


class Conv2D(Function):
    """conv2d(x (N, H, W, C), w (KH, KW, C, F)[, b (F,)]) -> (N, Ho, Wo, F), canales al final."""

    def forward(self, x, w, *bias, stride, dilation, pad, out_hw):
        dtype = np.result_type(x, w)
        x, w = np.ascontiguousarray(x, dtype=dtype), w.astype(dtype, copy=False)
        n, _, _, c = x.shape
        kh, kw, _, f = w.shape
        w2d = w.reshape(kh * kw * c, f)
        pixels = out_hw[0] * out_hw[1]
        out = np.empty((n * pixels, f), dtype=w.dtype)
        for start, stop, cols in self._chunks(x, w, out_hw):
            K.im2col(x[start:stop], cols, *stride, *dilation, *pad)
            np.matmul(cols.reshape(-1, w2d.shape[0]), w2d, out=out[start * pixels:stop * pixels])
        if bias:
            out += bias[0]
        self.save_for_backward(x, w, stride, dilation, pad, out_hw)
        return out.reshape(n, *out_hw, f)

    def backward(self, grad):
        x, w, stride, dilation, pad, out_hw = self.saved
        kh, kw, c, f = w.shape
        w2d = w.reshape(kh * kw * c, f)
        g2d = np.ascontiguousarray(grad, dtype=w.dtype).reshape(-1, f)
        pixels = out_hw[0] * out_hw[1]
        need_x, need_w = self.needs_grad[0], self.needs_grad[1]
        dx = np.empty(x.shape, dtype=w.dtype) if need_x else None
        dw = np.zeros_like(w2d) if need_w else None
        for start, stop, cols in self._chunks(x, w, out_hw):
            g = g2d[start * pixels:stop * pixels]
            cols2d = cols.reshape(-1, w2d.shape[0])
            if need_w:
                K.im2col(x[start:stop], cols, *stride, *dilation, *pad)
                dw += cols2d.T @ g
            if need_x:
                np.matmul(g, w2d.T, out=cols2d)  # el búfer de cols sirve ahora para dcols
                K.col2im(cols, dx[start:stop], *stride, *dilation, *pad)
        db = g2d.sum(axis=0) if len(self.parents) == 3 and self.needs_grad[2] else None
        return (dx, None if dw is None else dw.reshape(w.shape), db)[:len(self.parents)]

    @staticmethod
    def _chunks(x, w, out_hw):
        """(inicio, fin, búfer cols) de cada trozo del lote; el búfer es el mismo array en todos."""
        n, _, _, c = x.shape
        kh, kw = w.shape[:2]
        per_image = out_hw[0] * out_hw[1] * kh * kw * c
        size = min(n, _chunk_size(per_image * w.dtype.itemsize))
        buffer = np.empty((size, *out_hw, kh, kw, c), dtype=w.dtype)
        for start in range(0, n, size):
            stop = min(start + size, n)
            yield start, stop, buffer[:stop - start]
