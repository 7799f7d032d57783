"""Modelos funcionales, anidados y subclase contra números y textos de Keras 3.

Los mismos modelos que construye tests/fixtures/make_keras_models.py, con los mismos nombres y
pesos: predicciones, summary(), configuración, historial de un fit corto con SGD sin barajar y
evaluate deben salir iguales.
"""
import json
import pathlib

import numpy as np
import pytest
from fixtures import keras_model_recipes as recipes

from tinygrad_es import keras
from tinygrad_es.keras import layers
from tinygrad_es.keras.optimizers import SGD

FIXTURE = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "keras_models.json").read_text("utf-8"))
RTOL, ATOL = 1e-5, 1e-6


@pytest.fixture(autouse=True)
def fresh_names(monkeypatch):
    keras.clear_session()
    monkeypatch.setenv("COLUMNS", "80")  # summary() a 80 columnas, como se generó


def arrays(values):
    return [np.asarray(v, dtype=np.float32) for v in values]


def summary_text(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    return "\n".join(lines)


def assert_history(got, expected, rtol=1e-4):
    assert list(got) == sorted(expected)
    for key, values in expected.items():
        np.testing.assert_allclose(got[key], values, rtol=rtol, atol=1e-6, err_msg=key)


# ---------------------------------------------------------------- capas de fusión
MERGE = {
    "add": layers.Add, "add_broadcast": layers.Add, "subtract": layers.Subtract, "multiply": layers.Multiply,
    "average": layers.Average, "maximum": layers.Maximum, "minimum": layers.Minimum,
    "concatenate_last": layers.Concatenate, "concatenate_axis1": lambda: layers.Concatenate(axis=1),
    "dot_last": lambda: layers.Dot(axes=-1), "dot_matrices": lambda: layers.Dot(axes=(2, 1)),
    "dot_axes_1_2": lambda: layers.Dot(axes=(1, 2)), "dot_normalize": lambda: layers.Dot(axes=1, normalize=True),
}


@pytest.mark.parametrize("name", sorted(MERGE))
def test_merge_layers_match_keras(name):
    case = FIXTURE["merging"][name]
    layer = MERGE[name]()
    out = layer([np.asarray(x, dtype=np.float32) for x in case["inputs"]])
    np.testing.assert_allclose(out.numpy(), case["output"], rtol=RTOL, atol=ATOL)
    assert layer.output_shape[1:] == np.shape(case["output"])[1:]


# ---------------------------------------------------------------- funcional con dos entradas y dos salidas
@pytest.fixture
def functional():
    case = FIXTURE["functional"]
    a, b, reg, cls = recipes.two_branch_model(keras)
    model = keras.Model([a, b], [reg, cls], name="dos_ramas")
    model.set_weights(arrays(case["weights"]))
    data = np.asarray(case["xa"], np.float32), np.asarray(case["xb"], np.float32)
    targets = np.asarray(case["y_reg"], np.float32), np.asarray(case["y_cls"])
    return case, model, data, targets


def test_functional_layers_weights_predictions_and_summary_match_keras(functional):
    case, model, (xa, xb), _ = functional
    assert [layer.name for layer in model.layers] == case["layer_names"]
    reg, cls = model.predict([xa, xb], verbose=0)
    np.testing.assert_allclose(reg, case["predict"][0], rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(cls, case["predict"][1], rtol=RTOL, atol=ATOL)
    assert summary_text(model) == case["summary"]
    by_name = model.predict({"b": xb, "a": xa}, verbose=0)  # un diccionario por nombre de Input
    np.testing.assert_array_equal(by_name[1], cls)


def test_functional_fit_and_evaluate_per_output_match_keras(functional):
    case, model, data, targets = functional
    model.compile(optimizer=SGD(0.1), loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[0.5, 2.0],
                  metrics=[["mae"], ["accuracy"]])
    history = model.fit(list(data), list(targets), batch_size=4, epochs=3, shuffle=False, verbose=0)
    assert_history(history.history, case["history"])
    np.testing.assert_allclose(model.evaluate(list(data), list(targets), batch_size=4, verbose=0), case["evaluate"],
                               rtol=1e-4)
    logs = model.evaluate(list(data), list(targets), batch_size=4, verbose=0, return_dict=True)
    assert logs == pytest.approx(case["evaluate_dict"], rel=1e-4)
    for got, expected in zip(model.get_weights(), case["trained_weights"]):
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)


def test_functional_with_dicts_orders_layers_and_fits_like_keras(functional):
    case, model, (xa, xb), (y_reg, y_cls) = functional
    a, b = model.inputs
    reg, cls = model.outputs
    by_name = keras.Model({"a": a, "b": b}, {"reg": reg, "cls": cls})  # las mismas capas y pesos
    assert [layer.name for layer in by_name.layers] == case["dict_layer_names"]
    assert by_name.output_names == ["cls", "reg"]
    by_name.compile(optimizer=SGD(0.1), loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"},
                    loss_weights={"reg": 0.5, "cls": 2.0}, metrics={"cls": "accuracy"})
    history = by_name.fit({"a": xa, "b": xb}, {"reg": y_reg, "cls": y_cls}, batch_size=4, epochs=2, shuffle=False,
                          verbose=0)
    assert_history(history.history, case["dict_history"])
    assert set(by_name.predict({"a": xa, "b": xb}, verbose=0)) == {"cls", "reg"}


def _our_layer_config(keras_config):
    """La configuración de una capa de Keras con solo los argumentos que la capa de aquí conoce
    (al cargar un .keras, esa traducción la hace el lector de archivos)."""
    import inspect

    cls = layers.get(keras_config["class_name"])
    config = dict(keras_config["config"])
    if isinstance(config.get("dtype"), dict):
        config["dtype"] = config["dtype"]["config"]["name"]
    for key, value in config.items():  # inicializadores: solo la clase y la semilla
        if isinstance(value, dict) and value.get("module") == "keras.initializers":
            config[key] = {"class_name": value["class_name"],
                           "config": {k: v for k, v in value["config"].items() if k == "seed"}}
    names = {n for klass in cls.__mro__ if "__init__" in vars(klass)
             for n in inspect.signature(klass.__init__).parameters}
    return {**keras_config, "config": {k: v for k, v in config.items() if k in names}}


def test_functional_config_has_keras_structure_and_rebuilds_from_keras_config(functional):
    case, model, data, _ = functional
    ours, theirs = model.get_config(), case["config"]
    assert ours["input_layers"] == theirs["input_layers"] and ours["output_layers"] == theirs["output_layers"]
    for mine, keras_layer in zip(ours["layers"], theirs["layers"]):
        assert (mine["name"], mine["class_name"]) == (keras_layer["name"], keras_layer["class_name"])
        assert json.loads(json.dumps(mine["inbound_nodes"])) == keras_layer["inbound_nodes"]
    rebuilt = keras.Model.from_config(theirs, deserialize_layer=lambda c: layers.deserialize(_our_layer_config(c)))
    rebuilt.set_weights(model.get_weights())
    for got, expected in zip(rebuilt.predict(list(data), verbose=0), case["predict"]):
        np.testing.assert_allclose(got, expected, rtol=RTOL, atol=ATOL)
    copy = keras.Model.from_config(json.loads(json.dumps(ours)))
    assert copy.get_config() == ours


# ---------------------------------------------------------------- modelos dentro de modelos
def test_sequential_inside_sequential_and_functional_matches_keras():
    case = FIXTURE["nested"]
    inner = keras.Sequential([layers.Dense(5, activation="relu"), layers.Dense(3)], name="interior")
    outer = keras.Sequential([keras.Input(shape=(4,)), inner, layers.Dense(2, activation="softmax")])
    weights = arrays(case["weights"])
    outer.set_weights(weights)
    x, y = np.asarray(case["x"], np.float32), np.asarray(case["y"])
    np.testing.assert_allclose(outer.predict(x, verbose=0), case["predict"], rtol=RTOL, atol=ATOL)
    assert summary_text(outer) == case["summary"]
    assert summary_text(outer, expand_nested=True) == case["summary_expanded"]

    inner.trainable = False  # se propaga a sus capas: fit no las toca
    assert [len(outer.trainable_weights), len(outer.non_trainable_weights)] == case["frozen_counts"]
    assert not any(layer.trainable for layer in inner.layers)
    outer.compile(optimizer=SGD(0.5), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = outer.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    assert_history(history.history, case["frozen_history"])
    for got, expected in zip(outer.get_weights(), case["frozen_trained_weights"]):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)

    keras.clear_session()
    entrada = keras.Input(shape=(4,), name="entrada")
    inner = keras.Sequential([layers.Dense(5, activation="relu"), layers.Dense(3)], name="interior")
    salida = layers.Dense(2, activation="softmax", name="salida")(layers.Add()([inner(entrada), inner(entrada)]))
    model = keras.Model(entrada, salida)
    model.set_weights(weights)
    np.testing.assert_allclose(model.predict(x, verbose=0), case["functional_predict"], rtol=RTOL, atol=ATOL)
    assert summary_text(model) == case["functional_summary"]


# ---------------------------------------------------------------- subclase y train_step propio
def test_subclassed_model_tracks_layers_trains_and_summarizes_like_keras():
    case = FIXTURE["subclass"]
    model = recipes.subclass_model(keras)
    assert not model.built
    x, y = np.asarray(case["x"], np.float32), np.asarray(case["y"])
    model(x[:2])
    assert model.built and [list(w.shape) for w in model.get_weights()] == case["weight_shapes"]
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "batch_normalization", "dense_2"]
    model.set_weights(arrays(case["weights"]))
    np.testing.assert_allclose(model.predict(x, verbose=0), case["predict"], rtol=RTOL, atol=ATOL)
    model.compile(optimizer=SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    assert_history(history.history, case["history"])  # BatchNormalization entrenó con el lote: training llegó
    np.testing.assert_allclose(model.predict(x, verbose=0), case["trained_predict"], rtol=1e-4, atol=1e-5)
    assert summary_text(model) == case["summary"]


class PasoPropio(keras.Model):
    """El train_step del curso de entrenamiento a medida, con el autograd de tinygrad_es."""

    def train_step(self, data):
        x, y = data
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        pesos = self.trainable_weights
        self.optimizer.apply([w.grad for w in pesos], pesos)
        self.zero_grad()
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_custom_train_step_on_a_functional_subclass_matches_keras():
    case = FIXTURE["subclass"]
    entrada = keras.Input(shape=(5,))
    salida = layers.Dense(3, activation="softmax")(layers.Dense(4, activation="relu")(entrada))
    model = PasoPropio(entrada, salida)
    assert isinstance(model, PasoPropio) and isinstance(model, keras.Model) and model.name == "paso_propio"
    model.set_weights(arrays(case["custom_weights"]))
    model.compile(optimizer=SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.asarray(case["x"], np.float32), np.asarray(case["y"])
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    assert_history(history.history, case["custom_history"])


# ---------------------------------------------------------------- opciones de fit
@pytest.fixture
def options():
    case = FIXTURE["fit_options"]

    def fresh():
        model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(4, activation="tanh"),
                                  layers.Dense(1, activation="sigmoid")])
        model.set_weights(arrays(case["weights"]))
        model.compile(optimizer=SGD(0.2), loss="binary_crossentropy", metrics=["accuracy"])
        return model

    data = {k: np.asarray(case[k], np.float32) for k in ("x", "y", "per_sample", "x_val", "y_val")}
    return case, fresh, data


