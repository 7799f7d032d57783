"""Tipos de dato: float32 por defecto, float64 cuando se pide (p. ej. en gradcheck)."""
import numpy as np

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

DEFAULT_FLOAT = float32


def to_dtype(dtype) -> np.dtype:
    """Acepta 'float32', np.float32, tinygrad_es.float64... y devuelve un np.dtype."""
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"tipo de dato desconocido: {dtype!r}; usa 'float32', 'float64', 'int64' o 'bool'."
        ) from None


def is_float(dtype) -> bool:
    return np.issubdtype(dtype, np.floating)
