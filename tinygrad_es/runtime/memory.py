"""Memoria durante el entrenamiento: que la memoria que suelta un paso la reutilice el siguiente.

Cada paso de entrenamiento crea y suelta los mismos arrays grandes: en la LSTM del curso, las
puertas guardadas para el backward (40·128·512 float32 = 10 MB), su gradiente (otros 10 MB),
los estados, las salidas... unos 30 MB por paso. Con su configuración por defecto, el `malloc`
de glibc (Linux) devuelve esa memoria al sistema operativo en cuanto queda libre un bloque de
más de ~2 veces el array más grande, y al paso siguiente la vuelve a pedir. La memoria nueva
llega vacía: el primer acceso a cada página de 4 kB es un fallo de página que el núcleo atiende
rellenándola de ceros. Medido en la LSTM del curso en la máquina de desarrollo (2 núcleos, una
máquina virtual, donde cada fallo cuesta más): ~4 200 fallos de página por paso, y el paso bajó de
~30 ms a ~21 ms al quitarlos.

Por eso, mientras `fit`, `evaluate` o `predict` trabajan (`keep_freed_memory`, que abre
`runtime.training_scope`), tinygrad_es le pide a glibc, con `mallopt` (la misma función que
usan los ajustes MALLOC_TRIM_THRESHOLD_ y MALLOC_MMAP_THRESHOLD_ del entorno):

- que no devuelva al sistema la memoria libre mientras sea menos de KEEP_BYTES (256 MB), y
- que los arrays de menos de MMAP_BYTES (64 MB) salgan del montón, donde esa memoria se
  reutiliza; los más grandes (un conjunto de datos entero) siguen pidiéndose y devolviéndose
  aparte, así que al borrarlos la memoria vuelve al sistema.

Al acabar, los dos umbrales vuelven a su valor inicial en glibc (128 kB, ver `man mallopt`) y
`malloc_trim` devuelve al sistema la memoria libre que se guardó: importar tinygrad_es no toca
nada, y después de `fit` un array grande que se suelta vuelve al sistema como antes. Una
diferencia queda: glibc no deja leer sus umbrales, y fijarlos apaga para siempre su ajuste
automático (que sube el umbral de mmap hasta el tamaño del mayor array soltado, 32 MB como
mucho); después de `fit`, malloc se comporta como al arrancar el proceso, antes de ese ajuste.

Fuera de glibc (macOS, Windows, musl) no se toca nada. Para no aplicarlo nunca,
TINYGRAD_ES_KEEP_MEMORY=0 en el entorno.
"""
import contextlib
import ctypes
import os
import threading
from typing import Iterator

KEEP_BYTES = 256 << 20
MMAP_BYTES = 64 << 20
GLIBC_DEFAULT_BYTES = 128 << 10  # el valor inicial de los dos umbrales en glibc (DEFAULT_MMAP_THRESHOLD_MIN)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # los nombres de glibc (malloc.h)


def _glibc():
    """El libc de este proceso si es glibc (con mallopt y malloc_trim), o None."""
    try:
        libc = ctypes.CDLL(None)  # los símbolos ya cargados en el proceso: su propio libc, sin buscar archivos
    except (OSError, TypeError):  # (Windows no admite None)
        return None
    if not hasattr(libc, "gnu_get_libc_version"):  # musl o el libc de otro sistema: otro malloc
        return None
    return libc


def enabled() -> bool:
    """Si el ajuste se aplicará: glibc y TINYGRAD_ES_KEEP_MEMORY distinto de 0."""
    return os.environ.get("TINYGRAD_ES_KEEP_MEMORY", "1") != "0" and _glibc() is not None


_lock = threading.Lock()
_users = 0  # cuántos bloques keep_freed_memory hay abiertos (fit dentro de fit, varios hilos)


def _set_thresholds(trim: int, mmap: int) -> None:
    libc = _glibc()
    libc.mallopt(_M_TRIM_THRESHOLD, trim)
    libc.mallopt(_M_MMAP_THRESHOLD, mmap)


@contextlib.contextmanager
def keep_freed_memory() -> Iterator[None]:
    """Dentro del bloque, glibc guarda hasta KEEP_BYTES de memoria libre; al salir, la devuelve (ver arriba)."""
    global _users
    if not enabled():
        yield
        return
    with _lock:
        if _users == 0:
            _set_thresholds(KEEP_BYTES, MMAP_BYTES)
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0:
                _set_thresholds(GLIBC_DEFAULT_BYTES, GLIBC_DEFAULT_BYTES)
                _glibc().malloc_trim(0)


def glibc_environment() -> dict:
    """Las variables de entorno con las que glibc hace lo mismo en OTRO proceso, desde que arranca.

    Sirven para comparar con otro programa en igualdad de condiciones (benchmarks/train.py
    --mismo-malloc se las da al proceso de PyTorch)."""
    return {"MALLOC_TRIM_THRESHOLD_": str(KEEP_BYTES), "MALLOC_MMAP_THRESHOLD_": str(MMAP_BYTES)}
