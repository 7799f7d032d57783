"""Las promesas que las pruebas aleatorias no tocan, fijadas con valores exactos.

- El gradiente en cada codo (abs, relu, leaky_relu, clip, maximum, minimum, hinge, mae): las
  pruebas de Hypothesis se apartan de los codos, así que aquí se pone x justo encima.
- Los dos bordes del recorte [1e-7, 1 - 1e-7] de cada pérdida con probabilidades: una predicción
  de exactamente 0 o 1 (el borde de arriba solo se alcanza con un 1 exacto).
- El valor y la escala 1/(1 - rate) de cada camino del dropout, contra una máscara sorteada aparte
  con la misma semilla.
"""
import numpy as np
import pytest

from tinygrad_es import Tensor, manual_seed
from tinygrad_es.keras import activations, layers, losses, ops
from tinygrad_es.nn import functional as F


def grad_of(fn, x, dtype="float64"):
    t = Tensor(x, dtype=dtype, requires_grad=True)
    fn(t).sum().backward()
    return t.grad.data


# ---------------------------------------------------------------- codos
KINKS = [
    # (nombre, función, x, gradiente prometido en cada x)
    ("abs", lambda t: t.abs(), [0.0, -2.0, 2.0], [0.0, -1.0, 1.0]),
    ("relu", lambda t: t.relu(), [0.0, -1.0, 1.0], [0.0, 0.0, 1.0]),
    ("leaky_relu", lambda t: t.leaky_relu(0.1), [0.0, -1.0, 1.0], [0.1, 0.1, 1.0]),
    ("clip", lambda t: t.clip(-1.0, 1.0), [-1.0, 1.0, -1.5, 1.5, 0.3], [1.0, 1.0, 0.0, 0.0, 1.0]),
    ("clip solo abajo", lambda t: t.clip(min_value=0.0), [0.0, -1.0], [1.0, 0.0]),
    ("maximum", lambda t: t.maximum(Tensor([0.0, 0.0, 0.0], dtype="float64")), [0.0, -1.0, 1.0], [0.5, 0.0, 1.0]),
    ("minimum", lambda t: t.minimum(0.0), [0.0, -1.0, 1.0], [0.5, 1.0, 0.0]),
    ("hinge en el margen", lambda t: F.hinge(t, np.array([1.0, -1.0, 1.0]), reduction="sum"),
     [1.0, -1.0, 0.5], [0.0, 0.0, -1.0]),
    ("hinge de Keras", lambda t: losses.hinge(np.array([[1.0, 0.0]]), t.reshape(1, 2)), [1.0, -1.0], [0.0, 0.0]),
    ("mae sin error", lambda t: F.mae(t, np.array([0.5, 1.0]), reduction="sum"), [0.5, 2.0], [0.0, 1.0]),
    ("relu con threshold", lambda t: activations.relu(t, threshold=1.0), [1.0, 2.0], [0.0, 1.0]),
]


@pytest.mark.parametrize("name,fn,x,expected", KINKS, ids=[k[0] for k in KINKS])
def test_gradient_at_kinks(name, fn, x, expected):
    np.testing.assert_array_equal(grad_of(fn, x), expected)


def test_maximum_tie_splits_between_both_inputs():
    a, b = Tensor([2.0], requires_grad=True), Tensor([2.0], requires_grad=True)
    a.maximum(b).sum().backward()
    assert a.grad.item() == b.grad.item() == 0.5
    a.grad = b.grad = None
    a.minimum(b).sum().backward()
    assert a.grad.item() == b.grad.item() == 0.5


# ---------------------------------------------------------------- bordes del recorte de las probabilidades
EPS = np.float32(1e-7)
UPPER = float(-np.log(np.float32(1) - EPS))  # p = 1 acertada: -log(1 - 1e-7) en float32 = 1.19e-7
LOWER = float(-np.log(EPS))  # p = 0 donde la etiqueta es 1: -log(1e-7) = 16.118
LOWER_FROM_ONE = float(-np.log(np.float32(1) - (np.float32(1) - EPS)))  # binaria, p = 1 con y = 0: 15.942

