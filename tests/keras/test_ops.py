"""keras.ops: el gradiente de lo que se compone en keras.ops (gradcheck en float64 con Hypothesis), las
conversiones y los errores. Los valores contra Keras real están en test_ops_vs_keras.py."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_es import ShapeError, Tensor, gradcheck
from tinygrad_es.keras import ops

from strategies import FAST, check, values

matrices = hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4).flatmap(values)


@FAST
@given(x=matrices, data=st.data())
def test_composed_here_match_numpy_and_gradcheck(x, data):
    positive = np.abs(x) + 0.5
    check(ops.log2, np.log2, positive)
    check(ops.log10, np.log10, positive)
    check(ops.tan, np.tan, np.clip(x, -1.2, 1.2))
    check(ops.reciprocal, np.reciprocal, positive)
    offset = data.draw(st.integers(-2, 2))
    check(lambda t: ops.diagonal(t, offset, 0, -1), lambda a: np.diagonal(a, offset, 0, -1), x)
    check(lambda t: ops.trace(t, offset), lambda a: np.asarray(np.trace(a, offset)), x)
    check(lambda t: ops.moveaxis(t, 0, -1), lambda a: np.moveaxis(a, 0, -1), x)
    check(lambda t: ops.expand_dims(t, (0, -1)), lambda a: np.expand_dims(a, (0, -1)), x)
    index = data.draw(hnp.arrays(np.int64, x.shape, elements=st.integers(0, x.shape[1] - 1)))
    check(lambda t: ops.take_along_axis(t, index, 1), lambda a: np.take_along_axis(a, index, 1), x)
    check(lambda t: ops.take(t, index[0], axis=1), lambda a: np.take(a, index[0], axis=1), x)


def test_normalization_gradcheck():
    x = np.random.default_rng(0).normal(size=(3, 4))
    gradcheck(lambda t: ops.moments(t, (0,))[1], x)
    gradcheck(lambda t, m, v, s, o: ops.batch_normalization(t, m, v, 1, offset=o, scale=s),
              x, x[0], np.abs(x[1]) + 0.5, x[2], x[0] * 2)


def test_gradients_flow_through_ops():
    w = Tensor([[1.0, -2.0], [0.5, 3.0]], requires_grad=True)
    loss = ops.mean(ops.square(ops.matmul(np.ones((1, 2)), w)))
    loss.backward()
    np.testing.assert_allclose(w.grad.data, [[1.5, 1.0], [1.5, 1.0]])
    assert ops.stop_gradient(w).requires_grad is False


def test_conversions():
    t = ops.convert_to_tensor([1.0, 2.0])
    assert isinstance(t, Tensor) and t.dtype == np.float32
    assert ops.convert_to_tensor(t) is t and ops.convert_to_tensor(t, "float32") is t
    assert ops.convert_to_tensor(t, "float64").dtype == np.float64
    assert isinstance(ops.convert_to_numpy(t), np.ndarray) and ops.convert_to_numpy([1, 2]).tolist() == [1, 2]
    assert ops.dtype(t) == "float32" and ops.is_tensor(t) and not ops.is_tensor(np.ones(2)) and ops.size(t) == 2
    assert ops.add(np.array([1, 2]), Tensor([0.5, 0.5])).dtype == np.float32  # el número sigue al Tensor
    rows, cols = ops.where(np.array([[True, False], [False, True]]))
    assert rows.data.tolist() == [0, 1] and cols.data.tolist() == [0, 1]


@pytest.mark.parametrize("call,error,match", [
    (lambda: ops.where([True], [1.0]), ValueError, r"where: pasa x1 y x2"),
    (lambda: ops.dot(np.ones((2, 3)), np.ones((2, 3, 4))), ShapeError, r"dot con un segundo operando de 3 ejes"),
    (lambda: ops.conv(np.ones((1, 2, 2, 2, 1)), np.ones((1, 1, 1, 1, 1))), ShapeError,
     r"conv admite entradas de 3 ejes \(N, L, C\) o de 4 \(N, H, W, C\)"),
    (lambda: ops.max_pool(np.ones((1, 4, 4, 1)), 2, data_format="NHWC"), ValueError,
     r"max_pool: data_format debe ser 'channels_last' o 'channels_first'"),
    (lambda: ops.one_hot([1], 3, sparse=True), ValueError, r"no tiene tensores dispersos"),
    (lambda: ops.convert_to_tensor([1], sparse=True), ValueError, r"no tiene tensores dispersos \(sparse\)"),
    (lambda: ops.categorical_crossentropy(np.array([0, 1]), np.ones((2, 3)) / 3), ShapeError,
     r"deben tener la misma forma \(target one-hot\); con índices de clase usa sparse_categorical_crossentropy"),
    (lambda: ops.binary_crossentropy(np.ones(3), np.ones((3, 1)) / 2), ShapeError,
     r"binary_crossentropy: target \(3,\) y output \(3, 1\) deben tener la misma forma"),
    (lambda: ops.pad(np.ones(3), 1, mode="reflect", constant_values=2), ValueError,
     r"constant_values solo se usa con mode='constant'"),
    (lambda: ops.take_along_axis(np.ones((2, 2)), np.zeros(2, int), 1), ShapeError,
     r"indices debe tener los mismos ejes que x \(2\)"),
])
def test_errors_are_spanish(call, error, match):
    with pytest.raises(error, match=match):
        call()
