"""`Layer`: lo que todas las capas de Keras tienen en común.

Una capa es un objeto con pesos (Tensors) que transforma una entrada en una salida:

- Se crea sin saber el tamaño de su entrada (`Dense(16)`). La primera vez que ve una entrada
  (o su forma, si el modelo empieza con `Input`), `build(input_shape)` crea los pesos con
  `add_weight`. Así `Dense(16)` sabe que su núcleo es (784, 16) sin que se lo digamos.
- `call(x, training)` es el cálculo; `__call__` lo envuelve: convierte la entrada en Tensor,
  construye la capa si hace falta y comprueba que la forma encaje, con un error que dice qué
  capa, qué forma esperaba, cuál recibió y cómo arreglarlo.
- `compute_output_shape` deduce la forma de la salida sin calcular nada (para `summary()`).
- Los nombres (`dense`, `dense_1`...), el orden de los pesos, `trainable` y `get_config` viven
  aquí, una sola vez, como dice la arquitectura del proyecto.
- Una capa puede contener otras (un modelo es una capa; `Bidirectional` envuelve dos): las que
  guarda en sus atributos, sueltas o en listas y diccionarios, son sus subcapas, y sus pesos
  cuentan como pesos de la capa (primero los propios, luego los de cada subcapa, en el orden
  en que se asignaron), como en Keras.
- Llamada con un `KerasTensor` (la API funcional), la capa no calcula: anota un nodo del grafo
  (ver `symbolic.py`).
- Máscaras (secuencias de longitudes distintas rellenas con ceros): `Embedding(mask_zero=True)` y
  `Masking` crean una máscara booleana (lote, pasos); `compute_mask` dice qué máscara sale de cada
  capa y las capas cuyo `call` tiene el argumento `mask` (las recurrentes) la reciben. En Keras la
  máscara viaja pegada al tensor; aquí se pasa aparte: los modelos (Sequential, funcionales y uno
  dentro de otro) la llevan de capa en capa con `call_with_mask` y, a mano (en el `call` de un
  modelo subclase), se escribe `lstm(x, mask=embedding.compute_mask(ids))`.
- Pérdidas añadidas (`layer.losses`): las penalizaciones de los regularizadores de sus pesos
  (`add_weight(regularizer=...)`), la de `activity_regularizer` sobre cada salida (dividida por
  el tamaño del lote) y las que el `call` de la capa añade con `self.add_loss(...)`. Como en
  Keras 3, las de `add_loss` y las de actividad se vacían al empezar cada llamada desde fuera (la
  llamada al modelo) y `fit` suma todas a la pérdida de compile.
"""
from __future__ import annotations

import collections
import contextlib
import functools
import inspect
import math
import warnings
from typing import Optional

import numpy as np

from ...dtypes import to_dtype
from ...errors import ArgumentError, ShapeError, shape_str
from ...tensor import Tensor
from .. import constraints, initializers, regularizers, tree
from ..names import init_arguments, parameter_names, unique_name, unknown_arguments_error
from ..symbolic import in_call, is_symbolic, resolve_training, symbolic_call, trace_output_shape, training_context
from ..variables import Variable
from ...validation import check_allocation, flag, numeric_array
from ...validation import shape as checked_shape


