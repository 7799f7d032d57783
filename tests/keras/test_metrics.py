"""Métricas: medias acumuladas, las tres exactitudes, la resolución de 'accuracy' y los nombres."""
import numpy as np
import pytest

from tinygrad_es import Tensor
from tinygrad_es.keras import metrics


def test_mean_accumulates_and_resets():
    m = metrics.Mean()
    m.update_state([1.0, 2.0, 3.0])
    m.update_state([10.0])
    assert m.result() == pytest.approx(4.0)
    m.reset_state()
    assert m.result() == 0.0


def test_mean_with_batch_size_weights_gives_the_epoch_loss():
    # como el 'loss' de fit: cada lote pesa lo que su tamaño (el último lote es más pequeño)
    m = metrics.Mean(name="loss")
    m.update_state(2.0, sample_weight=32)
    m.update_state(5.0, sample_weight=8)
    assert m.result() == pytest.approx((2.0 * 32 + 5.0 * 8) / 40)


def test_binary_accuracy_threshold_is_strictly_greater():
    m = metrics.BinaryAccuracy()
    m.update_state(np.array([[1], [0], [1], [0]]), np.array([[0.5], [0.5], [0.51], [0.1]]))
    # 0.5 no supera 0.5: cuenta como 0 -> aciertos en las filas 2, 3 y 4
    assert m.result() == pytest.approx(0.75)
    assert m.name == "binary_accuracy"


def test_binary_accuracy_rank_1_labels_against_column_predictions():
    m = metrics.BinaryAccuracy()
    m.update_state(np.array([1, 0, 1]), np.array([[0.9], [0.2], [0.3]]))
    assert m.result() == pytest.approx(2 / 3)


def test_categorical_and_sparse_accuracy_running_mean_over_batches():
    cat, sparse = metrics.CategoricalAccuracy(), metrics.SparseCategoricalAccuracy()
    p1 = np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1]])
    p2 = np.array([[0.2, 0.3, 0.5]])
    cat.update_state(np.eye(3)[[1, 2]], p1)
    cat.update_state(np.eye(3)[[2]], p2)
    sparse.update_state(np.array([1, 2]), p1)
    sparse.update_state(np.array([[2]]), p2)  # (N, 1) también vale
    assert cat.result() == pytest.approx(2 / 3)
    assert sparse.result() == pytest.approx(2 / 3)


def test_regression_metrics():
    mse, mae = metrics.MeanSquaredError(), metrics.MeanAbsoluteError()
    y, p = np.array([[0.0, 1.0], [2.0, 2.0]]), np.array([[1.0, 1.0], [0.0, 2.0]])
    mse.update_state(y, p)
    mae.update_state(y, p)
    assert mse.result() == pytest.approx((0.5 + 2.0) / 2)
    assert mae.result() == pytest.approx((0.5 + 1.0) / 2)


def test_metrics_accept_tensors():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state(Tensor(np.array([0, 1])), Tensor([[0.9, 0.1], [0.4, 0.6]]))
    assert m.result() == 1.0


def test_sample_weight():
    m = metrics.SparseCategoricalAccuracy()
    m.update_state(np.array([0, 1]), np.array([[0.9, 0.1], [0.9, 0.1]]), sample_weight=np.array([3.0, 1.0]))
    assert m.result() == pytest.approx(0.75)


@pytest.mark.parametrize("y_true_shape, y_pred_shape, expected", [
    ((8, 1), (8, 1), metrics.BinaryAccuracy),
    ((8,), (8, 1), metrics.BinaryAccuracy),
    ((8,), (8, 10), metrics.SparseCategoricalAccuracy),
    ((8, 1), (8, 10), metrics.SparseCategoricalAccuracy),
    ((8, 10), (8, 10), metrics.CategoricalAccuracy),
    ((8, 5), (8, 5), metrics.CategoricalAccuracy),  # multietiqueta con BCE: categórica en Keras 3
])
@pytest.mark.parametrize("name", ["accuracy", "acc"])
def test_accuracy_resolved_from_shapes_keeping_the_name(y_true_shape, y_pred_shape, expected, name):
    m = metrics.get(name, np.zeros(y_true_shape), np.zeros(y_pred_shape))
    assert type(m) is expected and m.name == name
    assert type(metrics.get(name, y_true_shape, y_pred_shape)) is expected  # también con formas


def test_accuracy_without_shapes_resolves_on_first_batch():
    m = metrics.get("accuracy")
    m.update_state(np.array([1, 2]), np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]))
    assert isinstance(m.chosen, metrics.SparseCategoricalAccuracy)
    assert m.result() == 0.5 and m.name == "accuracy"
    m.reset_state()
    assert m.result() == 0.0


@pytest.mark.parametrize("name, cls", [
    ("mse", metrics.MeanSquaredError), ("mae", metrics.MeanAbsoluteError),
    ("mean_squared_error", metrics.MeanSquaredError), ("binary_accuracy", metrics.BinaryAccuracy),
    ("sparse_categorical_accuracy", metrics.SparseCategoricalAccuracy),
])
def test_get_by_name_keeps_the_name_as_written(name, cls):
    m = metrics.get(name)
    assert type(m) is cls and m.name == name


def test_get_instance_and_function():
    m = metrics.CategoricalAccuracy(name="exactitud")
    assert metrics.get(m) is m
    def aciertos(y_true, y_pred):
        return (np.asarray(y_true) == np.asarray(y_pred)).astype(float)
    wrapped = metrics.get(aciertos)
    wrapped.update_state([1, 2], [1, 3])
    assert wrapped.name == "aciertos" and wrapped.result() == 0.5


def test_unknown_metric_suggests_closest():
    with pytest.raises(ValueError, match="Nombre de métrica desconocido: .acuracy.. ¿Quisiste decir .accuracy.\\?"):
        metrics.get("acuracy")
    with pytest.raises(ValueError, match="¿Quisiste decir 'mean_squared_error'\\?"):
        metrics.get("mean_squared_eror")
