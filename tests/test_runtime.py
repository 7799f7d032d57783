"""runtime/: importar tinygrad_es no cambia el proceso; los ajustes de hilos y memoria viven solo dentro de fit.

Las pruebas de los ajustes del proceso corren en un intérprete nuevo: los hilos de BLAS y malloc son de todo
el proceso, y el de pytest ya importó tinygrad_es.
"""
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from tinygrad_es.runtime import memory, scratch, threads

glibc_only = pytest.mark.skipif(memory._glibc() is None, reason="el ajuste es del malloc de glibc")

# Lo que hace un paso de entrenamiento: pide tres arrays de 10 MB, los usa y los suelta. `steps()` da los
# fallos de página por paso y cuánta memoria (MiB) vuelve al sistema al soltarlos. Con el malloc por defecto
# de glibc esa memoria vuelve al sistema y cada paso toca páginas nuevas; con el ajuste, se queda.
PRELUDE = """
import resource
import numpy as np

def rss_mib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024

def step():
    arrays = [np.ones(10 << 20, dtype=np.uint8) for _ in range(3)]
    during = rss_mib()
    del arrays
    return during - rss_mib()

def steps():
    step(); step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    returned = max(step() for _ in range(5))
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) // 5, returned

def freed_48_mb_goes_back():
    before = rss_mib()
    data = np.ones(48 << 20, dtype=np.uint8)
    del data
    return rss_mib() - before < 5
"""


def run_python(code, **env) -> list:
    """Lo que imprime `code` en un intérprete nuevo (con las variables de entorno `env`), palabra a palabra."""
    out = subprocess.run([sys.executable, "-c", PRELUDE + code], capture_output=True, text=True,
                         env={**os.environ, **env})
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_import_and_fit_leave_blas_threads_as_they_were():
    """Con BLAS en 3 hilos antes de importar: 3 después de importar, 1 dentro de fit y 3 otra vez al acabar."""
    code = """
import threadpoolctl
threadpoolctl.threadpool_limits(3, user_api="blas")
blas = lambda: [lib["num_threads"] for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
print(blas())
import tinygrad_es, tinygrad_es.keras as keras
from tinygrad_es.runtime import threads
print(blas())
class Watch(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        self.inside = blas()
watch = Watch()
model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(2)])
model.compile(optimizer="sgd", loss="mse")
model.fit(np.ones((8, 4)), np.ones((8, 2)), epochs=1, verbose=0, callbacks=[watch])
print(watch.inside, blas(), threads.map_chunks(lambda s, e: blas(), 4, 2)[0], blas())
"""
    out = run_python(code)
    if out[0] == "[]":
        pytest.skip("threadpoolctl no encuentra aquí ninguna biblioteca BLAS")
    assert out == ["[3]", "[3]", "[1]", "[3]", "[1]", "[3]"]


def test_single_thread_blas_nests_and_restores():
    libs = threads.blas_libraries()
    if not libs:
        pytest.skip("threadpoolctl no encuentra aquí ninguna biblioteca BLAS")
    before = [lib.num_threads for lib in libs]
    with threads.single_thread_blas():
        with threads.single_thread_blas():  # anidados: solo el último en cerrarse restaura
            assert [lib.num_threads for lib in libs] == [1] * len(libs)
        assert [lib.num_threads for lib in libs] == [1] * len(libs)
    assert [lib.num_threads for lib in libs] == before


@glibc_only
def test_import_leaves_malloc_as_it_was():
    """Importar no cambia malloc: la memoria de cada paso vuelve al sistema igual que sin importar."""
    pristine = run_python("print(*steps(), freed_48_mb_goes_back())")
    imported = run_python("import tinygrad_es, tinygrad_es.keras\nprint(*steps(), freed_48_mb_goes_back())")
    for faults, returned, freed in (pristine, imported):
        assert float(returned) > 5 and int(faults) > 500 and freed == "True", (pristine, imported)


@glibc_only
def test_keep_freed_memory_reuses_memory_inside_and_gives_it_back_after():
    code = """
from tinygrad_es.runtime import memory
with memory.keep_freed_memory():
    print(*steps())
print(*steps(), freed_48_mb_goes_back())
"""
    inside_faults, inside_returned, after_faults, after_returned, freed = run_python(code)
    assert int(inside_faults) < 100 and float(inside_returned) < 5
    assert int(after_faults) > 500 and float(after_returned) > 5 and freed == "True"
    # TINYGRAD_ES_KEEP_MEMORY=0: el bloque no toca nada
    assert float(run_python(code, TINYGRAD_ES_KEEP_MEMORY="0")[1]) > 5


@glibc_only
def test_environment_variables_give_another_process_the_same_setting():
    """glibc_environment() hace lo mismo en un proceso que no importa tinygrad_es (así se mide PyTorch)."""
    faults, returned = run_python("print(*steps())", **memory.glibc_environment())
    assert int(faults) < 100 and float(returned) < 5


def test_map_chunks_covers_the_batch_in_order():
    assert threads.map_chunks(lambda s, e: (s, e), 10, 3) == [(0, 3), (3, 6), (6, 9), (9, 10)]
    assert threads.chunk_size(128, 1000, 10_000) == 10  # por bytes
    assert threads.chunk_size(4, 1, 10_000) == -(-4 // threads.WORKERS)  # al menos un trozo por hilo


def test_scratch_buffers_are_reused_per_thread_and_big_ones_are_not_kept():
    a = scratch.scratch("prueba", (4, 5), np.float32)
    b = scratch.scratch("prueba", (2, 3), np.float64)  # más pequeño: la misma memoria, otra vista
    assert a.shape == (4, 5) and b.shape == (2, 3) and b.dtype == np.float64
    assert np.shares_memory(a, b)
    other = []
    worker = threading.Thread(target=lambda: other.append(scratch.scratch("prueba", (4, 5), np.float32)))
    worker.start()
    worker.join()
    assert not np.shares_memory(a, other[0])  # cada hilo tiene el suyo
    big = (scratch.SCRATCH_LIMIT // 4 + 1,)
    assert not np.shares_memory(scratch.scratch("grande", big, np.float32),
                                scratch.scratch("grande", big, np.float32))


def test_ops_holds_only_operations():
    """ops/ tiene solo archivos de operaciones: cada módulo define alguna Function y nada de la maquinaria."""
    import importlib
    import pkgutil

    import tinygrad_es.ops as ops
    from tinygrad_es.autograd import Function

    for info in pkgutil.iter_modules(ops.__path__):
        module = importlib.import_module(f"tinygrad_es.ops.{info.name}")
        functions = [v for v in vars(module).values()
                     if isinstance(v, type) and issubclass(v, Function) and v.__module__ == module.__name__]
        assert functions, f"ops/{info.name}.py no define ninguna operación (Function)"


def test_every_module_stays_under_600_lines_and_backward_fits_one_screen():
    """Se leen de una sentada: ningún módulo de tinygrad_es/ ni de kernels/ pasa de 600 líneas, y
    autograd.backward (lo que más se lee) cabe en una pantalla, con sus comprobaciones aparte."""
    import inspect
    import pathlib

    from tinygrad_es import autograd

    root = pathlib.Path(__file__).resolve().parents[1]
    long = {str(p.relative_to(root)): n for folder in ("tinygrad_es", "kernels") for p in (root / folder).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert not long, f"módulos de más de 600 líneas (pártelos por familias): {long}"
    assert len(inspect.getsource(autograd.backward).splitlines()) <= 40
