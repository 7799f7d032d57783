"""Regularizadores: una penalización sobre los pesos (o las salidas) que se suma a la pérdida.

    Dense(64, kernel_regularizer=keras.regularizers.L2(0.01))

añade 0.01·Σ kernel² a la pérdida de cada paso de `fit`: el descenso de gradiente, además de
ajustar los datos, empuja los pesos hacia cero (el "weight decay" del curso de regresión). Las
fórmulas son las de Keras 3:

- L1(l1=0.01):          l1 · Σ|x|
- L2(l2=0.01):          l2 · Σx²          (sin el 1/2 de algunos libros)
- L1L2(l1=0.0, l2=0.0): las dos sumadas
- OrthogonalRegularizer(factor=0.01, mode='rows'): factor · 0.5 · Σ|<fila_i, fila_j>| / (n(n-1)/2)
  sobre las filas normalizadas (i ≠ j), o sobre las columnas con mode='columns': empuja las
  filas a ser perpendiculares entre sí.

Un regularizador es un objeto que se llama con el peso y devuelve un Tensor escalar (con su
grafo, así que su gradiente llega al peso). La capa los evalúa en `layer.losses`, y `fit` suma
esas pérdidas a la de `compile` (ver `Layer.losses` y `Trainer.compute_loss`). También vale
cualquier función f(peso) -> escalar.
"""
from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor
from .names import snake_case
from .registry import ConfigObject, object_functions

EPSILON = 1e-7  # keras.backend.epsilon(): el tope de 1/norma al normalizar


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _factor(value, name: str, cls: str, float32: bool = False) -> float:
    """Un factor de regularización: un número >= 0 y finito, como exige Keras. L1 y
    OrthogonalRegularizer lo guardan en float32, como Keras (L1(0.1) vale 0.10000000149...)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{cls}: {name} debe ser un número >= 0 (p. ej. {name}=0.01) y es {value!r}.")
    return float(np.float32(value)) if float32 else float(value)


class Regularizer(ConfigObject):
    """Base: `regularizer(peso)` -> Tensor escalar; `get_config()` lo describe para guardarlo."""

    def __call__(self, x) -> Tensor:
        return Tensor(0.0)

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"{type(self).__name__} no define get_config(): añádelo (un diccionario con sus argumentos) para "
            "poder guardar el modelo."
        )


class L1L2(Regularizer):
    """l1 · Σ|x| + l2 · Σx². Por defecto ambos valen 0 (no penaliza): L1L2(l1=0.01, l2=0.01)."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _factor(0.0 if l1 is None else l1, "l1", "L1L2")
        self.l2 = _factor(0.0 if l2 is None else l2, "l2", "L1L2")

    def __call__(self, x) -> Tensor:
        x = _tensor(x)
        total = Tensor(0.0, dtype=x.dtype)
        if self.l1:
            total = total + x.abs().sum() * self.l1
        if self.l2:
            total = total + x.square().sum() * self.l2
        return total

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """l1 · Σ|x|: empuja muchos pesos a ser exactamente 0 (pesos dispersos)."""

    def __init__(self, l1: float = 0.01):
        self.l1 = _factor(0.01 if l1 is None else l1, "l1", "L1", float32=True)

    def __call__(self, x) -> Tensor:
        return _tensor(x).abs().sum() * self.l1

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(Regularizer):
    """l2 · Σx²: pesos pequeños (el "weight decay" clásico)."""

    def __init__(self, l2: float = 0.01):
        self.l2 = _factor(0.01 if l2 is None else l2, "l2", "L2")

    def __call__(self, x) -> Tensor:
        return _tensor(x).square().sum() * self.l2

    def get_config(self) -> dict:
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Penaliza que las filas (o columnas) de una matriz no sean perpendiculares entre sí.

    Cada fila se divide por su norma; el producto escalar de cada par distinto mide cuánto se
    parecen, y la penalización es factor · 0.5 · (suma de sus valores absolutos) / número de pares.
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        self.factor = _factor(factor, "factor", "OrthogonalRegularizer", float32=True)
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: mode debe ser 'rows' o 'columns' y es {mode!r}.")
        self.mode = mode

    def __call__(self, x) -> Tensor:
        x = _tensor(x)
        if x.ndim != 2:
            raise ValueError(
                f"OrthogonalRegularizer solo sirve para matrices (2 ejes) y recibió un peso de forma {x.shape}: "
                "úsalo en el kernel de una capa Dense."
            )
        axis = 1 if self.mode == "rows" else 0
        # x / ||x||, con 1/||x|| limitado a 1/epsilon (una fila de ceros no divide por cero), como Keras
        inverse_norm = (x.square().sum(axis=axis, keepdims=True) ** -0.5).minimum(1.0 / EPSILON)
        unit = x * inverse_norm
        product = unit @ unit.T if self.mode == "rows" else unit.T @ unit
        size = product.shape[0]
        off_diagonal = product * (1.0 - Tensor.eye(size, dtype=x.dtype))
        pairs = size * (size - 1.0) / 2.0
        return off_diagonal.abs().sum() * (self.factor * 0.5 / pairs)

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}


# Los alias en minúsculas de Keras 3: keras.regularizers.l2(0.01) es L2(0.01).
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer

_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
# Como Keras: cada clase por su nombre y por su nombre en minúsculas ('l2', 'l1l2', 'orthogonal_regularizer').
ALL = {**{cls.__name__: cls for cls in _CLASSES}, **{snake_case(cls.__name__): cls for cls in _CLASSES}}


# get('l2') -> L2(0.01); serialize(L2(0.01)) -> {'class_name': 'L2', 'config': {'l2': 0.01}}; deserialize, su inversa.
get, serialize, deserialize = object_functions("regularizador", ALL, "keras.regularizers.L2(0.01)")
