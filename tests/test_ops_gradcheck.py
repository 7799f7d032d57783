"""Cada operación del Tensor: su forward contra NumPy y su gradiente contra diferencias finitas (float64).

Las formas y los valores los genera Hypothesis: de 0 a 4 ejes, ejes de tamaño 1, pares que se
difunden (broadcasting) y entradas no contiguas o transpuestas.
"""
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_es import Tensor, gradcheck

from strategies import FAST, broadcast_pairs, check, distinct_values, layouts, nonempty_shapes, shapes, values


# ---------------------------------------------------------------- unarias
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


UNARY = {
    # nombre: (función sobre Tensor, referencia NumPy, estrategia de valores)
    "neg": (lambda t: -t, np.negative, {}),
    "exp": (lambda t: t.exp(), np.exp, {}),
    "log": (lambda t: t.log(), np.log, {"low": 0.2, "high": 3.0}),
    "sqrt": (lambda t: t.sqrt(), np.sqrt, {"low": 0.2, "high": 3.0}),
    "abs": (lambda t: t.abs(), np.abs, {"away_from_zero": 0.05}),
    "tanh": (lambda t: t.tanh(), np.tanh, {}),
    "sigmoid": (lambda t: t.sigmoid(), _sigmoid, {}),
    "relu": (lambda t: t.relu(), lambda x: np.maximum(x, 0), {"away_from_zero": 0.05}),
    "leaky_relu": (lambda t: t.leaky_relu(0.1), lambda x: np.where(x > 0, x, 0.1 * x), {"away_from_zero": 0.05}),
    "clip": (lambda t: t.clip(-1.0, 1.0), lambda x: np.clip(x, -1, 1), {"low": -3, "high": 3}),
    "pow_scalar": (lambda t: t**3, lambda x: x**3, {}),
    "rpow": (lambda t: 2.0**t, lambda x: 2.0**x, {}),
    "radd_scalar": (lambda t: 1.5 + t, lambda x: 1.5 + x, {}),
    "rsub_scalar": (lambda t: 1.5 - t, lambda x: 1.5 - x, {}),
    "rmul_scalar": (lambda t: 1.5 * t, lambda x: 1.5 * x, {}),
    "rdiv_scalar": (lambda t: 1.5 / t, lambda x: 1.5 / x, {"low": 0.3, "high": 2.0}),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@FAST
@given(data=st.data())
def test_unary(name, data):
    fn, ref, kw = UNARY[name]
    x = data.draw(layouts(shapes.flatmap(lambda s: values(s, **{"low": -2.0, "high": 2.0, **kw}))))
    if name == "clip":  # lejos de los bordes -1 y 1, donde la derivada salta
        x = np.where(np.abs(np.abs(x) - 1) < 0.05, 0.5, x)
    check(fn, ref, x)


# ---------------------------------------------------------------- binarias con broadcasting
BINARY = {
    "add": (lambda a, b: a + b, np.add, {}),
    "sub": (lambda a, b: a - b, np.subtract, {}),
    "mul": (lambda a, b: a * b, np.multiply, {}),
    "div": (lambda a, b: a / b, np.divide, {"low": 0.3, "high": 2.0}),
    "pow": (lambda a, b: a**b, np.power, {"low": 0.3, "high": 2.0}),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@FAST
@given(data=st.data())
def test_binary_broadcasting(name, data):
    fn, ref, kw = BINARY[name]
    (sa, sb), _ = data.draw(broadcast_pairs)
    a = data.draw(layouts(values(sa, **kw)))
    b = data.draw(layouts(values(sb, **kw)))
    check(fn, ref, a, b)


@pytest.mark.parametrize("name,fn,ref", [
    ("maximum", lambda a, b: a.maximum(b), np.maximum),
    ("minimum", lambda a, b: a.minimum(b), np.minimum),
])
@FAST
@given(data=st.data())
def test_maximum_minimum(name, fn, ref, data):
    (sa, sb), _ = data.draw(broadcast_pairs)
    a, b = data.draw(values(sa)), data.draw(values(sb))
    a = np.where(np.abs(a - b) < 0.05, a + 0.5, a)  # sin empates (ahí la derivada no existe)
    check(fn, ref, a, b)


@pytest.mark.parametrize("dtype", ["uint8", "int64", "bool"])
def test_minimum_and_maximum_of_integers_and_booleans_like_numpy(dtype):
    # minimum era -max(-a, -b): con uint8 daba la vuelta (-1 es 255) y con bool, el error de NumPy en inglés
    a, b = np.array([1, 2, 0, 3]).astype(dtype), np.array([2, 1, 1, 3]).astype(dtype)
    for name in ("minimum", "maximum"):
        out = getattr(Tensor(a), name)(Tensor(b))
        assert out.dtype == dtype
        np.testing.assert_array_equal(out.numpy(), getattr(np, name)(a, b))


def test_clip_with_min_above_max_gives_max_like_numpy_and_pytorch():
    x = np.linspace(-4, 4, 9)
    np.testing.assert_array_equal(Tensor(x, dtype="float64").clip(3, 0).numpy(), np.clip(x, 3, 0))  # antes: 3 y 0
    np.testing.assert_array_equal(Tensor(x, dtype="float64").clamp(min=-1, max=1).numpy(), np.clip(x, -1, 1))


def test_integers_with_floats_keep_the_float_type_and_integer_division_gives_float32():
    i, f32 = Tensor([1, 2, 3]), Tensor([0.5, 0.5, 0.5], requires_grad=True)
    for out in (i * 0.5, i / 2, 7 / i, i / Tensor([2, 2, 2]), i + f32, f32 - i, i ** 0.5, i.maximum(f32)):
        assert out.dtype == np.float32  # como Keras y PyTorch; NumPy daría float64
    np.testing.assert_allclose((7 / i).numpy(), [7, 3.5, 7 / 3], rtol=1e-6)
    assert (i + Tensor([1.0], dtype="float64")).dtype == np.float64 and (i * 2).dtype == np.int64 and (i // 2).dtype == np.float32
    (f32 * i).sum().backward()
    np.testing.assert_array_equal(f32.grad.numpy(), [1, 2, 3])
    assert Tensor.where(np.array([True, False, True]), i, f32).dtype == np.float32


@pytest.mark.parametrize("name", ["exp", "log", "log1p", "expm1", "sin", "cos", "tanh", "sigmoid", "erf", "sqrt", "tan",
                                  "log2", "softplus", "gelu", "sinh", "cosh", "arcsinh", "arccosh", "exp2", "rsqrt"])
def test_float_functions_of_integers_give_float32(name):
    # como Keras y PyTorch; antes, NumPy daba float64 (y tanh de un int32, float64 en vez del float32 de Keras)
    for data in (np.array([1, 2, 3], np.int32), np.array([1, 2, 3])):
        out = getattr(Tensor(data), name)()
        assert out.dtype == np.float32, (name, data.dtype, out.dtype)
        np.testing.assert_allclose(out.numpy(), getattr(Tensor(data.astype(np.float64)), name)().numpy(), rtol=1e-6)


@FAST
@given(data=st.data())
def test_where(data):
    (sa, sb), _ = data.draw(broadcast_pairs)
    a, b = data.draw(values(sa)), data.draw(values(sb))
    cond = data.draw(hnp.arrays(bool, np.broadcast_shapes(sa, sb)))
    check(lambda x, y: Tensor.where(cond, x, y), lambda x, y: np.where(cond, x, y), a, b)


def test_reflected_with_numpy_arrays():
    t = Tensor([1.0, 2.0], requires_grad=True)
    out = np.array([3.0, 4.0]) * t + np.array([1.0, 1.0])
    assert isinstance(out, Tensor) and out.dtype == np.float32
    out.sum().backward()
    np.testing.assert_allclose(t.grad.data, [3.0, 4.0])


# ---------------------------------------------------------------- comparaciones
def test_comparisons_are_boolean_and_not_differentiable():
    a, b = Tensor([1.0, 2.0, 3.0], requires_grad=True), Tensor([2.0, 2.0, 2.0])
    for op, ref in [("__lt__", [1, 0, 0]), ("__le__", [1, 1, 0]), ("__gt__", [0, 0, 1]), ("__ge__", [0, 1, 1]),
                    ("__eq__", [0, 1, 0]), ("__ne__", [1, 0, 1])]:
        out = getattr(a, op)(b)
        assert out.dtype == bool and not out.requires_grad
        np.testing.assert_array_equal(out.data, np.array(ref, dtype=bool))
    assert (a > 1.5).float().dtype == np.float32


# ---------------------------------------------------------------- reducciones
@st.composite
def array_and_axis(draw, distinct=False):
    shape = draw(nonempty_shapes)
    x = draw(distinct_values(shape) if distinct else values(shape))
    axis = draw(st.one_of(
        st.none(),
        st.integers(-x.ndim, x.ndim - 1),
        st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True).map(tuple),
    ))
    return x, axis, draw(st.booleans())


@pytest.mark.parametrize("name", ["sum", "mean", "var", "std", "max", "min"])
@FAST
@given(data=st.data())
def test_reductions(name, data):
    x, axis, keepdims = data.draw(array_and_axis(distinct=name in ("max", "min")))
    if name == "std":  # std'(0) no existe (sqrt'(0)): ningún grupo constante, ni de un solo valor
        x = x + np.linspace(0, 1, x.size).reshape(x.shape)
        axes = tuple(range(x.ndim)) if axis is None else axis
        assume(np.min(np.std(x, axis=axes)) > 1e-3)  # [2, 1] + [0, 1] sigue siendo constante
    ref = getattr(np, name)
    check(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims),
          lambda a: np.asarray(ref(a, axis=axis, keepdims=keepdims)), x)


def test_max_splits_ties_evenly():
    x = Tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad.data, [0, 0.5, 0.5])


