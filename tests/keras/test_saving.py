"""save/load_model y save_weights/load_weights con modelos de tinygrad_es: ida y vuelta (con el
optimizador), escritura atómica con permisos como open(), errores claros y los archivos del
formato anterior de tinygrad_es, que siguen cargándose."""
import os
import pathlib
import stat
import zipfile

import h5py
import numpy as np
import pytest

from tinygrad_es import keras
from tinygrad_es.keras import Input, Sequential
from tinygrad_es.keras.layers import LSTM, BatchNormalization, Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from tinygrad_es.keras.saving import ModelFileError, weights_io

OLD_FORMAT = pathlib.Path(__file__).parent.parent / "fixtures" / "tinygrad_es_v1"
rng = np.random.default_rng(0)
SAME = dict(rtol=1e-5, atol=1e-7)  # mismos pesos; los kernels de hoy pueden sumar en otro orden que los de entonces


def cnn(dropout=0.2):
    return Sequential([Input(shape=(8, 8, 1)), Conv2D(3, 3, activation="relu"), BatchNormalization(),
                       MaxPooling2D(), Flatten(), Dropout(dropout), Dense(4, activation="softmax")])


def trained_cnn(dropout=0.2):
    model = cnn(dropout)
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
    assert os.listdir(tmp_path) == ["modelo.keras"]  # ni rastro de los temporales
    with zipfile.ZipFile(path) as archive:  # el formato de Keras 3, sin pickle ni npz
        assert archive.namelist() == ["metadata.json", "config.json", "model.weights.h5"]


def test_training_continues_after_loading_as_if_never_saved(tmp_path):
    """El estado del optimizador (iteraciones, momentos de Adam) se guarda y se recupera."""
    model, x = trained_cnn(dropout=0.0)  # sin azar en el paso de entrenamiento
    y = rng.integers(0, 4, 32)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.optimizer.iterations == model.optimizer.iterations == 4
    for net in (model, loaded):
        net.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6, atol=1e-7)


def test_lstm_model_round_trip_keeps_forget_bias_config(tmp_path):
    model = Sequential([Input(shape=(5, 3)), LSTM(4), Dense(2)])
    path = tmp_path / "lstm.keras"
    model.save(path)
    loaded = keras.models.load_model(path, compile=False)
    assert loaded.layers[0].unit_forget_bias and not loaded.compiled
    x = rng.random((2, 5, 3))
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_float64_model_round_trip(tmp_path):
    model = Sequential([Input(shape=(3,), dtype="float64"), Dense(2, dtype="float64")])
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].kernel.dtype == np.float64
    np.testing.assert_array_equal(loaded.get_weights()[0], model.get_weights()[0])


def test_save_weights_and_load_weights(tmp_path):
    model, x = trained_cnn()
    path = tmp_path / "pesos.weights.h5"
    model.save_weights(path)
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89HDF\r\n\x1a\n"
    other, _ = trained_cnn()
    other.load_weights(path)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
    assert other.optimizer.iterations == model.optimizer.iterations  # como Keras: el optimizador va incluido
    full = cnn()
    full.load_weights(tmp_path / "pesos.weights.h5")
    model.save(tmp_path / "m.keras")
    full.load_weights(tmp_path / "m.keras")  # un modelo completo también vale
    np.testing.assert_array_equal(full.predict(x, verbose=0), model.predict(x, verbose=0))


def test_truncated_files_are_explained(tmp_path):
    model, _ = trained_cnn()
    path = tmp_path / "m.keras"
    model.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match=r"'.*m.keras'.*truncado o dañado.*vuelve a guardarlo"):
        keras.models.load_model(path)
    weights = tmp_path / "w.weights.h5"
    model.save_weights(weights)
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(ModelFileError, match=r"'.*w.weights.h5'.*truncado o dañado"):
        model.load_weights(weights)


def test_weights_of_another_architecture_name_first_mismatch(tmp_path):
    keras.clear_session()
    model = Sequential([Input(shape=(4,)), Dense(8), Dense(3)])
    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    wider = Sequential([Input(shape=(4,)), Dense(16), Dense(3)])
    before = wider.get_weights()
    with pytest.raises(ModelFileError, match=r"'layers/dense/vars/0' \(la capa dense_2 \(Dense\), peso 'kernel'\) "
                                             r"tiene forma \(4, 8\) y el modelo necesita \(4, 16\).*otra arquitectura"):
        wider.load_weights(path)
    for got, want in zip(wider.get_weights(), before):  # un error no deja pesos a medias
        np.testing.assert_array_equal(got, want)
    deeper = Sequential([Input(shape=(4,)), Dense(8), Dense(3), Dense(3)])
    with pytest.raises(ModelFileError, match="el archivo tiene 2 capas y el modelo 3"):
        deeper.load_weights(path)


