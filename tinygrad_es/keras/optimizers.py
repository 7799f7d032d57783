"""Optimizadores de Keras: SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax y Nadam.

Cada optimizador guarda unas variables de estado por peso (los "slots": velocidad, medias
móviles...) y en cada paso aplica su ecuación. Las ecuaciones son exactamente las de Keras 3
(mismos valores por defecto, mismo épsilon 1e-7 y en el mismo sitio), así que con los mismos
gradientes los pesos salen iguales que en Keras.

    opt = Adam(learning_rate=0.001)
    opt.apply(gradientes, pesos)   # pesos: Tensors; gradientes: arrays en el mismo orden

Los pesos se actualizan *en su sitio* (sobre el mismo array `Tensor.data`): quien guardaba una
referencia al peso ve el valor nuevo. Por rapidez, el paso se da sobre todos los pesos juntos,
puestos en fila en un solo vector (ver `Optimizer.build`): unas pocas operaciones de NumPy por
paso, no por peso.

Con los pesos en la GPU, cada peso se actualiza con UN kernel fusionado de su optimizador
(kernels/cuda/optimizers.py: lee w, g y el estado una vez y escribe una vez), con el estado
también en la GPU; cada subclase lo lanza en `update_step_cuda`.

Se aceptan también las formas antiguas del curso (`SGD(lr=0.01, decay=0.0)`, `epsilon=None`),
con un aviso de que están obsoletas.
"""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ..runtime.cuda_array import CudaArray
from ..runtime.device import cuda_kernels
from ..ops.loss import EPSILON
from ..tensor import Tensor
from .registry import lookup


