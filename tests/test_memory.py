"""tinygrad_es.memory: tras importar tinygrad_es, la memoria que se suelta se reutiliza sin fallos de página.

Cada prueba corre en un proceso nuevo: el ajuste de malloc se hace al importar y es de todo el proceso.
"""
import os
import subprocess
import sys

import pytest

from tinygrad_es import memory

# Repite lo que hace un paso de entrenamiento: pide tres arrays de 10 MB, los usa y los suelta.
# Imprime los fallos de página por paso y cuánta memoria (MiB) vuelve al sistema al soltarlos.
# Con el malloc por defecto de glibc, esa memoria vuelve al sistema y cada paso toca páginas
# nuevas (~1 000 fallos de página por paso medidos aquí); con el ajuste, se queda y ninguno.
PRELUDE = """
import resource
import numpy as np
{imports}
def rss_mib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024
"""
CYCLES = PRELUDE + """
def step():
    arrays = [np.ones(10 << 20, dtype=np.uint8) for _ in range(3)]
    during = rss_mib()
    del arrays
    return during - rss_mib()
step(); step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
returned = max(step() for _ in range(5))
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) // 5, returned)
"""

glibc_only = pytest.mark.skipif(memory._glibc_mallopt() is None, reason="el ajuste es del malloc de glibc")


def run_python(code, **env) -> str:
    """Lo que imprime `code` en un intérprete nuevo, con las variables de entorno `env` añadidas."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, **env}).stdout


def steps(imports, **env):
    """(fallos de página por paso, MiB devueltos al sistema al soltar los arrays de un paso)."""
    faults, returned = run_python(CYCLES.format(imports=imports), **env).split()
    return int(faults), float(returned)


@glibc_only
def test_import_keeps_freed_memory_for_the_next_step():
    faults, returned = steps("import tinygrad_es")
    assert faults < 100 and returned < 5


@glibc_only
def test_without_the_setting_memory_goes_back_every_step():
    """El contraste que da sentido a la prueba anterior: sin el ajuste, la memoria se devuelve y se pide de nuevo."""
    for imports, env in (("", {}), ("import tinygrad_es", {"TINYGRAD_ES_KEEP_MEMORY": "0"})):
        faults, returned = steps(imports, **env)
        assert returned > 5, (imports, env, faults, returned)


@glibc_only
def test_environment_variables_give_another_process_the_same_setting():
    """glibc_environment() hace lo mismo en un proceso que no importa tinygrad_es (así se mide PyTorch)."""
    faults, returned = steps("", **memory.glibc_environment())
    assert faults < 100 and returned < 5


@glibc_only
def test_flag_says_whether_it_was_applied():
    code = "import tinygrad_es.memory as m; print(m.KEEPING_FREED_MEMORY)"
    for env, expected in (({}, "True"), ({"TINYGRAD_ES_KEEP_MEMORY": "0"}, "False")):
        assert run_python(code, **env).strip() == expected


@glibc_only
def test_huge_arrays_still_go_back_to_the_system():
    """Un array de más de MMAP_BYTES (un conjunto de datos) se devuelve al sistema al borrarlo."""
    code = PRELUDE.format(imports="import tinygrad_es") + """
before = rss_mib()
data = np.ones(200 << 20, dtype=np.uint8)
grown = rss_mib() - before
del data
print(grown, rss_mib() - before)
"""
    grown, left = map(float, run_python(code).split())
    assert grown > 150 and left < 20
