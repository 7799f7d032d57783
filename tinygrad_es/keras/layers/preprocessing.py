"""Capas de preprocesado dentro del modelo: Rescaling.

`Rescaling(1/255)` como primera capa convierte píxeles de 0-255 a 0-1 dentro del propio modelo,
así que el modelo guardado recibe las imágenes tal cual.
"""
from __future__ import annotations

import numpy as np

from ...errors import ArgumentError
from ...tensor import Tensor
from .layer import Layer


class Rescaling(Layer):
    """y = x · scale + offset. scale y offset pueden ser números o listas (un valor por canal)."""

    fixed_axes = ()
    supports_masking = True

    def __init__(self, scale: bool, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("scale", scale), ("offset", offset)):
            array = np.asarray(value)
            if array.dtype.kind not in "iuf" or not np.isfinite(array).all():
                raise ArgumentError(f"Rescaling: {name} debe ser un número finito o una lista de ellos y es {value!r}.")
        self.scale, self.offset = scale, offset

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        # Keras convierte la escala al dtype de la capa antes de multiplicar: mismos redondeos en float32
        scale = Tensor(np.asarray(self.scale), dtype=self.dtype, device=inputs.device)
        offset = Tensor(np.asarray(self.offset), dtype=self.dtype, device=inputs.device)
        return inputs * scale + offset

    def get_config(self) -> dict:
        def plain(value):  # un array de NumPy no cabe en JSON: como lista
            return value.tolist() if isinstance(value, np.ndarray) else value

        return {**super().get_config(), "scale": plain(self.scale), "offset": plain(self.offset)}
