"""Lion, como en Keras 3 (keras/src/optimizers/lion.py): la ecuación, en el docstring de la clase."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ...tensor import Tensor
from .base_optimizer import Optimizer


class Lion(Optimizer):
    """EvoLved Sign Momentum (Chen et al., 2023): el paso es el SIGNO de una mezcla de momento y
    gradiente, así que todos los pesos se mueven exactamente lr (hacia un lado u otro).

        w -= lr·sign(beta_1·m + (1-beta_1)·g)
        m  = beta_2·m + (1-beta_2)·g

    Como el paso no se escala con el gradiente, suele necesitar una tasa 3-10 veces menor que
    Adam. Sin kernel CUDA propio: en la GPU, las mismas operaciones de NumPy sobre CudaArray.
    """

    hyperparameters = ("beta_1", "beta_2")
    # Como Keras: beta_1 = 0 sería SignSGD (el signo del gradiente, sin momento); 1 sí vale aquí.
    hyperparameter_ranges = {
        "beta_1": (0, 1, True, False, "el peso del momento en la dirección del paso; con 0 sería SignSGD"),
        "beta_2": (0, 1, False, False, "el peso de la media anterior del momento"),
    }

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.99, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self._set_hyperparameters(beta_1=beta_1, beta_2=beta_2)

    def build(self, variables: Sequence[Tensor]) -> None:
        super().build(variables)
        self.momentums = self.add_optimizer_variables(variables, "momentum")

    def update_step(self, gradient, variable: Tensor, learning_rate: float) -> None:
        m = self.momentums[self._get_variable_index(variable)]
        variable.data -= learning_rate * np.sign(m * self.beta_1 + gradient * (1.0 - self.beta_1))
        m *= self.beta_2
        m += gradient * (1.0 - self.beta_2)
