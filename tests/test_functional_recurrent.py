"""LSTM, GRU y SimpleRNN: un paso a mano, secuencia = celdas encadenadas, gradcheck y errores."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    gradcheck(lambda *a: F.gru_cell(*a, reset_after=False), x, h, rng.standard_normal((3, 6)),
              rng.standard_normal((2, 6)), rng.standard_normal(6))
    gradcheck(F.simple_rnn_cell, x, h, rng.standard_normal((3, 2)), rng.standard_normal((2, 2)),
              rng.standard_normal(2))


def test_lstm_second_backward_with_retain_graph_gives_the_same_gradients():
    """El último backward de la LSTM escribe dz encima de sus puertas guardadas; con retain_graph=True
    no puede (habrá otro): el segundo backward tiene que dar lo mismo que el primero."""
    rng = np.random.default_rng(7)
    x = Tensor(rng.standard_normal((3, 4, 2)))
    W, U, b = (Tensor(rng.standard_normal(s), requires_grad=True) for s in ((2, 8), (2, 8), (8,)))
    hs, h, c = F.lstm(x, None, None, W, U, b)
    loss = (hs * hs).sum() + (c * h).sum()
    loss.backward(retain_graph=True)
    first = [w.grad.numpy().copy() for w in (W, U, b)]
    for w in (W, U, b):
        w.grad = None
    loss.backward()
    for w, want in zip((W, U, b), first):
        np.testing.assert_array_equal(w.grad.numpy(), want)


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
    (lambda: F.gru(np.zeros((5, 4, 3)), None, np.zeros((3, 6)), np.zeros((2, 6)), np.zeros((2, 6)), reset_after=False),
     r"gru esperaba b de forma \(6,\) y recibió \(2, 6\)"),
    (lambda: F.gru(np.zeros((5, 4, 3)), None, np.zeros((3, 6)), np.zeros((2, 6)), np.zeros(6), reset_after="no"),
     r"gru: reset_after debe ser True o False y recibió 'no'"),
    (lambda: F.lstm(np.zeros((5, 4, 3)), None, None, np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8),
                    mask=np.ones((5, 3), bool)),
     r"lstm esperaba mask de forma \(5, 4\) \(lote, pasos de x\) y recibió \(5, 3\)"),
    (lambda: F.simple_rnn(np.zeros((5, 4, 3)), None, np.zeros((3, 2)), np.zeros((2, 2)), np.zeros(2),
                          go_backwards="sí"),
     r"simple_rnn: go_backwards debe ser True o False y recibió 'sí'"),
    (lambda: F.lstm(np.zeros((5, 4, 3)), None, None, np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8),
                    return_sequences=None),
     r"lstm: return_sequences debe ser True o False y recibió None"),
])
def test_recurrent_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()



# ---------------------------------------------------------------- opciones: máscara, go_backwards, reset_after
def reference_sequence(step, x, states, mask=None, go_backwards=False):
    """El bucle de Keras (TensorFlow) con una celda de Tensor: en un paso enmascarado el estado no
    cambia y la salida es la del paso anterior (ceros antes del primer paso válido).

    step(x_t, *estados) -> estados nuevos (el primero es h). Devuelve (salidas (N, T, u), estados finales)."""
    order = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    previous_output = np.zeros_like(states[0].data)
    outputs = []
    for t in order:
        new = step(x[:, t], *states)
        new = new if isinstance(new, tuple) else (new,)
        keep = np.ones((x.shape[0], 1), bool) if mask is None else mask[:, t, None]
        states = tuple(Tensor(np.where(keep, n.data, s.data), dtype="float64") for n, s in zip(new, states))
        previous_output = np.where(keep, new[0].data, previous_output)
        outputs.append(previous_output)
    return np.stack(outputs, axis=1), [s.data for s in states]


LAYERS = {  # nombre -> (función de nn.functional, su celda, k puertas, forma del sesgo, estados iniciales)
    "lstm": (F.lstm, F.lstm_cell, 4, lambda u: (4 * u,), ("h0", "c0")),
    "gru": (F.gru, F.gru_cell, 3, lambda u: (2, 3 * u), ("h0",)),
    "gru_reset_before": (lambda *a, **k: F.gru(*a, reset_after=False, **k),
                         lambda *a: F.gru_cell(*a, reset_after=False), 3, lambda u: (3 * u,), ("h0",)),
    "simple_rnn": (F.simple_rnn, F.simple_rnn_cell, 1, lambda u: (u,), ("h0",)),
}


@st.composite
def option_cases(draw):
    """Una capa, un caso de recurrent_cases con su sesgo, y una máscara (o None), go_backwards y return_sequences al
    azar."""
    name = draw(st.sampled_from(sorted(LAYERS)))
    _, _, gates, bias_shape, state_names = LAYERS[name]
    case = draw(recurrent_cases(gates=gates))
    n, steps = case["x"].shape[:2]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    case["b"] = rng.standard_normal(bias_shape(case["U"].shape[0])) * 0.5
    case["mask"] = draw(st.one_of(st.none(), st.just(rng.random((n, steps)) < 0.6)))
    case["go_backwards"] = draw(st.booleans())
    case["return_sequences"] = draw(st.booleans())
    return name, case, [case[s] for s in state_names]


@settings(deadline=None, max_examples=40)
@given(option_cases())
def test_options_match_the_keras_loop_with_cells(drawn):
    name, case, states = drawn
    layer, cell, *_ = LAYERS[name]
    x, W, U, b = (Tensor(case[k], dtype="float64") for k in ("x", "W", "U", "b"))
    states = [Tensor(s, dtype="float64") for s in states]
    outputs, *final = layer(x, *states, W, U, b, mask=case["mask"], go_backwards=case["go_backwards"],
                            return_sequences=case["return_sequences"])
    expected, expected_final = reference_sequence(lambda x_t, *s: cell(x_t, *s, W, U, b), x, states, case["mask"],
                                                  case["go_backwards"])
    if not case["return_sequences"]:  # solo la última salida (la del último paso, o 0 si la fila no tuvo ninguno)
        expected = expected[:, -1]
    np.testing.assert_allclose(outputs.data, expected, rtol=1e-12, atol=1e-12)
    for got, want in zip(final, expected_final):
        np.testing.assert_allclose(got.data, want, rtol=1e-12, atol=1e-12)


@settings(deadline=None, max_examples=30)
@given(option_cases())
def test_options_gradcheck_all_inputs(drawn):
    name, case, states = drawn
    layer = LAYERS[name][0]
    options = dict(mask=case["mask"], go_backwards=case["go_backwards"], return_sequences=case["return_sequences"])
    gradcheck(lambda x, *rest: _weighted_sum(*layer(x, *rest, **options)), case["x"], *states, case["W"], case["U"],
              case["b"])


def test_mask_with_trailing_padding_gives_the_state_of_the_last_real_step():
    """Secuencias de largos 3 y 5 rellenadas hasta 5: el estado final de cada una es el de su último paso real."""
    rng = np.random.default_rng(8)
    x, W, U, b = rng.standard_normal((2, 5, 3)), rng.standard_normal((3, 8)), rng.standard_normal((2, 8)), np.zeros(8)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    outputs, h, c = F.lstm(Tensor(x, dtype="float64"), None, None, W, U, b, mask=mask)
    short = F.lstm(Tensor(x[:1, :3], dtype="float64"), None, None, W, U, b)
    np.testing.assert_allclose(h.data[0], short[1].data[0], rtol=1e-12)
    np.testing.assert_allclose(c.data[0], short[2].data[0], rtol=1e-12)
    np.testing.assert_allclose(outputs.data[0, 3:], np.repeat(short[1].data, 2, axis=0), rtol=1e-12)  # se repite


def test_go_backwards_is_the_flipped_sequence():
    rng = np.random.default_rng(10)
    x, W, U, b = rng.standard_normal((2, 4, 3)), rng.standard_normal((3, 2)), rng.standard_normal((2, 2)), np.zeros(2)
    backwards = F.simple_rnn(Tensor(x, dtype="float64"), None, W, U, b, go_backwards=True)
    flipped = F.simple_rnn(Tensor(x[:, ::-1].copy(), dtype="float64"), None, W, U, b)
    np.testing.assert_allclose(backwards[0].data, flipped[0].data, rtol=1e-12)
    np.testing.assert_allclose(backwards[1].data, flipped[1].data, rtol=1e-12)
