"""El texto de Nietzsche del ejemplo de generación de texto con una LSTM (curso, parte de redes recurrentes).

*Más allá del bien y del mal*, en la traducción inglesa de Helen Zimmern (dominio público), el
mismo corpus del ejemplo de Keras. El flujo del curso, pieza a pieza:

    >>> text = load_text()                                   # 600.894 caracteres, en minúsculas
    >>> chars, char_indices, indices_char = vocabulary(text)  # 57 caracteres distintos
    >>> sentences, next_chars = make_sequences(text, maxlen=40, step=3)   # 200.285 secuencias
    >>> x, y = vectorize(sentences, next_chars, char_indices)  # one-hot: (200285, 40, 57) y (200285, 57)
    >>> next_index = sample(model.predict(x_pred)[0], temperature=0.5)

El texto es de dominio público y viaja dentro del paquete, comprimido
(`tinygrad_es/datasets/data/nietzsche.txt.gz`, 226 kB): funciona sin conexión desde el primer
momento. Si en la caché hay una copia descargada (`~/.tinygrad_es/datasets/nietzsche.txt`), se
usa esa; `load_text(download=True)` la descarga de la misma dirección que el ejemplo de Keras.
"""
from __future__ import annotations

import gzip
import os

import numpy as np

from ..errors import ShapeError
from ..random import generator
from .download import cache_root, get_file

ORIGIN = "https://s3.amazonaws.com/text-datasets/nietzsche.txt"
FNAME = "nietzsche.txt"
# La copia del paquete. La de la URL no es idéntica byte a byte (el ejemplo de Keras la mide en 600.893
# caracteres y esta tiene 600.894), así que la descarga se guarda, como en Keras, sin comprobar su hash.
PACKAGED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", FNAME + ".gz")


def load_text(download: bool = False) -> str:
    """El corpus entero en minúsculas, como lo lee el curso (`f.read().lower()`).

    De la caché si hay una copia descargada; si no, la del paquete. Con `download=True`, la de la
    URL del ejemplo de Keras (descargada la primera vez).
    """
    path = get_file(FNAME, origin=ORIGIN) if download else os.path.join(cache_root(), "datasets", FNAME)
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            return f.read().lower()
    with gzip.open(PACKAGED, "rt", encoding="utf-8") as f:
        return f.read().lower()


def vocabulary(text: str) -> tuple[list[str], dict[str, int], dict[int, str]]:
    """`(chars, char_indices, indices_char)`: los caracteres distintos ordenados y los dos diccionarios
    carácter -> índice e índice -> carácter, como los construye el curso."""
    chars = sorted(set(text))
    char_indices = {c: i for i, c in enumerate(chars)}
    indices_char = {i: c for i, c in enumerate(chars)}
    return chars, char_indices, indices_char


def make_sequences(text: str, maxlen: int = 40, step: int = 3) -> tuple[list[str], list[str]]:
    """Corta el texto en secuencias solapadas de `maxlen` caracteres, empezando cada `step`.

    Devuelve `(sentences, next_chars)`: cada secuencia y el carácter que la sigue, que es lo que la
    red aprende a predecir. Con el corpus entero, maxlen=40 y step=3 salen 200.285 secuencias.
    """
    for name, value in (("maxlen", maxlen), ("step", step)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"make_sequences: {name} debe ser un entero positivo y recibió {value!r}")
    if len(text) <= maxlen:
        raise ValueError(
            f"make_sequences necesita un texto de más de maxlen={maxlen} caracteres (una secuencia más el "
            f"carácter siguiente) y recibió {len(text)}: usa un texto más largo o un maxlen menor"
        )
    starts = range(0, len(text) - maxlen, step)
    return [text[i:i + maxlen] for i in starts], [text[i + maxlen] for i in starts]


def encode(sentences: list[str], char_indices: dict[str, int], dtype=bool) -> np.ndarray:
    """One-hot de una lista de secuencias de igual longitud: array (n, maxlen, len(char_indices)).

    Sirve también para preparar la semilla al generar texto: `encode([sentence], char_indices)`.
    """
    indices = _indices(sentences, char_indices)
    x = np.zeros(indices.shape + (len(char_indices),), dtype=dtype)
    rows, cols = np.indices(indices.shape)
    x[rows, cols, indices] = 1
    return x


