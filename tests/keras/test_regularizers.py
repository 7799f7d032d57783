"""Regularizadores y restricciones: los números de Keras 3 (tests/fixtures/keras_regularization.json,
de tests/fixtures/make_keras_extras.py), layer.losses y add_loss, su suma en fit/evaluate, las
restricciones tras cada paso, los .keras de Keras con ellos, gradcheck y los errores."""
import functools
import json
import pathlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_es import Tensor, gradcheck, keras
from tinygrad_es.keras import constraints as C
from tinygrad_es.keras import layers as L
from tinygrad_es.keras import regularizers as R

from fixtures import keras_regularized_recipes as recipes

from .test_keras_files import archive_parts, assert_same_config, without_keras_extras

FIXTURES = pathlib.Path(__file__).parent.parent / "fixtures"
DATA = json.loads((FIXTURES / "keras_regularization.json").read_text())


# ---------------------------------------------------------------- valores de Keras
@pytest.mark.parametrize("name", sorted(DATA["regularizers"]))
def test_regularizer_values_and_configs_are_keras(name):
    case = DATA["regularizers"][name]
    regularizer = R.get({"class_name": case["class_name"], "config": case["config"]})
    assert regularizer.get_config() == case["config"]
    value = regularizer(Tensor(np.array(case["x"], dtype="float32")))
    assert value.shape == () and value.dtype == np.float32
    np.testing.assert_allclose(value.item(), case["value"], rtol=1e-6)


@pytest.mark.parametrize("name", sorted(DATA["constraints"]))
def test_constraint_outputs_and_configs_are_keras(name):
    case = DATA["constraints"][name]
    constraint = C.get({"class_name": case["class_name"], "config": case["config"]})
    assert constraint.get_config() == case["config"]
    out = constraint(Tensor(np.array(case["x"], dtype="float32")))
    np.testing.assert_allclose(out.numpy(), case["out"], rtol=1e-6, atol=1e-7)


def test_names_and_aliases_resolve_like_keras():
    assert type(R.get("l2")) is R.L2 and R.get("l2").l2 == 0.01 and R.get("L1").l1 == pytest.approx(0.01)
    assert type(R.get("l1l2")) is R.L1L2 and R.get("orthogonal_regularizer").mode == "rows"
    assert R.l1_l2 is R.L1L2 and R.l2 is R.L2 and R.l1 is R.L1 and R.get(R.L2) .l2 == 0.01
    assert type(C.get("non_neg")) is C.NonNeg and C.get("max_norm").max_value == 2 and C.unit_norm is C.UnitNorm
    assert R.get(None) is None and C.get(None) is None
    penalty = lambda w: 0.5 * w.abs().sum()  # noqa: E731 - una función también vale, como en Keras
    assert R.get(penalty) is penalty
    assert R.serialize(R.L1L2(0.01, 0.02)) == {"class_name": "L1L2", "config": {"l1": 0.01, "l2": 0.02}}
    assert C.deserialize({"class_name": "MaxNorm", "config": {"max_value": 3, "axis": [0, 1]}}).axis == [0, 1]


# ---------------------------------------------------------------- gradiente de las penalizaciones
@settings(max_examples=20, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
                  elements=st.floats(0.1, 2.0) | st.floats(-2.0, -0.1)))
def test_gradcheck_l1_l2(w):
    for regularizer in (R.L1(0.3), R.L2(0.2), R.L1L2(0.1, 0.05)):
        gradcheck(regularizer, w)


@settings(max_examples=20, deadline=None)
@given(st.data(), st.integers(2, 4), st.integers(2, 4), st.sampled_from(["rows", "columns"]))
def test_gradcheck_orthogonal_regularizer(data, rows, columns, mode):
    w = data.draw(hnp.arrays(np.float64, (rows, columns), elements=st.floats(0.2, 2.0) | st.floats(-2.0, -0.2)))
    gradcheck(R.OrthogonalRegularizer(0.5, mode), w)


# ---------------------------------------------------------------- los modelos de Keras, paso a paso
ActivityPenalty = recipes.activity_penalty_class(keras)
MODELS = {name: functools.partial(make, keras, ActivityPenalty) for name, make in recipes.MODELS.items()}


