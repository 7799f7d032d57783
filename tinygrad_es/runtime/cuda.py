"""La GPU (CUDA), opcional: ¿hay una?

    >>> from tinygrad_es import cuda
    >>> cuda.is_available()          # doctest: +SKIP
    False

Importar tinygrad_es nunca necesita CUDA: `numba.cuda` sólo se importa al preguntar por la GPU
o al usar un kernel de `kernels/cuda/`. Para la GPU hace falta el extra `cuda`
(`pip install "tinygrad-es[cuda]"`, que instala `numba-cuda`) y un controlador NVIDIA.

Sin GPU, el simulador de Numba ejecuta los kernels CUDA en la CPU, en Python, hilo a hilo
(lento, pero cada kernel se puede leer, depurar con print y probar): se activa con la variable
de entorno `NUMBA_ENABLE_CUDASIM=1`, que Numba lee al importarse, así que debe estar puesta
ANTES de importar numba (por ejemplo, en la línea de órdenes: `NUMBA_ENABLE_CUDASIM=1 python ...`).
Los kernels de cada dispositivo los elige `runtime/device.py` (`kernels_for`, `kernel_module`).
"""
import os


def simulator_enabled() -> bool:
    """True si este proceso pidió el simulador de CUDA de Numba (NUMBA_ENABLE_CUDASIM=1)."""
    return os.environ.get("NUMBA_ENABLE_CUDASIM", "0") == "1"


def is_available() -> bool:
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
