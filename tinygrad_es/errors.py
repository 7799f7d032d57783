"""Las excepciones de tinygrad_es y las pocas frases que comparten los mensajes de error.

También `closest_name`, que propone el nombre más parecido a una errata ('reshpe' ->
'reshape'), para los errores de nombres desconocidos del Tensor y de Keras.

Cada mensaje dice qué se esperaba, qué llegó y qué hacer. Las excepciones heredan de las de
Python (ValueError, TypeError, RuntimeError) para que `except ValueError` siga funcionando.
"""
import operator

import numpy as np


class ArgumentError(TypeError, ValueError):
    """Un argumento de tipo o valor no válido (`Dense("10")`, `Dropout(1.5)`).

    Hereda de las dos: `except TypeError` y `except ValueError` lo atrapan, como a los errores de
    argumentos de Keras (casi siempre ValueError) y de Python (TypeError)."""


class ShapeError(ValueError):
    """Formas incompatibles (broadcasting, matmul, capas)."""


class AutogradError(RuntimeError):
    """Uso incorrecto de backward() o del grafo."""


class AnomalyError(FloatingPointError):
    """Un NaN o infinito apareció en backward con detect_anomaly() activo."""


class DeviceError(RuntimeError):
    """Una operación recibió tensores que viven en dispositivos distintos."""


class DTypeError(TypeError):
    """Tipo de dato no válido para la operación (p. ej. derivar un tensor entero)."""


def shape_str(shape) -> str:
    """(32, 28, 28) -> '(32, 28, 28)'; también para formas con None (tamaño de lote libre)."""
    shape = tuple(shape)
    return "(" + ", ".join("None" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def normalize_axes(fn: str, axis, ndim: int) -> tuple:
    """`axis` (un entero, una tupla o None = todos los ejes) -> tupla de ejes >= 0, sin repetidos.

    Un eje que no existe es un error que nombra la función y los ejes válidos.
    """
    raw = tuple(range(ndim)) if axis is None else tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    if not all(is_integer(a) for a in raw):  # cualquier entero (también de NumPy), pero no True ni 1.0 ni '1'
        raise ArgumentError(
            f"{fn}: axis debe ser un entero (un eje), una tupla de enteros o None (todos los ejes) y es {axis!r}."
        )
    axes = tuple(operator.index(a) for a in raw)
    for a in axes:
        if not -ndim <= a < ndim:
            raise ShapeError(
                f"{fn}: axis={axis!r} no existe en un tensor de {ndim} ejes; los ejes válidos van de "
                f"{-ndim} a {ndim - 1} (los negativos cuentan desde el final)."
            )
    axes = tuple(a % ndim for a in axes)
    if len(set(axes)) != len(axes):
        raise ShapeError(f"{fn}: axis={axis!r} nombra el mismo eje más de una vez.")
    return axes


def is_integer(value) -> bool:
    """¿Un entero de Python o de NumPy (o algo con __index__)? True y np.True_ no cuentan."""
    if isinstance(value, (bool, np.bool_)):
        return False
    try:
        operator.index(value)
    except TypeError:
        return False
    return True


def typo_distance(a: str, b: str) -> int:
    """Cuántas erratas separan a de b: letras cambiadas, sobrantes, que faltan o dos vecinas
    intercambiadas ('adma' -> 'adam' es una sola). Distancia de Damerau-Levenshtein restringida."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def closest_name(name: str, choices):
    """El nombre de `choices` con menos erratas respecto a `name`, si no son demasiadas (a lo sumo
    una por cada cuatro letras, y siempre se admiten 2): más lejos ya no es una errata."""
    name = str(name).lower()
    best = min(choices, key=lambda c: (typo_distance(name, c), c), default=None)
    if best is None or typo_distance(name, best) > max(2, len(name) // 4):
        return None
    return best


def missing_module_attribute(module: str, namespace: dict, hints: dict | None = None):
    """El `__getattr__` de un módulo público (PEP 562): `keras.layers.Lambda` o `tinygrad_es.cat`, que no
    existen, dan un AttributeError en español con qué usar en su lugar (`hints`, nombre -> consejo) o
    el nombre más parecido de `namespace` (las globales del módulo, leídas en el momento del error).

    Los nombres que empiezan por '_' siguen dando el error de Python de siempre: los buscan las
    herramientas (`__path__`, `_repr_html_`...) y no un usuario."""
    hints = hints or {}

    def __getattr__(name: str):
        if name.startswith("_"):
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        if name in hints:
            hint = hints[name]
        else:
            public = [n for n, v in namespace.items() if not n.startswith("_") and type(v).__name__ != "module"]
            close = closest_name(name, public)
            hint = f"¿quisiste decir '{close}'?" if close else f"mira dir({module}) para ver lo que hay"
        raise AttributeError(f"{module} no tiene '{name}': {hint}" + ("" if hint.endswith("?") else "."))

    return __getattr__
