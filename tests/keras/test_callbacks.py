"""Callbacks con un modelo falso (sin depender de Sequential): orden de llamadas, History, parada
temprana, guardado, TerminateOnNaN, tasas de aprendizaje y CSV."""
import csv
import math
import os

import numpy as np
import pytest

from tinygrad_es.keras import callbacks as C
from tinygrad_es.keras import optimizers


class FakeModel:
    """Lo que un callback usa de un modelo: pesos, optimizador, stop_training, save/save_weights."""

    def __init__(self):
        self.stop_training = False
        self.optimizer = optimizers.SGD(learning_rate=0.1)
        self.weights = [np.zeros(2)]
        self.saved = []

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [w.copy() for w in weights]

    def save(self, path):
        self.saved.append(("save", path))
        with open(path, "w") as f:
            f.write("modelo")

    def save_weights(self, path):
        self.saved.append(("save_weights", path))


def fake_fit(model, callbacks, epoch_logs, steps=2, batch_loss=lambda epoch, batch: 1.0, verbose=0):
    """El bucle de fit: la época e deja los pesos en [e, e] y termina con epoch_logs[e]."""
    cbs = C.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=model, verbose=verbose,
                         epochs=len(epoch_logs), steps=steps)
    model.stop_training = False
    cbs.on_train_begin()
    for epoch, logs in enumerate(epoch_logs):
        cbs.on_epoch_begin(epoch)
        for batch in range(steps):
            cbs.on_train_batch_begin(batch)
            cbs.on_train_batch_end(batch, {"loss": batch_loss(epoch, batch)})
            if model.stop_training:
                break
        model.weights = [np.full(2, float(epoch))]
        cbs.on_epoch_end(epoch, dict(logs))
        if model.stop_training:
            break
    cbs.on_train_end()
    return cbs.history


class Recorder(C.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None): self.calls.append(("train_begin", logs))
    def on_train_end(self, logs=None): self.calls.append(("train_end", logs))
    def on_epoch_begin(self, epoch, logs=None): self.calls.append(("epoch_begin", epoch))
    def on_epoch_end(self, epoch, logs=None): self.calls.append(("epoch_end", epoch, list(logs)))
    def on_batch_begin(self, batch, logs=None): self.calls.append(("batch_begin", batch))  # nombre antiguo
    def on_train_batch_end(self, batch, logs=None): self.calls.append(("batch_end", batch, logs))


# ---------------------------------------------------------------- orden, firmas y logs
def test_call_order_and_signatures():
    rec = Recorder()
    fake_fit(FakeModel(), [rec], [{"loss": 1.0, "accuracy": 0.5}], steps=2)
    assert rec.calls == [
        ("train_begin", {}),
        ("epoch_begin", 0),
        ("batch_begin", 0), ("batch_end", 0, {"loss": 1.0}),
        ("batch_begin", 1), ("batch_end", 1, {"loss": 1.0}),
        ("epoch_end", 0, ["accuracy", "loss"]),  # claves en orden alfabético
        ("train_end", {}),
    ]


def test_user_callbacks_first_then_history_then_progbar():
    mine = Recorder()
    cbs = C.CallbackList([mine], add_history=True, add_progbar=True, verbose=1, epochs=1, steps=1)
    assert [type(c) for c in cbs.callbacks] == [Recorder, C.History, C.ProgbarLogger]
    own_history = C.History()
    cbs = C.CallbackList([own_history], add_history=True, add_progbar=False)
    assert cbs.callbacks == [own_history] and cbs.history is own_history


def test_logs_become_sorted_python_floats():
    logs = C.pythonify_logs({"loss": np.float32(0.5), "accuracy": np.array(0.25), "n": 3, "name": "x"})
    assert list(logs) == ["accuracy", "loss", "n", "name"]
    assert all(type(logs[k]) is float for k in ("accuracy", "loss", "n")) and logs["name"] == "x"


def test_params_reach_every_callback():
    rec = Recorder()
    C.CallbackList([rec], verbose="auto", epochs=5, steps=938)
    assert rec.params == {"verbose": "auto", "epochs": 5, "steps": 938}


# ---------------------------------------------------------------- History y LambdaCallback
def test_history_records_each_epoch_and_sets_model_history():
    model = FakeModel()
    history = fake_fit(model, [], [{"loss": 1.0, "val_loss": 2.0}, {"loss": 0.5, "val_loss": 1.5}])
    assert history.history == {"loss": [1.0, 0.5], "val_loss": [2.0, 1.5]}
    assert history.epoch == [0, 1]
    assert model.history is history


def test_lambda_callback_like_the_course():
    seen = []
    def on_epoch_end(epoch, logs):  # la firma del generador de texto del curso
        seen.append((epoch, logs["loss"]))
    batches = []
    cb = C.LambdaCallback(on_epoch_end=on_epoch_end, on_batch_end=lambda batch, logs: batches.append(batch))
    fake_fit(FakeModel(), [cb], [{"loss": 1.0}, {"loss": 0.5}], steps=3)
    assert seen == [(0, 1.0), (1, 0.5)]
    assert batches == [0, 1, 2, 0, 1, 2]


