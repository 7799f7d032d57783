"""tinygrad_es: un motor de aprendizaje profundo para aprender, en español.

    >>> from tinygrad_es import Tensor
    >>> x = Tensor([3.0], requires_grad=True)
    >>> (x * x + x * x).backward()
    >>> x.grad
    Tensor([12.], shape=(1,), dtype=float32)

Las piezas, de abajo arriba: `tensor.Tensor` y `autograd` (el grafo y backward), `ops/` (las
operaciones primitivas), `kernels/` (Numba), `nn.functional` (convolución, pooling, LSTM...)
y `keras` (la API del curso). Aparte, `runtime/`: hilos, memoria, dispositivos y la GPU, lo
que se puede saltar al leer. Importar tinygrad_es no cambia nada del proceso fuera de él.
"""
from . import device_lib
from .autograd import detect_anomaly, is_grad_enabled, no_grad
from .dtypes import bool_, float32, float64, int32, int64
from .errors import AnomalyError, AutogradError, DeviceError, DTypeError, ShapeError, missing_module_attribute
from .gradcheck import GradcheckError, GradcheckResult, gradcheck
from .random import manual_seed
from .runtime import cuda
from .runtime.device import get_default_device, set_default_device
from .tensor import Tensor

zeros, ones, full, arange, eye = Tensor.zeros, Tensor.ones, Tensor.full, Tensor.arange, Tensor.eye
rand, randn = Tensor.rand, Tensor.randn
zeros_like, ones_like, full_like = Tensor.zeros_like, Tensor.ones_like, Tensor.full_like
rand_like, randn_like = Tensor.rand_like, Tensor.randn_like
where, concatenate, stack, einsum = Tensor.where, Tensor.concatenate, Tensor.stack, Tensor.einsum

test = device_lib  # tf.test.gpu_device_name() -> tinygrad_es.test.gpu_device_name() (ver device_lib.py)

__version__ = "0.1.0"

# `tinygrad_es.cat`, `tinygrad_es.relu`... (las funciones de módulo de PyTorch): qué escribir aquí.
__getattr__ = missing_module_attribute("tinygrad_es", globals(), {
    **{name: f"usa el método del Tensor, x.{name}(...), o keras.ops" for name in dir(Tensor) if not name.startswith("_")},
    "cat": "usa tinygrad_es.concatenate([a, b], axis=0) (o Tensor.cat([a, b], dim=0))",
    "tensor": "usa tinygrad_es.Tensor(datos)", "from_numpy": "usa tinygrad_es.Tensor(array)",
})
