"""Tensores y modelos en la GPU: .to/.cuda/.cpu, el dispositivo por defecto, cada operación primitiva y Keras.

Como tests/test_cuda_kernels.py, las pruebas marcadas `@cuda_kernel_test` corren en un
subproceso con el simulador de CUDA de Numba (NUMBA_ENABLE_CUDASIM=1, ver tests/cuda_sim.py),
lanzado por `test_dispositivo_cuda_en_el_simulador`; con -m gpu, en una GPU real. Para
ejecutarlas directamente:

    NUMBA_ENABLE_CUDASIM=1 python -m pytest -q tests/test_device.py

Los gradientes en la GPU se comparan con los del autograd en la CPU, con las mismas entradas en
float64 (el gradcheck de la CPU, tests/test_ops_gradcheck.py, ya prueba que estos son correctos).
"""
import os
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cuda_sim import cuda_kernel_test, outside_cuda_process, run_pytest_in_subprocess
from strategies import broadcast_pairs

import tinygrad_es
from tinygrad_es import Tensor
from tinygrad_es.runtime import cuda as tg_cuda
from tinygrad_es.autograd import Function
from tinygrad_es.nn import functional as F
from tinygrad_es.nn import losses as L

RNG = np.random.default_rng(0)


# ================================================================ en el proceso normal
@outside_cuda_process
def test_dispositivo_cuda_en_el_simulador():
    result = run_pytest_in_subprocess(__file__, simulator=True)
    assert result.returncode == 0, ("pruebas de dispositivo en el simulador:\n" + result.stdout[-8000:]
                                    + result.stderr[-2000:])
    assert " passed" in result.stdout and "skipped" not in result.stdout, result.stdout[-2000:]


@outside_cuda_process
@pytest.mark.gpu
def test_dispositivo_cuda_en_la_gpu_real():
    if tg_cuda.simulator_enabled() or not tg_cuda.is_available():
        pytest.skip("no hay una GPU NVIDIA real en esta máquina")
    result = run_pytest_in_subprocess(__file__, simulator=False)
    assert result.returncode == 0, "pruebas de dispositivo en la GPU:\n" + result.stdout[-8000:] + result.stderr[-2000:]


@outside_cuda_process
def test_en_la_cpu_nada_cambia():
    x = Tensor([1.0, 2.0], requires_grad=True)
    assert tinygrad_es.get_default_device() == "cpu" and x.device == "cpu"
    assert x.to("cpu") is x and x.cpu() is x and x.to("CPU") is x
    assert type(x.numpy()) is np.ndarray and type((x * 2).data) is np.ndarray


@outside_cuda_process
def test_dispositivo_desconocido():
    with pytest.raises(ValueError, match="dispositivo desconocido 'gpu': usa 'cpu' o 'cuda'"):
        tinygrad_es.set_default_device("gpu")
    with pytest.raises(ValueError, match="dispositivo desconocido 'tpu'"):
        Tensor([1.0]).to("tpu")
    assert tinygrad_es.get_default_device() == "cpu"


