"""Las funciones matemáticas y de activación del Tensor (tensor_math.py): forward contra NumPy,
gradiente contra diferencias finitas (float64, formas de Hypothesis), el valor del gradiente
en cada codo y la estabilidad con números extremos."""
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_es import ShapeError, Tensor
from tinygrad_es.errors import ArgumentError

from strategies import FAST, away_from, check, layouts, nonempty_shapes, shapes, values

_erf = np.vectorize(math.erf)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _hard_sigmoid(x):
    return np.clip(x / 6 + 0.5, 0, 1)


def _softplus(x):
    return np.logaddexp(x, 0)


UNARY = {
    # nombre: (función sobre Tensor, referencia NumPy, rango de valores, codos a evitar)
    "square": (lambda t: t.square(), np.square, (-2, 2), ()),
    "sign": (lambda t: t.sign(), np.sign, (-2, 2), (0,)),
    "sin": (lambda t: t.sin(), np.sin, (-4, 4), ()),
    "cos": (lambda t: t.cos(), np.cos, (-4, 4), ()),
    "log1p": (lambda t: t.log1p(), np.log1p, (-0.5, 3), ()),
    "expm1": (lambda t: t.expm1(), np.expm1, (-3, 3), ()),
    "erf": (lambda t: t.erf(), _erf, (-3, 3), ()),
    "softplus": (lambda t: t.softplus(), _softplus, (-4, 4), ()),
    "softsign": (lambda t: t.softsign(), lambda x: x / (1 + np.abs(x)), (-3, 3), ()),
    "elu": (lambda t: t.elu(0.7), lambda x: np.where(x >= 0, x, 0.7 * np.expm1(x)), (-3, 3), (0,)),
    "selu": (lambda t: t.selu(), lambda x: SELU_SCALE * np.where(x >= 0, x, SELU_ALPHA * np.expm1(x)), (-3, 3), (0,)),
    "gelu": (lambda t: t.gelu(), lambda x: x * (1 + _erf(x / np.sqrt(2))) / 2, (-3, 3), ()),
    "gelu_tanh": (lambda t: t.gelu(approximate=True),
                  lambda x: x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))) / 2, (-3, 3), ()),
    "relu6": (lambda t: t.relu6(), lambda x: np.clip(x, 0, 6), (-2, 8), (0, 6)),
    "hard_sigmoid": (lambda t: t.hard_sigmoid(), _hard_sigmoid, (-5, 5), (-3, 3)),
    "hard_silu": (lambda t: t.hard_silu(), lambda x: x * _hard_sigmoid(x), (-5, 5), (-3, 3)),
    "hard_tanh": (lambda t: t.hard_tanh(), lambda x: np.clip(x, -1, 1), (-3, 3), (-1, 1)),
    "hardtanh(min_val, max_val)": (lambda t: t.hardtanh(min_val=-2.0, max_val=0.5), lambda x: np.clip(x, -2, 0.5),
                                   (-3, 3), (-2, 0.5)),
    "celu": (lambda t: t.celu(0.5), lambda x: np.maximum(x, 0) + 0.5 * np.expm1(np.minimum(x, 0) / 0.5), (-3, 3), (0,)),
    "tan": (lambda t: t.tan(), np.tan, (-1.4, 1.4), ()),
    "log2": (lambda t: t.log2(), np.log2, (0.1, 4), ()),
    "floor": (lambda t: t.floor(), np.floor, (-3, 3), range(-3, 4)),
    "ceil": (lambda t: t.ceil(), np.ceil, (-3, 3), range(-3, 4)),
    "x // 0.7": (lambda t: t // 0.7, lambda x: x // 0.7, (-2, 2), [0.7 * k for k in range(-3, 4)]),
    "x % 0.7": (lambda t: t % 0.7, lambda x: np.mod(x, 0.7), (-2, 2), [0.7 * k for k in range(-3, 4)]),
    "x % -0.7": (lambda t: t % -0.7, lambda x: np.mod(x, -0.7), (-2, 2), [0.7 * k for k in range(-3, 4)]),
    "3 % x": (lambda t: 3.0 % t, lambda x: np.mod(3.0, x), (0.9, 2.5), (1.0, 1.5)),
    "sinh": (lambda t: t.sinh(), np.sinh, (-3, 3), ()),
    "cosh": (lambda t: t.cosh(), np.cosh, (-3, 3), ()),
    "arcsinh": (lambda t: t.arcsinh(), np.arcsinh, (-4, 4), ()),
    "arccosh": (lambda t: t.arccosh(), np.arccosh, (1.05, 4), ()),  # x > 1 (en 1 la derivada es infinita)
    "arctanh": (lambda t: t.arctanh(), np.arctanh, (-0.9, 0.9), ()),
    "exp2": (lambda t: t.exp2(), np.exp2, (-3, 3), ()),
    "rsqrt": (lambda t: t.rsqrt(), lambda x: 1 / np.sqrt(x), (0.2, 3), ()),
    "round": (lambda t: t.round(), np.round, (-3, 3), [k + 0.5 for k in range(-4, 3)]),
    "trunc": (lambda t: t.trunc(), np.trunc, (-3, 3), range(-3, 4)),
    "silu": (lambda t: t.silu(), lambda x: x * _sigmoid(x), (-4, 4), ()),
    "mish": (lambda t: t.mish(), lambda x: x * np.tanh(_softplus(x)), (-4, 4), ()),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@FAST
@given(data=st.data())
def test_unary(name, data):
    fn, ref, (low, high), kinks = UNARY[name]
    x = data.draw(layouts(shapes.flatmap(lambda s: values(s, low, high))))
    check(fn, ref, away_from(x, kinks))


def test_aliases_are_the_same_function():
    from tinygrad_es.tensor import Tensor as T

    assert T.swish is T.silu and T.hard_swish is T.hard_silu
    assert T.asinh is T.arcsinh and T.acosh is T.arccosh and T.atanh is T.arctanh  # los nombres de PyTorch


@FAST
@given(shapes3=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3), data=st.data())
def test_lerp(shapes3, data):
    a, b, w = (data.draw(values(s)) for s in shapes3.input_shapes)
    check(lambda x, end, weight: x.lerp(end, weight), lambda x, end, weight: x + weight * (end - x), a, b, w)


