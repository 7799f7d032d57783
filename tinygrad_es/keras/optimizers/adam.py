"""Adam, como en Keras 3 (keras/src/optimizers/adam.py): la ecuación, en el docstring de la clase."""
from __future__ import annotations

import math
from typing import Optional, Sequence

import numpy as np

from ...runtime.device import cuda_kernels
from ...tensor import Tensor
from .base_optimizer import Optimizer, epsilon_or_default


class Adam(Optimizer):
    """Momento (m) más escalado por la media de g² (v), con corrección de sesgo en la tasa.

        alpha = lr·sqrt(1-beta_2^t) / (1-beta_1^t)
        m += (g - m)·(1-beta_1)
        v += (g² - v)·(1-beta_2)
        amsgrad:  vhat = max(vhat, v);  se usa vhat en lugar de v
        w -= m·alpha / (sqrt(v) + eps)

    Ojo: es la forma "épsilon-sombrero" de Keras, no la del libro m̂/(sqrt(v̂)+eps).
    """

    hyperparameters = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: Optional[float] = 1e-7, amsgrad: bool = False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self._set_hyperparameters(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon_or_default(epsilon))
        self.amsgrad = amsgrad

    def build(self, variables: Sequence[Tensor]) -> None:
        super().build(variables)
        self.momentums, self.velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])
        self.velocity_hats = self.add_optimizer_variables(variables, "velocity_hat") if self.amsgrad else None

    def _state(self, variable: Tensor) -> tuple:
        """(momentum, velocity, velocity_hat o None) del peso."""
        i = self._get_variable_index(variable)
        return self.momentums[i], self.velocities[i], self.velocity_hats[i] if self.amsgrad else None

    # --8<-- [start:update_step]
    def update_step(self, gradient, variable: Tensor, learning_rate: float) -> None:
        m, v, vhat = self._state(variable)
        t = self.iterations + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        m += (gradient - m) * (1 - self.beta_1)
        v += (gradient * gradient - v) * (1 - self.beta_2)
        if self.amsgrad:
            np.maximum(vhat, v, out=vhat)
            v = vhat
        variable.data -= m * alpha / (np.sqrt(v) + self.epsilon)
    # --8<-- [end:update_step]

    def update_step_cuda(self, gradient, variable: Tensor, learning_rate: float) -> None:
        m, v, vhat = self._state(variable)
        cuda_kernels("optimizers").adam(variable.data, gradient, m, v, vhat, learning_rate, self.iterations + 1,
                                        self.beta_1, self.beta_2, self.epsilon, self.amsgrad)
