"""Lo que Python y NumPy piden a un tensor (tensor_python.py): len, for, abs, +, float, int, formato,
np.asarray y tolist, como un array de NumPy o un tensor de PyTorch, con errores en español."""
import math

import numpy as np
import pytest

from tinygrad_es import Tensor

X = np.array([[1.5, -2.0, 3.0], [4.0, -5.5, 6.0]])


def test_len_and_iteration_give_the_rows_and_keep_the_graph():
    x = Tensor(X, requires_grad=True)
    rows = list(x)
    assert len(x) == 2 and [r.shape for r in rows] == [(3,), (3,)]
    np.testing.assert_array_equal(rows[1].data, X[1])
    sum(r.sum() for r in x).backward()  # cada fila es una vista derivable
    np.testing.assert_array_equal(x.grad.data, np.ones_like(X))


@pytest.mark.parametrize("use", [len, list, iter])
def test_a_scalar_has_no_rows_to_count_or_walk(use):
    # antes: list(escalar) daba [] en silencio y len() el error de NumPy en inglés
    with pytest.raises(TypeError, match=r"este tensor es un escalar \(forma \(\)\): su valor es t\.item\(\)"):
        use(Tensor(3.0))


def test_abs_and_unary_plus_are_the_tensor_methods():
    x = Tensor(X, requires_grad=True)
    np.testing.assert_array_equal(abs(x).data, np.abs(X).astype(np.float32))
    assert +x is x
    abs(x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.sign(X))


def test_float_int_and_format_of_a_one_element_tensor():
    loss = Tensor([[2.75]])
    assert float(loss) == 2.75 and int(loss) == 2 and isinstance(float(loss), float)
    assert f"{loss:.1f}" == "2.8" and f"{Tensor(7):03d}" == "007"
    assert f"{loss}" == repr(loss)  # sin formato, como antes


@pytest.mark.parametrize("use,what", [(float, r"float\(\)"), (int, r"int\(\)"), (lambda t: f"{t:.2f}", "El formato '.2f'")])
def test_float_int_and_format_of_many_elements_say_to_choose_or_reduce(use, what):
    with pytest.raises(TypeError, match=rf"^{what} solo vale para un tensor de un elemento y este tiene forma \(2, 3\) "
                                        r"\(6 elementos\): elige uno \(t\[0\]\) o reduce antes"):
        use(Tensor(X))


def test_numpy_sees_the_values_not_an_array_of_tensors():
    x = Tensor(X, requires_grad=True)
    assert np.asarray(x).dtype == np.float32 and np.asarray(x).shape == (2, 3)  # antes: dtype object
    np.testing.assert_array_equal(np.array(x, dtype=np.float64), X)
    assert np.array(x, copy=True) is not x.data
    np.testing.assert_array_equal(np.array([Tensor([1.0]), Tensor([2.0])]), [[1.0], [2.0]])
    assert type(np.ones(3) + x) is Tensor  # las operaciones con arrays siguen dando Tensors


def test_tolist_like_ndarray():
    assert Tensor(X, dtype="float64").tolist() == X.tolist()
    assert Tensor(3).tolist() == 3


def test_numpy_functions_work_on_the_values():
    x = Tensor(X, requires_grad=True)
    assert np.sum(x) == np.float32(X.sum()) and np.mean(x, axis=0).shape == (3,)  # antes: t.sum(out=...) en inglés
    np.testing.assert_array_equal(np.concatenate([x, Tensor(X)]), np.concatenate([X, X]).astype(np.float32))
    np.testing.assert_array_equal(np.where(x > 0, x, 0), np.where(X > 0, X, 0).astype(np.float32))


def test_round_of_a_one_element_tensor():
    assert round(Tensor(2.6)) == 3 and round(Tensor([1.2345]), 2) == 1.23
    with pytest.raises(TypeError, match=r"^round\(\) solo vale para un tensor de un elemento"):
        round(Tensor(X))


def test_math_trunc_floor_ceil_of_a_one_element_tensor():
    assert (math.trunc(Tensor(-2.7)), math.floor(Tensor(-2.7)), math.ceil(Tensor(-2.7))) == (-2, -3, -2)
    with pytest.raises(TypeError, match=r"math\.trunc\(\) solo vale para un tensor de un elemento.*forma \(2,\)"):
        math.trunc(Tensor([1.5, 2.5]))


def test_divmod_is_floor_division_and_remainder_like_numpy():
    X = np.array([7.5, -7.5, 2.0])
    q, r = divmod(Tensor(X), 2)
    expected_q, expected_r = divmod(X, 2)
    np.testing.assert_array_equal(q.numpy(), expected_q)
    np.testing.assert_array_equal(r.numpy(), expected_r)
    q, r = divmod(7.0, Tensor(X))
    np.testing.assert_array_equal(q.numpy(), 7.0 // X)
    np.testing.assert_array_equal(r.numpy(), np.mod(7.0, X))


def test_shape_dtype_and_del_say_to_build_a_new_tensor():
    t = Tensor(X)
    with pytest.raises(AttributeError, match=r"t\.shape = \.\.\.: .*no se asigna; para otra forma, t = t\.reshape"):
        t.shape = (3, 2)
    with pytest.raises(AttributeError, match=r"t\.dtype = \.\.\.: .*t = t\.astype"):
        t.dtype = "float64"
    with pytest.raises(TypeError, match=r"del t\[\.\.\.\]: un tensor no pierde elementos.*t = t\[máscara\]"):
        del t[0]
    assert t.shape == (2, 3) and t.dtype == np.float32


def test_negating_a_boolean_tensor_says_how_to_invert_the_mask():
    with pytest.raises(TypeError, match=r"-x: un tensor de booleanos.*~x o x\.logical_not\(\).*astype"):
        -Tensor([True, False])
    np.testing.assert_array_equal((~Tensor([True, False])).numpy(), [False, True])
    np.testing.assert_array_equal((-Tensor([True, False]).astype("float32")).numpy(), [-1.0, 0.0])
