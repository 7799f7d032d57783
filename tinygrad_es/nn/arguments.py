"""Las comprobaciones de argumentos que comparten las familias de `nn.functional`.

Cada una dice en su mensaje qué función la pidió, qué se esperaba, qué llegó y qué hacer.
"""
import numpy as np

from ..errors import ShapeError, shape_str
from ..tensor import Tensor


def as_tensor(value) -> Tensor:
    """El propio Tensor, o uno nuevo con el array (o la lista) que llegó."""
    return value if isinstance(value, Tensor) else Tensor(value)


def check_rank(fn: str, name: str, t: Tensor, rank: int, layout: str, hint: str = "") -> None:
    if t.ndim != rank:
        raise ShapeError(
            f"{fn} esperaba {name} de forma {layout} ({rank} ejes) y recibió {shape_str(t.shape)}"
            + (f": {hint}" if hint else ".")
        )


def check_shape(fn: str, name: str, t: Tensor, expected, hint: str = "") -> None:
    if tuple(t.shape) != tuple(expected):
        raise ShapeError(
            f"{fn} esperaba {name} de forma {shape_str(expected)} y recibió {shape_str(t.shape)}"
            + (f": {hint}" if hint else ".")
        )


def is_int(value, minimum: int) -> bool:
    """¿Un entero (no un booleano) >= minimum?"""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= minimum


def pair(fn: str, name: str, value) -> tuple:
    """Un entero o una pareja de enteros positivos -> (alto, ancho)."""
    both = (value, value) if np.isscalar(value) else tuple(value)
    if len(both) != 2 or not all(is_int(v, 1) for v in both):
        raise ValueError(
            f"{fn}: {name} debe ser un entero positivo o una pareja de ellos (alto, ancho) y recibió {value!r}."
        )
    return int(both[0]), int(both[1])


def single(fn: str, name: str, value) -> int:
    """Un entero positivo (o una tupla de uno, como acepta Keras en Conv1D)."""
    v = value[0] if isinstance(value, (tuple, list)) and len(value) == 1 else value
    if not is_int(v, 1):
        raise ValueError(f"{fn}: {name} debe ser un entero positivo y recibió {value!r}.")
    return int(v)
