"""Operaciones de forma del Tensor compuestas de otras: squeeze, expand_dims, flatten, unflatten, concatenate,
stack, flip, repeat, tile, roll, triu, tril, outer, pad, y las de índices take_along_axis y gather.

`Tensor` hereda estos métodos (`class Tensor(MathOps, ShapeOps)`), como los de tensor_math.py.
Ninguno tiene backward propio: todos son índices, reshape, expand, concatenate o where, y el
gradiente de cada uno vuelve cada número a la casilla de la que salió (sumando si salió de
varias). `einsum` (un método estático, como en tinygrad) está en su propio archivo, einsum.py.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .einsum import einsum
from .errors import ShapeError, normalize_axes, shape_str
from .ops import movement as MV
from .validation import integer, numeric_array, positions

if TYPE_CHECKING:  # (solo para las anotaciones: tensor.py importa este módulo)
    from .tensor import Tensor

# Modos de pad que son una forma de elegir índices (np.pad sobre np.arange dice de qué casilla sale cada una).
INDEX_PAD_MODES = ("edge", "reflect", "symmetric", "wrap")


class ShapeOps:
    """Los métodos de forma compuestos de `Tensor` (ver el docstring del módulo)."""

    __slots__ = ()

    einsum = staticmethod(einsum)

    def squeeze(self, axis: int | tuple | None = None) -> Tensor:
        """Quita los ejes de tamaño 1 (axis=None: todos; si no, los nombrados, que deben medir 1)."""
        if axis is None:
            return self.reshape(*[n for n in self.shape if n != 1])
        axes = normalize_axes("squeeze", axis, self.ndim)
        if any(self.shape[a] != 1 for a in axes):
            raise ShapeError(
                f"squeeze: solo se quitan ejes de tamaño 1 y axis={axis!r} nombra uno de tamaño distinto en "
                f"{shape_str(self.shape)}."
            )
        return self.reshape(*[n for i, n in enumerate(self.shape) if i not in axes])

    def expand_dims(self, axis: int) -> Tensor:
        """Un eje nuevo de tamaño 1 en la posición `axis` (unsqueeze en PyTorch)."""
        (axis,) = normalize_axes("expand_dims/unsqueeze", axis, self.ndim + 1)  # el resultado tiene un eje más
        return self.reshape(*self.shape[:axis], 1, *self.shape[axis:])

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Junta los ejes de start_dim a end_dim en uno (por defecto, todos: un vector)."""
        if self.ndim == 0:
            return self.reshape(1)
        start, end = normalize_axes("flatten", start_dim, self.ndim)[0], normalize_axes("flatten", end_dim, self.ndim)[0]
        if start > end:
            raise ShapeError(
                f"flatten: start_dim={start_dim} va después de end_dim={end_dim} en un tensor de {self.ndim} ejes: "
                "se juntan los ejes de start_dim a end_dim, así que start_dim debe ir antes."
            )
        return self.reshape(*self.shape[:start], -1, *self.shape[end + 1:])

    def unflatten(self, axis: int, sizes: tuple | list) -> Tensor:
        """Lo contrario de flatten, como el unflatten de PyTorch: parte el eje `axis` en varios de tamaños
        `sizes`, que deben multiplicar lo que mide (uno puede ser -1, y se calcula):
        (2, 12).unflatten(1, (3, 4)) -> (2, 3, 4)."""
        (axis,) = normalize_axes("unflatten", axis, self.ndim)
        n = self.shape[axis]
        sizes = tuple(sizes) if isinstance(sizes, (tuple, list)) else (sizes,)
        sizes = tuple(integer("unflatten", f"sizes[{i}]", s, minimum=-1) for i, s in enumerate(sizes))
        known = int(np.prod([s for s in sizes if s != -1]))
        where = f"el eje {axis} de {shape_str(self.shape)} mide {n}"
        if not sizes or sizes.count(-1) > 1:
            raise ShapeError(f"unflatten: sizes={sizes} debe tener al menos un tamaño y a lo sumo un -1 (el que se "
                             f"calcula); {where}.")
        if -1 not in sizes and known != n:
            raise ShapeError(f"unflatten: sizes={sizes} multiplica {known} y {where}: los tamaños deben multiplicar "
                             f"{n} (o pon -1 en uno para que se calcule).")
        if -1 in sizes and (known == 0 or n % known):
            raise ShapeError(f"unflatten: sizes={sizes}: {where}, que no se divide en partes de {known} para "
                             "calcular el -1; cambia los tamaños.")
        return self.reshape(*self.shape[:axis], *sizes, *self.shape[axis + 1:])

    def concatenate(tensors: list, *more, axis: int = 0) -> Tensor:
        """Pega tensores a lo largo de `axis` (np.concatenate); cada uno recibe su trozo del gradiente.

        Sin @staticmethod a propósito, como where: vale `Tensor.concatenate([a, b], axis)` (NumPy) y
        también `a.cat(b, c, dim=1)` (tinygrad), donde los tensores van sueltos y el eje con nombre."""
        tensors, axis = tensor_list("concatenate", tensors, more, axis)
        if not tensors:
            raise ValueError("concatenate: la lista de tensores está vacía: hace falta al menos uno.")
        if any(t.ndim == 0 for t in tensors):
            raise ShapeError("concatenate: los escalares (0 ejes) no tienen eje por el que pegarlos: para juntarlos en "
                             "un vector usa Tensor.stack([a, b]), o dales un eje antes con reshape(1).")
        try:
            return MV.Concatenate.apply(*tensors, axis=axis)
        except ValueError:
            shapes = ", ".join(shape_str(t.shape) for t in tensors)
            raise ShapeError(
                f"concatenate(axis={axis}): las formas {shapes} deben coincidir en todos los ejes menos en el {axis}."
            ) from None

    def stack(tensors: list, *more, axis: int = 0) -> Tensor:
        """Apila tensores de la misma forma en un eje nuevo `axis` (también `a.stack(b, dim=1)`, como concatenate)."""
        tensors, axis = tensor_list("stack", tensors, more, axis)
        if not tensors:
            raise ValueError("stack: la lista de tensores está vacía: hace falta al menos uno para saber la forma.")
        return type(tensors[0]).concatenate([t.expand_dims(axis) for t in tensors], axis=axis)

    def flip(self, axis: int | tuple | None = None) -> Tensor:
        """Invierte el orden a lo largo de `axis` (un eje, una tupla o None: todos), como np.flip."""
        axes = normalize_axes("flip", axis, self.ndim)
        return self[tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(self.ndim))]

    def repeat(self, repeats: int | tuple, *torch_style, axis: int | tuple | None = None) -> Tensor:
        """Repite cada elemento `repeats` veces a lo largo de `axis`, como np.repeat y keras.ops.repeat:
        [1, 2] -> [1, 1, 2, 2]. axis=None: sobre el tensor aplanado. repeats puede ser una lista, una
        cuenta por elemento.

        El `repeat` de PyTorch y tinygrad, que repite el tensor entero, aquí es `tile`.
        """
        if torch_style:
            raise TypeError(
                f"repeat({repeats}, {', '.join(map(str, torch_style))}): aquí repeat es el de NumPy y Keras "
                f"(repite cada elemento) y el eje va con nombre, p. ej. repeat(2, axis=1). Para repetir el tensor "
                f"entero, el repeat de PyTorch/tinygrad, usa tile(({repeats}, {', '.join(map(str, torch_style))}))."
            )
        x = self.flatten() if axis is None else self
        (axis,) = normalize_axes("repeat", 0 if axis is None else axis, x.ndim)
        counts = np.asarray(repeats)
        n = x.shape[axis]
        if counts.dtype.kind not in "iu" or counts.ndim > 1 or counts.size not in (1, n) or (counts < 0).any():
            torch_style = x is not self and counts.ndim == 1 and counts.size >= self.ndim  # x.repeat([2, 3])
            raise ValueError(
                f"repeat: repeats debe ser un entero >= 0 o una lista de {n} enteros >= 0 (uno por elemento del eje "
                f"{axis}) y recibió {repeats!r}." + (f" Para repetir el tensor entero, el repeat de PyTorch/tinygrad, "
                                                     f"usa tile({tuple(counts.tolist())})." if torch_style else "")
            )
        if counts.size == 1:  # la misma cuenta para todos: un expand sin copiar y un reshape, como tile
            r = int(counts.reshape(-1)[0])
            x = x.expand_dims(axis + 1)
            return x.expand(*x.shape[:axis + 1], r, *x.shape[axis + 2:]).reshape(
                *x.shape[:axis], n * r, *x.shape[axis + 2:])
        return _take(x, np.repeat(np.arange(n), counts), axis)

    def split(self, indices_or_sections: int | list, axis: int = 0) -> list[Tensor]:
        """Como np.split: en `n` trozos iguales o por los índices dados. Cada trozo es una vista derivable."""
        n = self.shape[axis]
        if isinstance(indices_or_sections, int):
            integer("split", "indices_or_sections", indices_or_sections, meaning="el número de trozos")
            if n % indices_or_sections:
                raise ShapeError(
                    f"split: el eje {axis} mide {n} y no se divide en {indices_or_sections} trozos iguales; "
                    "pasa una lista de índices de corte."
                )
            step = n // indices_or_sections
            cuts = list(range(step, n, step))
        else:
            cuts = list(indices_or_sections)
        bounds = [0, *cuts, n]
        lead = (slice(None),) * (axis % self.ndim)
        return [self[lead + (slice(a, b),)] for a, b in zip(bounds[:-1], bounds[1:])]

    def tile(self, repeats: int | tuple) -> Tensor:
        """El tensor entero repetido `repeats` veces por eje, como np.tile: tile([1, 2], 2) -> [1, 2, 1, 2].

        Con menos repeticiones que ejes se completan con 1 por la izquierda; con más, el tensor
        gana ejes de tamaño 1 delante. Es un expand (sin copiar) seguido de un reshape.
        """
        reps = (repeats,) if isinstance(repeats, (int, np.integer)) else tuple(repeats)
        if not all(isinstance(r, (int, np.integer)) and r >= 0 for r in reps):
            raise ValueError(f"tile: repeats debe ser un entero >= 0 o una tupla de ellos y recibió {repeats!r}.")
        ndim = max(len(reps), self.ndim)
        reps = (1,) * (ndim - len(reps)) + reps
        shape = (1,) * (ndim - self.ndim) + self.shape
        x = self.reshape(*(d for s in shape for d in (1, s)))  # (1, s0, 1, s1, ...)
        x = x.expand(*(d for r, s in zip(reps, shape) for d in (r, s)))  # (r0, s0, r1, s1, ...)
        return x.reshape(*(r * s for r, s in zip(reps, shape)))

    def roll(self, shift: int | tuple, axis: int | tuple | None = None) -> Tensor:
        """Desplaza los elementos `shift` posiciones a lo largo de `axis`; los que salen por un extremo
        entran por el otro (np.roll). axis=None: sobre el tensor aplanado, con la forma de vuelta."""
        for s in np.atleast_1d(shift).tolist():
            integer("roll", "shift", s, minimum=None, meaning="cuántas posiciones se desplaza")
        if axis is None:
            return self.flatten().roll(shift, 0).reshape(*self.shape)
        shifts, axes = np.broadcast_arrays(np.atleast_1d(shift), np.atleast_1d(axis))
        out = self
        for s, a in zip(shifts.tolist(), axes.tolist()):
            (a,) = normalize_axes("roll", a, self.ndim)
            n = self.shape[a]
            s = s % n if n else 0
            if s:
                lead = (slice(None),) * a
                out = type(self).concatenate([out[lead + (slice(n - s, None),)], out[lead + (slice(0, n - s),)]], a)
        return out

    def triu(self, k: int = 0) -> Tensor:
        """La parte triangular superior de las matrices de los dos últimos ejes: anula x[..., i, j] con
        j - i < k (k = 0: la diagonal se queda; k = 1: también se anula)."""
        return self._triangle("triu", k, lambda rows, cols: ~np.tri(rows, cols, k - 1, dtype=bool))

    def tril(self, k: int = 0) -> Tensor:
        """La parte triangular inferior: anula x[..., i, j] con j - i > k."""
        return self._triangle("tril", k, lambda rows, cols: np.tri(rows, cols, k, dtype=bool))

    def _triangle(self, fn, k, mask):
        integer(fn, "k", k, minimum=None, meaning="la diagonal: 0 la principal, 1 la de encima, -1 la de debajo")
        if self.ndim < 2:
            raise ShapeError(
                f"{fn} trabaja con matrices (los dos últimos ejes) y x tiene forma {shape_str(self.shape)}: "
                "conviértelo en matriz, p. ej. x.reshape(1, -1)."
            )
        return type(self).where(mask(*self.shape[-2:]), self, 0.0)

    def outer(self, other: Tensor | float | np.ndarray) -> Tensor:
        """El producto exterior: out[i, j] = x[i]·y[j], con x e y aplanados (como np.outer)."""
        other = self._operand(other)
        return self.flatten().reshape(-1, 1) * other.flatten().reshape(1, -1)

    def pad(self, pad_width: int | tuple, mode: str = "constant", value: float = 0.0) -> Tensor:
        """Rellena los bordes, con anchos distintos a cada lado si se quiere.

        pad_width como en np.pad y keras.ops.pad: un entero (igual en todos los lados),
        (antes, después) para todos los ejes, o ((antes, después), ...) uno por eje; None en un
        eje es (0, 0). mode: 'constant' (con `value`), o uno que copia casillas de la entrada:
        'edge' (el borde), 'reflect' (espejo sin repetir el borde), 'symmetric' (espejo
        repitiéndolo) y 'wrap' (el otro extremo).
        """
        widths = _pad_widths(pad_width, self.shape)
        if mode == "constant":
            return MV.Pad.apply(self, pad_width=widths, value=value)
        if mode not in INDEX_PAD_MODES:
            raise ValueError(
                f"pad: mode debe ser 'constant' o uno de {', '.join(repr(m) for m in INDEX_PAD_MODES)} y "
                f"recibió {mode!r}."
            )
        out = self
        for axis, (before, after) in enumerate(widths):
            if before or after:
                if self.shape[axis] == 0:
                    raise ShapeError(f"pad: mode={mode!r} copia casillas y el eje {axis} de la entrada está vacío.")
                out = _take(out, np.pad(np.arange(self.shape[axis]), (before, after), mode=mode), axis)
        return out

    # ------------------------------------------------------------ índices
    # --8<-- [start:gather]
    def gather(self, axis: int, index) -> Tensor:
        """El gather de PyTorch: a lo largo de `axis`, cada posición de la salida lee la casilla que
        dice `index`; con axis=1, out[i][j] = x[i][index[i][j]]. La salida tiene la forma de index,
        que tiene los ejes de x y no es más grande que x en los demás ejes (los negativos cuentan desde
        el final, como en NumPy). Para elegir, p. ej., el logit de la clase correcta de cada fila:
        logits.gather(1, y.reshape(-1, 1)).

        Cada casilla de la salida sale de una de x, así que se calcula su posición en x aplanado
        (la de `index` en el eje `axis`, la suya en los demás) y se lee con un único índice. El
        gradiente vuelve a esas posiciones sumando: una casilla leída dos veces recibe los dos.
        """
        (axis,) = normalize_axes("gather", axis, self.ndim)
        index = positions("gather", "index", index, axis, self.shape[axis])
        if index.ndim != self.ndim or any(i > n for d, (i, n) in enumerate(zip(index.shape, self.shape)) if d != axis):
            raise ShapeError(
                f"gather: index tiene forma {shape_str(index.shape)} y x, {shape_str(self.shape)}: index debe tener "
                f"los mismos ejes que x ({self.ndim}) y no ser más grande que x salvo en el eje {axis}. Para que se "
                "difunda (broadcasting), como en NumPy, usa take_along_axis(indices, axis)."
            )
        coords = list(np.indices(index.shape, sparse=True))  # la posición de cada casilla de la salida, por eje
        coords[axis] = index % max(self.shape[axis], 1)  # ...salvo en `axis`: index (los negativos, desde el final)
        # Un solo índice en x aplanado (y no x[coords], varios ejes a la vez): así indexa solo el primer eje,
        # lo único que admite la GPU.
        return self.reshape(-1)[np.ravel_multi_index(np.broadcast_arrays(*coords), self.shape)]
    # --8<-- [end:gather]

    def take_along_axis(self, indices, axis: int | None = None) -> Tensor:
        """np.take_along_axis y keras.ops.take_along_axis: como gather(axis, indices), pero los ejes de
        tamaño 1 de x o de indices se difunden (broadcasting) en los demás ejes. axis=None (como en
        Keras): sobre x aplanado, con indices aplanado. Con indices = argsort(x, axis), ordena x."""
        if axis is None:
            return self.flatten().take_along_axis(numeric_array("take_along_axis", "indices", indices).reshape(-1), 0)
        (axis,) = normalize_axes("take_along_axis", axis, self.ndim)
        indices = positions("take_along_axis", "indices", indices, axis, self.shape[axis])
        try:
            if indices.ndim != self.ndim:
                raise ValueError
            shape = np.broadcast_shapes(self.shape[:axis] + (1,) + self.shape[axis + 1:],
                                        indices.shape[:axis] + (1,) + indices.shape[axis + 1:])
        except ValueError:
            raise ShapeError(
                f"take_along_axis: indices tiene forma {shape_str(indices.shape)} y x, {shape_str(self.shape)}: "
                f"indices debe tener los mismos ejes que x ({self.ndim}), y en todos menos el {axis} el mismo "
                "tamaño o 1 (se difunde)."
            ) from None
        x = self.expand(*shape[:axis], self.shape[axis], *shape[axis + 1:])
        return x.gather(axis, np.broadcast_to(indices, shape[:axis] + indices.shape[axis:axis + 1] + shape[axis + 1:]))


