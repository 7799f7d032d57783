"""Entradas malas al Tensor: cada clase de error da un mensaje en español que dice qué llegó y qué hacer."""
import numpy as np
import pytest

import tinygrad_es as tg
from tinygrad_es import Tensor


@pytest.mark.parametrize("data, dtype, message", [
    ([[1, 2], [3]], None, r"Tensor: data no es rectangular: en el nivel 1 hay listas de longitudes 1, 2.*pad_sequences"),
    ([[[1, 2], [3, 4]], [[5, 6], [7]]], "float32", r"en el nivel 2 hay listas de longitudes 1, 2"),
    ([1, [2, 3]], None, r"no es rectangular: en el nivel 1 .*números sueltos junto a listas"),
])
def test_ragged_lists_are_described(data, dtype, message):
    with pytest.raises(ValueError, match=message):
        Tensor(data, dtype=dtype)


@pytest.mark.parametrize("data, dtype, message", [
    (["1.5", "2"], "float32", r"contiene textos, como '1.5'. No se convierten solos"),  # nunca se parsea
    (np.array(["1.5"]), None, r"contiene textos, como '1.5'"),
    (np.array([1.0, "a"], dtype=object), "float32", r"contiene textos, como 'a'"),
    ("3", None, r"debe ser un array de números .* y es '3'"),
    ({"x": [1.0]}, None, r"es \{'x': \[1.0\]\} \(de tipo dict\): para varias entradas con nombre"),
    (None, None, r"y es None"),
    ([1, None], None, r"array de objetos de Python, como None"),
    ([1 + 2j], "float32", r"números complejos: usa la parte real"),
])
def test_non_numbers_are_refused_before_any_conversion(data, dtype, message):
    with pytest.raises(tg.DTypeError, match=r"Tensor: data ?.*" + message):
        Tensor(data, dtype=dtype)


@pytest.mark.parametrize("data, dtype, message", [
    ([300], "uint8", r"valores de 300 a 300, que no caben en uint8 \(de 0 a 255\).*'int64'.*np.clip"),
    ([-1, 3], "uint8", r"valores de -1 a 3, que no caben en uint8"),
    (np.array([1e10]), "int32", r"valores de .*, que no caben en int32 \(de -2147483648 a 2147483647\)"),
    (np.array([1.0, np.nan]), "int64", r"NaN o infinitos, que no son enteros: no caben en int64.*nan_to_num"),
    ([1.0, np.inf], "int8", r"NaN o infinitos"),
])
def test_values_that_do_not_fit_the_integer_dtype_are_refused(data, dtype, message):
    """NumPy daría la vuelta en silencio (300 en uint8 es 44); PyTorch lo rechaza al crear el tensor."""
    with pytest.raises(ValueError, match=r"Tensor: data tiene " + message):
        Tensor(data, dtype=dtype)


def test_values_that_fit_the_integer_dtype_keep_numpy_conversion():
    assert Tensor([0, 255], dtype="uint8").numpy().tolist() == [0, 255]
    assert Tensor([2.7, -2.7], dtype="int32").numpy().tolist() == [2, -2]  # trunca, como NumPy y PyTorch
    assert Tensor([True, False], dtype="int8").numpy().tolist() == [1, 0]
    assert Tensor(np.zeros((0,)), dtype="uint8").shape == (0,)


@pytest.mark.parametrize("index, error, message", [
    (5, IndexError, r"t\[\.\.\.\]: el índice 5 se sale del eje 0, que mide 3: valen de -3 a 2"),
    ((0, -4), IndexError, r"el índice -4 se sale del eje 1, que mide 3"),
    ((..., 7), IndexError, r"el índice 7 se sale del eje 1"),
    ((None, 0, 3), IndexError, r"el índice 3 se sale del eje 1"),
    ([0, 9], IndexError, r"el índice 9 se sale del eje 0"),
    (1.0, TypeError, r"los índices deben ser enteros y llegó 1.0 en el eje 0: usa int\(\.\.\.\)"),
    (np.array([0.5]), TypeError, r"los índices deben ser enteros"),
    ("a", TypeError, r"los índices deben ser enteros y llegó 'a'"),
    ((0, 0, 0), IndexError, r"3 índices para un tensor de 2 ejes \(forma \(3, 3\)\): quita 1 índice"),
    (np.array([True, False]), IndexError, r"la máscara booleana tiene forma \(2,\) y los ejes que elige miden \(3,\)"),
    (slice(0.5, 2), TypeError, r"los extremos del corte"),
    (slice(None, None, 0), ValueError, r"el corte ::0 tiene paso 0.*distinto de 0.*t\[::-1\]"),
    ((0, slice(1, 2, np.int64(0))), ValueError, r"el corte 1:2:0 tiene paso 0"),
])
def test_index_errors_are_spanish_and_name_axis_and_size(index, error, message):
    t = Tensor(np.zeros((3, 3)))
    with pytest.raises(error, match=message):
        t[index]
    with pytest.raises(error, match=message.replace(r"t\[\.\.\.\]", r"t\[\.\.\.\] = valor")):
        t[index] = 1.0


