"""Pooling de `nn.functional`: máximo y media por ventanas (1D y 2D) y sus versiones globales.

Con canales al final: imágenes (N, H, W, C), secuencias (N, L, C). Las versiones 1D son las 2D
de una imagen de una fila, con los mismos kernels (`ops/pool.py`, `kernels/cpu/pool.py`).
"""
from __future__ import annotations

from ..ops.pool import AvgPool2D, MaxPool2D
from ..tensor import Tensor, as_tensor
from .arguments import check_rank, padding_mode, pair, single
from .conv import AXES_1D, _geometry


def _pool_args(fn, x, pool, strides, padding, axis_names):
    """(x, opciones de la operación) con pool y strides ya como parejas; strides=None: igual que pool."""
    stride = pool if strides is None else strides
    padding = padding_mode(fn, padding)
    stride, _, pad, out_hw = _geometry(fn, x.shape[1:3], pool, stride, (1, 1), padding, axis_names)
    return dict(pool=pool, stride=stride, pad=pad, out_hw=out_hw)


def _pool2d(fn, op, x, pool_size, strides, padding):
    x = as_tensor(x)
    check_rank(fn, "x", x, 4, "(N, H, W, C)", "añade los ejes que falten, p. ej. x.reshape(N, H, W, 1)")
    pool = pair(fn, "pool_size", pool_size)
    strides = None if strides is None else pair(fn, "strides", strides)
    return op.apply(x, **_pool_args(fn, x, pool, strides, padding, ("alto", "ancho")))


def _pool1d(fn, op, x, pool_size, strides, padding):
    x = as_tensor(x)
    check_rank(fn, "x", x, 3, "(N, L, C)", "añade los ejes que falten, p. ej. x.reshape(N, L, 1)")
    pool = (1, single(fn, "pool_size", pool_size))
    strides = None if strides is None else (1, single(fn, "strides", strides))
    return op.apply(x.unsqueeze(1), **_pool_args(fn, x.unsqueeze(1), pool, strides, padding, AXES_1D)).squeeze(1)


def max_pool2d(x: Tensor, pool_size: int | tuple = 2, strides: int | tuple | None = None,
               padding: str | int | tuple = "valid") -> Tensor:
    """Máximo de cada ventana: x (N, H, W, C) -> (N, Ho, Wo, C). strides=None: igual que pool_size.

    El gradiente va entero al máximo de cada ventana (si empatan, al primero en orden de lectura).
    """
    return _pool2d("max_pool2d", MaxPool2D, x, pool_size, strides, padding)


def avg_pool2d(x: Tensor, pool_size: int | tuple = 2, strides: int | tuple | None = None,
               padding: str | int | tuple = "valid") -> Tensor:
    """Media de cada ventana: x (N, H, W, C) -> (N, Ho, Wo, C); con 'same' solo cuentan las posiciones reales."""
    return _pool2d("avg_pool2d", AvgPool2D, x, pool_size, strides, padding)


def max_pool1d(x: Tensor, pool_size: int | tuple = 2, strides: int | tuple | None = None,
               padding: str | int | tuple = "valid") -> Tensor:
    """Máximo de cada ventana de una secuencia (`MaxPooling1D` de Keras): x (N, L, C) -> (N, Lo, C)."""
    return _pool1d("max_pool1d", MaxPool2D, x, pool_size, strides, padding)


def avg_pool1d(x: Tensor, pool_size: int | tuple = 2, strides: int | tuple | None = None,
               padding: str | int | tuple = "valid") -> Tensor:
    """Media de cada ventana de una secuencia (`AveragePooling1D` de Keras): x (N, L, C) -> (N, Lo, C)."""
    return _pool1d("avg_pool1d", AvgPool2D, x, pool_size, strides, padding)


def global_avg_pool2d(x: Tensor) -> Tensor:
    """Media de cada canal sobre toda la imagen: (N, H, W, C) -> (N, C)."""
    x = as_tensor(x)
    check_rank("global_avg_pool2d", "x", x, 4, "(N, H, W, C)")
    return x.mean(axis=(1, 2))


def global_max_pool2d(x: Tensor) -> Tensor:
    """Máximo de cada canal sobre toda la imagen: (N, H, W, C) -> (N, C). Es un max_pool2d de ventana H×W."""
    x = as_tensor(x)
    check_rank("global_max_pool2d", "x", x, 4, "(N, H, W, C)")
    n, h, w, c = x.shape
    return max_pool2d(x, (h, w)).reshape(n, c)


def global_avg_pool1d(x: Tensor) -> Tensor:
    """Media de cada canal sobre toda la secuencia: (N, L, C) -> (N, C)."""
    x = as_tensor(x)
    check_rank("global_avg_pool1d", "x", x, 3, "(N, L, C)")
    return x.mean(axis=1)


def global_max_pool1d(x: Tensor) -> Tensor:
    """Máximo de cada canal sobre toda la secuencia: (N, L, C) -> (N, C). Es un max_pool1d de ventana L."""
    x = as_tensor(x)
    check_rank("global_max_pool1d", "x", x, 3, "(N, L, C)")
    return max_pool1d(x, x.shape[1]).squeeze(1)
