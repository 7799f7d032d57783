"""Buscar por nombre: 'adam' -> Adam, 'mse' -> mean_squared_error...

Optimizadores, pérdidas y métricas se piden con una cadena, como en Keras. Cuando el nombre no
existe, el error propone el más parecido (difflib), que suele ser una errata: 'adm' -> 'adam'.
"""
import difflib


def unknown_name_error(kind: str, name, choices) -> ValueError:
    """El ValueError de un nombre desconocido, con la sugerencia más cercana y la lista completa."""
    choices = sorted(choices)
    close = difflib.get_close_matches(str(name).lower(), choices, n=1, cutoff=0.5)
    hint = f" ¿Quisiste decir '{close[0]}'?" if close else ""
    return ValueError(
        f"{kind} desconocido: {name!r}.{hint} Los nombres válidos son: {', '.join(choices)}."
    )


def lookup(kind: str, name: str, table: dict):
    """table[name] sin distinguir mayúsculas; si no está, el error con la sugerencia."""
    for key in (name, name.lower()):
        if key in table:
            return table[key]
    raise unknown_name_error(kind, name, table)
