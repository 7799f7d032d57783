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
