"""Memoria del proceso: que la memoria que suelta un paso de entrenamiento la reutilice el siguiente.

Cada paso de entrenamiento crea y suelta los mismos arrays grandes: en la LSTM del curso, las
puertas guardadas para el backward (40·128·512 float32 = 10 MB), su gradiente (otros 10 MB),
los estados, las salidas... unos 30 MB por paso. Con su configuración por defecto, el `malloc`
de glibc (Linux) devuelve esa memoria al sistema operativo en cuanto queda libre un bloque de
más de ~2 veces el array más grande, y al paso siguiente la vuelve a pedir. La memoria nueva
llega vacía: el primer acceso a cada página de 4 kB es un fallo de página que el núcleo atiende
rellenándola de ceros. Medido en la LSTM del curso en la máquina de desarrollo (2 núcleos, una
máquina virtual, donde cada fallo cuesta más): ~4 200 fallos de página por paso, y el paso bajó de
~30 ms a ~21 ms al quitarlos.

Por eso, al importarse, tinygrad_es le pide a glibc (con `mallopt`, la misma función que usan
los ajustes MALLOC_TRIM_THRESHOLD_ y MALLOC_MMAP_THRESHOLD_ del entorno):

- que no devuelva al sistema la memoria libre mientras sea menos de KEEP_BYTES (256 MB), y
- que los arrays de menos de MMAP_BYTES (64 MB) salgan del montón, donde esa memoria se
  reutiliza; los más grandes (un conjunto de datos entero) siguen pidiéndose y devolviéndose
  aparte, así que al borrarlos la memoria vuelve al sistema.

El precio: el proceso se queda con hasta KEEP_BYTES de memoria libre para reutilizar (es lo que
hace PyTorch en la GPU con su caché de memoria). Fuera de glibc (macOS, Windows, musl) no se
toca nada. Para desactivarlo, TINYGRAD_ES_KEEP_MEMORY=0 en el entorno antes de importar.
"""
import ctypes
import os

KEEP_BYTES = 256 << 20
MMAP_BYTES = 64 << 20
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # los nombres de glibc (malloc.h)


def _glibc_mallopt():
    """La función mallopt de glibc, o None si este proceso no usa glibc."""
    try:
        libc = ctypes.CDLL(None)  # los símbolos ya cargados en el proceso: su propio libc, sin buscar archivos
    except (OSError, TypeError):  # (Windows no admite None)
        return None
    if not hasattr(libc, "gnu_get_libc_version"):  # musl o el libc de otro sistema: otro malloc
        return None
    return getattr(libc, "mallopt", None)


def keep_freed_memory() -> bool:
    """Aplica los dos ajustes del docstring del módulo; devuelve si se aplicaron."""
    if os.environ.get("TINYGRAD_ES_KEEP_MEMORY", "1") == "0":
        return False
    mallopt = _glibc_mallopt()
    if mallopt is None:
        return False
    return bool(mallopt(_M_TRIM_THRESHOLD, KEEP_BYTES)) and bool(mallopt(_M_MMAP_THRESHOLD, MMAP_BYTES))


def glibc_environment() -> dict:
    """Las variables de entorno con las que glibc hace lo mismo en OTRO proceso, sin importar tinygrad_es.

    Sirven para comparar con otro programa en igualdad de condiciones (benchmarks/train.py
    --mismo-malloc se las da al proceso de PyTorch)."""
    return {"MALLOC_TRIM_THRESHOLD_": str(KEEP_BYTES), "MALLOC_MMAP_THRESHOLD_": str(MMAP_BYTES)}


KEEPING_FREED_MEMORY = keep_freed_memory()
