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

Alrededor del paso, lo común de Keras 3, en este orden: `loss_scale_factor` divide los
gradientes, el recorte (clipnorm, global_clipnorm o clipvalue), el decaimiento de pesos
desacoplado `w -= w·weight_decay·lr` (salvo en los pesos de `exclude_from_weight_decay`),
`update_step` y, con `use_ema=True`, la media móvil de los pesos. La tasa puede ser un número,
un programa de `schedules.py` (se evalúa en cada paso con `iterations`) o una función sin
argumentos.

Con los pesos en la GPU, cada peso se actualiza con UN kernel fusionado de su optimizador
(kernels/cuda/optimizers.py: lee w, g y el estado una vez y escribe una vez), con el estado
también en la GPU; cada subclase lo lanza en `update_step_cuda`, con los mismos argumentos. Los
optimizadores sin kernel propio (AdamW usa el de Adam; Lion, Ftrl y Adafactor ninguno) hacen en
la GPU las mismas operaciones de NumPy que en la CPU: CudaArray lanza un kernel por operación.

Se aceptan también las formas antiguas del curso (`SGD(lr=0.01, decay=0.0)`, `epsilon=None`),
con un aviso de que están obsoletas.
"""
from __future__ import annotations

import math
import numbers
import re
import warnings
from typing import Callable, Iterable, Optional, Sequence, Union

import numpy as np

from ... import versions
from ...errors import ArgumentError
from ...validation import number
from ...ops.loss import EPSILON
from ...runtime.cuda_array import CudaArray
from ...tensor import Tensor
from ..constraints import apply_constraints
from . import schedules
from .schedules import LearningRateSchedule

LearningRate = Union[float, LearningRateSchedule, Callable[[], float]]

# El intervalo válido de cada hiperparámetro: (mínimo, máximo, mínimo excluido, máximo excluido, qué es). Una
# subclase cambia los suyos en `hyperparameter_ranges` (Lion). Un beta de 1 congelaría la media (y dividiría por
# 0 en la corrección de sesgo de Adam); un épsilon o un peso negativo cambian el signo del paso.
HYPERPARAMETER_RANGES = {
    "beta_1": (0, 1, False, True, "el peso de la media anterior del gradiente"),
    "beta_2": (0, 1, False, True, "el peso de la media anterior del gradiente al cuadrado"),
    "rho": (0, 1, False, True, "el peso de la media anterior"),
    "momentum": (0, 1, False, False, "la parte del paso anterior que se conserva"),
    "epsilon": (0, None, False, False, "el sumando que evita dividir por 0"),
    "epsilon_1": (0, None, False, False, "el sumando que evita dividir por 0"),
    "epsilon_2": (0, None, False, False, "el mínimo de la escala de cada peso"),
    "clip_threshold": (0, None, True, False, "el tope del paso"),
    "beta_2_decay": (None, 0, False, False, "el exponente del decaimiento de beta_2"),
    "initial_accumulator_value": (0, None, False, False, "el valor inicial del acumulador"),
    "learning_rate_power": (None, 0, False, False, "el exponente de la tasa"),
    "l1_regularization_strength": (0, None, False, False, ""),
    "l2_regularization_strength": (0, None, False, False, ""),
    "l2_shrinkage_regularization_strength": (0, None, False, False, ""),
    "beta": (0, None, False, False, ""),
    "weight_decay": (0, None, False, False, "el decaimiento de pesos"),
    "clipnorm": (0, None, True, False, "la norma máxima del gradiente de cada peso"),
    "clipvalue": (0, None, True, False, "el valor máximo de cada gradiente"),
    "global_clipnorm": (0, None, True, False, "la norma máxima del gradiente de todos los pesos"),
    "loss_scale_factor": (0, None, True, False, "el factor de escala de la pérdida"),
}

class Optimizer:
    """La maquinaria común: tasa de aprendizaje, recorte de gradientes, estado por peso y el paso.

    Cada subclase crea su estado en `build` (con `add_variable_from_reference`) y escribe la
    ecuación de un peso en `update_step(gradient, variable, learning_rate)`.
    """

    # Los hiperparámetros propios de cada subclase, para get_config().
    hyperparameters: tuple = ()
    # Los intervalos de los hiperparámetros de esta subclase que no son los de HYPERPARAMETER_RANGES.
    hyperparameter_ranges: dict = {}

    def __init__(self, learning_rate: LearningRate, name: Optional[str] = None,
                 weight_decay: Optional[float] = None, clipnorm: Optional[float] = None,
                 clipvalue: Optional[float] = None, global_clipnorm: Optional[float] = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: Optional[int] = None,
                 loss_scale_factor: Optional[float] = None, gradient_accumulation_steps: Optional[int] = None,
                 **kwargs):
        cls = type(self).__name__
        learning_rate = _legacy_arguments(cls, learning_rate, kwargs, self)
        if kwargs:
            raise ValueError(
                f"{cls} no reconoce los argumentos {sorted(kwargs)}. Los válidos son learning_rate, "
                f"{', '.join(self.hyperparameters)}, weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, "
                "ema_momentum, ema_overwrite_frequency, loss_scale_factor y name."
            )
        _check_learning_rate(cls, learning_rate)
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Solo se puede usar uno de clipnorm, clipvalue y global_clipnorm a la vez, y se pasaron "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}: elige uno."
            )
        _check_ema(cls, use_ema, ema_momentum, ema_overwrite_frequency)
        weight_decay, clipnorm, clipvalue, global_clipnorm, loss_scale_factor = (
            _checked(cls, name, value, HYPERPARAMETER_RANGES) for name, value in (
                ("weight_decay", weight_decay), ("clipnorm", clipnorm), ("clipvalue", clipvalue),
                ("global_clipnorm", global_clipnorm), ("loss_scale_factor", loss_scale_factor)))
        if gradient_accumulation_steps is not None:
            raise ValueError(
                f"{cls}: gradient_accumulation_steps no está disponible en tinygrad_es. Para promediar el gradiente "
                f"de {gradient_accumulation_steps} lotes en cada paso, usa un batch_size {gradient_accumulation_steps} "
                "veces mayor en fit (es el mismo paso si cabe en memoria)."
            )
        self.name = name or type(self).__name__.lower()
        self._learning_rate = learning_rate if callable(learning_rate) else float(learning_rate)
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.use_ema, self.ema_momentum, self.ema_overwrite_frequency = use_ema, ema_momentum, ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = None
        self.iterations = 0  # pasos dados; t = iterations + 1 en las ecuaciones
        self.built = False
        self._slots: list = []  # el estado de todos los pesos, en el orden en que se creó (como Keras)
        self._excluded_ids, self._excluded_names = set(), None

    def _set_hyperparameters(self, **values) -> None:
        """self.nombre = valor para cada uno, comprobado con su intervalo (un error que lo nombra si no cabe)."""
        ranges = {**HYPERPARAMETER_RANGES, **self.hyperparameter_ranges}
        for name, value in values.items():
            setattr(self, name, _checked(type(self).__name__, name, value, ranges, allow_none=False))

    # ------------------------------------------------------------ tasa de aprendizaje
    @property
    def learning_rate(self) -> float:
        """La tasa de este paso: el número, o el programa evaluado en `iterations` (como Keras)."""
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate(self.iterations)
        if callable(self._learning_rate):
            return self._learning_rate()
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: LearningRate) -> None:
        """ReduceLROnPlateau y LearningRateScheduler la cambian entre épocas; un programa no se cambia así."""
        if callable(value):
            self._learning_rate = value
            return
        if isinstance(self._learning_rate, LearningRateSchedule):
            raise TypeError(
                f"Este {type(self).__name__} se creó con un programa de tasas ({type(self._learning_rate).__name__}) "
                "como learning_rate, así que su tasa no se puede fijar a mano (tampoco en Keras; por eso fallan "
                "LearningRateScheduler y ReduceLROnPlateau con él). Para cambiarla con un callback, crea el "
                "optimizador con un número, p. ej. learning_rate=0.001; o deja solo el programa."
            )
        _check_learning_rate(type(self).__name__, value)
        self._learning_rate = float(value)

    def current_learning_rate(self) -> float:
        """La tasa de este paso: con el `decay=` antiguo, lr / (1 + decay·iterations); si no, lr."""
        if self.decay:
            return self.learning_rate / (1.0 + self.decay * self.iterations)
        return self.learning_rate

    @property
    def variables(self) -> list:
        """Todo el estado, como `optimizer.variables` de Keras 3: `iteration` (int64), `learning_rate`
        (float32; no está si la tasa es un programa) y los arrays de estado de cada peso, en el orden
        en que se crearon (las medias de use_ema primero). Los dos primeros son copias; el resto, el
        estado mismo."""
        head = [np.array(self.iterations, dtype=np.int64)]
        if not callable(self._learning_rate):
            head.append(np.array(self._learning_rate, dtype=np.float32))
        return head + self._slots

    def set_weights(self, weights: Sequence) -> None:
        """Lo contrario de `variables` (como `optimizer.set_weights` de Keras): una lista de arrays en ese
        orden y con esas formas. El optimizador tiene que estar construido (tras `build` o un paso)."""
        if not self.built:
            raise ValueError(
                f"{type(self).__name__}.set_weights: el optimizador aún no tiene estado; llama antes a "
                "optimizer.build(model.trainable_weights) (o da un paso de entrenamiento)."
            )
        current = self.variables
        if len(weights) != len(current) or any(np.shape(w) != v.shape for w, v in zip(weights, current)):
            raise ValueError(
                f"{type(self).__name__}.set_weights espera {len(current)} arrays con las formas de "
                f"optimizer.variables ({[v.shape for v in current]}) y recibió {[np.shape(w) for w in weights]}."
            )
        self._assign_scalars(weights)
        start = 2 if not callable(self._learning_rate) else 1
        for state, value in zip(self._slots, weights[start:]):
            state[...] = value

    def _assign_scalars(self, weights: Sequence) -> None:
        """Los números de `variables` que no son arrays de estado: iteration y learning_rate."""
        self.iterations = int(weights[0])
        if not callable(self._learning_rate):
            self._learning_rate = float(weights[1])

    # ------------------------------------------------------------ el estado de cada peso
    def build(self, variables: Sequence[Tensor]) -> None:
        """Recuerda los pesos que optimiza (y crea sus medias si use_ema); cada subclase crea después su estado."""
        self._trainable_variables = list(variables)
        self._variable_index = {id(v): i for i, v in enumerate(self._trainable_variables)}
        self._slots = []
        self.built = True
        self._averages = self.add_optimizer_variables(variables, "average") if self.use_ema else None

    def add_variable_from_reference(self, reference: Tensor, name: str, initializer: float = 0.0):
        """Un array de estado con la forma, el tipo y el dispositivo del peso `reference`, lleno de `initializer`."""
        slot = np.full_like(reference.data, initializer)  # (full_like sigue al dispositivo del peso)
        self._slots.append(slot)
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
        Tras actualizar, cada peso con restricción (`kernel_constraint`...) se proyecta, como en Keras 3.
        """
        variables = list(variables)
        grads = self._check_pairs(grads, variables)
        variables = [v for g, v in zip(grads, variables) if g is not None]
        grads = [g for g in grads if g is not None]
        if grads:
            if self.loss_scale_factor is not None:
                grads = [g / self.loss_scale_factor for g in grads]
            grads = self.clip_gradients(grads)
            learning_rate = self.current_learning_rate()
            self.prepare_step(learning_rate)
            for gradient, variable in zip(grads, variables):
                if self.weight_decay and self._uses_weight_decay(variable):  # desacoplado, antes del paso
                    variable.data -= variable.data * (self.weight_decay * learning_rate)
                update_step = self.update_step_cuda if variable.device == "cuda" else self.update_step
                update_step(gradient.astype(variable.dtype, copy=False), variable, learning_rate)
                versions.bump(variable)  # cambió en su sitio: un grafo que aún lo guarde lo sabrá en su backward
            if self.use_ema:
                self._update_moving_averages()
            apply_constraints(variables)  # kernel_constraint...: tras actualizar, como Keras 3
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

    def update_step_cuda(self, gradient, variable: Tensor, learning_rate: float) -> None:
        """El mismo paso en la GPU. Los optimizadores con kernel fusionado (kernels/cuda/optimizers.py)
        lo lanzan aquí; los demás hacen las operaciones de NumPy de `update_step` sobre CudaArray."""
        self.update_step(gradient, variable, learning_rate)

    # ------------------------------------------------------------ decaimiento de pesos y medias móviles
    def exclude_from_weight_decay(self, var_list: Optional[Sequence[Tensor]] = None,
                                  var_names: Optional[Sequence[str]] = None) -> None:
        """Pesos a los que no se aplica weight_decay: los de `var_list`, y aquellos cuyo nombre contiene
        alguno de `var_names` (p. ej. var_names=['bias'] excluye todos los sesgos), como en Keras."""
        self._excluded_ids = {id(v) for v in var_list or ()}
        self._excluded_names = re.compile("|".join(sorted(set(var_names)))) if var_names else None

    def _uses_weight_decay(self, variable: Tensor) -> bool:
        if id(variable) in self._excluded_ids:
            return False
        name = getattr(variable, "name", None) or ""
        return self._excluded_names is None or self._excluded_names.search(name) is None

    def _update_moving_averages(self) -> None:
        """use_ema: media = m·media + (1 - m)·peso (en el primer paso, m = 0: la media empieza en el peso);
        cada ema_overwrite_frequency pasos, el peso toma el valor de su media."""
        momentum = self.ema_momentum if self.iterations else 0.0
        for variable, average in zip(self._trainable_variables, self._averages):
            average *= momentum
            average += (1 - momentum) * variable.data
        if self.ema_overwrite_frequency and (self.iterations + 1) % self.ema_overwrite_frequency == 0:
            self.finalize_variable_values(self._trainable_variables)

    def finalize_variable_values(self, var_list: Sequence[Tensor]) -> None:
        """Con use_ema, cada peso toma el valor de su media móvil (fit lo hace al terminar, como Keras)."""
        if self.use_ema and self.built:
            for variable, average in zip(var_list, self._averages):
                variable.assign(average)

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
        """Los argumentos, con los nombres de Keras 3 (un programa de tasas, como diccionario)."""
        config = {"name": self.name, "learning_rate": _serialize_learning_rate(self)}
        config.update({k: getattr(self, k) for k in self.hyperparameters})
        config.update(weight_decay=self.weight_decay, clipnorm=self.clipnorm, global_clipnorm=self.global_clipnorm,
                      clipvalue=self.clipvalue, use_ema=self.use_ema, ema_momentum=self.ema_momentum,
                      ema_overwrite_frequency=self.ema_overwrite_frequency, loss_scale_factor=self.loss_scale_factor,
                      gradient_accumulation_steps=self.gradient_accumulation_steps)
        if self.decay:
            config["decay"] = self.decay
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Optimizer":
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"])
        return cls(**config)

    def __repr__(self):
        rate = self._learning_rate
        shown = f"{rate:g}" if isinstance(rate, float) else type(rate).__name__
        return f"<{type(self).__name__} learning_rate={shown} iterations={self.iterations}>"