class Layer:
    # Número de ejes que la capa exige a su entrada (lote incluido): exacto o como mínimo.
    input_ndim = None
    min_ndim = None
    # Ejes cuya longitud queda fija al construir la capa (Dense: el último, el de las características).
    fixed_axes = (-1,)
    # Las capas de números reales convierten la entrada a su dtype; Embedding recibe enteros.
    casts_input = True
    # ¿Deja pasar la máscara de su entrada a su salida? (Dense, Dropout, normalizaciones... sí; Flatten no.)
    supports_masking = False

    def __init__(self, name: str | None = None, trainable: bool = True, dtype: str | np.dtype | None = None,
                 input_shape: tuple | None = None, input_dim: int | None = None, batch_size: int | None = None,
                 activity_regularizer=None, **kwargs):
        # batch_size acompaña a input_shape en Keras; aquí el tamaño del lote siempre queda libre (None).
        if kwargs:
            raise unknown_arguments_error(type(self).__name__, kwargs, init_arguments(type(self)))
        if name is not None and not isinstance(name, str):
            raise ArgumentError(f"{type(self).__name__}: name debe ser un texto, p. ej. name='oculta', y es {name!r}.")
        self.name = name or unique_name(type(self).__name__)
        self.dtype = to_dtype(dtype or "float32", f"{type(self).__name__}: dtype")
        self._trainable = flag(type(self).__name__, "trainable", trainable)
        self.built = False
        self.input_spec_shape = None  # la forma (None, ...) con la que se construyó
        self.output_shape = None
        self._build_input_shape = None  # la forma tal como llegó a build (con el lote), para summary()
        self._tracked_weights = []  # (nombre, peso, entrenable) de cada peso, en orden de creación
        self._inbound_nodes = []  # las llamadas en la API funcional (ver symbolic.Node)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._losses = []  # las de add_loss (y las de actividad) de la llamada en curso
        if input_dim is not None:
            input_shape = (input_dim,)
        self.declared_input_shape = None if input_shape is None else checked_shape(type(self).__name__, "input_shape", input_shape)
        if self.declared_input_shape is not None:
            warnings.warn(
                "No pases input_shape/input_dim a una capa: en un modelo Sequential es preferible empezar con "
                "un objeto Input(shape), p. ej. Sequential([Input(shape=(784,)), Dense(16)]). (Funciona igual.)",
                UserWarning, stacklevel=3,
            )

    # ------------------------------------------------------------ pesos
    def add_weight(self, shape: tuple = (), initializer="zeros", dtype: str | np.dtype | None = None,
                   trainable: bool = True, name: Optional[str] = None, regularizer=None, constraint=None) -> Variable:
        """Crea un peso (un `Variable`: un Tensor con nombre) con los valores de `initializer` y lo registra
        en orden de creación.

        Como en Keras 3, la capa lo guarda donde quiera: `self.kernel = self.add_weight(...)`.
        `name` es el que usan los mensajes de error y los archivos de pesos. `regularizer` añade su
        penalización a `layer.losses`; `constraint` proyecta el peso tras cada paso del optimizador."""
        dtype = np.dtype(dtype or self.dtype)
        shape = tuple(int(s) for s in shape)
        name = name or f"variable_{len(self._tracked_weights)}"
        check_allocation(f"{self.name} ({type(self).__name__})", f"el peso {name}", shape, dtype,
                         "Revisa los tamaños que le diste a la capa (units, filters, input_dim...) y los de su entrada.")
        # en orden C siempre (Orthogonal da una traspuesta, en orden F): con un peso en orden F, cada operación
        # con su gradiente (en orden C) recorre uno de los dos a saltos; el RMSprop de la LSTM del curso
        # tardaba 0.5 ms por paso en su núcleo recurrente, en lugar de 0.06
        value = np.ascontiguousarray(initializers.get(initializer)(shape, dtype=dtype))
        weight = Variable(value, dtype=dtype, requires_grad=trainable and self._trainable, name=name)
        weight.regularizer = regularizers.get(regularizer)
        weight.constraint = constraints.get(constraint)
        self._tracked_weights.append((name, weight, trainable))
        return weight

    def _sublayers(self) -> list:
        """Las capas guardadas en atributos (sueltas, o en listas, tuplas y diccionarios), en orden de asignación."""
        return fixed_during_loop(self, "sublayers",
                                 lambda: [item for item in attribute_values(self, Layer) if item is not self])

    def _weights_in_order(self) -> list:
        """[(nombre, peso)] de los pesos propios en el orden de Keras: primero los entrenables, luego el resto."""
        trained = [(n, w) for n, w, t in self._tracked_weights if self._trainable and t]
        return trained + [(n, w) for n, w, t in self._tracked_weights if not (self._trainable and t)]

    def _labeled_weights(self) -> list:
        """(capa dueña, nombre, peso) de cada peso: los propios y luego los de cada subcapa, sin repetir
        (una capa compartida aparece una vez)."""
        entries = [(self, n, w) for n, w in self._weights_in_order()]
        entries += [entry for layer in self._sublayers() for entry in layer._labeled_weights()]
        seen = set()
        return [e for e in entries if id(e[2]) not in seen and not seen.add(id(e[2]))]

    @property
    def trainable_weights(self) -> list:
        return fixed_during_loop(self, "trainable_weights", self._trainable_weights)

    def _trainable_weights(self) -> list:
        if not self._trainable:
            return []
        own = [w for _, w, t in self._tracked_weights if t]
        return _unique(own + [w for layer in self._sublayers() for w in layer.trainable_weights])

    @property
    def non_trainable_weights(self) -> list:
        if not self._trainable:
            return self.weights
        own = [w for _, w, t in self._tracked_weights if not t]
        return _unique(own + [w for layer in self._sublayers() for w in layer.non_trainable_weights])

    def weight_names_in_order(self) -> list:
        """Los nombres de los pesos propios, en el orden de `weights`."""
        return [n for n, _ in self._weights_in_order()]

    def weight_labels(self) -> list:
        """Un nombre por peso de `weights`: 'kernel' o, el de una subcapa, 'dense/kernel'."""
        return [name if owner is self else f"{owner.name}/{name}" for owner, name, _ in self._labeled_weights()]

    @property
    def weights(self) -> list:
        """Todos los pesos: los propios (entrenables y luego el resto) y después los de cada subcapa."""
        return [w for _, _, w in self._labeled_weights()]

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        """Congelar una capa (trainable=False) deja de calcular y aplicar sus gradientes, también en sus subcapas."""
        self._trainable = bool(value)
        for _, weight, trainable in self._tracked_weights:
            weight.requires_grad = self._trainable and trainable
        for layer in self._sublayers():
            layer.trainable = value

    def get_weights(self) -> list:
        return [w.numpy().copy() for w in self.weights]  # siempre en la CPU, también con los pesos en la GPU

    def set_weights(self, values) -> None:
        """Copia los arrays dentro de los pesos (en su sitio: quien los referencia ve los nuevos)."""
        self.check_weights(values)
        for weight, value in zip(self.weights, values):
            weight.assign(value)  # (sube su versión: ver versions.py)

    def check_weights(self, values):
        """¿Sirven estos arrays como pesos de la capa (cuántos y de qué forma)? Si no, un error que lo dice."""
        entries = self._labeled_weights()
        if not isinstance(values, (list, tuple)):
            raise TypeError(
                f"{self.name} ({type(self).__name__}): set_weights espera una lista de arrays, en el orden de "
                f"get_weights(), y recibió {values!r:.60}: p. ej. capa.set_weights(otra.get_weights())."
            )
        if len(values) != len(entries):
            raise ValueError(self._weight_count_message(len(values)))
        for (owner, name, weight), value in zip(entries, values):
            value = np.asarray(value)
            if value.shape != weight.shape:
                raise ValueError(
                    f"{owner.name} ({type(owner).__name__}), peso '{name}': esperaba un array de forma "
                    f"{shape_str(weight.shape)} y recibió {shape_str(value.shape)}."
                )

    def _weight_count_message(self, received) -> str:
        labels = self.weight_labels()
        return (f"{self.name} ({type(self).__name__}) tiene {len(labels)} pesos ({', '.join(labels) or 'ninguno'}) "
                f"y set_weights recibió {received} arrays: pasa uno por peso, en el orden de get_weights().")

    def count_params(self) -> int:
        return sum(w.size for w in self.weights)

    # ------------------------------------------------------------ pérdidas añadidas
    def add_loss(self, loss) -> None:
        """Añade una pérdida escalar (un Tensor con su grafo) a `layer.losses`, desde `call` (como Keras).

        `fit` la suma a la pérdida de compile en ese paso; la llamada siguiente al modelo la vacía."""
        for value in tree.flatten(loss):
            if not isinstance(value, (Tensor, int, float, np.ndarray, np.generic)) or isinstance(value, bool):
                raise ValueError(
                    f"{self.name}.add_loss() espera un Tensor (p. ej. self.add_loss(0.01 * x.square().sum()) dentro de "
                    f"call) y recibió {type(value).__name__}."
                )
            self._losses.append(value if isinstance(value, Tensor) else Tensor(value, dtype=self.dtype))

    @property
    def losses(self) -> list:
        """Las pérdidas añadidas, como Keras 3: las de add_loss y de actividad de esta capa y de sus
        subcapas (de la última llamada) y, después, la de cada peso entrenable con regularizador."""
        own = self._losses + [loss for layer in _all_sublayers(self) for loss in layer._losses]
        return own + [w.regularizer(w) for w in self.trainable_weights if getattr(w, "regularizer", None)]

    def _clear_losses(self) -> None:
        for layer in [self, *_all_sublayers(self)]:
            layer._losses.clear()

    def _add_activity_loss(self, outputs) -> None:
        """La penalización de activity_regularizer sobre cada salida, dividida por el tamaño del lote
        (así no cambia al cambiar batch_size), como Keras 3."""
        for output in tree.flatten(outputs):
            if isinstance(output, Tensor):
                loss = self.activity_regularizer(output)
                self._losses.append(loss / output.shape[0] if output.ndim > 0 and output.shape[0] else loss)

    # ------------------------------------------------------------ construcción y llamada
    def build(self, input_shape: tuple) -> None:
        """Crea los pesos; las capas sin pesos no necesitan redefinirlo."""

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:  # pragma: no cover - lo implementa cada subclase
        raise NotImplementedError

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """La forma de la salida, con None en el lote. Una capa de tinygrad_es que no la redefine no
        cambia la forma (Dropout, Activation...); una capa propia del usuario que no la define la
        deduce llamándose con ceros (`symbolic.trace_output_shape`), como Keras 3. (Solo las propias:
        al cargar un archivo, una capa de tinygrad_es nunca calcula para saber su forma.)"""
        if type(self).__module__.startswith("tinygrad_es."):
            return input_shape
        return trace_output_shape(self, input_shape)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in vars(cls):
            cls.build = _marks_built(vars(cls)["build"])

    def build_from_shape(self, input_shape: tuple):
        """Construye la capa para una entrada de esta forma (el lote no importa) y da la de salida."""
        if self.built:
            self.check_input_shape(input_shape)
        else:
            self._check_ndim(input_shape)
            self.build(input_shape)  # con el lote tal como llega, como Keras (summary() de una subclase lo muestra)
        self.output_shape = self.compute_output_shape(free_batch(input_shape))
        return self.output_shape

    def __call__(self, inputs: Tensor, training: bool | None = None, mask: Tensor | np.ndarray | None = None, **kwargs):
        """`layer(x)`: con datos calcula (construyendo la capa la primera vez y comprobando la forma);
        con un KerasTensor (keras.Input) anota el nodo del grafo funcional.

        Sin training=, hereda el de la llamada de fuera (False fuera de todas). `mask` llega a `call`
        solo si la capa la usa (como en Keras); el resto de argumentos con nombre son los del `call`
        de cada capa (p. ej. `initial_state` de las recurrentes).
        """
        if is_symbolic(inputs, kwargs):
            given = {k: v for k, v in (("training", training), ("mask", mask)) if v is not None}
            return symbolic_call(self, inputs, {**kwargs, **given})
        x = self._as_tensor(inputs)
        shape = tree.map_structure(lambda t: t.shape, x)
        if self.built:
            self.check_input_shape(shape)
        else:
            self.build_from_shape(shape)
        return self.run_call(x, training, mask, kwargs)

    def run_call(self, inputs, training: bool | None, mask, kwargs: dict):
        """Lo común de `layer(x)` y `model(x)` con datos ya preparados: `call` con el training heredado
        y la pérdida de actividad de su salida."""
        if not in_call():  # la llamada de fuera: empieza sin las pérdidas añadidas de la anterior (Keras)
            self._clear_losses()
        training = resolve_training(training)
        with training_context(training):
            outputs = self.call(inputs, **self._call_kwargs(training, mask, kwargs))
        if self.activity_regularizer is not None:
            self._add_activity_loss(outputs)
        return outputs

    def call_with_mask(self, inputs: Tensor, training: bool, mask: Tensor | np.ndarray | None = None, **kwargs):
        """Dentro de un modelo: `call` con training (y la máscara, si `call` la acepta); da (salida,
        máscara de la salida), que el modelo pasa a la capa siguiente (ver `output_mask`)."""
        outputs = self.call(inputs, **self._call_kwargs(training, mask, kwargs))
        if self.activity_regularizer is not None:
            self._add_activity_loss(outputs)
        return outputs, self.output_mask(inputs, mask)

    def _call_kwargs(self, training, mask, kwargs) -> dict:
        """Los argumentos con nombre para `call`: training y mask solo si los declara (una capa propia
        puede no tenerlos); uno que no existe da el error con el más parecido."""
        arguments = call_arguments(type(self))
        unknown = [k for k in kwargs if k not in arguments]
        if unknown and not call_takes_any_keyword(type(self)):
            raise unknown_arguments_error(f"{self.name} ({type(self).__name__})", {k: kwargs[k] for k in unknown},
                                          arguments)
        extra = dict(kwargs)
        if "training" in arguments:
            extra["training"] = training
        if mask is not None and "mask" in arguments:
            extra["mask"] = mask
        return extra

    @property
    def input(self):
        """En la API funcional, el tensor simbólico que recibió la capa (si se llamó una sola vez)."""
        return self._single_node("input").args[0]

    @property
    def output(self):
        """En la API funcional, el tensor simbólico que produjo la capa (si se llamó una sola vez)."""
        return self._single_node("output").outputs

    def _single_node(self, what):
        if len(self._inbound_nodes) != 1:
            state = "no se ha llamado" if not self._inbound_nodes else f"se llamó {len(self._inbound_nodes)} veces"
            raise AttributeError(
                f"{self.name}.{what} solo existe si la capa se llamó una vez sobre tensores simbólicos "
                f"(keras.Input), y {state}: usa el tensor que devolvió cada llamada."
            )
        return self._inbound_nodes[0]

    # ------------------------------------------------------------ máscaras
    def compute_mask(self, inputs: Tensor, mask: Tensor | np.ndarray | None = None) -> np.ndarray | None:
        """La máscara de la salida, dada la de la entrada: la misma si la capa deja pasar máscaras
        (`supports_masking`); si no, ninguna (Keras avisa de que se pierde: ver `output_mask`)."""
        return mask if self.supports_masking else None

    def output_mask(self, inputs: Tensor, mask: Tensor | np.ndarray | None = None):
        """Lo que un modelo pasa a la capa siguiente: `compute_mask`, con el aviso de Keras cuando
        una capa que no admite máscaras recibe una (p. ej. Flatten después de Embedding(mask_zero=True))."""
        if not self.supports_masking and any(m is not None for m in tree.flatten(mask)):
            warnings.warn(
                f"La capa '{self.name}' ({type(self).__name__}) recibió una entrada con máscara, pero no admite "
                "máscaras y la descarta: las capas siguientes no la verán. Si la máscara importa, pon las capas "
                "que la usan (LSTM, GRU, GlobalAveragePooling1D...) antes de esta.", UserWarning, stacklevel=2,
            )
            return None
        return self.compute_mask(inputs, mask)

    def _as_tensor(self, inputs) -> Tensor:
        """La entrada como Tensor del dtype de la capa (salvo un Tensor con grafo, que no se corta)."""
        if isinstance(inputs, (list, tuple)) and any(isinstance(x, (Tensor, np.ndarray)) for x in tree.flatten(inputs)):
            return [self._as_tensor(x) for x in inputs]  # varias entradas (p. ej. las capas de fusión)
        if isinstance(inputs, Tensor):
            if self.casts_input and inputs.dtype != self.dtype and not inputs.requires_grad:
                return Tensor(inputs.data, dtype=self.dtype)
            return inputs
        data = numeric_array(f"{self.name} ({type(self).__name__})", "inputs", inputs)
        return Tensor(data, dtype=self.dtype if self.casts_input else data.dtype)

    # ------------------------------------------------------------ comprobación de formas
    def check_input_shape(self, shape: tuple):
        """¿Encaja esta entrada con la forma con la que se construyó la capa? Si no, un error claro."""
        expected = self.input_spec_shape
        if len(shape) != len(expected) or any(shape[a] != expected[a] for a in self.fixed_axes):
            raise self.shape_error(shape)

    def shape_error(self, received) -> ShapeError:
        expected = self.input_spec_shape
        return ShapeError(
            f"{self.name} ({type(self).__name__}) esperaba una entrada de forma {shape_str(expected)} y recibió "
            f"{shape_str(received)}: {reshape_hint(expected, received)}."
        )

    def _check_ndim(self, shape):
        ndim = len(shape)
        if self.input_ndim is not None and ndim != self.input_ndim:
            wanted = f"exactamente {self.input_ndim}"
        elif self.min_ndim is not None and ndim < self.min_ndim:
            wanted = f"al menos {self.min_ndim}"
        else:
            return
        raise ShapeError(
            f"{self.name} ({type(self).__name__}) necesita una entrada con {wanted} ejes "
            f"{self.axes_description()} y recibió una de forma {shape_str(shape)} ({ndim} ejes): "
            f"{self.ndim_hint(shape)}."
        )

    def axes_description(self) -> str:
        return "(lote, ..., características)"

    def ndim_hint(self, shape: tuple) -> str:
        if self.min_ndim is not None and len(shape) < self.min_ndim:
            return "falta el eje del lote: para una sola muestra usa x.reshape(1, -1) (o x[None])"
        return "revisa la forma de los datos y la de Input(shape=...)"

    # ------------------------------------------------------------ configuración
    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self._trainable, "dtype": self.dtype.name}
        if self.activity_regularizer is not None:  # Keras solo la escribe si la hay
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self):
        state = "construida" if getattr(self, "built", False) else "sin construir"
        return f"<{type(self).__name__} name={self.name}, {state}>"


