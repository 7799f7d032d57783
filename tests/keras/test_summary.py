"""Pruebas de model.summary(): la tabla de Keras 3 carácter a carácter y sus cuentas."""
import numpy as np
import pytest

from tinygrad_es import keras
from tinygrad_es.keras import Input, Sequential
from tinygrad_es.keras.layers import BatchNormalization, Conv2D, Dense, Dropout, Flatten
from tinygrad_es.keras.summary import column_widths, readable_memory_size, wrap

KERAS_TABLE_80 = '''Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ flatten (Flatten)               │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 128)            │       100,480 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dropout (Dropout)               │ (None, 128)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 101,770 (397.54 KB)
 Trainable params: 101,770 (397.54 KB)
 Non-trainable params: 0 (0.00 B)
'''


@pytest.fixture(autouse=True)
def fresh_names(monkeypatch):
    keras.clear_session()
    monkeypatch.setenv("COLUMNS", "80")


def summary_text(model, capsys, **kwargs):
    assert model.summary(**kwargs) is None  # print(model.summary()) muestra None, como en Keras
    return capsys.readouterr().out


def test_table_is_keras_3_character_for_character(capsys):
    model = Sequential([Input(shape=(28, 28)), Flatten(), Dense(128, activation="relu"), Dropout(0.2),
                        Dense(10, activation="softmax")])
    assert summary_text(model, capsys) == KERAS_TABLE_80


def test_column_widths_like_rich():
    assert column_widths(76, [0.45, 0.80, 1.0]) == [33, 24, 15]
    assert column_widths(88, [0.45, 0.80, 1.0]) == [38, 29, 17]


def test_wide_terminal_uses_88_columns(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    lines = summary_text(Sequential([Input(shape=(3,)), Dense(2)]), capsys).splitlines()
    assert len(lines[1]) == 88 and lines[1].count("┳") == 2
    assert lines[1] == "┏" + "━" * 38 + "┳" + "━" * 29 + "┳" + "━" * 17 + "┓"


def test_long_names_wrap_and_batch_norm_counts(capsys):
    model = Sequential([Input(shape=(28, 28, 1)), Conv2D(32, 3), BatchNormalization(), Flatten(), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    text = summary_text(model, capsys)
    assert "│ batch_normalization             │ (None, 26, 26, 32)     │           128 │" in text
    assert "│ (BatchNormalization)            │                        │               │" in text
    trainable = 320 + 64 + 26 * 26 * 32 + 1
    assert f" Trainable params: {trainable:,} ({readable_memory_size(4 * trainable)})" in text
    assert " Non-trainable params: 64 (256.00 B)" in text
    assert "Optimizer params" not in text  # aún no se ha entrenado


def test_optimizer_params_appear_after_fit(capsys):
    model = Sequential([Input(shape=(4,)), Dense(3)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((8, 4)), np.ones((8, 3)), verbose=0)
    text = summary_text(model, capsys)
    # Adam: 2·15 + iterations (int64, 8 B) + learning_rate (float32): lo que imprime Keras 3.15
    assert " Optimizer params: 32 (132.00 B)" in text
    assert " Total params: 47 (192.00 B)" in text


def test_unbuilt_model_shows_question_marks(capsys):
    text = summary_text(Sequential([Dense(3), Dense(2)]), capsys)
    assert "│ dense (Dense)                   │ ?                      │   0 (unbuilt) │" in text
    assert " Total params: 0 (0.00 B)" in text


def test_print_fn_and_line_length(capsys):
    lines = []
    Sequential([Input(shape=(3,)), Dense(2)]).summary(line_length=60, print_fn=lines.append)
    assert capsys.readouterr().out == "" and len(lines) == 1
    assert all(len(line) == 60 for line in lines[0].splitlines()[1:6])


def test_helpers():
    assert readable_memory_size(53736) == "52.48 KB"
    assert readable_memory_size(0) == "0.00 B"
    assert readable_memory_size(3 * 1024**2) == "3.00 MB"
    assert wrap("batch_normalization (BatchNormalization)", 31) == ["batch_normalization", "(BatchNormalization)"]
    assert wrap("x" * 10, 4) == ["xxxx", "xxxx", "xx"]
