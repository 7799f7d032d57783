"""Nombres: los que Keras pone solo a capas y modelos, y los de argumentos mal escritos.

- `unique_name("Dense")` numera por prefijo en toda la sesión, como Keras: el segundo modelo del
  curso se llama `sequential_1` y su capa densa `dense_3` porque el primero ya usó los anteriores.
  `clear_session()` vuelve a empezar la cuenta.
- `unknown_arguments_error` explica un argumento que no existe (`Dense(10, activaton='relu')`,
  `fit(x, y, epoch=5)`) y propone el más parecido.
"""
import inspect
import re
from collections import defaultdict

from ..errors import closest_name

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


def parameter_names(function) -> list:
    """Los argumentos con nombre de una función (sin self, *args ni **kwargs)."""
    return [name for name, p in inspect.signature(function).parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def init_arguments(cls) -> list:
    """Los argumentos con nombre que acepta `cls(...)`: los de su __init__ y los de sus clases base
    (una capa pasa **kwargs a Layer.__init__, que acepta name, dtype...)."""
    return [name for klass in cls.__mro__ if klass is not object and "__init__" in vars(klass)
            for name in parameter_names(klass.__init__)]


def unknown_arguments_error(owner: str, kwargs, valid) -> TypeError:
    """El error de un argumento que no existe, con el válido más parecido: activaton -> activation."""
    valid = sorted(set(valid))
    parts = []
    for name in kwargs:
        close = closest_name(name, valid)
        parts.append(f"'{name}'" + (f" (¿quisiste decir '{close}'?)" if close else ""))
    what = "el argumento" if len(parts) == 1 else "los argumentos"
    return TypeError(f"{owner} no reconoce {what} {', '.join(parts)}. Sus argumentos son: {', '.join(valid)}.")
