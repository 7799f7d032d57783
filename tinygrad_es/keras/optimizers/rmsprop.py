"""RMSprop, como en Keras 3 (keras/src/optimizers/rmsprop.py): la ecuación, en el docstring de la clase."""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from ...runtime.device import cuda_kernels
from ...tensor import Tensor
from .base_optimizer import Optimizer, epsilon_or_default


class RMSprop(Optimizer):
    """Divide el paso por la raíz de la media móvil de g² (épsilon dentro de la raíz, sin corrección de sesgo).

        v = rho·v + (1-rho)·g²
        centered:  a = rho·a + (1-rho)·g;   denom = v - a² + eps
        si no:     denom = v + eps
        inc = lr·g / sqrt(denom)
        momentum > 0:  mom = momentum·mom + inc;  w -= mom
        si no:         w -= inc
    """

    hyperparameters = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: Optional[float] = 1e-7, centered: bool = False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self._set_hyperparameters(rho=rho, momentum=momentum, epsilon=epsilon_or_default(epsilon))
        self.centered = centered

    def build(self, variables: Sequence[Tensor]) -> None:
        super().build(variables)
        self.velocities = self.add_optimizer_variables(variables, "velocity")
        self.momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum > 0 else None
        self.average_gradients = self.add_optimizer_variables(variables, "average_gradient") if self.centered else None

    def _state(self, variable: Tensor) -> tuple:
        """(velocity, average_gradient o None, momentum o None) del peso."""
        i = self._get_variable_index(variable)
        return (self.velocities[i], self.average_gradients[i] if self.centered else None,
                self.momentums[i] if self.momentum > 0 else None)

    # --8<-- [start:update_step]
    def update_step(self, gradient, variable: Tensor, learning_rate: float) -> None:
        v, a, mom = self._state(variable)
        # en su sitio, con un solo array de trabajo (`work`): con un array nuevo por operación,
        # este paso costaba 0.7 ms por paso de la LSTM del curso; así, ~0.2 ms
        work = np.square(gradient, out=np.empty_like(v))
        work *= 1 - self.rho
        v *= self.rho
        v += work  # v = rho·v + (1-rho)·g², en el orden de Keras
        if self.centered:
            a *= self.rho
            a += (1 - self.rho) * gradient
            np.subtract(v, a * a, out=work)
            work += self.epsilon  # denom = v - a² + eps
        else:
            np.add(v, self.epsilon, out=work)  # denom = v + eps
        np.sqrt(work, out=work)
        inc = learning_rate * gradient
        inc /= work  # inc = lr·g / sqrt(denom)
        if self.momentum > 0:
            mom *= self.momentum
            mom += inc
            variable.data -= mom
        else:
            variable.data -= inc
    # --8<-- [end:update_step]

    def update_step_cuda(self, gradient, variable: Tensor, learning_rate: float) -> None:
        v, a, mom = self._state(variable)
        cuda_kernels("optimizers").rmsprop(variable.data, gradient, v, a, mom, learning_rate, self.rho,
                                           self.momentum, self.epsilon, self.centered)