def arrays(case, key):
    dtype = "int32" if key == "x" and np.issubdtype(np.asarray(case["x"]).dtype, np.integer) else "float32"
    return np.asarray(case[key], dtype=dtype)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_fit_with_regularizers_and_constraints_matches_keras(name):
    """El historial (pérdida con las penalizaciones, también val_loss), los pesos tras las
    restricciones, model.losses de una llamada y evaluate: los de Keras 3."""
    case = DATA["models"][name]
    model = MODELS[name]()
    model.set_weights([np.asarray(w, dtype="float32") for w in case["initial_weights"]])
    x, y = arrays(case, "x"), arrays(case, "y")
    split = len(x) * 3 // 4
    history = model.fit(x[:split], y[:split], batch_size=4, epochs=3, shuffle=False, verbose=0,
                        validation_data=(x[split:], y[split:]))
    assert sorted(history.history) == sorted(case["history"])
    for key, values in case["history"].items():
        np.testing.assert_allclose(history.history[key], values, rtol=2e-5, atol=1e-6, err_msg=key)
    # atol 1e-4: un peso con L1 que ya llegó a cero oscila a su alrededor según el redondeo de cada
    # paso (RMSprop divide un gradiente casi nulo por una media casi nula), y esa oscilación cambia de
    # una BLAS a otra (1e-5 frente a 1e-6 en el Python de Debian). Cada paso mueve los pesos hasta
    # lr = 1e-2, así que una fórmula equivocada se sigue viendo.
    for got, want in zip(model.get_weights(), case["final_weights"], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    model(x[:4])
    np.testing.assert_allclose([loss.item() for loss in model.losses], case["losses"], rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=8, verbose=0), case["evaluate"], rtol=1e-4)


def test_layer_configs_have_the_keras_regularizer_and_constraint_keys():
    for name, make in MODELS.items():
        for layer, keras_config in zip(make().layers, DATA["models"][name]["configs"], strict=True):
            if isinstance(layer, ActivityPenalty):  # una capa propia: Keras deduce su configuración
                continue
            config = layer.get_config()
            for key, value in keras_config.items():
                if key.endswith(("_regularizer", "_constraint")):
                    assert (config[key] is None) == (value is None), (layer.name, key)
                    if value is not None:
                        assert config[key] == {"class_name": value["class_name"], "config": value["config"]}


# ---------------------------------------------------------------- archivos .keras de Keras con regularizadores
@pytest.mark.parametrize("name", sorted(MODELS))
def test_keras_files_with_regularizers_load_and_save_like_keras(name, tmp_path):
    case = DATA["models"][name]
    path = FIXTURES / "keras" / f"reg_{name}.keras"
    model = keras.models.load_model(path, custom_objects={"ActivityPenalty": ActivityPenalty})
    x = arrays(case, "x")[:4]
    np.testing.assert_allclose(model.predict(x, verbose=0), case["pred"], rtol=1e-5, atol=1e-6)
    model(x)
    np.testing.assert_allclose([loss.item() for loss in model.losses], case["losses"], rtol=1e-5, atol=1e-7)
    model.save(tmp_path / "copia.keras")
    ours, theirs = (without_keras_extras(archive_parts(p)[1]) for p in (tmp_path / "copia.keras", path))
    for config in (ours, theirs):  # la capa propia la escribe cada uno a su manera (no es de Keras)
        config["config"]["layers"] = [c for c in config["config"]["layers"] if c["class_name"] != "ActivityPenalty"]
    assert_same_config(ours, theirs)


# ---------------------------------------------------------------- layer.losses y add_loss
def test_layer_losses_follow_the_keras_docstring():
    layer = L.Dense(5, kernel_initializer="ones", kernel_regularizer=R.L1(0.01), activity_regularizer=R.L2(0.01))
    layer(np.full((5, 5), 2.0, dtype="float32"))
    # núcleo: 0.01·25 = 0.25; actividad: 0.01·Σ(20²)·25 / 5 (el lote) = 5.0
    assert [round(loss.item(), 5) for loss in layer.losses] == [5.0, 0.25]


