"""Buscar por nombre: 'adam' -> Adam, 'mse' -> mean_squared_error...

Optimizadores, pérdidas y métricas se piden con una cadena, como en Keras. Cuando el nombre no
existe, el error propone el más parecido, que suele ser una errata: 'adm' -> 'adam'.
"""


def typo_distance(a: str, b: str) -> int:
    """Cuántas erratas separan a de b: letras cambiadas, sobrantes, que faltan o dos vecinas
    intercambiadas ('adma' -> 'adam' es una sola). Distancia de Damerau-Levenshtein restringida."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def closest_name(name: str, choices):
    """El nombre de `choices` con menos erratas respecto a `name`, si no son demasiadas (a lo sumo
    una por cada cuatro letras, y siempre se admiten 2): más lejos ya no es una errata."""
    name = str(name).lower()
    best = min(choices, key=lambda c: (typo_distance(name, c), c), default=None)
    if best is None or typo_distance(name, best) > max(2, len(name) // 4):
        return None
    return best


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
