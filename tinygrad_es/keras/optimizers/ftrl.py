"""Ftrl, como en Keras 3 (keras/src/optimizers/ftrl.py): la ecuación, en el docstring de la clase."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ...tensor import Tensor
from .base_optimizer import Optimizer


class Ftrl(Optimizer):
    """Follow The Regularized Leader (McMahan et al., 2013), pensado para modelos lineales grandes
    y dispersos: con l1_regularization_strength > 0 deja pesos exactamente a 0.

    Con p = learning_rate_power (-0.5 por defecto), n = acumulador de g² y z = "lineal":

        l2      = l2_regularization_strength + beta / (2·lr)
        g'      = g + 2·l2_shrinkage_regularization_strength·w
        n_nuevo = n + g²
        z      += g' - (n_nuevo^(-p) - n^(-p)) / lr · w
        w       = (clip(z, -l1, l1) - z) / (n_nuevo^(-p) / lr + 2·l2)
        n       = n_nuevo

    El peso no se actualiza sumando un paso: se recalcula entero a partir de z. Sin kernel CUDA
    propio: en la GPU, las mismas operaciones de NumPy sobre CudaArray.
    """

    hyperparameters = ("learning_rate_power", "initial_accumulator_value", "l1_regularization_strength",
                       "l2_regularization_strength", "l2_shrinkage_regularization_strength", "beta")

    def __init__(self, learning_rate: float = 0.001, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, l2_shrinkage_regularization_strength: float = 0.0,
                 beta: float = 0.0, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self._set_hyperparameters(
            learning_rate_power=learning_rate_power, initial_accumulator_value=initial_accumulator_value,
            l1_regularization_strength=l1_regularization_strength, l2_regularization_strength=l2_regularization_strength,
            l2_shrinkage_regularization_strength=l2_shrinkage_regularization_strength, beta=beta)

    def build(self, variables: Sequence[Tensor]) -> None:
        super().build(variables)
        self.accumulators, self.linears = [], []
        for variable in variables:  # como Keras: acumulador y lineal de cada peso, seguidos
            self.accumulators.append(self.add_variable_from_reference(variable, "accumulator",
                                                                      self.initial_accumulator_value))
            self.linears.append(self.add_variable_from_reference(variable, "linear"))

    def update_step(self, gradient, variable: Tensor, learning_rate: float) -> None:
        i = self._get_variable_index(variable)
        accumulator, linear = self.accumulators[i], self.linears[i]
        power = -self.learning_rate_power
        w = variable.data
        l2 = self.l2_regularization_strength + self.beta / (2.0 * learning_rate)
        shrunk = gradient + 2 * self.l2_shrinkage_regularization_strength * w
        new_accumulator = accumulator + gradient * gradient
        linear += shrunk - (np.power(new_accumulator, power) - np.power(accumulator, power)) / learning_rate * w
        quadratic = np.power(new_accumulator, power) / learning_rate + 2 * l2
        l1 = self.l1_regularization_strength
        w[...] = (np.clip(linear, -l1, l1) - linear) / quadratic
        accumulator[...] = new_accumulator