def test_lambda_callback_unknown_event():
    with pytest.raises(ValueError, match="LambdaCallback no conoce el evento 'on_epoch_finish'"):
        C.LambdaCallback(on_epoch_finish=print)


# ---------------------------------------------------------------- EarlyStopping
def _val_losses(*values):
    return [{"loss": 1.0, "val_loss": v} for v in values]


def test_early_stopping_patience():
    model = FakeModel()
    es = C.EarlyStopping(patience=2)
    history = fake_fit(model, [es], _val_losses(1.0, 0.8, 0.9, 0.85, 0.7, 0.6))
    # mejor en la época 1; épocas 2 y 3 sin mejorar -> para en la 3
    assert history.epoch == [0, 1, 2, 3]
    assert es.stopped_epoch == 3 and model.stop_training


def test_early_stopping_restore_best_weights(capsys):
    model = FakeModel()
    es = C.EarlyStopping(patience=1, restore_best_weights=True, verbose=1)
    fake_fit(model, [es], _val_losses(1.0, 0.5, 0.7, 0.9))
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])  # los de la época 1, la mejor
    out = capsys.readouterr().out
    assert "Epoch 3: parada temprana" in out and "mejor época: 2." in out


def test_early_stopping_without_restore_keeps_last_weights():
    model = FakeModel()
    fake_fit(model, [C.EarlyStopping(patience=1)], _val_losses(1.0, 0.5, 0.7, 0.9))
    np.testing.assert_array_equal(model.weights[0], [2.0, 2.0])


def test_early_stopping_min_delta_mode_baseline_and_start():
    # mejoras menores que min_delta no cuentan
    es = C.EarlyStopping(patience=1, min_delta=0.1)
    assert len(fake_fit(FakeModel(), [es], _val_losses(1.0, 0.95, 0.92, 0.5)).epoch) == 2
    # 'auto' con accuracy: mejorar es subir
    es = C.EarlyStopping(monitor="val_accuracy", patience=1)
    logs = [{"val_accuracy": a} for a in (0.5, 0.6, 0.55, 0.9)]
    assert fake_fit(FakeModel(), [es], logs).epoch == [0, 1, 2]
    # baseline: las mejoras que no lo superan no reinician la paciencia (para antes que sin baseline)
    es = C.EarlyStopping(patience=2, baseline=0.1)
    assert fake_fit(FakeModel(), [es], _val_losses(1.0, 0.9, 0.9, 0.9)).epoch == [0, 1, 2]
    es = C.EarlyStopping(patience=2)
    assert fake_fit(FakeModel(), [es], _val_losses(1.0, 0.9, 0.9, 0.9)).epoch == [0, 1, 2, 3]
    # start_from_epoch: las primeras épocas no cuentan
    es = C.EarlyStopping(patience=1, start_from_epoch=3)
    assert len(fake_fit(FakeModel(), [es], _val_losses(1.0, 2.0, 3.0, 4.0, 5.0)).epoch) == 5


def test_early_stopping_missing_monitor_warns_in_spanish():
    with pytest.warns(UserWarning, match="EarlyStopping vigila 'val_loss', que no está en los logs.*validation_split"):
        fake_fit(FakeModel(), [C.EarlyStopping()], [{"loss": 1.0}])


def test_bad_mode():
    with pytest.raises(ValueError, match="mode debe ser 'auto', 'min' o 'max'"):
        C.EarlyStopping(mode="menor")


# ---------------------------------------------------------------- ModelCheckpoint
def test_model_checkpoint_formats_filepath_and_saves_every_epoch(tmp_path):
    model = FakeModel()
    pattern = str(tmp_path / "ckpt" / "modelo_{epoch:02d}_{val_loss:.2f}.keras")
    fake_fit(model, [C.ModelCheckpoint(pattern)], _val_losses(0.5, 0.25))
    names = [os.path.basename(p) for _, p in model.saved]
    assert names == ["modelo_01_0.50.keras", "modelo_02_0.25.keras"]
    assert os.path.exists(tmp_path / "ckpt" / "modelo_02_0.25.keras")  # crea la carpeta


def test_model_checkpoint_save_best_only_and_weights_only(tmp_path, capsys):
    model = FakeModel()
    cb = C.ModelCheckpoint(str(tmp_path / "best.weights.h5"), save_best_only=True, save_weights_only=True, verbose=1)
    fake_fit(model, [cb], _val_losses(1.0, 0.5, 0.7, 0.4))
    assert [kind for kind, _ in model.saved] == ["save_weights"] * 3  # épocas 1, 2 y 4
    out = capsys.readouterr().out
    assert "Epoch 2: val_loss mejoró de 1.00000 a 0.50000" in out
    assert "Epoch 3: val_loss no mejoró desde 0.50000" in out


