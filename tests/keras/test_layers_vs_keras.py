"""Las capas contra Keras 3 real: mismas entradas y pesos, mismas salidas, formas, parámetros,
configuración y summary().

Los números vienen de tests/fixtures/make_keras_layers.py (ejecutado una vez con TensorFlow y
Keras 3.15.1); aquí solo se leen los archivos que generó, sin TensorFlow.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from tinygrad_es import keras
from tinygrad_es.keras import layers

FIXTURES = Path(__file__).parent.parent / "fixtures"
REPORT = json.loads((FIXTURES / "keras_layers.json").read_text())
with np.load(FIXTURES / "keras_layers.npz", allow_pickle=False) as _arrays:
    ARRAYS = dict(_arrays)
CASES = REPORT["cases"]
RTOL, ATOL = 2e-5, 2e-6

# Claves de la configuración de Keras que tinygrad_es no guarda porque no admite esos argumentos
# (regularizadores, restricciones, cuantización): su valor en Keras es siempre None aquí.
UNSUPPORTED_KEYS = {"kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                    "bias_constraint", "recurrent_regularizer", "recurrent_constraint", "beta_regularizer",
                    "gamma_regularizer", "beta_constraint", "gamma_constraint", "depthwise_regularizer",
                    "depthwise_constraint", "pointwise_regularizer", "pointwise_constraint", "quantization_config"}


def build(spec):
    kwargs = {k: build(v) if k in ("layer", "backward_layer") else v for k, v in spec["kwargs"].items()}
    return layers.get(spec["class_name"])(**kwargs)


def make_layer(name):
    keras.clear_session()
    case = CASES[name]
    layer = build(case["spec"]["layer"])
    layer.build_from_shape(tuple(case["spec"]["shape"]))
    layer.set_weights([ARRAYS[f"{name}/w{i}"] for i in range(len(case["weight_shapes"]))])
    return layer


def run(name):
    """Las salidas de la capa con las entradas del caso (y las máscaras de dropout de Keras)."""
    spec = CASES[name]["spec"]
    layer = make_layer(name)
    kwargs = {}
    if spec["mask"] is not None and spec["layer"]["class_name"] != "Masking":
        kwargs["mask"] = np.array(spec["mask"], dtype=bool)
    if spec["initial_state"]:
        count = sum(1 for key in ARRAYS if key.startswith(f"{name}/s"))
        kwargs["initial_state"] = [ARRAYS[f"{name}/s{i}"] for i in range(count)]
    if spec["dropout"]:
        def fixed(kind):
            masks = [ARRAYS[k] for k in sorted(ARRAYS) if k.startswith(f"{name}/dropout_{kind}")]
            return masks or None
        layer._dropout_masks = lambda batch, features, training: (fixed("input"), fixed("recurrent"))
    outputs = []
    for call in range(spec["calls"]):
        x = ARRAYS[f"{name}/x" + (str(call) if call else "")]
        out = layer(x, training=spec["training"], **kwargs)
        outputs += [o.numpy() for o in (out if isinstance(out, list) else [out])]
    return layer, outputs


def normalized(config):
    """La configuración tal como la escribe JSON, sin lo que solo tiene forma distinta en Keras."""
    config = json.loads(json.dumps(config))
    if isinstance(config.get("dtype"), dict):  # Keras: {"class_name": "DTypePolicy", "config": {"name": ...}}
        config["dtype"] = config["dtype"]["config"]["name"]
    for key, value in config.items():
        if isinstance(value, dict) and "class_name" in value:  # inicializadores y capas envueltas
            inner = normalized(value.get("config", {}))
            config[key] = {"class_name": value["class_name"], "config": inner}
    return config


def assert_config_like_keras(mine, theirs):
    mine, theirs = normalized(mine), normalized(theirs)
    missing = set(theirs) - set(mine) - UNSUPPORTED_KEYS
    assert not missing, f"faltan claves de Keras: {sorted(missing)}"
    for key, value in mine.items():
        assert key in theirs, f"clave que Keras no tiene: {key}"
        if isinstance(value, dict) and "class_name" in value:
            assert value["class_name"] == theirs[key]["class_name"]
            if key in ("layer", "backward_layer"):
                assert_config_like_keras(value["config"], theirs[key]["config"])
            else:  # inicializadores: los argumentos que guardamos valen lo mismo
                for k, v in value["config"].items():
                    assert theirs[key]["config"].get(k) == v, (key, k)
        else:
            assert value == theirs[key], (key, value, theirs[key])


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.filterwarnings("ignore:LayerNormalization")
def test_outputs_shapes_and_params_match_keras(name):
    case = CASES[name]
    layer, outputs = run(name)
    assert [list(w.shape) for w in layer.weights] == case["weight_shapes"]
    assert layer.count_params() == case["count_params"]
    assert len(outputs) == case["outputs"]
    for i, out in enumerate(outputs):
        expected = ARRAYS[f"{name}/y{i}"]
        assert out.shape == expected.shape
        np.testing.assert_allclose(out, expected, rtol=RTOL, atol=ATOL, err_msg=f"salida {i}")
    shape = json.loads(json.dumps(layer.compute_output_shape(tuple(case["spec"]["shape"]))))
    assert shape == case["output_shape"]


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.filterwarnings("ignore:LayerNormalization")
def test_config_is_keras_config_and_round_trips(name):
    layer = make_layer(name)
    assert_config_like_keras(layer.get_config(), CASES[name]["config"])
    copy = layers.deserialize(layers.serialize(layer))
    assert type(copy) is type(layer) and copy.get_config() == layer.get_config()


def test_masking_mask_matches_keras():
    layer = make_layer("masking")
    np.testing.assert_array_equal(layer.compute_mask(ARRAYS["masking/x"]), ARRAYS["masking/mask_out"])


@pytest.mark.parametrize("name", sorted(REPORT["summaries"]))
def test_summary_matches_keras(name, capsys):
    summary = REPORT["summaries"][name]
    keras.clear_session()
    first, *rest = summary["layers"]
    model = keras.Sequential([keras.Input(**first["kwargs"])] + [build(spec) for spec in rest])
    model.summary(line_length=76)
    assert capsys.readouterr().out.rstrip("\n") == summary["text"].rstrip("\n")


@pytest.mark.parametrize("name", sorted(REPORT["models"]))
def test_masks_travel_through_sequential_like_keras(name):
    """Embedding(mask_zero=True) y Masking: la máscara llega a las recurrentes y a GlobalAveragePooling1D."""
    model_spec = REPORT["models"][name]
    keras.clear_session()
    first, *rest = model_spec["layers"]
    model = keras.Sequential([keras.Input(**first["kwargs"])] + [build(spec) for spec in rest])
    model.set_weights([ARRAYS[f"model_{name}/w{i}"] for i in range(model_spec["weights"])])
    np.testing.assert_allclose(model.predict(ARRAYS[f"model_{name}/x"], verbose=0), ARRAYS[f"model_{name}/y"],
                               rtol=RTOL, atol=ATOL)
