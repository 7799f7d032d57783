"""Los optimizadores nuevos, las tasas programadas y los callbacks de la tasa contra Keras 3 real.

Los números vienen de tests/fixtures/make_keras_optimizers.py (ejecutado una vez con TensorFlow
y Keras 3.15.1): mismos pesos iniciales y mismos gradientes, mismos pesos tras cada paso.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from tinygrad_es import keras
from tinygrad_es.keras import callbacks, optimizers
from tinygrad_es.keras.optimizers import schedules
from tinygrad_es.keras.variables import Variable

REPORT = json.loads((Path(__file__).parent.parent / "fixtures" / "keras_optimizers.json").read_text())
STEPS, SCHEDULES, FITS = REPORT["steps"], REPORT["schedules"], REPORT["fit"]


def make_schedule(spec):
    name, kwargs = spec
    return getattr(schedules, name)(**kwargs)


def make_optimizer(case):
    kwargs = dict(case["kwargs"])
    if case["schedule"]:
        kwargs["learning_rate"] = make_schedule(case["schedule"])
    optimizer = getattr(optimizers, case["optimizer"])(**kwargs)
    if case["exclude"]:
        optimizer.exclude_from_weight_decay(var_names=case["exclude"])
    return optimizer


@pytest.mark.parametrize("name", sorted(STEPS))
def test_steps_match_keras(name):
    report = STEPS[name]
    case = report["case"]
    variables = [Variable(np.array(w, np.float32), name=n) for w, n in zip(report["initial"], case["shapes"])]
    optimizer = make_optimizer(case)
    for grads, expected, rate in zip(report["grads"], report["after"], report["learning_rates"]):
        assert optimizer.learning_rate == pytest.approx(rate, rel=1e-6)
        optimizer.apply([np.array(g, np.float32) for g in grads], variables)
        for variable, value in zip(variables, expected):
            np.testing.assert_allclose(variable.numpy(), np.array(value, np.float32), rtol=2e-5, atol=2e-6)
    keras_variables = report["variables"]
    assert [list(v.shape) for v in optimizer.variables] == [v["shape"] for v in keras_variables]
    if "finalized" in report:
        optimizer.finalize_variable_values(variables)
        for variable, value in zip(variables, report["finalized"]):
            np.testing.assert_allclose(variable.numpy(), np.array(value, np.float32), rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("name", sorted(STEPS))
def test_config_is_keras_config_and_round_trips(name):
    report = STEPS[name]
    optimizer = make_optimizer(report["case"])
    mine, theirs = optimizer.get_config(), report["config"]
    assert set(mine) == set(theirs)
    for key, value in mine.items():
        if key == "name":
            continue  # Keras numera los nombres ('adam_w', 'adam_w_1'...)
        if key == "learning_rate" and isinstance(value, dict):
            assert value == theirs[key]  # el programa, serializado exactamente como en Keras
        elif isinstance(value, float):
            assert value == pytest.approx(theirs[key], rel=1e-7), key  # Keras guarda la tasa en float32
        else:
            assert value == theirs[key], key
    copy = optimizers.deserialize(json.loads(json.dumps(optimizers.serialize(optimizer))))
    assert type(copy) is type(optimizer) and copy.get_config() == mine


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedules_match_keras(name):
    report = SCHEDULES[name]
    schedule = make_schedule(report["spec"])
    values = [schedule(step) for step in REPORT["schedule_steps"]]
    np.testing.assert_allclose(values, report["values"], rtol=1e-5, atol=1e-9)
    assert schedule.get_config() == report["config"]
    copy = schedules.deserialize(json.loads(json.dumps(schedules.serialize(schedule))))
    assert copy.get_config() == schedule.get_config()


def fit_history(callback_list, learning_rate=0.05, epochs=6):
    data = FITS["scheduler"]["data"]
    keras.clear_session()
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.set_weights([np.full((3, 1), 0.1, np.float32), np.zeros(1, np.float32)])
    model.compile(optimizer=optimizers.SGD(learning_rate=learning_rate), loss="mse")
    history = model.fit(np.array(data["x"], np.float32), np.array(data["y"], np.float32), batch_size=4,
                        epochs=epochs, shuffle=False, verbose=0, callbacks=callback_list)
    return history.history


def assert_history(mine, name):
    theirs = FITS[name]["history"]
    assert sorted(mine) == sorted(theirs)
    for key in theirs:
        np.testing.assert_allclose(mine[key], theirs[key], rtol=1e-5, err_msg=key)


def test_learning_rate_scheduler_like_keras():
    assert_history(fit_history([callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr * 0.5)]),
                   "scheduler")
    assert_history(fit_history([callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))]),
                   "scheduler_old_signature")


def test_reduce_lr_on_plateau_like_keras():
    plateau = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=10.0, cooldown=1,
                                          min_lr=0.004)
    assert_history(fit_history([plateau]), "plateau")


def test_schedule_in_fit_like_keras_and_callbacks_cannot_change_it():
    def exponential():
        return schedules.ExponentialDecay(0.05, decay_steps=3, decay_rate=0.5)

    assert_history(fit_history([], learning_rate=exponential()), "schedule_only")
    for name, callback in (("schedule_and_scheduler", callbacks.LearningRateScheduler(lambda e, lr: lr)),
                           ("schedule_and_plateau", callbacks.ReduceLROnPlateau(monitor="loss", patience=1,
                                                                                min_delta=10.0))):
        assert FITS[name]["error"] == "TypeError"
        with pytest.raises(TypeError, match="se creó con un programa de tasas .*learning_rate=0.001"):
            fit_history([callback], learning_rate=exponential())