def mask_array(mask: Tensor | np.ndarray | None) -> np.ndarray:
    """Una máscara (Tensor o array, True = paso real) como array booleano de NumPy en la CPU."""
    return np.asarray(mask.numpy() if isinstance(mask, Tensor) else mask, dtype=bool)


@functools.lru_cache(maxsize=None)
def call_arguments(cls) -> tuple:
    """Los argumentos con nombre del `call` de una clase de capa (sin inputs; training incluido si está)."""
    return tuple(parameter_names(cls.call)[1:])


@functools.lru_cache(maxsize=None)
def call_takes_any_keyword(cls) -> bool:
    """¿El `call` de la clase acepta **kwargs?"""
    return any(p.kind is p.VAR_KEYWORD for p in inspect.signature(cls.call).parameters.values())


def _marks_built(build, records_shape=True):
    """Envuelve el `build` de cada capa para que, al terminar, la capa quede construida con esa forma.

    Así `Dense(2).build((1, 2))` llamado a mano (p. ej. antes de `set_weights`) vale igual que la
    construcción automática, como en Keras 3: la primera llamada a la capa no vuelve a crear los
    pesos (ni los reinicia al azar).
    """
    @functools.wraps(build)
    def build_and_mark(self, input_shape: tuple, *args, **kwargs):
        result = build(self, input_shape, *args, **kwargs)
        if records_shape:  # summary() de un modelo subclase muestra la salida de esta forma
            self._build_input_shape = input_shape
        self.input_spec_shape = free_batch(input_shape)
        self.built = True
        self.output_shape = self.compute_output_shape(self.input_spec_shape)
        return result
    return build_and_mark


