"""Las excepciones de tinygrad_es y las pocas frases que comparten los mensajes de error.

Cada mensaje dice qué se esperaba, qué llegó y qué hacer. Las excepciones heredan de las de
Python (ValueError, TypeError, RuntimeError) para que `except ValueError` siga funcionando.
"""


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
    axes = tuple(range(ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
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