class Optimizer:
    """La maquinaria común: tasa de aprendizaje, recorte de gradientes, estado por peso y pasos.

    Cada subclase define `slot_names` (el estado que guarda por peso, empezando en cero) y
    `update_step(g, w, slots, lr)`, que escribe la ecuación de su optimizador.
    """

    slot_names: tuple = ()
    # Los hiperparámetros propios de cada subclase, para get_config().
    hyperparameters: tuple = ()

    def __init__(self, learning_rate, name=None, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, **kwargs):
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
        self._variables = None  # los pesos que optimiza, fijados en el primer apply (ver build)

    # ------------------------------------------------------------ tasa de aprendizaje
    @property
    def learning_rate(self) -> float:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        # ReduceLROnPlateau y LearningRateScheduler la cambian entre épocas.
        self._learning_rate = float(value)

    def current_learning_rate(self) -> float:
        """La tasa de este paso: con el `decay=` antiguo, lr / (1 + decay·iterations); si no, lr."""
        if self.decay:
            return self._learning_rate / (1.0 + self.decay * self.iterations)
        return self._learning_rate

    # ------------------------------------------------------------ el paso
    def build(self, variables):
        """Crea el estado (ceros, salvo Adagrad) la primera vez que se aplica.

        Por rapidez, los pesos se tratan juntos, como un solo vector: las ecuaciones son elemento
        a elemento, así que da igual aplicarlas peso a peso o a todos a la vez, y a la vez cuesta
        una llamada de NumPy por operación en lugar de una por operación y peso. Cada estado es
        un vector con todos los pesos seguidos; `self.slots[i]` da las vistas de cada peso.
        """
        self._variables = list(variables)
        self._on_cuda = bool(self._variables) and self._variables[0].device == "cuda"
        if not self._variables:  # Keras acepta build([]): sin pesos no hay estado que crear
            self.slots = []
            return
        if self._on_cuda:  # en la GPU, un estado por peso, creado allí (zeros_like sigue al dispositivo de w)
            self.slots = [[self.initial_slot(name, v.data) for name in self.slot_names] for v in self._variables]
            return
        dtype = np.result_type(*[v.data.dtype for v in self._variables])
        ends = np.cumsum([v.data.size for v in self._variables]).tolist()
        self._bounds = list(zip([0] + ends[:-1], ends))
        self._flat_w, self._flat_g = np.empty(ends[-1], dtype), np.empty(ends[-1], dtype)
        self._flat_slots = [self.initial_slot(name, self._flat_w) for name in self.slot_names]
        self.slots = [[flat[a:b].reshape(v.data.shape) for flat in self._flat_slots]
                      for v, (a, b) in zip(self._variables, self._bounds)]

    def initial_slot(self, name, w):
        """Valor inicial del estado `name` de los pesos `w`: ceros (Adagrad lo cambia)."""
        return np.zeros_like(w)

    def apply(self, grads, variables):
        """Un paso de optimización: actualiza cada peso de `variables` con su gradiente en `grads`.

        Un gradiente None (un peso que no influyó en la pérdida) deja ese peso y su estado como estaban.
        """
        variables = list(variables)
        if not variables:
            raise ValueError("El optimizador no recibió ningún peso que actualizar: ¿el modelo tiene capas con pesos?")
        if not self._variables:  # sin construir, o construido con build([])
            self.build(variables)
        elif len(variables) != len(self._variables) or any(a is not b for a, b in zip(variables, self._variables)):
            raise ValueError(
                f"Este {type(self).__name__} ya se usó con otros {len(self._variables)} pesos y ahora recibe "
                f"{len(variables)} distintos: cada modelo necesita su propio optimizador (crea uno nuevo)."
            )
        grads = [g.data if isinstance(g, Tensor) else g if g is None or isinstance(g, CudaArray) else np.asarray(g)
                 for g in grads]
        if len(grads) != len(variables):
            raise ValueError(
                f"apply recibió {len(grads)} gradientes para {len(variables)} pesos: deben ir emparejados, en el "
                "mismo orden."
            )
        missing = [g is None for g in grads]
        grads = self.clip_gradients([g for g in grads if g is not None])
        lr = self.current_learning_rate()
        self.prepare_step(lr)
        if self._on_cuda:
            self._apply_one_by_one(grads, [v for v, m in zip(variables, missing) if not m],
                                   [s for s, m in zip(self.slots, missing) if not m], lr, self.update_step_cuda)
        elif any(missing):
            self._apply_one_by_one(grads, [v for v, m in zip(variables, missing) if not m],
                                   [s for s, m in zip(self.slots, missing) if not m], lr)
        else:
            self._apply_all_at_once(grads, variables, lr)
        self.iterations += 1

    def _apply_all_at_once(self, grads, variables, lr):
        """Junta pesos y gradientes en dos vectores, da el paso y copia cada trozo de vuelta a su peso."""
        w, g = self._flat_w, self._flat_g
        np.concatenate([v.data.reshape(-1) for v in variables], out=w)
        np.concatenate([x.reshape(-1) for x in grads], out=g)
        if self.weight_decay:
            w -= w * (self.weight_decay * lr)  # decaimiento desacoplado, antes del paso (Keras 3)
        self.update_step(g, w, self._flat_slots, lr)
        for var, (a, b) in zip(variables, self._bounds):
            np.copyto(var.data, w[a:b].reshape(var.data.shape))  # en su sitio: las referencias siguen valiendo

    def _apply_one_by_one(self, grads, variables, slots, lr, update_step=None):
        update_step = update_step or self.update_step
        for g, var, var_slots in zip(grads, variables, slots):
            w = var.data
            if self.weight_decay:
                w -= w * (self.weight_decay * lr)
            update_step(g.astype(w.dtype, copy=False), w, var_slots, lr)

    def apply_gradients(self, grads_and_vars):
        """Como en Keras: `opt.apply_gradients(zip(gradientes, pesos))`."""
        grads, variables = zip(*grads_and_vars)
        self.apply(grads, variables)

    def prepare_step(self, lr):
        """Cálculos que se hacen una vez por paso y no por peso (Nadam los usa)."""

    def update_step(self, g, w, slots, lr):  # pragma: no cover - lo implementa cada subclase
        raise NotImplementedError

    def update_step_cuda(self, g, w, slots, lr):  # pragma: no cover - lo implementa cada subclase
        """El mismo paso en la GPU: lanza el kernel fusionado de kernels/cuda/optimizers.py (el estado
        que una configuración no usa se pasa como None)."""
        raise NotImplementedError

    # ------------------------------------------------------------ recorte de gradientes
    def clip_gradients(self, grads):
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
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} learning_rate={self._learning_rate:g} iterations={self.iterations}>"


def _is_float(x) -> bool:
    return isinstance(x, (float, np.floating))


def _norm(g) -> float:
    return math.sqrt(float(np.vdot(g, g)))


def _epsilon(epsilon):
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


def _check_unit_interval(cls_name, name, value):
    if not isinstance(value, (float, np.floating)) or not 0.0 <= value <= 1.0:
        raise ValueError(
            f"{cls_name}: {name} debe ser un float entre 0 y 1 y recibió {value!r} ({type(value).__name__}), "
            f"como en Keras 3: escribe p. ej. {name}=0.9 (con decimales)."
        )