def test_added_losses_are_cleared_on_each_outer_call_and_weight_penalties_follow_the_weights():
    model = keras.Sequential([keras.Input(shape=(2,)), ActivityPenalty(), L.Dense(1, kernel_regularizer=R.L2(1.0))])
    model(np.ones((3, 2), dtype="float32"))
    model(np.full((3, 2), 2.0, dtype="float32"))
    kernel = model.layers[-1].kernel.numpy()
    assert [loss.item() for loss in model.losses] == pytest.approx([0.4, float((kernel ** 2).sum())])
    model.layers[-1].trainable = False  # como Keras: solo cuentan los pesos entrenables
    assert [loss.item() for loss in model.losses] == pytest.approx([0.4])


def test_regularization_gradient_reaches_the_weights():
    layer = L.Dense(1, use_bias=False, kernel_initializer="ones", kernel_regularizer=R.L2(0.5))
    layer(np.zeros((1, 3), dtype="float32"))
    layer.losses[0].backward()
    np.testing.assert_allclose(layer.kernel.grad.numpy(), np.ones((3, 1)))  # d(0.5·Σw²)/dw = w


def test_constraint_applies_after_each_optimizer_step():
    kernel = L.Dense(2, use_bias=False, kernel_initializer="ones", kernel_constraint=C.NonNeg())
    kernel.build((None, 2))
    optimizer = keras.optimizers.SGD(1.0)
    optimizer.apply([np.array([[2.0, 0.5], [0.5, 2.0]], dtype="float32")], [kernel.kernel])
    np.testing.assert_allclose(kernel.kernel.numpy(), [[0.0, 0.5], [0.5, 0.0]])


def test_regularizers_round_trip_through_layer_config():
    layer = L.LSTM(2, recurrent_regularizer="l2", bias_constraint="non_neg", activity_regularizer=R.L1(0.3))
    copy = L.LSTM.from_config(layer.get_config())
    assert copy.recurrent_regularizer.get_config() == {"l2": 0.01} and type(copy.bias_constraint) is C.NonNeg
    assert copy.activity_regularizer.get_config() == layer.activity_regularizer.get_config()
    assert "activity_regularizer" not in L.Dropout(0.1).get_config()  # como Keras: solo si lo hay


# ---------------------------------------------------------------- errores
@pytest.mark.parametrize("make, message", [
    (lambda: R.L2(-0.1), r"L2: l2 debe ser un número >= 0 \(p. ej. l2=0.01\) y es -0.1"),
    (lambda: R.L1("mucho"), r"L1: l1 debe ser un número >= 0"),
    (lambda: R.L1L2(l1=float("nan")), r"L1L2: l1 debe ser un número >= 0"),
    (lambda: R.OrthogonalRegularizer(mode="filas"), r"mode debe ser 'rows' o 'columns' y es 'filas'"),
    (lambda: R.get("l3"), r"Nombre de regularizador desconocido: 'l3'\. ¿Quisiste decir 'l1'\?"),
    (lambda: R.get("l1_l2"), r"desconocido: 'l1_l2'\. ¿Quisiste decir 'l1l2'\?"),
    (lambda: C.get("maxnorm"), r"Nombre de restricción desconocido: 'maxnorm'\. ¿Quisiste decir 'max_norm'\?"),
    (lambda: R.get(3), r"No se puede interpretar 3 como regularizador: pasa un nombre, un objeto como "
                       r"keras.regularizers.L2\(0.01\) o una función"),
    (lambda: L.Dense(2, kernel_regularizer="l5"), r"¿Quisiste decir 'l1'\?"),
    (lambda: R.OrthogonalRegularizer()(np.ones((2, 2, 2))), r"solo sirve para matrices \(2 ejes\)"),
])
def test_bad_regularizers_and_constraints_are_explained(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_add_loss_needs_a_tensor():
    with pytest.raises(ValueError, match=r"dense.*\.add_loss\(\) espera un Tensor .* y recibió str"):
        L.Dense(1).add_loss("0.1")


def test_regularizer_without_get_config_says_what_to_add():
    class Mine(R.Regularizer):
        def __call__(self, x):
            return x.sum()

    with pytest.raises(NotImplementedError, match="Mine no define get_config\\(\\)"):
        Mine().get_config()
