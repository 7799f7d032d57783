"""Adafactor, como en Keras 3 (keras/src/optimizers/adafactor.py): la ecuación, en el docstring de la clase."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ...tensor import Tensor
from .base_optimizer import Optimizer


class Adafactor(Optimizer):
    """Adafactor (Shazeer y Stern, 2018): un Adam sin momento cuya media de g² de una matriz se
    guarda "factorizada", una media por fila (r) y otra por columna (c), y con un paso relativo
    al tamaño del peso. Con t = iterations + 1 y RMS(x) = sqrt(media(x²)):

        rho     = min(lr, 1/sqrt(t))
        alpha   = max(epsilon_2, RMS(w))·rho
        g2      = g² + epsilon_1;   beta = 1 - t^beta_2_decay
        matriz (2 ejes o más, sobre los dos últimos):
            r = beta·r + (1-beta)·media(g2, último eje)
            c = beta·c + (1-beta)·media(g2, penúltimo eje)
            v = (r / media(r)) ⊗ c
        vector o escalar: v = beta·v + (1-beta)·g2
        u = g / sqrt(v);    w -= alpha·u / max(1, RMS(u)/clip_threshold)

    Como en Keras 3, rho es min(lr, 1/sqrt(t)) también con relative_step=False (el argumento se
    acepta y se guarda, pero no cambia nada). Cada peso necesita sus medias completas, así que no
    es una operación elemento a elemento; sin kernel CUDA propio: en la GPU, las mismas
    operaciones de NumPy sobre CudaArray.
    """

    hyperparameters = ("beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold", "relative_step")

    def __init__(self, learning_rate: float = 0.001, beta_2_decay: float = -0.8, epsilon_1: float = 1e-30,
                 epsilon_2: float = 1e-3, clip_threshold: float = 1.0, relative_step: bool = True, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self._set_hyperparameters(beta_2_decay=beta_2_decay, epsilon_1=epsilon_1, epsilon_2=epsilon_2,
                                  clip_threshold=clip_threshold)
        self.relative_step = relative_step

    def build(self, variables: Sequence[Tensor]) -> None:
        super().build(variables)
        self.rows, self.columns, self.velocities = [], [], []
        for variable in variables:  # como Keras: r, c y v de cada peso, seguidos (r y c escalares si no es matriz)
            shape = variable.shape
            matrix = len(shape) >= 2
            self.rows.append(self._zeros(variable, shape[:-1]) if matrix else self._placeholder(variable))
            self.columns.append(self._zeros(variable, shape[:-2] + shape[-1:]) if matrix else self._placeholder(variable))
            self.velocities.append(self.add_variable_from_reference(variable, "velocity"))

    def _zeros(self, variable: Tensor, shape: tuple, dtype=None):
        """Un array de estado de ceros con otra forma que el peso (en su dispositivo y con su tipo)."""
        state = np.zeros_like(variable.data, shape=shape, dtype=dtype)
        self._slots.append(state)
        return state

    def _placeholder(self, variable: Tensor):
        """r y c de un peso que no es matriz: no se usan, pero Keras los crea (un entero 0, int32) y
        ocupan su sitio en optimizer.variables y en los archivos."""
        return self._zeros(variable, (), np.int32)

    def update_step(self, gradient, variable: Tensor, learning_rate: float) -> None:
        i = self._get_variable_index(variable)
        t = self.iterations + 1
        w = variable.data
        rho = min(learning_rate, 1 / np.sqrt(t))
        alpha = np.maximum(self.epsilon_2, _rms(w)) * rho
        squared = gradient * gradient + self.epsilon_1
        beta = 1 - t**self.beta_2_decay
        v = self.velocities[i]
        if w.ndim >= 2:
            r, c = self.rows[i], self.columns[i]
            r *= beta
            r += (1 - beta) * squared.mean(axis=-1)
            c *= beta
            c += (1 - beta) * squared.mean(axis=-2)
            scaled_rows = r / r.mean(axis=-1, keepdims=True)
            v[...] = scaled_rows.reshape(r.shape + (1,)) * c.reshape(c.shape[:-1] + (1, c.shape[-1]))
        else:
            v *= beta
            v += (1 - beta) * squared
        u = gradient / np.sqrt(v)
        w -= alpha * u / np.maximum(1.0, _rms(u) / self.clip_threshold)


def _rms(x):
    return np.sqrt((x * x).mean())
