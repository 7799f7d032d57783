"""device_lib: lo que las primeras celdas de los cuadernos preguntan a TensorFlow (¿hay GPU?)."""
import os
import subprocess
import sys

import pytest

import tinygrad_es
from tinygrad_es import device_lib


def test_cpu_is_always_listed_and_names_match_tensorflow():
    devices = device_lib.list_local_devices()
    cpu = devices[0]
    assert (cpu.name, cpu.device_type, cpu.tinygrad_es_name) == ("/device:CPU:0", "CPU", "cpu")
    assert cpu.memory_limit > 0 and "núcleos" in cpu.physical_device_desc
    assert str(cpu).startswith('name: "/device:CPU:0"\ndevice_type: "CPU"\nmemory_limit: ')
    assert tinygrad_es.test is device_lib
    assert device_lib.list_physical_devices("cpu") == [cpu]
    with pytest.raises(ValueError, match="device_type debe ser 'CPU' o 'GPU'"):
        device_lib.list_physical_devices("TPU")


def test_gpu_name_follows_what_numba_cuda_finds():
    has_gpu = tinygrad_es.cuda.is_available()
    assert device_lib.gpu_device_name() == ("/device:GPU:0" if has_gpu else "")
    assert device_lib.is_gpu_available() is has_gpu
    assert len(device_lib.list_physical_devices("GPU")) == int(has_gpu)


def test_simulated_gpu_is_listed_as_cuda():
    """Con el simulador de Numba (NUMBA_ENABLE_CUDASIM=1) aparece la GPU, con su nombre para set_default_device."""
    pytest.importorskip("numba.cuda")
    code = ("from tinygrad_es import device_lib; d = device_lib.list_local_devices(); "
            "print(device_lib.gpu_device_name(), d[-1].device_type, d[-1].tinygrad_es_name)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                         env={**os.environ, "NUMBA_ENABLE_CUDASIM": "1"}).stdout.split()
    assert out == ["/device:GPU:0", "GPU", "cuda"]
