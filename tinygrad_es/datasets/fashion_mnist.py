"""Fashion-MNIST: 70.000 fotos de prendas de 28x28 en gris, 10 clases. `keras.datasets.fashion_mnist`.

Mismo formato que MNIST (uint8, mismas formas), pero más difícil de clasificar. Los datos son
los cuatro archivos IDX comprimidos (.gz) originales. Se buscan primero en
`/usr/share/datasets/fashion-mnist/` (donde los deja el paquete de Debian `dataset-fashion-mnist`,
sin descargar nada); si no están, se descargan de donde los descarga Keras a la caché
`~/.tinygrad_es/datasets/fashion-mnist/`. Keras no comprueba su hash: en su lugar comprobamos la
cabecera IDX y el tamaño de cada archivo, que delatan un archivo cortado o equivocado.
"""
import gzip
import os

import numpy as np

from .download import get_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")
DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"
FILES = {
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_train": "train-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
}
CLASS_NAMES = [
    "Camiseta/top", "Pantalón", "Jersey", "Vestido", "Abrigo",
    "Sandalia", "Camisa", "Zapatilla", "Bolso", "Botín",
]
# Tercer byte de la cabecera IDX -> tipo de los datos (todos en orden big-endian).
IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def load_data():
    """Devuelve `(x_train, y_train), (x_test, y_test)`, todos uint8.

    x_train: (60000, 28, 28); y_train: (60000,) con la clase 0-9 (nombres en `CLASS_NAMES`);
    x_test: (10000, 28, 28); y_test: (10000,).
    """
    arrays = {key: read_idx(_locate(fname)) for key, fname in FILES.items()}
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.ndim != 3 or images.shape[0] != labels.shape[0]:
            raise ValueError(
                f"Fashion-MNIST ({split}): {images.shape[0]} imágenes de forma {images.shape[1:]} y "
                f"{labels.shape[0]} etiquetas; deberían ser tantas imágenes (N, 28, 28) como etiquetas. "
                f"Borra los archivos de {split} de la caché para que se descarguen de nuevo"
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _locate(fname: str) -> str:
    """La copia de Debian si existe; si no, la de la caché (descargándola la primera vez)."""
    debian = os.path.join(DEBIAN_DIR, fname)
    if os.path.isfile(debian):
        return debian
    return get_file(fname, origin=ORIGIN + fname, cache_subdir=CACHE_SUBDIR)


def read_idx(path: str) -> np.ndarray:
    """Lee un archivo IDX (comprimido con gzip si acaba en .gz) y devuelve su array.

    Formato: 2 bytes a cero, 1 byte con el tipo, 1 byte con el número de dimensiones n,
    n enteros de 32 bits big-endian con el tamaño de cada dimensión, y después los datos.
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_DTYPES:
        raise ValueError(
            f"{path} no es un archivo IDX: su cabecera empieza por {raw[:4].hex() or 'nada'} y debería ser "
            "00 00 <tipo> <dimensiones>. Bórralo para que se descargue de nuevo"
        )
    ndim = raw[3]
    header_size = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(IDX_DTYPES[raw[2]])
    expected = header_size + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise ValueError(
            f"{path} está incompleto o dañado: su cabecera anuncia un array {shape} ({expected} bytes) y el "
            f"archivo tiene {len(raw)} bytes. Bórralo para que se descargue de nuevo"
        )
    # astype a orden nativo: uint8 no cambia, y los tipos de varios bytes quedan listos para NumPy.
    return np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape).astype(dtype.newbyteorder("="))
