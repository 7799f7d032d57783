"""Opciones de las capas recurrentes (estados iniciales y finales, máscaras, go_backwards,
stateful, dropout y recurrent_dropout, GRU con reset_after=False) y las envolturas
TimeDistributed y Bidirectional.

Los valores se comparan con Keras en test_layers_vs_keras.py; aquí van el gradcheck en float64,
que el bucle paso a paso y los kernels fusionados den lo mismo, y los errores.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_es import manual_seed
from tinygrad_es.keras.layers import (GRU, LSTM, BatchNormalization, Bidirectional, Dense, SimpleRNN,
                                      TimeDistributed)

from layer_helpers import built, gradcheck_layer, output

rng = np.random.default_rng(2)
F64 = {"dtype": "float64"}
FEW = settings(deadline=None, max_examples=6)
KINDS = {"simple": SimpleRNN, "lstm": LSTM, "gru": GRU, "gru_before": lambda u, **kw: GRU(u, reset_after=False, **kw)}
STATES = {"simple": 1, "lstm": 2, "gru": 1, "gru_before": 1}


def random_mask(batch, steps):
    mask = rng.random((batch, steps)) > 0.4
    mask[:, 0] = True  # (un paso real al menos; un paso enmascarado al principio también vale, pero así hay de todo)
    return mask


@FEW
@given(kind=st.sampled_from(sorted(KINDS)), steps=st.integers(1, 4), units=st.integers(1, 3),
       backwards=st.booleans(), use_mask=st.booleans(), activations=st.sampled_from(
           [("tanh", "sigmoid"), ("softsign", "tanh")]))
def test_recurrent_options_gradcheck(kind, steps, units, backwards, use_mask, activations):
    x = rng.normal(size=(2, steps, 2))
    options = {"activation": activations[0]}
    if kind != "simple":
        options["recurrent_activation"] = activations[1]
    layer = built(KINDS[kind](units, return_sequences=True, return_state=True, go_backwards=backwards, **options,
                              **F64), x.shape)
    states = [rng.normal(size=(2, units)) for _ in range(STATES[kind])]
    kwargs = {"mask": random_mask(2, steps)} if use_mask else {}
    gradcheck_layer(layer, x, states=states, **kwargs)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_recurrent_dropout_gradcheck_with_fixed_masks(kind):
    x = rng.normal(size=(2, 3, 2))
    layer = built(KINDS[kind](2, dropout=0.3, recurrent_dropout=0.4, return_sequences=True, **F64), x.shape)
    manual_seed(5)
    masks = layer._dropout_masks(2, 2, training=True)
    layer._dropout_masks = lambda batch, features, training: masks
    gradcheck_layer(layer, x, training=True)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_step_loop_and_fused_kernel_agree(kind):
    """Con recurrent_dropout de máscaras todo unos la capa va por el bucle paso a paso: debe dar lo
    mismo que el kernel fusionado, con y sin máscara de relleno."""
    x = rng.normal(size=(3, 5, 2))
    layer = built(KINDS[kind](3, return_sequences=True, return_state=True, recurrent_dropout=0.5, **F64), x.shape)
    gates = {"simple": 1, "lstm": 4}.get(kind, 3)
    layer._dropout_masks = lambda batch, features, training: (None, [np.ones((batch, 3))] * gates)
    for mask in (None, random_mask(3, 5)):
        fused = layer(x, mask=mask)
        looped = layer(x, mask=mask, training=True)
        for a, b in zip(fused, looped):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)


def test_masked_steps_keep_the_state_and_repeat_the_output():
    x = rng.normal(size=(1, 4, 2))
    mask = np.array([[True, False, False, True]])
    layer = built(LSTM(2, return_sequences=True, return_state=True), x.shape)
    sequence, h, c = layer(x, mask=mask)
    seq = sequence.numpy()
    np.testing.assert_array_equal(seq[0, 1], seq[0, 0])
    np.testing.assert_array_equal(seq[0, 2], seq[0, 0])
    short, h_short, c_short = layer(x[:, [0, 3]])  # los pasos enmascarados no existen
    np.testing.assert_allclose(h.numpy(), h_short.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(c.numpy(), c_short.numpy(), rtol=1e-5, atol=1e-6)
    zeros = built(GRU(2, return_sequences=True, zero_output_for_mask=True), x.shape)
    assert (zeros(x, mask=mask).numpy()[0, 1:3] == 0).all()


def test_stateful_continues_the_sequence_and_resets():
    x = rng.normal(size=(2, 6, 3))
    whole = built(GRU(4, return_sequences=True), x.shape)
    stateful = built(GRU(4, return_sequences=True, stateful=True), x.shape)
    stateful.set_weights(whole.get_weights())
    first, second = output(stateful, x[:, :3]), output(stateful, x[:, 3:])
    np.testing.assert_allclose(np.concatenate([first, second], axis=1), output(whole, x), rtol=1e-5, atol=1e-6)
    stateful.reset_states()
    assert all((s.numpy() == 0).all() for s in stateful.states)
    np.testing.assert_allclose(output(stateful, x[:, :3]), first, rtol=1e-6)
    with pytest.raises(ValueError, match="es stateful y guarda el estado de un lote de 2 secuencias, pero recibió un lote de 3"):
        stateful(x[:1].repeat(3, axis=0))
    assert [w.shape for w in stateful.weights] == [w.shape for w in whole.weights]  # los estados no son pesos


def test_dropout_masks_are_keras_masks():
    manual_seed(0)
    lstm = LSTM(3, dropout=0.25, recurrent_dropout=0.5)
    inputs, recurrent = lstm._dropout_masks(1000, 4, training=True)
    assert len(inputs) == len(recurrent) == 4  # una por puerta (implementación 1 de Keras)
    assert set(np.unique(inputs[0])) == {0.0, 1 / 0.75} and set(np.unique(recurrent[2])) == {0.0, 2.0}
    assert abs((inputs[1] == 0).mean() - 0.25) < 0.02
    assert LSTM(3, dropout=0.25)._dropout_masks(5, 4, training=True)[0].__len__() == 1
    assert LSTM(3, dropout=0.25)._dropout_masks(5, 4, training=False) == (None, None)
    assert GRU(3, dropout=1.0)._dropout_masks(5, 4, training=True) == (None, None)  # Keras: 1 no anula nada
    x = np.ones((50, 3, 4))
    layer = built(SimpleRNN(2, dropout=0.5), x.shape)
    assert not np.allclose(output(layer, x, training=True), output(layer, x))
    np.testing.assert_array_equal(output(layer, x), output(built(SimpleRNN(2), x.shape), x))


def test_recurrent_call_errors():
    with pytest.raises(TypeError, match="no reconoce el argumento 'initial_stat' \\(¿quisiste decir 'initial_state'"):
        LSTM(2)(np.zeros((1, 2, 1)), initial_stat=None)
    with pytest.raises(ValueError, match=r"la máscara debe tener forma \(lote, pasos\) = \(1, 2\) y tiene \(1, 3\)"):
        GRU(2)(np.zeros((1, 2, 1)), mask=np.ones((1, 3), bool))


def test_reset_after_false_has_keras_weights():
    gru = GRU(4, reset_after=False)
    gru.build_from_shape((None, 5, 3))
    assert [w.shape for w in gru.weights] == [(3, 12), (4, 12), (12,)]
    assert gru.count_params() == 3 * (4 * (3 + 4) + 4)


# ---------------------------------------------------------------- TimeDistributed y Bidirectional
def test_time_distributed_gradcheck_and_same_weights_each_step():
    x = rng.normal(size=(2, 3, 4))
    layer = built(TimeDistributed(Dense(2, activation="tanh", **F64), **F64), x.shape)
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(output(layer, x), np.tanh(x @ kernel + bias), rtol=1e-12)
    gradcheck_layer(layer, x)
    assert layer.count_params() == 4 * 2 + 2 and [w.shape for w in layer.weights] == [(4, 2), (2,)]


def test_time_distributed_batch_normalization_uses_each_step_like_keras():
    x = rng.normal(size=(4, 2, 3)) + np.array([0.0, 5.0])[None, :, None]
    layer = built(TimeDistributed(BatchNormalization(momentum=0.0)), x.shape)
    layer.set_weights([np.ones(3), np.zeros(3), np.zeros(3), np.ones(3)])
    layer(x, training=True)
    np.testing.assert_allclose(layer.layer.moving_mean.numpy(), x[:, 1].mean(axis=0), rtol=1e-5)  # el último paso
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


@FEW
@given(kind=st.sampled_from(["simple", "lstm", "gru"]), merge=st.sampled_from(["concat", "sum", "mul", "ave", None]),
       sequences=st.booleans(), use_mask=st.booleans())
def test_bidirectional_gradcheck(kind, merge, sequences, use_mask):
    x = rng.normal(size=(2, 3, 2))
    layer = built(Bidirectional(KINDS[kind](2, return_sequences=sequences, **F64), merge_mode=merge, **F64),
                  x.shape)
    kwargs = {"mask": random_mask(2, 3)} if use_mask else {}
    gradcheck_layer(layer, x, **kwargs)


def test_bidirectional_halves_are_forward_and_backward_layers():
    x = rng.normal(size=(2, 4, 3))
    layer = built(Bidirectional(LSTM(2, return_sequences=True, name="memoria")), x.shape)
    assert (layer.forward_layer.name, layer.backward_layer.name) == ("forward_memoria", "backward_memoria")
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards
    weights = layer.get_weights()
    assert len(weights) == 6 and layer.count_params() == 2 * 4 * (2 * (3 + 2) + 2)
    forward = built(LSTM(2, return_sequences=True), x.shape)
    forward.set_weights(weights[:3])
    backward = built(LSTM(2, return_sequences=True), x.shape)
    backward.set_weights(weights[3:])
    out = output(layer, x)
    np.testing.assert_allclose(out[..., :2], output(forward, x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out[..., 2:], output(backward, x[:, ::-1])[:, ::-1], rtol=1e-5, atol=1e-6)
    copy = Bidirectional(LSTM(2, return_sequences=True), weights=weights)
    copy.build_from_shape((None, 4, 3))
    np.testing.assert_array_equal(output(copy, x), out)


def test_bidirectional_errors():
    with pytest.raises(ValueError, match="merge_mode='max' no existe"):
        Bidirectional(LSTM(2), merge_mode="max")
    with pytest.raises(TypeError, match="envuelve una capa recurrente .* y recibió Dense"):
        Bidirectional(Dense(2))
    with pytest.raises(ValueError, match="deben tener go_backwards distinto"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2))
    with pytest.raises(ValueError, match="el mismo return_sequences"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2, go_backwards=True, return_sequences=True))
    with pytest.raises(AttributeError, match="no es stateful"):
        Bidirectional(GRU(2)).reset_states()
    with pytest.raises(TypeError, match=r"TimeDistributed envuelve una capa, p. ej. TimeDistributed\(Dense\(10\)\)"):
        TimeDistributed("dense")
    with pytest.raises(ValueError, match="exactamente 3 ejes"):
        Bidirectional(LSTM(2))(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="devuelve varias salidas.*quita return_state=True"):
        TimeDistributed(LSTM(2, return_state=True))(np.zeros((2, 3, 4, 1)))
