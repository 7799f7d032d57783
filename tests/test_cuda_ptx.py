"""Los kernels CUDA de float32 no hacen aritmética de float64 (se mira el PTX que genera Numba).

Para Numba, un literal `1.0` o un escalar de Python es float64, y basta uno en una expresión
para que todo el cálculo del kernel de float32 se haga en float64, que en las GPU de consumo
va 32-64 veces más lento (ver el docstring de kernels/cuda/elementwise.py). Aquí se compila
cada kernel para float32 a PTX, el ensamblador de la GPU, y se buscan instrucciones `.f64`.

Necesita el compilador de numba-cuda con una GPU real (marca `gpu`): `pytest -m gpu`.
"""
import numba
import numpy as np
import pytest

from tinygrad_es.runtime import cuda as tg_cuda

pytestmark = pytest.mark.gpu


def _cases():
    """(nombre, kernel, argumentos de ejemplo en float32): los argumentos solo dan los tipos."""
    from tinygrad_es.kernels.cuda import (elementwise as e, gru, im2col, lstm, matmul, optimizers as o, pool,
                                          reduce, simple_rnn, softmax)

    f32 = numba.float32
    A = lambda *shape: np.zeros(shape, np.float32)  # noqa: E731
    M, G4, G3, v = A(2, 4), A(2, 16), A(2, 12), A(4)
    i64, idx = np.zeros(2, np.int64), np.zeros((1, 1, 1, 1), np.int64)
    s = np.float32(0.5)  # un hiperparámetro o escalar: los lanzadores los pasan en el tipo del array
    cases = [(f"unary {n}", e._unary_kernel(n), (A(3), A(3))) for n in e.UNARY]
    cases += [(f"binary {n}", e._binary_kernel(n), (A(3), A(3), A(3), i64, i64, i64)) for n in e.BINARY]
    cases += [(f"binary_scalar {n}", e._binary_scalar_kernel(n, False), (A(3), s, A(3))) for n in e.BINARY]
    cases += [("fill", e._fill_kernel, (A(3), s))]
    cases += [(f"reduce {n}", reduce._reduce_kernel(n, 256, f32), (A(3), A(3), 1, 1)) for n in ("sum", "max")]
    cases += [("matmul", matmul._matmul_kernel(16, f32), (A(2, 2), A(2, 2), A(2, 2), False, True)),
              ("im2col", im2col._im2col_kernel, (A(1, 2, 2, 1), A(1, 1, 1, 1, 1, 1), 1, 1, 1, 1, 0, 0)),
              ("col2im", im2col._col2im_kernel, (A(1, 1, 1, 1, 1, 1), A(1, 2, 2, 1), 1, 1, 1, 1, 0, 0)),
              ("max_pool f", pool._max_pool_forward_kernel, (A(1, 2, 2, 1), A(1, 1, 1, 1), idx, 2, 2, 2, 2, 0, 0)),
              ("max_pool b", pool._max_pool_backward_kernel, (A(1, 1, 1, 1), idx, A(1, 2, 2, 1))),
              ("avg_pool f", pool._avg_pool_forward_kernel, (A(1, 2, 2, 1), A(1, 1, 1, 1), 2, 2, 2, 2, 0, 0)),
              ("avg_pool b", pool._avg_pool_backward_kernel, (A(1, 1, 1, 1), A(1, 2, 2, 1), 2, 2, 2, 2, 0, 0)),
              ("simple_rnn f", simple_rnn._forward_kernel, (M, M)),
              ("simple_rnn b", simple_rnn._backward_kernel, (M, M, M, M)),
              ("lstm f", lstm._forward_kernel, (G4, G4, M, M, M)),
              ("lstm b", lstm._backward_kernel, (M, M, M, G4, M, M, G4)),
              ("gru f", gru._forward_kernel, (G3, G3, A(12), M, M, M)),
              ("gru b", gru._backward_kernel, (M, M, G3, M, M, G3, G3, M))]
    forward, loss, loss_backward = softmax._softmax_kernels(256, f32)
    cases += [("softmax", forward, (A(4), A(4), 2)), ("softmax ce", loss, (A(4), A(4), A(4), A(2), 2)),
              ("softmax ce b", loss_backward, (A(4), A(4), A(2), A(4), 2))]
    cases += [("sgd", o._sgd_kernel, (v, v, v, s, s, True)),
              ("rmsprop", o._rmsprop_kernel, (v, v, v, v, v, s, s, s, s, True)),
              ("adagrad", o._adagrad_kernel, (v, v, v, s, s)),
              ("adadelta", o._adadelta_kernel, (v, v, v, v, s, s, s)),
              ("adam", o._adam_kernel, (v, v, v, v, v, s, s, s, s, True)),
              ("adamax", o._adamax_kernel, (v, v, v, v, s, s, s, s)),
              ("nadam", o._nadam_kernel, (v, v, v, v, s, s, s, s, s, s, s))]
    return cases


def test_float32_kernels_have_no_float64_arithmetic():
    if tg_cuda.simulator_enabled() or not tg_cuda.is_available():
        pytest.skip("no hay una GPU NVIDIA real en esta máquina")
    from numba import cuda

    cc = cuda.get_current_device().compute_capability
    with_f64 = []
    for name, kernel, args in _cases():
        ptx, _ = cuda.compile_ptx(kernel.py_func, tuple(numba.typeof(a) for a in args), cc=cc)
        if ".f64" in ptx:
            with_f64.append(name)
    assert not with_f64, f"kernels de float32 con aritmética float64: {with_f64}"
