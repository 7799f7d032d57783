"""Las comprobaciones de argumentos que comparten las familias de `nn.functional` y las capas de Keras.

Cada una dice en su mensaje qué función (o capa) la pidió, qué se esperaba, qué llegó y qué
hacer. Aquí está también, una sola vez, la fórmula del tamaño de salida de una ventana
deslizante (convoluciones y pooling).
"""
from __future__ import annotations

import numpy as np

from ..errors import ArgumentError, ShapeError, shape_str
from ..tensor import Tensor
from ..validation import integer_hint


def check_rank(fn: str, name: str, t: Tensor, rank: int, layout: str, hint: str = "") -> None:
    if t.ndim != rank:
        raise ShapeError(
            f"{fn} esperaba {name} de forma {layout} ({rank} ejes) y recibió {shape_str(t.shape)}"
            + (f": {hint}" if hint else ".")
        )


def check_shape(fn: str, name: str, t: Tensor, expected: tuple, hint: str = "") -> None:
    if tuple(t.shape) != tuple(expected):
        raise ShapeError(
            f"{fn} esperaba {name} de forma {shape_str(expected)} y recibió {shape_str(t.shape)}"
            + (f": {hint}" if hint else ".")
        )


def is_int(value: object, minimum: int) -> bool:
    """¿Un entero (no un booleano) >= minimum?"""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value >= minimum


def int_tuple(fn: str, name: str, value: int | tuple | list, n: int, minimum: int = 1) -> tuple:
    """3 -> (3, 3) (con n = 2); (3, 2) se queda: así se leen kernel_size, strides, pool_size... (como en Keras)."""
    values = (value,) * n if np.isscalar(value) else tuple(value) if isinstance(value, (tuple, list)) else ()
    if len(values) != n or not all(is_int(v, minimum) for v in values):
        what = "un entero positivo" if minimum == 1 else f"un entero >= {minimum}"
        shape = "una pareja (alto, ancho)" if n == 2 else f"una tupla de {n}"
        hint = integer_hint(next((v for v in values if not is_int(v, minimum)), value))
        raise ArgumentError(f"{fn}: {name} debe ser {what} o {shape} de ellos y recibió {value!r}."
                            + (f" {hint}" if hint else ""))
    return tuple(int(v) for v in values)


def pair(fn: str, name: str, value: int | tuple | list) -> tuple:
    """Un entero o una pareja de enteros positivos -> (alto, ancho)."""
    return int_tuple(fn, name, value, 2)


def single(fn: str, name: str, value: int | tuple | list) -> int:
    """Un entero positivo (o una tupla de uno, como acepta Keras en Conv1D)."""
    v = value[0] if isinstance(value, (tuple, list)) and len(value) == 1 else value
    if not is_int(v, 1):
        hint = integer_hint(v)
        raise ArgumentError(f"{fn}: {name} debe ser un entero positivo y recibió {value!r}." + (f" {hint}" if hint else ""))
    return int(v)


PADDING_MODES = {"valid": "'valid' (sin relleno)", "same": "'same' (salida de tamaño ceil(entrada/stride))",
                 "causal": "'causal' (todo el relleno a la izquierda)"}


def padding_mode(fn: str, value: str, allowed: tuple = ("valid", "same")) -> str:
    """El padding con nombre ('valid', 'same', 'causal'), en minúsculas, si es uno de `allowed`."""
    mode = value.lower() if isinstance(value, str) else None
    if mode not in allowed:
        options = ", ".join(PADDING_MODES[a] for a in allowed[:-1]) + f" o {PADDING_MODES[allowed[-1]]}"
        raise ValueError(f"{fn}: padding debe ser {options} y recibió {value!r}.")
    return mode


def output_size(size: int | None, window: int, stride: int = 1, dilation: int = 1,
                padding: str | tuple = "valid") -> int | None:
    """El tamaño de salida de una ventana deslizante sobre un eje de `size` (None si no se conoce: lo da None).

    padding: 'same' o 'causal' (ceil(size/stride)), 'valid' (sin relleno) o (antes, después):

        salida = (size + antes + después - dilation·(window - 1) - 1) // stride + 1
    """
    if size is None:
        return None
    if padding in ("same", "causal"):
        return -(-size // stride)
    before, after = (0, 0) if padding == "valid" else padding
    return (size + before + after - dilation * (window - 1) - 1) // stride + 1