# ================================================================ los siete optimizadores
class SGD(Optimizer):
    """Descenso de gradiente, con momento opcional (y Nesterov).

        momentum == 0:  w -= lr·g
        momentum  > 0:  v = momentum·v - lr·g
                        w += v                      (clásico)
                        w += momentum·v - lr·g      (nesterov, con la v nueva)
    """

    hyperparameters = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        _check_unit_interval("SGD", "momentum", momentum)
        self.momentum, self.nesterov = momentum, nesterov
        self.slot_names = ("velocity",) if momentum > 0 else ()

    def update_step(self, g, w, slots, lr):
        if not self.momentum:
            w -= lr * g
            return
        (v,) = slots
        v *= self.momentum
        v -= lr * g
        if self.nesterov:
            w += self.momentum * v - lr * g
        else:
            w += v

    def update_step_cuda(self, g, w, slots, lr):
        cuda_kernels("optimizers").sgd(w, g, slots[0] if slots else None, lr, self.momentum, self.nesterov)


class RMSprop(Optimizer):
    """Divide el paso por la raíz de la media móvil de g² (épsilon dentro de la raíz, sin corrección de sesgo).

        v = rho·v + (1-rho)·g²
        centered:  a = rho·a + (1-rho)·g;   denom = v - a² + eps
        si no:     denom = v + eps
        inc = lr·g / sqrt(denom)
        momentum > 0:  mom = momentum·mom + inc;  w -= mom
        si no:         w -= inc
    """

    hyperparameters = ("rho", "momentum", "epsilon", "centered")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, _epsilon(epsilon), centered
        self.slot_names = ("velocity",) + (("average_gradient",) if centered else ()) + (
            ("momentum",) if momentum > 0 else ())

    def update_step(self, g, w, slots, lr):
        v = slots[0]
        v *= self.rho
        v += (1 - self.rho) * g * g
        if self.centered:
            a = slots[1]
            a *= self.rho
            a += (1 - self.rho) * g
            denom = v - a * a + self.epsilon
        else:
            denom = v + self.epsilon
        inc = lr * g / np.sqrt(denom)
        if self.momentum > 0:
            mom = slots[-1]
            mom *= self.momentum
            mom += inc
            w -= mom
        else:
            w -= inc

    def update_step_cuda(self, g, w, slots, lr):
        average = slots[1] if self.centered else None
        momentum = slots[-1] if self.momentum > 0 else None
        cuda_kernels("optimizers").rmsprop(w, g, slots[0], average, momentum, lr, self.rho, self.momentum,
                                             self.epsilon, self.centered)


class Adagrad(Optimizer):
    """Acumula g² desde el principio: los pesos que ya se movieron mucho dan pasos cada vez menores.

        acc += g²                      (acc empieza en initial_accumulator_value)
        w -= lr·g / sqrt(acc + eps)
    """

    slot_names = ("accumulator",)
    hyperparameters = ("initial_accumulator_value", "epsilon")

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, _epsilon(epsilon)

    def initial_slot(self, name, w):
        return np.full_like(w, self.initial_accumulator_value)

    def update_step(self, g, w, slots, lr):
        (acc,) = slots
        acc += g * g
        w -= lr * g / np.sqrt(acc + self.epsilon)

    def update_step_cuda(self, g, w, slots, lr):
        cuda_kernels("optimizers").adagrad(w, g, slots[0], lr, self.epsilon)


class Adadelta(Optimizer):
    """Adagrad con memoria corta (medias móviles) y un paso con las unidades del peso.

        Eg2  = rho·Eg2 + (1-rho)·g²
        dx   = -sqrt(Edx2 + eps)·g / sqrt(Eg2 + eps)
        Edx2 = rho·Edx2 + (1-rho)·dx²
        w   += lr·dx
    """

    slot_names = ("accumulated_grad", "accumulated_delta")
    hyperparameters = ("rho", "epsilon")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho, self.epsilon = rho, _epsilon(epsilon)

    def update_step(self, g, w, slots, lr):
        eg2, edx2 = slots
        eg2 *= self.rho
        eg2 += (1 - self.rho) * g * g
        dx = -np.sqrt(edx2 + self.epsilon) * g / np.sqrt(eg2 + self.epsilon)
        edx2 *= self.rho
        edx2 += (1 - self.rho) * dx * dx
        w += lr * dx

    def update_step_cuda(self, g, w, slots, lr):
        cuda_kernels("optimizers").adadelta(w, g, slots[0], slots[1], lr, self.rho, self.epsilon)


