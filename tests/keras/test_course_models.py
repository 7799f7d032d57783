"""Los modelos del curso tal como están escritos (solo cambia el import de tensorflow.keras a
tinygrad_es.keras): sus summary() dan las cuentas del curso, y entrenan una época sobre una
muestra pequeña de Fashion-MNIST (o datos aleatorios si no está en /usr/share/datasets)."""
import os
import warnings

import numpy as np
import pytest

import tinygrad_es.keras
from tinygrad_es import keras
from tinygrad_es.keras import layers
from tinygrad_es.keras.layers import LSTM, Activation, Dense, Dropout, Input
from tinygrad_es.keras.models import Sequential
from tinygrad_es.keras.optimizers import RMSprop

SAMPLE = 256


@pytest.fixture(scope="module")
def images():
    """256 imágenes de entrenamiento (uint8, 28×28) y sus etiquetas, como las da load_data()."""
    if os.path.isdir("/usr/share/datasets/fashion-mnist"):
        (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
        return x_train[:SAMPLE], y_train[:SAMPLE]
    r = np.random.default_rng(0)
    return r.integers(0, 256, (SAMPLE, 28, 28), dtype=np.uint8), r.integers(0, 10, SAMPLE).astype(np.uint8)


def summary_of(model, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    model.summary()
    return capsys.readouterr().out


def course_mlp(num_classes=10):
    # Construcción del modelo (el código del curso, celda [6])
    model = Sequential()
    model.add(Input(shape=(784,)))
    model.add(Dense(16, activation='relu'))
    model.add(Dropout(0.2))
    model.add(Dense(32, activation='relu'))
    model.add(Dropout(0.2))
    model.add(Dense(num_classes, activation='softmax'))
    return model


def course_cnn(num_classes=10, input_shape=(28, 28, 1)):
    # El código del curso, celda [8]
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(num_classes, activation="softmax"),
        ]
    )
    return model


def test_course_mlp_summary_fit_evaluate_predict(images, capsys, monkeypatch):
    keras.clear_session()
    batch_size, num_classes, epochs = 64, 10, 1
    x_train, y_train = images
    x_train = x_train.reshape(SAMPLE, 784)
    x_train = x_train.astype('float32')
    x_train /= 255
    y_train = tinygrad_es.keras.utils.to_categorical(y_train, num_classes)

    model = course_mlp(num_classes)
    text = summary_of(model, capsys, monkeypatch)
    for row in ["│ dense (Dense)                   │ (None, 16)             │        12,560 │",
                "│ dropout (Dropout)               │ (None, 16)             │             0 │",
                "│ dense_1 (Dense)                 │ (None, 32)             │           544 │",
                "│ dropout_1 (Dropout)             │ (None, 32)             │             0 │",
                "│ dense_2 (Dense)                 │ (None, 10)             │           330 │",
                " Total params: 13,434 (52.48 KB)", " Trainable params: 13,434 (52.48 KB)",
                " Non-trainable params: 0 (0.00 B)"]:
        assert row in text
    assert text.startswith('Model: "sequential"\n')

    model.compile(loss='categorical_crossentropy',
                  optimizer=RMSprop(),
                  metrics=['accuracy'])
    history = model.fit(x_train, y_train,
                        batch_size=batch_size,
                        epochs=epochs,
                        verbose=1,
                        validation_data=(x_train[:64], y_train[:64]))
    out = capsys.readouterr().out
    assert "4/4 ━━━━━━━━━━━━━━━━━━━━" in out and "val_accuracy" in out and "Epoch 1/1" not in out
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    score = model.evaluate(x_train, y_train, verbose=0)
    assert len(score) == 2 and np.isfinite(score[0]) and 0 <= score[1] <= 1
    predictions = model.predict(x_train[[3, 1, 4]])
    assert predictions.shape == (3, 10)
    np.testing.assert_allclose(predictions.sum(axis=1), 1, rtol=1e-5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        classes = model.predict_classes(x_train[:32], batch_size=32)  # sección 3.7 del curso
        proba = model.predict_proba(x_train[:32], batch_size=32)
    assert classes.shape == (32,) and proba.shape == (32, 10)


def test_course_cnn_summary_and_one_epoch(images, capsys, monkeypatch):
    keras.clear_session()
    course_mlp()  # en el curso el MLP va antes: por eso la CNN se llama sequential_1 y usa dense_3
    num_classes = 10
    x_train, y_train = images
    x_train = x_train.astype("float32") / 255
    x_train = np.expand_dims(x_train, -1)
    y_train = keras.utils.to_categorical(y_train, num_classes)

    model = course_cnn(num_classes)
    text = summary_of(model, capsys, monkeypatch)
    assert text.startswith('Model: "sequential_1"\n')
    for row in ["│ conv2d (Conv2D)                 │ (None, 26, 26, 32)     │           320 │",
                "│ conv2d_1 (Conv2D)               │ (None, 24, 24, 32)     │         9,248 │",
                "│ max_pooling2d (MaxPooling2D)    │ (None, 12, 12, 32)     │             0 │",
                "│ conv2d_2 (Conv2D)               │ (None, 10, 10, 64)     │        18,496 │",
                "│ conv2d_3 (Conv2D)               │ (None, 8, 8, 64)       │        36,928 │",
                "│ max_pooling2d_1 (MaxPooling2D)  │ (None, 4, 4, 64)       │             0 │",
                "│ conv2d_4 (Conv2D)               │ (None, 2, 2, 64)       │        36,928 │",
                "│ max_pooling2d_2 (MaxPooling2D)  │ (None, 1, 1, 64)       │             0 │",
                "│ flatten (Flatten)               │ (None, 64)             │             0 │",
                "│ dropout_2 (Dropout)             │ (None, 64)             │             0 │",
                "│ dense_3 (Dense)                 │ (None, 10)             │           650 │",
                " Total params: 102,570 (400.66 KB)"]:
        assert row in text

    batch_size = 128
    epochs = 1
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1, verbose=0)
    assert history.params["steps"] == 2  # 230 de entrenamiento en lotes de 128
    score = model.evaluate(x_train, y_train, verbose=0)
    assert len(score) == 2 and np.isfinite(score[0])
    assert model.predict(x_train[:5], verbose=0).shape == (5, 10)


