"""Optimizadores de Keras: SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam, AdamW, Lion, Ftrl y
Adafactor, uno por archivo; `schedules` tiene las tasas programadas (ExponentialDecay, CosineDecay...).

    opt = Adam(learning_rate=0.001)
    opt.apply(gradientes, pesos)   # pesos: Tensors; gradientes: arrays en el mismo orden

`base_optimizer.py` tiene lo común (estado por peso, recorte, decaimiento de pesos, el paso);
cada archivo, la ecuación de un optimizador en `update_step`. Aquí, buscarlos por nombre.
"""
from ...errors import missing_module_attribute
from ..registry import lookup
from . import schedules
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base_optimizer import Optimizer
from .ftrl import Ftrl
from .lion import Lion
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adam", "Adamax", "Nadam", "AdamW", "Lion", "Ftrl",
           "Adafactor", "schedules", "get", "serialize", "deserialize"]

ALL = {cls.__name__.lower(): cls for cls in (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam, AdamW, Lion, Ftrl,
                                                 Adafactor)}


def get(identifier: "str | dict | Optimizer") -> Optimizer:
    """'adam' -> Adam(); un Optimizer -> el mismo; {'class_name': 'Adam', 'config': {...}} -> Adam(**config)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return lookup("Nombre de optimizador", identifier, ALL)()
    if isinstance(identifier, dict) and "class_name" in identifier:
        cls = lookup("Nombre de optimizador", identifier["class_name"], ALL)
        return cls.from_config(identifier.get("config", {}))
    raise ValueError(
        f"No se puede interpretar {identifier!r} como optimizador: pasa un nombre ('adam', 'sgd', 'rmsprop'...) "
        "o un objeto como keras.optimizers.Adam(learning_rate=0.001)."
    )


def serialize(optimizer: Optimizer) -> dict:
    """El optimizador como diccionario JSON: {'class_name': 'Adam', 'config': {...}}."""
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config: dict) -> Optimizer:
    return get(config)


__getattr__ = missing_module_attribute("keras.optimizers", globals())  # un nombre que no existe, en español