def vectorize(sentences: list[str], next_chars: list[str], char_indices: dict[str, int],
              dtype=bool) -> tuple[np.ndarray, np.ndarray]:
    """`(x, y)` one-hot para entrenar: x (n, maxlen, len(chars)) con las secuencias e y (n, len(chars))
    con el carácter siguiente.

    dtype=bool como en el curso: el corpus entero ocupa 456 MB así, y cuatro veces más en float32
    (dtype="float32", por si un modelo necesita la entrada ya en coma flotante).
    """
    if len(sentences) != len(next_chars):
        raise ShapeError(
            f"vectorize recibió {len(sentences)} secuencias y {len(next_chars)} caracteres siguientes; debe haber "
            "uno por secuencia: pásale las dos listas que devuelve make_sequences"
        )
    return encode(sentences, char_indices, dtype), encode(next_chars, char_indices, dtype)[:, 0, :]


def _indices(sentences, char_indices) -> np.ndarray:
    """Matriz (n, maxlen) con el índice de cada carácter, sin un bucle de Python por carácter."""
    sentences = list(sentences)
    lengths = {len(s) for s in sentences}
    if len(lengths) > 1:
        raise ShapeError(
            f"todas las secuencias deben tener la misma longitud (maxlen) y hay de longitudes {sorted(lengths)}: "
            "córtalas con make_sequences"
        )
    maxlen = lengths.pop() if lengths else 0
    # Cada carácter como su número Unicode (4 bytes en UTF-32); buscarlos en la lista ordenada de los
    # números del vocabulario da sus índices de una vez.
    codes = np.frombuffer("".join(sentences).encode("utf-32-le"), dtype="<u4")
    vocab_chars = sorted(char_indices, key=ord)
    vocab_codes = np.array([ord(c) for c in vocab_chars], dtype=np.uint32)
    pos = np.minimum(np.searchsorted(vocab_codes, codes), max(len(vocab_codes) - 1, 0))
    unknown = codes != vocab_codes[pos] if len(vocab_codes) else np.ones(codes.shape, dtype=bool)
    if unknown.any():
        missing = sorted({chr(c) for c in codes[unknown]})
        raise ValueError(
            f"los caracteres {missing} no están en char_indices: construye el vocabulario con vocabulary() "
            "sobre el mismo texto del que salen las secuencias"
        )
    lookup = np.array([char_indices[c] for c in vocab_chars], dtype=np.intp)
    return lookup[pos].reshape(len(sentences), maxlen)


# --8<-- [start:sample]
def sample(preds: np.ndarray, temperature: float = 1.0) -> int:
    """Elige el índice de un carácter al azar según las probabilidades `preds`, como el ejemplo del curso.

    La temperatura reescala la distribución: p_i^(1/T) normalizado. Con T pequeña casi siempre sale el
    más probable (texto repetitivo); con T=1 se muestrea la predicción tal cual; con T>1 la distribución
    se aplana (texto más sorprendente y con más errores). Usa el generador de tinygrad_es, así que
    `manual_seed` hace la generación reproducible.
    """
    if not temperature > 0:
        raise ValueError(
            f"sample: temperature debe ser positiva y recibió {temperature!r}; el curso usa 0.2, 0.5, 1.0 y 1.2"
        )
    preds = np.asarray(preds, dtype=np.float64)
    if preds.ndim != 1 or preds.size == 0:
        raise ShapeError(
            "sample espera el vector de probabilidades de un solo ejemplo (p. ej. model.predict(x)[0]) y "
            f"recibió un array de forma {preds.shape}"
        )
    if (preds < 0).any() or not np.isfinite(preds).all() or preds.sum() <= 0:
        raise ValueError(
            "sample espera probabilidades (números >= 0, finitos y no todos cero, como la salida de un softmax) "
            f"y recibió valores entre {preds.min()} y {preds.max()}"
        )
    with np.errstate(divide="ignore"):  # log(0) = -inf da probabilidad exactamente 0, que es lo correcto
        logits = np.log(preds) / temperature
    # Restar el máximo no cambia el resultado normalizado y evita que exp() desborde con T pequeñas.
    exp_preds = np.exp(logits - logits.max())
    probs = exp_preds / exp_preds.sum()
    return int(np.argmax(generator().multinomial(1, probs)))
# --8<-- [end:sample]