@given(x=nonempty_shapes.flatmap(distinct_values), keepdims=st.booleans())
@FAST
def test_argmax_argmin(x, keepdims):
    t = Tensor(x, dtype="float64")
    for axis in [None, *range(x.ndim)]:
        np.testing.assert_array_equal(t.argmax(axis, keepdims).data, np.argmax(x, axis, keepdims=keepdims))
        np.testing.assert_array_equal(t.argmin(axis, keepdims).data, np.argmin(x, axis, keepdims=keepdims))


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
@FAST
@given(data=st.data())
def test_softmax_family(name, data):
    x = data.draw(nonempty_shapes.flatmap(lambda s: values(s, -5, 5)))
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))

    def lse(a):
        m = a.max(axis=axis, keepdims=True)
        return np.log(np.exp(a - m).sum(axis=axis, keepdims=True)) + m

    refs = {"softmax": lambda a: np.exp(a - lse(a)), "log_softmax": lambda a: a - lse(a),
            "logsumexp": lambda a: np.squeeze(lse(a), axis)}
    check(lambda t: getattr(t, name)(axis=axis), refs[name], x)


def test_softmax_is_stable_for_large_inputs():
    t = Tensor([1000.0, 1000.0, -1000.0])
    np.testing.assert_allclose(t.softmax().data, [0.5, 0.5, 0.0])
    np.testing.assert_allclose(t.logsumexp().data, 1000 + np.log(2), rtol=1e-6)
    assert np.isfinite(t.log_softmax().data[:2]).all()