def test_astype_to_integers_inside_a_graph_names_the_cast():
    x = Tensor([0.4, 1.6], requires_grad=True)
    loss = (x.astype("int32") * 2).sum() + (x * x).sum()
    with pytest.raises(tg.AutogradError, match=r"astype\('int32'\).*float32.*x.detach\(\).astype"):
        loss.backward()
    assert x.grad is None
    np.testing.assert_array_equal(x.detach().astype("int32").data, [0, 1])  # fuera del grafo, sin error


@pytest.mark.filterwarnings("error")  # ni un aviso de NumPy
def test_reductions_of_empty_tensors_give_the_defined_value_or_a_clear_error():
    empty = Tensor(np.zeros((0, 3)))
    assert empty.sum().item() == 0.0
    assert empty.prod().item() == 1.0
    assert Tensor(np.zeros(0)).logsumexp(axis=0).item() == -np.inf
    assert empty.max(axis=1).shape == (0,)  # nada que reducir y nada que devolver: vacío, sin error
    np.testing.assert_array_equal(empty.sum(axis=0).data, [0.0, 0.0, 0.0])
    for fn, text in [(lambda: empty.mean(), "mean: el tensor de forma \\(0, 3\\) no tiene elementos que reducir, y la "
                                            "media de cero números no está definida"),
                     (lambda: empty.mean(axis=0), "a lo largo de axis=0"),
                     (lambda: empty.max(axis=0), "max: .*el máximo de cero números"),
                     (lambda: empty.min(), "min: .*el mínimo"),
                     (lambda: empty.argmax(axis=0), "argmax: .*la posición del máximo"),
                     (lambda: empty.std(), "mean: .*media"),
                     (lambda: Tensor([1.0]).var(ddof=1), r"var/std: hay 1 elemento\(s\) .*al menos 2")]:
        with pytest.raises(ValueError, match=text):
            fn()
    x = Tensor(np.zeros((0, 2)), requires_grad=True)
    x.sum().backward()
    assert x.grad.shape == (0, 2)


# ---------------------------------------------------------------- segunda pasada: tamaños, ejes, tipos, valores de verdad
@pytest.mark.parametrize("call, error, message", [
    (lambda: Tensor.zeros(-1, 3), tg.errors.ArgumentError, r"Tensor.zeros: shape\[0\] debe ser un entero >= 0 y es -1"),
    (lambda: Tensor.ones(2.5), tg.errors.ArgumentError, r"Tensor.ones: shape\[0\] .* y es 2.5. Escribe un número entero"),
    (lambda: Tensor.randn("3"), tg.errors.ArgumentError, r"Tensor.randn: shape\[0\] .* Es un texto"),
    (lambda: Tensor.full((2, -2), 1.0), tg.errors.ArgumentError, r"Tensor.full: shape\[1\] .* y es -2"),
    (lambda: Tensor.eye(-2), tg.errors.ArgumentError, r"Tensor.eye: shape\[0\] .* y es -2"),
    (lambda: Tensor.rand(10**6, 10**7), MemoryError, r"Tensor.rand: el tensor tendría forma \(1000000, 10000000\): "
                                                     r"10 000 000 000 000 elementos, 36.4 TiB en float32"),
    (lambda: Tensor.arange(0, 5, 0), tg.errors.ArgumentError, r"Tensor.arange: step .* no puede ser 0"),
    (lambda: Tensor.arange("5"), tg.errors.ArgumentError, r"Tensor.arange: stop debe ser un número .* Es un texto"),
    (lambda: Tensor.arange(0, 1e15), MemoryError, r"Tensor.arange: el resultado tendría forma \(1000000000000000,\)"),
    (lambda: Tensor.zeros(6).reshape(3.0, 2), tg.errors.ArgumentError, r"reshape: shape\[0\] .* y es 3.0. Escribe 3"),
    (lambda: Tensor.zeros(6).reshape("6"), tg.errors.ArgumentError, r"reshape: shape\[0\] .* Es un texto"),
    (lambda: Tensor([1.0], dtype=object), tg.DTypeError, r"Tensor: dtype: el tipo de dato .* no es de números reales"),
    (lambda: Tensor([1.0]).astype("complex64"), tg.DTypeError, r"astype: el tipo de dato 'complex64' .* no es de números"),
    (lambda: Tensor([1.0]).astype("float99"), tg.DTypeError, r"astype: tipo de dato desconocido: 'float99'"),
])
def test_constructor_sizes_and_dtypes(call, error, message):
    with pytest.raises(error, match=message):
        call()
    assert Tensor.zeros(np.int64(2), np.uint8(3)).shape == (2, 3)  # cualquier entero vale como tamaño


T = Tensor(np.arange(6.0).reshape(2, 3))


