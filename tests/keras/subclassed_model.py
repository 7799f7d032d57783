"""El modelo subclase de tests/fixtures/make_keras_files.py escrito con tinygrad_es (para sus pesos)."""
from tinygrad_es import keras


class Subclassed(keras.Model):
    """El modelo subclase de make_keras_files.py, escrito con tinygrad_es."""

    def __init__(self):
        super().__init__()
        self.oculta = keras.layers.Dense(4, activation="relu")
        self.bloque = [keras.layers.Dense(3), keras.layers.BatchNormalization()]
        self.salida = keras.layers.Dense(2)

    def call(self, x):
        h = self.oculta(x)
        for layer in self.bloque:
            h = layer(h)
        return self.salida(h)
