"""El bucle paso a paso de las capas recurrentes, con operaciones de Tensor.

Lo usan SimpleRNN, LSTM y GRU para lo que sus kernels fusionados no calculan: recurrent_dropout
(una máscara sobre el estado en cada paso) y activaciones distintas de tanh y sigmoid. (Las
máscaras de relleno y la GRU con reset_after=False también se calculan aquí en esos casos.)
Son las ecuaciones de las celdas de Keras 3, escritas tal cual; el gradiente sale del autograd.

Con recurrent_dropout, Keras usa su "implementación 1": cada puerta g recibe su propia máscara
de la entrada (x·m_g)·W_g y del estado (h·r_g)·U_g. Sin él, una sola máscara de entrada.
Con máscara, en un paso enmascarado los estados nuevos se descartan (pasan los anteriores) y la
salida repite la salida anterior: ceros si aún no hubo ningún paso real, como Keras con
TensorFlow (aunque el estado inicial no sea cero).
"""
from __future__ import annotations

import numpy as np

from ...tensor import Tensor
from .layer import Layer


def run(layer: Layer, sequences, states, mask: Tensor | np.ndarray | None, bias, input_masks, recurrent_masks):
    """Recorre la secuencia: (salidas (N, T, u), [estados finales])."""
    n, steps, _ = sequences.shape
    device = sequences.device

    def constant(array):
        return None if array is None else Tensor(array, dtype=sequences.dtype, device=device)

    states = [Tensor.zeros(n, layer.units, dtype=sequences.dtype, device=device) if s is None else s
              for s in states]
    input_masks = None if input_masks is None else [constant(m) for m in input_masks]
    recurrent_masks = None if recurrent_masks is None else [constant(m) for m in recurrent_masks]
    outputs = []
    for t in range(steps):
        new_states = layer.step(sequences[:, t], states, bias, input_masks, recurrent_masks)
        if mask is None:
            states = new_states
            outputs.append(states[0])  # la salida es h
            continue
        keep = mask[:, t:t + 1]
        previous = outputs[-1] if outputs else Tensor.zeros(n, layer.units, dtype=sequences.dtype, device=device)
        outputs.append(Tensor.where(keep, new_states[0], previous))
        states = [Tensor.where(keep, new, old) for new, old in zip(new_states, states)]
    return Tensor.stack(outputs, axis=1), states


def _gate_inputs(x_t, kernel, input_masks, gates):
    """x_t·W con dropout: una máscara para todas las puertas, o una por puerta (implementación 1)."""
    if input_masks is None:
        return x_t @ kernel
    if len(input_masks) == 1:
        return (x_t * input_masks[0]) @ kernel
    u = kernel.shape[1] // gates
    return Tensor.concatenate([(x_t * m) @ kernel[:, g * u:(g + 1) * u] for g, m in enumerate(input_masks)], axis=1)


def _gate_state(h, recurrent_kernel, recurrent_masks, gates):
    """h·U con recurrent_dropout: la máscara de cada puerta sobre h antes de su trozo de U."""
    if recurrent_masks is None:
        return h @ recurrent_kernel
    u = recurrent_kernel.shape[0]
    masks = recurrent_masks * gates if len(recurrent_masks) == 1 else recurrent_masks
    return Tensor.concatenate([(h * m) @ recurrent_kernel[:, g * u:(g + 1) * u] for g, m in enumerate(masks)],
                              axis=1)


def simple_rnn_step(layer: Layer, x_t: Tensor, states, bias, input_masks, recurrent_masks):
    """h_t = act(x_t·W + b + h·U), con act = activation (tanh por defecto)."""
    z = _gate_inputs(x_t, layer.kernel, input_masks, 1) + bias
    return [layer.activation(z + _gate_state(states[0], layer.recurrent_kernel, recurrent_masks, 1))]


def lstm_step(layer: Layer, x_t: Tensor, states, bias, input_masks, recurrent_masks):
    """z = x·W + h·U + b; i, f, o = σ(z_i, z_f, z_o); c = f·c + i·act(z_c); h = o·act(c).

    σ es recurrent_activation (sigmoid por defecto) y act, activation (tanh por defecto).
    """
    h, c = states
    u = layer.units
    gate, act = layer.recurrent_activation, layer.activation
    z = _gate_inputs(x_t, layer.kernel, input_masks, 4) + _gate_state(h, layer.recurrent_kernel,
                                                                       recurrent_masks, 4) + bias
    c = gate(z[:, u:2 * u]) * c + gate(z[:, :u]) * act(z[:, 2 * u:3 * u])
    return [gate(z[:, 3 * u:]) * act(c), c]


def gru_step(layer: Layer, x_t: Tensor, states, bias, input_masks, recurrent_masks):
    """z, r = σ(x·W + h·U + b); candidato hh = act(x·W_h + reinicio); h = z·h + (1-z)·hh (σ y act como en la LSTM).

    reset_after=True: reinicio = r·(h·U_h + b_rec,h), con el sesgo (2, 3u);
    reset_after=False: reinicio = (r·h)·U_h, con el sesgo (3u,).
    """
    (h,) = states
    u = layer.units
    input_bias, recurrent_bias = (bias[0], bias[1]) if layer.reset_after else (bias, None)
    xw = _gate_inputs(x_t, layer.kernel, input_masks, 3) + input_bias
    kernel_zr, kernel_h = layer.recurrent_kernel[:, :2 * u], layer.recurrent_kernel[:, 2 * u:]
    masks_zr = masks_h = None
    if recurrent_masks is not None:
        masks_zr, masks_h = recurrent_masks[:2], recurrent_masks[2:]
    hu = _gate_state(h, kernel_zr, masks_zr, 2)
    if layer.reset_after:
        hu = hu + recurrent_bias[:2 * u]
    z = layer.recurrent_activation(xw[:, :u] + hu[:, :u])
    r = layer.recurrent_activation(xw[:, u:2 * u] + hu[:, u:])
    if layer.reset_after:
        reset = r * (_gate_state(h, kernel_h, masks_h, 1) + recurrent_bias[2 * u:])
    else:
        reset = _gate_state(r * h, kernel_h, masks_h, 1)
    candidate = layer.activation(xw[:, 2 * u:] + reset)
    return [z * h + (1 - z) * candidate]
