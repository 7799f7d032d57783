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

from .subclassed_model import Subclassed

FIXTURES = pathlib.Path(__file__).parent.parent / "fixtures" / "keras"
SEQUENTIAL = ["mlp", "cnn", "lstm", "recurrent_zoo", "image_zoo", "float64", "wrappers", "conv_zoo", "sequence_zoo"]
FUNCTIONAL = ["functional", "functional_multi", "nested"]
OPTIMIZERS = ["opt_sgd", "opt_rmsprop", "opt_adagrad", "opt_adadelta", "opt_adam", "opt_adamax", "opt_nadam",
              "opt_adamw", "opt_lion", "opt_ftrl", "opt_adafactor", "opt_schedule", "opt_ema"]
TOLERANCE = {"float64": dict(rtol=1e-6, atol=1e-6)}  # Keras calcula la pérdida del modelo float64 en float32


def expected(name):
    return np.load(FIXTURES / f"{name}.npz")


def structure(data, prefix):
    """El array `prefix`, o el diccionario {salida: array} de las claves `prefix__<salida>` (modelos con nombres)."""
    if prefix in data:
        return data[prefix]
    return {key[len(prefix) + 2:]: data[key] for key in data.files if key.startswith(prefix + "__")}


def assert_close(name, got, want):
    if isinstance(want, dict):
        assert sorted(got) == sorted(want)
        for key in want:
            assert_close(name, got[key], want[key])
        return
    np.testing.assert_allclose(got, want, **TOLERANCE.get(name, dict(rtol=1e-5, atol=1e-6)))


@pytest.mark.parametrize("name", SEQUENTIAL + FUNCTIONAL + OPTIMIZERS)
def test_keras_file_predicts_like_keras(name):
    data = expected(name)
    model = keras.models.load_model(FIXTURES / f"{name}.keras")
    assert_close(name, model.predict(structure(data, "x"), verbose=0), structure(data, "pred"))


@pytest.mark.parametrize("name", ["cnn", "lstm", "image_zoo", "float64", "wrappers"] + FUNCTIONAL + OPTIMIZERS)
def test_optimizer_state_continues_training_like_keras(name):
    """Un paso más de fit tras cargar da lo mismo que en Keras: iteraciones, tasa y slots cargados."""
    data = expected(name)
    x, y = structure(data, "x"), structure(data, "y_step")
    model = keras.models.load_model(FIXTURES / f"{name}.keras")
    assert model.optimizer.iterations > 0
    size = len(next(iter(x.values()))) if isinstance(x, dict) else len(x)
    model.fit(x, y, batch_size=size, epochs=1, shuffle=False, verbose=0)
    assert_close(name, model.predict(x, verbose=0), structure(data, "pred_step"))


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


@pytest.mark.parametrize("name", SEQUENTIAL + FUNCTIONAL + OPTIMIZERS)
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
    assert_same_config(ours, theirs)
    if keras_config["compile_config"]:
        mine, keras_compile = ours["compile_config"], theirs["compile_config"]
        for key in ("loss", "loss_weights", "metrics", "weighted_metrics"):
            assert mine.get(key) == keras_compile.get(key), key
        assert mine["optimizer"]["class_name"] == keras_compile["optimizer"]["class_name"]
        for key, value in mine["optimizer"]["config"].items():
            theirs = keras_compile["optimizer"]["config"][key]
            if isinstance(value, dict):  # un programa de tasas: otro objeto serializado
                assert_same_config(value, theirs)
            else:
                assert value == pytest.approx(theirs), key


def assert_same_config(ours, theirs):
    """Cada clave que escribimos existe en la configuración de Keras, con el mismo valor (en las capas
    de dentro de un modelo, también); Keras puede tener más (las opciones que tinygrad_es no tiene)."""
    for key in ("module", "class_name", "registered_name"):
        assert ours.get(key) == theirs.get(key), (ours.get("class_name"), key)
    for key, value in ours["config"].items():
        if key == "layers":
            for mine, keras_layer in zip(value, theirs["config"]["layers"], strict=True):
                assert mine.get("inbound_nodes") == keras_layer.get("inbound_nodes"), mine["class_name"]
                assert_same_config(mine, keras_layer)
        elif key not in ("dtype",) or ours["class_name"] not in ("Sequential", "Functional"):
            assert value == theirs["config"][key], (ours["class_name"], key)


def test_unknown_model_class_is_explained(tmp_path):
    with zipfile.ZipFile(FIXTURES / "mlp.keras") as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["class_name"] = "MiModelo"
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "m.keras", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ModelFileError, match="guarda un modelo 'MiModelo'.*custom_objects=.*load_weights"):
        keras.models.load_model(tmp_path / "m.keras")


def h5_file_tree(path) -> dict:
    with open(path, "rb") as f:
        return h5_tree(f.read())


def test_subclassed_model_weights_from_keras_and_back(tmp_path):
    """Los pesos de una subclase van por el nombre de cada atributo ('oculta/vars', 'bloque/dense/vars') o,
    si el atributo va después de 'layers' en orden alfabético, en 'layers/dense_2' (como los guarda Keras)."""
    data = expected("subclassed")
    keras.clear_session()  # los nombres de las capas ('dense', 'dense_1'...) van en el archivo, como en Keras
    model = Subclassed()
    model.compile(optimizer=keras.optimizers.Adam(name="adam_1"), loss="mse")  # el nombre que le dio Keras
    model(data["x"])  # construir
    model.load_weights(FIXTURES / "subclassed.weights.h5")
    assert_close("subclassed", model.predict(data["x"], verbose=0), data["pred"])
    assert model.optimizer.iterations == 2
    model.save_weights(tmp_path / "copia.weights.h5")
    assert h5_file_tree(tmp_path / "copia.weights.h5") == h5_file_tree(FIXTURES / "subclassed.weights.h5")