def test_course_lstm_summary_and_a_short_fit(capsys, monkeypatch):
    keras.clear_session()
    maxlen, chars = 40, [chr(c) for c in range(57)]
    model = Sequential([
        Input(shape=(maxlen, len(chars))),
        LSTM(128),
        Dense(len(chars)),
        Activation('softmax')
    ])
    optimizer = RMSprop(learning_rate=0.01)
    model.compile(loss='categorical_crossentropy', optimizer=optimizer)
    text = summary_of(model, capsys, monkeypatch)
    assert "│ lstm (LSTM)                     │ (None, 128)            │        95,232 │" in text
    assert "│ dense (Dense)                   │ (None, 57)             │         7,353 │" in text

    r = np.random.default_rng(0)
    x = np.zeros((16, maxlen, len(chars)), dtype=bool)  # one-hot booleanos, como en el curso
    x[np.arange(16)[:, None], np.arange(maxlen), r.integers(0, 57, (16, maxlen))] = 1
    y = np.zeros((16, len(chars)), dtype=bool)
    y[np.arange(16), r.integers(0, 57, 16)] = 1
    epochs_seen = []
    print_callback = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: epochs_seen.append(epoch))
    model.fit(x, y, batch_size=128, epochs=1, callbacks=[print_callback], verbose=0)
    assert epochs_seen == [0]
    preds = model.predict(x[:1].astype(float), verbose=0)[0]
    assert preds.shape == (57,) and abs(preds.sum() - 1) < 1e-5


def test_course_section_3_model_with_input_dim(capsys):
    keras.clear_session()
    model = Sequential()
    with pytest.warns(UserWarning):
        model.add(Dense(units=64, input_dim=100))
    model.add(Activation("relu"))
    model.add(Dense(units=10))
    model.add(Activation("softmax"))
    model.compile(loss='categorical_crossentropy', optimizer='sgd', metrics=['accuracy'])
    r = np.random.default_rng(1)
    X_train, Y_train = r.random((64, 100)), keras.utils.to_categorical(r.integers(0, 10, 64), 10)
    model.fit(X_train, Y_train, epochs=2, batch_size=32, verbose=0)
    loss_and_metrics = model.evaluate(X_train, Y_train, batch_size=32, verbose=0)
    assert len(loss_and_metrics) == 2
    assert model.count_params() == 100 * 64 + 64 + 64 * 10 + 10