def _take(x, index, axis):
    """x[..., index, ...] con `index` (enteros) en el eje `axis`. Se indexa el primer eje (con swapaxes
    delante y detrás): así también vale en la GPU, que solo tiene ese caso de índices con array."""
    return x[index] if axis == 0 else x.swapaxes(0, axis)[index].swapaxes(0, axis)


def _pad_widths(pad_width, shape) -> tuple:
    """pad_width en cualquiera de sus formas -> ((antes, después), ...) con un par de enteros >= 0 por eje."""
    ndim = len(shape)
    if isinstance(pad_width, (list, tuple)) and len(pad_width) == ndim and any(
            w is None or isinstance(w, (list, tuple)) for w in pad_width):
        pad_width = [(0, 0) if w is None else w for w in pad_width]  # None: ese eje sin relleno
    try:
        widths = np.broadcast_to(np.asarray(pad_width), (ndim, 2))
    except ValueError:
        widths = None
    if widths is None or widths.dtype.kind not in "iu" or (widths < 0).any():
        raise ValueError(
            f"pad: pad_width debe ser un entero >= 0, una pareja (antes, después) o una pareja por eje "
            f"(x tiene {ndim} ejes, forma {shape_str(shape)}), p. ej. {((0, 0),) * (ndim - 1) + ((1, 2),)}; "
            f"recibió {pad_width!r}."
        )
    return tuple((int(a), int(b)) for a, b in widths)


