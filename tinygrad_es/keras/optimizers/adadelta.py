"""Adadelta, como en Keras 3 (keras/src/optimizers/adadelta.py): la ecuación, en el docstring de la clase."""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from ...runtime.device import cuda_kernels
from ...tensor import Tensor
from .base_optimizer import Optimizer, epsilon_or_default


class Adadelta(Optimizer):
    """Adagrad con memoria corta (medias móviles) y un paso con las unidades del peso.

        Eg2  = rho·Eg2 + (1-rho)·g²
        dx   = -sqrt(Edx2 + eps)·g / sqrt(Eg2 + eps)
        Edx2 = rho·Edx2 + (1-rho)·dx²
        w   += lr·dx
    """

    hyperparameters = ("rho", "epsilon")

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.95, epsilon: Optional[float] = 1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self._set_hyperparameters(rho=rho, epsilon=epsilon_or_default(epsilon))

    def build(self, variables: Sequence[Tensor]) -> None:
        super().build(variables)
        self.accumulated_grads, self.accumulated_delta_vars = self.add_optimizer_variables(
            variables, ["accumulated_grad", "accumulated_delta_var"])

    # --8<-- [start:update_step]
    def update_step(self, gradient, variable: Tensor, learning_rate: float) -> None:
        i = self._get_variable_index(variable)
        eg2, edx2 = self.accumulated_grads[i], self.accumulated_delta_vars[i]
        eg2 *= self.rho
        eg2 += (1 - self.rho) * gradient * gradient
        dx = -np.sqrt(edx2 + self.epsilon) * gradient / np.sqrt(eg2 + self.epsilon)
        edx2 *= self.rho
        edx2 += (1 - self.rho) * dx * dx
        variable.data += learning_rate * dx
    # --8<-- [end:update_step]

    def update_step_cuda(self, gradient, variable: Tensor, learning_rate: float) -> None:
        i = self._get_variable_index(variable)
        cuda_kernels("optimizers").adadelta(variable.data, gradient, self.accumulated_grads[i],
                                            self.accumulated_delta_vars[i], learning_rate, self.rho, self.epsilon)
