"""Prueba de humo de los benchmarks: cada script corre en su modo más rápido y sale bien.

No mide nada (eso es para leer, no para probar): comprueba que los scripts no se han roto con
los cambios del motor, que terminan con código 0 e imprimen su tabla. Si PyTorch no está
instalado, los scripts imprimen solo la columna de tinygrad_es.
"""
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _run(script, *args, timeout=120):
    out = subprocess.run([sys.executable, str(BENCHMARKS / script), *args], capture_output=True, text=True,
                         timeout=timeout, cwd=BENCHMARKS.parent)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


def test_train_quick_mode_prints_the_table():
    out = _run("train.py", "--rapido", timeout=300)
    assert "red" in out and "tinygrad_es" in out and "PyTorch" in out and "razón" in out  # la cabecera
    for row in ("MLP 784-16-32-10", "CNN del curso", "LSTM 128", "pico de memoria (MiB)", "GFLOP/s"):
        assert row in out
    assert "Primer paso de fit" in out and out.count("caché de Numba vacía") == 3  # el coste de compilar, aparte


def test_train_keras_peer_is_optional():
    """--keras añade Keras 3 si se puede importar; si no, lo dice y mide los demás."""
    out = _run("train.py", "--rapido", "--modelos", "mlp", "--keras")
    # (se mira en otro proceso y fuera de tests/, donde `import keras` encontraría la carpeta tests/keras)
    importable = subprocess.run([sys.executable, "-c", "import keras"], capture_output=True, cwd="/").returncode == 0
    if importable:
        assert "Keras 3" in out and "razón/Ke" in out
    else:
        assert "Keras no se puede importar" in out and "MLP 784-16-32-10" in out and "razón/Ke" not in out


def test_train_same_malloc_option_runs():
    out = _run("train.py", "--rapido", "--modelos", "mlp", "--mismo-malloc")
    assert "MLP 784-16-32-10" in out
    if "PyTorch no instalado" not in out:
        assert "con el malloc de tinygrad_es" in out


def test_vs_keras_quick_mode_trains_the_three_nets_and_writes_the_markdown_table(tmp_path):
    """--markdown escribe la tabla que incluye la página 8 de los docs: una fila por red."""
    target = tmp_path / "vs_keras.md"
    out = _run("vs_keras.py", "--rapido", "--markdown", str(target))
    for title in ("MLP del curso", "CNN del curso", "LSTM del curso"):
        assert title in out
    assert out.count("tinygrad_es ") >= 3 and "s/época" in out
    text = target.read_text(encoding="utf-8")
    assert "`python benchmarks/vs_keras.py`" in text and "| red | tinygrad_es" in text
    for title in ("MLP del curso", "CNN del curso", "LSTM del curso"):
        assert f"| {title} (" in text


def test_train_runs_several_times_and_writes_the_markdown_summary(tmp_path):
    """--ejecuciones 2 da rangos (mínimo-máximo); --markdown escribe el resumen que incluye la página 8 de los docs."""
    target = tmp_path / "train.md"
    out = _run("train.py", "--rapido", "--modelos", "mlp", "--ejecuciones", "2", "--markdown", str(target))
    assert out.count("Ejecución 1 de 2") == 1 and out.count("Ejecución 2 de 2") == 1 and "Resumen de 2 ejecuciones" in out
    text = target.read_text(encoding="utf-8")
    assert "`python benchmarks/train.py --ejecuciones 2 --hilos todos`" in text
    assert "| red, tiempo de reloj | tinygrad_es |" in text and "| red, tiempo de CPU | tinygrad_es |" in text
    assert "| MLP 784-16-32-10 (lote 64) |" in text and "caché de Numba vacía" in text


def test_summary_spans_go_from_the_minimum_to_the_maximum():
    sys.path.insert(0, str(BENCHMARKS))
    import summary

    assert summary.span([2.0, 1.004, 1.5]) == "1.00-2.00"
    assert summary.span([3.0, 3.001]) == "3.00"  # iguales al redondear: un solo número
    assert summary.span([12.4, 30.6], "{:.0f}") == "12-31"
    assert summary.span([1.0, None]) == "-" and summary.span([]) == "-"


@pytest.mark.parametrize("script", ["train.py", "kernels.py", "vs_keras.py", "gpu.py"])
def test_benchmark_help_is_in_spanish(script):
    out = _run(script, "--help")
    assert out.startswith("uso: ") and "opciones:" in out and "muestra esta ayuda y termina" in out
    assert "usage:" not in out and "options:" not in out and "show this help" not in out


def test_train_rejects_an_unknown_model():
    out = subprocess.run([sys.executable, str(BENCHMARKS / "train.py"), "--modelos", "rnn"], capture_output=True,
                         text=True)
    assert out.returncode == 2 and "--modelos" in out.stderr  # el error de argparse nombra la opción


@pytest.mark.parametrize("script, header", [("ops.py", "20 ops, forward+backward"),
                                            ("keras_mlp.py", "paso de fit, MLP del curso")])
def test_small_benchmarks_run(script, header):
    assert header in _run(script)


@pytest.mark.slow
def test_kernels_benchmark_runs():
    """benchmarks/kernels.py no tiene modo rápido (diez procesos aun con una repetición): solo con -m slow."""
    assert "CNN del curso" in _run("kernels.py", "--repeticiones", "1", timeout=300)


def test_kernels_measures_a_conv_row_with_and_without_the_fit_malloc():
    """--mismo-malloc: tinygrad_es mide dentro de keep_freed_memory(), y al salir malloc queda como estaba."""
    sys.path.insert(0, str(BENCHMARKS))
    import kernels
    from tinygrad_es.runtime import memory

    for same_malloc in (False, True):
        seconds = kernels.measure(["conv", "tinygrad_es", 2, 8, 4, 4], 2, True, same_malloc)
        assert 0 < seconds < 5
    assert memory._users == 0  # el bloque se cerró
    assert "--mismo-malloc" in _run("kernels.py", "--help")