def test_failed_save_keeps_previous_file(tmp_path, monkeypatch):
    model, _ = trained_cnn()
    path = tmp_path / "m.keras"
    model.save(path)
    original = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disco lleno")

    monkeypatch.setattr(weights_io, "write_weights_h5", crash)
    with pytest.raises(OSError, match="disco lleno"):
        model.save(path)
    assert path.read_bytes() == original and os.listdir(tmp_path) == ["m.keras"]


def test_saved_files_get_umask_permissions_and_keep_them_on_overwrite(tmp_path):
    model, _ = trained_cnn()
    old = os.umask(0o022)
    try:
        model.save(tmp_path / "m.keras")
        model.save_weights(tmp_path / "m.weights.h5")
    finally:
        os.umask(old)
    for name in ("m.keras", "m.weights.h5"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o644
        os.chmod(tmp_path / name, 0o600)
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    assert all(stat.S_IMODE(os.stat(tmp_path / n).st_mode) == 0o600 for n in ("m.keras", "m.weights.h5"))


def test_save_through_symlink_rewrites_target(tmp_path):
    model, x = trained_cnn()
    (tmp_path / "modelos").mkdir()
    target = tmp_path / "modelos" / "ultimo.keras"
    model.save(target)
    (tmp_path / "enlace.keras").symlink_to(target)
    model.fit(x, rng.integers(0, 4, 32), epochs=1, verbose=0)
    model.save(tmp_path / "enlace.keras")
    assert (tmp_path / "enlace.keras").is_symlink()
    loaded = keras.models.load_model(target)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_bad_targets_and_extensions(tmp_path):
    model, _ = trained_cnn()
    with pytest.raises(ValueError, match="no termina en .keras.*model.save\\('modelo.keras'\\)"):
        model.save(tmp_path / "modelo.h5")
    with pytest.raises(ValueError, match=".weights.h5"):
        model.save_weights(tmp_path / "pesos.txt")
    with pytest.raises(FileNotFoundError, match=r"'.*falta/m.keras'.*no existe"):
        model.save(tmp_path / "falta" / "m.keras")
    (tmp_path / "carpeta.keras").mkdir()
    with pytest.raises(IsADirectoryError, match="carpeta.keras.*es una carpeta"):
        model.save(tmp_path / "carpeta.keras")
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError, match="overwrite=False"):
        model.save(tmp_path / "m.keras", overwrite=False)
    with pytest.raises(ValueError, match="no está construido"):
        Sequential([Dense(2)]).save_weights(tmp_path / "x.weights.h5")


