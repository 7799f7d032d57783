"""La mecánica del autograd: valores conocidos, acumulación, no_grad, grafos largos, errores."""
import numpy as np
import pytest

import tinygrad_es as tg
from tinygrad_es import Tensor, gradcheck


def test_known_value_x_times_x_plus_x_times_x():
    x = Tensor(3.0, requires_grad=True)
    (x * x + x * x).backward()
    assert x.grad.item() == 12.0


def test_reused_tensor_gets_sum_of_gradients():
    x = Tensor([2.0], requires_grad=True)
    y = x * 3.0
    (y + y * y).sum().backward()  # d/dx (3x + 9x²) = 3 + 18x = 39
    np.testing.assert_allclose(x.grad.data, [39.0])


def test_gradients_accumulate_across_backward_calls():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * 2.0).sum().backward()
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [4.0, 4.0])
    x.grad = None
    (x * 2.0).sum().backward()
    np.testing.assert_allclose(x.grad.data, [2.0, 2.0])


def test_retain_grad_keeps_the_gradient_of_an_intermediate_node():
    """Sin retain_grad() un nodo intermedio no guarda .grad; con él, guarda dL/dnodo (sumado de sus usos y
    acumulado entre backward), y el gradiente sigue llegando igual a las hojas."""
    x = Tensor(np.array([1.0, -2.0, 0.5]), dtype="float64", requires_grad=True)
    y = x * x
    z = y * 3.0
    z.retain_grad()
    (z.sum() + (y * z).sum()).backward(retain_graph=True)  # L = Σ 3y + 3y²: dL/dz = 1 + y, dL/dx = (3 + 6y)·2x
    x2 = x.numpy() ** 2
    assert y.grad is None
    np.testing.assert_allclose(z.grad.numpy(), 1 + x2)
    np.testing.assert_allclose(x.grad.numpy(), (3 + 6 * x2) * 2 * x.numpy())
    z.sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), 2 + x2)
    assert not (x * 2.0)._retains_grad and not Tensor(z)._retains_grad and not z.detach()._retains_grad
    with pytest.raises(tg.AutogradError, match=r"retain_grad\(\): este tensor no pide gradiente.*requires_grad=True"):
        Tensor([1.0]).retain_grad()


def test_backward_on_non_scalar_needs_gradient():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(tg.AutogradError, match=r"solo vale para un escalar.*forma \(2,\).*\.sum\(\)"):
        (x * 2.0).backward()
    (x * 2.0).backward(Tensor([1.0, 10.0]))
    np.testing.assert_allclose(x.grad.data, [2.0, 20.0])


def test_backward_gradient_shape_must_match():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(tg.AutogradError, match=r"forma \(2,\).*recibió \(3,\)"):
        (x * 2.0).backward(np.ones(3))


