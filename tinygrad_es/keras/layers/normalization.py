"""BatchNormalization: normaliza cada canal para que tenga media 0 y varianza 1, y luego lo
escala (gamma) y desplaza (beta), que se aprenden.

Entrenando usa la media y la varianza del lote y actualiza sus medias móviles; en
evaluate/predict usa esas medias móviles. Pesos: gamma, beta (entrenables), moving_mean y
moving_variance (no entrenables): 4·C parámetros, 2·C de ellos no entrenables.
"""
from ...nn import functional as F
from .. import initializers
from .layer import Layer


class BatchNormalization(Layer):
    min_ndim = 2

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        if axis != -1:
            raise ValueError(
                "BatchNormalization: solo se normaliza el último eje (axis=-1, los canales con channels_last), y "
                f"se pidió axis={axis!r}: mueve ese eje al final con transpose."
            )
        self.axis, self.momentum, self.epsilon = axis, momentum, epsilon
        self.center, self.scale = center, scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)

    def build(self, input_shape):
        channels = (input_shape[-1],)
        if self.scale:
            self.add_weight("gamma", channels, self.gamma_initializer)
        if self.center:
            self.add_weight("beta", channels, self.beta_initializer)
        self.add_weight("moving_mean", channels, self.moving_mean_initializer, trainable=False)
        self.add_weight("moving_variance", channels, self.moving_variance_initializer, trainable=False)

    def call(self, inputs, training=False):
        # Una capa congelada (trainable=False) normaliza siempre con las medias móviles, como en Keras.
        return F.batch_norm(inputs, self.gamma if self.scale else None, self.beta if self.center else None,
                            self.moving_mean, self.moving_variance, training=training and self.trainable,
                            momentum=self.momentum, epsilon=self.epsilon)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer)}
