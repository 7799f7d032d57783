"""Adamax, como en Keras 3 (keras/src/optimizers/adamax.py): la ecuación, en el docstring de la clase."""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from ...runtime.device import cuda_kernels
from ...tensor import Tensor
from .base_optimizer import Optimizer, epsilon_or_default


class Adamax(Optimizer):
    """Adam con la norma infinito: u es el máximo (con olvido) de |g|.

        m += (g - m)·(1-beta_1)
        u  = max(beta_2·u, |g|)
        w -= lr·m / ((1-beta_1^t)·(u + eps))
    """

    hyperparameters = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: Optional[float] = 1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self._set_hyperparameters(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon_or_default(epsilon))

    def build(self, variables: Sequence[Tensor]) -> None:
        super().build(variables)
        self.m, self.u = self.add_optimizer_variables(variables, ["momentum", "norm"])

    # --8<-- [start:update_step]
    def update_step(self, gradient, variable: Tensor, learning_rate: float) -> None:
        i = self._get_variable_index(variable)
        m, u = self.m[i], self.u[i]
        t = self.iterations + 1
        m += (gradient - m) * (1 - self.beta_1)
        u *= self.beta_2
        np.maximum(u, np.abs(gradient), out=u)
        variable.data -= learning_rate * m / ((1 - self.beta_1**t) * (u + self.epsilon))
    # --8<-- [end:update_step]

    def update_step_cuda(self, gradient, variable: Tensor, learning_rate: float) -> None:
        i = self._get_variable_index(variable)
        cuda_kernels("optimizers").adamax(variable.data, gradient, self.m[i], self.u[i], learning_rate,
                                          self.iterations + 1, self.beta_1, self.beta_2, self.epsilon)
