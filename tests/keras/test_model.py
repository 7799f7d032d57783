"""Pruebas de Sequential: construcción, nombres, llamada, pesos y los errores de forma."""
import numpy as np
import pytest

from tinygrad_es import Tensor, keras
from tinygrad_es.keras import Input, Sequential
from tinygrad_es.keras.layers import (BatchNormalization, Conv2D, Dense, Dropout, Embedding, Flatten, InputLayer,
                                      MaxPooling2D)


@pytest.fixture(autouse=True)
def fresh_names():
    keras.clear_session()


def mlp():
    return Sequential([Input(shape=(784,)), Dense(16, activation="relu"), Dropout(0.2),
                       Dense(10, activation="softmax")])


def test_both_import_styles_reach_the_same_classes():
    from tinygrad_es.keras.layers import Dense as imported
    from tinygrad_es.keras.models import Sequential as imported_model

    assert keras.layers.Dense is imported and keras.Sequential is imported_model
    assert keras.models.load_model is not None and keras.utils.to_categorical is not None
    assert keras.datasets.mnist.load_data and keras.datasets.fashion_mnist.load_data


def test_names_are_numbered_like_keras_across_models():
    first = mlp()
    second = Sequential([Input(shape=(4,)), Dense(2), Dropout(0.1)])
    assert first.name == "sequential" and second.name == "sequential_1"
    assert [l.name for l in first.layers] == ["dense", "dropout", "dense_1"]
    assert [l.name for l in second.layers] == ["dense_2", "dropout_1"]
    keras.clear_session()
    assert Sequential().name == "sequential"


def test_layers_excludes_input_and_model_is_built_on_add():
    model = mlp()
    assert all(not isinstance(l, InputLayer) for l in model.layers) and len(model.layers) == 3
    assert model.built and model.input_shape == (None, 784) and model.output_shape == (None, 10)
    assert model.layers[0].kernel.shape == (784, 16)


def test_input_shape_on_first_layer_warns_and_builds():
    model = Sequential()
    with pytest.warns(UserWarning, match="Input\\(shape\\)"):
        model.add(Dense(units=64, input_dim=100))
    model.add(Dense(units=10, activation="softmax"))
    assert model.built and model.layers[0].kernel.shape == (100, 64)
    with pytest.warns(UserWarning):
        other = Sequential([Flatten(input_shape=(28, 28)), Dense(3)])
    assert other.output_shape == (None, 3)


def test_model_without_input_builds_on_first_call():
    model = Sequential([Dense(4, activation="relu"), Dense(2)])
    assert not model.built
    out = model(np.ones((3, 5)))
    assert isinstance(out, Tensor) and out.shape == (3, 2) and model.built
    assert model.layers[0].kernel.shape == (5, 4)


def test_call_accepts_tensor_and_float64_array_and_casts_to_float32():
    model = mlp()
    x = np.random.default_rng(0).random((2, 784))  # float64, como deja NumPy
    out = model(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(model(Tensor(x)).data, out.data)
    np.testing.assert_allclose(out.data.sum(axis=1), 1, rtol=1e-5)


def test_training_flag_reaches_dropout():
    model = Sequential([Input(shape=(50,)), Dropout(0.5)])
    x = np.ones((4, 50), dtype=np.float32)
    np.testing.assert_array_equal(model(x).data, x)
    assert (model(x, training=True).data == 0).any()


def test_gradients_flow_through_model_call():
    model = Sequential([Input(shape=(3,)), Dense(2, activation="tanh"), Dense(1)])
    model(np.ones((4, 3))).sum().backward()
    assert all(w.grad is not None and w.grad.shape == w.shape for w in model.trainable_weights)


def test_weights_in_keras_order_and_set_weights():
    model = Sequential([Input(shape=(8, 8, 1)), Conv2D(2, 3), BatchNormalization(), Flatten(), Dense(3)])
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 3, 1, 2), (2,), (2,), (2,), (2,), (2,), (72, 3), (3,)]
    assert len(model.trainable_weights) == 6 and len(model.non_trainable_weights) == 2
    new = [np.full(s, i, dtype=np.float32) for i, s in enumerate(shapes)]
    model.set_weights(new)
    for got, want in zip(model.get_weights(), new):
        np.testing.assert_array_equal(got, want)
    assert model.count_params() == 18 + 2 + 8 + 216 + 3


def test_get_weights_returns_copies():
    model = mlp()
    weights = model.get_weights()
    weights[0][...] = 123
    assert not np.any(model.get_weights()[0] == 123)


def test_set_weights_wrong_count_or_shape_is_explained_and_changes_nothing():
    model = mlp()
    with pytest.raises(ValueError, match="tiene 4 pesos y set_weights recibió 1"):
        model.set_weights([np.zeros((784, 16))])
    before = model.get_weights()
    wrong = [np.zeros((784, 16)), np.zeros(16), np.zeros((16, 9)), np.zeros(10)]
    with pytest.raises(ValueError, match=r"dense_1 \(Dense\), peso 'kernel': esperaba .*\(16, 10\) y "
                                         r"recibió \(16, 9\)"):
        model.set_weights(wrong)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_frozen_model_and_layer():
    model = mlp()
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 2
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 4
    before = model.get_weights()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    model.fit(np.ones((4, 784)), np.eye(10)[:4], verbose=0)  # entrena sin error y sin cambiar nada
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