def _serialize_learning_rate(optimizer):
    rate = optimizer._learning_rate
    if isinstance(rate, LearningRateSchedule):
        return schedules.serialize(rate)
    if callable(rate):
        raise ValueError(
            f"La configuración de {type(optimizer).__name__} no puede guardar una función como learning_rate "
            f"({rate!r}): usa un número o un programa de keras.optimizers.schedules (p. ej. ExponentialDecay), "
            "que sí se guardan."
        )
    return rate


def _check_learning_rate(cls: str, learning_rate) -> None:
    if not (_is_float(learning_rate) or callable(learning_rate)):
        raise ValueError(
            f"{cls}: learning_rate debe ser un número decimal (float), un programa de "
            f"keras.optimizers.schedules o una función sin argumentos, y recibió {learning_rate!r} "
            f"({type(learning_rate).__name__}), como en Keras 3: escribe p. ej. "
            f"learning_rate={float(learning_rate) if isinstance(learning_rate, numbers.Real) else 0.001}."
        )
    if _is_float(learning_rate) and not (math.isfinite(learning_rate) and learning_rate >= 0):
        raise ArgumentError(
            f"{cls}: learning_rate debe ser un número >= 0 (finito) y es {learning_rate!r}: con una tasa negativa el "
            "optimizador subiría la pérdida en vez de bajarla. Los valores habituales van de 0.0001 a 0.1."
        )


