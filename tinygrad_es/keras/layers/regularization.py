"""Capas de regularización: Dropout, SpatialDropout1D/2D y GaussianNoise.

Solo actúan al entrenar (fit pasa training=True); en evaluate/predict devuelven la entrada tal
cual. El azar sale del generador global (keras.utils.set_random_seed lo hace reproducible);
`seed=` se acepta y se guarda en la configuración como en Keras.
"""
from __future__ import annotations

from ...nn import functional as F
from ...random import generator
from ...tensor import Tensor
from .convolutional import channels_last
from .layer import Layer
from ...validation import number


def _check_rate(cls, rate):
    number(cls, "rate", rate, 0, 1, meaning="la fracción de valores que se anulan")


class Dropout(Layer):
    """Durante el entrenamiento anula cada valor con probabilidad `rate` y escala el resto por
    1/(1 - rate) (dropout invertido); en evaluate/predict no hace nada."""

    fixed_axes = ()
    supports_masking = True

    def __init__(self, rate: float, noise_shape: tuple | None = None, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        _check_rate(type(self).__name__, rate)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        return F.dropout(inputs, self.rate, training=training, noise_shape=self.noise_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}


class SpatialDropout1D(Dropout):
    """Dropout de canales enteros: en (lote, pasos, canales) anula cada canal en todos los pasos a
    la vez (la máscara tiene forma (lote, 1, canales)). Útil tras Conv1D, donde pasos vecinos
    se parecen tanto que anular valores sueltos apenas regulariza."""

    input_ndim = 3
    noise_axes = (1,)

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        noise_shape = tuple(1 if axis in self.noise_axes else n for axis, n in enumerate(inputs.shape))
        return F.dropout(inputs, self.rate, training=training, noise_shape=noise_shape)

    def get_config(self) -> dict:
        # Keras guarda solo estos cuatro (ni trainable ni noise_shape)
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype.name}


class SpatialDropout2D(SpatialDropout1D):
    """Dropout de mapas de características enteros: en (lote, alto, ancho, canales) la máscara es
    (lote, 1, 1, canales). Útil tras Conv2D."""

    input_ndim = 4
    noise_axes = (1, 2)

    def __init__(self, rate: float, data_format: str | None = None, seed: int | None = None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = channels_last("SpatialDropout2D", data_format)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class GaussianNoise(Layer):
    """Al entrenar suma ruido normal de media 0 y desviación `stddev` a cada valor (aumento de
    datos para entradas reales); en evaluate/predict no hace nada."""

    fixed_axes = ()
    supports_masking = True

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        number("GaussianNoise", "stddev", stddev, 0, 1, meaning="la desviación típica del ruido, como en Keras")
        self.stddev, self.seed = stddev, seed

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        if not training or self.stddev == 0:
            return inputs
        noise = generator().normal(0.0, self.stddev, size=inputs.shape)
        return inputs + Tensor(noise, dtype=inputs.dtype, device=inputs.device)

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