def test_lerp_with_numbers_like_pytorch():
    np.testing.assert_array_equal(Tensor([1.0, 2.0]).lerp(3.0, 0.25).numpy(), [1.5, 2.25])
    np.testing.assert_array_equal(Tensor([1.0, 2.0]).lerp(Tensor([5.0, 6.0]), 1.0).numpy(), [5.0, 6.0])


def test_round_goes_to_the_even_neighbour_and_trunc_towards_zero_like_numpy():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49999999999999994, -1.7, 1.7, 2.0**53 + 2, np.inf, -np.inf, np.nan])
    with np.errstate(invalid="ignore"):  # inf - floor(inf) es NaN por el camino, como en NumPy
        np.testing.assert_array_equal(Tensor(x, dtype="float64").round().numpy(), np.round(x))
        np.testing.assert_array_equal(Tensor(x, dtype="float64").trunc().numpy(), np.trunc(x))
    y = np.array([1.25, 2.35, -0.125, 1234.5, 15.0, 25.0, -35.0])
    for decimals in (1, 2, -1, -2):
        np.testing.assert_array_equal(Tensor(y, dtype="float64").round(decimals).numpy(), np.round(y, decimals))
    assert Tensor([3, -4]).round().dtype == np.int64 and Tensor([3, -4]).trunc().numpy().tolist() == [3, -4]
    with pytest.raises(ArgumentError, match=r"round: decimals \(las cifras decimales que se conservan\) debe ser un entero y es 1.5"):
        Tensor([1.0]).round(1.5)


def test_logical_not_gives_booleans_without_gradient():
    for data in ([0.0, 2.0, -0.5], [0, 3, -1], [False, True, True]):
        out = Tensor(data, requires_grad=isinstance(data[0], float)).logical_not()
        assert out.dtype == np.bool_ and not out.requires_grad
        np.testing.assert_array_equal(out.numpy(), np.logical_not(data))


def test_logical_and_or_xor_follow_numpy_and_give_booleans_without_gradient():
    a, b = [0.0, 2.0, -0.5, 0.0], [1, 0, 3, 0]
    x = Tensor(a, requires_grad=True)
    for name in ("logical_and", "logical_or", "logical_xor"):
        out = getattr(x, name)(Tensor(b))
        assert out.dtype == np.bool_ and not out.requires_grad
        np.testing.assert_array_equal(out.numpy(), getattr(np, name)(a, b))


