"""Con Keras 3 instalado (TensorFlow, JAX o PyTorch): los modelos entrenados aquí se abren en Keras
con las mismas predicciones y siguen entrenando igual (el estado del optimizador viaja).

Es una prueba `slow` y se salta sin Keras: TensorFlow nunca es dependencia de tinygrad_es. Para
ejecutarla, en un entorno con Keras 3 y tinygrad_es instalado: `python -m pytest -m slow
tests/keras/test_keras_interop.py`. El otro sentido (archivos de Keras cargados aquí) lo
comprueban, sin Keras, los archivos de tests/fixtures/keras (test_keras_files.py).
"""
import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tinygrad_es import keras as tk

pytestmark = pytest.mark.slow
ROOT = pathlib.Path(__file__).parent.parent.parent
rng = np.random.default_rng(0)
# Keras se ejecuta en otro proceso: aquí el nombre `keras` es el paquete de pruebas tests/keras.
IN_KERAS = textwrap.dedent("""
    import sys
    import keras
    import numpy as np

    folder = sys.argv[1]
    data = np.load(folder + "/datos.npz")
    x, y = data["x"], data["y"]
    model = keras.models.load_model(folder + "/m.keras")
    out = {"pred": model.predict(x, verbose=0), "iterations": int(model.optimizer.iterations.numpy())}
    if data["step"]:
        model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
        out["pred_step"] = model.predict(x, verbose=0)
    clone = keras.models.load_model(folder + "/m.keras")
    clone.load_weights(folder + "/m.weights.h5")
    out["pred_weights"] = clone.predict(x, verbose=0)
    np.savez(folder + "/keras.npz", **out)
""")


@pytest.fixture(scope="module")
def run_in_keras(tmp_path_factory):
    check = "import keras, sys; sys.exit(0 if keras.__version__.startswith('3.') else 1)"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    cwd = tmp_path_factory.mktemp("keras")
    if subprocess.run([sys.executable, "-c", check], cwd=cwd, env=env, capture_output=True).returncode != 0:
        pytest.skip("Keras 3 no está instalado en este entorno")

    def run(folder):
        result = subprocess.run([sys.executable, "-c", IN_KERAS, str(folder)], cwd=cwd, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
        return np.load(folder / "keras.npz")
    return run


def cnn_with_batch_norm():
    """La convolucional del curso con BatchNormalization tras cada convolución."""
    L = tk.layers
    model = tk.Sequential([tk.Input(shape=(28, 28, 1)), L.Conv2D(32, (3, 3), activation="relu"),
                           L.BatchNormalization(), L.Conv2D(32, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)),
                           L.Conv2D(64, (3, 3), activation="relu"), L.BatchNormalization(), L.MaxPooling2D((2, 2)),
                           L.Flatten(), L.Dropout(0.5), L.Dense(10, activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


def layer_zoo():
    """Todas las demás capas que tinygrad_es y Keras comparten, con opciones no por defecto."""
    L = tk.layers
    model = tk.Sequential([tk.Input(shape=(6,), dtype="int32"), L.Embedding(10, 4), L.GRU(5, return_sequences=True),
                           L.SimpleRNN(4, return_sequences=True), L.LSTM(6, go_backwards=True, return_sequences=True),
                           L.Reshape((6, 6, 1)), L.Conv2D(3, (2, 2), strides=(2, 2), padding="same",
                                                          activation="tanh", use_bias=False),
                           L.BatchNormalization(center=False, momentum=0.9), L.AveragePooling2D((2, 2), padding="same"),
                           L.Conv2D(4, (2, 2), dilation_rate=(2, 2), padding="same"), L.GlobalMaxPooling2D(),
                           L.Dense(6), L.LeakyReLU(negative_slope=0.2), L.Reshape((3, 2)), L.Flatten(),
                           L.Activation("sigmoid")])
    model.compile(loss="mse", optimizer=tk.optimizers.Nadam(learning_rate=0.01))
    return model


def course_models():
    sys.path.insert(0, str(ROOT))
    from benchmarks.common import course_model

    yield "mlp", course_model(tk, "mlp"), (784,), 10, None
    yield "cnn+bn", cnn_with_batch_norm(), (28, 28, 1), 10, None
    yield "lstm", course_model(tk, "lstm"), (40, 57), 57, None
    yield "zoo", layer_zoo(), (6,), 6, "int"
    for name, optimizer in [("sgd", tk.optimizers.SGD(0.1, momentum=0.9, nesterov=True)),
                            ("rmsprop", tk.optimizers.RMSprop(0.01, momentum=0.5, centered=True)),
                            ("adagrad", "adagrad"), ("adadelta", tk.optimizers.Adadelta(1.0)),
                            ("adam", tk.optimizers.Adam(0.01, amsgrad=True)), ("adamax", "adamax")]:
        model = tk.Sequential([tk.Input(shape=(5,), dtype="float64"), tk.layers.Dense(4, activation="tanh",
                                                                                       dtype="float64"),
                               tk.layers.Dense(3, dtype="float64")])
        model.compile(loss="mse", optimizer=optimizer)
        yield name, model, (5,), 3, None


def data(shape, outputs, kind, n=16):
    x = rng.integers(0, 10, (n,) + shape).astype("int32") if kind == "int" else rng.random((n,) + shape, "float32")
    return x, np.eye(outputs, dtype="float32")[rng.integers(0, outputs, n)]


@pytest.mark.parametrize("index", range(10))
def test_model_trained_here_loads_in_keras(index, run_in_keras, tmp_path):
    name, model, shape, outputs, kind = list(course_models())[index]
    x, y = data(shape, outputs, kind)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    step = not any(type(layer).__name__ == "Dropout" for layer in model.layers)  # un paso más, sin azar
    np.savez(tmp_path / "datos.npz", x=x, y=y, step=step)
    theirs = run_in_keras(tmp_path)
    close = dict(rtol=1e-4, atol=1e-5, err_msg=name)
    ours = model.predict(x, verbose=0)
    np.testing.assert_allclose(theirs["pred"], ours, **close)
    np.testing.assert_allclose(theirs["pred_weights"], ours, **close)
    assert theirs["iterations"] == model.optimizer.iterations
    if step:
        model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
        np.testing.assert_allclose(theirs["pred_step"], model.predict(x, verbose=0), **close)