@outside_cuda_process
def test_variable_de_entorno_desconocida():
    env = dict(os.environ, TINYGRAD_ES_DEVICE="tpu")
    result = subprocess.run([sys.executable, "-c", "import tinygrad_es"], env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0 and "dispositivo desconocido 'tpu'" in result.stderr


# ================================================================ dentro del subproceso de CUDA
def cuda_tensor(values, **kw):
    return Tensor(values, device="cuda", **kw)


@cuda_kernel_test
def test_ida_y_vuelta():
    values = RNG.standard_normal((2, 3)).astype(np.float32)
    x = Tensor(values)
    g = x.cuda()
    assert g.device == "cuda" and x.device == "cpu" and type(g.data).__name__ == "CudaArray"
    assert g.to("cuda") is g and g.shape == (2, 3) and g.dtype == np.float32
    back = g.cpu()
    assert back.device == "cpu" and type(back.data) is np.ndarray
    np.testing.assert_array_equal(back.numpy(), values)
    np.testing.assert_array_equal(g.numpy(), values)  # numpy() copia a la CPU
    assert cuda_tensor([2.5]).item() == 2.5
    assert "device='cuda'" in repr(g)


@cuda_kernel_test
def test_gradiente_a_traves_de_to_device():
    x = Tensor([1.0, -2.0, 3.0], requires_grad=True)  # hoja en la CPU
    ((x.cuda() * x.cuda()).sum()).backward()
    assert x.grad.device == "cpu"
    np.testing.assert_allclose(x.grad.numpy(), [2.0, -4.0, 6.0])
    w = cuda_tensor([1.0, 2.0], requires_grad=True)  # hoja en la GPU, cuenta en la CPU
    (w.cpu() * 3.0).sum().backward()
    assert w.grad.device == "cuda"
    np.testing.assert_allclose(w.grad.numpy(), [3.0, 3.0])


@cuda_kernel_test
def test_mezclar_dispositivos_es_un_error():
    a, b = Tensor([1.0, 2.0]), cuda_tensor([[1.0, 2.0]])
    with pytest.raises(tinygrad_es.DeviceError,
                       match=r"Add recibió tensores en dispositivos distintos: entrada 0 \(forma \(2,\)\) en 'cpu', "
                             r"entrada 1 \(forma \(1, 2\)\) en 'cuda'.*\.to\('cuda'\)"):
        a + b
    with pytest.raises(tinygrad_es.DeviceError, match="MatMul recibió tensores en dispositivos distintos"):
        b @ Tensor([[1.0], [2.0]])


@cuda_kernel_test
def test_leer_en_la_cpu_sin_pedirlo_es_un_error():
    with pytest.raises(TypeError, match=r"vive en la GPU y NumPy lo quiso leer en la CPU sin pedirlo.*\.numpy\(\)"):
        np.asarray(cuda_tensor([1.0, 2.0]).data)


@cuda_kernel_test
def test_funcion_sin_kernel_dice_cual_y_en_que_operacion():
    class CumSum(Function):
        def forward(self, a):
            return np.cumsum(a)

        def backward(self, grad):  # pragma: no cover - nunca llega
            return grad

    with pytest.raises(NotImplementedError, match=r"np\.cumsum no tiene todavía kernel CUDA.*operación CumSum"):
        CumSum.apply(cuda_tensor([1.0, 2.0]))


@cuda_kernel_test
def test_dispositivo_por_defecto():
    tinygrad_es.set_default_device("cuda")
    try:
        assert tinygrad_es.get_default_device() == "cuda"
        assert Tensor([1.0]).device == "cuda" and tinygrad_es.zeros(2, 3).device == "cuda"
        assert tinygrad_es.randn(2).device == "cuda"
        cpu = Tensor([1.0, 2.0], device="cpu")
        assert cpu.device == "cpu" and (cpu * 2.0 + 1.0).device == "cpu"  # los escalares siguen a su tensor
    finally:
        tinygrad_es.set_default_device("cpu")
    assert Tensor([1.0]).device == "cpu" and (cuda_tensor([1.0]) * 2.0).device == "cuda"
    assert Tensor.zeros(2, device="cuda").device == "cuda" and tinygrad_es.ones_like(cuda_tensor([1.0])).device == "cuda"
    assert tinygrad_es.zeros_like(cuda_tensor([1.0]), device="cpu").device == "cpu"


@cuda_kernel_test
def test_variable_de_entorno():
    code = ("import sys, tinygrad_es; assert tinygrad_es.get_default_device() == 'cuda'; "
            "assert tinygrad_es.ones(2).device == 'cuda'")
    env = dict(os.environ, TINYGRAD_ES_DEVICE="cuda")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)


# ---------------------------------------------------------------- CudaArray contra NumPy, función a función
A = RNG.standard_normal((2, 3, 4)).astype(np.float32)
B = RNG.standard_normal((3, 1)).astype(np.float32)
M = RNG.standard_normal((4, 2)).astype(np.float32)
IDX = np.array([1, 0, 1, -1])

