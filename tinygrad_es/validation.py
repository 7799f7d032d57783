"""Las comprobaciones de argumentos que comparten Tensor, las capas, los optimizadores y fit.

Un solo sitio para cada clase de error de entrada, para que el mismo fallo dé el mismo mensaje
en todas partes. Cada mensaje nombra a quien llamó y el argumento (`Dense: units`), dice qué se
esperaba, qué llegó y qué hacer:

- `integer`: tamaños (units, filters, input_dim...). Vale cualquier entero: de Python, de NumPy
  (`y.max() + 1` es un `np.int64`) o cualquier objeto con `__index__`; no valen `True`, `10.0`
  ni `"10"`.
- `number`: tasas, fracciones y ritmos de aprendizaje, con su intervalo. No vale `"0.5"`.
- `shape`: formas de `Input(shape=...)` y parecidas: enteros positivos o None.
- `numeric_array`: los datos que entran por la API (Tensor, fit, predict, una capa): números y
  nada más. Un texto como `"1.5"` no se convierte nunca en número por su cuenta: sería entrenar
  con lo que NumPy adivine.
- `check_allocation`: un peso que no cabría en la memoria de la máquina se rechaza antes de
  pedirla, diciendo cuántos parámetros y bytes serían.
"""
from __future__ import annotations

import math
import numbers
import operator
import os
from typing import Optional

import numpy as np

from .errors import ArgumentError, DTypeError, is_integer, normalize_axes, shape_str


def _describe(value) -> str:
    """Cómo se nombra en un mensaje lo que llegó: el valor y, si no es obvio, su tipo."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    kind = type(value).__name__
    if isinstance(value, (bool, int, float, str)) or value is None:
        return text
    return f"{text} (de tipo {kind})"


def _plural(n: int, word: str) -> str:
    """(1, 'eje') -> '1 eje'; (2, 'eje') -> '2 ejes'."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def _is_text(value) -> bool:
    return isinstance(value, (str, bytes, np.str_, np.bytes_))


# ---------------------------------------------------------------- números sueltos
def integer(owner: str, name: str, value, minimum: Optional[int] = 1, meaning: str = "") -> int:
    """`value` como int de Python si es un entero >= minimum (None: sin mínimo); si no, un error claro.

    `meaning` explica el argumento en el mensaje ("el número de neuronas")."""
    what = f"{owner}: {name}" + (f" ({meaning})" if meaning else "")
    bound = "" if minimum is None else " positivo" if minimum == 1 else f" >= {minimum}"
    if isinstance(value, (bool, np.bool_)):
        raise ArgumentError(f"{what} debe ser un entero{bound} y es {value!r}. {integer_hint(value)}")
    try:
        result = operator.index(value)  # int, np.int64, np.uint8... (no float, no str)
    except TypeError:
        hint = integer_hint(value)
        raise ArgumentError(f"{what} debe ser un entero{bound} y es {_describe(value)}." + (f" {hint}" if hint else "")) from None
    if minimum is not None and result < minimum:
        raise ArgumentError(f"{what} debe ser un entero{bound} y es {result}.")
    return result


def integer_hint(value) -> str:
    """Lo que hay que cambiar para que `value` sea un entero, como frase ('' si no hay nada que decir)."""
    if _is_text(value):
        return "Es un texto: escribe el número sin comillas."
    if isinstance(value, (bool, np.bool_)):
        return "Es un booleano: escribe el número."
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        return f"Escribe {int(value)}, sin decimales (si sale de una cuenta, usa int(...) o //)."
    if isinstance(value, (float, np.floating)):
        return "Escribe un número entero, sin decimales."
    return ""


