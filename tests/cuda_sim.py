"""Ayuda para probar los kernels CUDA en un proceso aparte: con el simulador de Numba o en una GPU real.

Numba decide UNA vez por proceso, al importarse, si `numba.cuda` es la GPU o el simulador
(variable NUMBA_ENABLE_CUDASIM). El resto de la batería comparte proceso con estas pruebas y
usa `numba.njit` normal, así que no lo cambiamos a mitad: la prueba "lanzadera" vuelve a
ejecutar tests/test_cuda_kernels.py en un subproceso de pytest con el entorno adecuado, y allí
(y sólo allí) se recogen las pruebas marcadas con `@cuda_kernel_test`.
"""
import os
import pathlib
import subprocess
import sys

REAL_GPU_VARIABLE = "TINYGRAD_ES_PRUEBAS_GPU_REAL"  # la pone la lanzadera de la GPU real

#: True dentro del subproceso que ejecuta las pruebas de kernels (simulador o GPU real).
IN_CUDA_PROCESS = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1" or os.environ.get(REAL_GPU_VARIABLE) == "1"


def cuda_kernel_test(test):
    """Marca una prueba para que pytest sólo la recoja dentro del subproceso de CUDA."""
    test.__test__ = IN_CUDA_PROCESS
    return test


def outside_cuda_process(test):
    """Marca una prueba (una lanzadera) para que pytest sólo la recoja FUERA del subproceso de CUDA."""
    test.__test__ = not IN_CUDA_PROCESS
    return test


def run_pytest_in_subprocess(test_file, simulator, timeout=300):
    """Ejecuta `pytest test_file` en un proceso nuevo, con el simulador o con la GPU real. Devuelve el CompletedProcess."""
    env = dict(os.environ)
    env.pop("NUMBA_ENABLE_CUDASIM", None)
    env.pop(REAL_GPU_VARIABLE, None)
    env["NUMBA_ENABLE_CUDASIM" if simulator else REAL_GPU_VARIABLE] = "1"
    root = pathlib.Path(test_file).resolve().parents[1]
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