NUMPY_CASES = {  # la función de NumPy que prueba cada caso -> lo mismo con arrays de NumPy y con CudaArray
    np.add: lambda a, b, m: a + b + 1.5, np.subtract: lambda a, b, m: (a - b, 2 - a),
    np.multiply: lambda a, b, m: a * b * 0.5, np.true_divide: lambda a, b, m: (a / (b * b + 1), 1 / (a * a + 1)),
    np.power: lambda a, b, m: (np.abs(a) ** b, 2.0 ** a), np.maximum: lambda a, b, m: np.maximum(a, b),
    np.minimum: lambda a, b, m: np.minimum(a, 0.25), np.greater: lambda a, b, m: a > b,
    np.greater_equal: lambda a, b, m: a >= 0.1, np.less: lambda a, b, m: a < b,
    np.less_equal: lambda a, b, m: 0.1 <= a, np.equal: lambda a, b, m: (a > 0) == (b > 0),
    np.not_equal: lambda a, b, m: (a > 0) != (b > 0), np.negative: lambda a, b, m: -a,
    np.exp: lambda a, b, m: np.exp(a), np.log: lambda a, b, m: np.log(np.abs(a) + 0.1),
    np.log1p: lambda a, b, m: np.log1p(np.abs(a)), np.absolute: lambda a, b, m: np.abs(a),
    np.expm1: lambda a, b, m: np.expm1(a), np.sin: lambda a, b, m: np.sin(a), np.cos: lambda a, b, m: np.cos(a),
    np.tanh: lambda a, b, m: np.tanh(a), np.sign: lambda a, b, m: np.sign(a),
    np.sqrt: lambda a, b, m: np.sqrt(np.abs(a)), np.isfinite: lambda a, b, m: np.isfinite(a / (a > 0)),
    np.matmul: lambda a, b, m: (a @ m, a[0] @ m, m[:, 0] @ a[0].T, a @ np.swapaxes(a, 1, 2)),
    np.sum: lambda a, b, m: (np.sum(a), a.sum(axis=1), np.sum(a, axis=(0, 2), keepdims=True), (a > 0).sum(-1)),
    np.max: lambda a, b, m: (np.max(a, axis=-1), a.max(axis=(0, 1), keepdims=True), a.max()),
    np.transpose: lambda a, b, m: (np.transpose(a, (2, 0, 1)), a.T, a.transpose(1, 0, 2)),
    np.swapaxes: lambda a, b, m: np.swapaxes(a, 0, 2),
    np.broadcast_to: lambda a, b, m: np.broadcast_to(b, (2, 3, 4)),
    np.concatenate: lambda a, b, m: (np.concatenate([a, a * 2], axis=1), np.concatenate([m, m], axis=0)),
    np.pad: lambda a, b, m: np.pad(a, ((0, 1), (2, 0), (1, 1)), constant_values=-1.0),
    np.split: lambda a, b, m: tuple(np.split(a, [1, 3], axis=2)) + tuple(np.split(a, 2)),
    np.where: lambda a, b, m: (np.where(a > 0, a, b), np.where(a > b, 0.0, a)),
    np.argmax: lambda a, b, m: (np.argmax(a, axis=1), np.argmax(a), np.argmax(a, axis=-1, keepdims=True)),
    np.argmin: lambda a, b, m: np.argmin(a, axis=0),
    np.clip: lambda a, b, m: np.clip(a, -0.5, 0.5),
    np.zeros_like: lambda a, b, m: (np.zeros_like(a), np.zeros_like(a, shape=(5,), dtype=np.float64)),
    np.ones_like: lambda a, b, m: np.ones_like(b), np.empty_like: lambda a, b, m: np.empty_like(b).shape,
    np.full_like: lambda a, b, m: np.full_like(b, 7.0),
    np.vdot: lambda a, b, m: float(np.vdot(m, m)), np.all: lambda a, b, m: (np.all(a > -10), np.all(a > 0)),
    np.expand_dims: lambda a, b, m: np.expand_dims(m, (0, 2)), np.squeeze: lambda a, b, m: np.squeeze(b, 1),
    np.reshape: lambda a, b, m: (np.reshape(a, (4, -1)), a.reshape(-1), a.reshape(6, 4)),
    np.stack: lambda a, b, m: (np.stack([m, m * 2]), np.stack([b[:, 0], b[:, 0]], axis=1)),
    np.result_type: lambda a, b, m: np.result_type(a, b, 1.0),
    "índices": lambda a, b, m: (a[1], a[:, ::-2, 1:], a[..., None, 0], a[IDX[:3]], m[IDX], a[1, 2, 3]),
    "asignación": lambda a, b, m: _assigned(a, b, m),
    "np.add.at": lambda a, b, m: _scatter_added(m),
    "astype y copy": lambda a, b, m: (a.astype(np.float64), (a > 0).astype(np.float32), b.copy()),
    "mean y var": lambda a, b, m: (a.mean(axis=(0, 1)), a.var(axis=(0, 1)), a.mean(), m.var(axis=0, keepdims=True)),
}


