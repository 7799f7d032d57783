"""Pooling 2D (máximo y media) con kernels de Numba; ver `kernels/cpu/pool.py` para las fórmulas.

El max pooling guarda en el forward la posición del ganador de cada ventana, y el backward
manda ahí todo el gradiente (empates: gana el primero en orden de lectura). El avg pooling
reparte el gradiente a partes iguales entre las posiciones válidas de la ventana. Cada imagen
es independiente: el lote se reparte en trozos entre hilos (`threads.map_chunks`).

Las mismas líneas sirven en la GPU: `kernels_for(x, pool_kernels)` da los kernels del dispositivo de
x (kernels/cpu/pool.py o kernels/cuda/pool.py, con las mismas firmas), los arrays se crean con
`np.empty_like(x, shape=...)` (que nace en el dispositivo de x) y en la GPU el lote entero va
en un solo lanzamiento.
"""
import numpy as np

from ..autograd import Function
from ..kernels.cpu import pool as pool_kernels
from ..runtime.device import contiguous, kernels_for
from ..runtime.threads import chunk_size, map_chunks

CHUNK_BYTES = 1 << 20  # entrada por trozo: lo justo para que repartir entre hilos compense


def _by_chunks(kernel, arrays, options):
    """kernel(*(a[inicio:fin] para cada a de arrays), *options) para cada trozo del lote."""
    if type(arrays[0]) is not np.ndarray:  # en la GPU: un solo lanzamiento con todo el lote
        return kernel(*arrays, *options)
    n = arrays[0].shape[0]
    map_chunks(lambda s, e: kernel(*(a[s:e] for a in arrays), *options), n,
               chunk_size(n, arrays[0][:1].nbytes, CHUNK_BYTES))


class MaxPool2D(Function):
    def forward(self, x, pool, stride, pad, out_hw):
        x = contiguous(x)
        n, c = x.shape[0], x.shape[3]
        out = np.empty_like(x, shape=(n, *out_hw, c))
        # la posición y·W + x dentro de su imagen cabe en int32: la mitad de memoria guardada que int64
        argmax = np.empty_like(x, shape=out.shape, dtype=np.int32)
        _by_chunks(kernels_for(x, pool_kernels).max_pool_forward, (x, out, argmax), (*pool, *stride, *pad))
        self.save_for_backward(argmax, x.shape)
        return out

    def backward(self, grad):
        argmax, x_shape = self.saved
        dx = np.empty_like(grad, shape=x_shape)
        _by_chunks(kernels_for(grad, pool_kernels).max_pool_backward, (contiguous(grad), argmax, dx), ())
        return dx


class AvgPool2D(Function):
    def forward(self, x, pool, stride, pad, out_hw):
        x = contiguous(x)
        n, c = x.shape[0], x.shape[3]
        out = np.empty_like(x, shape=(n, *out_hw, c))
        _by_chunks(kernels_for(x, pool_kernels).avg_pool_forward, (x, out), (*pool, *stride, *pad))
        self.save_for_backward(x.shape, pool, stride, pad)
        return out

    def backward(self, grad):
        x_shape, pool, stride, pad = self.saved
        dx = np.empty_like(grad, shape=x_shape)
        _by_chunks(kernels_for(grad, pool_kernels).avg_pool_backward, (contiguous(grad), dx), (*pool, *stride, *pad))
        return dx
