"""Reducciones: suma, máximo y suma acumulada. mean, min, var, std y prod se componen de estas."""
import numpy as np

from ..autograd import Function


def _restore_axes(grad, shape, axis, keepdims):
    """Devuelve `grad` a un número de ejes que se difunda sobre `shape` (reinsertando los ejes reducidos)."""
    if keepdims or axis is None and grad.ndim == len(shape):
        return grad
    axes = tuple(range(len(shape))) if axis is None else (axis,) if isinstance(axis, int) else axis
    return np.expand_dims(grad, axes)


# --8<-- [start:sum]
class Sum(Function):
    """Cada entrada contribuye con peso 1 a su suma: el gradiente se copia a todas las posiciones."""

    def forward(self, a, axis=None, keepdims=False):
        self.save_for_backward(a.shape, axis, keepdims)
        return np.sum(a, axis=axis, keepdims=keepdims)

    def backward(self, grad):
        shape, axis, keepdims = self.saved
        return np.broadcast_to(_restore_axes(grad, shape, axis, keepdims), shape)
# --8<-- [end:sum]


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


class Cumsum(Function):
    """Sumas acumuladas a lo largo de `axis`: out[i] = x[0] + ... + x[i].

    x[j] aparece en todas las salidas out[i] con i >= j, así que su gradiente es la suma de
    grad[i] para i >= j: la suma acumulada del gradiente recorrida al revés. Primitiva porque
    son dos pasadas (O(n)); compuesta de pad y sumas serían log2(n) pasadas con sus copias.
    """

    def forward(self, a, axis):
        self.save_for_backward(axis)
        return np.cumsum(a, axis=axis)

    def backward(self, grad):
        (axis,) = self.saved
        return np.flip(np.cumsum(np.flip(grad, axis), axis=axis), axis)