def _assigned(a, b, m):
    out = np.zeros_like(a)
    out[1, :, 1:3] = b
    out[0] = a[1]
    out[:, 1] += 1.0  # (vista contigua: se escribe en su sitio)
    return out


def _scatter_added(m):
    out = np.zeros_like(m)
    np.add.at(out, IDX, m)
    return out


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


@cuda_kernel_test
@pytest.mark.parametrize("case", list(NUMPY_CASES), ids=lambda c: getattr(c, "__name__", c))
def test_cuda_array_como_numpy(case):
    from tinygrad_es.runtime.cuda_array import CudaArray

    expected = _as_tuple(NUMPY_CASES[case](A, B, M))
    actual = _as_tuple(NUMPY_CASES[case](*(CudaArray.from_numpy(x) for x in (A, B, M))))
    for got, want in zip(actual, expected, strict=True):
        if isinstance(got, CudaArray):
            assert got.dtype == np.asarray(want).dtype and got.shape == np.shape(want)
            got = got.numpy()
        if isinstance(want, (np.dtype, tuple, bool)):  # result_type, una forma, np.all
            assert got == want
        else:
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@cuda_kernel_test
def test_cada_funcion_de_las_tablas_tiene_su_prueba():
    from tinygrad_es.runtime.cuda_array import FUNCTIONS, UFUNCS

    assert set(UFUNCS) | set(FUNCTIONS) <= set(NUMPY_CASES)


@cuda_kernel_test
def test_relu_backward_colsum_gemelo_de_la_cpu():
    from tinygrad_es.kernels.cpu.relu import relu_backward_colsum_reference
    from tinygrad_es.kernels.cuda import relu

    grad, out = RNG.standard_normal((5, 7)).astype(np.float32), RNG.standard_normal((5, 7)).astype(np.float32)
    dz, colsum = np.empty_like(grad), np.ones(7, np.float32)
    relu.relu_backward_colsum(grad, out, dz, colsum, threads=4)  # 7 columnas: el segundo bloque, a medias
    expected_dz, expected_sum = relu_backward_colsum_reference(grad, out)
    np.testing.assert_allclose(dz, expected_dz)
    np.testing.assert_allclose(colsum, expected_sum + 1, rtol=1e-6)  # acumula, no sobrescribe


# ---------------------------------------------------------------- cada operación primitiva, GPU contra CPU
def _forward_and_grads(f, arrays, device):
    """f(*tensores) y los gradientes de sum(f · pesos) (pesos distintos por casilla: así nada se cancela)."""
    tensors = [Tensor(a, dtype="float64", requires_grad=True, device=device) for a in arrays]
    out = f(*tensors)
    weights = Tensor(np.linspace(0.5, 1.5, out.size).reshape(out.shape), dtype="float64", device=device)
    (out * weights).sum().backward()
    return out, [t.grad for t in tensors]


def assert_same_on_both_devices(f, *arrays):
    out_cpu, grads_cpu = _forward_and_grads(f, arrays, "cpu")
    out_gpu, grads_gpu = _forward_and_grads(f, arrays, "cuda")
    assert out_gpu.device == "cuda" and all(g.device == "cuda" for g in grads_gpu)
    assert out_gpu.dtype == out_cpu.dtype and out_gpu.shape == out_cpu.shape
    np.testing.assert_allclose(out_gpu.numpy(), out_cpu.numpy(), rtol=1e-9, atol=1e-12)
    for g_gpu, g_cpu in zip(grads_gpu, grads_cpu):
        np.testing.assert_allclose(g_gpu.numpy(), g_cpu.numpy(), rtol=1e-9, atol=1e-12)


