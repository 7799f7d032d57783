"""Estructuras de Keras: un valor suelto, o una lista, tupla o diccionario de ellos (anidados).

Un modelo con varias entradas recibe `[x1, x2]` o `{"imagen": x1, "texto": x2}`; `fit` recorre
esas estructuras para cortar cada array en lotes, y el modelo funcional para emparejar cada
array con su `Input`. Como en Keras (`keras.tree`), un diccionario se recorre por sus claves en
orden alfabético.
"""
from __future__ import annotations


def is_nested(structure) -> bool:
    return isinstance(structure, (list, tuple, dict))


def flatten(structure) -> list:
    """[x1, {"b": x3, "a": x2}] -> [x1, x2, x3]: las hojas en orden (claves ordenadas)."""
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def map_structure(function, structure):
    """La misma estructura con `function` aplicada a cada hoja."""
    if isinstance(structure, dict):
        return {key: map_structure(function, value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(function, item) for item in structure)
    return function(structure)


def pack_sequence_as(structure, flat: list):
    """Lo contrario de flatten: reparte `flat` con la forma de `structure`."""
    return _pack(structure, iter(flat))


def _pack(structure, leaves):
    if isinstance(structure, dict):
        values = {key: _pack(structure[key], leaves) for key in sorted(structure)}
        return {key: values[key] for key in structure}  # el orden de claves original
    if isinstance(structure, (list, tuple)):
        return type(structure)(_pack(item, leaves) for item in structure)
    return next(leaves)
