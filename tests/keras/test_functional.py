"""La API funcional por dentro: tensores simbólicos, nodos, capas compartidas, modelos dentro de
modelos, el grafo y sus errores. (Los números frente a Keras están en test_models_vs_keras.py.)"""
import numpy as np
import pytest

from tinygrad_es import Tensor, gradcheck, keras
from tinygrad_es.keras import layers
from tinygrad_es.keras.symbolic import KerasTensor


@pytest.fixture(autouse=True)
def fresh_names():
    keras.clear_session()


def test_input_is_a_symbolic_tensor_like_keras():
    x = keras.Input(shape=(3,), name="x")
    assert isinstance(x, KerasTensor) and x.shape == (None, 3) and x.dtype == np.float32 and x.name == "x"
    assert repr(x) == "<KerasTensor shape=(None, 3), dtype=float32, sparse=False, ragged=False, name=x>"
    y = layers.Dense(2)(x)
    assert y.shape == (None, 2) and y.name == "keras_tensor" and y.ndim == 2
    assert keras.Input(shape=(4,), dtype="int32").dtype == np.int32
    layer = y._keras_history.operation
    assert layer.output is y and layer.input is x and layer.built


def test_symbolic_tensors_explain_what_to_use_instead():
    x = keras.Input(shape=(3,))
    with pytest.raises(TypeError, match=r"keras.layers.Add\(\)\(\[a, b\]\)"):
        x + x
    with pytest.raises(TypeError, match="no tiene valores"):
        np.asarray(x)
    with pytest.raises(TypeError, match="valor concreto"):
        layers.Add()([x, np.ones((1, 3))])
    with pytest.raises(TypeError, match="sale de la capa dense, no de un keras.Input"):
        keras.Model(layers.Dense(3)(x), x)
    with pytest.raises(ValueError, match="Grafo desconectado.*añádela"):
        other = keras.Input(shape=(3,))
        keras.Model(x, layers.Add()([x, other]))
    with pytest.raises(ValueError, match="Input: sparse=True no está disponible"):
        keras.Input(shape=(3,), sparse=True)


def test_shared_layer_has_one_set_of_weights_and_two_nodes():
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(3,))
    shared = layers.Dense(2)
    model = keras.Model([a, b], layers.Subtract()([shared(a), shared(b)]))
    assert len(shared._inbound_nodes) == 2 and len(model.weights) == 2
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    np.testing.assert_allclose(model.predict([x, x], verbose=0), 0, atol=1e-6)
    with pytest.raises(AttributeError, match="se llamó 2 veces"):
        shared.output


def test_inputs_as_list_or_dict_and_errors_name_the_inputs():
    a, b = keras.Input(shape=(2,), name="a"), keras.Input(shape=(3,), name="b")
    model = keras.Model([a, b], layers.Concatenate()([a, b]))
    xa, xb = np.ones((2, 2)), np.zeros((2, 3))
    np.testing.assert_array_equal(model([xa, xb]).numpy(), model({"b": xb, "a": xa}).numpy())
    with pytest.raises(ValueError, match=r"tiene 2 entradas \(a, b\) y recibió un solo array"):
        model(xa)
    with pytest.raises(ValueError, match=r"sin las entradas \['b'\]"):
        model({"a": xa})
    with pytest.raises(ValueError, match=r"La entrada 'b' del modelo esperaba datos de forma \(None, 3\) y recibió "
                                         r"\(2, 4\)"):
        model.predict([xa, np.zeros((2, 4))], verbose=0)


def test_model_inside_functional_model_and_gradients_flow_through_it():
    inner_in = keras.Input(shape=(3,))
    inner = keras.Model(inner_in, layers.Dense(2, activation="tanh")(inner_in), name="inner")
    x = keras.Input(shape=(3,))
    outer = keras.Model(x, layers.Dense(1)(inner(x)))
    assert [l.name for l in outer.layers][1] == "inner" and len(outer.weights) == 4
    data = np.random.default_rng(1).normal(size=(5, 3))
    assert gradcheck(lambda t: inner.call(t), data)
    expected = outer.layers[2](inner(data))
    np.testing.assert_allclose(outer(data).numpy(), expected.numpy(), rtol=1e-6)
    inner.trainable = False
    assert len(outer.trainable_weights) == 2 and all(not l.trainable for l in inner.layers)


def test_layer_output_extracts_intermediate_features_from_a_sequential():
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(3, activation="relu"), layers.Dense(2)])
    features = keras.Model(model.inputs, [layer.output for layer in model.layers])
    x = np.random.default_rng(2).normal(size=(2, 4))
    hidden, out = features.predict(x, verbose=0)
    assert hidden.shape == (2, 3)
    np.testing.assert_allclose(out, model.predict(x, verbose=0), rtol=1e-6)