MASK = np.array([[False, True, True], [True, False, False]])  # paso enmascarado al principio y relleno al final
OPS = {  # nombre -> (función, formas de las entradas)
    "suma y resta": (lambda a, b: a + b - b * 0.5, (2, 3), (3,)),
    "producto y división": (lambda a, b: a * b / (b.abs() + 1), (2, 1), (3,)),
    "potencia": (lambda a, b: (a.abs() + 0.5) ** b + a**2, (2, 3), (1, 3)),
    "maximum": (lambda a, b: a.maximum(b) + a.minimum(0.1), (2, 3), (2, 3)),
    "unarias": (lambda a: a.exp() + a.tanh() + a.sigmoid() + a.relu() + (a.abs() + 1).log() - a.abs().sqrt(), (2, 3)),
    "cast": (lambda a: a.astype("float32").astype("float64") * 2, (3,)),
    "compuestas de tensor_math y tensor_shape": (lambda a: a.sin() + a.cos() + a.elu() + a.softplus() + a.mish()
                                                 + a.relu6() + a.hard_silu() + a.square() + a.sign() + a.abs().log1p()
                                                 + a.flip(1).roll(1, 0) + a.triu() + a.prod(0), (2, 3)),
    "tile, repeat, outer, einsum, pad con modo": (lambda a, b: Tensor.einsum("ij,jk->ik", a, b.outer(b)) + a.tile((2, 1))[2:]
                                                  + a.repeat(2, axis=1).pad(((0, 0), (1, 1)), mode="edge")[:, 1:-1]
                                                  .sum(), (2, 3), (3,)),
    "where, clip, leaky_relu": (lambda a, b: Tensor.where(a > 0, a, b) + a.clip(-0.5, 0.5) + a.leaky_relu(), (2, 3),
                                (3,)),
    "sum, max, mean, var": (lambda a: a.sum(1) + a.max(0).sum() + a.mean() + a.var(axis=(0, 2)).sum() + a.min(),
                            (2, 3, 2)),
    "reshape, permute, expand": (lambda a: a.reshape(3, 2).permute(1, 0).expand(2, 2, 3).flatten(), (2, 3)),
    "índices básicos y pad": (lambda a: a[1, ::-1][None].pad(((1, 0), (0, 2)), value=0.5), (2, 3)),
    "índices con array (repetidos)": (lambda a: a[np.array([0, 2, 0, -1])], (3, 2)),
    "concatenate, stack, split": (lambda a, b: Tensor.stack(
        Tensor.concatenate([a, b], axis=1).split([1, 3], axis=1)[1:], axis=0).sum(0), (2, 2), (2, 3)),
    "matmul 2D": (lambda a, b: a @ b, (2, 3), (3, 4)),
    "matmul por lotes": (lambda a, b: a @ b, (2, 2, 3), (3, 2)),
    "matmul con vectores": (lambda a, b: (a @ b) @ a[:2], (3,), (3, 2)),
    "softmax y logsumexp": (lambda a: a.softmax(-1) + a.logsumexp(0) + a.log_softmax(0), (2, 3)),
    "entropía cruzada con logits": (lambda a: L.softmax_cross_entropy(a, np.array([0, 2]), reduction="none"), (2, 3)),
    "entropía cruzada categórica": (lambda a: L.categorical_cross_entropy(
        a.softmax(), np.array([[0, 1, 0], [1, 0, 0.0]]), reduction="none"), (2, 3)),
    "entropía binaria": (lambda a: L.binary_cross_entropy(a.sigmoid(), np.array([0.0, 1, 1]), reduction="none")
                         + L.binary_cross_entropy(a, np.array([0.0, 1, 1]), from_logits=True, reduction="none"), (3,)),
    "conv2d con sesgo, relu y pasos": (lambda x, w, b: F.conv2d(x, w, b, stride=(1, 2), padding="same",
                                                                activation="relu"), (1, 4, 4, 2), (2, 2, 2, 2), (2,)),
    "conv2d dilatada sin sesgo": (lambda x, w: F.conv2d(x, w, dilation=2), (1, 5, 4, 1), (2, 2, 1, 2)),
    "conv2d por grupos, dilatada y con relleno por lados": (
        lambda x, w, b: F.conv2d(x, w, b, padding=((1, 0), (0, 2)), dilation=(1, 2), groups=2, activation="relu"),
        (2, 4, 4, 4), (2, 2, 2, 4), (4,)),
    "conv2d por grupos de 4 canales": (lambda x, w: F.conv2d(x, w, padding="same", groups=2), (1, 3, 3, 8),
                                       (2, 2, 4, 2)),
    "conv2d_transpose por grupos": (lambda x, w, b: F.conv2d_transpose(x, w, b, stride=2, padding="same", groups=2),
                                    (2, 2, 3, 2), (3, 2, 2, 2), (4,)),
    "conv1d causal dilatada y max_pool1d": (lambda x, w: F.max_pool1d(F.conv1d(x, w, padding="causal", dilation=2),
                                                                      2, padding="same"), (2, 5, 2), (2, 2, 3)),
    "max_pool2d": (lambda x: F.max_pool2d(x, 2, padding="same"), (1, 3, 4, 2)),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, (2, 3), strides=(1, 2)), (1, 3, 5, 1)),
    "lstm": (lambda x, h, c, W, U, b: (lambda hs, h_t, c_t: hs.sum(1) + h_t * c_t)(*F.lstm(x, h, c, W, U, b)),
             (2, 3, 2), (2, 2), (2, 2), (2, 8), (2, 8), (8,)),
    "gru": (lambda x, h, W, U, b: F.gru(x, h, W, U, b)[0], (2, 3, 2), (2, 2), (2, 6), (2, 6), (2, 6)),
    "simple_rnn": (lambda x, W, U, b: F.simple_rnn(x, None, W, U, b)[0], (2, 3, 2), (2, 2), (2, 2), (2,)),
    "lstm con máscara y go_backwards": (lambda x, h, c, W, U, b: (lambda hs, h_t, c_t: hs.sum(1) + h_t * c_t)(
        *F.lstm(x, h, c, W, U, b, mask=MASK, go_backwards=True)), (2, 3, 2), (2, 2), (2, 2), (2, 8), (2, 8), (8,)),
    "gru reset_after=False con máscara": (lambda x, h, W, U, b: (lambda hs, h_t: hs.sum(1) * h_t)(
        *F.gru(x, h, W, U, b, reset_after=False, mask=MASK)), (2, 3, 2), (2, 2), (2, 6), (2, 6), (6,)),
    "gru y simple_rnn con máscara": (lambda x, h, W, U, b, W1, U1, b1: F.gru(x, h, W, U, b, mask=MASK)[0]
                                     + F.simple_rnn(x, h, W1, U1, b1, mask=MASK, go_backwards=True)[1][:, None],
                                     (2, 3, 2), (2, 2), (2, 6), (2, 6), (2, 6), (2, 2), (2, 2), (2,)),
}


