"""La clase base de los optimizadores de Keras: estado por peso, recorte, decaimiento y el paso.

Cada optimizador guarda unas variables de estado por peso (velocidad, medias móviles...) y en
cada paso aplica su ecuación a cada peso. Las ecuaciones son exactamente las de Keras 3 (mismos
valores por defecto, mismo épsilon 1e-7 y en el mismo sitio), así que con los mismos
gradientes los pesos salen iguales que en Keras.

    opt = Adam(learning_rate=0.001)
    opt.apply(gradientes, pesos)   # pesos: Tensors; gradientes: arrays en el mismo orden

La forma es la de Keras 3: `build(pesos)` crea el estado de cada peso con
`add_variable_from_reference` (un array con la forma, el tipo y el dispositivo del peso);
`apply` recorta los gradientes, aplica el decaimiento de pesos y llama a
`update_step(gradiente, peso, learning_rate)` para cada peso. `update_step` cambia el peso *en
su sitio* (sobre el mismo array `peso.data`): quien guardaba una referencia al peso ve el valor
nuevo.

Con los pesos en la GPU, cada peso se actualiza con UN kernel fusionado de su optimizador
(kernels/cuda/optimizers.py: lee w, g y el estado una vez y escribe una vez), con el estado
también en la GPU; cada subclase lo lanza en `update_step_cuda`, con los mismos argumentos.

Se aceptan también las formas antiguas del curso (`SGD(lr=0.01, decay=0.0)`, `epsilon=None`),
con un aviso de que están obsoletas.
"""
from __future__ import annotations

import math
import numbers
import warnings
from typing import Iterable, Optional, Sequence

import numpy as np

from ...ops.loss import EPSILON
from ...runtime.cuda_array import CudaArray
from ...tensor import Tensor


