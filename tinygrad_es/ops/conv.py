"""Convolución 2D por im2col: copiar ventanas a una matriz y multiplicar con BLAS.

Forward:   cols = im2col(x)            (N·Ho·Wo, KH·KW·C)
           out  = cols @ w2d + b       w2d = w.reshape(KH·KW·C, F)
Backward:  dw = colsᵀ @ dout           db = Σ dout (sobre todo menos F)
           dx = col2im(dout @ w2dᵀ)    (col2im suma las ventanas solapadas)

Los dos productos grandes (y el del forward) son sgemm de BLAS; las copias de ventanas son
kernels de Numba (`kernels/cpu/im2col.py`). La comprobación de formas y el cálculo del relleno
viven en `nn/functional.py`: aquí llegan ya resueltos.
"""
import numpy as np

from ..autograd import Function
from ..kernels.cpu import im2col as K


class Conv2D(Function):
    """conv2d(x (N, H, W, C), w (KH, KW, C, F)[, b (F,)]) -> (N, Ho, Wo, F), canales al final."""

    def forward(self, x, w, *bias, stride, dilation, pad, out_hw):
        x = np.ascontiguousarray(x)
        n, h, wd, c = x.shape
        kh, kw, _, f = w.shape
        (sh, sw), (dh, dw), (pt, pl), (ho, wo) = stride, dilation, pad, out_hw
        cols = np.empty((n, ho, wo, kh, kw, c), dtype=x.dtype)
        K.im2col(x, cols, sh, sw, dh, dw, pt, pl)
        cols2d = cols.reshape(n * ho * wo, kh * kw * c)
        w2d = w.reshape(kh * kw * c, f)
        out = cols2d @ w2d
        if bias:
            out += bias[0]
        self.save_for_backward(cols, w, x.shape, stride, dilation, pad)
        return out.reshape(n, ho, wo, f)

    def backward(self, grad):
        cols, w, x_shape, (sh, sw), (dh, dw), (pt, pl) = self.saved
        kh, kw, c, f = w.shape
        g2d = np.ascontiguousarray(grad).reshape(-1, f)
        dx = dw_ = db = None
        if self.needs_grad[0]:
            dcols = (g2d @ w.reshape(kh * kw * c, f).T).reshape(cols.shape)
            dx = np.empty(x_shape, dtype=grad.dtype)
            K.col2im(dcols, dx, sh, sw, dh, dw, pt, pl)
        if self.needs_grad[1]:
            dw_ = (cols.reshape(g2d.shape[0], -1).T @ g2d).reshape(w.shape)
        if len(self.parents) == 3 and self.needs_grad[2]:
            db = g2d.sum(axis=0)
        return (dx, dw_, db)[:len(self.parents)]
