"""Búferes de trabajo por hilo: el mismo array de una llamada a otra, sin pedir memoria nueva.

Dos clases: `scratch` para lo que solo vive dentro de una llamada (se reescribe en la siguiente)
y `recycled` para lo que un forward guarda para su backward (se reutiliza cuando ya nadie lo usa).

Por qué: un array de más de ~128 kB que se crea y se suelta en cada trozo es un mmap y un
munmap del sistema operativo, y sus páginas se rellenan con fallos de página; munmap bloquea
la memoria de todo el proceso, así que los hilos que hacen eso a la vez se esperan unos a
otros. Medido con la segunda conv de la CNN del curso (trozos de 4 MB): dos hilos que piden
`cols` nuevo en cada trozo iban MÁS LENTOS que uno; reutilizándolo, 1.6 veces más rápido.
"""
import math
import sys
import threading

import numpy as np

SCRATCH_LIMIT = 16 << 20  # los búferes de trabajo más grandes no se guardan: se piden y se devuelven
_thread_buffers = threading.local()


def scratch(name: str, shape: tuple, dtype, like=None) -> np.ndarray:
    """Un array de trabajo de ESTE hilo, el mismo de una llamada a otra (su contenido no se conserva).

    Cada hilo guarda su búfer por nombre (como mucho SCRATCH_LIMIT bytes cada uno). Con `like`
    en la GPU, un array nuevo del dispositivo (allí no hay hilos de CPU ni munmap).
    """
    if like is not None and type(like) is not np.ndarray:
        return np.empty_like(like, shape=shape, dtype=dtype)
    nbytes = math.prod(shape) * np.dtype(dtype).itemsize
    if nbytes > SCRATCH_LIMIT:
        return np.empty(shape, dtype=dtype)
    buffers = _thread_buffers.__dict__.setdefault("buffers", {})
    buffer = buffers.get(name)
    if buffer is None or buffer.nbytes < nbytes:
        buffer = buffers[name] = np.empty(nbytes, dtype=np.uint8)
    return buffer[:nbytes].view(dtype).reshape(shape)


RECYCLE_LIMIT = 64 << 20  # los más grandes no se guardan
RECYCLED_PER_NAME = 4  # una capa usada varias veces en un paso (o dos pasos vivos a la vez) necesita varios


def _free_refs() -> int:
    """Las referencias que cuenta sys.getrefcount a un búfer libre, mirado como lo mira `recycled` (su lista y
    la variable del bucle): se mide así porque cada versión de Python cuenta algo distinto."""
    for buffer in [np.empty(1, dtype=np.uint8)]:
        return sys.getrefcount(buffer)


_FREE_REFS = _free_refs()


def recycled(name: str, shape: tuple, dtype, like=None) -> np.ndarray:
    """Un array para guardar del forward al backward (sin inicializar), con la memoria de uno de ESTE hilo que
    ya nadie usa.

    Por qué: lo que un forward guarda (las puertas de la LSTM del curso: 10 MB por paso) se suelta
    tras el backward y el paso siguiente pide lo mismo. Si glibc ha devuelto esa memoria al
    sistema, vuelve nueva, página a página: medido en la LSTM del curso con `nn.functional`, fuera
    de `fit`, ~3600 fallos de página y ~6 ms más por paso (de 30 a 36 ms), según cómo tenga malloc
    la memoria libre en cada momento. Reutilizándola no hay fallos, con malloc como esté.

    Un búfer está libre cuando ya nadie lo referencia: ni el nodo del grafo que lo guardó (que lo
    suelta tras su backward) ni ninguna vista suya (una vista apunta a su búfer). Se guardan hasta
    RECYCLED_PER_NAME por nombre y hilo. Con `like` en la GPU, un array nuevo del dispositivo.
    """
    if like is not None and type(like) is not np.ndarray:
        return np.empty_like(like, shape=shape, dtype=dtype)
    nbytes = math.prod(shape) * np.dtype(dtype).itemsize
    if nbytes > RECYCLE_LIMIT:
        return np.empty(shape, dtype=dtype)
    pool = _thread_buffers.__dict__.setdefault("recycled", {}).setdefault(name, [])
    for buffer in pool:
        if buffer.nbytes >= nbytes and sys.getrefcount(buffer) <= _FREE_REFS:
            return buffer[:nbytes].view(dtype).reshape(shape)
    buffer = np.empty(nbytes, dtype=np.uint8)
    if len(pool) < RECYCLED_PER_NAME:
        pool.append(buffer)
    return buffer[:nbytes].view(dtype).reshape(shape)
