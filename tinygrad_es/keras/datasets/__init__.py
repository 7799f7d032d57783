"""`keras.datasets`: los conjuntos de datos del curso, con la misma forma que en Keras.

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()

Los módulos viven en `tinygrad_es.datasets`; aquí solo se exponen con los nombres de Keras.
"""
from ...datasets import fashion_mnist, mnist

__all__ = ["fashion_mnist", "mnist"]