# ---------------------------------------------------------------- matmul
@st.composite
def matmul_operands(draw):
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    kind = draw(st.sampled_from(["mat@mat", "vec@mat", "mat@vec", "vec@vec", "batched", "batched-broadcast"]))
    batch = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))
    a_shape, b_shape = {
        "mat@mat": ((n, k), (k, m)),
        "vec@mat": ((k,), (k, m)),
        "mat@vec": ((n, k), (k,)),
        "vec@vec": ((k,), (k,)),
        "batched": ((*batch, n, k), (*batch, k, m)),
        "batched-broadcast": ((*batch, n, k), (k, m)),
    }[kind]
    return draw(layouts(values(a_shape))), draw(layouts(values(b_shape)))


@FAST
@given(ab=matmul_operands())
def test_matmul(ab):
    a, b = ab
    check(lambda x, y: x @ y, np.matmul, a, b)


def test_rmatmul_with_numpy():
    w = Tensor(np.eye(2), requires_grad=True)
    out = np.array([[1.0, 2.0]]) @ w
    out.sum().backward()
    np.testing.assert_allclose(w.grad.data, [[1, 1], [2, 2]])


# ---------------------------------------------------------------- movimiento
@FAST
@given(x=layouts(shapes.flatmap(values)), data=st.data())
def test_reshape_flatten_squeeze_expand_dims(x, data):
    check(lambda t: t.reshape(-1), lambda a: a.reshape(-1), x)
    check(lambda t: t.flatten(), lambda a: a.flatten(), x)
    check(lambda t: t.squeeze(), np.squeeze, x)
    axis = data.draw(st.integers(-x.ndim - 1, x.ndim))
    check(lambda t: t.expand_dims(axis), lambda a: np.expand_dims(a, axis), x)


@FAST
@given(x=layouts(nonempty_shapes.flatmap(values)), data=st.data())
def test_permute_transpose_T(x, data):
    perm = tuple(data.draw(st.permutations(range(x.ndim))))
    check(lambda t: t.permute(*perm), lambda a: np.transpose(a, perm), x)
    check(lambda t: t.T, lambda a: a.T, x)


