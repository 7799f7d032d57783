"""nn.functional contra números de Keras 3 (capas con pesos fijados; ver tests/fixtures/make_keras_ops_nn.py).

Cada caso pasa a la función los mismos pesos, entrada, máscara y estados que recibió la capa de
Keras, con los argumentos de la capa escritos con los nombres de nn.functional.
"""
import pathlib

import numpy as np
import pytest

from tinygrad_es.nn import functional as F

FIXTURE = np.load(pathlib.Path(__file__).parent / "fixtures" / "keras_ops_nn.npz", allow_pickle=False)


def case(name):
    prefix = name + "/"
    return {key[len(prefix):]: FIXTURE[key] for key in FIXTURE.files if key.startswith(prefix)}


CONV = {  # caso -> la misma capa con nn.functional: f(c) con c = los arrays del caso
    "conv1d_causal_dilated": lambda c: F.conv1d(c["x"], c["w0"], c["w1"], padding="causal", dilation=2),
    "conv1d_groups_same_strided": lambda c: F.conv1d(c["x"], c["w0"], c["w1"], stride=2, padding="same", groups=2),
    "conv2d_groups": lambda c: F.conv2d(c["x"], c["w0"], c["w1"], stride=(2, 1), padding="same", groups=3),
    "depthwise_conv2d": lambda c: F.depthwise_conv2d(c["x"], c["w0"], c["w1"], padding="same", dilation=2),
    "separable_conv2d": lambda c: F.separable_conv2d(c["x"], c["w0"], c["w1"], c["w2"], stride=2),
    "conv2d_transpose_same": lambda c: F.conv2d_transpose(c["x"], c["w0"], c["w1"], stride=2, padding="same"),
    "conv2d_transpose_valid_output_padding": lambda c: F.conv2d_transpose(
        c["x"], c["w0"], c["w1"], stride=(2, 3), output_padding=(1, 2)),
    "conv2d_transpose_same_output_padding": lambda c: F.conv2d_transpose(
        c["x"], c["w0"], c["w1"], stride=2, padding="same", output_padding=1),
    "conv2d_transpose_dilated": lambda c: F.conv2d_transpose(c["x"], c["w0"], c["w1"], dilation=2),
    "conv2d_transpose_small_kernel": lambda c: F.conv2d_transpose(c["x"], c["w0"], c["w1"], stride=3),
    "conv1d_transpose_same": lambda c: F.conv1d_transpose(c["x"], c["w0"], c["w1"], stride=2, padding="same"),
    "max_pool1d_same": lambda c: F.max_pool1d(c["x"], 3, strides=2, padding="same"),
    "avg_pool1d_same": lambda c: F.avg_pool1d(c["x"], 3, strides=2, padding="same"),
}


@pytest.mark.parametrize("name", sorted(CONV))
def test_convolution_and_pooling_match_keras(name):
    c = case(name)
    out = CONV[name](c)
    assert out.shape == c["out0"].shape and out.dtype == np.float32
    np.testing.assert_allclose(out.data, c["out0"], rtol=1e-5, atol=1e-5)


RECURRENT = {  # caso -> la capa de Keras (return_sequences y return_state) con nn.functional
    "gru_reset_before": lambda c: F.gru(c["x"], c["state0"], c["w0"], c["w1"], c["w2"], reset_after=False),
    "gru_reset_before_mask": lambda c: F.gru(c["x"], None, c["w0"], c["w1"], c["w2"], reset_after=False,
                                             mask=c["mask"]),
    "lstm_mask": lambda c: F.lstm(c["x"], c["state0"], c["state1"], c["w0"], c["w1"], c["w2"], mask=c["mask"]),
    "lstm_go_backwards": lambda c: F.lstm(c["x"], None, None, c["w0"], c["w1"], c["w2"], go_backwards=True),
    "gru_mask_go_backwards": lambda c: F.gru(c["x"], c["state0"], c["w0"], c["w1"], c["w2"], mask=c["mask"],
                                             go_backwards=True),
    "simple_rnn_mask_go_backwards": lambda c: F.simple_rnn(c["x"], None, c["w0"], c["w1"], c["w2"], mask=c["mask"],
                                                           go_backwards=True),
}


@pytest.mark.parametrize("name", sorted(RECURRENT))
def test_recurrent_options_match_keras(name):
    """Salidas de todos los pasos y estados finales, también en los pasos enmascarados (ceros antes del primero válido)."""
    c = case(name)
    outputs = RECURRENT[name](c)
    assert len(outputs) == len([k for k in c if k.startswith("out")])
    for i, out in enumerate(outputs):
        assert out.shape == c[f"out{i}"].shape and out.dtype == np.float32
        np.testing.assert_allclose(out.data, c[f"out{i}"], rtol=1e-5, atol=1e-5)