def number(owner: str, name: str, value, low: Optional[float] = None, high: Optional[float] = None,
           low_open: bool = False, high_open: bool = False, meaning: str = "") -> float:
    """`value` como float si es un número real finito dentro de [low, high] (abierto donde se diga)."""
    what = f"{owner}: {name}" + (f" ({meaning})" if meaning else "")
    interval = _interval(low, high, low_open, high_open)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        hint = ". Es un texto: escribe el número sin comillas." if _is_text(value) else "."
        raise ArgumentError(f"{what} debe ser un número{interval} y es {_describe(value)}{hint}")
    result = float(value)
    outside = (not np.isfinite(result)
               or low is not None and (result <= low if low_open else result < low)
               or high is not None and (result >= high if high_open else result > high))
    if outside:
        raise ArgumentError(f"{what} debe ser un número{interval} y es {value!r}.")
    return result


def flag(owner: str, name: str, value) -> bool:
    """Un sí/no (use_bias, return_sequences...): True, False (o 1/0). Un texto como 'False' es verdadero para
    Python: aceptarlo haría justo lo contrario de lo pedido."""
    if isinstance(value, (bool, np.bool_)) or (is_integer(value) and value in (0, 1)):
        return bool(value)
    hint = f" Escribe {name}=True o {name}=False, sin comillas." if _is_text(value) else ""
    raise ArgumentError(f"{owner}: {name} debe ser True o False y es {_describe(value)}.{hint}")


def _interval(low, high, low_open, high_open) -> str:
    if low is None and high is None:
        return " finito"
    if high is None:
        return f" {'>' if low_open else '>='} {low:g}"
    if low is None:
        return f" {'<' if high_open else '<='} {high:g}"
    return f" en {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"


def shape(owner: str, name: str, value, allow_none: bool = True, free=None, free_text: str = "None (tamaño libre)"
          ) -> tuple:
    """Una forma sin el eje del lote: tupla (o lista) de enteros positivos, y `free` (None; -1 en Reshape)
    donde el tamaño es libre si `allow_none`; un entero suelto n vale como (n,)."""
    text = f" o {free_text}" if allow_none else ""
    if is_integer(value):
        value = (value,)
    if not isinstance(value, (tuple, list)):
        raise ArgumentError(
            f"{owner}: {name} debe ser una tupla de tamaños, p. ej. (28, 28, 1), y es {_describe(value)}."
        )
    result = []
    for i, size in enumerate(value):
        if allow_none and (size is free or (free is not None and is_integer(size) and size == free)):
            result.append(free)
            continue
        try:
            result.append(integer(owner, f"{name}[{i}]", size, minimum=1))
        except ArgumentError:
            hint = "Un eje de tamaño 0 no tendría datos." if is_integer(size) and size == 0 else integer_hint(size)
            raise ArgumentError(
                f"{owner}: {name}={_shape_text(value)} no es una forma válida: cada tamaño debe ser un entero "
                f"positivo{text} y en la posición {i} hay {size!r}." + (f" {hint}" if hint else "")
            ) from None
    return tuple(result)


def _shape_text(value) -> str:
    if all(v is None or is_integer(v) for v in value):
        return shape_str(value)
    return repr(tuple(value))


def dimensions(owner: str, shape, minimum: Optional[int] = 0) -> tuple:
    """Los tamaños de la forma de un Tensor (`zeros(2, 3)`, `reshape(-1, 4)`) como ints de Python."""
    return tuple(integer(owner, f"shape[{i}]", n, minimum=minimum) for i, n in enumerate(shape))


def axis_list(owner: str, name: str, value):
    """Uno o varios ejes de una capa (`axis=-1`, `axes=(1, 2)`), antes de saber cuántos tiene su entrada:
    un int de Python, o una lista de ellos si llegó una tupla o lista (como los guarda Keras)."""
    many = isinstance(value, (list, tuple))
    if not all(is_integer(a) for a in (value if many else [value])):
        raise ArgumentError(f"{owner}: {name} debe ser un entero o una lista de enteros (ejes) y es {_describe(value)}.")
    return [operator.index(a) for a in value] if many else operator.index(value)


