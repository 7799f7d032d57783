"""Dispositivos: dónde viven los datos de un Tensor, 'cpu' (un array de NumPy) o 'cuda' (la GPU).

    >>> import tinygrad_es
    >>> tinygrad_es.get_default_device()
    'cpu'

Los tensores nuevos (y los pesos de un modelo de Keras) se crean en el dispositivo por
defecto: 'cpu', salvo que se cambie con `set_default_device('cuda')` o con la variable de
entorno `TINYGRAD_ES_DEVICE=cuda`, que se lee al importar tinygrad_es.

En 'cuda' los datos son un `CudaArray` (ver cuda_array.py): las operaciones de ops/ son las
mismas para los dos dispositivos, porque NumPy le pasa a CudaArray cada np.exp, np.sum...
que recibe, y CudaArray lanza el kernel de la GPU que toca.
"""
import functools
import importlib
import os
import pkgutil
from types import ModuleType
from typing import Sequence, TypeVar

import numpy as np

from ..errors import DeviceError
from . import cuda
from .cuda_array import CudaArray, threads_for

DEVICES = ("cpu", "cuda")
NO_GPU = ("no hay GPU disponible: instala 'tinygrad-es[cuda]' y un controlador NVIDIA, o ejecuta con "
          "NUMBA_ENABLE_CUDASIM=1 para usar el simulador en la CPU.")


def check_device(device: str) -> str:
    """'cpu' o 'cuda' (también 'CUDA', 'cuda:0'); cualquier otra cosa es un error que dice cuáles hay."""
    name = str(device).lower()
    if name == "cuda:0":  # un solo dispositivo CUDA: el 0
        name = "cuda"
    if name not in DEVICES:
        raise ValueError(f"dispositivo desconocido {device!r}: usa 'cpu' o 'cuda'.")
    if name == "cuda" and not cuda.is_available():
        raise RuntimeError("se pidió el dispositivo 'cuda' pero " + NO_GPU)
    return name


_default = check_device(os.environ.get("TINYGRAD_ES_DEVICE", "cpu"))


def set_default_device(device: str) -> None:
    """Elige dónde se crean los tensores y los modelos nuevos: 'cpu' o 'cuda'."""
    global _default
    _default = check_device(device)


def get_default_device() -> str:
    """'cpu' o 'cuda': dónde nacen los tensores y los modelos nuevos."""
    return _default


def device_of(array) -> str:
    """'cuda' para un CudaArray; 'cpu' para todo lo demás (arrays de NumPy, escalares)."""
    return "cuda" if isinstance(array, CudaArray) else "cpu"


def to_device(array, device):
    """El mismo array en `device` (una copia entre la CPU y la GPU; el propio array si ya estaba allí)."""
    if device == "cpu":
        return array.numpy() if isinstance(array, CudaArray) else np.asarray(array)
    return array if isinstance(array, CudaArray) else CudaArray.from_numpy(np.asarray(array))


def check_same_device(op_name: str, tensors: Sequence) -> None:
    """Lanza DeviceError si los tensores de `op_name` no viven todos en el mismo dispositivo."""
    devices = [device_of(t.data) for t in tensors]
    if len(set(devices)) > 1:
        where = ", ".join(f"entrada {i} (forma {t.shape}) en '{d}'" for i, (t, d) in enumerate(zip(tensors, devices)))
        raise DeviceError(
            f"{op_name} recibió tensores en dispositivos distintos: {where}. Una operación necesita todas sus "
            "entradas en el mismo dispositivo: muévelas con .to('cuda') / .cuda() o con .to('cpu') / .cpu()."
        )


# ---------------------------------------------------------------- los kernels de cada dispositivo
Kernels = TypeVar("Kernels")


def kernels_for(array, cpu_kernels: Kernels) -> Kernels:
    """Los kernels del dispositivo de `array`: en la CPU, el módulo `cpu_kernels` tal cual.

    En la GPU, su gemelo de kernels/cuda/ (el mismo nombre de archivo, las mismas funciones y
    firmas), envuelto para que acepte CudaArray. Así una operación importa sus kernels de CPU
    directamente (`from ..kernels.cpu import im2col`) y llama igual en los dos dispositivos:
    `kernels_for(x, im2col).im2col(x, cols, ...)`.
    """
    if type(array) is np.ndarray:
        return cpu_kernels
    return cuda_kernels(cpu_kernels.__name__.rsplit(".", 1)[1])


@functools.cache
def cuda_kernels(family: str) -> "_CudaKernels":
    """kernels/cuda/<family>, con los CudaArray de los argumentos cambiados por sus arrays de Numba."""
    return _CudaKernels(kernel_module(family, "cuda"))


class _CudaKernels:
    """Un módulo de kernels/cuda/ cuyas funciones aceptan CudaArray (se les pasa su array de Numba, `.dev`)."""

    def __init__(self, module):
        self.module = module

    def __getattr__(self, name):
        launcher = getattr(self.module, name)

        def launch(*args):
            arrays = [a.dev if isinstance(a, CudaArray) else a for a in args]
            return launcher(*arrays, threads=threads_for(max(a.size for a in args if isinstance(a, CudaArray))))

        return launch


def kernel_module(family: str, device: str = "cpu") -> ModuleType:
    """El módulo de kernels `family` ("im2col", "pool", "lstm"...) del dispositivo: kernels/cpu/ o kernels/cuda/.

    Los dos módulos de una familia tienen las mismas funciones con las mismas firmas (los arrays
    de salida se pasan ya creados), así que quien llama sólo elige el módulo.
    """
    if device not in DEVICES:
        raise ValueError(f"dispositivo desconocido {device!r}: usa uno de {DEVICES}")
    if device == "cuda" and not cuda.is_available():
        raise RuntimeError("se pidieron los kernels de 'cuda' pero " + NO_GPU)
    package = importlib.import_module(f"tinygrad_es.kernels.{device}")
    families = sorted(m.name for m in pkgutil.iter_modules(package.__path__))
    if family not in families:
        raise ValueError(f"no hay kernels {family!r} para {device!r}: los disponibles son {families}")
    return importlib.import_module(f"{package.__name__}.{family}")


def contiguous(array, dtype=None):
    """np.ascontiguousarray(array, dtype) para los dos dispositivos (un CudaArray ya es siempre contiguo)."""
    if isinstance(array, CudaArray):
        return array.astype(dtype or array.dtype, copy=False)
    return np.ascontiguousarray(array, dtype=dtype)
