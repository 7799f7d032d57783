"""Con Keras 3 instalado (TensorFlow, JAX o PyTorch): los modelos entrenados aquí se abren en Keras
con las mismas predicciones y siguen entrenando igual (el estado del optimizador viaja).

Es una prueba `slow` y se salta sin Keras: TensorFlow nunca es dependencia de tinygrad_es. Para
ejecutarla, en un entorno con Keras 3 y tinygrad_es instalado: `python -m pytest -m slow
tests/keras/test_keras_interop.py`. El otro sentido (archivos de Keras cargados aquí) lo
comprueban, sin Keras, los archivos de tests/fixtures/keras (test_keras_files.py).
"""
import inspect
import os
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from tinygrad_es import keras as tk

from . import subclassed_model
from .subclassed_model import Subclassed

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
    if data["names"].size:  # entradas y salidas con nombre
        x = {name: data["x__" + name] for name in data["names"]}
        y = {name: data["y__" + name] for name in data["out_names"]}
    else:
        x, y = data["x"], data["y"]
    model = keras.models.load_model(folder + "/m.keras")
    def flat(prefix, prediction):
        if isinstance(prediction, dict):
            return {prefix + "__" + k: v for k, v in prediction.items()}
        return {prefix: prediction}

    out = {**flat("pred", model.predict(x, verbose=0)), "iterations": int(model.optimizer.iterations.numpy())}
    if data["step"]:
        model.fit(x, y, batch_size=int(data["n"]), epochs=1, shuffle=False, verbose=0)
        out.update(flat("pred_step", model.predict(x, verbose=0)))
    clone = keras.models.load_model(folder + "/m.keras")
    clone.load_weights(folder + "/m.weights.h5")
    out.update(flat("pred_weights", clone.predict(x, verbose=0)))
    np.savez(folder + "/keras.npz", **out)