def test_mask_operators_combine_like_numpy():
    """(x > 0) & (x < 1), |, ^ y ~ con máscaras (también con un array de NumPy o un bool a la izquierda), y
    bit a bit con enteros, como NumPy."""
    X = np.array([-1.5, 0.25, 0.75, 2.0])
    x = Tensor(X)
    m, n = X > 0, X < 1
    np.testing.assert_array_equal(((x > 0) & (x < 1)).numpy(), m & n)
    np.testing.assert_array_equal(((x > 0) | (x < 1)).numpy(), m | n)
    np.testing.assert_array_equal(((x > 0) ^ (x < 1)).numpy(), m ^ n)
    np.testing.assert_array_equal((~(x > 0)).numpy(), ~m)
    np.testing.assert_array_equal((n & (x > 0)).numpy(), n & m)  # ndarray & Tensor
    np.testing.assert_array_equal((True ^ (x > 0)).numpy(), True ^ m)
    i = np.array([6, 3, 5, -1])
    np.testing.assert_array_equal((Tensor(i) & 3).numpy(), i & 3)
    np.testing.assert_array_equal((~Tensor(i)).numpy(), ~i)


@pytest.mark.parametrize("call, message", [
    (lambda x: x & (x > 0), r"&: une o invierte máscaras.*x es de tipo float32.*x\.logical_and\(y\)"),
    (lambda x: (x > 0) | 0.5, r"\|: .*el otro lado es de tipo float64.*x\.logical_or\(y\)"),
    (lambda x: (x > 0) ^ "a", r"\^: .*el otro lado es texto.*x\.logical_xor\(y\)"),
    (lambda x: ~x, r"~: .*\(x > 0\) & \(x < 1\).*x es de tipo float32.*x\.logical_not\(\)"),
])
def test_mask_operators_on_reals_say_what_to_write(call, message):
    with pytest.raises(TypeError, match=message):
        call(Tensor([1.0, -1.0]))


