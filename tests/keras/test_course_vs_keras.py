"""Las celdas del curso frente a Keras 3 (tests/fixtures/keras_course.json y .npz, de
make_keras_course.py): lo que devuelven e imprimen evaluate, predict y fit."""
import json
import pathlib

import numpy as np
import pytest

from tinygrad_es.keras import utils
from tinygrad_es.keras.layers import Dense, Dropout, Input
from tinygrad_es.keras.models import Sequential
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
    """La red de la celda [6] con los pesos de Keras (con dropout=False, sin las dos Dropout)."""
    model = Sequential()
    model.add(Input(shape=(784,)))
    model.add(Dense(16, activation='relu'))
    if dropout:
        model.add(Dropout(0.2))
    model.add(Dense(32, activation='relu'))
    if dropout:
        model.add(Dropout(0.2))
    model.add(Dense(10, activation='softmax'))
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
