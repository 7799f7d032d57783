"""Utilidades de medida compartidas por los benchmarks: mediana de repeticiones y PyTorch opcional."""
import statistics
import time


def median_time(fn, repeat=30, warmup=3) -> float:
    """Mediana en segundos de `repeat` llamadas a fn() tras `warmup` llamadas de calentamiento."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def try_import_torch():
    """PyTorch es opcional: sin él se imprimen solo los tiempos de tinygrad_es."""
    try:
        import torch

        return torch
    except ImportError:
        return None


def ratio_line(name, ours, theirs) -> str:
    if theirs is None:
        return f"{name:<40} tinygrad_es {ours * 1e3:9.3f} ms   (PyTorch no instalado)"
    return (f"{name:<40} tinygrad_es {ours * 1e3:9.3f} ms   PyTorch {theirs * 1e3:9.3f} ms   "
            f"razón {ours / theirs:5.2f}x")
