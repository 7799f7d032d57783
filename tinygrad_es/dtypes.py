"""Tipos de dato: float32 por defecto, float64 cuando se pide (p. ej. en gradcheck)."""
import numpy as np

from .errors import DTypeError

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

DEFAULT_FLOAT = float32


def to_dtype(dtype, owner: str = "") -> np.dtype:
    """Acepta 'float32', np.float32, tinygrad_es.float64... y devuelve un np.dtype (`owner`: quien
    pregunta, para el mensaje, p. ej. 'Dense: dtype')."""
    where = f"{owner}: " if owner else ""
    try:
        result = np.dtype(dtype)
    except TypeError:
        raise DTypeError(
            f"{where}tipo de dato desconocido: {dtype!r}; usa 'float32', 'float64', 'int64' o 'bool'."
        ) from None
    if result.kind not in "biuf":  # textos, objetos, complejos, fechas: un tensor guarda números reales
        raise DTypeError(
            f"{where}el tipo de dato {dtype!r} ({result}) no es de números reales: usa 'float32', 'float64', 'int64' o 'bool'."
        )
    return result


def is_float(dtype) -> bool:
    """¿Es un tipo de coma flotante? (Se llama en cada operación binaria: `kind` cuesta 0.05 µs y
    np.issubdtype, 1.6.)"""
    kind = dtype.kind if isinstance(dtype, np.dtype) else np.dtype(dtype).kind
    return kind == "f"
