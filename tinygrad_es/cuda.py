"""La GPU (CUDA), opcional: saber si hay una y elegir los kernels de cada dispositivo.

    >>> from tinygrad_es import cuda
    >>> cuda.is_available()          # doctest: +SKIP
    False
    >>> cuda.kernel_module("im2col", "cpu").__name__
    'tinygrad_es.kernels.cpu.im2col'

Importar tinygrad_es nunca necesita CUDA: `numba.cuda` sólo se importa al preguntar por la GPU
o al usar un kernel de `kernels/cuda/`. Para la GPU hace falta el extra `cuda`
(`pip install "tinygrad-es[cuda]"`, que instala `numba-cuda`) y un controlador NVIDIA.

Sin GPU, el simulador de Numba ejecuta los kernels CUDA en la CPU, en Python, hilo a hilo
(lento, pero cada kernel se puede leer, depurar con print y probar): se activa con la variable
de entorno `NUMBA_ENABLE_CUDASIM=1`, que Numba lee al importarse, así que debe estar puesta
ANTES de importar numba (por ejemplo, en la línea de órdenes: `NUMBA_ENABLE_CUDASIM=1 python ...`).
"""
import importlib
import os
import pkgutil

DEVICES = ("cpu", "cuda")


def simulator_enabled():
    """True si este proceso pidió el simulador de CUDA de Numba (NUMBA_ENABLE_CUDASIM=1)."""
    return os.environ.get("NUMBA_ENABLE_CUDASIM", "0") == "1"


def is_available():
    """True si `numba.cuda` encuentra una GPU NVIDIA utilizable o si el simulador está activado.

    Nunca lanza una excepción: sin numba-cuda, sin controlador o sin tarjeta, devuelve False.
    """
    try:
        from numba import cuda
    except Exception:  # Numba sin el destino CUDA (falta el paquete numba-cuda)
        return False
    try:
        return bool(cuda.is_available())
    except Exception:  # un controlador roto o incompatible cuenta como "no hay GPU"
        return False


def kernel_module(family, device="cpu"):
    """El módulo de kernels `family` ("im2col", "pool", "lstm"...) del dispositivo: kernels/cpu/ o kernels/cuda/.

    Los dos módulos de una familia tienen las mismas funciones con las mismas firmas (los arrays
    de salida se pasan ya creados), así que quien llama sólo elige el módulo.
    """
    if device not in DEVICES:
        raise ValueError(f"dispositivo desconocido {device!r}: usa uno de {DEVICES}")
    if device == "cuda" and not is_available():
        raise RuntimeError("se pidieron los kernels de 'cuda' pero no hay GPU disponible: instala "
                           "'tinygrad-es[cuda]' y un controlador NVIDIA, o ejecuta con NUMBA_ENABLE_CUDASIM=1 "
                           "para usar el simulador en la CPU")
    package = importlib.import_module(f"tinygrad_es.kernels.{device}")
    families = sorted(m.name for m in pkgutil.iter_modules(package.__path__))
    if family not in families:
        raise ValueError(f"no hay kernels {family!r} para {device!r}: los disponibles son {families}")
    return importlib.import_module(f"{package.__name__}.{family}")
