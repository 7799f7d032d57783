"""Paralelismo de las operaciones de CPU: trozos del lote repartidos entre hilos, BLAS en uno.

Las operaciones de convolución y pooling reparten el lote en trozos y cada hilo hace un trozo
entero (su im2col, su producto, su col2im...) con kernels de Numba en serie (`nogil=True`:
sueltan el GIL de Python, así que los hilos corren de verdad a la vez) y BLAS en un solo hilo.
Las capas recurrentes, igual: cada hilo recorre la secuencia con su trozo del lote. Los
productos 2-D grandes se reparten por filas (`matmul`).

¿Por qué no `prange` dentro de cada kernel y BLAS con todos sus hilos? Porque entonces cada
paso de cada capa es una barrera en la que todos los hilos se esperan, y hay cientos por lote:
si la máquina tiene más carga (otros programas, o más hilos que núcleos), cada espera dura
milisegundos. Medido en una máquina de 2 núcleos ocupada: la CNN del curso tardaba 2-3 s por
lote con hilos dentro de cada kernel y 0.2 s así, con una sola espera por operación.

El número de hilos es el de Numba (`NUMBA_NUM_THREADS`, por defecto uno por núcleo): con
NUMBA_NUM_THREADS=1 todo corre en el hilo principal.

BLAS en un hilo en todo el proceso. Al importarse, tinygrad_es pone la OpenBLAS de NumPy a un
hilo. OpenBLAS reparte entre sus hilos cualquier producto de más de ~2.6·10⁵ multiplicaciones,
así que también los pequeños de una red (la Dense (128, 128) @ (128, 57) tras la LSTM, o las
del MLP), y sus hilos, al acabar, se quedan girando en espera activa: gastan CPU que necesitan
los nuestros (y los otros programas), y si la máquina está ocupada cada producto espera a que
el sistema les dé turno. Medido en la LSTM del curso, en una máquina de 2 núcleos con carga: el
mismo tiempo de reloj (o algo menos) y entre 1.5 y 4 veces menos tiempo de CPU por paso. Los
productos grandes los reparte tinygrad_es (`matmul`, los trozos de `map_chunks`).
Quien quiera más hilos de BLAS para su propio NumPy puede subirlos con la biblioteca
threadpoolctl; `single_thread_blas` sigue protegiendo los bucles de las operaciones.
"""
import contextlib
import ctypes
import glob
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

WORKERS = numba.config.NUMBA_NUM_THREADS
_pool, _pool_pid = None, None


def _workers_pool():
    """El ThreadPoolExecutor de este proceso (uno nuevo tras un fork: los hilos no pasan al hijo)."""
    global _pool, _pool_pid
    if _pool_pid != os.getpid():
        _pool, _pool_pid = ThreadPoolExecutor(WORKERS, thread_name_prefix="tinygrad_es"), os.getpid()
    return _pool


def chunk_size(n, bytes_per_item, target_bytes) -> int:
    """Cuántos elementos del lote por trozo: ~target_bytes de trabajo, y al menos un trozo por hilo."""
    by_bytes = max(1, target_bytes // max(1, bytes_per_item))
    return max(1, min(by_bytes, math.ceil(n / WORKERS)))


def map_chunks(fn, n, size) -> list:
    """[fn(inicio, fin) para cada trozo de `size` elementos de range(n)], en paralelo y con BLAS de un hilo."""
    starts = range(0, n, size)
    with single_thread_blas():
        if WORKERS == 1 or len(starts) == 1:
            return [fn(s, min(s + size, n)) for s in starts]
        return list(_workers_pool().map(lambda s: fn(s, min(s + size, n)), starts))


SCRATCH_LIMIT = 16 << 20  # los búferes de trabajo más grandes no se guardan: se piden y se devuelven


def scratch(name, shape, dtype, like=None) -> np.ndarray:
    """Un array de trabajo de ESTE hilo, el mismo de una llamada a otra (su contenido no se conserva).

    Por qué: un array de más de ~128 kB que se crea y se suelta en cada trozo es un mmap y un
    munmap del sistema operativo, y sus páginas se rellenan con fallos de página; munmap bloquea
    la memoria de todo el proceso, así que los hilos que hacen eso a la vez se esperan unos a
    otros. Medido con la segunda conv de la CNN del curso (trozos de 4 MB): dos hilos que piden
    `cols` nuevo en cada trozo iban MÁS LENTOS que uno; reutilizándolo, 1.6 veces más rápido.
    Cada hilo guarda su búfer por nombre (como mucho SCRATCH_LIMIT bytes cada uno).
    Con `like` en la GPU, un array nuevo del dispositivo (allí no hay hilos de CPU ni munmap).
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


_thread_buffers = threading.local()


def matmul(a, b):
    """a @ b con las filas de a repartidas entre los hilos (cada trozo, BLAS de un hilo)."""
    if type(a) is not np.ndarray:  # en la GPU: un solo producto (el kernel ya reparte el trabajo)
        return a @ b
    out = np.empty((a.shape[0], b.shape[1]), dtype=np.result_type(a, b))
    map_chunks(lambda s, e: np.matmul(a[s:e], b, out=out[s:e]), a.shape[0], per_worker(a.shape[0]))
    return out


def per_worker(n) -> int:
    """Trozos de este tamaño reparten n elementos en un trozo por hilo."""
    return max(1, math.ceil(n / WORKERS))


# ---------------------------------------------------------------- hilos de BLAS
def _find_openblas_threads():
    """Las funciones get/set_num_threads de la OpenBLAS que trae NumPy, o None si no se encuentran.

    NumPy no ofrece una forma pública de cambiar los hilos de BLAS; la biblioteca threadpoolctl lo
    hace así, buscando los símbolos de OpenBLAS. Con otro BLAS (MKL, Accelerate) no se toca nada.
    """
    folder = os.path.dirname(np.__file__)
    for path in glob.glob(os.path.join(folder, "..", "numpy.libs", "*openblas*")) + \
            glob.glob(os.path.join(folder, ".dylibs", "*openblas*")):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                set_ = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and set_ is not None:
                    return get, set_
    return None


_OPENBLAS_THREADS = _find_openblas_threads()
if _OPENBLAS_THREADS is not None:
    _OPENBLAS_THREADS[1](1)  # BLAS en un hilo en todo el proceso (ver el docstring del módulo)
_blas_lock = threading.Lock()
_blas_users = 0  # cuántos bloques single_thread_blas hay abiertos (de cualquier hilo)
_blas_previous = None


@contextlib.contextmanager
def single_thread_blas():
    """Dentro del bloque, BLAS usa un solo hilo; al cerrarse el último bloque abierto, los que tenía."""
    global _blas_users, _blas_previous
    if _OPENBLAS_THREADS is None:
        yield
        return
    get, set_ = _OPENBLAS_THREADS
    with _blas_lock:
        if _blas_users == 0:
            _blas_previous = get()
            set_(1)
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0:
                set_(_blas_previous)
