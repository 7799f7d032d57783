"""Operaciones que mueven datos sin hacer aritmética: reshape, permute, expand, índices, pad, concat.

Su backward deshace el movimiento: reshape vuelve a la forma original, permute aplica la
permutación inversa, y la indexación devuelve cada gradiente a la casilla de la que salió
(sumando si una casilla se leyó varias veces).
"""
import numpy as np

from ..autograd import Function, unbroadcast


class Reshape(Function):
    def forward(self, a, shape):
        self.save_for_backward(a.shape)
        return a.reshape(shape)

    def backward(self, grad):
        (shape,) = self.saved
        return grad.reshape(shape)


class Permute(Function):
    def forward(self, a, axes):
        self.save_for_backward(axes)
        return np.transpose(a, axes)

    def backward(self, grad):
        (axes,) = self.saved
        return np.transpose(grad, np.argsort(axes))


class Expand(Function):
    """broadcast_to: repetir sin copiar; el backward suma las repeticiones."""

    def forward(self, a, shape):
        self.save_for_backward(a.shape)
        return np.broadcast_to(a, shape)

    def backward(self, grad):
        (shape,) = self.saved
        return unbroadcast(grad, shape)


class Index(Function):
    """t[idx] para cualquier índice de NumPy (cortes, enteros, None, arrays, máscaras).

    Backward: un array de ceros con la forma de la entrada donde se *suma* (scatter-add) el
    gradiente en las posiciones leídas; `np.add.at` suma bien los índices repetidos.
    """

    def forward(self, a, index):
        self.save_for_backward(a.shape, a.dtype, index)
        return a[index]

    def backward(self, grad):
        shape, dtype, index = self.saved
        # zeros_like(grad, shape=...) y no np.zeros(shape): así el array nace en el dispositivo de grad (CPU o GPU)
        out = np.zeros_like(grad, shape=shape, dtype=dtype)
        if is_basic_index(index):
            out[index] = grad  # cortes y enteros: cada casilla se lee una sola vez
        else:
            np.add.at(out, index, grad)
        return out


def is_basic_index(index) -> bool:
    """¿Solo enteros, cortes, None y `...`? Entonces x[index] es una vista y cada casilla se lee una vez."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice)) for p in parts)


class Pad(Function):
    """Relleno con una constante; el backward recorta el borde añadido."""

    def forward(self, a, pad_width, value=0.0):
        self.save_for_backward(a.shape, pad_width)
        return np.pad(a, pad_width, constant_values=value)

    def backward(self, grad):
        shape, pad_width = self.saved
        return grad[tuple(slice(before, before + n) for (before, _), n in zip(pad_width, shape))]


class Concatenate(Function):
    """Une varios tensores a lo largo de `axis`; el backward corta el gradiente en los mismos trozos."""

    def forward(self, *arrays, axis=0):
        sizes = [a.shape[axis] for a in arrays]
        self.save_for_backward(axis, np.cumsum(sizes)[:-1])
        return np.concatenate(arrays, axis=axis)

    def backward(self, grad):
        axis, cuts = self.saved
        return tuple(np.split(grad, cuts, axis=axis))
