"""Cada kernel CUDA contra su referencia de CPU/NumPy, en el simulador de Numba (y en una GPU real con -m gpu).

Las pruebas de kernels (`@cuda_kernel_test`) no corren en el proceso normal de pytest: la
lanzadera `test_kernels_cuda_en_el_simulador` vuelve a ejecutar este archivo en un subproceso
con NUMBA_ENABLE_CUDASIM=1 (ver tests/cuda_sim.py). Para ejecutarlas directamente:

    NUMBA_ENABLE_CUDASIM=1 python -m pytest -q tests/test_cuda_kernels.py

El simulador ejecuta cada hilo en Python: las formas son diminutas y los bloques, de pocos
hilos (parámetro `threads`/`tile` de los lanzadores), pero los bordes (tamaños que no llenan un
bloque o una tesela, relleno, pasos, solapes, empates) están todos.
"""
import importlib.util
import inspect
import os
import pathlib
import pkgutil
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from cuda_sim import IN_CUDA_PROCESS, cuda_kernel_test, outside_cuda_process, run_pytest_in_subprocess
from kernel_steps import gru_reset_before_step, gru_reset_before_step_backward
from strategies import broadcast_pairs

from tinygrad_es.runtime import cuda as tg_cuda
from tinygrad_es.runtime.device import kernel_module

if IN_CUDA_PROCESS:
    from tinygrad_es.kernels.cpu import (gru as cpu_gru, im2col as cpu_im2col, lstm as cpu_lstm, pool as cpu_pool,
                                         simple_rnn as cpu_simple_rnn)
    from tinygrad_es.kernels.cuda import (elementwise, gru, im2col, lstm, matmul, optimizers, pool, reduce,
                                          simple_rnn)

FEW = settings(max_examples=10, deadline=None)  # el simulador es lento: pocos ejemplos, pero de formas variadas
RNG = np.random.default_rng(0)


def close(actual, expected, tol=1e-5):
    np.testing.assert_allclose(actual, expected, rtol=tol, atol=tol)