@FAST
@given(data=st.data())
def test_expand(data):
    (small, big), _ = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    target = np.broadcast_shapes(small, big)
    x = data.draw(values(small))
    check(lambda t: t.expand(*target), lambda a: np.broadcast_to(a, target), x)
    check(lambda t: t.broadcast_to(target), lambda a: np.broadcast_to(a, target), x)


@FAST
@given(data=st.data())
def test_concatenate_stack_split(data):
    shape = data.draw(nonempty_shapes)
    axis = data.draw(st.integers(0, len(shape) - 1))
    others = [list(shape) for _ in range(3)]
    for s in others:
        s[axis] = data.draw(st.integers(1, 3))
    xs = [data.draw(values(tuple(s))) for s in others]
    check(lambda *ts: Tensor.concatenate(ts, axis=axis), lambda *a: np.concatenate(a, axis=axis), *xs)
    same = [data.draw(values(shape)) for _ in range(2)]
    check(lambda *ts: Tensor.stack(ts, axis=axis), lambda *a: np.stack(a, axis=axis), *same)
    cat = np.concatenate(xs, axis=axis)
    cuts = list(np.cumsum([x.shape[axis] for x in xs])[:-1])
    for piece, ref in zip(Tensor(cat, dtype="float64").split(cuts, axis=axis), np.split(cat, cuts, axis=axis)):
        np.testing.assert_array_equal(piece.data, ref)
    gradcheck(lambda t: t.split(cuts, axis=axis)[1] * 2.0, cat)


@FAST
@given(x=nonempty_shapes.flatmap(values), data=st.data())
def test_pad(x, data):
    widths = tuple((data.draw(st.integers(0, 2)), data.draw(st.integers(0, 2))) for _ in range(x.ndim))
    check(lambda t: t.pad(widths), lambda a: np.pad(a, widths), x)
    check(lambda t: t.pad(widths, value=1.5), lambda a: np.pad(a, widths, constant_values=1.5), x)


# ---------------------------------------------------------------- indexación
@st.composite
def array_and_index(draw):
    x = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4).flatmap(values))
    kind = draw(st.sampled_from(["int", "slice", "none", "int-array", "bool-mask", "mixed", "ellipsis"]))
    n = x.shape[0]
    if kind == "int":
        idx = draw(st.integers(-n, n - 1))
    elif kind == "slice":
        idx = slice(draw(st.integers(0, n)), draw(st.integers(0, n)), draw(st.integers(1, 2)))
    elif kind == "none":
        idx = (None, slice(None))
    elif kind == "int-array":  # con repeticiones: el backward debe sumarlas
        idx = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5)))
    elif kind == "bool-mask":
        idx = draw(hnp.arrays(bool, x.shape))
    elif kind == "ellipsis":
        idx = (Ellipsis, 0)
    else:
        idx = (slice(None, None, -1), *([0] if x.ndim > 1 else []))
    return x, idx


@FAST
@given(xi=array_and_index())
def test_indexing(xi):
    x, idx = xi
    check(lambda t: t[idx], lambda a: a[idx], x)


def test_indexing_scatter_adds_repeated_indices():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[np.array([0, 0, 2])].sum().backward()
    np.testing.assert_allclose(x.grad.data, [2, 0, 1])


def test_index_with_tensor_indices():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(x[Tensor([1, 0])].data, [[3, 4], [1, 2]])


# ---------------------------------------------------------------- dropout y one_hot
def test_dropout_scales_and_masks():
    from tinygrad_es import manual_seed

    manual_seed(0)
    x = Tensor(np.ones((200, 50)), requires_grad=True)
    out = x.dropout(0.3)
    kept = out.data != 0
    assert abs(kept.mean() - 0.7) < 0.02
    np.testing.assert_allclose(out.data[kept], 1 / 0.7, rtol=1e-6)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.data, kept / 0.7, rtol=1e-6)
    assert x.dropout(0.3, training=False) is x
    np.testing.assert_array_equal(x.dropout(1.0).data, 0)


def test_dropout_gradient_with_fixed_mask():
    from tinygrad_es import manual_seed

    def fn(t):
        manual_seed(3)  # la misma máscara en cada evaluación
        return t.dropout(0.5) * t

    gradcheck(fn, np.linspace(-1, 1, 12).reshape(3, 4))


def test_one_hot():
    out = Tensor([0, 2, 1]).one_hot(3)
    np.testing.assert_array_equal(out.data, np.eye(3)[[0, 2, 1]])
    assert out.dtype == np.float32
    with pytest.raises(ValueError, match="entre 0 y 2"):
        Tensor([0, 3]).one_hot(3)