Layer.build = _marks_built(Layer.build, records_shape=False)  # una capa sin pesos: como Keras, sin forma


def attribute_values(obj, kind) -> list:
    """Los objetos de clase `kind` en los atributos de `obj` (también dentro de una lista, tupla o
    diccionario, como hace Keras), en orden de asignación y sin repetir."""
    found, seen = [], set()
    for value in vars(obj).values():
        items = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else (value,)
        for item in items:
            if isinstance(item, kind) and id(item) not in seen:
                seen.add(id(item))
                found.append(item)
    return found


# Mientras dura un fit, evaluate o predict, las subcapas de cada capa se buscan una sola vez (la
# estructura del modelo no cambia a mitad de un entrenamiento; Keras la fija igual al compilar el paso).
_structure_cache = None


def fixed_during_loop(owner, what: str, compute):
    """compute(), calculado una sola vez por dueño mientras dura fixed_structure()."""
    if _structure_cache is None:
        return compute()
    key = (id(owner), what)
    if key not in _structure_cache:
        _structure_cache[key] = compute()
    return _structure_cache[key]


@contextlib.contextmanager
def fixed_structure():
    global _structure_cache
    outermost = _structure_cache is None
    if outermost:
        _structure_cache = {}
    try:
        yield
    finally:
        if outermost:
            _structure_cache = None