PROBS = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], np.float32)
SPARSE, ONE_HOT = np.array([0, 0]), np.array([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]], np.float32)
BINARY, BINARY_Y = np.array([[1.0], [0.0], [0.0], [1.0]], np.float32), np.array([[1.0], [0.0], [1.0], [0.0]], np.float32)
BINARY_EXPECTED = [UPPER, UPPER, LOWER, LOWER_FROM_ONE]

PROBABILITY_LOSSES = {  # nombre: (pérdida por muestra de pred, predicciones, lo que debe dar)
    "nn.categorical_cross_entropy (índices)": (lambda p: F.categorical_cross_entropy(p, SPARSE, reduction="none"),
                                               PROBS, [UPPER, LOWER]),
    "nn.categorical_cross_entropy (one-hot)": (lambda p: F.categorical_cross_entropy(p, ONE_HOT, reduction="none"),
                                               PROBS, [UPPER, LOWER]),
    "nn.binary_cross_entropy": (lambda p: F.binary_cross_entropy(p, BINARY_Y, reduction="none"), BINARY,
                                BINARY_EXPECTED),
    "keras.losses.categorical_crossentropy": (lambda p: losses.categorical_crossentropy(ONE_HOT, p), PROBS,
                                              [UPPER, LOWER]),
    "keras.losses.sparse_categorical_crossentropy": (lambda p: losses.sparse_categorical_crossentropy(SPARSE, p),
                                                     PROBS, [UPPER, LOWER]),
    "keras.losses.binary_crossentropy": (lambda p: losses.binary_crossentropy(BINARY_Y, p), BINARY, BINARY_EXPECTED),
    "keras.losses.CategoricalCrossentropy": (lambda p: losses.CategoricalCrossentropy(reduction=None)(ONE_HOT, p),
                                             PROBS, [UPPER, LOWER]),
    "keras.losses.SparseCategoricalCrossentropy": (
        lambda p: losses.SparseCategoricalCrossentropy(reduction=None)(SPARSE, p), PROBS, [UPPER, LOWER]),
    "keras.losses.BinaryCrossentropy": (lambda p: losses.BinaryCrossentropy(reduction=None)(BINARY_Y, p), BINARY,
                                        BINARY_EXPECTED),
    "keras.ops.categorical_crossentropy": (lambda p: ops.categorical_crossentropy(ONE_HOT, p), PROBS,
                                           [UPPER, LOWER]),
    "keras.ops.sparse_categorical_crossentropy": (lambda p: ops.sparse_categorical_crossentropy(SPARSE, p), PROBS,
                                                  [UPPER, LOWER]),
    "keras.ops.binary_crossentropy": (lambda p: ops.binary_crossentropy(BINARY_Y, p).reshape(-1), BINARY,
                                      BINARY_EXPECTED),
}


@pytest.mark.parametrize("name", sorted(PROBABILITY_LOSSES))
def test_both_clip_bounds(name):
    fn, pred, expected = PROBABILITY_LOSSES[name]
    p = Tensor(pred, requires_grad=True)
    out = fn(p)
    np.testing.assert_allclose(out.data.reshape(-1), expected, rtol=1e-4)  # 0 en vez de 1.19e-7 no pasa
    out.sum().backward()
    np.testing.assert_array_equal(p.grad.data, 0)  # todo recortado: la pérdida no depende de pred


def test_clip_bounds_in_float64():
    p = Tensor([[1.0, 0.0]], dtype="float64")
    np.testing.assert_allclose(F.categorical_cross_entropy(p, np.array([0]), reduction="none").data,
                               [-np.log(1 - 1e-7)], rtol=1e-9)
    np.testing.assert_allclose(F.categorical_cross_entropy(p, np.array([1]), reduction="none").data,
                               [-np.log(1e-7)], rtol=1e-9)


# ---------------------------------------------------------------- dropout
X = np.arange(1.0, 25.0).reshape(2, 3, 4)