def test_model_checkpoint_unknown_field(tmp_path):
    cb = C.ModelCheckpoint(str(tmp_path / "m_{val_acc:.2f}.keras"))
    with pytest.raises(KeyError, match="usa el campo 'val_acc'"):
        fake_fit(FakeModel(), [cb], _val_losses(1.0))


# ---------------------------------------------------------------- TerminateOnNaN
def test_terminate_on_nan_names_epoch_and_batch(capsys):
    model = FakeModel()
    loss = lambda epoch, batch: math.nan if (epoch, batch) == (1, 2) else 1.0  # noqa: E731
    history = fake_fit(model, [C.TerminateOnNaN()], [{"loss": 1.0}] * 4, steps=5, batch_loss=loss)
    out = capsys.readouterr().out
    assert "Época 2, lote 3: la pérdida es nan" in out and "learning_rate menor" in out
    assert model.stop_training and history.epoch == [0, 1]


def test_terminate_on_inf():
    model = FakeModel()
    fake_fit(model, [C.TerminateOnNaN()], [{"loss": 1.0}], batch_loss=lambda e, b: math.inf)
    assert model.stop_training


# ---------------------------------------------------------------- tasas de aprendizaje
def test_learning_rate_scheduler_sets_rate_and_logs_it():
    model = FakeModel()
    rates = []
    cb = C.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch > 0 else lr)
    spy = C.LambdaCallback(on_epoch_begin=lambda epoch, logs: rates.append(model.optimizer.learning_rate))
    history = fake_fit(model, [cb, spy], [{"loss": 1.0}] * 3)
    assert rates == [0.1, 0.05, 0.025]
    assert history.history["learning_rate"] == [0.1, 0.05, 0.025]


def test_learning_rate_scheduler_old_signature_and_errors():
    model = FakeModel()
    fake_fit(model, [C.LearningRateScheduler(lambda epoch: 0.01 * (epoch + 1))], [{"loss": 1.0}] * 2)
    assert model.optimizer.learning_rate == pytest.approx(0.02)
    with pytest.raises(ValueError, match="debe devolver un float y devolvió 1 \\(int\\) en la época 0"):
        fake_fit(FakeModel(), [C.LearningRateScheduler(lambda epoch, lr: 1)], [{"loss": 1.0}])


def test_reduce_lr_on_plateau():
    model = FakeModel()
    cb = C.ReduceLROnPlateau(factor=0.5, patience=2, min_lr=0.02)
    history = fake_fit(model, [cb], _val_losses(1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0))
    # sin mejora: baja cada 2 épocas, 0.1 -> 0.05 -> 0.025 -> 0.02 (min_lr)
    assert history.history["learning_rate"] == [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    assert model.optimizer.learning_rate == pytest.approx(0.02)


def test_reduce_lr_on_plateau_cooldown_and_bad_factor():
    model = FakeModel()
    history = fake_fit(model, [C.ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2)], _val_losses(*[1.0] * 6))
    # reduce al final de las épocas 1, 3 y 5: tras cada reducción, 2 épocas de enfriamiento (la
    # segunda ya cuenta para la paciencia, como en Keras)
    assert history.history["learning_rate"] == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]
    assert model.optimizer.learning_rate == pytest.approx(0.0125)
    with pytest.raises(ValueError, match="factor, que debe ser menor que 1 y es 2"):
        C.ReduceLROnPlateau(factor=2)


# ---------------------------------------------------------------- CSVLogger
def test_csv_logger_writes_header_and_rows(tmp_path):
    path = tmp_path / "log.csv"
    fake_fit(FakeModel(), [C.CSVLogger(str(path))], [{"loss": 0.5, "accuracy": 0.25}, {"loss": 0.125, "accuracy": 1.0}])
    assert path.read_text().splitlines() == ["epoch,accuracy,loss", "0,0.25,0.5", "1,1.0,0.125"]


def test_csv_logger_append_and_separator(tmp_path):
    path = tmp_path / "log.csv"
    fake_fit(FakeModel(), [C.CSVLogger(str(path), separator=";")], [{"loss": 0.5}])
    fake_fit(FakeModel(), [C.CSVLogger(str(path), separator=";", append=True)], [{"loss": 0.25}])
    rows = list(csv.reader(path.read_text().splitlines(), delimiter=";"))
    assert rows == [["epoch", "loss"], ["0", "0.5"], ["0", "0.25"]]


def test_callbacks_list_mistakes():
    single = C.History()
    assert C.CallbackList(single).callbacks == [single]  # uno suelto también vale
    with pytest.raises(TypeError, match="recibió la clase EarlyStopping.*EarlyStopping\\(\\) con paréntesis|"
                                        "callbacks=\\[EarlyStopping\\(\\)\\]"):
        C.CallbackList([C.EarlyStopping])
    with pytest.raises(TypeError, match="LambdaCallback\\(on_epoch_end=f\\)"):
        C.CallbackList([print])
