"""Versiones: un dato que cambia en su sitio después de guardarse para el backward es un error que nombra la operación."""
import numpy as np
import pytest

import tinygrad_es as tg
from tinygrad_es import Tensor, keras, nn, no_grad

CHANGED = r"backward\(\): la entrada {i} de {op} \(un tensor de forma \({shape}\)\) cambió en su sitio después"


def _changed(i, op, shape):
    return CHANGED.format(i=i, op=op, shape=shape)


@pytest.mark.parametrize("write", [
    lambda x: x.data.__setitem__(slice(None), 100.0),  # x.data[:] = 100: el ejemplo del informe
    lambda x: x.data.__imul__(100.0),                   # x.data *= 100
    lambda x: x.assign([100.0, 100.0, 100.0]),
    lambda x: x.__setitem__(1, 100.0),                 # x[1] = 100
    lambda x: x.assign_add(1.0),
])
def test_changing_a_saved_input_names_the_operation_and_leaves_grad_untouched(write):
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (x * x).sum()
    write(x)
    with pytest.raises(tg.AutogradError, match=_changed(0, "Mul", "3,") + r".*después de backward\(\)"):
        loss.backward()
    assert x.grad is None  # el error llega antes de acumular nada


def test_changing_an_input_that_was_not_saved_is_fine():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (x + x).sum()  # la suma no guarda sus entradas: su gradiente no depende de ellas
    x.assign([5.0, 5.0, 5.0])
    loss.backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0, 2.0])


def test_rebinding_data_keeps_the_old_values_in_the_graph():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    loss = (x * x).sum()
    x.data = np.array([100.0, 100.0, 100.0], dtype=np.float32)  # otro array: el guardado no cambió
    loss.backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 4.0, 6.0])


def test_views_share_the_counter_so_one_element_of_a_big_tensor_is_caught():
    x = Tensor(np.arange(1000.0), requires_grad=True)
    loss = (x.reshape(10, 100) * 2.0).sum()
    x[3] = 7.0  # un elemento de mil: la muestra no lo vería, el contador sí
    with pytest.raises(tg.AutogradError, match=_changed(0, "Mul", "10, 100")):
        loss.backward()


def test_changing_a_saved_output_is_caught():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # exp guarda su salida: d/dx e^x = e^x
    loss = y.sum()
    with no_grad():
        y[0] = 0.0
    with pytest.raises(tg.AutogradError, match="la salida de Exp"):
        loss.backward()


def test_optimizer_step_on_weights_of_a_live_graph_is_caught():
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    opt = keras.optimizers.SGD(0.1)
    loss = (model(Tensor(np.ones((4, 3)))) ** 2).mean()
    loss.backward(retain_graph=True)
    opt.apply([w.grad for w in model.trainable_weights], model.trainable_weights)
    with pytest.raises(tg.AutogradError, match=_changed(1, "MatMul", "3, 2")):
        loss.backward()


def test_conv_weights_changed_after_forward_are_caught():
    x = Tensor(np.ones((1, 5, 5, 1)))
    w = Tensor(np.ones((3, 3, 1, 2)), requires_grad=True)
    loss = nn.functional.conv2d(x, w).sum()
    w.assign_sub(0.5)  # la convolución guardó w dentro de su plan: hay que buscarlo ahí
    with pytest.raises(tg.AutogradError, match=r"de Conv2D.*\(3, 3, 1, 2\)"):
        loss.backward()


def test_training_loop_changing_weights_after_backward_is_fine():
    x = Tensor([1.0, 2.0], requires_grad=True)
    for _ in range(3):
        x.grad = None
        (x * x).sum().backward()
        with no_grad():
            x.data -= 0.1 * x.grad.data  # el patrón de micrograd: después de backward, sin error
    np.testing.assert_allclose(x.data, np.array([1.0, 2.0]) * 0.8**3, rtol=1e-6)


def test_writes_into_a_tensor_of_the_graph_are_refused():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2.0
    with pytest.raises(tg.AutogradError, match=r"t\[\.\.\.\] = valor: este tensor es el resultado de Mul.*Tensor.where"):
        y[0] = 5.0
    with pytest.raises(tg.AutogradError, match="assign: este tensor es el resultado de Mul"):
        y.assign([0.0, 0.0])


def test_assign_errors_are_spanish_and_name_the_problem():
    t = Tensor([1.0, 2.0])
    with pytest.raises(tg.ShapeError, match=r"assign: el valor tiene forma \(3,\) y el tensor \(2,\)"):
        t.assign([1.0, 2.0, 3.0])
    with pytest.raises(tg.DTypeError, match=r"assign: value debe contener números y contiene textos, como '1.5'"):
        t.assign(["1.5", "2"])
    with pytest.raises(ValueError, match="solo lectura.*copia"):
        Tensor([1.0]).expand(3).assign(0.0)
    with pytest.raises(tg.ShapeError, match=r"un valor de forma \(3,\) no cabe en t\[0\]"):
        Tensor(np.zeros((2, 2)))[0] = [1.0, 2.0, 3.0]
    assert t.assign_sub(1.0) is t and t.data.tolist() == [0.0, 1.0]
