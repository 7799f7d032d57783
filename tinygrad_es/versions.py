"""Versiones: backward() detecta un dato guardado para el gradiente que cambió después.

Una operación guarda en el forward lo que su backward necesitará: `x * y` guarda x e y, porque
d(x·y)/dx = y. Si y cambia en su sitio entre el forward y el backward (`y.assign(...)`,
`y[0] = 5`, un paso del optimizador, `y.data[:] = 100`), el backward usaría el valor nuevo y el
gradiente saldría mal sin que nada avisara. Como en PyTorch, cada Tensor lleva un contador de
versión, y el backward comprueba antes de empezar que nada de lo guardado cambió:

- El contador (`Tensor._version`, una lista de un entero para que las vistas lo compartan:
  `x.reshape(...)` y `x` son la misma memoria) sube con cada escritura en su sitio que hace la
  biblioteca: `assign`, `assign_add`, `assign_sub`, `t[...] = v`, los optimizadores,
  `set_weights` y la carga de pesos (todas llaman a `bump`).
- Las escrituras directas en el array (`t.data[:] = 100`, `t.data *= 2`) no pasan por la
  biblioteca. Para las hojas del grafo (los datos y los pesos: lo que el usuario tiene a mano)
  se guarda además una muestra de sus valores: el array entero si tiene hasta 64 elementos,
  9 posiciones repartidas si es más grande. Detecta cualquier escritura en un tensor pequeño
  (los de los ejemplos) y las que cambian todo el array; un solo elemento cambiado en un array
  grande puede pasar: para eso están `assign` y `t[...] = v`, que siempre se detectan.

Coste: al registrar una operación, leer los contadores de sus entradas y muestrear las hojas;
en backward, lo mismo otra vez. Solo cuando algo cambió se busca, recorriendo lo guardado, qué
operación usa esa memoria; si ninguna la guardó (`x + y` no guarda nada), no hay error.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import numpy as np

from .errors import AutogradError, shape_str

if TYPE_CHECKING:
    from .autograd import Function
    from .tensor import Tensor

_ndarray = np.ndarray
_EXACT = 64  # hasta este tamaño la muestra es el array entero
_positions: dict = {}  # tamaño -> las posiciones muestreadas (se repiten mucho: las formas de un modelo)


def bump(t: Tensor) -> None:
    """Apunta un cambio en su sitio de `t` (y de las vistas que comparten su memoria)."""
    t._version[0] += 1


def sample(a) -> Optional[bytes]:
    """Una huella barata de los valores de `a` (None fuera de la CPU)."""
    if type(a) is not _ndarray:
        return None
    n = a.size
    if n <= _EXACT:
        return a.tobytes()
    idx = _positions.get(n)
    if idx is None:
        if len(_positions) > 4096:  # acotado: un programa con formas siempre nuevas no crece sin fin
            _positions.clear()
        idx = _positions[n] = np.linspace(0, n - 1, 9).astype(np.intp)
    return a.flat[idx].tobytes()


def record(ctx: Function, parents: tuple, out: Tensor) -> None:
    """En el forward de una operación del grafo: la versión de cada entrada y de la salida, y la muestra de las hojas."""
    ctx.versions = [p._version[0] for p in parents]
    ctx.samples = [sample(p.data) if p._ctx is None else None for p in parents]
    ctx.out_version = out._version[0]


def share_if_view(out: Tensor, parents: tuple) -> None:
    """Si la salida es una vista de la memoria de una entrada (reshape, permute, un corte), comparten contador."""
    base = out.data.base
    for p in parents:
        data = p.data
        if base is data or (base is data.base and base is not None):
            out._version = p._version
            return


def check(order: list) -> None:
    """Antes del backward: ¿cambió algo que una operación del grafo guardó? Entonces, un error que la nombra."""
    changed = []
    for node in order:
        ctx = node._ctx
        if ctx is None or ctx.freed:
            continue
        if node._version[0] != ctx.out_version:
            changed.append(node)
        for p, version, before in zip(ctx.parents, ctx.versions, ctx.samples):
            if p._version[0] != version or (before is not None and sample(p.data) != before):
                changed.append(p)
    if changed:
        _raise_if_saved(order, changed)


def _raise_if_saved(order: list, changed: list) -> None:
    """Busca, entre lo que guardaron las operaciones, la memoria de un tensor que cambió."""
    for node in order:
        ctx = node._ctx
        if ctx is None or ctx.freed:
            continue
        saved = list(_arrays([v for k, v in vars(ctx).items() if k != "parents"]))  # saved y lo que guardó aparte
        for t in changed:
            if not any(_same_memory(a, t.data) for a in saved):
                continue
            raise AutogradError(
                f"backward(): {_role(ctx, node, t)} de {type(ctx).__name__} (un tensor de forma {shape_str(t.shape)}) "
                f"cambió en su sitio después de que {type(ctx).__name__} lo guardara para calcular el gradiente, así "
                "que el gradiente saldría mal. Cambia los datos después de backward() (p. ej. el paso del "
                "optimizador), o calcula otra vez el forward con los datos nuevos; si quieres conservar el valor "
                "viejo, trabaja con una copia (Tensor(t.numpy().copy()))."
            )


def _role(ctx: Function, node: Tensor, t: Tensor) -> str:
    for i, p in enumerate(ctx.parents):
        if _same_memory(p.data, t.data):
            return f"la entrada {i}"
    return "la salida" if _same_memory(node.data, t.data) else "un valor guardado"


def _same_memory(a, b) -> bool:
    if type(a) is _ndarray and type(b) is _ndarray:
        return np.may_share_memory(a, b)
    return a is b


def _arrays(value, depth: int = 0):
    """Los arrays dentro de lo guardado: sueltos, en tuplas, listas, diccionarios o atributos de objetos."""
    if depth > 4:
        return
    if isinstance(value, np.ndarray) or hasattr(value, "__cuda_array_interface__"):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _arrays(v, depth + 1)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _arrays(v, depth + 1)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        for v in vars(value).values():
            yield from _arrays(v, depth + 1)
