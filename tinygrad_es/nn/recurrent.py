"""Capas recurrentes de `nn.functional`: LSTM, GRU y SimpleRNN sobre una secuencia, y sus celdas.

Pesos como en Keras: kernel W (D, k·u), recurrent_kernel U (u, k·u) y bias, con k = 4 (LSTM,
puertas i, f, c, o), 3 (GRU, puertas z, r, h) o 1. Secuencias (N, T, D), estados (N, u).

Las tres funciones reciben los estados iniciales (el `initial_state` de Keras; None = ceros) y
devuelven las salidas de todos los pasos y los estados finales (el `return_state` de Keras).
Las opciones de Keras, con sus nombres:

- mask: booleana (N, T); en un paso enmascarado (False) la fila no avanza: su estado sigue
  siendo el del paso anterior y su salida es la del paso anterior (ceros si aún no hubo ningún
  paso válido, como Keras con TensorFlow). Así, con secuencias rellenadas al final, el estado
  final es el del último paso real.
- go_backwards: recorre la secuencia del último paso al primero; las salidas salen en el orden
  en que se recorren (la primera es la del último paso de x), como en Keras.
- reset_after (solo GRU): True (Keras 3) aplica el reset después del producto por U; False
  (Keras 2.2) antes, con un solo sesgo b (3u,).
- return_sequences: True (por defecto) devuelve las salidas de todos los pasos (N, T, u); False,
  solo la última (N, u), como `outputs[:, -1]` pero sin escribir las demás (más rápido: ver
  `ops/recurrent.py`).

Las celdas `lstm_cell`, `gru_cell` y `simple_rnn_cell` hacen un solo paso con operaciones de
Tensor: son la versión para leer (y la referencia de las pruebas) de las capas completas, que
recorren la secuencia con las operaciones fusionadas de `ops/recurrent.py`.
"""
from __future__ import annotations

import numpy as np

from ..errors import ShapeError, shape_str
from ..ops.recurrent import GRU, LSTM, GRUResetBefore, SimpleRNN
from ..tensor import Tensor, as_tensor
from .arguments import check_rank, check_shape


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


def _sequence_options(fn, x, mask, go_backwards, return_sequences):
    """(x, máscara) en el orden en que se recorren; la máscara, un array booleano (N, T) de NumPy o None."""
    if not isinstance(return_sequences, (bool, np.bool_)):
        raise ValueError(f"{fn}: return_sequences debe ser True o False y recibió {return_sequences!r}.")
    if mask is not None:
        mask = np.asarray(mask.numpy() if isinstance(mask, Tensor) else mask)
        if mask.shape != x.shape[:2]:
            raise ShapeError(
                f"{fn} esperaba mask de forma {shape_str(x.shape[:2])} (lote, pasos de x) y recibió "
                f"{shape_str(mask.shape)}: un booleano por ejemplo y paso, False donde el paso no cuenta."
            )
        mask = mask.astype(bool)  # como Keras: cualquier valor distinto de 0 cuenta como True
    if not isinstance(go_backwards, (bool, np.bool_)):
        raise ValueError(f"{fn}: go_backwards debe ser True o False y recibió {go_backwards!r}.")
    if go_backwards:
        x = x[:, ::-1]
        mask = None if mask is None else mask[:, ::-1]
    return x, mask


def lstm(x: Tensor, h0: Tensor | None, c0: Tensor | None, W: Tensor, U: Tensor, b: Tensor | None, *,
         mask: Tensor | np.ndarray | None = None, go_backwards: bool = False,
         return_sequences: bool = True) -> tuple[Tensor, Tensor, Tensor]:
    """LSTM sobre toda la secuencia: x (N, T, D) -> (salidas (N, T, u), h_T (N, u), c_T (N, u)).

    Pesos como en Keras: W (D, 4u), U (u, 4u), b (4u,), puertas en orden i, f, c, o. h0 y c0:
    estados iniciales (N, u) (None = ceros). mask, go_backwards y return_sequences (False: la
    última salida (N, u) en lugar de todas): ver el docstring del módulo. Todo es derivable,
    estados iniciales incluidos.
    """
    x, (h0, c0), W, U, b = _recurrent_args("lstm", 4, x, (h0, c0), W, U, b, lambda u: (4 * u,), ("h0", "c0"))
    x, mask = _sequence_options("lstm", x, mask, go_backwards, return_sequences)
    out = LSTM.apply(x, h0, c0, W, U, b, mask=mask, sequences=return_sequences)
    return _split_outputs(out, 2, return_sequences)