def test_fit_options_match_keras(options):
    case, fresh, d = options
    x, y = d["x"], d["y"]
    runs = recipes.fit_option_runs(d, recipes.batches_dataset(keras, x, y, 4))
    for name, kwargs in runs.items():
        assert_history(fresh().fit(shuffle=False, verbose=0, **kwargs).history, case[name])

    def generator():
        for start in range(0, 10, 4):
            yield x[start:start + 4], y[start:start + 4]

    assert_history(fresh().fit(generator(), epochs=1, verbose=0).history, case["generator"])


def test_weighted_metrics_and_evaluate_steps_match_keras(options):
    case, fresh, d = options
    model = fresh()
    model.compile(optimizer=SGD(0.2), loss="binary_crossentropy", metrics=["accuracy"],
                  weighted_metrics=["accuracy"])
    logs = model.evaluate(d["x"], d["y"], sample_weight=d["per_sample"], batch_size=4, verbose=0,
                          return_dict=True)
    assert logs == pytest.approx(case["weighted_evaluate"], rel=1e-5)
    np.testing.assert_allclose(model.evaluate(d["x"], d["y"], batch_size=3, steps=2, verbose=0),
                               case["evaluate_steps"], rtol=1e-5)


# ---------------------------------------------------------------- máscaras a través de los modelos
@pytest.mark.parametrize("kind", ["sequential", "functional", "nested"])
def test_masks_travel_through_sequential_functional_and_nested_models_like_keras(kind):
    case = FIXTURE["masks"]
    model = recipes.masked_models(keras)[kind]
    model.set_weights(arrays(case[kind]["weights"]))
    ids = np.asarray(case["ids"], dtype=np.int32)
    np.testing.assert_allclose(model.predict(ids, verbose=0), case[kind]["predict"], rtol=1e-5, atol=1e-6)