def reference_mask(seed, shape, rate):
    """La máscara que el dropout debe usar: 0 con probabilidad rate y 1/(1 - rate) si no, sorteada aparte."""
    return (np.random.default_rng(seed).random(shape) >= rate) / (1 - rate)


DROPOUT_PATHS = {  # nombre: (llamada con training=True, forma de la máscara)
    "Tensor.dropout": (lambda x, rate: x.dropout(rate), X.shape),
    "Tensor.dropout(noise_shape)": (lambda x, rate: x.dropout(rate, noise_shape=(2, 1, 4)), (2, 1, 4)),
    "F.dropout": (lambda x, rate: F.dropout(x, rate), X.shape),
    "F.dropout(noise_shape con None)": (lambda x, rate: F.dropout(x, rate, noise_shape=(None, 1, None)), (2, 1, 4)),
    "Dropout": (lambda x, rate: layers.Dropout(rate)(x, training=True), X.shape),
    "Dropout(noise_shape)": (lambda x, rate: layers.Dropout(rate, noise_shape=(2, 3, 1))(x, training=True),
                             (2, 3, 1)),
    "SpatialDropout1D": (lambda x, rate: layers.SpatialDropout1D(rate)(x, training=True), (2, 1, 4)),
    "SpatialDropout2D": (lambda x, rate: layers.SpatialDropout2D(rate)(x.reshape(2, 3, 2, 2), training=True)
                         .reshape(2, 3, 4), None),
}


@pytest.mark.parametrize("name", sorted(DROPOUT_PATHS))
@pytest.mark.parametrize("rate", [0.25, 0.6])
def test_dropout_values_and_scale(name, rate):
    call, shape = DROPOUT_PATHS[name]
    x = Tensor(X, dtype="float64", requires_grad=True)
    manual_seed(7)
    out = call(x, rate)
    if shape is None:  # SpatialDropout2D: máscara (lote, 1, 1, canales) sobre la imagen (2, 3, 2, 2)
        mask = np.broadcast_to(reference_mask(7, (2, 1, 1, 2), rate), (2, 3, 2, 2)).reshape(2, 3, 4)
    else:
        mask = np.broadcast_to(reference_mask(7, shape, rate), X.shape)
    np.testing.assert_allclose(out.data, X * mask, rtol=1e-12)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, mask, rtol=1e-12)  # la misma escala 1/(1 - rate) en el gradiente


@pytest.mark.parametrize("name", sorted(DROPOUT_PATHS))
def test_dropout_edges(name):
    call, _ = DROPOUT_PATHS[name]
    x = Tensor(X)
    np.testing.assert_array_equal(call(x, 0.0).data, X)  # rate 0: nada cambia
    np.testing.assert_array_equal(call(x, 1.0).data, 0)  # rate 1: todo anulado (sin dividir por 0)


def test_dropout_off_outside_training():
    x = Tensor(X)
    assert x.dropout(0.5, training=False) is x and F.dropout(x, 0.5, training=False, noise_shape=(2, 1, 4)) is x
    for layer in (layers.Dropout(0.5), layers.Dropout(0.5, noise_shape=(2, 1, 1)), layers.SpatialDropout1D(0.5)):
        np.testing.assert_array_equal(layer(x, training=False).data, X)


def test_recurrent_dropout_masks():
    layer = layers.LSTM(3, dropout=0.25, recurrent_dropout=0.6)
    manual_seed(5)
    inputs, states = layer._dropout_masks(2, 4, training=True)
    rng = np.random.default_rng(5)  # el mismo orden de sorteo: las 4 de la entrada y luego las 4 del estado
    for mask in inputs:
        np.testing.assert_allclose(mask, (rng.random((2, 4)) >= 0.25) / 0.75)
    for mask in states:
        np.testing.assert_allclose(mask, (rng.random((2, 3)) >= 0.6) / 0.4)
    assert len(inputs) == len(states) == 4 and layer._dropout_masks(2, 4, training=False) == (None, None)
