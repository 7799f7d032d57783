"""Buscar por nombre: 'adam' -> Adam, 'mse' -> mean_squared_error...

Optimizadores, pérdidas y métricas se piden con una cadena, como en Keras. Cuando el nombre no
existe, el error propone el más parecido, que suele ser una errata: 'adm' -> 'adam' (con
`closest_name`, de errors.py, que también usa el Tensor).
"""
from ..errors import closest_name


def unknown_name_error(kind: str, name, choices) -> ValueError:
    """El ValueError de un nombre desconocido, con la sugerencia más cercana y la lista completa."""
    choices = sorted(choices)
    close = closest_name(name, choices)
    hint = f" ¿Quisiste decir '{close}'?" if close else ""
    return ValueError(
        f"{kind} desconocido: {name!r}.{hint} Los nombres válidos son: {', '.join(choices)}."
    )


def lookup(kind: str, name: str, table: dict):
    """table[name] sin distinguir mayúsculas; si no está, el error con la sugerencia."""
    for key in (name, name.lower()):
        if key in table:
            return table[key]
    raise unknown_name_error(kind, name, table)


class ConfigObject:
    """Lo común a los objetos que se describen con get_config (regularizadores, restricciones):
    se recrean con from_config y se muestran como Clase(argumento=valor...)."""

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


def get_object(noun: str, identifier, table: dict, example: str):
    """Un objeto de Keras (regularizador, restricción...) a partir de lo que acepta su `get`, como Keras 3:

    None -> None; un nombre ('l2') o una clase -> un objeto nuevo con sus valores por defecto;
    {'class_name': 'L2', 'config': {...}} -> el objeto de esa configuración; un objeto o una función
    f(x) -> el mismo. `noun` nombra el tipo en los errores ('regularizador'); `table` da las clases
    por nombre; `example` se muestra en el error.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict) and isinstance(identifier.get("class_name"), str):
        cls = lookup(f"Nombre de {noun}", identifier["class_name"], table)
        return cls.from_config(dict(identifier.get("config") or {}))
    if isinstance(identifier, str):
        return lookup(f"Nombre de {noun}", identifier, table)()
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"No se puede interpretar {identifier!r} como {noun}: pasa un nombre, un objeto como "
                     f"{example} o una función.")


def object_functions(noun: str, table: dict, example: str) -> tuple:
    """(get, serialize, deserialize) de un módulo de objetos de Keras (regularizers, constraints)."""
    def get(identifier):
        return get_object(noun, identifier, table, example)

    get.__doc__ = (f"Un {noun} a partir de un nombre, una clase, un objeto, una función o "
                   "{'class_name': ..., 'config': ...}; None -> None.")
    return get, serialize_object, get


def serialize_object(obj) -> dict | None:
    """{'class_name': 'L2', 'config': {'l2': 0.01}}, o None; una función suelta se nombra (no se puede guardar)."""
    if obj is None:
        return None
    if not hasattr(obj, "get_config"):
        return {"class_name": "function", "config": getattr(obj, "__name__", repr(obj))}
    return {"class_name": type(obj).__name__, "config": obj.get_config()}
