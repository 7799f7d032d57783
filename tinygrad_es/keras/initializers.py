"""Inicializadores de pesos: con qué valores empieza cada capa antes de entrenar.

Un inicializador es un objeto que se llama con una forma y devuelve un array de NumPy:
`GlorotUniform()((784, 16))`. Los aleatorios usan el generador global de tinygrad_es
(`tinygrad_es.random.generator()`), así que `utils.set_random_seed` hace que dos ejecuciones den
los mismos pesos. Los "fans" se calculan como Keras (`compute_fans`).
"""
import math

import numpy as np

from ..errors import ArgumentError, is_integer
from ..random import generator
from ..validation import check_allocation, dimensions, integer, number
from .registry import lookup


def compute_fans(shape):
    """(fan_in, fan_out) de un peso: entradas y salidas que ve cada unidad.

    Para una matriz (entradas, salidas) son sus dos lados; para un núcleo de convolución
    (kh, kw, entradas, salidas) cada lado se multiplica por el campo receptivo kh·kw.
    """
    shape = tuple(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _shape(initializer, shape) -> tuple:
    """La forma pedida (una tupla de enteros >= 0, o un entero suelto), que quepa en memoria antes de generarla."""
    owner = type(initializer).__name__
    if is_integer(shape):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise ArgumentError(f"{owner}: shape debe ser una tupla de tamaños, p. ej. (784, 16), y es {shape!r}.")
    shape = dimensions(owner, shape, minimum=0)
    check_allocation(owner, "el array", shape, np.float64, "Revisa la forma pedida.", "números")
    return shape


def _seed(owner: str, seed):
    """None (el generador global) o un entero >= 0, como en Keras."""
    return None if seed is None else integer(owner, "seed", seed, minimum=0)


class Initializer:
    """Base: `__call__(shape, dtype)` devuelve el array inicial; `get_config` lo describe."""

    def __call__(self, shape, dtype="float32"):  # pragma: no cover - lo implementa cada subclase
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(Initializer):
    def __call__(self, shape, dtype="float32"):
        shape = _shape(self, shape)
        return np.zeros(shape, dtype=dtype)


class Ones(Initializer):
    def __call__(self, shape, dtype="float32"):
        shape = _shape(self, shape)
        return np.ones(shape, dtype=dtype)


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = number("Constant", "value", value)

    def __call__(self, shape, dtype="float32"):
        shape = _shape(self, shape)
        return np.full(shape, self.value, dtype=dtype)

    def get_config(self):
        return {"value": self.value}


class RandomUniform(Initializer):
    """U(minval, maxval); el nombre 'uniform' es U(-0.05, 0.05)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval = number("RandomUniform", "minval", minval), number("RandomUniform", "maxval", maxval)
        if self.minval > self.maxval:
            raise ArgumentError(f"RandomUniform: minval ({minval}) debe ser <= maxval ({maxval}): ¿están al revés?")
        self.seed = _seed("RandomUniform", seed)

    def __call__(self, shape, dtype="float32"):
        shape = _shape(self, shape)
        return _rng(self.seed).uniform(self.minval, self.maxval, shape).astype(dtype)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        cls = type(self).__name__
        self.mean, self.stddev = number(cls, "mean", mean), number(cls, "stddev", stddev, 0, meaning="la desviación típica")
        self.seed = _seed(cls, seed)

    def __call__(self, shape, dtype="float32"):
        shape = _shape(self, shape)
        return _rng(self.seed).normal(self.mean, self.stddev, shape).astype(dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(Initializer):
    """Normal recortada: los valores a más de 2 desviaciones de la media se vuelven a sortear."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        cls = type(self).__name__
        self.mean, self.stddev = number(cls, "mean", mean), number(cls, "stddev", stddev, 0, meaning="la desviación típica")
        self.seed = _seed(cls, seed)

    def __call__(self, shape, dtype="float32"):
        shape = _shape(self, shape)
        return (self.mean + self.stddev * _truncated_standard_normal(_rng(self.seed), shape)).astype(dtype)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class VarianceScaling(Initializer):
    """La familia de Glorot, He y LeCun: varianza = scale / n, con n = fan_in, fan_out o su media.

    - uniform: U(-limit, limit) con limit = √(3·scale/n) (esa uniforme tiene varianza scale/n).
    - truncated_normal: normal recortada a ±2σ, con σ corregida (/0.8796...) porque recortar
      reduce la varianza.
    - untruncated_normal: normal con σ = √(scale/n).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode debe ser 'fan_in', 'fan_out' o 'fan_avg' y es {mode!r}.")
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(
                "VarianceScaling: distribution debe ser 'uniform', 'truncated_normal' o 'untruncated_normal' "
                f"y es {distribution!r}."
            )
        self.scale = number("VarianceScaling", "scale", scale, 0, low_open=True)
        self.mode, self.distribution, self.seed = mode, distribution, _seed("VarianceScaling", seed)

    def __call__(self, shape, dtype="float32"):
        shape = _shape(self, shape)
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = _rng(self.seed)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, shape)
        elif self.distribution == "truncated_normal":
            values = math.sqrt(variance) / 0.87962566103423978 * _truncated_standard_normal(rng, shape)
        else:
            values = math.sqrt(variance) * rng.standard_normal(shape)
        return values.astype(dtype)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed}


def _variance_scaling_preset(class_name, scale, mode, distribution):
    """Glorot/He/LeCun son VarianceScaling con tres argumentos fijos; solo se elige la semilla."""

    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)

    def get_config(self):
        return {"seed": self.seed}

    return type(class_name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                                 "__doc__": f"VarianceScaling({scale}, '{mode}', '{distribution}')."})


GlorotUniform = _variance_scaling_preset("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _variance_scaling_preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeUniform = _variance_scaling_preset("HeUniform", 2.0, "fan_in", "uniform")
HeNormal = _variance_scaling_preset("HeNormal", 2.0, "fan_in", "truncated_normal")
LecunUniform = _variance_scaling_preset("LecunUniform", 1.0, "fan_in", "uniform")
LecunNormal = _variance_scaling_preset("LecunNormal", 1.0, "fan_in", "truncated_normal")


class Orthogonal(Initializer):
    """Una matriz ortogonal (por QR de una normal), escalada por `gain`: la de los núcleos recurrentes.

    Se aplana a (prod(forma[:-1]), forma[-1]) y, como en Keras, la LSTM recibe una sola matriz
    ortogonal (u, 4u) entera, no una por puerta.
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = number("Orthogonal", "gain", gain), _seed("Orthogonal", seed)

    def __call__(self, shape, dtype="float32"):
        shape = _shape(self, shape)
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = _rng(self.seed).standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))  # así la descomposición es única (y la distribución uniforme)
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    def __init__(self, gain=1.0):
        self.gain = number("Identity", "gain", gain)

    def __call__(self, shape, dtype="float32"):
        shape = _shape(self, shape)
        if len(shape) != 2:
            raise ValueError(f"Identity solo sirve para matrices (2 ejes) y se pidió la forma {tuple(shape)}.")
        return (self.gain * np.eye(*shape)).astype(dtype)

    def get_config(self):
        return {"gain": self.gain}


