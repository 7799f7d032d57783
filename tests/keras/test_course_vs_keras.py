"""Las celdas del curso frente a Keras 3 (tests/fixtures/keras_course.json y .npz, de
make_keras_course.py): lo que devuelven e imprimen evaluate, predict y fit, la barra de progreso
cuando un callback escribe al final de cada época (la celda [10]) y la lista de dispositivos
(la celda [5])."""
import io
import json
import pathlib
import re
import sys

import numpy as np
import pytest

from fixtures import course_recipes as recipes
from tinygrad_es import device_lib, keras
from tinygrad_es.keras import progbar as P
from tinygrad_es.keras import utils
from tinygrad_es.keras.optimizers import RMSprop

FIXTURES = pathlib.Path(__file__).parent.parent / "fixtures"
CASE = json.loads((FIXTURES / "keras_course.json").read_text())


@pytest.fixture(scope="module")
def data():
    with np.load(FIXTURES / "keras_course.npz") as arrays:
        arrays = dict(arrays)
    x = arrays["pixels"].astype("float32") / 255
    y = utils.to_categorical(arrays["labels"], 10)
    return x, y, [arrays[f"weight_{i}"] for i in range(6)]


def course_mlp(weights, dropout=True):
    """La red de la celda [6] con los pesos de Keras, compilada como en el curso."""
    model = recipes.course_mlp(keras, dropout)
    model.set_weights(weights)
    model.compile(loss='categorical_crossentropy', optimizer=RMSprop(), metrics=['accuracy'])
    return model


def test_evaluate_prints_what_keras_prints(data):
    x, y, weights = data
    model = course_mlp(weights)
    score = model.evaluate(x, y, verbose=0)
    expected = CASE["mlp"]["evaluate"]
    # La exactitud sale igual cifra a cifra (12/100 en float32: 0.11999999731779099, no 0.12) ...
    assert f'Test accuracy: {score[1]}' == CASE["mlp"]["printed"][1]
    # ... y la pérdida es un float32 (una suma de lotes en float32, como la de Keras), a un ulp o dos.
    assert type(score[0]) is float and float(np.float32(score[0])) == score[0]
    np.testing.assert_allclose(score[0], expected[0], rtol=1e-6)
    in_sevens = model.evaluate(x, y, batch_size=7, verbose=0)
    assert in_sevens[1] == CASE["mlp"]["evaluate_batch_7"][1]
    np.testing.assert_allclose(in_sevens[0], CASE["mlp"]["evaluate_batch_7"][0], rtol=1e-6)
    prediction = model.predict(x[:5], verbose=0)
    assert str(prediction.dtype) == CASE["mlp"]["predict_dtype"]
    assert list(prediction.shape) == CASE["mlp"]["predict_shape"]


def test_fit_history_has_keras_float32_values(data):
    x, y, weights = data
    history = course_mlp(weights, dropout=False).fit(x, y, batch_size=64, epochs=2, shuffle=False, verbose=0,
                                                     validation_data=(x[:50], y[:50])).history
    expected = CASE["mlp"]["history"]
    assert list(history) == list(expected)
    for key, values in expected.items():
        assert all(type(v) is float and float(np.float32(v)) == v for v in history[key]), key
        if "accuracy" in key:
            assert history[key] == values, key
        else:
            np.testing.assert_allclose(history[key], values, rtol=1e-5, err_msg=key)


# ---------------------------------------------------------------- la barra, con un callback que escribe
class FakeTTY(io.StringIO):
    def isatty(self):
        return True


def screen(text):
    """Lo que queda escrito en un terminal: \\r vuelve al principio de la línea, \\b un carácter atrás."""
    rows, col = [[]], 0
    for char in re.sub(r"\x1b\[\d+m", "", text):
        if char == "\n":
            rows.append([])
            col = 0
        elif char == "\r":
            col = 0
        elif char == "\b":
            col = max(col - 1, 0)
        else:
            row = rows[-1]
            if col < len(row):
                row[col] = char
            else:
                row.append(char)
            col += 1
    return "\n".join("".join(row) for row in rows)


def fit_with_a_printing_callback(monkeypatch, epochs, steps, step_seconds):
    """Lo mismo que make_keras_course.progbar_case, con tinygrad_es y hacia un terminal falso."""
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    clock = recipes.FakeClock()
    monkeypatch.setattr(P, "time", clock)
    out = FakeTTY()
    monkeypatch.setattr(sys, "stdout", out)
    recipes.fit_with_a_printing_callback(keras, clock, epochs, steps, step_seconds)
    return out.getvalue()


@pytest.mark.parametrize("name, epochs, steps, step_seconds", [
    ("progbar_slow_steps", 2, 3, 0.125),  # el último lote se dibuja: queda encima del texto, como en Keras
    ("progbar_fast_steps", 1, 10, 0.015625),  # lotes rápidos: el redibujado espera 0.05 s, y queda el 9/10
])
def test_progress_bar_around_a_callback_that_prints_like_keras(monkeypatch, name, epochs, steps, step_seconds):
    got = fit_with_a_printing_callback(monkeypatch, epochs, steps, step_seconds)
    assert screen(got) == screen(CASE[name])
    assert "\b" not in got  # Keras borra con \b y \r; aquí basta \r (en Jupyter los \b se comerían texto)


def test_print_list_local_devices_looks_like_tensorflow():
    printed = repr(device_lib.list_local_devices())
    keras_lines, lines = CASE["device_repr"].splitlines(), printed.splitlines()
    assert lines[:2] == keras_lines[:2]  # [name: "/device:CPU:0" y device_type: "CPU"
    assert lines[2].startswith("memory_limit: ") and lines[-1] == keras_lines[-1] == "]"
    assert all(re.fullmatch(r'\w+: ("[^"]*"|\d+)', line) for line in lines[1:-1])
