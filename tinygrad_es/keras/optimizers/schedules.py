"""Tasas de aprendizaje programadas: `keras.optimizers.schedules`.

Un programa es una función del paso de optimización (`optimizer.iterations`, que empieza en 0)
que da la tasa de ese paso. Se pasa como `learning_rate` y el optimizador la consulta en cada
paso, antes de actualizar:

    schedule = ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.96)
    optimizer = SGD(learning_rate=schedule)

Las fórmulas son las de Keras 3 (keras/src/optimizers/schedules/learning_rate_schedule.py),
calculadas en float64 (Keras las calcula en float32: difieren en la octava cifra).
"""
from __future__ import annotations

import math

from ...validation import number
from ..registry import lookup


class LearningRateSchedule:
    """La base: `schedule(step)` da la tasa del paso `step`; `get_config` sus argumentos."""

    def __call__(self, step) -> float:  # pragma: no cover - lo implementa cada subclase
        raise NotImplementedError

    def get_config(self) -> dict:  # pragma: no cover - lo implementa cada subclase
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict) -> "LearningRateSchedule":
        return cls(**config)

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({arguments})"


def _positive_steps(cls: str, name: str, value) -> None:
    number(cls, name, value, 0, low_open=True, meaning="el número de pasos del decaimiento")


class _RateDecay(LearningRateSchedule):
    """Lo común a ExponentialDecay e InverseTimeDecay: decaen con p = paso / decay_steps
    (staircase=True lo redondea hacia abajo: la tasa baja a saltos, cada decay_steps pasos)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False,
                 name: str | None = None):
        cls = type(self).__name__
        _positive_steps(cls, "decay_steps", decay_steps)
        self.initial_learning_rate = number(cls, "initial_learning_rate", initial_learning_rate, 0)
        self.decay_steps, self.decay_rate = decay_steps, number(cls, "decay_rate", decay_rate, 0)
        self.staircase, self.name = staircase, name or type(self).__name__

    def progress(self, step) -> float:
        p = float(step) / self.decay_steps
        return math.floor(p) if self.staircase else p

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_RateDecay):
    """lr(paso) = initial_learning_rate · decay_rate^(paso / decay_steps)."""

    def __call__(self, step) -> float:
        return self.initial_learning_rate * self.decay_rate ** self.progress(step)


class PiecewiseConstantDecay(LearningRateSchedule):
    """Tasa constante por tramos: values[0] hasta boundaries[0] (incluido), values[1] hasta
    boundaries[1]... y values[-1] después del último límite."""

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"PiecewiseConstantDecay: hace falta un valor más que límites (un valor por tramo) y hay "
                f"{len(boundaries)} límites ({boundaries}) y {len(values)} valores ({values})."
            )
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step) -> float:
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """De initial_learning_rate a end_learning_rate en decay_steps pasos, siguiendo (1 - paso/decay_steps)^power.

    Sin cycle, después se queda en end_learning_rate; con cycle=True vuelve a empezar con un
    decay_steps que crece al siguiente múltiplo que supera al paso.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, end_learning_rate: float = 0.0001,
                 power: float = 1.0, cycle: bool = False, name: str = "PolynomialDecay"):
        _positive_steps("PolynomialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.end_learning_rate, self.power, self.cycle, self.name = end_learning_rate, power, cycle, name

    def __call__(self, step) -> float:
        step, decay_steps = float(step), float(self.decay_steps)
        if self.cycle:
            decay_steps *= 1.0 if step == 0 else math.ceil(step / self.decay_steps)
        else:
            step = min(step, decay_steps)
        p = step / decay_steps
        return (self.initial_learning_rate - self.end_learning_rate) * (1 - p) ** self.power + self.end_learning_rate

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(_RateDecay):
    """lr(paso) = initial_learning_rate / (1 + decay_rate · paso / decay_steps)."""

    def __call__(self, step) -> float:
        return self.initial_learning_rate / (1 + self.decay_rate * self.progress(step))


def _cosine(fraction: float, alpha: float) -> float:
    """Medio coseno de 1 (fracción 0) a alpha (fracción 1)."""
    return (1 - alpha) * 0.5 * (1 + math.cos(math.pi * fraction)) + alpha


class CosineDecay(LearningRateSchedule):
    """Medio coseno de initial_learning_rate a alpha·initial_learning_rate en decay_steps pasos.

    Con warmup_target, primero sube en línea recta de initial_learning_rate a warmup_target en
    warmup_steps pasos, y luego baja en coseno desde warmup_target durante decay_steps pasos.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: str = "CosineDecay", warmup_target: float | None = None, warmup_steps: int = 0):
        _positive_steps("CosineDecay", "decay_steps", decay_steps)
        self.initial_learning_rate, self.decay_steps, self.alpha, self.name = (initial_learning_rate, decay_steps,
                                                                               alpha, name)
        self.warmup_target, self.warmup_steps = warmup_target, warmup_steps

    def __call__(self, step) -> float:
        step = float(step)
        if self.warmup_target is None:
            return self.initial_learning_rate * _cosine(min(step, self.decay_steps) / self.decay_steps, self.alpha)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            fraction = step / self.warmup_steps
            return (self.warmup_target - self.initial_learning_rate) * fraction + self.initial_learning_rate
        return self.warmup_target * _cosine((step - self.warmup_steps) / self.decay_steps, self.alpha)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Coseno con reinicios (SGDR): baja en coseno durante first_decay_steps pasos y vuelve a
    empezar; cada periodo dura t_mul veces el anterior y empieza en m_mul veces su tasa."""

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0,
                 m_mul: float = 1.0, alpha: float = 0.0, name: str = "SGDRDecay"):
        _positive_steps("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        self.initial_learning_rate, self.first_decay_steps = initial_learning_rate, first_decay_steps
        self.t_mul, self.m_mul, self.alpha, self.name = t_mul, m_mul, alpha, name

    def __call__(self, step) -> float:
        fraction = float(step) / self.first_decay_steps
        if self.t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:  # periodos de 1, t, t², ...: el reinicio i empieza en (1 - t^i)/(1 - t)
            restart = math.floor(math.log(1.0 - fraction * (1.0 - self.t_mul)) / math.log(self.t_mul))
            start = (1.0 - self.t_mul**restart) / (1.0 - self.t_mul)
            fraction = (fraction - start) / self.t_mul**restart
        # (como Keras: m_mul escala el coseno, no el suelo alpha)
        cosine = self.m_mul**restart * 0.5 * (1 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self.t_mul, "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


ALL = {cls.__name__: cls for cls in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
                                     CosineDecay, CosineDecayRestarts)}


def serialize(schedule: LearningRateSchedule) -> dict:
    """El programa como diccionario JSON, como lo escribe Keras 3 (así lo lee también un archivo .keras de Keras):
    {'module': 'keras.optimizers.schedules', 'class_name': 'ExponentialDecay', 'config': {...}, ...}."""
    return {"module": "keras.optimizers.schedules", "class_name": type(schedule).__name__,
            "config": schedule.get_config(), "registered_name": None}


def deserialize(config: dict) -> LearningRateSchedule:
    """Lo contrario de serialize."""
    return lookup("Programa de tasa de aprendizaje", config["class_name"], ALL).from_config(config["config"])
