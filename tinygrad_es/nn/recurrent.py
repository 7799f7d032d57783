"""Capas recurrentes de `nn.functional`: LSTM, GRU y SimpleRNN sobre una secuencia, y sus celdas.

Pesos como en Keras: kernel W (D, k·u), recurrent_kernel U (u, k·u) y bias, con k = 4 (LSTM,
puertas i, f, c, o), 3 (GRU, puertas z, r, h) o 1. Secuencias (N, T, D), estados (N, u).

Las celdas `lstm_cell`, `gru_cell` y `simple_rnn_cell` hacen un solo paso con operaciones de
Tensor: son la versión para leer (y la referencia de las pruebas) de las capas completas, que
recorren la secuencia con las operaciones fusionadas de `ops/recurrent.py`.
"""
from ..errors import ShapeError, shape_str
from ..ops.recurrent import GRU, LSTM, SimpleRNN
from ..tensor import Tensor
from .arguments import as_tensor, check_rank, check_shape


# ---------------------------------------------------------------- capas recurrentes
def _recurrent_args(fn, gates, x, initial_states, W, U, b, bias_shape, state_names=("h0",)):
    """Comprueba x (N, T, D), W (D, k·u), U (u, k·u), b y los estados iniciales (N, u); None -> ceros."""
    x, W, U, b = as_tensor(x), as_tensor(W), as_tensor(U), as_tensor(b)
    check_rank(fn, "x", x, 3, "(N, T, D)",
                "lote, pasos de tiempo y rasgos; para una sola serie usa x.reshape(1, T, D)")
    if x.shape[1] == 0:
        raise ShapeError(f"{fn}: la secuencia x de forma {shape_str(x.shape)} no tiene pasos de tiempo (T = 0).")
    check_rank(fn, "U", U, 2, f"(u, {gates}·u)")
    u = U.shape[0]
    n, _, d = x.shape
    check_shape(fn, "U", U, (u, gates * u), f"con {gates} puertas, U es (unidades, {gates}·unidades)")
    check_shape(fn, "W", W, (d, gates * u), f"W es (rasgos de x = {d}, {gates}·unidades = {gates * u})")
    check_shape(fn, "b", b, bias_shape(u), "un sesgo por puerta y unidad")
    initial = []
    for name, state in zip(state_names, initial_states):
        state = Tensor.zeros(n, u, dtype=x.dtype, device=x.device) if state is None else as_tensor(state)
        check_shape(fn, name, state, (n, u), "un estado por ejemplo del lote y unidad")
        initial.append(state)
    return x, initial, W, U, b


def lstm(x, h0, c0, W, U, b):
    """LSTM sobre toda la secuencia: x (N, T, D) -> (hs (N, T, u), h_T (N, u), c_T (N, u)).

    Pesos como en Keras: W (D, 4u), U (u, 4u), b (4u,), puertas en orden i, f, c, o. h0 y c0:
    estados iniciales (N, u) (None = ceros). Todo es derivable, estados iniciales incluidos.
    """
    x, (h0, c0), W, U, b = _recurrent_args("lstm", 4, x, (h0, c0), W, U, b, lambda u: (4 * u,), ("h0", "c0"))
    steps = x.shape[1]
    out = LSTM.apply(x, h0, c0, W, U, b)
    return out[:, :steps], out[:, steps - 1], out[:, steps]


def gru(x, h0, W, U, b):
    """GRU (Keras, reset_after=True): x (N, T, D) -> (hs (N, T, u), h_T (N, u)).

    W (D, 3u), U (u, 3u), b (2, 3u) (fila 0: sesgo de entrada; fila 1: recurrente), puertas z, r, h.
    """
    x, (h0,), W, U, b = _recurrent_args("gru", 3, x, (h0,), W, U, b, lambda u: (2, 3 * u))
    hs = GRU.apply(x, h0, W, U, b)
    return hs, hs[:, -1]


def simple_rnn(x, h0, W, U, b):
    """Red recurrente simple, h_t = tanh(x_t·W + b + h_{t-1}·U): x (N, T, D) -> (hs (N, T, u), h_T (N, u))."""
    x, (h0,), W, U, b = _recurrent_args("simple_rnn", 1, x, (h0,), W, U, b, lambda u: (u,))
    hs = SimpleRNN.apply(x, h0, W, U, b)
    return hs, hs[:, -1]


def lstm_cell(x_t, h, c, W, U, b):
    """Un paso de LSTM con operaciones de Tensor: devuelve (h_t, c_t)."""
    u = as_tensor(U).shape[0]
    z = as_tensor(x_t) @ W + as_tensor(h) @ U + b
    i, f = z[:, :u].sigmoid(), z[:, u:2 * u].sigmoid()
    g, o = z[:, 2 * u:3 * u].tanh(), z[:, 3 * u:].sigmoid()
    c = f * c + i * g
    return o * c.tanh(), c


def gru_cell(x_t, h, W, U, b):
    """Un paso de GRU (reset_after=True) con operaciones de Tensor: devuelve h_t."""
    b = as_tensor(b)
    u = as_tensor(U).shape[0]
    xw = as_tensor(x_t) @ W + b[0]
    hu = as_tensor(h) @ U + b[1]
    z = (xw[:, :u] + hu[:, :u]).sigmoid()
    r = (xw[:, u:2 * u] + hu[:, u:2 * u]).sigmoid()
    candidate = (xw[:, 2 * u:] + r * hu[:, 2 * u:]).tanh()
    return z * h + (1 - z) * candidate


def simple_rnn_cell(x_t, h, W, U, b):
    """Un paso de la red recurrente simple: h_t = tanh(x_t·W + h·U + b)."""
    return (as_tensor(x_t) @ W + as_tensor(h) @ U + b).tanh()
