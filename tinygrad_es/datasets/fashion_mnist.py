"""Fashion-MNIST: 70.000 fotos de prendas de 28x28 en gris, 10 clases. `keras.datasets.fashion_mnist`.

Mismo formato que MNIST (uint8, mismas formas), pero más difícil de clasificar. Los datos son
los cuatro archivos IDX comprimidos (.gz) originales. Se buscan primero en
`/usr/share/datasets/fashion-mnist/` (donde los deja el paquete de Debian `dataset-fashion-mnist`,
sin descargar nada); si no están, se descargan de donde los descarga Keras a la caché
`~/.tinygrad_es/datasets/fashion-mnist/`. Keras no comprueba su hash: en su lugar comprobamos el
gzip, la cabecera IDX y el tamaño de cada archivo, que delatan un archivo cortado o equivocado
(una página HTML, una descarga a medias). Una copia dañada en la caché se descarga de nuevo.
"""
from __future__ import annotations

import gzip
import os
import zlib

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
# Lo más que ocupan los datos de un archivo de Fashion-MNIST (60.000 imágenes de 28x28 bytes): una cabecera
# que anuncie más es de un archivo ajeno, y no se reserva esa memoria.
MAX_BYTES = 60000 * 28 * 28


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Devuelve `(x_train, y_train), (x_test, y_test)`, todos uint8.

    x_train: (60000, 28, 28); y_train: (60000,) con la clase 0-9 (nombres en `CLASS_NAMES`);
    x_test: (10000, 28, 28); y_test: (10000,).
    """
    arrays = {key: _load(fname) for key, fname in FILES.items()}
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.ndim != 3 or images.shape[0] != labels.shape[0]:
            raise ValueError(
                f"Fashion-MNIST ({split}): {images.shape[0]} imágenes de forma {images.shape[1:]} y "
                f"{labels.shape[0]} etiquetas; deberían ser tantas imágenes (N, 28, 28) como etiquetas. "
                f"Borra los archivos de {split} de la caché para que se descarguen de nuevo"
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _load(fname: str) -> np.ndarray:
    """El array de un archivo: la copia de Debian si existe; si no, la de la caché (descargada la primera vez,
    y otra vez si la copia guardada está dañada)."""
    debian = os.path.join(DEBIAN_DIR, fname)
    if os.path.isfile(debian):
        try:
            return read_idx(debian, MAX_BYTES)
        except ValueError as error:
            raise ValueError(
                f"{error}. Es la copia del paquete de Debian: reinstálalo con "
                "`apt-get install --reinstall dataset-fashion-mnist`"
            ) from None
    path = get_file(fname, origin=ORIGIN + fname, cache_subdir=CACHE_SUBDIR)
    try:
        return read_idx(path, MAX_BYTES)
    except ValueError as error:
        print(f"{error}. Se descarga de nuevo.")
    return read_idx(get_file(fname, origin=ORIGIN + fname, cache_subdir=CACHE_SUBDIR, force_download=True), MAX_BYTES)


def read_idx(path: str, max_bytes: int | None = None) -> np.ndarray:
    """Lee un archivo IDX (comprimido con gzip si acaba en .gz) y devuelve su array.

    Formato: 2 bytes a cero, 1 byte con el tipo, 1 byte con el número de dimensiones n,
    n enteros de 32 bits big-endian con el tamaño de cada dimensión, y después los datos.
    Se lee solo lo que la cabecera anuncia (y nunca más de `max_bytes` de datos, si se da): un
    archivo ajeno o una bomba de gzip no llenan la memoria. Cualquier daño da un ValueError que
    nombra el archivo.
    """
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            return _read_idx(f, path, max_bytes)
    except (OSError, EOFError, zlib.error) as error:  # gzip cortado o que no es gzip
        raise ValueError(
            f"{path} está incompleto o dañado: no se puede descomprimir ({type(error).__name__}: {error}). "
            "Bórralo para que se descargue de nuevo"
        ) from None


def _read_idx(f, path: str, max_bytes: int | None) -> np.ndarray:
    head = f.read(4)
    if len(head) < 4 or head[0] != 0 or head[1] != 0 or head[2] not in IDX_DTYPES:
        raise ValueError(
            f"{path} no es un archivo IDX: su cabecera empieza por {head.hex() or 'nada'} y debería ser "
            "00 00 <tipo> <dimensiones>. Bórralo para que se descargue de nuevo"
        )
    ndim = head[3]
    dims = f.read(4 * ndim)
    shape = tuple(int(d) for d in np.frombuffer(dims, dtype=">u4", count=len(dims) // 4))
    dtype = np.dtype(IDX_DTYPES[head[2]])
    size = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if len(shape) != ndim or (max_bytes is not None and size > max_bytes):
        raise ValueError(
            f"{path} no es un archivo IDX de estos datos: su cabecera anuncia {ndim} dimensiones {shape} "
            f"({size} bytes) y se esperan como mucho {max_bytes} bytes. Bórralo para que se descargue de nuevo"
        )
    raw = f.read(size + 1)  # un byte de más delata un archivo más largo de lo anunciado
    if len(raw) != size:
        total = 4 + len(dims) + len(raw)
        raise ValueError(
            f"{path} está incompleto o dañado: su cabecera anuncia un array {shape} ({4 + 4 * ndim + size} bytes) "
            f"y el archivo tiene {total if len(raw) < size else 'más de ' + str(total - 1)} bytes. "
            "Bórralo para que se descargue de nuevo"
        )
    # astype a orden nativo: uint8 no cambia, y los tipos de varios bytes quedan listos para NumPy.
    return np.frombuffer(raw, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
