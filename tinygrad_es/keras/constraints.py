"""Restricciones: tras cada paso del optimizador, el peso se proyecta dentro de un conjunto.

    Dense(64, kernel_constraint=keras.constraints.MaxNorm(3))

Después de cada actualización (`optimizer.apply`, como en Keras 3), el núcleo se reemplaza por
`MaxNorm(3)(núcleo)`: cada columna (los pesos que llegan a una neurona, `axis=0`) con norma mayor
que 3 se reescala a norma 3. No cambia la pérdida ni el gradiente; cambia dónde acaba el peso.
Las fórmulas son las de Keras 3 (normas sobre `axis`, con keepdims, y epsilon = 1e-7):

- MaxNorm(max_value=2, axis=0):     w · clip(‖w‖, 0, max_value) / (epsilon + ‖w‖)
- MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0):
                                     w · (rate·clip(‖w‖, min, max) + (1-rate)·‖w‖) / (epsilon + ‖w‖)
- UnitNorm(axis=0):                 w / (epsilon + ‖w‖)
- NonNeg():                         max(w, 0)

Para un núcleo de Conv2D (alto, ancho, entrada, filtros), axis=[0, 1, 2] restringe cada filtro.
Una restricción es un objeto que se llama con el peso y devuelve el peso nuevo (un Tensor);
también vale cualquier función f(peso) -> peso.
"""
from __future__ import annotations

from ..autograd import no_grad
from ..tensor import Tensor
from ..validation import number
from .names import snake_case
from .registry import ConfigObject, object_functions

EPSILON = 1e-7  # keras.backend.epsilon()


def _norms(w: Tensor, axis) -> Tensor:
    axis = tuple(axis) if isinstance(axis, list) else axis
    return w.square().sum(axis=axis, keepdims=True).sqrt()


class Constraint(ConfigObject):
    """Base: `constraint(peso)` -> peso proyectado (esta no cambia nada); `get_config()` lo describe."""

    def __call__(self, w: Tensor) -> Tensor:
        return w


class MaxNorm(Constraint):
    """La norma de cada vector de pesos (sobre `axis`) no pasa de max_value: los más largos se acortan."""

    def __init__(self, max_value: float = 2, axis: int | list = 0):
        self.max_value = number("MaxNorm", "max_value", max_value, 0, low_open=True, meaning="la norma máxima")
        self.axis = axis

    def __call__(self, w: Tensor) -> Tensor:
        norms = _norms(w, self.axis)
        return w * (norms.clip(0, self.max_value) / (norms + EPSILON))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Pesos >= 0: los negativos pasan a 0."""

    def __call__(self, w: Tensor) -> Tensor:
        return w.maximum(0.0)


class UnitNorm(Constraint):
    """Cada vector de pesos (sobre `axis`) con norma 1."""

    def __init__(self, axis: int | list = 0):
        self.axis = axis

    def __call__(self, w: Tensor) -> Tensor:
        return w / (_norms(w, self.axis) + EPSILON)

    def get_config(self) -> dict:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """La norma de cada vector de pesos entre min_value y max_value. Con rate < 1 solo se acerca a
    ese intervalo un poco en cada paso: norma nueva = rate·clip(norma) + (1 - rate)·norma."""

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: int | list = 0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w: Tensor) -> Tensor:
        norms = _norms(w, self.axis)
        desired = norms.clip(self.min_value, self.max_value) * self.rate + norms * (1 - self.rate)
        return w * (desired / (norms + EPSILON))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


# Los alias en minúsculas de Keras 3: keras.constraints.max_norm(3) es MaxNorm(3).
max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

_CLASSES = (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)
ALL = {**{cls.__name__: cls for cls in _CLASSES}, **{snake_case(cls.__name__): cls for cls in _CLASSES}}


# get('non_neg') -> NonNeg(); serialize(MaxNorm(3)) -> {'class_name': 'MaxNorm', 'config': {...}}; deserialize, su inversa.
get, serialize, deserialize = object_functions("restricción", ALL, "keras.constraints.MaxNorm(3)")


def apply_constraints(variables) -> None:
    """Proyecta cada peso que tiene restricción (`variable.constraint`), en su sitio y sin grafo.

    La llama `optimizer.apply` después de actualizar los pesos, como Keras 3."""
    with no_grad():
        for variable in variables:
            constraint = getattr(variable, "constraint", None)
            if constraint is not None:
                projected = constraint(variable)
                variable.data[...] = projected.data if isinstance(projected, Tensor) else projected