def _split_outputs(out, state_count, return_sequences):
    """(salidas, *estados finales) de la salida (N, T + S, u) de una capa de ops/recurrent.py."""
    outputs = out[:, :-state_count] if return_sequences else out[:, 0]
    return (outputs, *(out[:, k - state_count] for k in range(state_count)))


def gru(x: Tensor, h0: Tensor | None, W: Tensor, U: Tensor, b: Tensor | None, *, reset_after: bool = True,
        mask: Tensor | np.ndarray | None = None, go_backwards: bool = False,
        return_sequences: bool = True) -> tuple[Tensor, Tensor]:
    """GRU sobre toda la secuencia: x (N, T, D) -> (salidas (N, T, u), h_T (N, u)).

    W (D, 3u), U (u, 3u), puertas z, r, h. reset_after=True (Keras 3): b (2, 3u), fila 0 el sesgo
    de entrada y fila 1 el recurrente. reset_after=False (Keras 2.2): b (3u,). h0: estado inicial
    (N, u) (None = ceros). mask, go_backwards y return_sequences: ver el docstring del módulo.
    """
    if reset_after not in (True, False):
        raise ValueError(f"gru: reset_after debe ser True o False y recibió {reset_after!r}.")
    bias_shape = (lambda u: (2, 3 * u)) if reset_after else (lambda u: (3 * u,))
    x, (h0,), W, U, b = _recurrent_args("gru", 3, x, (h0,), W, U, b, bias_shape)
    x, mask = _sequence_options("gru", x, mask, go_backwards, return_sequences)
    out = (GRU if reset_after else GRUResetBefore).apply(x, h0, W, U, b, mask=mask, sequences=return_sequences)
    return _split_outputs(out, 1, return_sequences)


def simple_rnn(x: Tensor, h0: Tensor | None, W: Tensor, U: Tensor, b: Tensor | None, *,
               mask: Tensor | np.ndarray | None = None, go_backwards: bool = False,
               return_sequences: bool = True) -> tuple[Tensor, Tensor]:
    """Red recurrente simple, h_t = tanh(x_t·W + b + h_{t-1}·U): x (N, T, D) -> (salidas (N, T, u), h_T (N, u)).

    h0: estado inicial (N, u) (None = ceros). mask, go_backwards y return_sequences: ver el
    docstring del módulo.
    """
    x, (h0,), W, U, b = _recurrent_args("simple_rnn", 1, x, (h0,), W, U, b, lambda u: (u,))
    x, mask = _sequence_options("simple_rnn", x, mask, go_backwards, return_sequences)
    out = SimpleRNN.apply(x, h0, W, U, b, mask=mask, sequences=return_sequences)
    return _split_outputs(out, 1, return_sequences)


def lstm_cell(x_t: Tensor, h: Tensor, c: Tensor, W: Tensor, U: Tensor, b: Tensor | None) -> tuple[Tensor, Tensor]:
    """Un paso de LSTM con operaciones de Tensor: devuelve (h_t, c_t)."""
    u = as_tensor(U).shape[0]
    z = as_tensor(x_t) @ W + as_tensor(h) @ U + b
    i, f = z[:, :u].sigmoid(), z[:, u:2 * u].sigmoid()
    g, o = z[:, 2 * u:3 * u].tanh(), z[:, 3 * u:].sigmoid()
    c = f * c + i * g
    return o * c.tanh(), c


def gru_cell(x_t: Tensor, h: Tensor, W: Tensor, U: Tensor, b: Tensor | None, reset_after: bool = True) -> Tensor:
    """Un paso de GRU con operaciones de Tensor: devuelve h_t. reset_after como en gru."""
    b, U, h = as_tensor(b), as_tensor(U), as_tensor(h)
    u = U.shape[0]
    if reset_after:
        xw = as_tensor(x_t) @ W + b[0]
        hu = h @ U + b[1]
    else:  # el sesgo va con la entrada, y el candidato usa (r·h)·U_h: h·U solo para z y r
        xw = as_tensor(x_t) @ W + b
        hu = h @ U[:, :2 * u]
    z = (xw[:, :u] + hu[:, :u]).sigmoid()
    r = (xw[:, u:2 * u] + hu[:, u:2 * u]).sigmoid()
    recurrent = r * hu[:, 2 * u:] if reset_after else (r * h) @ U[:, 2 * u:]
    candidate = (xw[:, 2 * u:] + recurrent).tanh()
    return z * h + (1 - z) * candidate


def simple_rnn_cell(x_t: Tensor, h: Tensor, W: Tensor, U: Tensor, b: Tensor | None) -> Tensor:
    """Un paso de la red recurrente simple: h_t = tanh(x_t·W + h·U + b)."""
    return (as_tensor(x_t) @ W + as_tensor(h) @ U + b).tanh()