def test_backward_twice_through_freed_graph_is_a_clear_error():
    x = Tensor([1.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward()
    with pytest.raises(tg.AutogradError, match="dos veces.*retain_graph=True"):
        loss.backward()


def test_retain_graph_allows_second_backward():
    x = Tensor([1.0], requires_grad=True)
    loss = (x * x).sum()
    loss.backward(retain_graph=True)
    loss.backward()
    np.testing.assert_allclose(x.grad.data, [4.0])


def test_backward_without_graph_explains():
    with pytest.raises(tg.AutogradError, match="requires_grad=True"):
        Tensor([1.0]).sum().backward()


def test_no_grad_stops_graph_building():
    x = Tensor([1.0], requires_grad=True)
    with tg.no_grad():
        y = x * 2.0
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    assert not y.requires_grad and y._ctx is None


def test_detach_cuts_the_graph():
    x = Tensor([3.0], requires_grad=True)
    (x * x.detach()).sum().backward()
    np.testing.assert_allclose(x.grad.data, [3.0])


def test_long_chain_does_not_hit_recursion_limit():
    x = Tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, [1.0])


def test_integer_tensors_are_not_differentiable():
    with pytest.raises(tg.DTypeError, match="coma flotante.*dtype='float32'"):
        Tensor([1, 2, 3], requires_grad=True)
    assert Tensor([1, 2]).dtype == np.int64


def test_detect_anomaly_names_the_op():
    x = Tensor([0.0], requires_grad=True)
    with tg.detect_anomaly(), pytest.raises(tg.AnomalyError, match="Log"):
        x.log().sum().backward()
    x.grad = None
    x.log().sum().backward()  # sin detect_anomaly: no se comprueba (como PyTorch)


def test_float32_by_default_and_float64_on_request():
    assert Tensor([1.5]).dtype == np.float32
    assert Tensor(np.array([1.5])).dtype == np.float32
    assert Tensor([1.5], dtype="float64").dtype == np.float64
    assert Tensor([1.5], dtype=tg.float64).dtype == np.float64
    t = Tensor([1.0], dtype="float64")
    assert (t * 2.0).dtype == np.float64 and (t + np.ones(1, dtype=np.float32)).dtype == np.float64


def test_non_numeric_data_is_rejected():
    with pytest.raises(tg.DTypeError, match="números"):
        Tensor(["a", "b"])


def test_unknown_dtype():
    with pytest.raises(TypeError, match="float32"):
        Tensor([1.0], dtype="flotante")


# ---------------------------------------------------------------- API del Tensor
def test_properties_and_conversions():
    t = Tensor(np.arange(6.0).reshape(2, 3))
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and len(t) == 2
    assert t.T.shape == (3, 2)
    assert isinstance(t.numpy(), np.ndarray)
    assert Tensor([[2.5]]).item() == 2.5
    assert t.double().dtype == np.float64


def test_repr_shows_values_shape_dtype_and_grad():
    r = repr(Tensor([1.0, 2.0], requires_grad=True))
    assert "1." in r and "shape=(2,)" in r and "float32" in r and "requires_grad=True" in r
    assert "requires_grad" not in repr(Tensor([1.0]))


def test_constructors_and_seed():
    assert tg.zeros(2, 3).shape == (2, 3) and tg.ones((2, 3)).data.sum() == 6
    assert tg.full((2,), 7.0).data.tolist() == [7.0, 7.0]
    assert tg.arange(3).data.tolist() == [0, 1, 2]
    assert tg.eye(2).data.tolist() == [[1, 0], [0, 1]]
    t = tg.randn(3, dtype="float64")
    assert tg.zeros_like(t).dtype == np.float64 and tg.ones_like(t).shape == (3,)
    assert tg.full_like(t, 2.0).data.tolist() == [2, 2, 2]
    assert tg.rand_like(t).shape == (3,) and tg.randn_like(t).shape == (3,)
    tg.manual_seed(5)
    a = tg.randn(4).data, tg.rand(4).data
    tg.manual_seed(5)
    b = tg.randn(4).data, tg.rand(4).data
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert 0 <= a[1].min() and a[1].max() < 1


# ---------------------------------------------------------------- mensajes de formas
def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(tg.ShapeError, match=r"suma \(\+\).*\(3, 2\) y \(4,\)"):
        tg.randn(3, 2) + tg.randn(4)
    with pytest.raises(ValueError, match=r"producto"):  # ShapeError es un ValueError
        tg.randn(3, 2) * np.ones((5,))


def test_matmul_error_names_shapes_and_suggests_transpose():
    with pytest.raises(tg.ShapeError, match=r"\(32, 784\) y \(10, 784\).*784.*10.*\.T"):
        tg.randn(32, 784) @ tg.randn(10, 784)
    with pytest.raises(tg.ShapeError, match="escalares"):
        tg.randn(3) @ Tensor(2.0)


def test_reshape_permute_expand_errors():
    with pytest.raises(tg.ShapeError, match=r"\(2, 3\).*6 elementos.*\(4,\)"):
        tg.randn(2, 3).reshape(4)
    with pytest.raises(tg.ShapeError, match="permutación"):
        tg.randn(2, 3).permute(0, 0)
    with pytest.raises(tg.ShapeError, match=r"\(2, 3\).*\(4, 3\)"):
        tg.randn(2, 3).expand(4, 3)
    with pytest.raises(tg.ShapeError, match="no se divide en 2"):
        tg.randn(3).split(2)
    with pytest.raises(tg.ShapeError, match="concatenate"):
        Tensor.concatenate([tg.randn(2, 3), tg.randn(2, 4)], axis=0)


# ---------------------------------------------------------------- gradcheck como herramienta
def test_gradcheck_reports_worst_element():
    res = gradcheck(lambda t: (t * t).sum(), np.array([1.0, 2.0]))
    assert res.ok and res.input_index == 0 and res.error < 1e-6
    assert "correcto" in str(res)


def test_gradcheck_detects_a_wrong_backward():
    from tinygrad_es.autograd import Function

    class WrongSquare(Function):  # forward x², backward mal a propósito (x en vez de 2x)
        def forward(self, a):
            self.save_for_backward(a)
            return a * a

        def backward(self, grad):
            (a,) = self.saved
            return grad * a

    with pytest.raises(tg.GradcheckError, match=r"NO coincide.*entrada 0.*autograd = .*diferencias finitas"):
        gradcheck(lambda t: WrongSquare.apply(t), np.array([1.0, 2.0, 3.0]))
    res = gradcheck(lambda t: WrongSquare.apply(t), np.array([1.0, 2.0]), raise_on_failure=False)
    assert not res.ok and abs(res.numeric - 2 * res.analytic) < 1e-4


def test_gradcheck_random_directions_for_large_inputs():
    x = np.linspace(-1, 1, 2000).reshape(40, 50)
    res = gradcheck(lambda t: (t.tanh() * t).sum(axis=1), x, max_elements=100, directions=4)
    assert res.ok and str(res.worst_index).startswith("dirección")


def test_gradcheck_passes_integer_inputs_through():
    idx = np.array([2, 0])
    res = gradcheck(lambda t, i: t[i] * 3.0, np.array([1.0, 2.0, 3.0]), idx)
    assert res.ok


def test_gradcheck_detects_a_gradient_of_the_wrong_shape():
    from tinygrad_es.autograd import Function

    class ForgetsUnbroadcast(Function):  # a (escalar) * b (vector), sin sumar el gradiente de vuelta
        def forward(self, a, b):
            self.save_for_backward(a, b)
            return a * b

        def backward(self, grad):
            a, b = self.saved
            return grad * b, grad * a

    with pytest.raises(tg.AutogradError, match=r"backward de ForgetsUnbroadcast.*forma \(\).*forma \(3,\).*unbroadcast"):
        gradcheck(lambda a, b: ForgetsUnbroadcast.apply(a, b), np.array(2.0), np.array([1.0, 2.0, 3.0]))
