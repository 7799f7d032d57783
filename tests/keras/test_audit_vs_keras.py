"""Lo que la auditoría de los issues 14 y 15 encontró sin comparar con Keras: un codificador-decodificador
funcional con initial_state, class_weight con tres clases (enteras y one-hot), dos salidas en listas y un
GRU con estado en un Sequential, y un modelo subclase guardado en .keras. Mismos modelos y pesos que
tests/fixtures/make_keras_audit.py."""
import json
import pathlib
import zipfile

import numpy as np
import pytest
from fixtures import keras_audit_recipes as recipes

from tinygrad_es import keras
from tinygrad_es.keras.optimizers import SGD

FIXTURE = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "keras_audit.json").read_text("utf-8"))


@pytest.fixture(autouse=True)
def fresh_names():
    keras.clear_session()


def arrays(values, dtype=np.float32):
    return [np.asarray(v, dtype=dtype) for v in values]


def assert_history(got, expected, rtol=1e-4):
    assert sorted(got) == sorted(expected)
    for key, values in expected.items():
        np.testing.assert_allclose(got[key], values, rtol=rtol, atol=1e-6, err_msg=key)


def test_seq2seq_initial_state_from_return_state_matches_keras():
    case = FIXTURE["seq2seq"]
    model = recipes.seq2seq_model(keras)
    model.set_weights(arrays(case["weights"]))
    inputs = [np.asarray(case["source"], np.float32), np.asarray(case["target"], np.float32)]
    np.testing.assert_allclose(model.predict(inputs, verbose=0), case["predict"], rtol=1e-5, atol=1e-6)
    model.compile(optimizer=SGD(0.5), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(inputs, np.asarray(case["labels"]), batch_size=4, epochs=2, shuffle=False, verbose=0)
    assert_history(history.history, case["history"])
    for got, expected in zip(model.get_weights(), case["trained"]):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("labels", ["sparse", "one_hot"])
def test_class_weight_with_three_classes_matches_keras(labels):
    case = FIXTURE["class_weight"]
    model = recipes.classifier(keras)
    model.set_weights(arrays(case["weights"]))
    y = np.asarray(case["labels"])
    if labels == "one_hot":
        y = np.eye(3, dtype=np.float32)[y]
    loss = "sparse_categorical_crossentropy" if labels == "sparse" else "categorical_crossentropy"
    model.compile(optimizer=SGD(0.3), loss=loss, metrics=["accuracy"])
    history = model.fit(np.asarray(case["x"], np.float32), y, class_weight={0: 1.0, 1: 3.0, 2: 0.5}, batch_size=4,
                        epochs=2, shuffle=False, verbose=0)
    assert_history(history.history, case[labels])


def test_outputs_losses_weights_and_metrics_as_lists_match_keras():
    case = FIXTURE["list_outputs"]
    model = recipes.list_outputs_model(keras)
    model.set_weights(arrays(case["weights"]))
    recipes.compile_list_outputs(keras, model)
    x, ys = np.asarray(case["x"], np.float32), arrays([case["y1"], case["y2"]])
    history = model.fit(x, ys, batch_size=4, epochs=2, shuffle=False, verbose=0)
    assert_history(history.history, case["history"])
    np.testing.assert_allclose(model.evaluate(x, ys, batch_size=4, verbose=0), case["evaluate"], rtol=1e-4)


def test_stateful_gru_in_a_sequential_carries_state_between_predicts_like_keras():
    case = FIXTURE["stateful"]
    model = recipes.stateful_model(keras)
    model.set_weights(arrays(case["weights"]))
    first, second = arrays(case["chunks"])
    got = [model.predict(first, batch_size=2, verbose=0), model.predict(second, batch_size=2, verbose=0)]
    model.get_layer("gru").reset_states()
    got.append(model.predict(first, batch_size=2, verbose=0))
    np.testing.assert_allclose(np.stack(got), case["predict"], rtol=1e-5, atol=1e-6)
    assert not np.allclose(got[0], got[1])  # el segundo trozo parte del estado del primero


def test_subclassed_model_with_get_config_loads_from_keras_and_saves_the_same_file(tmp_path):
    """Keras guarda un modelo subclase con get_config en .keras (la clase la da custom_objects al cargar);
    aquí se carga ese archivo y se guarda uno con la misma configuración y los mismos pesos."""
    case = FIXTURE["subclass"]
    cls = recipes.subclass_class(keras)
    keras_file = pathlib.Path(__file__).parents[1] / "fixtures" / "keras" / "subclass.keras"
    model = keras.models.load_model(keras_file, custom_objects={"Bloques": cls})
    x = np.asarray(case["x"], np.float32)
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict"], rtol=1e-6)
    assert int(model.optimizer.iterations) == 2 and type(model).__name__ == "Bloques" and model.units == 3
    ours = tmp_path / "ours.keras"
    model.save(ours)
    with zipfile.ZipFile(keras_file) as theirs_zip, zipfile.ZipFile(ours) as ours_zip:
        theirs_config, ours_config = (json.loads(z.read("config.json")) for z in (theirs_zip, ours_zip))
    for config in (theirs_config, ours_config):
        config.pop("compile_config")
    # el módulo de la clase, como Keras (aquí se importa como fixtures.keras_audit_recipes)
    assert (theirs_config.pop("module"), ours_config.pop("module")) == ("keras_audit_recipes", cls.__module__)
    assert ours_config == theirs_config
    again = keras.models.load_model(ours, custom_objects={"Bloques": cls})
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match=r"guarda un modelo 'Bloques', una subclase de keras\.Model: pasa su clase "
                                         r"con load_model\(\.\.\., custom_objects=\{'Bloques': Bloques\}\)"):
        keras.models.load_model(keras_file)
