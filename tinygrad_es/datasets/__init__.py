"""Los datos del curso: descargas con caché (`download.get_file`), MNIST, Fashion-MNIST, el texto
de Nietzsche y los problemas de TensorFlow Playground.

    >>> from tinygrad_es.datasets import playground
    >>> X, y = playground.circles(n=200, noise=0.1, seed=0)
"""
from . import download, fashion_mnist, mnist, nietzsche, playground
from .download import get_file

__all__ = ["download", "fashion_mnist", "get_file", "mnist", "nietzsche", "playground"]
