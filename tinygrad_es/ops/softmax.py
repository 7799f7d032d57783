"""Softmax como primitiva fusionada.

Compuesta (exp, sum, div) costaría cuatro nodos y cuatro arrays intermedios; fusionada, el
backward es una sola expresión: si s = softmax(x), entonces

    dL/dx = s · (g - Σ_j g_j s_j)

(la jacobiana de softmax es diag(s) - s sᵀ).
"""
import numpy as np

from ..autograd import Function


class Softmax(Function):
    def forward(self, a, axis=-1):
        e = np.exp(a - a.max(axis=axis, keepdims=True))  # restar el máximo evita desbordar exp
        out = e / e.sum(axis=axis, keepdims=True)
        self.save_for_backward(out, axis)
        return out

    def backward(self, grad):
        out, axis = self.saved
        return out * (grad - (grad * out).sum(axis=axis, keepdims=True))