@pytest.mark.parametrize("call, error, message", [
    (lambda: T.sum(axis=5), tg.ShapeError, r"sum: axis=5 no existe en un tensor de 2 ejes; los ejes válidos van de -2 a 1"),
    (lambda: T.mean(axis="x"), tg.errors.ArgumentError, r"mean: axis debe ser un entero \(un eje\), una tupla de enteros "
                                                        r"o None \(todos los ejes\) y es 'x'"),
    (lambda: T.max(axis=1.0), tg.errors.ArgumentError, r"max: axis .* y es 1.0"),
    (lambda: T.min(axis=(0, 0)), tg.ShapeError, r"min: axis=\(0, 0\) nombra el mismo eje más de una vez"),
    (lambda: T.var(axis=-3), tg.ShapeError, r"var/std: axis=-3 no existe"),
    (lambda: T.argmax(axis=2), tg.ShapeError, r"argmax: axis=2 no existe"),
    (lambda: T.logsumexp(axis=True), tg.errors.ArgumentError, r"logsumexp: axis .* y es True"),
    (lambda: T.softmax(axis=4), tg.ShapeError, r"softmax: axis=4 no existe"),
    (lambda: T.transpose(0, 5), tg.ShapeError, r"permute/transpose: \(0, 5\) no es una permutación de los 2 ejes"),
    (lambda: T.expand_dims(5), tg.ShapeError, r"expand_dims/unsqueeze: axis=5 no existe en un tensor de 3 ejes"),
    (lambda: T.flatten(1, 0), tg.ShapeError, r"flatten: start_dim=1 va después de end_dim=0"),
    (lambda: Tensor.stack([]), ValueError, r"stack: la lista de tensores está vacía"),
    (lambda: T.item(), ValueError, r"item\(\): solo vale para un tensor de un elemento y este tiene forma \(2, 3\) "
                                   r"\(6 elementos\)"),
    (lambda: bool(T > 2), ValueError, r"El valor de verdad de un tensor de forma \(2, 3\) \(6 elementos\) es ambiguo: "
                                      r".*\.any\(\).*\.all\(\)"),
    (lambda: T.dropout(1.5), tg.errors.ArgumentError, r"dropout: rate .* debe ser un número en \[0, 1\] y es 1.5"),
    (lambda: Tensor([0.5, 2.0]).one_hot(3), ValueError, r"one_hot: las etiquetas deben ser enteras .* y hay 0.5"),
    (lambda: Tensor(np.zeros((2, 3))).assign_add(np.ones((4, 4))), tg.ShapeError,
     r"assign_add: el valor tiene forma \(4, 4\) y el tensor \(2, 3\): deben coincidir"),
    (lambda: Tensor(np.zeros(3)).assign_sub([1.0, 2.0]), tg.ShapeError, r"assign_sub: el valor tiene forma \(2,\)"),
])
def test_axes_truth_values_and_shapes_are_spanish(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_what_still_works_after_the_checks():
    assert T.sum(axis=np.int64(1)).shape == (2,) and T.mean(axis=[0, 1]).shape == ()
    assert bool(Tensor([0.0])) is False and bool(Tensor(2.0)) is True  # un elemento: como NumPy
    assert T.expand_dims(-1).shape == (2, 3, 1) and T.expand_dims(2).shape == (2, 3, 1)
    assert Tensor([0.0, 2.0]).one_hot(3).shape == (2, 3)  # enteros escritos con decimales: sí
    assert Tensor(np.zeros((3, 0))).softmax(axis=1).shape == (3, 0)  # nada que normalizar: vacío, sin avisos
    np.testing.assert_array_equal(Tensor.arange(5).numpy(), np.arange(5))
    assert Tensor.arange(5).dtype == np.int64 and Tensor.arange(0, 1, 0.5).dtype == np.float32  # enteros si cuenta
    assert Tensor.arange(5, dtype="float64").dtype == np.float64


@pytest.mark.parametrize("call,error,message", [
    (lambda: Tensor([1.0]) < "a", tg.errors.DTypeError, r"^comparación \(<, ==\.\.\.\): el otro lado debe ser un array de "
                                                         r"números .* y es 'a'"),
    (lambda: Tensor(np.ones((2, 2))).split(0), tg.errors.ArgumentError, r"^split: indices_or_sections \(el número de "
                                                                          r"trozos\) debe ser un entero positivo y es 0"),
    (lambda: Tensor([0, 1]).one_hot(2.5), tg.errors.ArgumentError, r"^one_hot: num_classes \(el número de clases\) debe "
                                                                   r"ser un entero positivo y es 2\.5"),
    (lambda: Tensor(np.ones(3)).roll(1.5), tg.errors.ArgumentError, r"^roll: shift \(cuántas posiciones se desplaza\) "
                                                                    r"debe ser un entero y es 1\.5"),
    (lambda: Tensor(np.ones((2, 2))).triu(0.5), tg.errors.ArgumentError, r"^triu: k \(la diagonal: .*\) debe ser un "
                                                                         r"entero y es 0\.5"),
])
def test_bad_counts_shifts_and_comparisons_are_spanish(call, error, message):
    # antes: ZeroDivisionError, "'float' object cannot be interpreted as an integer", un error de corte, tril(1.5)
    # aceptado en silencio y el UFuncTypeError de NumPy
    with pytest.raises(error, match=message):
        call()
    assert (Tensor([1.0, 2.0]) == None).numpy().tolist() == [False, False]  # noqa: E711 (como NumPy)