# ---------------------------------------------------------------- errores de forma
def test_first_layer_shape_error_names_layer_shapes_and_flatten():
    model = mlp()
    with pytest.raises(ValueError, match=r"La primera capa del modelo, dense \(Dense\), esperaba una entrada de forma "
                                         r"\(None, 784\) y recibió \(32, 28, 28\): añade Flatten\(\)"):
        model.predict(np.zeros((32, 28, 28)), verbose=0)


def test_single_sample_without_batch_axis_is_explained():
    with pytest.raises(ValueError, match=r"recibió \(784,\): parece una sola muestra sin el eje del lote: "
                                         r"usa x\[None\]"):
        mlp().predict(np.zeros(784), verbose=0)


def test_sequential_given_a_single_layer_instead_of_a_list():
    with pytest.raises(TypeError, match=r"ponla entre corchetes, Sequential\(\[Dense\(...\)\]\)"):
        Sequential(Dense(3))


def test_cnn_given_flat_images_says_reshape():
    model = Sequential([Input(shape=(28, 28, 1)), Conv2D(4, 3), Flatten(), Dense(2)])
    with pytest.raises(ValueError, match=r"conv2d \(Conv2D\), esperaba una entrada de forma \(None, 28, 28, 1\) y "
                                         r"recibió \(32, 784\): usa x.reshape\(-1, 28, 28, 1\)"):
        model(np.zeros((32, 784)))


def test_unbuilt_cnn_given_images_without_channel_says_reshape():
    model = Sequential([Conv2D(4, 3), Flatten(), Dense(2)])
    with pytest.raises(ValueError, match=r"conv2d \(Conv2D\) necesita una entrada con exactamente 4 ejes.*"
                                         r"x.reshape\(-1, 28, 28, 1\)"):
        model(np.zeros((32, 28, 28)))


def test_layer_that_does_not_fit_is_rejected_on_add():
    model = Sequential([Input(shape=(784,))])
    with pytest.raises(ValueError, match="exactamente 4 ejes"):
        model.add(Conv2D(4, 3))
    assert model.layers == []
    model = Sequential([Input(shape=(4, 4, 1)), MaxPooling2D(), MaxPooling2D()])
    with pytest.raises(ValueError, match="más pequeña que la ventana"):
        model.add(Conv2D(2, 3))


def test_add_errors():
    model = Sequential()
    with pytest.raises(TypeError, match=r"faltan los paréntesis, p. ej. model.add\(Dense\(...\)\)"):
        model.add(Dense)
    with pytest.raises(TypeError, match="espera una capa"):
        model.add("dense")
    layer = Dense(2)
    model.add(layer)
    with pytest.raises(ValueError, match="ya tiene una capa llamada 'dense'"):
        model.add(layer)
    with pytest.raises(ValueError, match="Input\\(...\\) solo puede ser lo primero"):
        model.add(Input(shape=(3,)))


def test_embedding_model_keeps_integer_inputs():
    model = Sequential([Input(shape=(5,), dtype="int32"), Embedding(20, 3), Flatten(), Dense(1)])
    assert model(np.array([[1, 2, 3, 4, 19]])).shape == (1, 1)


def test_config_round_trip_rebuilds_same_architecture():
    model = mlp()
    copy = Sequential.from_config(model.get_config())
    assert [type(l) for l in copy.layers] == [type(l) for l in model.layers]
    assert [l.name for l in copy.layers] == [l.name for l in model.layers]
    assert copy.input_shape == (None, 784) and copy.count_params() == model.count_params()


def test_count_params_of_unbuilt_model_is_explained():
    with pytest.raises(ValueError, match="aún no está construido"):
        Sequential([Dense(3)]).count_params()


# ---------------------------------------------------------------- utils
def test_to_categorical_like_keras_3():
    y = keras.utils.to_categorical([0, 2, 1], 3)
    np.testing.assert_array_equal(y, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    assert y.dtype == np.float64
    assert keras.utils.to_categorical(np.array([[1], [3]])).shape == (2, 4)  # el eje final de tamaño 1 se quita
    assert keras.utils.to_categorical(np.zeros((2, 5), int), 3).shape == (2, 5, 3)
    with pytest.raises(ValueError, match="num_classes=3.*no cabe"):
        keras.utils.to_categorical([0, 3], 3)
    with pytest.raises(ValueError, match="negativa"):
        keras.utils.to_categorical([-1, 0])


def test_set_random_seed_seeds_every_generator():
    import random

    keras.utils.set_random_seed(5)
    first = (random.random(), np.random.rand(), Dense(3).kernel_initializer((2, 3)))
    keras.utils.set_random_seed(5)
    second = (random.random(), np.random.rand(), Dense(3).kernel_initializer((2, 3)))
    assert first[:2] == second[:2]
    np.testing.assert_array_equal(first[2], second[2])
    with pytest.raises(ValueError, match=r"set_random_seed: seed debe ser un entero >= 0 y es 1.5"):
        keras.utils.set_random_seed(1.5)
