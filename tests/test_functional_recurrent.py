"""LSTM, GRU y SimpleRNN: un paso a mano, secuencia = celdas encadenadas, gradcheck y errores."""
import numpy as np
import pytest
from hypothesis import given, settings

from strategies_kernels import recurrent_cases
from tinygrad_es import Tensor, gradcheck
from tinygrad_es.nn import functional as F


def test_one_lstm_step_by_hand():
    """z = x·W + h·U + b = (0.35, 0.95, 0.425, 0.9) -> i, f, g, o -> c = f·c0 + i·g, h = o·tanh(c)."""
    x = np.array([[[1.0]]], dtype=np.float32)
    h0, c0 = np.array([[0.5]], dtype=np.float32), np.array([[-0.5]], dtype=np.float32)
    W = np.array([[0.1, 0.2, 0.3, 0.4]], dtype=np.float32)
    U = np.array([[0.5, -0.5, 0.25, 1.0]], dtype=np.float32)
    b = np.array([0.0, 1.0, 0.0, 0.0], dtype=np.float32)
    # i = σ(0.35) = 0.586618, f = σ(0.95) = 0.721115, g = tanh(0.425) = 0.401134, o = σ(0.9) = 0.710950
    # c = 0.721115·(-0.5) + 0.586618·0.401134 = -0.125245;  h = 0.710950·tanh(-0.125245) = -0.088580
    hs, h, c = F.lstm(x, h0, c0, W, U, b)
    assert hs.shape == (1, 1, 1) and h.shape == (1, 1) and c.shape == (1, 1)
    assert hs.dtype == np.float32
    np.testing.assert_allclose(c.data, [[-0.1252452]], rtol=1e-5)
    np.testing.assert_allclose(h.data, [[-0.0885803]], rtol=1e-5)
    np.testing.assert_allclose(hs.data[:, 0], h.data)
    h_cell, c_cell = F.lstm_cell(Tensor(x[:, 0]), Tensor(h0), Tensor(c0), Tensor(W), Tensor(U), Tensor(b))
    np.testing.assert_allclose(h_cell.data, h.data, rtol=1e-6)
    np.testing.assert_allclose(c_cell.data, c.data, rtol=1e-6)


def _as64(case, *names):
    return [Tensor(case[n], dtype="float64") for n in names]


@settings(deadline=None, max_examples=25)
@given(recurrent_cases(gates=4))
def test_lstm_sequence_equals_chained_cells(case):
    x, h0, c0, W, U = _as64(case, "x", "h0", "c0", "W", "U")
    b = Tensor(np.linspace(-1, 1, W.shape[1]), dtype="float64")
    hs, h_last, c_last = F.lstm(x, h0, c0, W, U, b)
    h, c = h0, c0
    for t in range(x.shape[1]):
        h, c = F.lstm_cell(x[:, t], h, c, W, U, b)
        np.testing.assert_allclose(hs.data[:, t], h.data, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h_last.data, h.data, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(c_last.data, c.data, rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=25)
@given(recurrent_cases(gates=3))
def test_gru_sequence_equals_chained_cells(case):
    x, h0, W, U = _as64(case, "x", "h0", "W", "U")
    b = Tensor(np.linspace(-1, 1, 2 * W.shape[1]).reshape(2, -1), dtype="float64")
    hs, h_last = F.gru(x, h0, W, U, b)
    h = h0
    for t in range(x.shape[1]):
        h = F.gru_cell(x[:, t], h, W, U, b)
        np.testing.assert_allclose(hs.data[:, t], h.data, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h_last.data, h.data, rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=25)
@given(recurrent_cases(gates=1))
def test_simple_rnn_sequence_equals_chained_cells(case):
    x, h0, W, U = _as64(case, "x", "h0", "W", "U")
    b = Tensor(np.linspace(-1, 1, W.shape[1]), dtype="float64")
    hs, h_last = F.simple_rnn(x, h0, W, U, b)
    h = h0
    for t in range(x.shape[1]):
        h = F.simple_rnn_cell(x[:, t], h, W, U, b)
        np.testing.assert_allclose(hs.data[:, t], h.data, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(h_last.data, h.data, rtol=1e-12, atol=1e-12)


def _weighted_sum(first, *others):
    """La primera salida sin reducir (gradcheck la proyecta con pesos aleatorios) más Σ salida² de las
    demás: cada salida (hs, h_T, c_T) aporta su propio gradiente, no uniforme."""
    total = first
    for out in others:
        total = total + (out * out).sum()
    return total


@settings(deadline=None, max_examples=20)
@given(recurrent_cases(gates=4))
def test_lstm_gradcheck_all_inputs(case):
    b = np.linspace(-0.5, 0.5, case["W"].shape[1])
    gradcheck(lambda *a: _weighted_sum(*F.lstm(*a)), case["x"], case["h0"], case["c0"], case["W"], case["U"], b)


@settings(deadline=None, max_examples=20)
@given(recurrent_cases(gates=3))
def test_gru_gradcheck_all_inputs(case):
    b = np.linspace(-0.5, 0.5, 2 * case["W"].shape[1]).reshape(2, -1)
    gradcheck(lambda *a: _weighted_sum(*F.gru(*a)), case["x"], case["h0"], case["W"], case["U"], b)


@settings(deadline=None, max_examples=20)
@given(recurrent_cases(gates=1))
def test_simple_rnn_gradcheck_all_inputs(case):
    b = np.linspace(-0.5, 0.5, case["W"].shape[1])
    gradcheck(lambda *a: _weighted_sum(*F.simple_rnn(*a)), case["x"], case["h0"], case["W"], case["U"], b)


def test_cells_gradcheck():
    rng = np.random.default_rng(5)
    x, h, c = rng.standard_normal((2, 3)), rng.standard_normal((2, 2)), rng.standard_normal((2, 2))
    gradcheck(lambda *a: _weighted_sum(*F.lstm_cell(*a)), x, h, c, rng.standard_normal((3, 8)),
              rng.standard_normal((2, 8)), rng.standard_normal(8))
    gradcheck(F.gru_cell, x, h, rng.standard_normal((3, 6)), rng.standard_normal((2, 6)), rng.standard_normal((2, 6)))
    gradcheck(F.simple_rnn_cell, x, h, rng.standard_normal((3, 2)), rng.standard_normal((2, 2)),
              rng.standard_normal(2))


def test_initial_state_none_means_zeros():
    rng = np.random.default_rng(6)
    x, W, U, b = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 8)), rng.standard_normal((2, 8)), np.zeros(8)
    with_none = F.lstm(x, None, None, W, U, b)[0].data
    np.testing.assert_array_equal(with_none, F.lstm(x, np.zeros((2, 2)), np.zeros((2, 2)), W, U, b)[0].data)