def store_weight_options(layer: Layer, **options) -> None:
    """layer.kernel_initializer = initializers.get(...), layer.bias_constraint = constraints.get(...)...:
    cada argumento `<peso>_initializer` / `<peso>_regularizer` / `<peso>_constraint` de una capa, como
    objeto (o None), para que las capas con pesos no repitan las mismas líneas."""
    for key, value in options.items():
        kind = key.rsplit("_", 1)[1]
        module = {"initializer": initializers, "regularizer": regularizers, "constraint": constraints}[kind]
        setattr(layer, key, module.get(value))


def weight_extras(layer: Layer, weight: str) -> dict:
    """Los argumentos de add_weight para el peso `weight` ('kernel'): su regularizador y su restricción."""
    return {"regularizer": getattr(layer, f"{weight}_regularizer"),
            "constraint": getattr(layer, f"{weight}_constraint")}


def weight_options(layer: Layer, *weights: str, activity: bool = False) -> dict:
    """Para get_config, en el orden de Keras: el regularizador de cada peso, activity_regularizer (si la
    capa lo escribe siempre, como Conv2D o LSTM) y la restricción de cada peso."""
    config = {f"{w}_regularizer": regularizers.serialize(getattr(layer, f"{w}_regularizer")) for w in weights}
    if activity:
        config["activity_regularizer"] = regularizers.serialize(layer.activity_regularizer)
    config.update({f"{w}_constraint": constraints.serialize(getattr(layer, f"{w}_constraint")) for w in weights})
    return config


