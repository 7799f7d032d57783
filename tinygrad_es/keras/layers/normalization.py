"""Normalización: BatchNormalization y LayerNormalization.

Las dos normalizan (media 0, varianza 1) y luego escalan (gamma) y desplazan (beta), que se
aprenden; cambia sobre qué se calculan la media y la varianza:

- BatchNormalization: cada canal sobre el lote (y las posiciones). Entrenando usa la media y la
  varianza del lote y actualiza sus medias móviles; en evaluate/predict usa esas medias
  móviles. Pesos: gamma, beta (entrenables), moving_mean y moving_variance (no entrenables):
  4·C parámetros, 2·C de ellos no entrenables.
- LayerNormalization: cada muestra sobre sus propios rasgos (el eje `axis`), igual al entrenar
  y al predecir; no depende del lote. Pesos: gamma y beta, 2·rasgos parámetros.
"""
from __future__ import annotations

from collections.abc import Callable

import warnings

from ...errors import shape_str
from ...nn import functional as F
from .. import initializers
from .layer import Layer, store_weight_options, weight_extras, weight_options
from ...validation import axis_list, flag, number
from ...tensor import Tensor


class BatchNormalization(Layer):
    min_ndim = 2
    supports_masking = True

    def __init__(self, axis: int | tuple | None = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer: str | Callable = "zeros",
                 gamma_initializer: str | Callable = "ones", moving_mean_initializer: str | Callable = "zeros",
                 moving_variance_initializer: str | Callable = "ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if axis != -1:
            raise ValueError(
                "BatchNormalization: solo se normaliza el último eje (axis=-1, los canales con channels_last), y "
                f"se pidió axis={axis!r}: mueve ese eje al final con transpose."
            )
        self.axis = axis
        self.momentum = number("BatchNormalization", "momentum", momentum, 0, 1)
        self.epsilon = number("BatchNormalization", "epsilon", epsilon, 0, low_open=True)
        self.center, self.scale = flag("BatchNormalization", "center", center), flag("BatchNormalization", "scale", scale)
        store_weight_options(self, beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                             moving_mean_initializer=moving_mean_initializer,
                             moving_variance_initializer=moving_variance_initializer, beta_regularizer=beta_regularizer,
                             gamma_regularizer=gamma_regularizer, beta_constraint=beta_constraint,
                             gamma_constraint=gamma_constraint)

    def build(self, input_shape: tuple) -> None:
        channels = (input_shape[-1],)
        if self.scale:
            self.gamma = self.add_weight(shape=channels, initializer=self.gamma_initializer, name="gamma",
                                         **weight_extras(self, "gamma"))
        if self.center:
            self.beta = self.add_weight(shape=channels, initializer=self.beta_initializer, name="beta",
                                        **weight_extras(self, "beta"))
        self.moving_mean = self.add_weight(shape=channels, initializer=self.moving_mean_initializer,
                                           trainable=False, name="moving_mean")
        self.moving_variance = self.add_weight(shape=channels, initializer=self.moving_variance_initializer,
                                               trainable=False, name="moving_variance")

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        # Una capa congelada (trainable=False) normaliza siempre con las medias móviles, como en Keras.
        return F.batch_norm(inputs, self.gamma if self.scale else None, self.beta if self.center else None,
                            self.moving_mean, self.moving_variance, training=training and self.trainable,
                            momentum=self.momentum, epsilon=self.epsilon)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
                **weight_options(self, "beta", "gamma")}


class LayerNormalization(Layer):
    """y = (x - media) / sqrt(varianza + epsilon) · gamma + beta, con media y varianza (sesgada) de
    cada muestra sobre `axis` (un eje o una lista). rms_scaling=True es la variante de Keras 3
    que solo escala: y = x / sqrt(varianza + epsilon) · gamma (sin centrar y sin beta)."""

    supports_masking = True

    def __init__(self, axis: int | tuple | None = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 rms_scaling: bool = False, beta_initializer: str | Callable = "zeros",
                 gamma_initializer: str | Callable = "ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis_list("LayerNormalization", "axis", axis)
        self.epsilon = number("LayerNormalization", "epsilon", epsilon, 0, low_open=True)
        self.center, self.scale = flag("LayerNormalization", "center", center), flag("LayerNormalization", "scale", scale)
        self.rms_scaling = flag("LayerNormalization", "rms_scaling", rms_scaling)
        if rms_scaling:
            warnings.warn(
                "LayerNormalization(rms_scaling=True) está obsoleto en Keras 3: divide por la raíz de la varianza y "
                "no por la de la media de los cuadrados. Se calcula igual que en Keras.", UserWarning, stacklevel=2,
            )
        store_weight_options(self, beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                             beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                             beta_constraint=beta_constraint, gamma_constraint=gamma_constraint)

    def build(self, input_shape: tuple) -> None:
        ndim = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        if any(not -ndim <= a < ndim for a in axes) or any(a % ndim == 0 for a in axes):
            raise ValueError(
                f"{self.name} (LayerNormalization): axis={self.axis} no vale para una entrada de {ndim} ejes "
                f"{shape_str(input_shape)}: usa ejes de los rasgos, entre 1 y {ndim - 1} (o -1, el último)."
            )
        # Como Keras: tras construirse, axis queda como lista ordenada (y así sale en get_config).
        self.axis = sorted(axes)
        self.fixed_axes = tuple(self.axis)
        shape = tuple(input_shape[a] for a in self.axis)
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape=shape, initializer=self.gamma_initializer, name="gamma",
                                         **weight_extras(self, "gamma"))
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape=shape, initializer=self.beta_initializer, name="beta",
                                        **weight_extras(self, "beta"))

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        axes = tuple(a % inputs.ndim for a in self.axis)
        # gamma y beta tienen la forma de los ejes normalizados: se les dan 1 en los demás para difundirlos
        shape = tuple(n if i in axes else 1 for i, n in enumerate(inputs.shape))
        variance = inputs.var(axis=axes, keepdims=True)
        if self.rms_scaling:
            out = inputs * (variance + self.epsilon) ** -0.5
            return out * self.gamma.reshape(*shape)
        out = (inputs - inputs.mean(axis=axes, keepdims=True)) * (variance + self.epsilon) ** -0.5
        if self.scale:
            out = out * self.gamma.reshape(*shape)
        if self.center:
            out = out + self.beta.reshape(*shape)
        return out

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                **weight_options(self, "beta", "gamma")}
