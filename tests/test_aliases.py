"""Los nombres de PyTorch y tinygrad (aliases.py): cada alias es el mismo método que su nombre
principal, los argumentos dim=/keepdim=... se traducen, y un nombre que no existe dice qué usar."""
import numpy as np
import pytest

from tinygrad_es import ShapeError, Tensor
from tinygrad_es.aliases import ALIASES, ARGUMENTS, UNSUPPORTED

X = np.arange(1.0, 13.0).reshape(3, 4)


@pytest.mark.parametrize("alias,primary", sorted(ALIASES.items()))
def test_alias_is_the_primary_method(alias, primary):
    assert getattr(Tensor, alias) is getattr(Tensor, primary)


def test_aliases_compute_like_their_primary():
    x, y = Tensor(X), Tensor(X + 1)
    for alias, expected in [("add", X + X + 1), ("sub", -1.0), ("mul", X * (X + 1)), ("div", X / (X + 1)),
                            ("pow", X ** (X + 1))]:
        np.testing.assert_allclose(getattr(x, alias)(y).data, np.broadcast_to(expected, X.shape), rtol=1e-6)
    np.testing.assert_array_equal(x.neg().data, -X)
    np.testing.assert_array_equal(Tensor.cat([x, y], dim=1).data, np.concatenate([X, X + 1], axis=1))
    np.testing.assert_array_equal(x.clamp(min=2, max=5).data, np.clip(X, 2, 5))
    np.testing.assert_array_equal(x.clip(min_=2, max_=5).data, np.clip(X, 2, 5))  # el clip de tinygrad
    np.testing.assert_array_equal(x.view(4, 3).data, X.reshape(4, 3))
    np.testing.assert_array_equal(x.unsqueeze(dim=0).data, X[None])
    np.testing.assert_allclose(x.leakyrelu(neg_slope=0.5).data, X)


@pytest.mark.parametrize("call,expected", [
    (lambda t: t.sum(dim=1, keepdim=True), X.sum(axis=1, keepdims=True)),
    (lambda t: t.mean(dim=(0, 1)), X.mean()),
    (lambda t: t.max(dim=0), X.max(axis=0)),
    (lambda t: t.min(dim=-1, keepdim=True), X.min(axis=-1, keepdims=True)),
    (lambda t: t.argmax(dim=1), X.argmax(axis=1)),
    (lambda t: t.var(dim=1, unbiased=True), X.var(axis=1, ddof=1)),
    (lambda t: t.std(dim=1, correction=1), X.std(axis=1, ddof=1)),
    (lambda t: t.softmax(dim=0), np.exp(X) / np.exp(X).sum(axis=0)),
    (lambda t: t.cumsum(dim=1), X.cumsum(axis=1)),
    (lambda t: t.prod(dim=0), X.prod(axis=0)),
    (lambda t: t.flip(dims=(0, 1)), X[::-1, ::-1]),
    (lambda t: t.roll(shifts=1, dims=1), np.roll(X, 1, axis=1)),
    (lambda t: t[None].squeeze(dim=0), X),
    (lambda t: Tensor.stack([t, t], dim=2), np.stack([X, X], axis=2)),
    (lambda t: t.chunk(2, dim=1)[1], X[:, 2:]),
    (lambda t: t.repeat_interleave(2, dim=0), np.repeat(X, 2, axis=0)),
])
def test_pytorch_keywords(call, expected):
    np.testing.assert_allclose(call(Tensor(X, dtype="float64")).data, expected, rtol=1e-12)


def test_keywords_are_translated_only_where_the_primary_exists():
    assert set(ARGUMENTS.values()) <= {"axis", "keepdims", "shift", "ddof", "min_value", "max_value", "negative_slope"}
    with pytest.raises(TypeError, match="dim"):
        Tensor(X).reshape(3, 4, dim=0)  # reshape no tiene axis: dim= sigue siendo un error
    with pytest.raises(TypeError, match="dimension"):
        Tensor(X).sum(dimension=0)