@cuda_kernel_test
@pytest.mark.parametrize("name", sorted(OPS))
def test_operacion_igual_en_gpu_y_cpu(name):
    f, *shapes = OPS[name]
    assert_same_on_both_devices(f, *[RNG.standard_normal(s) for s in shapes])


@cuda_kernel_test
@settings(max_examples=8, deadline=None)
@given(shapes=broadcast_pairs, op=st.sampled_from(["add", "sub", "mul", "div", "maximum"]))
def test_binarias_con_broadcasting_en_gpu(shapes, op):
    functions = {"add": Tensor.__add__, "sub": Tensor.__sub__, "mul": Tensor.__mul__,
                 "div": lambda a, b: a / (b * b + 1), "maximum": Tensor.maximum}
    a, b = (RNG.standard_normal(s) for s in shapes.input_shapes)
    assert_same_on_both_devices(functions[op], a, b)


@cuda_kernel_test
def test_comparaciones_argmax_y_one_hot():
    values = np.array([[1.0, 3.0, 3.0], [-1.0, -2.0, 0.5]], np.float32)
    x = cuda_tensor(values)
    for method in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"):
        result = getattr(x, method)(1.0)
        assert result.device == "cuda"
        np.testing.assert_array_equal(result.numpy(), getattr(values, method)(1.0))
    np.testing.assert_array_equal(x.argmax(axis=1).numpy(), [1, 2])  # empate: el primero, como NumPy
    np.testing.assert_array_equal(x.argmin(axis=0).numpy(), [1, 1, 1])
    assert x.argmax().item() == 1
    labels = cuda_tensor(np.array([2, 0]))
    np.testing.assert_array_equal(labels.one_hot(3).numpy(), [[0, 0, 1], [1, 0, 0]])


