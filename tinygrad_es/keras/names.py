"""Los nombres que Keras pone solo a capas y modelos: `dense`, `dense_1`, `sequential_1`...

`unique_name("Dense")` numera por prefijo en toda la sesión, como Keras: el segundo modelo del
curso se llama `sequential_1` y su capa densa `dense_3` porque el primero ya usó los anteriores.
`clear_session()` vuelve a empezar la cuenta.
"""
import re
from collections import defaultdict

_counters = defaultdict(int)


def snake_case(class_name: str) -> str:
    """'MaxPooling2D' -> 'max_pooling2d', 'LSTM' -> 'lstm', 'SimpleRNN' -> 'simple_rnn'."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(class_name: str) -> str:
    """El primer nombre libre para esta clase: 'dense', luego 'dense_1', 'dense_2'..."""
    prefix = snake_case(class_name)
    count = _counters[prefix]
    _counters[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def clear_session() -> None:
    """Olvida los nombres ya usados: el siguiente modelo vuelve a ser 'sequential' con 'dense'."""
    _counters.clear()
