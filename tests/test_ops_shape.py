"""Las operaciones de forma y de índices del Tensor (tensor_shape.py y einsum.py): forward contra NumPy y
gradiente contra diferencias finitas (float64, formas de Hypothesis), y sus errores."""
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_es import DTypeError, ShapeError, Tensor
from tinygrad_es.errors import ArgumentError

from strategies import FAST, check, layouts, nonempty_shapes, shapes, values

arrays = layouts(shapes.flatmap(values))
nonempty_arrays = layouts(nonempty_shapes.flatmap(values))


def axes_of(x, allow_tuple=True):
    """Un eje, una tupla de ejes distintos o None, para un array x."""
    choices = [st.none(), st.integers(-x.ndim, x.ndim - 1)]
    if allow_tuple:
        choices.append(st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=x.ndim, unique=True).map(tuple))
    return st.one_of(*choices)


@FAST
@given(x=nonempty_arrays, data=st.data())
def test_flip(x, data):
    axis = data.draw(axes_of(x))
    check(lambda t: t.flip(axis), lambda a: np.flip(a, axis), x)


@FAST
@given(x=nonempty_arrays, data=st.data())
def test_repeat(x, data):
    axis = data.draw(axes_of(x, allow_tuple=False))
    n = x.size if axis is None else x.shape[axis]
    repeats = data.draw(st.one_of(st.integers(0, 3), st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    check(lambda t: t.repeat(repeats, axis=axis), lambda a: np.repeat(a, repeats, axis=axis), x)


@FAST
@given(x=arrays, reps=st.lists(st.integers(0, 3), max_size=5).map(tuple))
def test_tile(x, reps):
    check(lambda t: t.tile(reps), lambda a: np.tile(a, reps), x)


@FAST
@given(x=nonempty_arrays, data=st.data())
def test_roll(x, data):
    axis = data.draw(st.one_of(st.none(), st.integers(-x.ndim, x.ndim - 1),
                               st.lists(st.integers(0, x.ndim - 1), min_size=1, max_size=3).map(tuple)))
    count = 1 if axis is None or isinstance(axis, int) else len(axis)
    shift = data.draw(st.one_of(st.integers(-7, 7), st.lists(st.integers(-7, 7), min_size=count, max_size=count)))
    if isinstance(shift, list) and axis is None:
        shift = shift[0]
    check(lambda t: t.roll(shift, axis), lambda a: np.roll(a, shift, axis), x)


@FAST
@given(x=layouts(hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=4).flatmap(values)),
       k=st.integers(-3, 3))
def test_triu_tril(x, k):
    check(lambda t: t.triu(k), lambda a: np.triu(a, k), x)
    check(lambda t: t.tril(k), lambda a: np.tril(a, k), x)


@FAST
@given(a=arrays, b=arrays)
def test_outer(a, b):
    check(lambda s, t: s.outer(t), np.outer, a, b)


# ---------------------------------------------------------------- gather, take_along_axis, unflatten
@st.composite
def array_axis_and_index(draw, broadcast):
    """x, un eje y los índices para ese eje (con repetidos y negativos). broadcast=False: index no más grande que
    x en los demás ejes (gather); True: del mismo tamaño o 1, que se difunde (take_along_axis)."""
    x = draw(nonempty_arrays)
    axis = draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[axis]
    shape = tuple(draw(st.integers(1, 4)) if d == axis % x.ndim else
                  draw(st.sampled_from([1, size]) if broadcast else st.integers(1, size)) for d, size in enumerate(x.shape))
    return x, axis, draw(hnp.arrays(np.int64, shape, elements=st.integers(-n, n - 1)))


@FAST
@given(case=array_axis_and_index(broadcast=False), data=st.data())
def test_gather_like_pytorch_and_its_gradient_adds_up_repeated_indices(case, data):
    x, axis, index = case
    corner = x[tuple(slice(0, index.shape[d]) if d != axis % x.ndim else slice(None) for d in range(x.ndim))]
    check(lambda t: t.gather(axis, index), lambda a: np.take_along_axis(corner, index, axis), x)
    # el gradiente contra NumPy: np.add.at suma en cada casilla lo de todas las posiciones que la leyeron
    upstream = data.draw(values(index.shape))
    t = Tensor(x, dtype="float64", requires_grad=True)
    t.gather(axis, Tensor(index)).backward(Tensor(upstream, dtype="float64"))
    expected = np.zeros_like(x)
    where = list(np.indices(index.shape, sparse=True))
    where[axis] = index
    np.add.at(expected, tuple(where), upstream)
    np.testing.assert_allclose(t.grad.numpy(), expected, rtol=1e-12)


@FAST
@given(case=array_axis_and_index(broadcast=True))
def test_take_along_axis_like_numpy(case):
    x, axis, indices = case
    check(lambda t: t.take_along_axis(indices, axis), lambda a: np.take_along_axis(a, indices, axis), x)


def test_gather_picks_the_class_of_each_row():
    logits = Tensor([[0.5, 2.0, -1.0], [3.0, 0.5, 0.25]])
    np.testing.assert_array_equal(logits.gather(1, [[1], [0]]).numpy(), [[2.0], [3.0]])
    np.testing.assert_array_equal(logits.gather(dim=1, index=[[2, 2, 0]]).numpy(), [[-1.0, -1.0, 0.5]])  # PyTorch
    np.testing.assert_array_equal(logits.take_along_axis([1, 5]).numpy(), [2.0, 0.25])  # axis=None: aplanado


@FAST
@given(x=nonempty_arrays, data=st.data())
def test_unflatten(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    n = x.shape[axis]
    first = data.draw(st.sampled_from([k for k in range(1, n + 1) if n % k == 0]))
    sizes = data.draw(st.sampled_from([(first, n // first), (first, -1), (-1, n // first), (1, n, 1)]))
    known = int(np.prod([s for s in sizes if s != -1]))
    target = x.shape[:axis % x.ndim] + tuple(n // known if s == -1 else s for s in sizes) + x.shape[axis % x.ndim + 1:]
    check(lambda t: t.unflatten(axis, sizes), lambda a: a.reshape(target), x)


# ---------------------------------------------------------------- einsum
EINSUM = {
    # fórmula: formas simbólicas de las entradas (letras -> tamaños de Hypothesis)
    "ij,jk->ik": ("ij", "jk"),  # matmul
    "bij,bjk->bik": ("bij", "bjk"),  # matmul por lotes
    "i,j->ij": ("i", "j"),  # exterior
    "i,i->": ("i", "i"),  # producto escalar
    "ij,ij->i": ("ij", "ij"),  # producto escalar por filas
    "bi,bj->bij": ("bi", "bj"),  # exterior por lotes
    "ij,j->i": ("ij", "j"),  # matriz por vector
    "ij,jk": ("ij", "jk"),  # salida implícita (letras que aparecen una vez, en orden)
    "ik,jk->ij": ("ik", "jk"),  # a @ b.T sin transponer a mano
    "ijk,ik->j": ("ijk", "ik"),  # con una letra que solo está en una entrada y se suma antes
    "ii->": ("ii",),  # traza
    "ii->i": ("ii",),  # diagonal
    "bii->b": ("bii",),  # traza por lotes
    "ij->ji": ("ij",),  # transponer
    "ij->j": ("ij",),  # sumar filas
    "ij->": ("ij",),  # sumar todo
}


@pytest.mark.parametrize("formula", sorted(EINSUM))
@FAST
@given(data=st.data())
def test_einsum(formula, data):
    sizes = {l: data.draw(st.integers(1, 3)) for l in "bijk"}
    xs = [data.draw(layouts(values(tuple(sizes[l] for l in term)))) for term in EINSUM[formula]]
    check(lambda *ts: Tensor.einsum(formula, *ts), lambda *a: np.einsum(formula, *a), *xs)


def test_einsum_is_also_a_module_function_and_takes_arrays():
    import tinygrad_es as tg

    a = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(tg.einsum("ij,kj->ik", a, a).data, a @ a.T)
    t = Tensor(a)
    np.testing.assert_allclose(tg.einsum("ij,kj->ik", [t, t]).data, a @ a.T)  # las entradas en una lista, como PyTorch
    np.testing.assert_allclose(tg.einsum("ij->ji", [[1.0, 2.0]]).data, [[1.0], [2.0]])  # una lista de números es un dato


@pytest.mark.parametrize("formula,shapes_,error,match", [
    ("ij,jk,kl->il", [(2, 2)] * 3, ValueError, r"admite uno o dos tensores y recibió 3: encadena"),
    ("...ij,jk->ik", [(2, 2), (2, 2)], ValueError, r"'\.\.\.' no está admitido"),
    ("ij,jk->ik", [(2, 2)], ValueError, r"describe 2 entrada\(s\) .* y recibió 1 tensor"),
    ("ijk,jk->ik", [(2, 2), (2, 2)], ShapeError, r"'ijk' nombra 3 ejes y su tensor tiene forma \(2, 2\)"),
    ("ij,jk->ik", [(2, 3), (4, 2)], ShapeError, r"la letra 'j' nombra ejes de tamaños 3 y 4"),
    ("iii->", [(2, 2, 2)], ValueError, r"la letra 'i' se repite 3 veces"),
    ("ij->iz", [(2, 2)], ValueError, r"la salida 'iz' debe usar letras de las entradas"),
    ("i1->i", [(2, 2)], ValueError, r"cada eje se nombra con una letra"),
])
def test_einsum_errors(formula, shapes_, error, match):
    with pytest.raises(error, match=match):
        Tensor.einsum(formula, *[np.ones(s) for s in shapes_])


# ---------------------------------------------------------------- pad y where
@st.composite
def pad_case(draw):
    x = draw(nonempty_arrays)
    mode = draw(st.sampled_from(["constant", "edge", "reflect", "symmetric", "wrap"]))
    widths = [draw(st.one_of(st.none(), st.tuples(st.integers(0, 3), st.integers(0, 3)))) for _ in range(x.ndim)]
    return x, mode, widths


@FAST
@given(case=pad_case())
def test_pad_per_side_and_modes(case):
    x, mode, widths = case
    np_widths = [(0, 0) if w is None else w for w in widths]
    kw = {"constant_values": 1.5} if mode == "constant" else {}
    check(lambda t: t.pad(widths, mode=mode, **({"value": 1.5} if kw else {})),
          lambda a: np.pad(a, np_widths, mode=mode, **kw), x)


def test_pad_broadcasts_short_widths_like_numpy():
    x = np.arange(6.0).reshape(2, 3)
    for widths in (1, (1, 2), [(2, 0)]):
        np.testing.assert_array_equal(Tensor(x).pad(widths).data, np.pad(x, widths))


@pytest.mark.parametrize("widths,mode,match", [
    ((1, 2, 3), "constant", r"pad_width debe ser un entero >= 0, una pareja \(antes, después\) o una pareja por eje "
                            r"\(x tiene 2 ejes, forma \(2, 3\)\)"),
    (((0, 0), (-1, 0)), "constant", r"pad_width debe ser"),
    (1, "median", r"mode debe ser 'constant' o uno de 'edge', 'reflect', 'symmetric', 'wrap' y recibió 'median'"),
])
def test_pad_errors(widths, mode, match):
    with pytest.raises(ValueError, match=match):
        Tensor(np.ones((2, 3))).pad(widths, mode=mode)


@FAST
@given(shapes3=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3), data=st.data())
def test_where_broadcasts_condition_and_both_branches(shapes3, data):
    (sc, sa, sb), _ = shapes3
    cond = data.draw(hnp.arrays(bool, sc))
    a, b = data.draw(values(sa)), data.draw(values(sb))
    check(lambda x, y: Tensor.where(cond, x, y), lambda x, y: np.where(cond, x, y), a, b)


def test_where_with_numbers_and_error():
    x = Tensor([-1.0, 2.0], requires_grad=True)
    Tensor.where(x > 0, x, 0.5).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0, 1])
    np.testing.assert_array_equal(Tensor.where(np.array([True, False]), 1, -1).data, [1, -1])
    with pytest.raises(ShapeError, match=r"where: condition \(2,\), a \(3,\) y b \(\) no se pueden combinar"):
        Tensor.where(np.array([True, False]), Tensor([1.0, 2.0, 3.0]), 0.0)


# ---------------------------------------------------------------- errores
def test_repeat_with_pytorch_arguments_points_to_tile():
    with pytest.raises(TypeError, match=r"repeat\(2, 3\): aquí repeat es el de NumPy .* axis=1\).* usa tile\(\(2, 3\)\)"):
        Tensor(np.ones((2, 2))).repeat(2, 3)


@pytest.mark.parametrize("call,error,match", [
    (lambda t: t.repeat([1, 2, 3], axis=0), ValueError, r"repeats debe ser un entero >= 0 o una lista de 2 enteros"),
    (lambda t: t.repeat(-1), ValueError, r"repeats debe ser"),
    (lambda t: t.tile((2, -1)), ValueError, r"tile: repeats debe ser un entero >= 0"),
    (lambda t: t[0].triu(), ShapeError, r"triu trabaja con matrices .* forma \(3,\)"),
    (lambda t: t.flip(2), ShapeError, r"flip: axis=2 no existe en un tensor de 2 ejes"),
    (lambda t: t.roll(1, 5), ShapeError, r"roll: axis=5 no existe"),
    (lambda t: t.gather(1, [[0.0, 1.0]]), DTypeError,
     r"gather: index debe ser de enteros \(posiciones a lo largo del eje 1\) y es de reales \(float64\): .*astype"),
    (lambda t: t.gather(1, [[True]]), DTypeError, r"gather: index debe ser de enteros .* de booleanos \(una máscara\)"),
    (lambda t: t.gather(1, [[0, 3]]), IndexError, r"gather \(index\): el índice 3 se sale del eje 1, que mide 3"),
    (lambda t: t.gather(1, [[-4]]), IndexError, r"el índice -4 se sale del eje 1, que mide 3: valen de -3 a 2"),
    (lambda t: t.gather(0, [[0, 1, 0, 1]]), ShapeError,
     r"gather: index tiene forma \(1, 4\) y x, \(2, 3\): .* no ser más grande que x salvo en el eje 0.*take_along_axis"),
    (lambda t: t.gather(1, [0]), ShapeError, r"index debe tener los mismos ejes que x \(2\)"),
    (lambda t: t.take_along_axis(np.zeros((2, 2), int), 0), ShapeError,
     r"take_along_axis: indices tiene forma \(2, 2\) y x, \(2, 3\): .* el mismo tamaño o 1"),
    (lambda t: t.take_along_axis("0", 1), DTypeError, r"take_along_axis: indices debe ser un array de números .* y es .0."),
    (lambda t: t.unflatten(1, (2, 2)), ShapeError,
     r"unflatten: sizes=\(2, 2\) multiplica 4 y el eje 1 de \(2, 3\) mide 3: los tamaños deben multiplicar 3"),
    (lambda t: t.unflatten(-1, (2, -1)), ShapeError, r"unflatten: sizes=\(2, -1\): el eje 1 de \(2, 3\) mide 3, que no"),
    (lambda t: t.unflatten(0, (-1, -1)), ShapeError, r"a lo sumo un -1"),
    (lambda t: t.unflatten(0, (2, 1.5)), ArgumentError, r"unflatten: sizes\[1\] debe ser un entero >= -1 y es 1.5"),
])
def test_shape_op_errors(call, error, match):
    with pytest.raises(error, match=match):
        call(Tensor(np.ones((2, 3))))