class Optimizer:
    """La maquinaria común: tasa de aprendizaje, recorte de gradientes, estado por peso y el paso.

    Cada subclase crea su estado en `build` (con `add_variable_from_reference`) y escribe la
    ecuación de un peso en `update_step(gradient, variable, learning_rate)`.
    """

    # Los hiperparámetros propios de cada subclase, para get_config().
    hyperparameters: tuple = ()

    def __init__(self, learning_rate: float, name: Optional[str] = None, weight_decay: Optional[float] = None,
                 clipnorm: Optional[float] = None, clipvalue: Optional[float] = None,
                 global_clipnorm: Optional[float] = None, **kwargs):
        learning_rate = _legacy_arguments(type(self).__name__, learning_rate, kwargs, self)
        if kwargs:
            raise ValueError(
                f"{type(self).__name__} no reconoce los argumentos {sorted(kwargs)}. Los válidos son learning_rate, "
                f"{', '.join(self.hyperparameters)}, weight_decay, clipnorm, clipvalue, global_clipnorm y name."
            )
        if not _is_float(learning_rate):
            raise ValueError(
                f"{type(self).__name__}: learning_rate debe ser un número decimal (float) y recibió "
                f"{learning_rate!r} ({type(learning_rate).__name__}), como en Keras 3: escribe p. ej. "
                f"learning_rate={float(learning_rate) if isinstance(learning_rate, numbers.Real) else 0.001}."
            )
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Solo se puede usar uno de clipnorm, clipvalue y global_clipnorm a la vez, y se pasaron "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}: elige uno."
            )
        self.name = name or type(self).__name__.lower()
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.iterations = 0  # pasos dados; t = iterations + 1 en las ecuaciones
        self.built = False
        self.variables: list = []  # el estado de todos los pesos, en el orden en que se creó (como Keras)

    # ------------------------------------------------------------ tasa de aprendizaje
    @property
    def learning_rate(self) -> float:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        # ReduceLROnPlateau y LearningRateScheduler la cambian entre épocas.
        self._learning_rate = float(value)

    def current_learning_rate(self) -> float:
        """La tasa de este paso: con el `decay=` antiguo, lr / (1 + decay·iterations); si no, lr."""
        if self.decay:
            return self._learning_rate / (1.0 + self.decay * self.iterations)
        return self._learning_rate

    # ------------------------------------------------------------ el estado de cada peso
    def build(self, variables: Sequence[Tensor]) -> None:
        """Recuerda los pesos que optimiza; cada subclase crea después su estado (como en Keras 3)."""
        self._trainable_variables = list(variables)
        self._variable_index = {id(v): i for i, v in enumerate(self._trainable_variables)}
        self.variables = []
        self.built = True

    def add_variable_from_reference(self, reference: Tensor, name: str, initializer: float = 0.0):
        """Un array de estado con la forma, el tipo y el dispositivo del peso `reference`, lleno de `initializer`."""
        slot = np.full_like(reference.data, initializer)  # (full_like sigue al dispositivo del peso)
        self.variables.append(slot)
        return slot

    def add_optimizer_variables(self, variables: Sequence[Tensor], names, initializer: float = 0.0):
        """Para cada peso, un array de estado por nombre de `names`, creados peso a peso (el orden de Keras).

        Con un nombre, la lista de arrays (uno por peso); con una lista de nombres, una lista por nombre."""
        many = not isinstance(names, str)
        names = list(names) if many else [names]
        per_name = tuple([] for _ in names)
        for variable in variables:
            for states, name in zip(per_name, names):
                states.append(self.add_variable_from_reference(variable, name, initializer))
        return per_name if many else per_name[0]

    def _get_variable_index(self, variable: Tensor) -> int:
        """La posición del peso en la lista de build: la de su estado en cada lista de estado."""
        return self._variable_index[id(variable)]

    # ------------------------------------------------------------ el paso
    # --8<-- [start:apply]
    def apply(self, grads: Sequence, variables: Iterable[Tensor]) -> None:
        """Un paso de optimización: actualiza cada peso de `variables` con su gradiente en `grads`.

        Un gradiente None (un peso que no influyó en la pérdida) deja ese peso y su estado como estaban.
        """
        variables = list(variables)
        grads = self._check_pairs(grads, variables)
        variables = [v for g, v in zip(grads, variables) if g is not None]
        grads = self.clip_gradients([g for g in grads if g is not None])
        learning_rate = self.current_learning_rate()
        self.prepare_step(learning_rate)
        for gradient, variable in zip(grads, variables):
            if self.weight_decay:  # decaimiento desacoplado, antes del paso (Keras 3)
                variable.data -= variable.data * (self.weight_decay * learning_rate)
            update_step = self.update_step_cuda if variable.device == "cuda" else self.update_step
            update_step(gradient.astype(variable.dtype, copy=False), variable, learning_rate)
        self.iterations += 1
    # --8<-- [end:apply]

    def apply_gradients(self, grads_and_vars: Iterable) -> None:
        """Como en Keras: `opt.apply_gradients(zip(gradientes, pesos))`."""
        grads, variables = zip(*grads_and_vars)
        self.apply(grads, variables)

    def _check_pairs(self, grads: Sequence, variables: list) -> list:
        """Los gradientes como arrays (o None), tras comprobar que emparejan con los pesos; build la primera vez."""
        if not variables:
            raise ValueError(
                "El optimizador no recibió ningún peso que actualizar: ¿tiene el modelo capas con pesos?")
        if not self.built or not self._trainable_variables:  # sin construir, o construido con build([]) (Keras)
            self.build(variables)
        elif len(variables) != len(self._trainable_variables) or any(
                a is not b for a, b in zip(variables, self._trainable_variables)):
            raise ValueError(
                f"Este {type(self).__name__} ya se usó con otros {len(self._trainable_variables)} pesos y ahora "
                f"recibe {len(variables)} distintos: cada modelo necesita su propio optimizador (crea uno nuevo)."
            )
        if len(grads) != len(variables):
            raise ValueError(
                f"apply recibió {len(grads)} gradientes para {len(variables)} pesos: deben ir emparejados, en el "
                "mismo orden."
            )
        return [g.data if isinstance(g, Tensor) else g if g is None or isinstance(g, CudaArray) else np.asarray(g)
                for g in grads]

    def prepare_step(self, learning_rate: float) -> None:
        """Cálculos que se hacen una vez por paso y no por peso (Nadam los usa)."""

    def update_step(self, gradient, variable: Tensor, learning_rate: float) -> None:  # pragma: no cover
        """La ecuación de un peso: cambia `variable.data` (y su estado) en su sitio. La escribe cada subclase."""
        raise NotImplementedError

    def update_step_cuda(self, gradient, variable: Tensor, learning_rate: float) -> None:  # pragma: no cover
        """El mismo paso en la GPU: lanza el kernel fusionado de kernels/cuda/optimizers.py (el estado
        que una configuración no usa se pasa como None)."""
        raise NotImplementedError

    # ------------------------------------------------------------ recorte de gradientes
    def clip_gradients(self, grads: list) -> list:
        """clipnorm recorta la norma de cada gradiente, global_clipnorm la de todos juntos y clipvalue cada valor."""
        if self.clipnorm is not None:
            return [g * (self.clipnorm / max(_norm(g), self.clipnorm)) for g in grads]
        if self.global_clipnorm is not None:
            total = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
            return [g * (self.global_clipnorm / max(total, self.global_clipnorm)) for g in grads]
        if self.clipvalue is not None:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    # ------------------------------------------------------------ configuración
    def get_config(self) -> dict:
        config = {"name": self.name, "learning_rate": self._learning_rate}
        config.update({k: getattr(self, k) for k in self.hyperparameters})
        config.update(weight_decay=self.weight_decay, clipnorm=self.clipnorm, clipvalue=self.clipvalue,
                      global_clipnorm=self.global_clipnorm)
        if self.decay:
            config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Optimizer":
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} learning_rate={self._learning_rate:g} iterations={self.iterations}>"


