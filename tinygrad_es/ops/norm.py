"""Normalización por lotes (batch normalization) como UNA operación con su backward fusionado.

Sobre todos los ejes menos el último (los canales), con m = elementos por canal:

    x̂ = (x - μ) / √(σ² + ε)          y = γ·x̂ + β

- Entrenamiento: μ y σ² son la media y la varianza SESGADA del propio lote, así que dependen
  de x y el backward debe incluirlo. Derivando (y simplificando):
      dβ = Σ dy      dγ = Σ dy·x̂      dx = γ/(m·√(σ²+ε)) · (m·dy - dβ - x̂·dγ)
- Inferencia: μ y σ² son las medias móviles, constantes: dx = γ·dy/√(σ²+ε).

Compuesta con operaciones de Tensor daría lo mismo, pero con una decena de pasadas por la
memoria y arrays intermedios; fusionada son tres.
"""
import numpy as np

from ..autograd import Function


class BatchNorm(Function):
    """batch_norm(x, gamma, beta) con `mean`/`var` dados; `batch_stats=True` si salen del propio x."""

    def forward(self, x, gamma, beta, mean, var, epsilon, batch_stats):
        inv_std = (1.0 / np.sqrt(var + epsilon)).astype(x.dtype, copy=False)
        x_hat = (x - mean) * inv_std
        self.save_for_backward(x_hat, inv_std, gamma, batch_stats)
        return x_hat * gamma + beta

    def backward(self, grad):
        x_hat, inv_std, gamma, batch_stats = self.saved
        axes = tuple(range(grad.ndim - 1))
        d_beta = grad.sum(axis=axes)
        d_gamma = (grad * x_hat).sum(axis=axes)
        dx = None
        if self.needs_grad[0]:
            if batch_stats:
                m = grad.size // grad.shape[-1]
                dx = (gamma * inv_std / m) * (m * grad - d_beta - x_hat * d_gamma)
            else:
                dx = grad * (gamma * inv_std)
        return dx, d_gamma, d_beta
