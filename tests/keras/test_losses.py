"""Pérdidas: los números de Keras, gradcheck de cada una, estabilidad, reducciones y errores de etiquetas."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_es import Tensor, gradcheck
from tinygrad_es.errors import ShapeError
from tinygrad_es.keras import losses
from tinygrad_es.nn import losses as F
from tinygrad_es.ops.loss import EPSILON

Y_ONEHOT = np.array([[0, 1, 0], [0, 0, 1]])
P = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])


# ---------------------------------------------------------------- los números de Keras (sección 3.1)
def test_keras_docstring_vectors():
    np.testing.assert_allclose(losses.categorical_crossentropy(Y_ONEHOT, P).data, [0.0513, 2.303], atol=1e-3)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy([1, 2], P).data, [0.0513, 2.303], atol=1e-3)
    bce = losses.binary_crossentropy(np.array([[0, 1], [0, 0]]), np.array([[0.6, 0.4], [0.4, 0.6]]))
    np.testing.assert_allclose(bce.data, [0.916, 0.714], atol=1e-3)


def test_loss_objects_return_the_mean_over_the_batch():
    loss = losses.get("categorical_crossentropy")(Y_ONEHOT, Tensor(P))
    assert loss.shape == () and abs(loss.item() - (0.0513 + 2.3026) / 2) < 1e-3
    assert abs(losses.MeanSquaredError()(np.array([[0.0, 1.0]]), Tensor([[1.0, 1.0]])).item() - 0.5) < 1e-7


def test_categorical_crossentropy_normalises_then_clips_at_1e_7():
    probs = np.array([[2.0, 2.0, 0.0]])  # sin normalizar; la clase 2 tiene probabilidad 0
    loss = losses.categorical_crossentropy(np.array([[0, 0, 1]]), probs).data
    np.testing.assert_allclose(loss, [-np.log(EPSILON)], rtol=1e-5)
    loss = losses.categorical_crossentropy(np.array([[1, 0, 0]]), probs).data
    np.testing.assert_allclose(loss, [np.log(2.0)], rtol=1e-5)


def test_binary_crossentropy_clips_probabilities():
    loss = losses.binary_crossentropy(np.array([[1.0]]), np.array([[0.0]])).data
    np.testing.assert_allclose(loss, [-np.log(EPSILON)], rtol=1e-4)


def test_label_smoothing():
    y, p = np.array([[0.0, 1.0, 0.0]]), np.array([[0.2, 0.7, 0.1]])
    smooth = y * 0.8 + 0.2 / 3
    expected = -(smooth * np.log(p)).sum()
    got = losses.categorical_crossentropy(y, p, label_smoothing=0.2).data
    np.testing.assert_allclose(got, [expected], rtol=1e-5)
    yb, pb = np.array([[1.0, 0.0]]), np.array([[0.9, 0.3]])
    sb = yb * 0.8 + 0.1
    expected_b = np.mean(-(sb * np.log(pb) + (1 - sb) * np.log(1 - pb)))
    np.testing.assert_allclose(losses.BinaryCrossentropy(label_smoothing=0.2)(yb, Tensor(pb)).item(), expected_b,
                               rtol=1e-5)


def test_regression_losses_and_hinge_against_numpy():
    rng = np.random.default_rng(0)
    y, p = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    np.testing.assert_allclose(losses.mean_squared_error(y, p).data, np.mean((y - p) ** 2, axis=-1), rtol=1e-5)
    np.testing.assert_allclose(losses.mean_absolute_error(y, p).data, np.mean(np.abs(y - p), axis=-1), rtol=1e-5)
    labels = np.sign(y)
    np.testing.assert_allclose(losses.hinge(labels, p).data, np.mean(np.maximum(1 - labels * p, 0), axis=-1),
                               rtol=1e-5)
    # etiquetas 0/1 se convierten a -1/+1, como Keras
    np.testing.assert_allclose(losses.hinge((labels + 1) / 2, p).data, losses.hinge(labels, p).data)


@pytest.mark.parametrize("name,pred,labels", [
    ("softmax_cross_entropy", P, np.array([1, 2])), ("categorical_cross_entropy", P, Y_ONEHOT),
    ("binary_cross_entropy", np.array([0.3, 0.6]), np.array([0.0, 1.0])),
    ("logistic_loss", np.array([0.3, -0.6]), np.array([1.0, -1.0])), ("hinge", np.array([0.3, -0.6]), np.array([1, -1])),
    ("mse", np.array([0.3, 0.6]), np.array([0.0, 1.0])), ("mae", np.array([0.3, 0.6]), np.array([0.0, 1.0])),
])
def test_nn_losses_take_arrays_like_the_rest_of_nn_functional(name, pred, labels):
    # antes: "'numpy.ndarray' object has no attribute 'requires_grad'" (o 'abs', 'relu'), y mse daba un float de NumPy
    out = getattr(F, name)(pred, labels)
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.numpy(), getattr(F, name)(Tensor(pred), labels).numpy())


def test_logistic_loss_is_the_course_formula_and_stable():
    f = np.array([-800.0, -3.0, 0.0, 2.5, 800.0], dtype=np.float64)
    y = np.array([1.0, -1.0, 1.0, -1.0, -1.0])
    got = F.logistic_loss(Tensor(f, dtype="float64"), y, reduction="none").data
    np.testing.assert_allclose(got, np.logaddexp(0.0, -y * f), rtol=1e-12)
    assert np.all(np.isfinite(got))
    assert losses.get("logistic").name == "logistic"


def test_from_logits_agrees_with_probabilities():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((5, 4))
    labels = rng.integers(0, 4, 5)
    softmax = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    np.testing.assert_allclose(losses.sparse_categorical_crossentropy(labels, z, from_logits=True).data,
                               losses.sparse_categorical_crossentropy(labels, softmax).data, rtol=1e-5)
    onehot = np.eye(4)[labels]
    np.testing.assert_allclose(losses.categorical_crossentropy(onehot, z, from_logits=True).data,
                               losses.categorical_crossentropy(onehot, softmax).data, rtol=1e-5)
    yb = rng.integers(0, 2, (5, 4)).astype(float)
    np.testing.assert_allclose(losses.binary_crossentropy(yb, z, from_logits=True).data,
                               losses.binary_crossentropy(yb, 1 / (1 + np.exp(-z))).data, rtol=1e-5)


def test_from_logits_is_stable_for_huge_logits():
    z = Tensor(np.array([[1000.0, -1000.0, 0.0]]), requires_grad=True)
    loss = losses.CategoricalCrossentropy(from_logits=True)(np.array([[0, 1, 0]]), z)
    np.testing.assert_allclose(loss.item(), 2000.0)
    loss.backward()
    np.testing.assert_allclose(z.grad.data, [[1.0, -1.0, 0.0]], atol=1e-6)  # softmax - onehot
    zb = Tensor(np.array([[1000.0, -1000.0]]), requires_grad=True)
    lb = losses.BinaryCrossentropy(from_logits=True)(np.array([[0.0, 0.0]]), zb)
    np.testing.assert_allclose(lb.item(), 500.0)
    lb.backward()
    assert np.all(np.isfinite(zb.grad.data))


# ---------------------------------------------------------------- gradcheck de cada pérdida (float64)
leading_shapes = hnp.array_shapes(min_dims=1, max_dims=2, max_side=3)  # (N,) o (N, T): secuencias


def _logits(shape):
    return hnp.arrays(np.float64, shape, elements=st.floats(-3, 3))


@settings(max_examples=25, deadline=None)
@given(st.data(), leading_shapes, st.integers(2, 5), st.sampled_from(["none", "mean", "sum"]))
def test_gradcheck_softmax_cross_entropy(data, lead, c, reduction):
    z = data.draw(_logits(lead + (c,)))
    labels = data.draw(hnp.arrays(np.int64, lead, elements=st.integers(0, c - 1)))
    soft = data.draw(hnp.arrays(np.float64, lead + (c,), elements=st.floats(0, 1)))  # etiquetas "blandas"
    gradcheck(lambda t: F.softmax_cross_entropy(t, labels, reduction=reduction), z)
    gradcheck(lambda t: F.softmax_cross_entropy(t, soft, reduction=reduction), z)


@settings(max_examples=25, deadline=None)
@given(st.data(), leading_shapes, st.integers(2, 5))
def test_gradcheck_categorical_cross_entropy_from_probabilities(data, lead, c):
    # probabilidades sin normalizar lejos de los bordes del recorte (allí la derivada salta)
    p = data.draw(hnp.arrays(np.float64, lead + (c,), elements=st.floats(0.05, 1.0)))
    labels = data.draw(hnp.arrays(np.int64, lead, elements=st.integers(0, c - 1)))
    gradcheck(lambda t: F.categorical_cross_entropy(t, labels, reduction="sum"), p)
    gradcheck(lambda t: F.categorical_cross_entropy(t, np.eye(c)[labels], reduction="none"), p)


@settings(max_examples=25, deadline=None)
@given(st.data(), hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
def test_gradcheck_binary_losses(data, shape):
    p = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.02, 0.98)))
    z = data.draw(_logits(shape))
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0, 1)))
    signs = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
    gradcheck(lambda t: F.binary_cross_entropy(t, y, reduction="none"), p)
    gradcheck(lambda t: F.binary_cross_entropy(t, y, from_logits=True, reduction="sum"), z)
    gradcheck(lambda t: F.logistic_loss(t, signs), z)


@settings(max_examples=25, deadline=None)
@given(st.data(), hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), st.sampled_from(["none", "mean", "sum"]))
def test_gradcheck_regression_and_hinge(data, shape, reduction):
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-2, 2)))
    # diferencias lejos de 0 (mae) y márgenes lejos de 1 (hinge): allí no hay derivada
    offset = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.1, 1.0)))
    signs = data.draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([-1.0, 1.0])))
    p = y + offset * signs
    gradcheck(lambda t: F.mse(t, y, reduction=reduction), p)
    gradcheck(lambda t: F.mae(t, y, reduction=reduction), p)
    margin_pred = signs * (1 + offset * data.draw(st.sampled_from([-1.0, 1.0])))
    gradcheck(lambda t: F.hinge(t, signs, reduction=reduction), margin_pred)


def test_gradcheck_through_keras_loss_objects():
    rng = np.random.default_rng(2)
    p = rng.uniform(0.1, 0.9, (3, 4))
    labels = np.array([0, 3, 1])
    gradcheck(lambda t: losses.SparseCategoricalCrossentropy()(labels, t), p)
    gradcheck(lambda t: losses.SparseCategoricalCrossentropy(from_logits=True)(labels[:, None], t), p)
    gradcheck(lambda t: losses.BinaryCrossentropy()(np.array([1.0, 0.0, 1.0]), t), p[:, :1])
    gradcheck(lambda t: losses.MeanSquaredError()(np.ones((3, 4)), t, sample_weight=np.array([1.0, 0.0, 2.0])), p)


# ---------------------------------------------------------------- rangos, reducciones y pesos
def test_squeeze_or_expand_to_same_rank():
    a, b = losses.squeeze_or_expand_to_same_rank(np.zeros(4), np.zeros((4, 1)))
    assert a.shape == (4, 1) and b.shape == (4, 1)
    a, b = losses.squeeze_or_expand_to_same_rank(np.zeros((4, 3, 1)), np.zeros((4, 3)))
    assert a.shape == (4, 3) and b.shape == (4, 3)
    a, b = losses.squeeze_or_expand_to_same_rank(np.zeros(4), np.zeros((4, 10)))
    assert a.shape == (4,) and b.shape == (4, 10)


def test_rank_1_labels_with_column_predictions():
    y = np.array([1.0, 0.0, 1.0])
    p = Tensor([[0.9], [0.2], [0.6]])
    assert losses.get("binary_crossentropy")(y, p).shape == ()
    assert losses.get("mse")(y, p).item() == pytest.approx((0.01 + 0.04 + 0.16) / 3, rel=1e-5)


def test_reductions_and_sample_weight():
    y, p = np.array([[0.0], [0.0], [0.0]]), Tensor([[1.0], [2.0], [3.0]])
    assert losses.MeanSquaredError(reduction="sum")(y, p).item() == pytest.approx(14.0)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="none")(y, p).data, [1.0, 4.0, 9.0])
    # Keras: suma de las pérdidas ponderadas / número de muestras (no / suma de pesos)
    assert losses.MeanSquaredError()(y, p, sample_weight=[1.0, 0.0, 1.0]).item() == pytest.approx(10.0 / 3)
    with pytest.raises(ValueError, match="reduction debe ser 'sum_over_batch_size', 'sum' o 'none'"):
        losses.MeanSquaredError(reduction="media")
    with pytest.raises(ValueError, match="reduction debe ser una de"):
        F.mse(p, y, reduction="avg")


# ---------------------------------------------------------------- etiquetas que no encajan: errores en español
def test_integer_labels_given_to_categorical_crossentropy():
    with pytest.raises(ShapeError, match="to_categorical\\(y, 10\\).*sparse_categorical_crossentropy"):
        losses.get("categorical_crossentropy")(np.arange(8) % 10, Tensor(np.full((8, 10), 0.1)))
    with pytest.raises(ShapeError, match="etiquetas one-hot de forma \\(8, 10\\)"):
        losses.categorical_crossentropy((np.arange(8) % 10)[:, None], np.full((8, 10), 0.1))


def test_one_hot_labels_given_to_sparse_categorical_crossentropy():
    with pytest.raises(ShapeError, match="parecen one-hot.*categorical_crossentropy.*np.argmax\\(y, axis=-1\\)"):
        losses.get("sparse_categorical_crossentropy")(np.eye(10)[:8], Tensor(np.full((8, 10), 0.1)))


def test_class_index_out_of_range():
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy espera etiquetas enteras de 0 a 2 .*"
                                         r"3 unidades\) y van de 0 a 5: si hay 6 clases.*Dense\(6"):
        losses.sparse_categorical_crossentropy(np.array([0, 5]), P)
    with pytest.raises(ValueError, match=r"van de 1 a 3: .*Dense\(4.*réstales 1"):
        losses.sparse_categorical_crossentropy(np.array([1, 3]), P)
    with pytest.raises(ValueError, match=r"van de -1 a 0: los índices de clase empiezan en 0"):
        losses.sparse_categorical_crossentropy(np.array([-1, 0]), P)
    with pytest.raises(ValueError, match=r"van de 0.5 a 1: no son índices de clase.*'mse'"):
        losses.sparse_categorical_crossentropy(np.array([0.5, 1.0]), P)


def test_wrong_number_of_outputs_for_binary_loss():
    with pytest.raises(ShapeError, match="predicciones de forma \\(4, 3\\) con etiquetas de forma \\(4,\\).*"
                                         "sparse_categorical_crossentropy"):
        losses.binary_crossentropy(np.zeros(4), np.full((4, 3), 0.5))
    with pytest.raises(ShapeError, match="binary_cross_entropy: las etiquetas tienen forma \\(4,\\).*\\(4, 3\\)"):
        F.binary_cross_entropy(Tensor(np.full((4, 3), 0.5)), np.zeros(4))


def test_logistic_loss_rejects_0_1_labels():
    with pytest.raises(ValueError, match="etiquetas -1 y \\+1.*y = 2\\*y - 1"):
        F.logistic_loss(Tensor([0.3, -0.2]), np.array([0.0, 1.0]))


# ---------------------------------------------------------------- por nombre
@pytest.mark.parametrize("name, cls", [
    ("mse", losses.MeanSquaredError), ("MSE", losses.MeanSquaredError), ("mean_squared_error", losses.MeanSquaredError),
    ("mae", losses.MeanAbsoluteError), ("mean_absolute_error", losses.MeanAbsoluteError),
    ("binary_crossentropy", losses.BinaryCrossentropy), ("categorical_crossentropy", losses.CategoricalCrossentropy),
    ("sparse_categorical_crossentropy", losses.SparseCategoricalCrossentropy), ("hinge", losses.Hinge),
    ("logistic", losses.LogisticLoss), ("LogisticLoss", losses.LogisticLoss),
])
def test_get_by_name(name, cls):
    assert type(losses.get(name)) is cls


def test_get_instances_functions_and_config():
    loss = losses.BinaryCrossentropy(from_logits=True)
    assert losses.get(loss) is loss
    again = losses.get(losses.serialize(loss))
    assert isinstance(again, losses.BinaryCrossentropy) and again.options["from_logits"] is True
    custom = losses.get(lambda y_true, y_pred: (y_pred - Tensor(y_true)).abs())
    assert custom(np.zeros(3), Tensor([1.0, -2.0, 3.0])).item() == pytest.approx(2.0)


def test_unknown_loss_suggests_closest_name():
    with pytest.raises(ValueError, match="¿Quisiste decir 'categorical_crossentropy'\\?"):
        losses.get("categorical_crossentropi")
    with pytest.raises(ValueError, match="No se puede interpretar 3"):
        losses.get(3)


def test_categorical_crossentropy_with_one_output_warns():
    with pytest.warns(SyntaxWarning, match="una sola salida.*binary_crossentropy"):
        losses.categorical_crossentropy(np.ones((3, 1)), np.ones((3, 1)))


def test_clipped_predictions_get_zero_gradient_like_keras():
    p = Tensor([[0.0, 1.0]], requires_grad=True)
    F.binary_cross_entropy(p, np.array([[1.0, 0.0]]), reduction="sum").backward()
    np.testing.assert_array_equal(p.grad.data, [[0.0, 0.0]])
    q = Tensor([[0.0, 0.5, 0.5]], requires_grad=True)  # la clase correcta tiene probabilidad 0: recortada
    F.categorical_cross_entropy(q, np.array([0])).backward()
    np.testing.assert_array_equal(q.grad.data, [[0.0, 0.0, 0.0]])
    r = Tensor([[0.25, 0.75, 0.0]], requires_grad=True)  # recorte en otra clase: el gradiente sigue
    F.categorical_cross_entropy(r, np.array([1])).backward()
    np.testing.assert_allclose(r.grad.data, [[1.0, -1 / 0.75 + 1.0, 1.0]], rtol=1e-6)


@pytest.mark.parametrize("make_loss, activation", [
    (lambda: losses.BinaryCrossentropy(), lambda z: z.sigmoid()),
    (lambda: losses.CategoricalCrossentropy(), lambda z: z.softmax()),
])
def test_probability_losses_clip_the_same_with_and_without_graph(make_loss, activation):
    """Con grafo (fit) y sin él (evaluate) la fórmula es la misma: probabilidades recortadas a 1e-7."""
    from tinygrad_es import no_grad

    z = Tensor([[-30.0, 30.0], [0.5, -0.5]], requires_grad=True)
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    training = make_loss()(y, activation(z))
    with no_grad():
        evaluating = make_loss()(y, activation(z))
    assert training.item() == pytest.approx(evaluating.item(), rel=1e-6)
    assert training.item() < -np.log(EPSILON)  # el recorte acota la pérdida de la muestra saturada
    training.backward()
    assert np.isfinite(z.grad.data).all()
