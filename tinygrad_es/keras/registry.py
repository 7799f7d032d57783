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
