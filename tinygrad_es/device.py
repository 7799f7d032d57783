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

import numpy as np

from .cuda_array import CudaArray

DEVICES = ("cpu", "cuda")


def check_device(device) -> str:
    """'cpu' o 'cuda' (también 'CUDA', 'cuda:0'); cualquier otra cosa es un error que dice cuáles hay."""
    name = str(device).lower()
    if name == "cuda:0":  # un solo dispositivo CUDA: el 0
        name = "cuda"
    if name not in DEVICES:
        raise ValueError(f"dispositivo desconocido {device!r}: usa 'cpu' o 'cuda'.")
    if name == "cuda":
        from . import cuda

        if not cuda.is_available():
            raise RuntimeError(
                "se pidió el dispositivo 'cuda' pero no hay GPU disponible: instala 'tinygrad-es[cuda]' y un "
                "controlador NVIDIA, o ejecuta con NUMBA_ENABLE_CUDASIM=1 para usar el simulador en la CPU."
            )
    return name


_default = check_device(os.environ.get("TINYGRAD_ES_DEVICE", "cpu"))


def set_default_device(device):
    """Elige dónde se crean los tensores y los modelos nuevos: 'cpu' o 'cuda'."""
    global _default
    _default = check_device(device)


def get_default_device() -> str:
    return _default


def device_of(array) -> str:
    """'cuda' para un CudaArray; 'cpu' para todo lo demás (arrays de NumPy, escalares)."""
    return "cuda" if isinstance(array, CudaArray) else "cpu"


def to_device(array, device):
    """El mismo array en `device` (una copia entre la CPU y la GPU; el propio array si ya estaba allí)."""
    if device == "cpu":
        return array.numpy() if isinstance(array, CudaArray) else np.asarray(array)
    return array if isinstance(array, CudaArray) else CudaArray.from_numpy(np.asarray(array))


class DeviceError(RuntimeError):
    """Una operación recibió tensores que viven en dispositivos distintos."""


def check_same_device(op_name, tensors):
    """Lanza DeviceError si los tensores de `op_name` no viven todos en el mismo dispositivo."""
    devices = [device_of(t.data) for t in tensors]
    if len(set(devices)) > 1:
        where = ", ".join(f"entrada {i} (forma {t.shape}) en '{d}'" for i, (t, d) in enumerate(zip(tensors, devices)))
        raise DeviceError(
            f"{op_name} recibió tensores en dispositivos distintos: {where}. Una operación necesita todas sus "
            "entradas en el mismo dispositivo: muévelas con .to('cuda') / .cuda() o con .to('cpu') / .cpu()."
        )


# ---------------------------------------------------------------- para las operaciones con kernels propios
def kernels_for(array, family):
    """Los kernels `family` ("im2col", "pool", "lstm"...) del dispositivo de `array`.

    En la CPU, el módulo kernels/cpu/<family>. En la GPU, kernels/cuda/<family> (mismas funciones,
    mismas firmas), envuelto para que acepte CudaArray: así la operación llama igual en los dos,
    p. ej. `kernels_for(x, "im2col").im2col(x, cols, ...)`.
    """
    if type(array) is np.ndarray:
        return _cpu_kernels(family)
    return _cuda_kernels(family)


@functools.cache
def _cpu_kernels(family):
    return importlib.import_module(f"tinygrad_es.kernels.cpu.{family}")


@functools.cache
def _cuda_kernels(family):
    return _CudaKernels(family)


class _CudaKernels:
    """kernels/cuda/<family> con cada CudaArray de los argumentos cambiado por su array de Numba (`.dev`)."""

    def __init__(self, family):
        from . import cuda

        self.module = cuda.kernel_module(family, "cuda")

    def __getattr__(self, name):
        from .cuda_array import threads_for

        launcher = getattr(self.module, name)

        def launch(*args):
            arrays = [a.dev if isinstance(a, CudaArray) else a for a in args]
            return launcher(*arrays, threads=threads_for(max(a.size for a in args if isinstance(a, CudaArray))))

        return launch


def contiguous(array, dtype=None):
    """np.ascontiguousarray(array, dtype) para los dos dispositivos (un CudaArray ya es siempre contiguo)."""
    if isinstance(array, CudaArray):
        return array.astype(dtype or array.dtype, copy=False)
    return np.ascontiguousarray(array, dtype=dtype)