def _checked(cls: str, name: str, value, ranges: dict, allow_none: bool = True):
    """`value` como float si cabe en el intervalo de `name` (None, si se permite: el hiperparámetro no se usa)."""
    if value is None and allow_none:
        return None
    low, high, low_open, high_open, meaning = ranges[name]
    return number(cls, name, value, low, high, low_open, high_open, meaning)


def _check_ema(cls: str, use_ema: bool, momentum: float, frequency) -> None:
    if not use_ema:
        return
    if not 0 <= momentum <= 1:
        raise ValueError(f"{cls}: ema_momentum es el peso de la media anterior y debe estar en [0, 1]; es {momentum}.")
    if frequency is not None and (isinstance(frequency, bool) or not isinstance(frequency, int) or frequency < 1):
        raise ValueError(
            f"{cls}: ema_overwrite_frequency debe ser None o un entero >= 1 (cada cuántos pasos los pesos toman "
            f"el valor de su media) y es {frequency!r}."
        )


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


def check_unit_interval(cls_name: str, name: str, value: object) -> None:
    if not isinstance(value, (float, np.floating)) or not 0.0 <= value <= 1.0:
        raise ValueError(
            f"{cls_name}: {name} debe ser un float entre 0 y 1 y recibió {value!r} ({type(value).__name__}), "
            f"como en Keras 3: escribe p. ej. {name}=0.9 (con decimales)."
        )