class WithConfig(keras.Model):
    """Una subclase que se describe (get_config): se guarda en .keras como en Keras, y al cargarla su clase
    llega por custom_objects."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = Dense(units)

    def call(self, x):
        return self.hidden(x)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class WithoutConfig(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = Dense(2)

    def call(self, x):
        return self.hidden(x)


def test_subclassed_models_save_with_get_config_and_load_with_custom_objects(tmp_path):
    """model.save de una subclase con get_config, sola o dentro de un modelo funcional, y de vuelta con
    custom_objects; sin get_config, el error dice que se guarden los pesos y no queda ningún archivo."""
    x = rng.normal(size=(4, 2)).astype("float32")
    model = WithConfig(units=4, name="mio")
    model(x)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"WithConfig": WithConfig})
    assert type(loaded) is WithConfig and loaded.units == 4 and loaded.name == "mio"
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    inputs = Input(shape=(2,))
    outer = keras.Model(inputs, Dense(1)(WithConfig(name="dentro")(inputs)))
    outer.save(tmp_path / "outer.keras")
    again = keras.models.load_model(tmp_path / "outer.keras", custom_objects={"WithConfig": WithConfig})
    np.testing.assert_array_equal(again.predict(x, verbose=0), outer.predict(x, verbose=0))
    bare = WithoutConfig()
    bare(x)
    with pytest.raises(NotImplementedError, match=r"El modelo subclase WithoutConfig no sabe describirse.*save_weights"):
        bare.save(tmp_path / "sin.keras")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras", "outer.keras"]


def test_missing_file_and_directory_are_model_file_errors(tmp_path):
    model, _ = trained_cnn()
    with pytest.raises(ModelFileError, match=r"No existe el archivo '.*nada.keras'") as caught:
        keras.models.load_model(tmp_path / "nada.keras")
    assert isinstance(caught.value, FileNotFoundError)  # `except FileNotFoundError` sigue valiendo
    with pytest.raises(ModelFileError, match="es una carpeta"):
        keras.models.load_model(tmp_path)
    with pytest.raises(ModelFileError, match="No existe el archivo"):
        model.load_weights(tmp_path / "nada.weights.h5")


def test_old_tinygrad_es_files_still_load():
    """Archivos del formato anterior (JSON + npz), escritos por la versión que los escribía."""
    data = np.load(OLD_FORMAT / "expected.npz")
    loaded = keras.models.load_model(OLD_FORMAT / "cnn.keras")
    np.testing.assert_allclose(loaded.predict(data["x_cnn"], verbose=0), data["pred_cnn"], **SAME)
    assert type(loaded.optimizer).__name__ == "Adam"
    for path in ("cnn.weights.h5", "cnn.keras"):  # el npz de save_weights y el del modelo completo
        model = cnn()
        model.load_weights(OLD_FORMAT / path)
        np.testing.assert_allclose(model.predict(data["x_cnn"], verbose=0), data["pred_cnn"], **SAME)
    lstm = keras.models.load_model(OLD_FORMAT / "lstm.keras")
    np.testing.assert_allclose(lstm.predict(data["x_lstm"], verbose=0), data["pred_lstm"], **SAME)


def functional_with_two_outputs():
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(3,), name="b")
    h = keras.layers.Concatenate()([Dense(5, activation="tanh")(a), b])
    model = keras.Model({"a": a, "b": b}, {"clase": Dense(3, activation="softmax", name="clase")(h),
                                           "valor": Dense(1, name="valor")(h)}, name="varias")
    model.compile(optimizer="adam", loss={"clase": "categorical_crossentropy", "valor": "mse"},
                  loss_weights={"clase": 1.0, "valor": 0.5}, metrics={"clase": ["accuracy"], "valor": ["mae"]})
    x = {"a": rng.random((8, 4), dtype=np.float32), "b": rng.random((8, 3), dtype=np.float32)}
    y = {"clase": np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)], "valor": rng.random((8, 1), dtype=np.float32)}
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    return model, x, y


def test_functional_model_round_trip_with_named_inputs_outputs_and_compile(tmp_path):
    model, x, y = functional_with_two_outputs()
    model.save(tmp_path / "f.keras")
    loaded = keras.models.load_model(tmp_path / "f.keras")
    assert loaded.get_compile_config()["loss_weights"] == {"clase": 1.0, "valor": 0.5}
    for net in (model, loaded):
        net.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    ours, theirs = model.predict(x, verbose=0), loaded.predict(x, verbose=0)
    for key in ("clase", "valor"):
        np.testing.assert_allclose(theirs[key], ours[key], rtol=1e-6, atol=1e-7)


def test_models_inside_models_and_custom_layers_with_layers_inside(tmp_path):
    """Un Sequential dentro de un funcional, y una capa propia con una Dense dentro: sus pesos van por
    el nombre del atributo, como en Keras."""

    class Block(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Dense(3)

        def call(self, x, training=False):
            return self.inner(x).relu()

    inner = Sequential([Input(shape=(4,)), Dense(3), BatchNormalization()], name="interno")
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, Block(name="bloque")(Dense(2)(inner(inputs))))
    x = rng.random((5, 4), dtype=np.float32)
    model.save_weights(tmp_path / "m.weights.h5")
    other = keras.Model.from_config(model.get_config(), deserialize_layer=lambda e: (
        Block.from_config(e["config"]) if e["class_name"] == "Block" else keras.layers.deserialize(e)))
    other.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))
    with h5py.File(tmp_path / "m.weights.h5") as f:
        assert "layers/sequential/layers/batch_normalization/vars/3" in f and "layers/block/inner/vars/1" in f
    model.save(tmp_path / "m.keras")
    with pytest.raises(ModelFileError, match=r"usa la capa 'bloque' \(Block\), que tinygrad_es no tiene\. Si es una "
                                             r"clase tuya, pásala: load_model\(\.\.\., custom_objects=\{'Block': Block\}\)"):
        keras.models.load_model(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"Block": Block})
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