# ---------------------------------------------------------------- Keras
def _trained_mlp(device, optimizer, steps=2):
    from tinygrad_es import keras

    tinygrad_es.set_default_device(device)
    try:
        tinygrad_es.manual_seed(0)
        model = keras.Sequential([keras.layers.Input(shape=(5,)), keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        x = np.random.default_rng(1).standard_normal((4 * steps, 5)).astype(np.float32)
        y = np.arange(4 * steps) % 3
        history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
        return model, history.history, model.predict(x[:3], verbose=0)
    finally:
        tinygrad_es.set_default_device("cpu")


@cuda_kernel_test
def test_keras_mlp_entrena_igual_en_gpu_y_cpu():
    model_cpu, history_cpu, pred_cpu = _trained_mlp("cpu", "adam")
    model_gpu, history_gpu, pred_gpu = _trained_mlp("cuda", "adam")
    assert model_cpu.device == "cpu" and model_gpu.device == "cuda"
    assert all(w.device == "cuda" for w in model_gpu.weights)
    assert all(s.__class__.__name__ == "CudaArray" for s in model_gpu.optimizer.variables[2:])
    for w_gpu, w_cpu in zip(model_gpu.get_weights(), model_cpu.get_weights()):
        assert type(w_gpu) is np.ndarray  # get_weights siempre da arrays de la CPU
        np.testing.assert_allclose(w_gpu, w_cpu, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(history_gpu["loss"], history_cpu["loss"], rtol=1e-5)
    np.testing.assert_allclose(history_gpu["accuracy"], history_cpu["accuracy"])
    np.testing.assert_allclose(pred_gpu, pred_cpu, rtol=1e-5, atol=1e-6)


@cuda_kernel_test
def test_keras_batchnorm_dropout_y_entropia_binaria_igual_en_gpu_y_cpu():
    from tinygrad_es import keras

    layers, results = keras.layers, {}
    x = np.random.default_rng(1).standard_normal((8, 5)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    for device in ("cpu", "cuda"):
        tinygrad_es.set_default_device(device)
        try:
            tinygrad_es.manual_seed(0)  # la misma máscara de Dropout en los dos (se sortea en la CPU)
            model = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(4), layers.BatchNormalization(),
                                      layers.Activation("tanh"), layers.Dropout(0.3),
                                      layers.Dense(1, activation="sigmoid")])
            model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
            history = model.fit(x, y, batch_size=4, epochs=1, verbose=0)
            results[device] = model.get_weights(), history.history["loss"], model.evaluate(x, y, verbose=0)
        finally:
            tinygrad_es.set_default_device("cpu")
    (w_cpu, loss_cpu, eval_cpu), (w_gpu, loss_gpu, eval_gpu) = results["cpu"], results["cuda"]
    np.testing.assert_allclose(loss_gpu, loss_cpu, rtol=1e-5)
    np.testing.assert_allclose(eval_gpu, eval_cpu, rtol=1e-5)
    for a, b in zip(w_gpu, w_cpu):  # incluye las medias móviles de BatchNormalization
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@cuda_kernel_test
def test_keras_cnn_y_lstm_entrenan_igual_en_gpu_y_cpu():
    from tinygrad_es import keras

    layers, results = keras.layers, {}
    rng = np.random.default_rng(2)
    images, sequences = rng.random((4, 5, 5, 1), dtype=np.float32), rng.random((4, 2, 3), dtype=np.float32)
    labels = np.eye(3, dtype=np.float32)[[0, 2, 1, 2]]
    for device in ("cpu", "cuda"):
        tinygrad_es.set_default_device(device)
        try:
            tinygrad_es.manual_seed(0)
            cnn = keras.Sequential([keras.Input(shape=(5, 5, 1)), layers.Conv2D(2, (3, 3), activation="relu"),
                                    layers.MaxPooling2D((2, 2), padding="same"), layers.Flatten(),
                                    layers.Dense(3, activation="softmax")])
            lstm = keras.Sequential([keras.Input(shape=(2, 3)), layers.LSTM(2), layers.Dense(3, activation="softmax")])
            losses = []
            for model, x in ((cnn, images), (lstm, sequences)):
                model.compile(optimizer="adam", loss="categorical_crossentropy")
                losses += model.fit(x, labels, batch_size=2, epochs=1, verbose=0, shuffle=False).history["loss"]
            assert cnn.device == lstm.device == device
            results[device] = losses, cnn.get_weights() + lstm.get_weights()
        finally:
            tinygrad_es.set_default_device("cpu")
    np.testing.assert_allclose(results["cuda"][0], results["cpu"][0], rtol=1e-5)
    for w_gpu, w_cpu in zip(results["cuda"][1], results["cpu"][1], strict=True):
        np.testing.assert_allclose(w_gpu, w_cpu, rtol=1e-5, atol=1e-6)


def _layer_zoo(keras, name):
    """Modelos con el resto de capas de Keras, diminutos: (modelo, x, y, pérdida)."""
    layers = keras.layers
    if name == "texto":
        model = keras.Sequential([keras.Input(shape=(3,)), layers.Embedding(6, 2),
                                  layers.GRU(2, return_sequences=True), layers.SimpleRNN(2),
                                  layers.Dense(3, activation="softmax")])
        return model, np.array([[1, 2, 5], [0, 3, 3], [4, 1, 0], [2, 2, 1]]), np.array([0, 1, 2, 1]), \
            "sparse_categorical_crossentropy"
    model = keras.Sequential([keras.Input(shape=(4, 4, 1)), layers.Conv2D(2, 2, padding="same"), layers.LeakyReLU(),
                              layers.AveragePooling2D((2, 2)), layers.BatchNormalization(),
                              layers.GlobalMaxPooling2D(), layers.Reshape((2, 1)), layers.Flatten(), layers.Dense(1)])
    x = np.random.default_rng(0).random((4, 4, 4, 1), dtype=np.float32)
    return model, x, np.array([0.5, 1.0, -1.0, 0.0], np.float32), "mse"


@cuda_kernel_test
@pytest.mark.parametrize("name", ["texto", "imagen"])
def test_keras_resto_de_capas_igual_en_gpu_y_cpu(name):
    from tinygrad_es import keras

    results = {}
    for device in ("cpu", "cuda"):
        tinygrad_es.set_default_device(device)
        try:
            tinygrad_es.manual_seed(0)
            model, x, y, loss = _layer_zoo(keras, name)
            model.compile(optimizer="sgd", loss=loss)
            history = model.fit(x, y, batch_size=2, epochs=1, verbose=0, shuffle=False)
            results[device] = history.history["loss"], model.get_weights(), model.predict(x, verbose=0)
        finally:
            tinygrad_es.set_default_device("cpu")
    (loss_cpu, w_cpu, pred_cpu), (loss_gpu, w_gpu, pred_gpu) = results["cpu"], results["cuda"]
    np.testing.assert_allclose(loss_gpu, loss_cpu, rtol=1e-5)
    np.testing.assert_allclose(pred_gpu, pred_cpu, rtol=1e-5, atol=1e-6)
    for a, b in zip(w_gpu, w_cpu, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


OPTIMIZERS = [
    ("SGD", {}), ("SGD", {"momentum": 0.9, "nesterov": True}), ("RMSprop", {"momentum": 0.5, "centered": True}),
    ("Adagrad", {}), ("Adadelta", {"learning_rate": 1.0}), ("Adam", {"amsgrad": True}), ("Adamax", {}),
    ("Nadam", {}), ("Adam", {"weight_decay": 0.1, "clipnorm": 0.5}),
    # sin kernel propio (AdamW usa el de Adam): las operaciones de NumPy sobre CudaArray
    ("AdamW", {"amsgrad": True}), ("Lion", {}), ("Ftrl", {"l1_regularization_strength": 0.01, "beta": 0.1}),
    ("Adafactor", {}), ("SGD", {"use_ema": True, "ema_overwrite_frequency": 2}),
]


@cuda_kernel_test
@pytest.mark.parametrize("name, options", OPTIMIZERS)
def test_optimizador_fusionado_como_en_la_cpu(name, options):
    from tinygrad_es.keras import optimizers

    weights = RNG.standard_normal((2, 3)).astype(np.float32), RNG.standard_normal(3).astype(np.float32)
    grads = [[RNG.standard_normal(w.shape).astype(np.float32) for w in weights] for _ in range(3)]
    results = {}
    for device in ("cpu", "cuda"):
        variables = [Tensor(w.copy(), device=device, requires_grad=True) for w in weights]  # (la CPU no copia)
        optimizer = getattr(optimizers, name)(**options)
        for step_grads in grads:
            optimizer.apply([Tensor(g, device=device) for g in step_grads], variables)
        results[device] = [v.numpy() for v in variables]
    for w_gpu, w_cpu in zip(results["cuda"], results["cpu"]):
        np.testing.assert_allclose(w_gpu, w_cpu, rtol=1e-5, atol=1e-6)


@cuda_kernel_test
def test_set_weights_y_guardar_desde_la_gpu(tmp_path):
    from tinygrad_es import keras

    model, _, _ = _trained_mlp("cuda", "sgd", steps=1)
    values = [np.full(w.shape, 0.25, np.float32) for w in model.weights]
    model.set_weights(values)
    assert all(w.device == "cuda" for w in model.weights)
    np.testing.assert_array_equal(model.get_weights()[0], values[0])
    model.save(tmp_path / "modelo.keras")
    loaded = keras.models.load_model(tmp_path / "modelo.keras")
    np.testing.assert_array_equal(loaded.get_weights()[1], values[1])
