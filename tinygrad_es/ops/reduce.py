"""Reducciones: suma y máximo a lo largo de ejes. mean, min, var y std se componen de estas."""
import numpy as np

from ..autograd import Function


def _restore_axes(grad, shape, axis, keepdims):
    """Devuelve `grad` a un número de ejes que se difunda sobre `shape` (reinsertando los ejes reducidos)."""
    if keepdims or axis is None and grad.ndim == len(shape):
        return grad
    axes = tuple(range(len(shape))) if axis is None else (axis,) if isinstance(axis, int) else axis
    return np.expand_dims(grad, axes)


class Sum(Function):
    """Cada entrada contribuye con peso 1 a su suma: el gradiente se copia a todas las posiciones."""

    def forward(self, a, axis=None, keepdims=False):
        self.save_for_backward(a.shape, axis, keepdims)
        return np.sum(a, axis=axis, keepdims=keepdims)

    def backward(self, grad):
        shape, axis, keepdims = self.saved
        return np.broadcast_to(_restore_axes(grad, shape, axis, keepdims), shape)


class Max(Function):
    """El gradiente va al máximo; si varios empatan se reparte a partes iguales entre ellos."""

    def forward(self, a, axis=None, keepdims=False):
        out = np.max(a, axis=axis, keepdims=True)
        self.save_for_backward(a, out, axis, keepdims)
        return out if keepdims else np.squeeze(out, axis=axis)

    def backward(self, grad):
        a, out, axis, keepdims = self.saved
        winners = a == out
        count = winners.sum(axis=axis, keepdims=True)
        return _restore_axes(grad, a.shape, axis, keepdims) * winners / count.astype(a.dtype)