def _rng(seed):
    """El generador global, o uno propio si el inicializador tiene semilla (reproducible por sí solo)."""
    return generator() if seed is None else np.random.default_rng(seed)


def _truncated_standard_normal(rng, shape):
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return values


_BY_NAME = {
    "zeros": Zeros, "ones": Ones, "constant": Constant,
    "random_uniform": RandomUniform, "uniform": RandomUniform,
    "random_normal": RandomNormal, "normal": RandomNormal, "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform, "he_normal": HeNormal, "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal,
    "orthogonal": Orthogonal, "identity": Identity,
}
_CLASSES = {cls.__name__: cls for cls in _BY_NAME.values()}


def get(identifier) -> Initializer:
    """'glorot_uniform', una instancia, una clase o {'class_name': ..., 'config': ...} -> inicializador."""
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, str):
        return lookup("Nombre de inicializador", identifier, {**_BY_NAME, **_CLASSES})()
    if isinstance(identifier, dict):
        cls = lookup("Inicializador", identifier["class_name"], _CLASSES)
        return cls.from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise TypeError(f"El inicializador debe ser un nombre como 'glorot_uniform' o un objeto, y es {identifier!r}.")


def serialize(initializer):
    """Para guardar en la configuración: {'class_name': 'GlorotUniform', 'config': {...}}."""
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}
