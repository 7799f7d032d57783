"""Escrituras en su sitio: `assign`, `assign_add`, `assign_sub` (como una Variable de Keras) y `t[...] = v`.

Las demás operaciones de Tensor crean un tensor nuevo y dejan el grafo intacto; estas cambian
los valores del propio tensor, así que no se derivan y tienen dos reglas:

- Se escribe en las hojas (los datos, los pesos), nunca en el resultado de una operación que
  está construyendo el grafo: lo que venga detrás vería el valor nuevo y el gradiente iría al
  viejo. Para un tensor con una parte cambiada, se construye otro (`Tensor.where`).
- Cada escritura sube la versión del tensor (ver `versions.py`): si una operación ya lo había
  guardado para su backward, `backward()` lo dirá en vez de dar un gradiente equivocado.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import autograd, versions
from .errors import AutogradError, ShapeError, shape_str
from .runtime.cuda_array import CudaArray
from .validation import index_error, numeric_array

if TYPE_CHECKING:
    from .tensor import Tensor


class InPlaceOps:
    """Mezcla de Tensor con las escrituras en su sitio (ver el docstring del módulo)."""

    __slots__ = ()

    def assign(self, value: Tensor | np.ndarray | list | float) -> Tensor:
        """Copia `value` (un número, un array o un Tensor de la misma forma) en este tensor y lo devuelve."""
        value = self._write_value("assign", value)
        self._check_fits("assign", value)
        self.data[...] = value
        versions.bump(self)
        return self

    def assign_add(self, value: Tensor | np.ndarray | list | float) -> Tensor:
        """self += value, en su sitio (como `Variable.assign_add` de Keras)."""
        value = self._write_value("assign_add", value)
        self._check_fits("assign_add", value)
        return self.assign(self.data + value)

    def assign_sub(self, value: Tensor | np.ndarray | list | float) -> Tensor:
        """self -= value, en su sitio (como `Variable.assign_sub` de Keras)."""
        value = self._write_value("assign_sub", value)
        self._check_fits("assign_sub", value)
        return self.assign(self.data - value)

    def _check_fits(self, owner: str, value) -> None:
        if not _fits(value.shape, self.shape):
            raise ShapeError(
                f"{owner}: el valor tiene forma {shape_str(value.shape)} y el tensor {shape_str(self.shape)}: "
                "deben coincidir (o ser un número, que vale para todas las posiciones)."
            )

    def __setitem__(self, index, value: Tensor | np.ndarray | list | float) -> None:
        """t[índice] = valor, como en NumPy (los mismos índices que t[índice])."""
        from .tensor import _index_arg

        value = self._write_value("t[...] = valor", value)
        index = _index_arg(index)
        try:
            self.data[index] = value
        except (IndexError, TypeError):
            raise index_error("t[...] = valor", self.shape, index) from None
        except ValueError:
            raise ShapeError(
                f"t[...] = valor: un valor de forma {shape_str(value.shape)} no cabe en t[{index!r}] "
                f"(t tiene forma {shape_str(self.shape)}): debe tener la forma de la parte elegida, o ser un número."
            ) from None
        versions.bump(self)

    def __delitem__(self, index) -> None:
        raise TypeError(
            "del t[...]: un tensor no pierde elementos (su forma es fija): construye otro con los que quedan, p. ej. "
            "t = t[máscara] con una máscara booleana, o Tensor.concatenate de los trozos."
        )

    def _write_value(self, fn: str, value):
        """Comprueba que se puede escribir en este tensor y devuelve `value` como array."""
        if self._ctx is not None and autograd.is_grad_enabled():
            raise AutogradError(
                f"{fn}: este tensor es el resultado de {type(self._ctx).__name__}, una operación que está "
                "construyendo el grafo, y escribir en él haría que el gradiente fuera al valor viejo. Construye un "
                "tensor nuevo (Tensor.where(máscara, valor, t), concatenate...) o escribe en las hojas (datos, "
                "pesos)."
            )
        if isinstance(self.data, np.ndarray) and not self.data.flags.writeable:
            raise ValueError(
                f"{fn}: la memoria de este tensor es de solo lectura (viene de expand/broadcast_to o de un array "
                "de solo lectura): trabaja con una copia, Tensor(t.numpy().copy())."
            )
        if isinstance(value, InPlaceOps):  # un Tensor (o una Variable de Keras)
            return value.data
        if isinstance(value, CudaArray):  # ya en la GPU (y ya numérico)
            return value
        return numeric_array(fn, "value", value)


def _fits(shape: tuple, target: tuple) -> bool:
    """¿Se difunde `shape` (broadcasting) a `target` sin cambiarlo?"""
    return len(shape) <= len(target) and all(a in (1, b) for a, b in zip(reversed(shape), reversed(target)))
