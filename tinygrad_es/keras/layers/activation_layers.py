"""Capas de activación con parámetro: LeakyReLU.

Son como `Activation`, pero con un hiperparámetro propio que se guarda en la configuración.
"""
from __future__ import annotations

import warnings

from .layer import Layer
from ...validation import number
from ...tensor import Tensor


class LeakyReLU(Layer):
    """x si x > 0; negative_slope·x si no (Keras 3: negative_slope=0.3 por defecto)."""

    fixed_axes = ()

    def __init__(self, negative_slope: float = 0.3, **kwargs):
        if "alpha" in kwargs:
            warnings.warn("LeakyReLU: el argumento alpha está obsoleto; se llama negative_slope.",
                          DeprecationWarning, stacklevel=2)
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = number("LeakyReLU", "negative_slope", negative_slope, 0)

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        return inputs.leaky_relu(self.negative_slope)

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}