def test_course_lstm_shapes_float32():
    """El LSTM del curso: 40 pasos de 57 rasgos -> 128 unidades; todo float32."""
    x = Tensor.zeros(4, 40, 57)
    hs, h, c = F.lstm(x, None, None, Tensor.zeros(57, 512), Tensor.zeros(128, 512), Tensor.zeros(512))
    assert hs.shape == (4, 40, 128) and h.shape == c.shape == (4, 128)
    assert hs.dtype == h.dtype == c.dtype == np.float32


@pytest.mark.parametrize("call, message", [
    (lambda: F.lstm(np.zeros((5, 3)), None, None, np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8)),
     r"lstm esperaba x de forma \(N, T, D\) \(3 ejes\) y recibió \(5, 3\)"),
    (lambda: F.lstm(np.zeros((5, 4, 3)), None, None, np.zeros((3, 8)), np.zeros((2, 6)), np.zeros(8)),
     r"lstm esperaba U de forma \(2, 8\) y recibió \(2, 6\)"),
    (lambda: F.lstm(np.zeros((5, 4, 3)), None, None, np.zeros((4, 8)), np.zeros((2, 8)), np.zeros(8)),
     r"lstm esperaba W de forma \(3, 8\) y recibió \(4, 8\)"),
    (lambda: F.lstm(np.zeros((5, 4, 3)), None, None, np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(6)),
     r"lstm esperaba b de forma \(8,\) y recibió \(6,\)"),
    (lambda: F.lstm(np.zeros((5, 4, 3)), np.zeros((4, 2)), None, np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8)),
     r"lstm esperaba h0 de forma \(5, 2\) y recibió \(4, 2\)"),
    (lambda: F.lstm(np.zeros((5, 4, 3)), None, np.zeros((5, 3)), np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8)),
     r"lstm esperaba c0 de forma \(5, 2\) y recibió \(5, 3\)"),
    (lambda: F.gru(np.zeros((5, 4, 3)), None, np.zeros((3, 6)), np.zeros((2, 6)), np.zeros(6)),
     r"gru esperaba b de forma \(2, 6\) y recibió \(6,\)"),
    (lambda: F.simple_rnn(np.zeros((5, 0, 3)), None, np.zeros((3, 2)), np.zeros((2, 2)), np.zeros(2)),
     r"simple_rnn: la secuencia x de forma \(5, 0, 3\) no tiene pasos de tiempo"),
])
def test_recurrent_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()

