"""keras.ops: crear, convertir y consultar tensores (convert_to_tensor, cast, shape...)."""
import numpy as np

from ...dtypes import to_dtype
from ...tensor import Tensor

__all__ = ["cast", "convert_to_numpy", "convert_to_tensor", "dtype", "is_tensor", "shape", "stop_gradient"]


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None) -> Tensor:
    """Un Tensor con los valores de x (array, lista, número o Tensor). Con dtype, del tipo pedido; un
    Tensor que ya lo es se devuelve tal cual (conserva su gradiente). sparse y ragged no existen aquí."""
    if sparse or ragged:
        raise ValueError("convert_to_tensor: tinygrad_es no tiene tensores dispersos (sparse) ni irregulares "
                         "(ragged); pasa un array denso.")
    if isinstance(x, Tensor):
        return x if dtype is None or x.dtype == to_dtype(dtype) else x.astype(dtype)
    return Tensor(x, dtype=dtype)


def convert_to_numpy(x) -> np.ndarray:
    """Los valores como array de NumPy (desde la GPU, una copia a la CPU)."""
    return x.numpy() if isinstance(x, Tensor) else np.asarray(x)


def cast(x, dtype) -> Tensor:
    """x convertido a `dtype`; entre flotantes el gradiente pasa. De flotante a entero se trunca hacia 0."""
    return convert_to_tensor(x).astype(dtype)


def is_tensor(x) -> bool:
    return isinstance(x, Tensor)


def shape(x) -> tuple:
    return tuple(convert_to_tensor(x).shape)


def dtype(x) -> str:
    """El nombre del tipo, como en Keras: 'float32'."""
    return convert_to_tensor(x).dtype.name


def stop_gradient(variable) -> Tensor:
    """El mismo valor, sin gradiente: el autograd no pasa por aquí."""
    return convert_to_tensor(variable).detach()
