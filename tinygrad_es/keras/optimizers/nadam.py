"""Nadam, como en Keras 3 (keras/src/optimizers/nadam.py): la ecuación, en el docstring de la clase."""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from ...runtime.device import cuda_kernels
from ...tensor import Tensor
from .base_optimizer import Optimizer, epsilon_or_default


class Nadam(Optimizer):
    """Adam con momento de Nesterov y un calendario de momento u_t = beta_1·(1 - 0.5·0.96^t).

    Una vez por paso:
        u_t  = beta_1·(1 - 0.5·0.96^t);   u_t1 = beta_1·(1 - 0.5·0.96^(t+1))
        u_product = u_product·u_t;        u_product_t1 = u_product·u_t1
    Por peso:
        m += (g - m)·(1-beta_1)
        v += (g² - v)·(1-beta_2)
        m_hat = u_t1·m/(1-u_product_t1) + (1-u_t)·g/(1-u_product)
        v_hat = v/(1-beta_2^t)
        w -= lr·m_hat / (sqrt(v_hat) + eps)
    """

    hyperparameters = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: Optional[float] = 1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self._set_hyperparameters(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon_or_default(epsilon))
        self.u_product = 1.0  # producto de los u_i hasta el paso actual

    def build(self, variables: Sequence[Tensor]) -> None:
        super().build(variables)
        self.momentums, self.velocities = self.add_optimizer_variables(variables, ["momentum", "velocity"])

    @property
    def variables(self) -> list:
        """Las de la base y, al final, u_product (como Keras)."""
        return super().variables + [np.array(self.u_product, dtype=np.float32)]

    def _assign_scalars(self, weights) -> None:
        super()._assign_scalars(weights)
        self.u_product = float(weights[-1])

    def prepare_step(self, learning_rate: float) -> None:
        t = self.iterations + 1
        self.u_t = self.beta_1 * (1 - 0.5 * 0.96**t)
        self.u_t1 = self.beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        self.u_product *= self.u_t
        self.u_product_t1 = self.u_product * self.u_t1

    # --8<-- [start:update_step]
    def update_step(self, gradient, variable: Tensor, learning_rate: float) -> None:
        i = self._get_variable_index(variable)
        m, v = self.momentums[i], self.velocities[i]
        t = self.iterations + 1
        m += (gradient - m) * (1 - self.beta_1)
        v += (gradient * gradient - v) * (1 - self.beta_2)
        m_hat = self.u_t1 * m / (1 - self.u_product_t1) + (1 - self.u_t) * gradient / (1 - self.u_product)
        v_hat = v / (1 - self.beta_2**t)
        variable.data -= learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)
    # --8<-- [end:update_step]

    def update_step_cuda(self, gradient, variable: Tensor, learning_rate: float) -> None:
        # u_product ya incluye u_t (prepare_step): es el Π_t que pide el kernel
        i = self._get_variable_index(variable)
        cuda_kernels("optimizers").nadam(variable.data, gradient, self.momentums[i], self.velocities[i],
                                         learning_rate, self.iterations + 1, self.u_product, self.beta_1,
                                         self.beta_2, self.epsilon)