def test_functional_training_flag_reaches_dropout_and_batch_norm():
    x = keras.Input(shape=(50,))
    model = keras.Model(x, layers.Dropout(0.5)(x))
    ones = np.ones((4, 50), dtype=np.float32)
    np.testing.assert_array_equal(model(ones).numpy(), ones)
    assert (model(ones, training=True).numpy() == 0).any()
    always = keras.Model(x, layers.Dropout(0.5)(x, training=True))  # training fijado al construir: manda
    assert (always(ones).numpy() == 0).any()


def test_config_round_trip_with_shared_layers_nested_models_and_dict_outputs():
    a = keras.Input(shape=(3,), name="a")
    inner = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(3)], name="interior")
    shared = layers.Dense(3, name="shared")
    h = layers.Add()([shared(a), shared(inner(a))])
    model = keras.Model({"a": a}, {"uno": layers.Dense(1, name="uno")(h), "dos": layers.Dense(2, name="dos")(h)})
    config = model.get_config()
    assert config["input_layers"] == {"a": ["a", 0, 0]}
    assert config["output_layers"] == {"uno": ["uno", 0, 0], "dos": ["dos", 0, 0]}
    copy = keras.Model.from_config(config)
    copy.set_weights(model.get_weights())
    x = {"a": np.random.default_rng(3).normal(size=(2, 3))}
    for key in ("uno", "dos"):
        np.testing.assert_allclose(copy.predict(x, verbose=0)[key], model.predict(x, verbose=0)[key], rtol=1e-6)
    assert copy.get_config() == config


def test_legacy_tf_keras_inbound_nodes_format_is_read():
    config = {"name": "viejo", "layers": [
        {"class_name": "InputLayer", "name": "x", "config": {"batch_shape": [None, 2], "name": "x"},
         "inbound_nodes": []},
        {"class_name": "Dense", "name": "d", "config": {"units": 1, "name": "d"}, "inbound_nodes": [[["x", 0, 0, {}]]]},
    ], "input_layers": [["x", 0, 0]], "output_layers": [["d", 0, 0]]}
    model = keras.Model.from_config(config)
    assert model.name == "viejo" and model.output_shape == (None, 1)  # [salida] es una sola salida, como Keras
    assert model.predict(np.ones((3, 2)), verbose=0).shape == (3, 1)


def test_summary_of_a_chain_is_sequential_like_and_lists_the_input(capsys):
    x = keras.Input(shape=(3,), name="x")
    keras.Model(x, layers.Dense(2)(x)).summary()
    text = capsys.readouterr().out
    assert "Connected to" not in text and "│ x (InputLayer)                  │ (None, 3)              │" in text


def test_merge_layers_gradcheck_and_errors():
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 4))
    for layer in (layers.Add(), layers.Subtract(), layers.Multiply(), layers.Average(), layers.Maximum(),
                  layers.Minimum(), layers.Concatenate(axis=1), layers.Dot(axes=(2, 2), normalize=True)):
        layer.dtype = np.dtype("float64")
        assert gradcheck(lambda p, q, layer=layer: layer.call([p, q]), a, b), type(layer).__name__
    with pytest.raises(ValueError, match=r"se llama con una lista de tensores, p. ej. Add\(\)\(\[a, b\]\)"):
        layers.Add()(np.ones((2, 3)))
    with pytest.raises(ValueError, match="necesita exactamente 2 entradas y recibió 3"):
        layers.Subtract()([a, a, a])
    with pytest.raises(ValueError, match="cada eje debe tener el mismo tamaño"):
        layers.Add()([np.ones((2, 3)), np.ones((2, 4))])
    with pytest.raises(ValueError, match="iguales salvo en el eje -1"):
        layers.Concatenate()([np.ones((2, 3, 1)), np.ones((2, 4, 1))])
    with pytest.raises(ValueError, match="no se puede sumar sobre el eje 0"):
        layers.Dot(axes=0)([a, b])
    masked = layers.Multiply()
    with pytest.raises(ValueError, match="con entradas enmascaradas .* no está disponible"):
        masked.call_with_mask([Tensor(a), Tensor(b)], False, [np.ones((2, 3), bool), None])
    assert layers.Add().compute_mask([a, b], [np.array([True, False]), np.array([False, False])]).tolist() == [
        True, False]
    assert layers.add([keras.Input(shape=(2,)), keras.Input(shape=(2,))]).shape == (None, 2)


def test_functional_and_nested_models_save_and_load(tmp_path):
    """Un modelo funcional y un Sequential dentro de otro se guardan y se cargan (más casos en test_saving.py)."""
    x = keras.Input(shape=(3,))
    functional = keras.Model(x, layers.Dense(2)(x))
    nested = keras.Sequential([keras.Input(shape=(3,)), keras.Sequential([layers.Dense(2)], name="dentro")])
    data = np.ones((2, 3), np.float32)
    for model in (functional, nested):
        model.save(tmp_path / "m.keras")
        np.testing.assert_array_equal(keras.models.load_model(tmp_path / "m.keras").predict(data, verbose=0),
                                      model.predict(data, verbose=0))
