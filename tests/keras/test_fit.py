"""Pruebas de compile/fit/evaluate/predict: la contabilidad de Keras 3 y los errores."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_es import keras
from tinygrad_es.keras import Input, Sequential
from tinygrad_es.keras.callbacks import Callback, LambdaCallback, TerminateOnNaN
from tinygrad_es.keras.layers import BatchNormalization, Dense, Dropout
from tinygrad_es.keras.optimizers import SGD

rng = np.random.default_rng(0)


def blobs(n=200, features=4, classes=3, seed=0):
    """Nubes de puntos separables: una por clase."""
    r = np.random.default_rng(seed)
    labels = r.integers(0, classes, n)
    centers = r.normal(0, 4, size=(classes, features))
    return (centers[labels] + r.normal(size=(n, features))).astype(np.float32), labels


def classifier(features=4, classes=3, dropout=0.0):
    layers = [Input(shape=(features,)), Dense(16, activation="relu")]
    if dropout:
        layers.append(Dropout(dropout))
    return Sequential(layers + [Dense(classes, activation="softmax")])


def test_fit_learns_and_history_has_keras_3_keys():
    keras.utils.set_random_seed(1)
    x, labels = blobs()
    y = keras.utils.to_categorical(labels, 3)
    model = classifier(dropout=0.1)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=16, epochs=8, verbose=0, validation_split=0.2)
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history.epoch == list(range(8)) and model.history is history
    assert history.params == {"verbose": 0, "epochs": 8, "steps": 10}
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_accuracy"][-1] > 0.9
    assert all(isinstance(v, float) for values in history.history.values() for v in values)


def test_validation_split_takes_last_fraction_before_shuffling():
    x, labels = blobs(100)
    model = classifier()
    model.compile(optimizer=SGD(learning_rate=0.05), loss="sparse_categorical_crossentropy", metrics=["acc"])
    history = model.fit(x, labels, epochs=1, batch_size=8, verbose=0, validation_split=0.3)
    val_loss, val_acc = model.evaluate(x[70:], labels[70:], verbose=0)  # las 30 últimas, con los pesos finales
    assert history.history["val_loss"][0] == pytest.approx(val_loss, rel=1e-6)
    assert history.history["val_acc"][0] == pytest.approx(val_acc)
    assert history.params["steps"] == 9  # 70 muestras de entrenamiento en lotes de 8: el último tiene 6


def test_epoch_loss_is_batch_size_weighted_mean_and_partial_batch_counts():
    x, labels = blobs(50)
    model = classifier()
    model.compile(optimizer=SGD(learning_rate=0.0), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    seen = []
    counter = LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    history = model.fit(x, labels, batch_size=16, epochs=1, verbose=0, callbacks=[counter], shuffle=False)
    assert seen == [0, 1, 2, 3]  # 16 + 16 + 16 + 2
    loss, accuracy = model.evaluate(x, labels, batch_size=50, verbose=0)
    assert history.history["loss"][0] == pytest.approx(loss, rel=1e-6)
    assert history.history["accuracy"][0] == pytest.approx(accuracy)


@settings(deadline=None, max_examples=15)
@given(n=st.integers(1, 40), batch_size=st.integers(1, 17), shuffle=st.booleans())
def test_weighted_running_means_for_any_batch_size(n, batch_size, shuffle):
    x, labels = blobs(n, seed=n)
    model = classifier()
    model.compile(optimizer=SGD(learning_rate=0.0), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, labels, batch_size=batch_size, epochs=1, verbose=0, shuffle=shuffle)
    assert history.params["steps"] == -(-n // batch_size)
    loss, accuracy = model.evaluate(x, labels, batch_size=n, verbose=0)
    assert history.history["loss"][0] == pytest.approx(loss, rel=1e-5)
    # Un empate casi exacto entre dos clases puede decidirse distinto en un lote que en otro (BLAS
    # suma en otro orden): se admite como mucho una muestra de diferencia.
    assert history.history["accuracy"][0] == pytest.approx(accuracy, abs=1 / n + 1e-9)


def test_whole_model_gradcheck_in_float64():
    from tinygrad_es import gradcheck
    from tinygrad_es.keras.layers import Conv2D, Flatten

    model = Sequential([Input(shape=(5, 5, 2)), Conv2D(3, 3, activation="tanh", dtype="float64"),
                        BatchNormalization(dtype="float64"), Flatten(dtype="float64"),
                        Dense(4, activation="softmax", dtype="float64")])
    gradcheck(lambda x: model(x, training=True), rng.normal(size=(3, 5, 5, 2)))


def test_fit_before_compile_and_without_loss():
    model = classifier()
    x, labels = blobs(10)
    with pytest.raises(RuntimeError, match=r"Hay que compilar el modelo antes de fit\(\).*model.compile"):
        model.fit(x, labels, verbose=0)
    with pytest.raises(RuntimeError, match="antes de evaluate"):
        model.evaluate(x, labels, verbose=0)
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="sin pérdida"):
        model.fit(x, labels, verbose=0)
    assert model.predict(x, verbose=0).shape == (10, 3)  # predict no necesita compile


def test_labels_that_do_not_fit_the_loss_are_explained():
    model = classifier()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    x, labels = blobs(10)
    with pytest.raises(ValueError, match="to_categorical"):
        model.fit(x, labels, verbose=0)


def test_mismatched_sample_counts_and_bad_validation_data():
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, labels = blobs(10)
    with pytest.raises(ValueError, match="x tiene 10 muestras e y tiene 9"):
        model.fit(x, labels[:9], verbose=0)
    with pytest.raises(ValueError, match=r"tupla \(x_val, y_val\)"):
        model.fit(x, labels, verbose=0, validation_data=x)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(x, labels, verbose=0, validation_split=1.5)
    with pytest.raises(ValueError, match=r"fit\(\): batch_size .* debe ser un entero positivo y es 0"):
        model.fit(x, labels, verbose=0, batch_size=0)
    with pytest.raises(ValueError, match=r"fit\(\): epochs .* debe ser un entero >= 0 y es 2.5"):
        model.fit(x, labels, verbose=0, epochs=2.5)


def test_misspelled_arguments_suggest_the_right_one():
    model = classifier()
    with pytest.raises(TypeError, match=r"compile\(\) no reconoce el argumento 'metric' "
                                        r"\(¿quisiste decir 'metrics'\?\)"):
        model.compile(optimizer="sgd", loss="mse", metric=["accuracy"])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, labels = blobs(10)
    with pytest.raises(TypeError, match="fit\\(\\) no reconoce el argumento 'epoch' \\(¿quisiste decir 'epochs'\\?\\)"):
        model.fit(x, labels, epoch=5)
    with pytest.raises(TypeError, match="'batchsize' \\(¿quisiste decir 'batch_size'\\?\\)"):
        model.predict(x, batchsize=5)
    with pytest.raises(TypeError, match="evaluate\\(\\) no reconoce el argumento 'sample_weights' "
                                        "\\(¿quisiste decir 'sample_weight'\\?\\)"):
        model.evaluate(x, labels, sample_weights=np.ones(10))


def test_second_compile_without_metrics_or_loss_keeps_them_like_keras_3():
    """Keras 3 solo cambia lo que se pasa: sin metrics= (o sin loss=) siguen los de la compilación anterior."""
    x, labels = blobs(40)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    history = model.fit(x, labels, epochs=1, verbose=0)
    assert list(history.history) == ["accuracy", "loss"]
    assert len(model.evaluate(x, labels, verbose=0)) == 2
    model.compile(optimizer="sgd")
    assert model.loss == "sparse_categorical_crossentropy" and model.metrics_names == ["loss", "accuracy"]
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=[])
    assert isinstance(model.evaluate(x, labels, verbose=0), float)


def test_evaluate_returns_scalar_list_or_dict():
    x, labels = blobs(40)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert isinstance(model.evaluate(x, labels, verbose=0), float)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(x, labels, verbose=0)
    assert model.evaluate(x, labels, verbose=0, return_dict=True) == {"accuracy": accuracy, "loss": loss}
    assert model.metrics_names == ["loss", "accuracy"]


def test_predict_is_numpy_in_inference_mode_and_handles_partial_batches():
    model = classifier(dropout=0.5)
    x, _ = blobs(70)
    first = model.predict(x, batch_size=32, verbose=0)
    assert isinstance(first, np.ndarray) and first.shape == (70, 3) and first.dtype == np.float32
    np.testing.assert_array_equal(first, model.predict(x.astype(np.float64), batch_size=7, verbose=0))
    np.testing.assert_array_equal(first, model(x).data)


def test_predict_with_several_outputs_returns_a_list():
    from tinygrad_es.keras.layers import LSTM

    model = Sequential([Input(shape=(5, 2)), LSTM(3, return_state=True)])
    out, h, c = model.predict(rng.random((7, 5, 2)), batch_size=4, verbose=0)
    assert out.shape == h.shape == c.shape == (7, 3)
    np.testing.assert_array_equal(out, h)


def test_predict_classes_and_proba_warn_in_spanish():
    model = classifier()
    x, _ = blobs(20)
    with pytest.warns(DeprecationWarning, match=r"np.argmax\(model.predict\(x\), axis=-1\)"):
        classes = model.predict_classes(x, batch_size=32)
    np.testing.assert_array_equal(classes, model.predict(x, verbose=0).argmax(-1))
    with pytest.warns(DeprecationWarning, match="predict_proba.*obsoleto"):
        proba = model.predict_proba(x)
    np.testing.assert_array_equal(proba, model.predict(x, verbose=0))
    binary = Sequential([Input(shape=(4,)), Dense(1, activation="sigmoid")])
    with pytest.warns(DeprecationWarning):
        assert set(np.unique(binary.predict_classes(x))) <= {0, 1}


def test_set_random_seed_makes_runs_bit_identical():
    def run():
        keras.utils.set_random_seed(42)
        x, labels = blobs(64)
        model = classifier(dropout=0.3)
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        history = model.fit(x, labels, batch_size=10, epochs=2, verbose=0, validation_split=0.25)
        return history.history, model.get_weights()

    (h1, w1), (h2, w2) = run(), run()
    assert h1 == h2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)


def test_shuffle_false_is_deterministic_without_seed():
    x, labels = blobs(40)
    results = []
    for _ in range(2):
        model = classifier()
        model.set_weights([np.full(w.shape, 0.01 * i, np.float32) for i, w in enumerate(model.get_weights())])
        model.compile(optimizer=SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
        results.append(model.fit(x, labels, batch_size=8, epochs=2, verbose=0, shuffle=False).history["loss"])
    assert results[0] == results[1]


def test_batch_normalization_trains_with_batch_stats_and_predicts_with_moving_ones():
    x, labels = blobs(64)
    x = x * 5 + 3
    model = Sequential([Input(shape=(4,)), BatchNormalization(), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, labels, batch_size=16, epochs=3, verbose=0)
    bn = model.layers[0]
    assert not np.allclose(bn.moving_mean.data, 0)  # se actualizaron durante fit
    before = bn.moving_mean.data.copy()
    model.predict(x, verbose=0)
    np.testing.assert_array_equal(bn.moving_mean.data, before)  # predict no las toca


def test_nan_loss_warns_once_naming_epoch_and_batch():
    x, labels = blobs(32)
    x[5] = np.nan
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with pytest.warns(RuntimeWarning, match=r"La pérdida es nan en la época 1, lote 1.*TerminateOnNaN") as record:
        model.fit(x, labels, batch_size=16, epochs=2, verbose=0, shuffle=False)
    assert len([w for w in record if issubclass(w.category, RuntimeWarning)]) == 1


def test_terminate_on_nan_stops_without_the_warning(capsys):
    x, labels = blobs(32)
    x[20] = np.nan
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        history = model.fit(x, labels, batch_size=16, epochs=3, verbose=0, shuffle=False,
                            callbacks=[TerminateOnNaN()])
    assert history.epoch == [0]
    assert "Época 1, lote 2" in capsys.readouterr().out


def test_callback_order_and_stop_training():
    calls = []

    class Recorder(Callback):
        def on_train_begin(self, logs=None):
            calls.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(f"epoch_begin {epoch}")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(f"epoch_end {epoch} {sorted(logs)}")
            self.model.stop_training = epoch == 3

        def on_train_end(self, logs=None):
            calls.append("train_end")

    x, labels = blobs(20)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, labels, epochs=10, initial_epoch=2, verbose=0, callbacks=[Recorder()],
                        validation_data=(x, labels))
    assert calls == ["train_begin", "epoch_begin 2", "epoch_end 2 ['accuracy', 'loss', 'val_accuracy', 'val_loss']",
                     "epoch_begin 3", "epoch_end 3 ['accuracy', 'loss', 'val_accuracy', 'val_loss']", "train_end"]
    assert history.epoch == [2, 3]


def test_progress_bar_lines(capsys):
    x, labels = blobs(64)
    model = classifier()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, labels, batch_size=32, epochs=2, validation_data=(x, labels))
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "2/2 ━━━━━━━━━━━━━━━━━━━━" in out and "- accuracy: " in out and "- val_loss: " in out
    model.fit(x, labels, batch_size=32, epochs=1, verbose=2)
    line = capsys.readouterr().out
    assert "Epoch" not in line and line.startswith("2/2 - ") and " - loss: " in line
    model.evaluate(x, labels)
    assert "2/2 ━━━━━━━━━━━━━━━━━━━━" in capsys.readouterr().out
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""


def test_training_step_updates_exactly_like_sgd_equation():
    model = Sequential([Input(shape=(2,)), Dense(1)])
    model.set_weights([np.array([[0.5], [-0.25]], np.float32), np.array([0.1], np.float32)])
    model.compile(optimizer=SGD(learning_rate=0.1), loss="mse")
    x = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)
    y = np.array([[1.0], [0.0]], np.float32)
    kernel, bias = [w.astype(np.float64) for w in model.get_weights()]
    error = x @ kernel + bias - y
    grad_kernel, grad_bias = 2 * x.T @ error / 2, 2 * error.sum(0) / 2
    model.fit(x, y, batch_size=2, epochs=1, verbose=0, shuffle=False)
    np.testing.assert_allclose(model.get_weights()[0], kernel - 0.1 * grad_kernel, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(model.get_weights()[1], bias - 0.1 * grad_bias, rtol=1e-6, atol=1e-7)
    assert all(w.grad is None for w in model.trainable_weights)  # se limpian tras cada paso
