"""`keras.ops`: las funciones de `keras.ops` de Keras 3 que usa un curso, sobre el Tensor del motor.

    from tinygrad_es.keras import ops
    ops.softmax(ops.matmul(x, w) + b)       # como en Keras 3
    ops.convert_to_numpy(ops.argmax(y, axis=-1))

Los nombres, el orden de los argumentos y los valores por defecto son los de Keras 3 (que son
los de NumPy en las funciones de NumPy: `ops.sum(x, axis=None, keepdims=False)`). Cada función
acepta Tensors, arrays de NumPy, listas o números, y devuelve un Tensor; si alguna entrada
sigue gradientes, el resultado también. Ninguna hace cuentas propias: llaman a los métodos del
Tensor, a `keras.activations` o a `nn.functional`.

Están en tres archivos, como en Keras: `core` (convertir y consultar tensores), `numpy` (las
funciones de NumPy, matemáticas, reducciones y formas) y `nn` (activaciones, convolución,
pooling, one_hot y entropías cruzadas).
"""
from ...errors import missing_module_attribute
from .core import *  # noqa: F401,F403
from .core import __all__ as _core
from .nn import *  # noqa: F401,F403
from .nn import __all__ as _nn
from .numpy import *  # noqa: F401,F403
from .numpy import __all__ as _numpy

__all__ = sorted({*_core, *_numpy, *_nn})

# Funciones de keras.ops que un curso no usa y no están aquí: qué escribir en su lugar.
__getattr__ = missing_module_attribute("keras.ops", globals(), {
    "norm": "usa ops.sqrt(ops.sum(ops.square(x), axis=...)) para la norma 2",
    "sort": "usa ops.convert_to_numpy(x) y np.sort (sin gradiente); para el mayor, ops.max o ops.argmax",
    "argsort": "usa ops.convert_to_numpy(x) y np.argsort",
    "cumprod": "usa ops.exp(ops.cumsum(ops.log(x))) si x > 0, o un bucle de productos",
    "average": "usa ops.sum(x * w, axis) / ops.sum(w, axis)",
    "mod": "usa x - ops.floor(x / y) * y", "floor_divide": "usa ops.floor(x / y)",
    "multi_hot": "usa ops.max(ops.one_hot(índices, n), axis=-2)",
})
