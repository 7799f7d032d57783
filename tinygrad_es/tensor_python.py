"""Lo que Python y NumPy piden a un tensor: `len`, `for`, `abs`, `float`, `round`, `math.trunc`, `f"{t:.3f}"`,
`np.asarray`.

Un array de NumPy y un tensor de PyTorch responden a todo esto, y quien viene de ellos lo escribe sin
pensarlo (`abs(x)`, `float(loss)`, `np.asarray(t)`). Sin estos métodos, Python daría su error en
inglés, o algo peor: `list(escalar)` daría [] en silencio y `np.asarray(t)` un array de objetos
Tensor. Nada de esto entra en el grafo salvo `abs(x)` y `+x`, que son x.abs() y x mismo: las funciones
de NumPy (np.sum, np.exp...) dan arrays con los valores, como con np.asarray.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterator

import numpy as np

from .errors import shape_str

if TYPE_CHECKING:  # (solo para las anotaciones: tensor.py importa este módulo)
    from .tensor import Tensor


class PythonOps:
    """Mezcla de Tensor con los protocolos de Python y NumPy (ver el docstring del módulo)."""

    __slots__ = ()

    def __len__(self) -> int:
        """El tamaño del primer eje, como len de un array."""
        self._check_has_axes("len()")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        """Las filas (el primer eje), cada una un Tensor derivable, como al recorrer un array."""
        self._check_has_axes("Recorrer un tensor (for, list)")
        return (self[i] for i in range(self.shape[0]))

    def _check_has_axes(self, what: str) -> None:
        if self.ndim == 0:
            raise TypeError(
                f"{what} necesita un eje que recorrer y este tensor es un escalar (forma ()): su valor es "
                "t.item(); para tratarlo como lista de un elemento, t.reshape(1)."
            )

    def __abs__(self) -> Tensor:
        return self.abs()

    def __pos__(self) -> Tensor:
        return self

    def __float__(self) -> float:
        return float(self._only_value("float()"))

    def __int__(self) -> int:
        return int(self._only_value("int()"))

    def __format__(self, spec: str) -> str:
        """f"{t:.3f}" formatea el valor de un tensor de un elemento, como PyTorch; sin formato, su repr."""
        if not spec:
            return repr(self)
        return format(self._only_value(f"El formato '{spec}'"), spec)

    def _only_value(self, what: str) -> float | int | bool:
        if self.size != 1:
            raise TypeError(
                f"{what} solo vale para un tensor de un elemento y este tiene forma {shape_str(self.shape)} "
                f"({self.size} elementos): elige uno (t[0]) o reduce antes (t.sum(), t.mean()); para todos los "
                "valores, t.numpy() o t.tolist()."
            )
        return self.numpy().item()

    def __trunc__(self) -> int:
        """math.trunc(t) de un tensor de un elemento (math.floor y math.ceil pasan por float(t))."""
        return math.trunc(self._only_value("math.trunc()"))

    def __round__(self, ndigits: int | None = None) -> float | int:
        """round(t) de un tensor de un elemento: el número redondeado, como round(float(t))."""
        return round(self._only_value("round()"), ndigits)

    def tolist(self) -> list | float | int | bool:
        """Los valores como listas de Python anidadas (un número si es un escalar), como ndarray.tolist."""
        return self.numpy().tolist()

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        """np.asarray(t) y np.array(t) dan los valores (sin grafo), no un array de objetos Tensor."""
        values = self.numpy()
        if dtype is not None:
            values = values.astype(dtype, copy=False)
        return values.copy() if copy else values

    def __array_function__(self, func, types, args, kwargs):
        """np.sum(t), np.concatenate([t, u])...: las funciones de NumPy trabajan con los valores y dan arrays
        (fuera del grafo, como np.asarray); sin esto, np.sum(t) llamaría a t.sum(out=...) y fallaría."""
        return func(*_values(args), **_values(kwargs))


def read_only(name: str, instead: str):
    """El setter de una propiedad del tensor que no se asigna (shape, dtype): un error que dice qué escribir."""
    def setter(self, value):
        raise AttributeError(f"t.{name} = ...: la propiedad {name} de un tensor no se asigna; {instead}, que crea "
                             "un tensor nuevo.")
    return setter


def _values(value):
    """Los Tensors dentro de argumentos (sueltos o en listas, tuplas y diccionarios) como arrays de NumPy."""
    if isinstance(value, PythonOps):
        return value.numpy()
    if isinstance(value, (list, tuple)):
        return type(value)(_values(v) for v in value)
    if isinstance(value, dict):
        return {k: _values(v) for k, v in value.items()}
    return value
