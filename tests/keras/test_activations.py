"""keras.activations: la lista completa de Keras 3, sus gradientes (gradcheck en float64 con formas de
Hypothesis), get/serialize/deserialize como Keras, y sparsemax. Los valores de cada activación
contra Keras real están en test_ops_vs_keras.py."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinygrad_es import Tensor, gradcheck
from tinygrad_es.keras import activations
from tinygrad_es.keras.layers import Dense

from strategies import FAST, away_from, nonempty_shapes, values

# Las de keras.activations en Keras 3.15 (ALL_OBJECTS_DICT, con los alias swish y hard_swish).
KERAS_3 = {
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish",
    "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid",
    "silu", "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax",
    "squareplus", "swish", "tanh", "tanh_shrink", "threshold",
}
KINKS = {  # dónde la derivada salta: gradcheck mira lejos de ahí
    "relu": (0,), "leaky_relu": (0,), "relu6": (0, 6), "selu": (0,), "hard_sigmoid": (-3, 3), "hard_silu": (-3, 3),
    "hard_swish": (-3, 3), "hard_tanh": (-1, 1), "sparse_sigmoid": (-1, 1), "hard_shrink": (-0.5, 0.5),
    "soft_shrink": (-0.5, 0.5),
}


def test_the_list_is_keras_3():
    assert set(activations._BY_NAME) == KERAS_3


@pytest.mark.parametrize("name", sorted(KERAS_3 - {"threshold", "sparsemax"}))
@FAST
@given(shape=nonempty_shapes, data=st.data())
def test_gradcheck(name, shape, data):
    shape = shape[:-1] + (2 * shape[-1],)  # glu parte el último eje en dos mitades
    x = away_from(data.draw(values(shape, -7, 7)), KINKS.get(name, ()))
    gradcheck(activations.get(name), x)


def test_threshold_and_sparsemax_gradients():
    x = np.array([[-1.0, 0.3, 0.9, 2.0], [0.2, 0.1, -0.4, 0.25]])
    gradcheck(lambda t: activations.threshold(t, 0.5, -2.0), x)
    gradcheck(activations.sparsemax, x)  # lejos de los puntos donde cambia el soporte


def test_sparsemax_is_a_sparse_distribution():
    # [0.5, -1, 0.2, 1.3]: soporte {1.3, 0.5}, τ = (1.3 + 0.5 - 1) / 2 = 0.4 (Martins y Astudillo, 2016)
    out = activations.sparsemax(Tensor([[0.5, -1.0, 0.2, 1.3]], dtype="float64"))
    np.testing.assert_allclose(out.data, [[0.1, 0.0, 0.0, 0.9]], atol=1e-12)
    rows = activations.sparsemax(Tensor(np.random.default_rng(0).normal(size=(6, 5)), dtype="float64"), axis=0)
    np.testing.assert_allclose(rows.data.sum(axis=0), 1.0)


# ---------------------------------------------------------------- get, serialize, deserialize
def test_get():
    assert activations.get(None) is activations.linear
    assert activations.get("swish") is activations.silu and activations.get("hard_swish") is activations.hard_silu
    assert activations.get({"class_name": "function", "config": "tanh", "module": "keras.activations",
                            "registered_name": None}) is activations.tanh

    def mine(x):
        return x

    assert activations.get(mine) is mine
    with pytest.raises(ValueError, match=r"'rellu'.*¿Quisiste decir 'relu'\?"):
        activations.get("rellu")
    with pytest.raises(ValueError, match=r"La activación debe ser un nombre como 'relu', una función o None, y se "
                                         r"recibió 3"):
        activations.get(3)


def test_serialize_uses_keras_names():
    assert activations.serialize(activations.swish) == "silu"
    assert activations.serialize(activations.hard_swish) == "hard_silu"
    assert activations.serialize(activations.gelu) == "gelu"
    assert Dense(2, activation="swish").get_config()["activation"] == "silu"


def test_deserialize():
    assert activations.deserialize("relu") is activations.relu
    assert activations.deserialize({"class_name": "function", "config": "elu"}) is activations.elu

    def mine(x):
        return x

    assert activations.deserialize("mine", custom_objects={"mine": mine}) is mine
    with pytest.raises(ValueError, match=r"deserialize esperaba el nombre de una activación o un diccionario"):
        activations.deserialize({"class_name": "function"})


def test_glu_needs_an_even_axis():
    with pytest.raises(ValueError, match=r"glu parte el eje 1 en dos mitades iguales .* \(2, 3\) mide 3, que es impar"):
        activations.glu(np.ones((2, 3)))
