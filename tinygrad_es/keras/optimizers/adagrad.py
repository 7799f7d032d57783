"""Adagrad, como en Keras 3 (keras/src/optimizers/adagrad.py): la ecuación, en el docstring de la clase."""
from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

from ...runtime.device import cuda_kernels
from ...tensor import Tensor
from .base_optimizer import Optimizer, epsilon_or_default


class Adagrad(Optimizer):
    """Acumula g² desde el principio: los pesos que ya se movieron mucho dan pasos cada vez menores.

        acc += g²                      (acc empieza en initial_accumulator_value)
        w -= lr·g / sqrt(acc + eps)
    """

    hyperparameters = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate: float = 0.001, initial_accumulator_value: float = 0.1,
                 epsilon: Optional[float] = 1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self._set_hyperparameters(initial_accumulator_value=initial_accumulator_value, epsilon=epsilon_or_default(epsilon))

    def build(self, variables: Sequence[Tensor]) -> None:
        super().build(variables)
        self.accumulators = self.add_optimizer_variables(variables, "accumulator", self.initial_accumulator_value)

    # --8<-- [start:update_step]
    def update_step(self, gradient, variable: Tensor, learning_rate: float) -> None:
        acc = self.accumulators[self._get_variable_index(variable)]
        acc += gradient * gradient
        variable.data -= learning_rate * gradient / np.sqrt(acc + self.epsilon)
    # --8<-- [end:update_step]

    def update_step_cuda(self, gradient, variable: Tensor, learning_rate: float) -> None:
        acc = self.accumulators[self._get_variable_index(variable)]
        cuda_kernels("optimizers").adagrad(variable.data, gradient, acc, learning_rate, self.epsilon)
