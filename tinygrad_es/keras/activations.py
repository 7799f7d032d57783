"""Funciones de activación de Keras 3, por nombre: `Dense(16, activation='relu')`.

Cada una recibe un Tensor (o algo convertible) y devuelve otro del mismo tamaño (glu, la
mitad), con la fórmula y los argumentos de Keras 3. Las de uso general son métodos del Tensor
(`x.gelu()`, `x.mish()`: ver tensor_math.py) y aquí solo se llaman; las demás se componen aquí
de operaciones de Tensor. En ambos casos el gradiente sale del autograd.

`get`, `serialize` y `deserialize` se comportan como en Keras: `serialize(swish)` es 'silu'
(swish y silu son la misma función), y `get` acepta un nombre, una función, None (lineal) o
el diccionario que escribe Keras al guardar un modelo.
"""
import numpy as np

from ..errors import ShapeError, missing_module_attribute, normalize_axes, shape_str
from ..tensor import Tensor, as_tensor
from ..validation import number
from .registry import lookup


# ---------------------------------------------------------------- las del curso
def linear(x):
    """La identidad: lo que hace `activation=None`."""
    return as_tensor(x)


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0); con las opciones de Keras 3: x se conserva si x > threshold (si no, 0), se recorta a
    [0, max_value] y, con negative_slope, se le resta negative_slope·relu(threshold - x)."""
    x = as_tensor(x)
    negative_slope, threshold = number("relu", "negative_slope", negative_slope), number("relu", "threshold", threshold)
    max_value = None if max_value is None else number("relu", "max_value", max_value)
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return x.relu()
    out = x.relu() if threshold == 0.0 else Tensor.where(x > threshold, x, 0.0)
    if max_value is not None:
        out = out.clip(0.0, max_value)
    if negative_slope != 0.0:
        out = out - (threshold - x).relu() * negative_slope
    return out


def leaky_relu(x, negative_slope=0.2):
    """x si x > 0; negative_slope·x si no (Keras 3 usa 0.2 aquí y 0.3 en la capa LeakyReLU)."""
    return as_tensor(x).leaky_relu(number("leaky_relu", "negative_slope", negative_slope))


def relu6(x):
    """min(max(x, 0), 6)."""
    return as_tensor(x).relu6()


def sigmoid(x):
    return as_tensor(x).sigmoid()


def tanh(x):
    return as_tensor(x).tanh()


def softmax(x, axis=-1):
    """e^x / Σ e^x a lo largo de `axis`: probabilidades que suman 1."""
    return as_tensor(x).softmax(axis)


def log_softmax(x, axis=-1):
    """log(softmax(x)), calculado de forma estable: x - logsumexp(x)."""
    return as_tensor(x).log_softmax(axis)


def exponential(x):
    return as_tensor(x).exp()


# ---------------------------------------------------------------- suaves
def elu(x, alpha=1.0):
    """x si x >= 0; alpha·(e^x - 1) si no."""
    return as_tensor(x).elu(number("elu", "alpha", alpha))


def selu(x):
    """scale·elu(x, alpha) con alpha ≈ 1.6733 y scale ≈ 1.0507 (las constantes que autonormalizan)."""
    return as_tensor(x).selu()


def celu(x, alpha=1.0):
    """max(x, 0) + alpha·(e^(min(x, 0)/alpha) - 1) (Tensor.celu)."""
    return as_tensor(x).celu(alpha)


def softplus(x):
    """log(1 + e^x), estable."""
    return as_tensor(x).softplus()


def softsign(x):
    """x / (1 + |x|)."""
    return as_tensor(x).softsign()


def squareplus(x, b=4):
    """(x + √(x² + b)) / 2, una softplus hecha de raíces."""
    x = as_tensor(x)
    return (x + (x * x + b).sqrt()) / 2


def log_sigmoid(x):
    """log(σ(x)) = -softplus(-x), estable."""
    return -(-as_tensor(x)).softplus()


def gelu(x, approximate=False):
    """x·Φ(x), con Φ la distribución normal acumulada. approximate=True usa la fórmula con tanh."""
    return as_tensor(x).gelu(approximate)


def silu(x):
    """x·σ(x) (también llamada swish)."""
    return as_tensor(x).silu()


swish = silu


def mish(x):
    """x·tanh(softplus(x))."""
    return as_tensor(x).mish()


def glu(x, axis=-1):
    """Gated linear unit: parte x en dos mitades a lo largo de `axis`, a y b, y devuelve a·σ(b)."""
    x = as_tensor(x)
    (axis,) = normalize_axes("glu", axis, x.ndim)
    if x.shape[axis] % 2:
        raise ShapeError(
            f"glu parte el eje {axis} en dos mitades iguales y en x de forma {shape_str(x.shape)} mide "
            f"{x.shape[axis]}, que es impar: usa una capa anterior con un número par de unidades."
        )
    a, b = x.split(2, axis=axis)
    return a * b.sigmoid()


def tanh_shrink(x):
    """x - tanh(x)."""
    x = as_tensor(x)
    return x - x.tanh()


# ---------------------------------------------------------------- a trozos
def hard_sigmoid(x):
    """relu6(x + 3) / 6, la forma de Keras 3 (tf.keras 2 usaba clip(0.2·x + 0.5, 0, 1))."""
    return as_tensor(x).hard_sigmoid()


def hard_silu(x):
    """x·hard_sigmoid(x) (también llamada hard_swish)."""
    return as_tensor(x).hard_silu()


hard_swish = hard_silu


def hard_tanh(x):
    """clip(x, -1, 1)."""
    return as_tensor(x).hard_tanh()


def sparse_sigmoid(x):
    """0 si x <= -1; 1 si x >= 1; (x + 1)/2 entre medias."""
    x = as_tensor(x)
    return Tensor.where(x <= -1, 0.0, Tensor.where(x >= 1, 1.0, (x + 1) * 0.5))


def sparse_plus(x):
    """0 si x <= -1; x si x >= 1; (x + 1)²/4 entre medias (une las dos rectas sin codo)."""
    x = as_tensor(x)
    return Tensor.where(x <= -1, 0.0, Tensor.where(x < 1, (x + 1).square() * 0.25, x))


def hard_shrink(x, threshold=0.5):
    """x si |x| > threshold; 0 si no."""
    x = as_tensor(x)
    return Tensor.where(x.abs() > threshold, x, 0.0)


def soft_shrink(x, threshold=0.5):
    """x - threshold si x > threshold; x + threshold si x < -threshold; 0 entre medias."""
    x = as_tensor(x)
    return Tensor.where(x > threshold, x - threshold, Tensor.where(x < -threshold, x + threshold, 0.0))


def threshold(x, threshold, default_value):
    """x si x > threshold; default_value si no."""
    x = as_tensor(x)
    return Tensor.where(x > threshold, x, default_value)


def sparsemax(x, axis=-1):
    """Como softmax da probabilidades que suman 1, pero muchas exactamente 0: relu(x - τ).

    τ es el umbral con el que la suma es 1: τ = (Σ_{j∈S} x_j - 1) / |S|, con S los valores que
    quedan por encima. Qué valores están en S se decide con NumPy (ordenando, como Keras) y es
    constante para el autograd; τ se calcula con operaciones de Tensor, así que el gradiente
    incluye cómo τ depende de x.
    """
    x = as_tensor(x)
    (axis,) = normalize_axes("sparsemax", axis, x.ndim)
    values = x.numpy()
    ordered = -np.sort(-values, axis=axis)
    shape = [1] * x.ndim
    shape[axis] = -1
    rank = np.arange(1, x.shape[axis] + 1).reshape(shape)
    in_support = ordered - (np.cumsum(ordered, axis=axis) - 1) / rank > 0
    size = in_support.sum(axis=axis, keepdims=True)
    tau_value = (np.sum(np.where(in_support, ordered, 0), axis=axis, keepdims=True) - 1) / size
    support = Tensor(values > tau_value, device=x.device)
    tau = ((x * support).sum(axis, keepdims=True) - 1) / Tensor(size, dtype=x.dtype, device=x.device)
    return (x - tau).relu()


# ---------------------------------------------------------------- por nombre
_BY_NAME = {fn.__name__: fn for fn in (
    linear, relu, leaky_relu, relu6, sigmoid, tanh, softmax, log_softmax, exponential, elu, selu, celu,
    softplus, softsign, squareplus, log_sigmoid, gelu, silu, mish, glu, tanh_shrink, hard_sigmoid, hard_silu,
    hard_tanh, sparse_sigmoid, sparse_plus, hard_shrink, soft_shrink, threshold, sparsemax,
)}
_BY_NAME.update(swish=silu, hard_swish=hard_silu)  # los dos nombres que Keras acepta para la misma función


def get(identifier):
    """Un nombre ('relu'), una función, None (lineal) o el diccionario que guarda Keras -> la función."""
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(
        f"La activación debe ser un nombre como 'relu', una función o None, y se recibió {identifier!r}."
    )


def serialize(activation) -> str:
    """El nombre con el que se guarda una activación en la configuración de una capa (el de la función:
    swish -> 'silu', como Keras)."""
    if activation in _BY_NAME.values():
        return activation.__name__
    return getattr(activation, "__name__", str(activation))


def deserialize(config, custom_objects=None):
    """Un nombre o el diccionario {'class_name': 'function', 'config': nombre, ...} de Keras -> la función.

    custom_objects: {nombre: función} con activaciones propias, que se buscan antes que las de Keras.
    """
    name = config.get("config") if isinstance(config, dict) else config
    if not isinstance(name, str):
        raise ValueError(
            f"deserialize esperaba el nombre de una activación o un diccionario con su nombre en 'config' y "
            f"recibió {config!r}."
        )
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return lookup("Nombre de activación", name, _BY_NAME)


__getattr__ = missing_module_attribute("keras.activations", globals())  # un nombre que no existe, en español