def axis_arg(owner: str, axis, ndim: int):
    """`axis` de una reducción (None, un eje o una tupla) comprobado contra `ndim`, como lo quiere NumPy:
    None, un int >= 0 o una tupla de ints >= 0 sin repetir."""
    if axis is None:
        return None
    axes = normalize_axes(owner, axis, ndim)
    return axes if isinstance(axis, (tuple, list)) else axes[0]


def path(owner: str, name: str, value) -> str:
    """Una ruta de archivo (un texto o un pathlib.Path) como str; si no, un error que dice qué llegó."""
    try:
        return os.fsdecode(os.fspath(value))
    except TypeError:
        raise ArgumentError(
            f"{owner}: {name} debe ser la ruta de un archivo (un texto como 'modelo.keras' o un pathlib.Path) y es "
            f"{_describe(value)}."
        ) from None


# ---------------------------------------------------------------- arrays
def numeric_array(owner: str, name: str, value, dtype=None) -> np.ndarray:
    """`value` como array de NumPy de números (booleanos, enteros o reales); si no, un error claro.

    Nunca convierte textos en números (np.asarray(['1.5'], dtype=float) lo haría): un texto es casi
    siempre una columna mal leída, y entrenar con ella en silencio es peor que un error."""
    if isinstance(value, (dict, set, frozenset)) or _is_text(value) or value is None:
        raise DTypeError(
            f"{owner}: {name} debe ser un array de números (o una lista de ellos) y es {_describe(value)}"
            + (": para varias entradas con nombre, usa un modelo funcional con esas entradas." if isinstance(value, dict)
               else ".")
        )
    try:
        arr = np.asarray(value)
    except ValueError:  # listas anidadas de longitudes distintas (NumPy >= 1.24)
        raise ValueError(f"{owner}: {name} {ragged_detail(value)}") from None
    if arr.dtype.kind not in "biuf":
        raise DTypeError(f"{owner}: {name} debe contener números y {_non_numeric_detail(arr, name)}")
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    return arr


def fits_integer_type(owner: str, name: str, arr: np.ndarray, dtype: np.dtype) -> None:
    """Datos que no caben en el tipo entero pedido: error. NumPy les daría la vuelta en silencio
    (300 en 'uint8' es 44; -1, 255), y PyTorch lo rechaza al crear el tensor."""
    if dtype.kind not in "iu" or not arr.size or np.can_cast(arr.dtype, dtype):
        return
    low, high, info = arr.min(), arr.max(), np.iinfo(dtype)
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"{owner}: {name} tiene NaN o infinitos, que no son enteros: no caben en {dtype}. "
                         "Quítalos o cámbialos antes (np.nan_to_num), o deja el tipo en coma flotante.")
    if low < info.min or high > info.max:
        raise ValueError(
            f"{owner}: {name} tiene valores de {low} a {high}, que no caben en {dtype} (de {info.min} a {info.max}): "
            f"NumPy les daría la vuelta en silencio (300 en uint8 sería 44). Usa un tipo más ancho (p. ej. 'int64') "
            "o recorta los datos antes (np.clip)."
        )


def ragged_detail(value) -> str:
    """'no es rectangular: ...' con el primer nivel donde las longitudes difieren."""
    level, items = 0, [value]
    while items:
        lengths = []
        for item in items:
            if isinstance(item, (list, tuple, np.ndarray)) and not _is_text(item):
                lengths.append(len(item))
        if lengths and (len(lengths) != len(items) or len(set(lengths)) > 1):
            found = sorted(set(lengths))[:4]
            mixed = " (y números sueltos junto a listas)" if len(lengths) != len(items) else ""
            return (
                f"no es rectangular: en el nivel {level} hay listas de longitudes {', '.join(map(str, found))}{mixed}. "
                "Un tensor necesita la misma longitud en cada nivel: rellena las cortas (p. ej. "
                "keras.utils.pad_sequences) o trata cada una por separado."
            )
        items = [sub for item in items if isinstance(item, (list, tuple, np.ndarray)) for sub in item]
        level += 1
    return "no es rectangular (las listas anidadas tienen longitudes distintas)."