def test_remainder_derives_like_pytorch_in_both_operands():
    """x % y = x - y·floor(x / y): d/dx = 1 y d/dy = -floor(x / y) (floor no pasa gradiente)."""
    x = Tensor([5.5, -5.5, 2.0], dtype="float64", requires_grad=True)
    y = Tensor([2.0, 2.0, -0.75], dtype="float64", requires_grad=True)
    out = x % y
    np.testing.assert_allclose(out.data, np.mod(x.data, y.data))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.data, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(y.grad.data, -np.floor(x.data / y.data))
    assert (x // y).dtype == np.float64 and (7 // Tensor([2.0])).item() == 3.0


# ---------------------------------------------------------------- el gradiente en los codos
KINKS = [
    # (nombre, función, x en el codo, gradiente prometido)
    ("sign", lambda t: t.sign(), 0.0, 0.0),
    ("floor en 1", lambda t: t.floor(), 1.0, 0.0),
    ("ceil en -1", lambda t: t.ceil(), -1.0, 0.0),
    ("celu en 0", lambda t: t.celu(0.5), 0.0, 1.0),
    ("hardtanh(-2, 0.5) en 0.5", lambda t: t.hardtanh(-2.0, 0.5), 0.5, 1.0),
    ("relu6 en 0", lambda t: t.relu6(), 0.0, 0.0),
    ("relu6 en 6", lambda t: t.relu6(), 6.0, 0.0),
    ("hard_sigmoid en -3", lambda t: t.hard_sigmoid(), -3.0, 0.0),
    ("hard_sigmoid en 3", lambda t: t.hard_sigmoid(), 3.0, 0.0),
    ("hard_silu en -3", lambda t: t.hard_silu(), -3.0, 0.0),
    ("hard_silu en 3", lambda t: t.hard_silu(), 3.0, 1.0),
    ("hard_tanh en -1", lambda t: t.hard_tanh(), -1.0, 1.0),
    ("hard_tanh en 1", lambda t: t.hard_tanh(), 1.0, 1.0),
    ("elu en 0", lambda t: t.elu(0.5), 0.0, 1.0),
    ("selu en 0", lambda t: t.selu(), 0.0, SELU_SCALE),
    ("softplus en 0", lambda t: t.softplus(), 0.0, 0.5),  # suave: el empate de maximum debe dar 1/2 justo
    ("mish en 0", lambda t: t.mish(), 0.0, math.tanh(math.log(2))),
    ("round en 0.5", lambda t: t.round(), 0.5, 0.0),
    ("trunc en -1", lambda t: t.trunc(), -1.0, 0.0),
    ("arcsinh en 0", lambda t: t.arcsinh(), 0.0, 1.0),  # |x| con where, no con abs (cuya derivada en 0 es 0)
]


@pytest.mark.parametrize("name,fn,x,expected", KINKS, ids=[k[0] for k in KINKS])
def test_gradient_at_kink(name, fn, x, expected):
    t = Tensor([x], dtype="float64", requires_grad=True)
    fn(t).sum().backward()
    assert t.grad.data[0] == pytest.approx(expected, abs=1e-12)


# ---------------------------------------------------------------- estabilidad y exactitud
def test_log1p_and_expm1_are_exact_near_zero_in_float32():
    tiny = Tensor([1e-10, -1e-9], requires_grad=True)
    np.testing.assert_allclose(tiny.log1p().data, [1e-10, -1e-9], rtol=1e-6)  # log(1 + x) daría 0
    np.testing.assert_allclose(tiny.expm1().data, [1e-10, -1e-9], rtol=1e-6)
    tiny.log1p().sum().backward()
    np.testing.assert_allclose(tiny.grad.data, [1.0, 1.0], rtol=1e-6)


def test_hyperbolic_functions_keep_their_digits_at_the_extremes_in_float32():
    # cerca de 0 (e^x - e^-x y log(1 + x) perderían los decimales), muy negativo (x + √(x² + 1) se cancela)
    # y enorme (x² desborda en float32 mucho antes que arcsinh x y arccosh x)
    x = np.array([-1e30, -1e5, -3.0, -1e-8, 0.0, 1e-8, 0.5, 3.0, 1e5, 1e30], np.float32)
    np.testing.assert_allclose(Tensor(x).arcsinh().numpy(), np.arcsinh(x), rtol=1e-6)
    np.testing.assert_allclose(Tensor(x[3:-3]).sinh().numpy(), np.sinh(x[3:-3]), rtol=1e-6)
    np.testing.assert_allclose(Tensor(x[3:-3] / 4).arctanh().numpy(), np.arctanh(x[3:-3] / 4), rtol=1e-6)
    near_one = np.array([1 + 2**-20, 1.5, 1e5, 1e30], np.float32)
    np.testing.assert_allclose(Tensor(near_one).arccosh().numpy(), np.arccosh(near_one), rtol=1e-6)


def test_hyperbolic_inverses_outside_their_domain_give_nan_and_inf_like_numpy():
    with np.errstate(invalid="ignore", divide="ignore"):  # NumPy avisa igual
        np.testing.assert_array_equal(Tensor([0.5, -2.0, 1.0]).arccosh().numpy(), np.arccosh([0.5, -2.0, 1.0]))
        np.testing.assert_array_equal(Tensor([-2.0, -1.0, 1.0, 1.5]).arctanh().numpy(), [np.nan, -np.inf, np.inf, np.nan])


@pytest.mark.parametrize("name", ["softplus", "elu", "selu", "mish", "silu", "gelu", "softsign"])
def test_extreme_inputs_stay_finite(name):
    x = Tensor([-1000.0, -80.0, 0.0, 80.0, 1000.0], requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # ni inf ni 0·inf escondidos
        out = getattr(x, name)()
        out.sum().backward()
    assert np.isfinite(out.data).all() and np.isfinite(x.grad.data).all()
    if name == "softplus":
        np.testing.assert_allclose(out.data, [0, 0, np.log(2), 80, 1000], atol=1e-6)


# ---------------------------------------------------------------- cumsum y prod
@st.composite
def array_and_axis(draw, allow_tuple):
    x = draw(layouts(nonempty_shapes.flatmap(values)))
    choices = [st.none(), st.integers(-x.ndim, x.ndim - 1)]
    if allow_tuple:
        choices.append(st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True).map(tuple))
    return x, draw(st.one_of(*choices))


@FAST
@given(xa=array_and_axis(allow_tuple=False))
def test_cumsum(xa):
    x, axis = xa
    check(lambda t: t.cumsum(axis), lambda a: np.cumsum(a, axis=axis), x)


@FAST
@given(xa=array_and_axis(allow_tuple=True), keepdims=st.booleans(), zeros=st.data())
def test_prod(xa, keepdims, zeros):
    x, axis = xa
    mask = zeros.draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size))
    x = np.where(np.reshape(mask, x.shape), 0.0, x)  # factores exactamente 0: el gradiente sigue siendo exacto
    check(lambda t: t.prod(axis, keepdims=keepdims), lambda a: np.asarray(np.prod(a, axis=axis, keepdims=keepdims)), x)


def test_prod_of_empty_axis_is_one_and_scalars_work():
    np.testing.assert_array_equal(Tensor(np.zeros((2, 0))).prod(axis=1).data, [1.0, 1.0])
    assert Tensor(3.0).prod().item() == 3.0
    assert Tensor([2, 3, 4]).prod().item() == 24  # enteros también


def test_axis_errors_are_spanish():
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(ShapeError, match=r"cumsum: axis=2 no existe en un tensor de 2 ejes; .* de -2 a 1"):
        x.cumsum(2)
    with pytest.raises(ShapeError, match=r"prod: axis=\(1, -1\) nombra el mismo eje más de una vez"):
        x.prod((1, -1))