def test_gradient_flows_through_aliases():
    x = Tensor(X, requires_grad=True)
    x.mul(2.0).sum(dim=0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.full(X.shape, 2.0))


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_names_say_what_to_use(name):
    assert not hasattr(Tensor, name)  # si existiera, la tabla mentiría
    with pytest.raises(AttributeError, match=rf"Tensor no tiene '{name}': .*(usa|hace falta|devuelve)"):
        getattr(Tensor(X), name)


def test_typos_and_in_place_operations():
    with pytest.raises(AttributeError, match=r"Tensor no tiene 'reshpe': ¿quisiste decir 'reshape'\?$"):
        Tensor(X).reshpe(4, 3)
    with pytest.raises(AttributeError, match=r"'mul_': las operaciones en su sitio no existen .* x = x\.mul\(\.\.\.\)"):
        Tensor(X).mul_(2)
    with pytest.raises(AttributeError, match=r"Tensor no tiene 'zzz': mira help\(Tensor\)"):
        Tensor(X).zzz
    assert not hasattr(Tensor(X), "_repr_html_")  # los nombres privados no buscan sugerencias


def test_same_name_other_meaning_is_not_silent():
    with pytest.raises(ShapeError, match=r"Para intercambiar dos ejes \(el transpose de PyTorch\) usa swapaxes"):
        Tensor(np.ones((2, 3, 4))).transpose(0, 1)
    with pytest.raises(TypeError, match=r"usa tile"):
        Tensor(X).repeat(2, 2)
    with pytest.raises(ShapeError, match=r"squeeze: solo se quitan ejes de tamaño 1 y axis=0 nombra uno de tamaño "
                                         r"distinto en \(3, 4\)"):
        Tensor(X).squeeze(dim=0)  # PyTorch lo dejaría igual sin avisar


def test_where_also_as_a_method_of_the_condition_like_tinygrad():
    x = Tensor(X, requires_grad=True)
    expected = np.where(X > 0, X, -1.0)
    np.testing.assert_array_equal((x > 0).where(x, -1.0).numpy(), expected)
    np.testing.assert_array_equal(Tensor.where(X > 0, x, -1.0).numpy(), expected)  # la forma de NumPy sigue
    (x > 0).where(x, -1.0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, (X > 0).astype(np.float32))


@pytest.mark.parametrize("fn", ["concatenate", "cat", "stack"])
def test_concatenating_a_loose_tensor_says_to_pass_a_list(fn):
    with pytest.raises(TypeError, match=r"recibe una lista de tensores y recibió un Tensor suelto: escribe "
                                        r"Tensor\.(concatenate|stack)\(\[a, b\], axis=0\) \(tinygrad escribe a\.cat"):
        getattr(Tensor(X), fn)(Tensor(X), dim=1)


def test_nn_functional_accepts_keras_and_pytorch_argument_names():
    from tinygrad_es.nn import functional as F
    x = np.random.default_rng(0).normal(size=(2, 9, 9, 3)).astype(np.float32)
    w = np.random.default_rng(1).normal(size=(3, 3, 3, 4)).astype(np.float32)
    np.testing.assert_array_equal(F.conv2d(x, w, strides=2, dilation_rate=1).numpy(),
                                  F.conv2d(x, w, stride=2, dilation=1).numpy())
    np.testing.assert_array_equal(F.max_pool2d(x, kernel_size=3, stride=2).numpy(),
                                  F.max_pool2d(x, pool_size=3, strides=2).numpy())
    np.testing.assert_array_equal(F.avg_pool1d(x[:, 0], 2, stride=1).numpy(), F.avg_pool1d(x[:, 0], 2, strides=1).numpy())


def test_nn_functional_names_an_unknown_argument_in_spanish():
    from tinygrad_es.nn import functional as F
    with pytest.raises(TypeError, match=r"^conv2d no tiene el argumento 'strid': ¿quisiste decir 'stride'\?$"):
        F.conv2d(np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 1)), strid=2)
    with pytest.raises(TypeError, match=r"^dropout no tiene el argumento 'seed': los que acepta son: x, rate, "):
        F.dropout(np.ones((2, 2)), 0.5, seed=1)
