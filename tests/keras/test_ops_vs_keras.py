"""keras.ops, keras.activations y las entropías de keras.losses contra Keras 3 real.

Cada caso de tests/fixtures/keras_reference.json (lo escribe make_keras_reference.py con Keras
3) guarda una llamada y lo que devolvió Keras; aquí se repite la llamada con tinygrad_es.
"""
import json
import pathlib

import numpy as np
import pytest

from tinygrad_es import Tensor
from tinygrad_es.keras import activations, losses, ops

FIXTURE = json.loads((pathlib.Path(__file__).parents[1] / "fixtures" / "keras_reference.json").read_text("utf-8"))
CASES = {c["module"] + "." + c["id"]: c for c in FIXTURE["cases"]}
MODULES = {"ops": ops, "activations": activations, "losses": losses}


def decode(value):
    if isinstance(value, dict) and "array" in value:
        return np.asarray(value["array"], dtype=value["dtype"])
    if isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def assert_same(ours, expected, where):
    if isinstance(expected, list) and not isinstance(ours, Tensor) and not np.isscalar(ours):
        assert len(ours) == len(expected), where
        for i, (o, e) in enumerate(zip(ours, expected)):
            assert_same(o, e, f"{where}[{i}]")
        return
    ours = ours.numpy() if isinstance(ours, Tensor) else np.asarray(ours)
    expected = np.asarray(expected)
    assert ours.shape == expected.shape, f"{where}: forma {ours.shape}, Keras {expected.shape}"
    assert ours.dtype.kind == expected.dtype.kind, f"{where}: tipo {ours.dtype}, Keras {expected.dtype}"
    scale = 1 + np.abs(expected).max() if expected.size else 1  # sumas largas en float32: error ~ su tamaño
    np.testing.assert_allclose(ours, expected, rtol=2e-5, atol=2e-6 * scale, err_msg=where)


@pytest.mark.parametrize("key", sorted(CASES))
def test_matches_keras(key):
    c = CASES[key]
    ours = getattr(MODULES[c["module"]], c["fn"])(*decode(c["args"]), **decode(c["kwargs"]))
    assert_same(ours, decode(c["out"]), key)


def test_every_function_is_compared_with_keras():
    compared = {(c["module"], c["fn"]) for c in FIXTURE["cases"]}
    missing = [n for n in ops.__all__ if ("ops", n) not in compared and n not in ("is_tensor", "dtype", "size",
                                                                                    "convert_to_numpy")]
    assert not missing, f"funciones de keras.ops sin caso en el fixture: {missing}"
    named = {n for n in activations._BY_NAME}
    assert named <= {c["fn"] for c in FIXTURE["cases"] if c["module"] in ("activations", "ops")}