class Adam(Optimizer):
    """Momento (m) más escalado por la media de g² (v), con corrección de sesgo en la tasa.

        alpha = lr·sqrt(1-beta_2^t) / (1-beta_1^t)
        m += (g - m)·(1-beta_1)
        v += (g² - v)·(1-beta_2)
        amsgrad:  vhat = max(vhat, v);  se usa vhat en lugar de v
        w -= m·alpha / (sqrt(v) + eps)

    Ojo: es la forma "épsilon-sombrero" de Keras, no la del libro m̂/(sqrt(v̂)+eps).
    """

    hyperparameters = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, _epsilon(epsilon), amsgrad
        self.slot_names = ("momentum", "velocity") + (("velocity_hat",) if amsgrad else ())

    def update_step(self, g, w, slots, lr):
        t = self.iterations + 1
        alpha = lr * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        m, v = slots[0], slots[1]
        m += (g - m) * (1 - self.beta_1)
        v += (g * g - v) * (1 - self.beta_2)
        if self.amsgrad:
            vhat = slots[2]
            np.maximum(vhat, v, out=vhat)
            v = vhat
        w -= m * alpha / (np.sqrt(v) + self.epsilon)

    def update_step_cuda(self, g, w, slots, lr):
        vhat = slots[2] if self.amsgrad else None
        cuda_kernels("optimizers").adam(w, g, slots[0], slots[1], vhat, lr, self.iterations + 1, self.beta_1,
                                          self.beta_2, self.epsilon, self.amsgrad)


class Adamax(Optimizer):
    """Adam con la norma infinito: u es el máximo (con olvido) de |g|.

        m += (g - m)·(1-beta_1)
        u  = max(beta_2·u, |g|)
        w -= lr·m / ((1-beta_1^t)·(u + eps))
    """

    slot_names = ("m", "u")
    hyperparameters = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, _epsilon(epsilon)

    def update_step(self, g, w, slots, lr):
        t = self.iterations + 1
        m, u = slots
        m += (g - m) * (1 - self.beta_1)
        u *= self.beta_2
        np.maximum(u, np.abs(g), out=u)
        w -= lr * m / ((1 - self.beta_1**t) * (u + self.epsilon))

    def update_step_cuda(self, g, w, slots, lr):
        cuda_kernels("optimizers").adamax(w, g, slots[0], slots[1], lr, self.iterations + 1, self.beta_1,
                                            self.beta_2, self.epsilon)


class Nadam(Optimizer):
    """Adam con momento de Nesterov y un calendario de momento u_t = beta_1·(1 - 0.5·0.96^t).

    Una vez por paso:
        u_t  = beta_1·(1 - 0.5·0.96^t);   u_t1 = beta_1·(1 - 0.5·0.96^(t+1))
        u_product = u_product·u_t;        u_product_t1 = u_product·u_t1
    Por peso:
        m += (g - m)·(1-beta_1)
        v += (g² - v)·(1-beta_2)
        m_hat = u_t1·m/(1-u_product_t1) + (1-u_t)·g/(1-u_product)
        v_hat = v/(1-beta_2^t)
        w -= lr·m_hat / (sqrt(v_hat) + eps)
    """

    slot_names = ("momentum", "velocity")
    hyperparameters = ("beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, _epsilon(epsilon)
        self.u_product = 1.0  # producto de los u_i hasta el paso actual

    def prepare_step(self, lr):
        t = self.iterations + 1
        self.u_t = self.beta_1 * (1 - 0.5 * 0.96**t)
        self.u_t1 = self.beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        self.u_product *= self.u_t
        self.u_product_t1 = self.u_product * self.u_t1

    def update_step(self, g, w, slots, lr):
        t = self.iterations + 1
        m, v = slots
        m += (g - m) * (1 - self.beta_1)
        v += (g * g - v) * (1 - self.beta_2)
        m_hat = self.u_t1 * m / (1 - self.u_product_t1) + (1 - self.u_t) * g / (1 - self.u_product)
        v_hat = v / (1 - self.beta_2**t)
        w -= lr * m_hat / (np.sqrt(v_hat) + self.epsilon)

    def update_step_cuda(self, g, w, slots, lr):
        # u_product ya incluye u_t (prepare_step): es el Π_t que pide el kernel
        cuda_kernels("optimizers").nadam(w, g, slots[0], slots[1], lr, self.iterations + 1, self.u_product,
                                           self.beta_1, self.beta_2, self.epsilon)


# ================================================================ por nombre
ALL = {cls.__name__.lower(): cls for cls in (SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam)}


def get(identifier) -> Optimizer:
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
