"""MNIST: 70.000 dígitos escritos a mano, de 28x28 píxeles en gris. `keras.datasets.mnist`.

Se descarga una vez (11 MB) del mismo sitio y con el mismo hash que usa Keras, y queda en
`~/.tinygrad_es/datasets/mnist.npz`. Sin conexión, copia ahí ese archivo.
"""
from __future__ import annotations

import numpy as np

from .download import get_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"  # sha256, el de Keras


def load_data(path: str = "mnist.npz") -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Devuelve `(x_train, y_train), (x_test, y_test)`, todos uint8.

    x_train: (60000, 28, 28) con valores 0-255; y_train: (60000,) con el dígito 0-9;
    x_test: (10000, 28, 28); y_test: (10000,). `path` es el nombre del archivo en la caché.
    """
    local = get_file(fname=path, origin=ORIGIN, file_hash=FILE_HASH)
    # allow_pickle=False: un .npz solo debe traer arrays, nunca código que se ejecute al cargarlo.
    with np.load(local, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
