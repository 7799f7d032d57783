"""¿Hay GPU? Lo que hacen las primeras celdas de los cuadernos del curso, en tinygrad_es.

Los cuadernos empiezan comprobando el dispositivo con TensorFlow:

    import tensorflow as tf
    tf.test.gpu_device_name()                        # '/device:GPU:0', o '' sin GPU
    from tensorflow.python.client import device_lib
    device_lib.list_local_devices()                  # la CPU y, si hay, la GPU

Aquí basta cambiar la importación:

    from tinygrad_es import device_lib
    device_lib.gpu_device_name()
    device_lib.list_local_devices()

(`tinygrad_es.test` es este mismo módulo, así que también vale `import tinygrad_es as tf` y
`tf.test.gpu_device_name()`). Cada dispositivo dice además su nombre en tinygrad_es, 'cpu' o
'cuda': el que se pasa a `tinygrad_es.set_default_device` para que los tensores y los modelos
nuevos vivan allí. La GPU se consulta con `numba.cuda` solo al preguntar, nunca al importar.
"""
from __future__ import annotations

import os
import platform
from dataclasses import dataclass

from .runtime import cuda


@dataclass(frozen=True, repr=False)
class LocalDevice:
    """Un dispositivo, con los campos de TensorFlow que muestran los cuadernos.

    `name` como lo escribe TensorFlow ('/device:CPU:0'), `device_type` ('CPU' o 'GPU'),
    `memory_limit` en bytes (la memoria del equipo o de la tarjeta), una descripción física y
    `tinygrad_es_name`, el nombre para `set_default_device` ('cpu' o 'cuda').
    """

    name: str
    device_type: str
    memory_limit: int
    physical_device_desc: str
    tinygrad_es_name: str

    def __str__(self):
        return (f'name: "{self.name}"\ndevice_type: "{self.device_type}"\nmemory_limit: {self.memory_limit}\n'
                f'physical_device_desc: "{self.physical_device_desc}"\ntinygrad_es_name: "{self.tinygrad_es_name}"\n')

    # print(list_local_devices()) escribe cada dispositivo en ese formato de texto, como TensorFlow.
    __repr__ = __str__


def list_local_devices() -> list[LocalDevice]:
    """La CPU y, si `numba.cuda` encuentra una (o está el simulador), la GPU."""
    devices = [LocalDevice("/device:CPU:0", "CPU", _machine_memory(),
                           f"{os.cpu_count()} núcleos, {platform.machine() or 'procesador desconocido'}", "cpu")]
    if cuda.is_available():
        memory, description = _gpu_details()
        devices.append(LocalDevice("/device:GPU:0", "GPU", memory, description, "cuda"))
    return devices


def list_physical_devices(device_type: str | None = None) -> list[LocalDevice]:
    """Como `tf.config.list_physical_devices('GPU')`: los dispositivos de ese tipo ('CPU' o 'GPU')."""
    if device_type is not None and device_type.upper() not in ("CPU", "GPU"):
        raise ValueError(f"device_type debe ser 'CPU' o 'GPU' (o None, todos) y es {device_type!r}.")
    return [d for d in list_local_devices() if device_type is None or d.device_type == device_type.upper()]


def gpu_device_name() -> str:
    """'/device:GPU:0' si hay GPU; '' si no, como `tf.test.gpu_device_name()`."""
    return "/device:GPU:0" if cuda.is_available() else ""


def is_gpu_available() -> bool:
    """¿Hay GPU? (`tf.test.is_gpu_available()`, que TensorFlow 2 marcó obsoleto, decía lo mismo.)"""
    return cuda.is_available()


def _machine_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # un sistema sin sysconf (Windows)
        return 0


def _gpu_details() -> tuple[int, str]:
    """(memoria total en bytes, 'device: 0, name: ..., compute capability: X.Y') de la GPU 0."""
    from numba import cuda as numba_cuda

    try:
        device = numba_cuda.get_current_device()
        name = device.name.decode() if isinstance(device.name, bytes) else str(device.name)
        major, minor = device.compute_capability
        total = int(numba_cuda.current_context().get_memory_info()[1])
    except Exception:  # el simulador no tiene todas las propiedades de una tarjeta
        return 0, "device: 0, name: simulador de CUDA de Numba"
    return total, f"device: 0, name: {name}, compute capability: {major}.{minor}"
