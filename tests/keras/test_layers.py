"""Pruebas de las capas de keras: cada salida contra sus ecuaciones en NumPy (float64) con los
mismos pesos, cada gradiente con gradcheck, y los argumentos y errores de Keras."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_es import Tensor, gradcheck, manual_seed
from tinygrad_es.keras import activations, initializers, layers
from tinygrad_es.keras.layers import (GRU, LSTM, Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense,
                                      Dropout, Embedding, Flatten, GlobalAveragePooling2D, GlobalMaxPooling2D,
                                      LeakyReLU, MaxPooling2D, Reshape, SimpleRNN)

from layer_helpers import built, gradcheck_layer, output

RTOL, ATOL = 1e-5, 1e-6
rng = np.random.default_rng(0)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- Dense
@settings(deadline=None, max_examples=20)
@given(batch=st.integers(1, 4), features=st.integers(1, 5), units=st.integers(1, 4),
       activation=st.sampled_from(["linear", "relu", "tanh", "softmax"]))
def test_dense_matches_equation(batch, features, units, activation):
    layer = built(Dense(units, activation=activation), (None, features))
    x = rng.normal(size=(batch, features))
    kernel, bias = layer.get_weights()
    z = x @ kernel.astype(np.float64) + bias
    expected = {"linear": z, "relu": np.maximum(z, 0), "tanh": np.tanh(z),
                "softmax": np.exp(z) / np.exp(z).sum(-1, keepdims=True)}[activation]
    np.testing.assert_allclose(output(layer, x), expected, rtol=RTOL, atol=ATOL)


@settings(deadline=None, max_examples=15)
@given(batch=st.integers(1, 3), features=st.integers(1, 4), units=st.integers(1, 3))
def test_dense_gradcheck(batch, features, units):
    layer = built(Dense(units, activation="tanh", dtype="float64"), (None, features))
    gradcheck_layer(layer, rng.normal(size=(batch, features)))


def test_dense_weights_shapes_and_defaults():
    layer = Dense(16)
    layer.build_from_shape((None, 784))
    assert [w.shape for w in layer.weights] == [(784, 16), (16,)]
    assert layer.count_params() == 784 * 16 + 16
    assert np.all(layer.bias.data == 0)
    limit = np.sqrt(6 / (784 + 16))  # glorot_uniform
    assert np.abs(layer.kernel.data).max() <= limit
    assert np.abs(layer.kernel.data).max() > 0.9 * limit
    assert layer.kernel.dtype == np.float32


def test_dense_acts_on_last_axis_of_3d_input():
    layer = built(Dense(3), (None, 5, 4))
    x = rng.normal(size=(2, 5, 4))
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(output(layer, x), x @ kernel + bias, rtol=RTOL, atol=ATOL)
    assert layer.output_shape == (None, 5, 3)


@pytest.mark.parametrize("units", [0, -3, 2.5, True])
def test_dense_rejects_bad_units(units):
    with pytest.raises(ValueError, match=r"Dense: units \(el número de neuronas\) debe ser un entero positivo"):
        Dense(units)


def test_layer_rejects_unknown_argument_suggesting_the_closest():
    with pytest.raises(TypeError, match="Dense no reconoce el argumento 'activaton' "
                                        "\\(¿quisiste decir 'activation'\\?\\)"):
        Dense(10, activaton="relu")
    with pytest.raises(TypeError, match="Conv2D no reconoce el argumento 'kernel_regularizr' \\(¿quisiste decir "
                                        "'kernel_regularizer'\\?\\). Sus argumentos son: activation, "
                                        "activity_regularizer, batch_size, bias_constraint"):
        Conv2D(4, 3, kernel_regularizr="l2")


def test_dense_called_with_wrong_features_says_flatten():
    layer = Dense(10)
    layer(np.zeros((2, 784)))
    with pytest.raises(ValueError, match=r"dense.* \(Dense\) esperaba una entrada de forma \(None, 784\) y recibió "
                                         r"\(2, 28, 28\): añade Flatten\(\)"):
        layer(np.zeros((2, 28, 28)))


def test_dense_needs_batch_axis():
    with pytest.raises(ValueError, match=r"al menos 2 ejes .* \(784,\).*x.reshape\(1, -1\)"):
        Dense(10)(np.zeros(784))


# ---------------------------------------------------------------- activaciones
REFERENCE_ACTIVATIONS = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "softmax": lambda z: np.exp(z) / np.exp(z).sum(-1, keepdims=True),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.2 * z),
    "elu": lambda z: np.where(z > 0, z, np.exp(z) - 1),
    "selu": lambda z: 1.0507009873554805 * np.where(z > 0, z, 1.6732632423543772 * (np.exp(z) - 1)),
    "softplus": lambda z: np.log1p(np.exp(z)),
    "softsign": lambda z: z / (1 + np.abs(z)),
    "hard_sigmoid": lambda z: np.clip(z + 3, 0, 6) / 6,
    "exponential": np.exp,
    "gelu": lambda z: 0.5 * z * (1 + np.vectorize(__import__("math").erf)(z / np.sqrt(2))),
    "swish": lambda z: z * sigmoid(z),
}


@pytest.mark.parametrize("name", sorted(REFERENCE_ACTIVATIONS))
def test_activation_layer_matches_equation_and_gradcheck(name):
    # lejos de los codos (0 en relu, ±3 en hard_sigmoid) para que las diferencias finitas valgan
    x = rng.uniform(0.2, 2.5, size=(3, 4)) * rng.choice([-1, 1], size=(3, 4))
    np.testing.assert_allclose(output(Activation(name), x), REFERENCE_ACTIVATIONS[name](x), rtol=RTOL, atol=ATOL)
    gradcheck(activations.get(name), x)


def test_gelu_approximate_and_relu_options():
    x = np.linspace(-3, 3, 13)
    tanh_form = 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))
    np.testing.assert_allclose(activations.gelu(Tensor(x), approximate=True).data, tanh_form, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(activations.relu(Tensor(x), max_value=1.5).data, np.clip(x, 0, 1.5), atol=ATOL)


def test_unknown_activation_suggests_closest_name():
    with pytest.raises(ValueError, match="'rellu'.*'relu'"):
        Dense(10, activation="rellu")
    with pytest.raises(ValueError, match="softmax"):
        Activation("sofmax")


def test_leaky_relu_layer_default_slope_is_keras_3():
    x = np.array([[-2.0, 3.0]])
    np.testing.assert_allclose(output(LeakyReLU(), x), [[-0.6, 3.0]], rtol=RTOL)
    gradcheck(lambda t: LeakyReLU(0.1, dtype="float64").call(t), np.array([[-1.5, 0.7]]))


# ---------------------------------------------------------------- Dropout
def test_dropout_inactive_in_inference_and_inverted_in_training():
    layer = Dropout(0.25)
    x = np.ones((200, 50))
    np.testing.assert_array_equal(output(layer, x), x)
    out = output(layer, x, training=True)
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / 0.75, rtol=RTOL)
    assert abs(kept.mean() - 0.75) < 0.02


def test_dropout_noise_shape_drops_whole_columns():
    out = output(Dropout(0.5, noise_shape=(1, None)), np.ones((30, 40)), training=True)
    assert np.all((out == 0).all(axis=0) | (out != 0).all(axis=0))


def test_dropout_gradcheck_with_a_fixed_mask():
    layer = Dropout(0.4, dtype="float64")

    def fn(t):
        manual_seed(7)  # la misma máscara en cada evaluación de las diferencias finitas
        return layer.call(t, training=True)

    x = rng.normal(size=(4, 5))
    manual_seed(7)
    mask = output(layer, x, training=True) != 0
    np.testing.assert_allclose(fn(Tensor(x)).data, np.where(mask, x / 0.6, 0), rtol=RTOL)
    gradcheck(fn, x)


def test_dropout_rejects_bad_rate():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        Dropout(1.5)


# ---------------------------------------------------------------- Flatten y Reshape
def test_flatten_and_reshape():
    x = rng.normal(size=(2, 3, 4))
    np.testing.assert_allclose(output(Flatten(), x), x.reshape(2, 12), rtol=RTOL)
    np.testing.assert_allclose(output(Flatten(), rng.normal(size=(5,))).shape, (5, 1))
    layer = Reshape((4, -1))
    np.testing.assert_allclose(output(layer, x), x.reshape(2, 4, 3), rtol=RTOL)
    assert layer.output_shape == (None, 4, 3)
    gradcheck(lambda t: Flatten().call(t), x)
    gradcheck(lambda t: layer.call(t), x)
    with pytest.raises(ValueError, match=r"12 valores y no cabe en la forma \(5, 2\)"):
        Reshape((5, 2))(x)


# ---------------------------------------------------------------- Conv2D y pooling
def conv2d_reference(x, kernel, bias, strides, padding):
    n, h, w, _ = x.shape
    kh, kw, _, filters = kernel.shape
    sh, sw = strides
    if padding == "same":
        oh, ow = -(-h // sh), -(-w // sw)
        ph, pw = max((oh - 1) * sh + kh - h, 0), max((ow - 1) * sw + kw - w, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    out = np.zeros((n, oh, ow, filters))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
            out[:, i, j, :] = np.tensordot(patch, kernel, axes=([1, 2, 3], [0, 1, 2]))
    return out + bias


conv_cases = st.fixed_dictionaries({
    "size": st.integers(3, 6), "channels": st.integers(1, 3), "filters": st.integers(1, 3),
    "kernel": st.integers(1, 3), "stride": st.integers(1, 2), "padding": st.sampled_from(["valid", "same"]),
})


@settings(deadline=None, max_examples=20)
@given(case=conv_cases)
def test_conv2d_matches_equation(case):
    shape = (2, case["size"], case["size"] + 1, case["channels"])
    layer = built(Conv2D(case["filters"], case["kernel"], strides=case["stride"], padding=case["padding"]), shape)
    x = rng.normal(size=shape)
    kernel, bias = layer.get_weights()
    expected = conv2d_reference(x, kernel, bias, layer.strides, case["padding"])
    out = output(layer, x)
    np.testing.assert_allclose(out, expected, rtol=RTOL, atol=ATOL)
    assert layer.compute_output_shape((None,) + shape[1:]) == (None,) + out.shape[1:]


@settings(deadline=None, max_examples=8)
@given(case=conv_cases)
def test_conv2d_gradcheck(case):
    shape = (1, case["size"], case["size"], case["channels"])
    layer = built(Conv2D(case["filters"], case["kernel"], strides=case["stride"], padding=case["padding"],
                         activation="tanh", dtype="float64"), shape)
    gradcheck_layer(layer, rng.normal(size=shape))


def test_conv2d_kernel_shape_and_count():
    layer = Conv2D(32, kernel_size=(3, 3))
    assert layer.build_from_shape((None, 26, 26, 32)) == (None, 24, 24, 32)
    assert layer.kernel.shape == (3, 3, 32, 32) and layer.count_params() == 9248


def test_conv2d_on_images_without_channel_axis_says_reshape():
    with pytest.raises(ValueError, match=r"exactamente 4 ejes .*\(32, 28, 28\).*x.reshape\(-1, 28, 28, 1\)"):
        Conv2D(8, 3)(np.zeros((32, 28, 28)))
    with pytest.raises(ValueError, match=r"x.reshape\(-1, 28, 28, 1\)"):
        Conv2D(8, 3)(np.zeros((32, 784)))


def test_conv2d_input_too_small():
    with pytest.raises(ValueError, match=r"más pequeña que la ventana 3×3"):
        Conv2D(8, 3).build_from_shape((None, 2, 2, 1))


def pool_reference(x, size, strides, padding, reduce):
    n, h, w, c = x.shape
    if padding == "same":
        oh, ow = -(-h // strides), -(-w // strides)
        ph, pw = max((oh - 1) * strides + size - h, 0), max((ow - 1) * strides + size - w, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)), constant_values=np.nan)
    else:
        oh, ow = (h - size) // strides + 1, (w - size) // strides + 1
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            window = x[:, i * strides:i * strides + size, j * strides:j * strides + size, :]
            out[:, i, j, :] = reduce(window, axis=(1, 2))  # nanmax/nanmean: el relleno no cuenta
    return out


@settings(deadline=None, max_examples=12)
@given(size=st.integers(1, 3), stride=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]),
       kind=st.sampled_from(["max", "avg"]))
def test_pooling_matches_equation(size, stride, padding, kind):
    x = rng.normal(size=(2, 5, 6, 3))
    layer = (MaxPooling2D if kind == "max" else AveragePooling2D)(size, strides=stride, padding=padding)
    expected = pool_reference(x, size, stride, padding, np.nanmax if kind == "max" else np.nanmean)
    out = output(layer, x)
    np.testing.assert_allclose(out, expected, rtol=RTOL, atol=ATOL)
    assert layer.output_shape == (None,) + out.shape[1:]
    gradcheck(lambda t: layer.call(t), x[:1, :4, :4, :2])


def test_max_pooling_default_halves():
    layer = MaxPooling2D()
    assert layer.build_from_shape((None, 24, 24, 32)) == (None, 12, 12, 32)
    assert layer.count_params() == 0


@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling(keepdims):
    x = rng.normal(size=(2, 4, 5, 3))
    for cls, reduce in ((GlobalAveragePooling2D, np.mean), (GlobalMaxPooling2D, np.max)):
        layer = cls(keepdims=keepdims)
        expected = reduce(x, axis=(1, 2), keepdims=keepdims)
        np.testing.assert_allclose(output(layer, x), expected, rtol=RTOL, atol=ATOL)
        assert layer.output_shape == (None,) + expected.shape[1:]
        gradcheck(lambda t: layer.call(t), x)


# ---------------------------------------------------------------- BatchNormalization
def test_batch_normalization_training_inference_and_moving_stats():
    x = rng.normal(2.0, 3.0, size=(8, 4, 4, 3))
    layer = BatchNormalization()
    layer.build_from_shape(x.shape)
    gamma, beta = rng.uniform(0.5, 2, 3), rng.normal(size=3)
    moving_mean, moving_var = rng.normal(size=3), rng.uniform(0.5, 2, 3)
    layer.set_weights([gamma, beta, moving_mean, moving_var])
    assert [n for n in layer.weight_names_in_order()] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert len(layer.trainable_weights) == 2 and len(layer.non_trainable_weights) == 2

    inference = (x - moving_mean) / np.sqrt(moving_var + 1e-3) * gamma + beta
    np.testing.assert_allclose(output(layer, x), inference, rtol=RTOL, atol=ATOL)

    mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))  # varianza sesgada, como Keras
    training = (x - mean) / np.sqrt(var + 1e-3) * gamma + beta
    np.testing.assert_allclose(output(layer, x, training=True), training, rtol=RTOL, atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.data, 0.99 * moving_mean + 0.01 * mean, rtol=RTOL)
    np.testing.assert_allclose(layer.moving_variance.data, 0.99 * moving_var + 0.01 * var, rtol=RTOL)


def test_batch_normalization_frozen_uses_moving_stats_and_gradcheck():
    x = rng.normal(size=(6, 3))
    layer = built(BatchNormalization(dtype="float64"), x.shape)
    layer.moving_variance.data[...] = np.abs(layer.moving_variance.data) + 0.5
    gradcheck_layer(layer, x, training=True)
    gradcheck_layer(layer, x, training=False)
    layer.trainable = False
    before = layer.moving_mean.data.copy()
    np.testing.assert_allclose(output(layer, x, training=True), output(layer, x, training=False))
    np.testing.assert_array_equal(layer.moving_mean.data, before)
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


# ---------------------------------------------------------------- Embedding
def test_embedding_lookup_and_gradient():
    layer = Embedding(10, 4)
    idx = np.array([[1, 2, 2], [9, 0, 1]])
    out = layer(idx)
    table = layer.get_weights()[0]
    np.testing.assert_allclose(out.data, table[idx], rtol=RTOL)
    assert layer.output_shape == (None, 3, 4) and layer.count_params() == 40
    assert np.abs(table).max() <= 0.05  # 'uniform' de Keras: U(-0.05, 0.05)
    layer64 = Embedding(10, 4, dtype="float64")
    layer64.build_from_shape((None, 3))
    gradcheck_layer(layer64, idx)


def test_embedding_rejects_out_of_range_indices():
    with pytest.raises(ValueError, match="entre 0 y 9"):
        Embedding(10, 2)(np.array([[3, 10]]))


# ---------------------------------------------------------------- recurrentes
def rnn_reference(kind, x, kernel, recurrent, bias):
    n, steps, _ = x.shape
    u = recurrent.shape[0]
    h, c, outputs = np.zeros((n, u)), np.zeros((n, u)), []
    for t in range(steps):
        if kind == "simple":
            h = np.tanh(x[:, t] @ kernel + bias + h @ recurrent)
        elif kind == "lstm":
            z = x[:, t] @ kernel + h @ recurrent + bias
            i, f, g, o = sigmoid(z[:, :u]), sigmoid(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sigmoid(z[:, 3 * u:])
            c = f * c + i * g
            h = o * np.tanh(c)
        else:  # gru, reset_after=True
            xz = x[:, t] @ kernel + bias[0]
            hz = h @ recurrent + bias[1]
            z = sigmoid(xz[:, :u] + hz[:, :u])
            r = sigmoid(xz[:, u:2 * u] + hz[:, u:2 * u])
            candidate = np.tanh(xz[:, 2 * u:] + r * hz[:, 2 * u:])
            h = z * h + (1 - z) * candidate
        outputs.append(h)
    return np.stack(outputs, axis=1), h, c


RNN_CLASSES = {"simple": SimpleRNN, "lstm": LSTM, "gru": GRU}


@settings(deadline=None, max_examples=10)
@given(kind=st.sampled_from(sorted(RNN_CLASSES)), batch=st.integers(1, 3), steps=st.integers(1, 4),
       features=st.integers(1, 3), units=st.integers(1, 3))
def test_recurrent_layers_match_equations(kind, batch, steps, features, units):
    x = rng.normal(size=(batch, steps, features))
    layer = built(RNN_CLASSES[kind](units, return_sequences=True, return_state=True), x.shape)
    sequences, h, *rest = layer(x)
    expected_seq, expected_h, expected_c = rnn_reference(kind, x, *layer.get_weights())
    np.testing.assert_allclose(sequences.data, expected_seq, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(h.data, expected_h, rtol=RTOL, atol=ATOL)
    if kind == "lstm":
        np.testing.assert_allclose(rest[0].data, expected_c, rtol=RTOL, atol=ATOL)
    last_only = built(RNN_CLASSES[kind](units), x.shape)
    last_only.set_weights(layer.get_weights())
    np.testing.assert_allclose(output(last_only, x), expected_h, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("kind", sorted(RNN_CLASSES))
def test_recurrent_gradcheck(kind):
    x = rng.normal(size=(2, 3, 2))
    layer = built(RNN_CLASSES[kind](3, return_sequences=True, dtype="float64"), x.shape)
    gradcheck_layer(layer, x)


def test_recurrent_weights_like_keras():
    lstm = LSTM(128)
    assert lstm.build_from_shape((None, 40, 57)) == (None, 128)
    assert [w.shape for w in lstm.weights] == [(57, 512), (128, 512), (512,)]
    assert lstm.count_params() == 95232
    np.testing.assert_array_equal(lstm.bias.data, np.r_[np.zeros(128), np.ones(128), np.zeros(256)])
    recurrent = lstm.recurrent_kernel.data.astype(np.float64)  # ortogonal, entera (128, 512)
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(128), atol=1e-5)
    gru = GRU(4)
    gru.build_from_shape((None, 5, 3))
    assert gru.bias.shape == (2, 12) and gru.count_params() == 3 * (4 * (3 + 4) + 2 * 4)
    rnn = SimpleRNN(4, return_state=True)
    assert rnn.build_from_shape((None, 5, 3)) == [(None, 4), (None, 4)]
    assert rnn.count_params() == 4 * (3 + 4) + 4


def test_go_backwards_reads_the_sequence_reversed():
    x = rng.normal(size=(2, 4, 3))
    forward = built(SimpleRNN(2), x.shape)
    backward = built(SimpleRNN(2, go_backwards=True), x.shape)
    backward.set_weights(forward.get_weights())
    np.testing.assert_allclose(output(backward, x), output(forward, x[:, ::-1]), rtol=RTOL, atol=ATOL)


def test_recurrent_errors():
    with pytest.raises(ValueError, match=r"exactamente 3 ejes.*x.reshape\(len\(x\), -1, 1\)"):
        LSTM(4)(np.zeros((8, 10)))
    with pytest.raises(ValueError, match="initial_state debe tener 2 estado"):
        LSTM(4)(np.zeros((2, 3, 1)), initial_state=[np.zeros((2, 4))])
    with pytest.raises(ValueError, match=r"forma \(lote, units\) = \(2, 4\) y llegó uno de forma \(3, 4\)"):
        GRU(4)(np.zeros((2, 3, 1)), initial_state=np.zeros((3, 4)))


# ---------------------------------------------------------------- base, nombres, configuración
def test_float64_layer_keeps_float64_and_float32_layer_casts():
    x = rng.normal(size=(2, 3))
    assert built(Dense(2, dtype="float64"), x.shape)(x).dtype == np.float64
    assert built(Dense(2, dtype="float64"), x.shape)(Tensor(x, dtype="float32")).dtype == np.float64
    assert built(Dense(2), x.shape)(x).dtype == np.float32


def test_layer_config_round_trip_for_every_layer():
    for layer in [Dense(3, activation="relu"), Conv2D(4, 3, padding="same"), MaxPooling2D(3), Dropout(0.3),
                  LSTM(5, return_sequences=True), GRU(2), SimpleRNN(2), BatchNormalization(momentum=0.9),
                  Embedding(7, 2), Reshape((2, 3)), Flatten(), LeakyReLU(0.1), Activation("softmax"),
                  AveragePooling2D(2), GlobalMaxPooling2D()]:
        copy = layers.deserialize(layers.serialize(layer))
        assert type(copy) is type(layer) and copy.get_config() == layer.get_config()


def test_unknown_layer_class_suggests_closest():
    with pytest.raises(ValueError, match="'Dens'.*'Dense'"):
        layers.deserialize({"class_name": "Dens", "config": {}})


def test_trainable_flag_stops_gradients():
    layer = built(Dense(2), (None, 3))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    assert not layer.kernel.requires_grad


@pytest.mark.parametrize("layer, shape", [
    (Dense(2), (1, 3)), (Conv2D(2, 3), (None, 5, 5, 2)), (BatchNormalization(), (None, 3)),
    (Embedding(5, 2), (None, 4)), (SimpleRNN(2), (None, 3, 2)), (LSTM(2), (None, 3, 2)), (GRU(2), (None, 3, 2)),
])
def test_build_by_hand_marks_built_and_keeps_set_weights(layer, shape):
    """Keras 3: build() a mano deja la capa construida; la primera llamada no crea (ni reinicia) los pesos."""
    layer.build(shape)
    assert layer.built and layer.input_spec_shape == (None,) + shape[1:]
    values = [rng.uniform(0.1, 0.9, w.shape).astype(np.float32) for w in layer.weights]  # varianzas > 0
    layer.set_weights(values)
    weights = layer.weights
    x = rng.integers(0, 5, (2,) + shape[1:]) if isinstance(layer, Embedding) else rng.normal(size=(2,) + shape[1:])
    layer(x)
    assert [w is v for w, v in zip(layer.weights, weights)] == [True] * len(weights)
    for value, after in zip(values, layer.get_weights()):
        np.testing.assert_array_equal(after, value)


def test_dense_built_by_hand_computes_with_the_set_weights():
    layer = Dense(2)
    layer.build((1, 2))
    layer.set_weights([np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -0.5])])
    np.testing.assert_allclose(layer(np.array([[1.0, 1.0]])).numpy(), [[4.5, 5.5]])
    assert layer.output_shape == (None, 2) and layer.count_params() == 6


def test_set_weights_checks_count_and_shapes():
    layer = built(Dense(2), (None, 3))
    with pytest.raises(ValueError, match=r"2 pesos \(kernel, bias\) y set_weights recibió 1"):
        layer.set_weights([np.zeros((3, 2))])
    with pytest.raises(ValueError, match=r"peso 'kernel': esperaba un array de forma \(3, 2\) y recibió \(2, 3\)"):
        layer.set_weights([np.zeros((2, 3)), np.zeros(2)])


# ---------------------------------------------------------------- inicializadores
def test_initializers_follow_keras_fans():
    assert initializers.compute_fans((3, 3, 32, 64)) == (288, 576)
    assert initializers.compute_fans((10, 20)) == (10, 20)
    big = (400, 600)
    assert np.abs(initializers.get("glorot_uniform")(big)).max() <= np.sqrt(6 / 1000)
    np.testing.assert_allclose(initializers.get("he_normal")(big).std(), np.sqrt(2 / 400), rtol=0.05)
    np.testing.assert_allclose(initializers.get("glorot_normal")(big).std(), np.sqrt(2 / 1000), rtol=0.05)
    np.testing.assert_allclose(initializers.get("lecun_uniform")(big).std(), np.sqrt(1 / 400), rtol=0.05)
    uniform = initializers.get("uniform")(big)
    assert uniform.min() >= -0.05 and uniform.max() <= 0.05
    q = initializers.get("orthogonal")((6, 4)).astype(np.float64)
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-6)
    assert initializers.get("ones")((2,)).tolist() == [1, 1]
    with pytest.raises(ValueError, match="'glorot_unifrom'.*'glorot_uniform'"):
        initializers.get("glorot_unifrom")


def test_seeded_initializer_is_reproducible():
    a = initializers.GlorotUniform(seed=3)((4, 4))
    b = initializers.GlorotUniform(seed=3)((4, 4))
    np.testing.assert_array_equal(a, b)
    assert initializers.get(initializers.serialize(initializers.GlorotUniform(seed=3))).seed == 3
