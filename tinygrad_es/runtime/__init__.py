"""La maquinaria que un estudiante puede saltarse: hilos, memoria, dispositivos y la GPU.

El camino que se lee para aprender (`tensor.py`, `autograd.py`, `ops/`, `nn/`, `keras/`) no
necesita nada de aquí para entenderse; esto es lo que lo hace rápido o lo lleva a la GPU:

- `threads.py`: el reparto del lote en trozos entre hilos (`map_chunks`) y BLAS de un hilo
  mientras tanto (`single_thread_blas`).
- `scratch.py`: búferes de trabajo reutilizados por cada hilo.
- `memory.py`: que malloc reutilice la memoria de un paso de entrenamiento en el siguiente.
- `device.py`: 'cpu' o 'cuda', mover datos entre los dos y elegir los kernels del dispositivo.
- `cuda.py` y `cuda_array.py`: si hay GPU, y el array de la GPU que entiende las funciones de NumPy.

Importar tinygrad_es no cambia nada fuera de él: los hilos de BLAS y malloc solo se ajustan
dentro de `training_scope` (lo abre `fit`) y dentro de las secciones paralelas, y al salir
vuelven a como estaban (ver threads.py y memory.py).
"""
import contextlib
from typing import Iterator

from .memory import keep_freed_memory
from .threads import single_thread_blas


@contextlib.contextmanager
def training_scope() -> Iterator[None]:
    """Mientras dura `fit`: BLAS en un hilo y malloc que guarda la memoria libre; al salir, todo como estaba."""
    with single_thread_blas(), keep_freed_memory():
        yield
