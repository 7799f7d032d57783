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

BLAS en un hilo, pero solo dentro de tinygrad_es (`single_thread_blas`): mientras corre una
sección paralela (`map_chunks`) y mientras `fit`, `evaluate` o `predict` entrenan o predicen
(`runtime.training_scope`). Al salir, BLAS vuelve a los hilos que tenía: importar tinygrad_es
no cambia el NumPy del resto del programa. ¿Por qué un hilo? Dentro de una sección paralela,
cada hilo nuestro ya ocupa un núcleo: si además BLAS repartiera cada producto, habría más
hilos que núcleos. Y fuera de ellas, OpenBLAS reparte cualquier producto de más de ~2.6·10⁵
multiplicaciones, también los pequeños de una red (la Dense (128, 128) @ (128, 57) tras la
LSTM, o las del MLP), y sus hilos, al acabar, se quedan girando en espera activa: gastan CPU
que necesitan los nuestros. Medido en la LSTM del curso, en una máquina de 2 núcleos con carga:
el mismo tiempo de reloj (o algo menos) y entre 1.5 y 4 veces menos tiempo de CPU por paso.

Los hilos de BLAS se leen y se cambian con threadpoolctl, que conoce OpenBLAS, MKL y BLIS
(también la OpenBLAS que trae NumPy con otro nombre de símbolos), sin buscar bibliotecas a mano.
"""
import contextlib
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterator

import numba
import numpy as np

WORKERS = numba.config.NUMBA_NUM_THREADS
_pool, _pool_pid = None, None


def _workers_pool() -> ThreadPoolExecutor:
    """El ThreadPoolExecutor de este proceso (uno nuevo tras un fork: los hilos no pasan al hijo)."""
    global _pool, _pool_pid
    if _pool_pid != os.getpid():
        _pool, _pool_pid = ThreadPoolExecutor(WORKERS, thread_name_prefix="tinygrad_es"), os.getpid()
    return _pool


def chunk_size(n: int, bytes_per_item: int, target_bytes: int) -> int:
    """Cuántos elementos del lote por trozo: ~target_bytes de trabajo, y al menos un trozo por hilo."""
    by_bytes = max(1, target_bytes // max(1, bytes_per_item))
    return max(1, min(by_bytes, math.ceil(n / WORKERS)))


def per_worker(n: int) -> int:
    """Trozos de este tamaño reparten n elementos en un trozo por hilo."""
    return max(1, math.ceil(n / WORKERS))


# --8<-- [start:map_chunks]
def map_chunks(fn: Callable[[int, int], object], n: int, size: int) -> list:
    """[fn(inicio, fin) para cada trozo de `size` elementos de range(n)], en paralelo y con BLAS de un hilo."""
    starts = range(0, n, size)
    with single_thread_blas():
        if WORKERS == 1 or len(starts) == 1:
            return [fn(s, min(s + size, n)) for s in starts]
        return list(_workers_pool().map(lambda s: fn(s, min(s + size, n)), starts))
# --8<-- [end:map_chunks]


def matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b con las filas de a repartidas entre los hilos (cada trozo, BLAS de un hilo)."""
    if type(a) is not np.ndarray:  # en la GPU: un solo producto (el kernel ya reparte el trabajo)
        return a @ b
    out = np.empty((a.shape[0], b.shape[1]), dtype=np.result_type(a, b))
    map_chunks(lambda s, e: np.matmul(a[s:e], b, out=out[s:e]), a.shape[0], per_worker(a.shape[0]))
    return out


# ---------------------------------------------------------------- hilos de BLAS, con threadpoolctl
_blas_lock = threading.Lock()
_blas_users = 0  # cuántos bloques single_thread_blas hay abiertos (de cualquier hilo)
_blas_saved: list = []  # [(biblioteca, hilos que tenía)] mientras haya bloques abiertos
_blas_libraries = None


def blas_libraries() -> list:
    """Los controladores de threadpoolctl de las bibliotecas BLAS cargadas (la de NumPy, y MKL o BLIS si hay).

    Se buscan una vez, en la primera sección paralela (buscarlas recorre las bibliotecas cargadas:
    ~1 ms); cambiar los hilos después cuesta ~1 µs."""
    global _blas_libraries
    if _blas_libraries is None:
        from threadpoolctl import ThreadpoolController

        _blas_libraries = ThreadpoolController().select(user_api="blas").lib_controllers
    return _blas_libraries


@contextlib.contextmanager
def single_thread_blas() -> Iterator[None]:
    """Dentro del bloque, BLAS usa un solo hilo; al cerrarse el último bloque abierto, los que tenía."""
    global _blas_users, _blas_saved
    with _blas_lock:
        if _blas_users == 0:
            _blas_saved = [(lib, lib.num_threads) for lib in blas_libraries()]
            for lib, _ in _blas_saved:
                lib.set_num_threads(1)
        _blas_users += 1
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0:
                for lib, threads in _blas_saved:
                    lib.set_num_threads(threads)