def tensor_list(fn: str, tensors, more: tuple, axis: int) -> tuple[list, int]:
    """Los tensores de concatenate/stack y el eje: una lista (NumPy: `Tensor.cat([a, b], 1)`, y `more` es
    a lo sumo el eje) o tensores sueltos (tinygrad: `a.cat(b, c, dim=1)`, y el eje va con nombre)."""
    from .tensor import Tensor, as_tensor  # (aquí: tensor.py importa este módulo)

    if isinstance(tensors, Tensor):
        if not more:
            raise TypeError(
                f"{fn} recibe una lista de tensores y recibió un Tensor suelto: escribe Tensor.{fn}([a, b], axis=0) "
                f"o, como tinygrad, a.{fn}(b, axis=0)."
            )
        loose = next((m for m in more if not isinstance(m, Tensor)), None)
        if loose is not None:
            raise TypeError(
                f"{fn}: con los tensores sueltos (a.{fn}(b, c), como tinygrad) el eje va con nombre, y llegó "
                f"{loose!r} sin nombre: escribe a.{fn}(b, axis=...) o Tensor.{fn}([a, b], axis)."
            )
        return [tensors, *more], axis
    if len(more) > 1 or any(isinstance(m, Tensor) for m in more):
        raise TypeError(
            f"{fn}: tras la lista de tensores solo va el eje, y llegaron {len(more)} argumentos más: escribe "
            f"Tensor.{fn}([a, b, c], axis=0)."
        )
    return [as_tensor(t) for t in tensors], (more[0] if more else axis)