def randn(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


ROOT = pathlib.Path(__file__).resolve().parents[1]


# ================================================================ en el proceso normal
@outside_cuda_process
def test_kernels_cuda_en_el_simulador():
    if importlib.util.find_spec("numba.cuda") is None:
        pytest.skip("esta versión de Numba no trae numba.cuda: instala el paquete numba-cuda (pip install -e '.[dev]')")
    result = run_pytest_in_subprocess(__file__, simulator=True)
    assert result.returncode == 0, "pruebas de kernels CUDA en el simulador:\n" + result.stdout[-8000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout, result.stdout[-2000:]


@outside_cuda_process
@pytest.mark.gpu
def test_kernels_cuda_en_la_gpu_real():
    if tg_cuda.simulator_enabled() or not tg_cuda.is_available():
        pytest.skip("no hay una GPU NVIDIA real en esta máquina")
    result = run_pytest_in_subprocess(__file__, simulator=False)
    assert result.returncode == 0, "pruebas de kernels CUDA en la GPU:\n" + result.stdout[-8000:] + result.stderr[-2000:]


@outside_cuda_process
def test_benchmark_sin_gpu_sale_con_un_mensaje():
    if tg_cuda.is_available() and not tg_cuda.simulator_enabled():
        pytest.skip("hay GPU: el script mediría de verdad")
    result = subprocess.run([sys.executable, "benchmarks/gpu.py"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "nada que medir" in result.stdout or "sus tiempos no dicen nada" in result.stdout, result.stdout


@outside_cuda_process
@pytest.mark.slow
def test_benchmark_paso_cnn_y_lstm_iguales_en_cpu_y_en_el_simulador():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    result = subprocess.run([sys.executable, "benchmarks/gpu.py", "--comprobar"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and "Comprobado" in result.stdout, result.stdout + result.stderr[-3000:]


def test_importar_tinygrad_es_no_importa_numba_cuda():
    code = "import sys, tinygrad_es, tinygrad_es.runtime.cuda; assert 'numba.cuda' not in sys.modules, 'importó numba.cuda'"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_is_available_nunca_lanza(monkeypatch):
    import numba

    class BrokenCuda:
        @staticmethod
        def is_available():
            raise OSError("controlador roto")

    monkeypatch.setattr(numba, "cuda", BrokenCuda, raising=False)
    assert tg_cuda.is_available() is False
    monkeypatch.delattr(numba, "cuda")
    monkeypatch.setitem(sys.modules, "numba.cuda", None)  # como si faltara el paquete numba-cuda
    assert tg_cuda.is_available() is False


def test_kernel_module_elige_la_carpeta_del_dispositivo():
    assert kernel_module("lstm", "cpu").__name__ == "tinygrad_es.kernels.cpu.lstm"
    with pytest.raises(ValueError, match="dispositivo desconocido 'gpu'"):
        kernel_module("lstm", "gpu")
    with pytest.raises(ValueError, match="no hay kernels 'conv' para 'cpu': los disponibles son"):
        kernel_module("conv", "cpu")


def test_kernel_module_sin_gpu_explica_como_conseguirla(monkeypatch):
    monkeypatch.setattr(tg_cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match="no hay GPU disponible: instala 'tinygrad-es\\[cuda\\]'.*NUMBA_ENABLE_CUDASIM=1"):
        kernel_module("lstm", "cuda")


# ================================================================ dentro del subproceso de CUDA
@cuda_kernel_test
def test_is_available_con_el_simulador_o_la_gpu():
    assert tg_cuda.is_available() is True
    assert kernel_module("matmul", "cuda").__name__ == "tinygrad_es.kernels.cuda.matmul"


@cuda_kernel_test
def test_kernels_gemelos_con_la_misma_firma_en_cpu_y_cuda():
    """Donde hay versión de CPU y de CUDA, mismas funciones y mismos parámetros (CUDA puede añadir `threads`)."""
    import tinygrad_es.kernels.cpu as cpu_package
    import tinygrad_es.kernels.cuda as cuda_package

    cuda_families = {m.name for m in pkgutil.iter_modules(cuda_package.__path__)}
    assert {"elementwise", "reduce", "matmul", "im2col", "pool", "simple_rnn", "lstm", "gru",
            "optimizers"} <= cuda_families
    twins = cuda_families & {m.name for m in pkgutil.iter_modules(cpu_package.__path__)}
    assert {"im2col", "pool", "simple_rnn", "lstm", "gru"} <= twins
    for family in twins:
        cpu_module, cuda_module = kernel_module(family, "cpu"), kernel_module(family, "cuda")
        for name, function in vars(cpu_module).items():
            if name.startswith("_") or not hasattr(function, "py_func"):  # sólo los kernels njit públicos
                continue
            cpu_parameters = list(inspect.signature(function.py_func).parameters)
            cuda_parameters = [p for p in inspect.signature(getattr(cuda_module, name)).parameters if p != "threads"]
            assert cuda_parameters == cpu_parameters, f"{family}.{name}: {cuda_parameters} != {cpu_parameters}"


# ---------------------------------------------------------------- elementwise
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


UNARY_REFERENCE = {"neg": np.negative, "exp": np.exp, "log": np.log, "abs": np.abs, "tanh": np.tanh,
                   "sigmoid": _sigmoid, "relu": lambda x: np.maximum(x, 0)}
BINARY_REFERENCE = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
                    "maximum": np.maximum, "pow": np.power,
                    "relu_backward": lambda y, g: g * (y > 0), "sigmoid_backward": lambda y, g: g * y * (1 - y),
                    "tanh_backward": lambda y, g: g * (1 - y * y)}
small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)


@cuda_kernel_test
@FEW
@given(shape=small_shapes, name=st.sampled_from(sorted(UNARY_REFERENCE)), dtype=st.sampled_from([np.float32, np.float64]))
def test_unarias(shape, name, dtype):
    x = RNG.uniform(0.1, 2.0, shape) * RNG.choice([-1, 1], shape)
    x = (np.abs(x) if name == "log" else x).astype(dtype)
    out = np.empty_like(x)
    elementwise.unary(name, x, out, threads=8)
    close(out, UNARY_REFERENCE[name](x))
    assert out.dtype == dtype


@cuda_kernel_test
@FEW
@given(shapes=broadcast_pairs, name=st.sampled_from(sorted(BINARY_REFERENCE)))
def test_binarias_con_broadcasting(shapes, name):
    (sa, sb), out_shape = shapes.input_shapes, shapes.result_shape
    a = RNG.uniform(0.5, 2.0, sa).astype(np.float32)  # base positiva: pow definida
    b = (RNG.uniform(-2.0, 2.0, sb)).astype(np.float32)
    out = np.empty(out_shape, np.float32)
    elementwise.binary(name, a, b, out, threads=8)
    close(out, BINARY_REFERENCE[name](a, b))


@cuda_kernel_test
def test_fill_y_nombres_desconocidos():
    out = np.ones((3, 5), np.float32)
    elementwise.fill(out, 2.5, threads=4)
    assert (out == 2.5).all()
    with pytest.raises(ValueError, match="operación unaria desconocida 'softplus': las disponibles son"):
        elementwise.unary("softplus", out, out)
    with pytest.raises(ValueError, match="operación binaria desconocida 'mod'"):
        elementwise.binary("mod", out, out, out)


# ---------------------------------------------------------------- reduce
@cuda_kernel_test
@FEW
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6), data=st.data(),
       name=st.sampled_from(["sum", "max"]))
def test_reducciones_en_cualquier_eje(shape, data, name):
    axis = data.draw(st.sampled_from([None, *range(-len(shape), len(shape))]))
    x = randn(*shape)
    expected = np.sum(x, axis=axis) if name == "sum" else np.max(x, axis=axis)
    out = np.empty(np.shape(expected), np.float32)
    reduce.reduce(name, x, out, axis=axis, threads=4)  # 4 hilos y ejes de hasta 6: la fase 1 da vueltas
    close(out, expected)


@cuda_kernel_test
def test_reduccion_errores():
    x = randn(3, 4)
    with pytest.raises(ValueError, match="potencia de 2 de hilos por bloque y recibió 6"):
        reduce.reduce("sum", x, np.empty(4, np.float32), axis=0, threads=6)
    with pytest.raises(ValueError, match="reduce esperaba una salida de 4 elementos y recibió 3"):
        reduce.reduce("sum", x, np.empty(3, np.float32), axis=0, threads=4)
    with pytest.raises(ValueError, match="reducción desconocida 'mean'"):
        reduce.reduce("mean", x, np.empty(4, np.float32))


# ---------------------------------------------------------------- matmul
@cuda_kernel_test
@FEW
@given(m=st.integers(1, 9), k=st.integers(1, 9), n=st.integers(1, 9), trans_a=st.booleans(), trans_b=st.booleans())
def test_matmul_por_teselas(m, k, n, trans_a, trans_b):
    a, b = randn(m, k), randn(k, n)
    out = np.empty((m, n), np.float32)
    matmul.matmul(np.ascontiguousarray(a.T) if trans_a else a, np.ascontiguousarray(b.T) if trans_b else b, out,
                  trans_a=trans_a, trans_b=trans_b, tile=4)  # tesela 4: casi siempre quedan bordes a medias
    close(out, a @ b)


@cuda_kernel_test
def test_matmul_formas_incompatibles():
    with pytest.raises(ValueError, match=r"op\(a\) es \(2, 3\) y op\(b\) es \(4, 5\); los ejes interiores deben coincidir"):
        matmul.matmul(randn(2, 3), randn(4, 5), np.empty((2, 5), np.float32), tile=4)


# ---------------------------------------------------------------- im2col / col2im
def _out_size(n, k, stride, dilation, before, after):
    return (n + before + after - dilation * (k - 1) - 1) // stride + 1


CONV_CASES = [  # (H, W, KH, KW, sh, sw, dh, dw, pt, pb, pl, pr)
    (5, 4, 3, 2, 1, 1, 1, 1, 0, 0, 0, 0),  # valid
    (5, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1),  # same
    (6, 5, 3, 3, 2, 2, 1, 1, 0, 1, 1, 1),  # same con pasos (relleno extra abajo/derecha)
    (7, 6, 2, 3, 1, 1, 2, 2, 0, 0, 2, 2),  # dilatación
]


@cuda_kernel_test
@pytest.mark.parametrize("case", CONV_CASES)
def test_im2col_y_col2im(case):
    h, w, kh, kw, sh, sw, dh, dw, pt, pb, pl, pr = case
    ho, wo = _out_size(h, kh, sh, dh, pt, pb), _out_size(w, kw, sw, dw, pl, pr)
    x = randn(2, h, w, 3)
    expected = cpu_im2col.im2col_reference(x, kh, kw, ho, wo, sh, sw, dh, dw, pt, pl)
    cols = np.empty_like(expected)
    im2col.im2col(x, cols, sh, sw, dh, dw, pt, pl, threads=64)
    close(cols, expected)
    dcols = randn(*cols.shape)
    dx = np.empty_like(x)
    im2col.col2im(dcols, dx, sh, sw, dh, dw, pt, pl, threads=64)
    close(dx, cpu_im2col.col2im_reference(dcols, h, w, sh, sw, dh, dw, pt, pl))


@cuda_kernel_test
def test_convolucion_como_im2col_mas_matmul_en_la_gpu():
    """El forward de una capa Conv2D entero en la GPU, sin volver a la CPU entre kernels."""
    from numba import cuda

    x, kernel = randn(2, 5, 5, 3), randn(3, 3, 3, 4)
    cols = cuda.device_array((2, 3, 3, 3, 3, 3), np.float32)
    out = cuda.device_array((2 * 3 * 3, 4), np.float32)
    im2col.im2col(cuda.to_device(x), cols, 1, 1, 1, 1, 0, 0, threads=64)
    matmul.matmul(cols.reshape(2 * 3 * 3, 3 * 3 * 3), cuda.to_device(kernel.reshape(27, 4)), out, tile=4)
    expected = cpu_im2col.im2col_reference(x, 3, 3, 3, 3, 1, 1, 1, 1, 0, 0).reshape(18, 27) @ kernel.reshape(27, 4)
    close(out.copy_to_host(), expected, tol=1e-4)


# ---------------------------------------------------------------- pooling
POOL_CASES = [  # (H, W, KH, KW, sh, sw, pt, pb, pl, pr)
    (4, 4, 2, 2, 2, 2, 0, 0, 0, 0),  # el MaxPooling2D() de siempre
    (5, 5, 3, 3, 1, 1, 1, 1, 1, 1),  # same, ventanas solapadas
    (5, 4, 2, 3, 2, 1, 0, 1, 1, 1),  # same con pasos distintos por eje
]


@cuda_kernel_test
@pytest.mark.parametrize("case", POOL_CASES)
def test_max_pooling(case):
    h, w, kh, kw, sh, sw, pt, pb, pl, pr = case
    ho, wo = _out_size(h, kh, sh, 1, pt, pb), _out_size(w, kw, sw, 1, pl, pr)
    x = RNG.integers(-3, 3, (2, h, w, 3)).astype(np.float32)  # enteros pequeños: muchos empates
    expected, expected_argmax = cpu_pool.max_pool_forward_reference(x, kh, kw, ho, wo, sh, sw, pt, pl)
    out, argmax = np.empty_like(expected), np.empty_like(expected_argmax)
    pool.max_pool_forward(x, out, argmax, kh, kw, sh, sw, pt, pl, threads=32)
    close(out, expected)
    np.testing.assert_array_equal(argmax, expected_argmax)  # en un empate, el mismo ganador
    grad = randn(*out.shape)
    dx = np.full_like(x, np.nan)  # el kernel debe escribir todo dx, también los ceros
    pool.max_pool_backward(grad, argmax, dx, threads=32)
    close(dx, cpu_pool.max_pool_backward_reference(grad, expected_argmax, h, w))


@cuda_kernel_test
@pytest.mark.parametrize("case", POOL_CASES)
def test_average_pooling(case):
    h, w, kh, kw, sh, sw, pt, pb, pl, pr = case
    ho, wo = _out_size(h, kh, sh, 1, pt, pb), _out_size(w, kw, sw, 1, pl, pr)
    x = randn(2, h, w, 3)
    expected = cpu_pool.avg_pool_forward_reference(x, kh, kw, ho, wo, sh, sw, pt, pl)
    out = np.empty_like(expected)
    pool.avg_pool_forward(x, out, kh, kw, sh, sw, pt, pl, threads=32)
    close(out, expected)
    grad = randn(*out.shape)
    dx = np.full_like(x, np.nan)
    pool.avg_pool_backward(grad, dx, kh, kw, sh, sw, pt, pl, threads=32)
    close(dx, cpu_pool.avg_pool_backward_reference(grad, h, w, kh, kw, sh, sw, pt, pl))


# ---------------------------------------------------------------- SimpleRNN, LSTM y GRU
@cuda_kernel_test
def test_celda_simple_rnn():
    xw, hu = randn(3, 5), randn(3, 5)
    h = hu.copy()
    simple_rnn.simple_rnn_cell_forward(xw, h, threads=8)
    close(h, cpu_simple_rnn.simple_rnn_cell_forward_reference(xw, hu))
    dh_out, dh_next, da = randn(3, 5), randn(3, 5), np.empty_like(h)
    simple_rnn.simple_rnn_cell_backward(dh_out, dh_next, h, da, threads=8)
    close(da, cpu_simple_rnn.simple_rnn_cell_backward_reference(dh_out + dh_next, h))


@cuda_kernel_test
def test_celda_lstm():
    n, u = 3, 5
    xw, hu, c_prev = randn(n, 4 * u), randn(n, 4 * u), randn(n, u)
    gates_ref, c_ref, h_ref = cpu_lstm.lstm_cell_forward_reference(xw + hu, c_prev)
    gates, c, h = xw + hu, np.empty_like(c_prev), np.empty_like(c_prev)
    lstm.lstm_cell_forward(gates, c_prev, c, h, threads=8)
    close(gates, gates_ref)
    close(c, c_ref)
    close(h, h_ref)
    dh_out, dh_next, dc_next = randn(n, u), randn(n, u), randn(n, u)
    dz_ref, dc_prev_ref = cpu_lstm.lstm_cell_backward_reference(dh_out + dh_next, dc_next, gates_ref, c_prev, c_ref)
    dc = dc_next.copy()
    lstm.lstm_cell_backward(dh_out, dh_next, dc, gates, c_prev, c, threads=8)
    close(gates, dz_ref)
    close(dc, dc_prev_ref)


@cuda_kernel_test
def test_paso_lstm_completo_en_la_gpu():
    """x·W + h·U con matmul, la celda, y el backward hasta dW, dU, db y dh_{t-1}, todo con arrays de dispositivo."""
    from numba import cuda

    n, features, u = 2, 3, 4
    x, h_prev, c_prev = randn(n, features), randn(n, u), randn(n, u)
    kernel, recurrent, bias = randn(features, 4 * u), randn(u, 4 * u), randn(4 * u)
    d = {name: cuda.to_device(a) for name, a in dict(x=x, h=h_prev, c=c_prev, W=kernel, U=recurrent).items()}
    xw, gates = cuda.device_array((n, 4 * u), np.float32), cuda.device_array((n, 4 * u), np.float32)
    matmul.matmul(d["x"], d["W"], xw, tile=4)
    elementwise.binary("add", xw, cuda.to_device(bias), xw, threads=32)
    matmul.matmul(d["h"], d["U"], gates, tile=4)
    elementwise.binary("add", gates, xw, gates, threads=32)  # z = x·W + b + h·U
    c, h = cuda.device_array((n, u), np.float32), cuda.device_array((n, u), np.float32)
    lstm.lstm_cell_forward(gates, d["c"], c, h, threads=8)

    dh = randn(n, u)
    dc = cuda.to_device(np.zeros((n, u), np.float32))
    lstm.lstm_cell_backward(cuda.to_device(dh), cuda.to_device(np.zeros((n, u), np.float32)), dc, gates, d["c"], c,
                            threads=8)
    dz = gates  # el backward deja dz en el sitio de las puertas
    d_kernel, d_recurrent = cuda.device_array(kernel.shape, np.float32), cuda.device_array(recurrent.shape, np.float32)
    d_bias, dh_prev = cuda.device_array(bias.shape, np.float32), cuda.device_array((n, u), np.float32)
    matmul.matmul(d["x"], dz, d_kernel, trans_a=True, tile=4)  # dW = xᵀ·dz
    matmul.matmul(d["h"], dz, d_recurrent, trans_a=True, tile=4)  # dU = hᵀ·dz
    matmul.matmul(dz, d["U"], dh_prev, trans_b=True, tile=4)  # dh_{t-1} = dz·Uᵀ
    reduce.reduce("sum", dz, d_bias, axis=0, threads=4)  # db = Σ_lote dz

    gates_ref, c_ref, h_ref = cpu_lstm.lstm_cell_forward_reference(x @ kernel + bias + h_prev @ recurrent, c_prev)
    dz_ref, _ = cpu_lstm.lstm_cell_backward_reference(dh, np.zeros((n, u), np.float32), gates_ref, c_prev, c_ref)
    close(h.copy_to_host(), h_ref, tol=1e-4)
    close(d_kernel.copy_to_host(), x.T @ dz_ref, tol=1e-4)
    close(d_recurrent.copy_to_host(), h_prev.T @ dz_ref, tol=1e-4)
    close(d_bias.copy_to_host(), dz_ref.sum(axis=0), tol=1e-4)
    close(dh_prev.copy_to_host(), dz_ref @ recurrent.T, tol=1e-4)


@cuda_kernel_test
def test_celda_gru():
    n, u = 3, 5
    xw, hu, b_rec, h_prev = randn(n, 3 * u), randn(n, 3 * u), randn(3 * u), randn(n, u)
    gates_ref, rh_ref, h_ref = cpu_gru.gru_cell_forward_reference(xw, hu, b_rec, h_prev)
    gates, rh, h = hu.copy(), np.empty_like(h_prev), np.empty_like(h_prev)
    gru.gru_cell_forward(xw, gates, b_rec, h_prev, rh, h, threads=8)
    close(gates, gates_ref)
    close(rh, rh_ref)
    close(h, h_ref)
    dh_out, dh_next = randn(n, u), randn(n, u)
    expected = cpu_gru.gru_cell_backward_reference(dh_out + dh_next, gates_ref, rh_ref, h_prev)
    dxw, dhu, dh_direct = np.empty_like(xw), np.empty_like(xw), np.empty_like(h_prev)
    gru.gru_cell_backward(dh_out, dh_next, gates, rh, h_prev, dxw, dhu, dh_direct, threads=8)
    for actual, reference in zip((dxw, dhu, dh_direct), expected):
        close(actual, reference)


@cuda_kernel_test
def test_celda_gru_reset_before():
    """reset_after=False: los cuatro kernels (con los productos en NumPy entre medias) contra la referencia."""
    n, u = 3, 5
    xw, h_prev, U, dh_out, dh_next = randn(n, 3 * u), randn(n, u), randn(u, 3 * u), randn(n, u), randn(n, u)
    expected = cpu_gru.gru_reset_before_forward_reference(xw, h_prev, U)
    gates, rh, h = gru_reset_before_step(gru, xw, h_prev, U, threads=8)
    for actual, reference in zip((gates, rh, h), expected):
        close(actual, reference)
    expected = cpu_gru.gru_reset_before_backward_reference(dh_out + dh_next, expected[0], h_prev, U)
    for actual, reference in zip(gru_reset_before_step_backward(gru, dh_out, dh_next, gates, h_prev, U, threads=8),
                                 expected):
        close(actual, reference)


# ---------------------------------------------------------------- optimizadores (vectores de Keras 3)
X0, G = np.array([1, 2, 3, 4], np.float32), np.array([1, 6, 7, 2], np.float32)


def _zeros():
    return np.zeros(4, np.float32)


def _one_step(name):
    """Un paso con learning_rate=0.5 y lo demás por defecto (test_single_step de Keras)."""
    w = X0.copy()
    if name == "sgd":
        optimizers.sgd(w, G, None, 0.5, threads=4)
    elif name == "rmsprop":
        optimizers.rmsprop(w, G, _zeros(), None, None, 0.5, threads=4)
    elif name == "adagrad":
        optimizers.adagrad(w, G, np.full(4, 0.1, np.float32), 0.5, threads=4)
    elif name == "adadelta":
        optimizers.adadelta(w, G, _zeros(), _zeros(), 0.5, threads=4)
    elif name == "adam":
        optimizers.adam(w, G, _zeros(), _zeros(), None, 0.5, t=1, threads=4)
    elif name == "adamax":
        optimizers.adamax(w, G, _zeros(), _zeros(), 0.5, t=1, threads=4)
    elif name == "nadam":
        optimizers.nadam(w, G, _zeros(), _zeros(), 0.5, t=1, u_product=optimizers.nadam_momentum_factor(1), threads=4)
    return w


KERAS_SINGLE_STEP = {
    "sgd": [0.5, -1.0, -0.5, 3.0],
    "rmsprop": [-0.5811, 0.4189, 1.4189, 2.4189],
    "adagrad": [0.5233, 1.5007, 2.5005, 3.5061],
    "adadelta": [0.9993, 1.9993, 2.9993, 3.9993],
    "adam": [0.5, 1.5, 2.5, 3.5],
    "adamax": [0.5, 1.5, 2.5, 3.5],
    "nadam": [0.4686, 1.4686, 2.4686, 3.4686],
}


@cuda_kernel_test
@pytest.mark.parametrize("name", sorted(KERAS_SINGLE_STEP))
def test_optimizador_un_paso_como_keras(name):
    close(_one_step(name), KERAS_SINGLE_STEP[name], tol=1e-4)


@cuda_kernel_test
@pytest.mark.parametrize("nesterov, after_1, after_2", [
    (False, [0.9, 1.4, 2.3, 3.8], [0.71, 0.26, 0.97, 3.42]),
    (True, [0.81, 0.86, 1.67, 3.62], [0.539, -0.766, -0.227, 3.078]),
])
def test_sgd_con_momento(nesterov, after_1, after_2):
    w, v = X0.copy(), _zeros()
    for expected in (after_1, after_2):
        optimizers.sgd(w, G, v, 0.1, momentum=0.9, nesterov=nesterov, threads=4)
        close(w, expected, tol=1e-5)


@cuda_kernel_test
def test_rmsprop_con_momento():
    w, v, mom = X0.copy(), _zeros(), _zeros()
    for shift in (0.316228, 0.830248):
        optimizers.rmsprop(w, G, v, None, mom, 0.1, momentum=0.9, threads=4)
        close(w, X0 - shift, tol=1e-5)


def _golden_run(update):
    """test_correctness_with_golden de Keras: x = unos(10); paso 1 con g = 0.01; pasos 2-5 con g = 0.1 ... 1.0."""
    w, history = np.ones(10, np.float32), []
    for t in range(1, 6):
        g = np.full(10, 0.01, np.float32) if t == 1 else np.arange(0.1, 1.05, 0.1, dtype=np.float32)
        update(w, g, t)
        history.append(w.copy())
    return np.array(history)


@cuda_kernel_test
def test_rmsprop_centrado_y_adam_amsgrad_como_keras():
    v, a = np.zeros(10, np.float32), np.zeros(10, np.float32)
    history = _golden_run(lambda w, g, t: optimizers.rmsprop(w, g, v, a, None, 0.001, centered=True, threads=16))
    close(history, np.repeat([[0.9967], [0.9933], [0.9908], [0.9885], [0.9864]], 10, axis=1), tol=5e-4)

    m, v2, vhat = (np.zeros(10, np.float32) for _ in range(3))
    history = _golden_run(lambda w, g, t: optimizers.adam(w, g, m, v2, vhat, 0.001, t, amsgrad=True, threads=16))
    close(history, np.repeat([[0.999], [0.9982], [0.9974], [0.9965], [0.9955]], 10, axis=1), tol=5e-4)

    eg2, edx2 = np.zeros(10, np.float32), np.zeros(10, np.float32)
    history = _golden_run(lambda w, g, t: optimizers.adadelta(w, g, eg2, edx2, 1.0, rho=0.8, epsilon=1e-6, threads=16))
    close(history, np.repeat([[0.9978], [0.9947], [0.9915], [0.9882], [0.9849]], 10, axis=1), tol=5e-4)
