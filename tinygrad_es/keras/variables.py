"""`Variable`: un peso de Keras, un Tensor con nombre.

Las capas crean sus pesos con `add_weight`, que devuelve un `Variable` llamado como el atributo
('kernel', 'bias', 'gamma'...), como `keras.Variable`. Es un Tensor en todo lo demás; el nombre
sirve para elegir pesos, p. ej. `optimizer.exclude_from_weight_decay(var_names=['bias'])`.

Como en Keras, `add_weight` le deja además su `regularizer` (la penalización que suma a
`layer.losses`) y su `constraint` (la proyección que `optimizer.apply` hace tras cada paso).
"""
from __future__ import annotations

from typing import Optional

from ..tensor import Tensor


class Variable(Tensor):
    __slots__ = ("name", "regularizer", "constraint")

    def __init__(self, value, dtype=None, requires_grad: bool = False, name: Optional[str] = None, device=None):
        super().__init__(value, dtype=dtype, requires_grad=requires_grad, device=device)
        self.name = name
        self.regularizer = None
        self.constraint = None

    def __repr__(self):
        return f"<Variable name={self.name}, shape={self.shape}, dtype={self.dtype}, value={self.numpy()}>"
