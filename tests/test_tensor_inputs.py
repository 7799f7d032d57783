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