""")


@pytest.fixture(scope="module")
def run_in_keras(tmp_path_factory):
    check = "import keras, sys; sys.exit(0 if keras.__version__.startswith('3.') else 1)"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    cwd = tmp_path_factory.mktemp("keras")
    if subprocess.run([sys.executable, "-c", check], cwd=cwd, env=env, capture_output=True).returncode != 0:
        pytest.skip("Keras 3 no está instalado en este entorno")

    def run(folder, script=IN_KERAS):
        result = subprocess.run([sys.executable, "-c", script, str(folder)], cwd=cwd, env=env,
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


def new_layers():
    """Envolturas y las capas que tinygrad_es añadió después del curso."""
    L = tk.layers
    wrappers = tk.Sequential([tk.Input(shape=(5, 3)), L.Bidirectional(L.LSTM(2, return_sequences=True)),
                              L.TimeDistributed(L.Dense(4)),
                              L.Bidirectional(L.GRU(2), backward_layer=L.GRU(2, go_backwards=True, reset_after=False)),
                              L.Dense(2)])
    wrappers.compile(loss="mse", optimizer="adam")
    images = tk.Sequential([tk.Input(shape=(8, 8, 2)), L.ZeroPadding2D(1), L.Conv2DTranspose(3, (3, 3), strides=(2, 2)),
                            L.Cropping2D(2), L.DepthwiseConv2D((3, 3), depth_multiplier=2),
                            L.SeparableConv2D(4, (3, 3), padding="same"), L.LayerNormalization(), L.UpSampling2D((2, 2)),
                            L.SpatialDropout2D(0.1), L.GlobalAveragePooling2D(), L.Dense(3)])
    images.compile(loss="mse", optimizer="rmsprop")
    sequences = tk.Sequential([tk.Input(shape=(8, 4)), L.Rescaling(0.5, offset=0.1), L.Conv1D(6, 3, padding="same"),
                               L.MaxPooling1D(2), L.AveragePooling1D(2, padding="same"), L.GaussianNoise(0.1),
                               L.SpatialDropout1D(0.1), L.Permute((2, 1)), L.GlobalMaxPooling1D(), L.RepeatVector(3),
                               L.Masking(0.0), L.SimpleRNN(2), L.Dense(2)])
    sequences.compile(loss="mse", optimizer="sgd")
    yield "envolturas", wrappers, (5, 3), 2, None
    yield "imágenes", images, (8, 8, 2), 3, None
    yield "secuencias", sequences, (8, 4), 2, None


def regularized():
    """Regularizadores (de pesos, recurrentes y de actividad) y restricciones: entran en la pérdida y en el paso."""
    L, R, C = tk.layers, tk.regularizers, tk.constraints
    model = tk.Sequential([tk.Input(shape=(6, 3)),
                           L.LSTM(4, kernel_regularizer=R.L2(0.01), recurrent_regularizer=R.L1(0.01),
                                  recurrent_constraint=C.MaxNorm(1.5), return_sequences=True),
                           L.Conv1D(3, 2, kernel_regularizer=R.L1(0.01), bias_constraint=C.NonNeg()), L.Flatten(),
                           L.Dense(5, kernel_regularizer=R.OrthogonalRegularizer(0.02), kernel_constraint=C.UnitNorm()),
                           L.Dense(3, kernel_regularizer=R.L1L2(0.01, 0.02), bias_regularizer=R.L2(0.05),
                                   activity_regularizer=R.L1(0.01), kernel_constraint=C.MinMaxNorm(0.5, 1.0))])
    model.compile(loss="mse", optimizer=tk.optimizers.Adam(0.05))
    return model


def functional_models():
    """Un modelo funcional con dos entradas y dos salidas con nombre, y un Sequential dentro de otro modelo."""
    L = tk.layers
    a, b = tk.Input(shape=(4,), name="a"), tk.Input(shape=(3,), name="b")
    h = L.Concatenate()([L.Dense(5, activation="tanh")(a), b])
    clase, valor = L.Dense(3, activation="softmax", name="clase")(h), L.Dense(1, name="valor")(h)
    several = tk.Model({"a": a, "b": b}, {"clase": clase, "valor": valor}, name="varias")
    several.compile(optimizer="adam", loss={"clase": "categorical_crossentropy", "valor": "mse"},
                    loss_weights={"clase": 1.0, "valor": 0.5}, metrics={"clase": ["accuracy"], "valor": ["mae"]})
    inner = tk.Sequential([tk.Input(shape=(4,)), L.Dense(3, activation="relu"), L.BatchNormalization()], name="interno")
    inputs = tk.Input(shape=(4,))
    nested = tk.Model(inputs, L.Dense(2)(inner(inputs)), name="externo")
    nested.compile(optimizer="sgd", loss="mse")
    yield "funcional", several, {"a": (4,), "b": (3,)}, {"clase": 3, "valor": 1}, None
    yield "anidado", nested, (4,), 2, None


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
                            ("adam", tk.optimizers.Adam(0.01, amsgrad=True)), ("adamax", "adamax"),
                            ("adamw", tk.optimizers.AdamW(0.01, weight_decay=0.1, amsgrad=True)),
                            ("lion", tk.optimizers.Lion(0.01)),
                            ("ftrl", tk.optimizers.Ftrl(0.1, l1_regularization_strength=0.01,
                                                        l2_shrinkage_regularization_strength=0.01)),
                            ("adafactor", tk.optimizers.Adafactor(0.1)),
                            ("programa", tk.optimizers.SGD(tk.optimizers.schedules.ExponentialDecay(
                                0.1, decay_steps=2, decay_rate=0.5), momentum=0.9)),
                            ("ema", tk.optimizers.Adam(0.01, use_ema=True, ema_momentum=0.9))]:
        model = tk.Sequential([tk.Input(shape=(5,), dtype="float64"), tk.layers.Dense(4, activation="tanh",
                                                                                       dtype="float64"),
                               tk.layers.Dense(3, dtype="float64")])
        model.compile(loss="mse", optimizer=optimizer)
        yield name, model, (5,), 3, None
    yield from new_layers()
    yield "regularizado", regularized(), (6, 3), 3, None
    yield from functional_models()


def data(shape, outputs, kind, n=16):
    """Entradas y salidas de ejemplo (diccionarios por nombre si el modelo los usa)."""
    if isinstance(shape, dict):
        return ({name: data(s, 1, kind, n)[0] for name, s in shape.items()},
                {name: data((1,), size, kind, n)[1] for name, size in outputs.items()})
    x = rng.integers(0, 10, (n,) + shape).astype("int32") if kind == "int" else rng.random((n,) + shape, "float32")
    return x, np.eye(outputs, dtype="float32")[rng.integers(0, outputs, n)]


def flat(prefix, value) -> dict:
    return {f"{prefix}__{k}": v for k, v in value.items()} if isinstance(value, dict) else {prefix: value}


def assert_same(theirs, prefix, ours, **close):
    for key, value in flat(prefix, ours).items():
        np.testing.assert_allclose(theirs[key], value, **close)


@pytest.mark.parametrize("index", range(22))
def test_model_trained_here_loads_in_keras(index, run_in_keras, tmp_path):
    name, model, shape, outputs, kind = list(course_models())[index]
    x, y = data(shape, outputs, kind)
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    random = ("Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise")  # entrenan al azar
    step = not any(type(layer).__name__ in random for layer in model.layers)  # un paso más, sin azar
    named = isinstance(x, dict)
    np.savez(tmp_path / "datos.npz", **flat("x", x), **flat("y", y), step=step, n=16,
             names=np.array(sorted(x) if named else []), out_names=np.array(sorted(y) if named else []))
    theirs = run_in_keras(tmp_path)
    close = dict(rtol=1e-4, atol=1e-5, err_msg=name)
    ours = model.predict(x, verbose=0)
    assert_same(theirs, "pred", ours, **close)
    assert_same(theirs, "pred_weights", ours, **close)
    assert theirs["iterations"] == model.optimizer.iterations
    if step:
        model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
        assert_same(theirs, "pred_step", model.predict(x, verbose=0), **close)


# La misma subclase, escrita con Keras: el código de subclassed_model.py con el otro import.
SUBCLASS_IN_KERAS = inspect.getsource(subclassed_model).replace("from tinygrad_es import keras", "import keras") + \
    textwrap.dedent("""
        import sys
        import numpy as np

        folder = sys.argv[1]
        x = np.load(folder + "/datos.npz")["x"]
        model = Subclassed()
        model(x)
        model.load_weights(folder + "/m.weights.h5")
        np.savez(folder + "/keras.npz", pred=model.predict(x, verbose=0))
    """)


def test_subclassed_model_weights_load_in_keras(run_in_keras, tmp_path):
    """Los pesos de un modelo subclase guardados aquí se cargan en la misma subclase escrita con Keras."""
    model = Subclassed()
    x = rng.random((8, 5), "float32")
    model(x)
    model.save_weights(tmp_path / "m.weights.h5")
    np.savez(tmp_path / "datos.npz", x=x)
    theirs = run_in_keras(tmp_path, SUBCLASS_IN_KERAS)
    np.testing.assert_allclose(theirs["pred"], model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
