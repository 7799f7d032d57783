"""Pruebas de save/load_model y save_weights/load_weights: ida y vuelta, sin pickle, escritura
atómica y errores claros con archivos truncados o de otra arquitectura."""
import json
import os
import zipfile

import numpy as np
import pytest

from tinygrad_es import keras
from tinygrad_es.keras import Input, Sequential
from tinygrad_es.keras.layers import LSTM, BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from tinygrad_es.keras.saving import ModelFileError

rng = np.random.default_rng(0)


def trained_cnn():
    model = Sequential([Input(shape=(8, 8, 1)), Conv2D(3, 3, activation="relu"), BatchNormalization(),
                        MaxPooling2D(), Flatten(), Dropout(0.2), Dense(4, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    x = rng.random((32, 8, 8, 1)).astype(np.float32)
    model.fit(x, rng.integers(0, 4, 32), batch_size=8, epochs=1, verbose=0)
    return model, x


def test_save_and_load_model_round_trip(tmp_path):
    model, x = trained_cnn()
    path = tmp_path / "modelo.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert loaded.name == model.name and loaded.input_shape == (None, 8, 8, 1)
    assert type(loaded.optimizer).__name__ == "Adam" and loaded.optimizer.learning_rate == pytest.approx(0.01)
    loss, accuracy = loaded.evaluate(x, rng.integers(0, 4, 32), verbose=0)  # viene compilado
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    assert not [p for p in os.listdir(tmp_path) if p != "modelo.keras"]  # ni rastro del temporal


def test_model_file_is_json_plus_arrays_without_pickle(tmp_path):
    model, _ = trained_cnn()
    path = str(tmp_path / "m.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["config.json", "model.weights.npz"]
        config = json.loads(archive.read("config.json"))
        assert [l["class_name"] for l in config["config"]["layers"]][:3] == ["InputLayer", "Conv2D",
                                                                             "BatchNormalization"]
        archive.extract("model.weights.npz", tmp_path)
    with np.load(tmp_path / "model.weights.npz", allow_pickle=False) as data:
        assert len(data.files) == len(model.get_weights()) + 1


def test_lstm_model_round_trip_keeps_forget_bias_config(tmp_path):
    model = Sequential([Input(shape=(5, 3)), LSTM(4), Dense(2)])
    path = tmp_path / "lstm.keras"
    model.save(path)
    loaded = keras.models.load_model(path, compile=False)
    assert loaded.layers[0].unit_forget_bias and not loaded.compiled
    x = rng.random((2, 5, 3))
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_save_weights_and_load_weights(tmp_path):
    model, x = trained_cnn()
    path = str(tmp_path / "pesos.weights.h5")
    model.save_weights(path)
    other, _ = trained_cnn()
    other.load_weights(path)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def test_truncated_model_file_is_explained(tmp_path):
    model, _ = trained_cnn()
    path = tmp_path / "m.keras"
    model.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="truncado o dañado.*vuelve a guardarlo"):
        keras.models.load_model(path)
    weights = tmp_path / "w.weights.h5"
    model.save_weights(str(weights))
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(ValueError, match="truncado o dañado"):
        model.load_weights(str(weights))


def test_weights_of_another_architecture_name_first_mismatch(tmp_path):
    keras.clear_session()
    model = Sequential([Input(shape=(4,)), Dense(8), Dense(3)])
    path = str(tmp_path / "w.weights.h5")
    model.save_weights(path)
    wider = Sequential([Input(shape=(4,)), Dense(16), Dense(3)])
    with pytest.raises(ModelFileError, match=r"el peso 'kernel' de la capa dense_2 \(Dense\) tiene forma \(4, 16\) y "
                                             r"en el archivo \(dense/kernel\) tiene forma \(4, 8\).*otra arquitectura"):
        wider.load_weights(path)
    deeper = Sequential([Input(shape=(4,)), Dense(8), Dense(3), Dense(3)])
    with pytest.raises(ModelFileError, match="el archivo tiene 4 pesos y el modelo 6"):
        deeper.load_weights(path)
    before = wider.get_weights()
    for got, want in zip(wider.get_weights(), before):  # un error no deja pesos a medias
        np.testing.assert_array_equal(got, want)


def test_failed_save_keeps_previous_file(tmp_path, monkeypatch):
    model, _ = trained_cnn()
    path = tmp_path / "m.keras"
    model.save(path)
    original = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disco lleno")

    monkeypatch.setattr(np, "savez", crash)
    with pytest.raises(OSError, match="disco lleno"):
        model.save(path)
    assert path.read_bytes() == original and os.listdir(tmp_path) == ["m.keras"]


def test_not_a_tinygrad_model_and_bad_extensions(tmp_path):
    model, _ = trained_cnn()
    other = tmp_path / "otro.keras"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("config.json", json.dumps({"class_name": "Functional"}))
        archive.writestr("model.weights.npz", b"")
    with pytest.raises(ModelFileError, match="no es un modelo guardado con tinygrad_es"):
        keras.models.load_model(other)
    with pytest.raises(ValueError, match="extensión .keras"):
        model.save(tmp_path / "modelo.pkl")
    with pytest.raises(ValueError, match=".weights.h5"):
        model.save_weights(str(tmp_path / "pesos.txt"))
    with pytest.raises(FileExistsError, match="overwrite=False"):
        model.save(other, overwrite=False)
