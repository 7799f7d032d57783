"""Archivos escritos por Keras 3 de verdad (tests/fixtures/keras, de tests/fixtures/make_keras_files.py):
se cargan aquí con las mismas predicciones y el mismo estado del optimizador, y los que escribe
tinygrad_es tienen la misma estructura (miembros del zip, grupos y datasets del HDF5, configuración)."""
import io
import json
import pathlib
import zipfile

import h5py
import numpy as np
import pytest

from tinygrad_es import keras
from tinygrad_es.keras.saving import ModelFileError

FIXTURES = pathlib.Path(__file__).parent.parent / "fixtures" / "keras"
SEQUENTIAL = ["mlp", "cnn", "lstm", "recurrent_zoo", "image_zoo", "float64"]
OPTIMIZERS = ["opt_sgd", "opt_rmsprop", "opt_adagrad", "opt_adadelta", "opt_adam", "opt_adamax", "opt_nadam"]
TOLERANCE = {"float64": dict(rtol=1e-6, atol=1e-6)}  # Keras calcula la pérdida del modelo float64 en float32


def expected(name):
    return np.load(FIXTURES / f"{name}.npz")


def assert_close(name, got, want):
    np.testing.assert_allclose(got, want, **TOLERANCE.get(name, dict(rtol=1e-5, atol=1e-6)))


@pytest.mark.parametrize("name", SEQUENTIAL + OPTIMIZERS)
def test_keras_file_predicts_like_keras(name):
    data = expected(name)
    model = keras.models.load_model(FIXTURES / f"{name}.keras")
    assert_close(name, model.predict(data["x"], verbose=0), data["pred"])


@pytest.mark.parametrize("name", ["cnn", "lstm", "image_zoo", "float64"] + OPTIMIZERS)
def test_optimizer_state_continues_training_like_keras(name):
    """Un paso más de fit tras cargar da lo mismo que en Keras: iteraciones, tasa y slots cargados."""
    data = expected(name)
    model = keras.models.load_model(FIXTURES / f"{name}.keras")
    assert model.optimizer.iterations > 0
    model.fit(data["x"], data["y_step"], batch_size=len(data["x"]), epochs=1, shuffle=False, verbose=0)
    assert_close(name, model.predict(data["x"], verbose=0), data["pred_step"])


def test_optimizer_state_matters_in_that_test():
    """El paso anterior puede fallar: con el optimizador de cero (sin su estado) sale otra cosa."""
    data = expected("opt_adam")
    model = keras.models.load_model(FIXTURES / "opt_adam.keras")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01, amsgrad=True), loss="mse")
    model.fit(data["x"], data["y_step"], batch_size=len(data["x"]), epochs=1, shuffle=False, verbose=0)
    assert not np.allclose(model.predict(data["x"], verbose=0), data["pred_step"], rtol=1e-5, atol=1e-6)


def test_compile_config_and_names_come_from_the_file():
    model = keras.models.load_model(FIXTURES / "mlp.keras")
    assert [layer.name for layer in model.layers] == ["dense", "dropout", "dense_1", "dropout_1", "dense_2"]
    assert type(model.optimizer).__name__ == "RMSprop" and model.optimizer.learning_rate == pytest.approx(1e-3)
    loss, accuracy = model.evaluate(expected("mlp")["x"], np.eye(10)[np.arange(16) % 10], verbose=0)
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    uncompiled = keras.models.load_model(FIXTURES / "mlp.keras", compile=False)
    assert not uncompiled.compiled


def test_load_weights_from_keras_weights_file_and_from_full_model_file():
    data = expected("cnn")
    model = keras.models.load_model(FIXTURES / "cnn.keras")
    model.load_weights(FIXTURES / "cnn.weights.h5")
    assert_close("cnn", model.predict(data["x"], verbose=0), data["pred_weights"])
    assert model.optimizer.iterations == 5  # el .weights.h5 de Keras lleva también el optimizador
    model.load_weights(FIXTURES / "cnn.keras")  # un .keras completo también vale, como en Keras 3
    assert_close("cnn", model.predict(data["x"], verbose=0), data["pred"])


# ---------------------------------------------------------------- el formato de lo que se escribe aquí
def h5_tree(data: bytes) -> dict:
    """{ruta: (atributos, forma, dtype)} de todos los grupos y datasets de un HDF5."""
    tree = {}
    with h5py.File(io.BytesIO(data), "r") as f:
        f.visititems(lambda path, obj: tree.__setitem__(
            path, ({k: str(v) for k, v in obj.attrs.items()}, getattr(obj, "shape", None),
                   str(getattr(obj, "dtype", "")))))
    return tree


def archive_parts(path):
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        return ([(i.filename, i.compress_type) for i in infos], json.loads(archive.read("config.json")),
                json.loads(archive.read("metadata.json")), h5_tree(archive.read("model.weights.h5")))


def without_keras_extras(config):
    """La configuración de Keras sin lo que tinygrad_es no escribe: claves con None y contabilidad."""
    if isinstance(config, dict):
        return {k: without_keras_extras(v) for k, v in config.items()
                if v is not None and k not in ("shared_object_id", "build_config")}
    if isinstance(config, list):
        return [without_keras_extras(v) for v in config]
    return config


@pytest.mark.parametrize("name", SEQUENTIAL + ["opt_rmsprop", "opt_adam", "opt_nadam"])
def test_files_written_here_have_the_structure_keras_writes(name, tmp_path):
    """Cargar el archivo de Keras y volver a guardarlo aquí da el mismo zip, los mismos grupos y
    datasets (nombres, atributos, formas, dtypes) y una configuración que Keras lee igual."""
    model = keras.models.load_model(FIXTURES / f"{name}.keras")
    model.save(tmp_path / "copia.keras")
    members, config, metadata, tree = archive_parts(tmp_path / "copia.keras")
    keras_members, keras_config, _, keras_tree = archive_parts(FIXTURES / f"{name}.keras")
    assert members == keras_members == [("metadata.json", 0), ("config.json", 0), ("model.weights.h5", 0)]
    assert tree == keras_tree
    assert metadata["keras_version"] == "3.15.1" and "date_saved" in metadata
    ours, theirs = without_keras_extras(config), without_keras_extras(keras_config)
    assert ours["class_name"] == "Sequential" and ours["module"] == theirs["module"] == "keras"
    for mine, keras_layer in zip(ours["config"]["layers"], theirs["config"]["layers"], strict=True):
        assert mine["class_name"] == keras_layer["class_name"] and mine["module"] == keras_layer["module"]
        for key, value in mine["config"].items():  # cada clave que escribimos existe en Keras, con su valor
            assert value == keras_layer["config"][key], (mine["class_name"], key)
    if keras_config["compile_config"]:
        mine, keras_compile = ours["compile_config"], theirs["compile_config"]
        assert mine["loss"] == keras_compile["loss"] and mine.get("metrics") == keras_compile.get("metrics")
        assert mine["optimizer"]["class_name"] == keras_compile["optimizer"]["class_name"]
        for key, value in mine["optimizer"]["config"].items():
            assert value == pytest.approx(keras_compile["optimizer"]["config"].get(key)), key


def test_functional_keras_file_is_explained():
    with pytest.raises(ModelFileError, match="'Functional'.*Sequential"):
        keras.models.load_model(FIXTURES / "functional.keras")