def _non_numeric_detail(arr: np.ndarray, name: str) -> str:
    var = name if name.isidentifier() else "datos"
    flat = arr.reshape(-1)
    if arr.dtype.kind in "US" or (arr.dtype.kind == "O" and any(_is_text(v) for v in flat[:1000])):
        sample = next((v for v in flat if _is_text(v)), flat[0] if flat.size else "")
        return (
            f"contiene textos, como {str(sample)!r}. No se convierten solos: si son números escritos como texto, "
            f"conviértelos tú ({var} = np.asarray({var}, dtype='float32')); si son categorías, pásalas a índices enteros."
        )
    if arr.dtype.kind == "c":
        return "es de números complejos: usa la parte real (x.real) o el módulo (np.abs(x)), la que quieras."
    if arr.dtype.kind == "O":
        odd = [v for v in flat[:1000] if not isinstance(v, numbers.Number)]
        found = f", como {_describe(odd[0])}" if odd else ""
        return f"es un array de objetos de Python{found}: conviértelo antes en un array numérico."
    return f"es de tipo {arr.dtype}: conviértelo antes en un array numérico."


def whole_numbers(owner: str, rule: str, values: np.ndarray, consequence: str) -> np.ndarray:
    """`values` (etiquetas, índices) como int64 si todos son enteros, también escritos 2.0; si alguno tiene
    decimales (o es NaN), un error: convertirlo lo truncaría en silencio. `rule`: 'las etiquetas deben ser
    enteras (...)'; `consequence`: qué pasaría y qué hacer."""
    if values.dtype.kind == "f":
        fractional = values[values != np.round(values)]
        if fractional.size:
            raise ValueError(f"{owner}: {rule} y hay {fractional.flat[0]:g}: {consequence}")
    return values.astype(np.int64)


# ---------------------------------------------------------------- reducciones
def check_reduction(fn: str, shape_: tuple, axis, why: str) -> None:
    """Una reducción sin elementos que reducir (y con resultado no vacío) no está definida: error, no NaN.

    `why` completa la frase: "la media de cero números no está definida"."""
    if 0 not in shape_:  # lo de siempre (cada pérdida y métrica pasa por aquí): nada que comprobar
        return
    axes = tuple(range(len(shape_))) if axis is None else {a % len(shape_) for a in np.atleast_1d(axis).tolist()}
    reduced = math.prod(n for i, n in enumerate(shape_) if i in axes)
    kept = math.prod(n for i, n in enumerate(shape_) if i not in axes)
    if reduced == 0 and kept > 0:
        raise ValueError(
            f"{fn}: el tensor de forma {shape_str(shape_)} no tiene elementos que reducir"
            + ("" if axis is None else f" a lo largo de axis={axis!r}")
            + f", y {why}. Comprueba que los datos no estén vacíos (p. ej. un filtro que no dejó ninguna fila)."
        )


# ---------------------------------------------------------------- memoria
def machine_memory() -> Optional[int]:
    """Bytes de memoria física de la máquina (None si el sistema no lo dice)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def human_bytes(n: float) -> str:
    """1536 -> '1.5 KiB'."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} EiB"  # pragma: no cover


def check_allocation(owner: str, what: str, shape_: tuple, dtype, hint: str, unit: str = "parámetros") -> None:
    """Rechaza, antes de pedir la memoria, un array que no cabría en la de la máquina (`unit`: cómo se
    llaman sus números en el mensaje)."""
    count = 1
    for n in shape_:
        count *= int(n)
    size = count * np.dtype(dtype).itemsize
    available = machine_memory()
    if available is not None and size > available:
        raise MemoryError(
            f"{owner}: {what} tendría forma {shape_str(shape_)}: {_thousands(count)} {unit}, {human_bytes(size)} "
            f"en {np.dtype(dtype)}, y esta máquina tiene {human_bytes(available)} de memoria. {hint}"
        )


def _thousands(n: int) -> str:
    """1234567 -> '1 234 567' (el separador de miles del español)."""
    return f"{n:,}".replace(",", " ")