def _all_sublayers(layer) -> list:
    """Las subcapas a cualquier profundidad, sin repetir, en el orden en que las recorre Keras 3
    (`_flatten_layers`: tras cada capa, sus subcapas, la última primero)."""
    found, pending, seen = [], collections.deque(layer._sublayers()), {id(layer)}
    while pending:
        sub = pending.popleft()
        if id(sub) not in seen:
            seen.add(id(sub))
            found.append(sub)
            pending.extendleft(sub._sublayers())
    return found


def _unique(weights) -> list:
    """Sin repetir un peso (una capa compartida aparece una vez), en el orden de la primera aparición."""
    seen = set()
    return [w for w in weights if id(w) not in seen and not seen.add(id(w))]


def free_batch(shape: tuple):
    """(32, 784) -> (None, 784): la forma con el lote libre (también para una lista de formas)."""
    if isinstance(shape, list):
        return [free_batch(s) for s in shape]
    return (None,) + tuple(shape[1:])


def reshape_hint(expected, received) -> str:
    """Qué hacer cuando los datos tienen los mismos números que lo esperado pero otra forma."""
    known = all(n is not None for n in expected[1:])
    if known and tuple(received) == tuple(expected[1:]):
        return "parece una sola muestra sin el eje del lote: usa x[None] (o x.reshape(1, ...)) para un lote de una"
    if known and math.prod(expected[1:]) == math.prod(received[1:]):
        if len(expected) == 2:
            return "añade Flatten() antes de esta capa (o aplana los datos con x.reshape(len(x), -1))"
        return f"usa x.reshape(-1, {', '.join(str(n) for n in expected[1:])})"
    return ("revisa la forma de los datos y la de Input(shape=...) o input_shape= de la primera capa, "
            "y que las capas anteriores produzcan lo que esta espera")
