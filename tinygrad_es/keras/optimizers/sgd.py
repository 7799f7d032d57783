"""SGD, como en Keras 3 (keras/src/optimizers/sgd.py): la ecuación, en el docstring de la clase."""
from __future__ import annotations

from typing import Sequence

from ...runtime.device import cuda_kernels
from ...tensor import Tensor
from .base_optimizer import Optimizer, check_unit_interval


class SGD(Optimizer):
    """Descenso de gradiente, con momento opcional (y Nesterov).

        momentum == 0:  w -= lr·g
        momentum  > 0:  v = momentum·v - lr·g
                        w += v                      (clásico)
                        w += momentum·v - lr·g      (nesterov, con la v nueva)
    """

    hyperparameters = ("momentum", "nesterov")

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_unit_interval("SGD", "momentum", momentum)
        self.momentum, self.nesterov = momentum, nesterov

    def build(self, variables: Sequence[Tensor]) -> None:
        super().build(variables)
        self.momentums = self.add_optimizer_variables(variables, "momentum") if self.momentum else None

    # --8<-- [start:update_step]
    def update_step(self, gradient, variable: Tensor, learning_rate: float) -> None:
        if not self.momentum:
            variable.data -= learning_rate * gradient
            return
        v = self.momentums[self._get_variable_index(variable)]
        v *= self.momentum
        v -= learning_rate * gradient
        if self.nesterov:
            variable.data += self.momentum * v - learning_rate * gradient
        else:
            variable.data += v
    # --8<-- [end:update_step]

    def update_step_cuda(self, gradient, variable: Tensor, learning_rate: float) -> None:
        v = self.momentums[self._get_variable_index(variable)] if self.momentum else None
        cuda_kernels("optimizers").sgd(variable.data, gradient, v, learning_rate, self.momentum, self.nesterov)