def _is_float(x) -> bool:
    return isinstance(x, (float, np.floating))


def _norm(g) -> float:
    return math.sqrt(float(np.vdot(g, g)))


def epsilon_or_default(epsilon: Optional[float]) -> float:
    """`epsilon=None` (la forma antigua del curso) significa el épsilon de Keras, 1e-7."""
    return EPSILON if epsilon is None else epsilon


def _legacy_arguments(cls_name, learning_rate, kwargs, optimizer):
    """Las formas de tf.keras 2 que usa el curso: `lr=` (nombre antiguo) y `decay=` (lr / (1 + decay·t)).

    Keras 3 rechaza `lr` e ignora `decay`; aquí funcionan como en tf.keras 2, con un aviso.
    """
    if "lr" in kwargs:
        learning_rate = kwargs.pop("lr")
        warnings.warn(
            f"{cls_name}(lr=...) está obsoleto: en Keras 3 el argumento se llama learning_rate. "
            f"Escribe {cls_name}(learning_rate={learning_rate!r}).",
            DeprecationWarning, stacklevel=4,
        )
    optimizer.decay = 0.0
    if "decay" in kwargs:
        optimizer.decay = float(kwargs.pop("decay") or 0.0)
        warnings.warn(
            f"{cls_name}(decay=...) está obsoleto (Keras 3 lo ignora); aquí se aplica como en tf.keras 2: "
            "lr / (1 + decay·iteraciones). En código nuevo usa el callback LearningRateScheduler o "
            "ReduceLROnPlateau.",
            DeprecationWarning, stacklevel=4,
        )
    return learning_rate


def check_unit_interval(cls_name: str, name: str, value: float) -> None:
    if not isinstance(value, (float, np.floating)) or not 0.0 <= value <= 1.0:
        raise ValueError(
            f"{cls_name}: {name} debe ser un float entre 0 y 1 y recibió {value!r} ({type(value).__name__}), "
            f"como en Keras 3: escribe p. ej. {name}=0.9 (con decimales)."
        )