# ---------------------------------------------------------------- índices
_VALID_INDICES = ("valen enteros, cortes a:b, None, ..., listas o arrays de enteros y máscaras booleanas de la forma "
                  "de los ejes que eligen")


def index_error(owner: str, shape_: tuple, index) -> Exception:
    """El error en español de un índice que NumPy rechazó: qué parte falla, en qué eje y qué valía."""
    parts = index if isinstance(index, tuple) else (index,)
    used = sum(np.ndim(p) if _is_mask(p) else 0 if p is None or p is Ellipsis else 1 for p in parts)
    if used > len(shape_):
        return IndexError(
            f"{owner}: {used} índices para un tensor de {_plural(len(shape_), 'eje')} (forma {shape_str(shape_)}): "
            f"quita {_plural(used - len(shape_), 'índice')}."
        )
    axis = 0
    for part in parts:
        if part is Ellipsis:
            axis += len(shape_) - used
        elif part is None:
            continue
        elif isinstance(part, slice):
            if not all(v is None or is_integer(v) for v in (part.start, part.stop, part.step)):
                return TypeError(f"{owner}: los extremos del corte {part!r} deben ser enteros (o faltar).")
            axis += 1
        elif _is_mask(part):
            mask = np.asarray(part)
            if mask.shape != tuple(shape_[axis:axis + mask.ndim]):
                return IndexError(
                    f"{owner}: la máscara booleana tiene forma {shape_str(mask.shape)} y los ejes que elige miden "
                    f"{shape_str(shape_[axis:axis + mask.ndim])}: deben coincidir."
                )
            axis += mask.ndim
        else:
            problem = _bad_position(owner, part, axis, shape_[axis])
            if problem is not None:
                return problem
            axis += 1
    return IndexError(f"{owner}: el índice {index!r} no vale para un tensor de forma {shape_str(shape_)} ({_VALID_INDICES}).")


def positions(owner: str, name: str, value, axis: int, n: int) -> np.ndarray:
    """Índices de posición de un argumento (el `index` de gather, los `indices` de take_along_axis) como array
    de enteros, comprobados: enteros (no reales ni booleanos) y dentro del eje `axis`, que mide `n`."""
    arr = numeric_array(owner, name, value)
    if arr.size == 0:  # ([] llega como float64)
        return arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        kind = "booleanos (una máscara)" if arr.dtype.kind == "b" else f"reales ({arr.dtype})"
        raise DTypeError(
            f"{owner}: {name} debe ser de enteros (posiciones a lo largo del eje {axis}) y es de {kind}: si son "
            f"posiciones, conviértelo con {name}.astype('int64')."
        )
    problem = _bad_position(f"{owner} ({name})", arr, axis, n)
    if problem is not None:
        raise problem
    return arr


def _is_mask(part) -> bool:
    return isinstance(part, (np.ndarray, list)) and np.asarray(part).dtype == bool


def _bad_position(owner: str, part, axis: int, n: int) -> Optional[Exception]:
    """El error de un índice entero (o lista de enteros) en el eje `axis`, que mide `n`; None si está bien."""
    arr = np.asarray(part) if isinstance(part, (list, tuple, np.ndarray)) else None
    if arr is None and not is_integer(part) or arr is not None and arr.size and arr.dtype.kind not in "iu":
        return TypeError(
            f"{owner}: los índices deben ser enteros y llegó {_describe(part)} en el eje {axis}"
            + (": usa int(...) o .astype('int64')." if not _is_text(part) else f" ({_VALID_INDICES}).")
        )
    values = np.asarray(part).reshape(-1)
    outside = values[(values < -n) | (values >= n)]
    if outside.size:
        return IndexError(
            f"{owner}: el índice {outside[0]} se sale del eje {axis}, que mide {n}: "
            + (f"valen de {-n} a {n - 1} (los negativos cuentan desde el final)." if n else "ese eje está vacío.")
        )
    return None
