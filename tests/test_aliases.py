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
    # los argumentos sueltos (*shape, *axes) también con nombre, como PyTorch y tinygrad
    (lambda t: t.reshape(shape=(4, 3)), X.reshape(4, 3)),
    (lambda t: t.view(size=(2, 6)), X.reshape(2, 6)),
    (lambda t: t.permute(dims=(1, 0)), X.T),
    (lambda t: t.permute(order=(1, 0)), X.T),
    (lambda t: t[None].expand(size=(2, 3, 4)), np.broadcast_to(X, (2, 3, 4))),
    (lambda t: t[:, None].expand(-1, 5, -1), np.broadcast_to(X[:, None], (3, 5, 4))),  # -1: el eje se queda
    (lambda t: Tensor.zeros(size=(2, 3)), np.zeros((2, 3))),
    (lambda t: t.tril(diagonal=-1), np.tril(X, -1)),
    (lambda t: t.dropout(p=0.0), X),
    (lambda t: t.hardtanh(min_val=2.0, max_val=5.0), np.clip(X, 2, 5)),
    (lambda t: t.hardtanh(2.0, 5.0), np.clip(X, 2, 5)),
    (lambda t: t.unflatten(dim=1, sizes=(2, 2)), X.reshape(3, 2, 2)),
    (lambda t: t.gather(dim=0, index=[[2, 0, 1, 1]]), [[9.0, 2.0, 7.0, 8.0]]),
    (lambda t: t.lerp(end=t * 3, weight=0.5), 2 * X),
    (lambda t: t.eq(5.0), X == 5), (lambda t: t.ne(5.0), X != 5), (lambda t: t.lt(5.0), X < 5),
    (lambda t: t.le(5.0), X <= 5), (lambda t: t.gt(5.0), X > 5), (lambda t: t.ge(5.0), X >= 5),
])
def test_pytorch_keywords(call, expected):
    np.testing.assert_allclose(call(Tensor(X, dtype="float64")).data, expected, rtol=1e-12)


def test_keywords_are_translated_only_where_the_primary_exists():
    primaries = {p for v in ARGUMENTS.values() for p in ((v,) if isinstance(v, str) else v)}
    assert primaries <= {"axis", "axes", "keepdims", "shift", "ddof", "min_value", "max_value", "negative_slope",
                         "shape", "rate", "k"}
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


def test_cat_and_stack_also_as_methods_with_loose_tensors_like_tinygrad():
    x, y = Tensor(X, requires_grad=True), Tensor(-X)
    np.testing.assert_array_equal(x.cat(y, x, dim=1).numpy(), np.concatenate([X, -X, X], axis=1))
    np.testing.assert_array_equal(x.stack(y, dim=2).numpy(), np.stack([X, -X], axis=2))
    np.testing.assert_array_equal(Tensor.cat([x, y], 1).numpy(), np.concatenate([X, -X], axis=1))  # NumPy sigue
    np.testing.assert_array_equal(Tensor.stack((x, y), -1).numpy(), np.stack([X, -X], axis=-1))
    x.cat(y, x, dim=0).sum().backward()
    np.testing.assert_array_equal(x.grad.data, np.full(X.shape, 2.0))


@pytest.mark.parametrize("fn", ["concatenate", "cat", "stack"])
def test_concatenate_and_stack_misuses_say_what_to_write(fn):
    primary = "stack" if fn == "stack" else "concatenate"
    with pytest.raises(TypeError, match=rf"^{primary} recibe una lista de tensores y recibió un Tensor suelto: escribe "
                                        rf"Tensor\.{primary}\(\[a, b\], axis=0\) o, como tinygrad, a\.{primary}\(b, axis=0\)\.$"):
        getattr(Tensor(X), fn)(dim=1)
    with pytest.raises(TypeError, match=rf"^{primary}: con los tensores sueltos .* el eje va con nombre, y llegó 1 sin "
                                        rf"nombre: escribe a\.{primary}\(b, axis=\.\.\.\)"):
        getattr(Tensor(X), fn)(Tensor(X), 1)
    with pytest.raises(TypeError, match=rf"^{primary}: tras la lista de tensores solo va el eje, y llegaron 2"):
        getattr(Tensor, fn)([Tensor(X), Tensor(X)], 0, 1)


def test_concatenating_scalars_says_to_stack_them():
    with pytest.raises(ShapeError, match=r"^concatenate: los escalares \(0 ejes\) no tienen eje .* Tensor\.stack\(\[a, b\]\)"):
        Tensor(3.0).cat(Tensor(3.0))  # antes: el IndexError de NumPy


def test_missing_names_on_the_class_are_spanish_too():
    with pytest.raises(AttributeError, match=r"^Tensor no tiene 'empty': usa Tensor\.zeros\(\*forma\)"):
        Tensor.empty(2, 3)  # antes: "type object 'Tensor' has no attribute 'empty'"
    with pytest.raises(AttributeError, match=r"^Tensor no tiene 'onez': ¿quisiste decir 'ones'\?$"):
        Tensor.onez(2)
    assert not hasattr(Tensor, "_repr_html_")  # los privados siguen con el error de Python


def test_the_pytorch_repeat_with_a_list_points_to_tile():
    with pytest.raises(ValueError, match=r"Para repetir el tensor entero, el repeat de PyTorch/tinygrad, usa "
                                         r"tile\(\(2, 3\)\)\.$"):
        Tensor(X).repeat([2, 3])


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


def test_size_is_numpys_count_and_calling_it_like_pytorch_says_to_use_shape():
    x = Tensor(X)
    assert x.size == 12 and isinstance(x.size, int) and repr(x.size) == "12" and x.size * 2 == 24
    with pytest.raises(TypeError, match=r"^x\.size es el número de elementos \(12\), una propiedad sin paréntesis "
                                        r"como en NumPy; el size\(\) de PyTorch es la forma: usa x\.shape, y para el "
                                        r"tamaño de un eje, x\.shape\[1\]\.$"):
        x.size(1)
    with pytest.raises(TypeError, match=r"usa x\.shape, y para el tamaño de un eje, x\.shape\[eje\]"):
        x.size()
