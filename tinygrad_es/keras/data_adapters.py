"""Los datos de `fit`, `evaluate` y `predict`, lote a lote: arrays, generadores y `PyDataset`.

Tres fuentes, como en Keras 3:

- arrays de NumPy (o Tensors, o listas y diccionarios de ellos para varias entradas/salidas),
  con `y`, `sample_weight` y `class_weight` aparte; se cortan en lotes de `batch_size`,
  barajados en cada época si `shuffle=True`;
- un generador de Python que da `(x, y)` o `(x, y, sample_weight)` (o `(x,)` para predict);
- un `keras.utils.PyDataset` (o cualquier objeto con `__len__` y `__getitem__`, como el antiguo
  `keras.utils.Sequence`) que da el lote `i` con `dataset[i]`.

Cada lote se convierte a su dtype (float32, salvo que el modelo pida otro) **al cortarlo**, no
antes: así el conjunto entero no se copia nunca. Los datos del LSTM del curso (200 285 × 40 × 57
booleanos, 456 MB) pasarían a ocupar 1.8 GB en float32; lote a lote, 1.2 MB por lote.
`EpochIterator` decide cuántos lotes forman una época (`steps_per_epoch`).
"""
from __future__ import annotations

import math
import types
import warnings

import numpy as np

from ..random import generator
from ..tensor import Tensor
from ..validation import integer, number, numeric_array
from . import tree

_VERBS = {"fit": "entrenar", "evaluate": "evaluar", "predict": "predecir"}


def _caller(method: str) -> str:
    """'fit' -> 'fit()'; 'fit(validation_data=...)' se queda: quien llama, en los mensajes."""
    return method if method.endswith(")") else f"{method}()"


# ---------------------------------------------------------------- PyDataset
class PyDataset:
    """Un conjunto de datos por lotes escrito en Python: `__len__` (cuántos lotes) y `__getitem__(i)`
    (el lote i: `(x, y)` o `(x, y, sample_weight)`). fit llama a `on_epoch_end()` al final de cada
    época (p. ej. para barajar). Los lotes se piden en este mismo proceso, de uno en uno."""

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10):
        # Se aceptan por compatibilidad con Keras; aquí los lotes se leen siempre en orden, sin hilos.
        self.workers, self.use_multiprocessing, self.max_queue_size = workers, use_multiprocessing, max_queue_size

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} debe definir __getitem__(self, indice) -> (x, y).")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} debe definir __len__(self) -> número de lotes.")

    @property
    def num_batches(self) -> int:
        return len(self)

    def on_epoch_begin(self):
        """Se llama al principio de cada época."""

    def on_epoch_end(self):
        """Se llama al final de cada época."""

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]


Sequence = PyDataset  # keras.utils.Sequence es PyDataset desde Keras 3


def unpack_x_y_sample_weight(data):
    """(x,) -> (x, None, None); (x, y) -> (x, y, None); (x, y, w) tal cual; otra cosa es solo x."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) in (1, 2, 3):
        return data + (None,) * (3 - len(data))
    raise ValueError(
        f"Cada lote debe ser (x,), (x, y) o (x, y, sample_weight) y se recibió una tupla de {len(data)} elementos."
    )


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """Lo contrario de unpack_x_y_sample_weight."""
    if y is None:
        return (x,)
    return (x, y) if sample_weight is None else (x, y, sample_weight)


# ---------------------------------------------------------------- conversión de cada lote
def cast_input(data: np.ndarray, dtype) -> np.ndarray:
    """Un array de entrada al dtype de su entrada: los reales y booleanos se convierten; los enteros
    solo si la entrada es entera (un Embedding los quiere enteros, y convertirlos a float no gana nada)."""
    if dtype is None or data.dtype == dtype or (data.dtype.kind in "iu" and np.dtype(dtype).kind == "f"):
        return data
    return data.astype(dtype)


def cast_target(data: np.ndarray) -> np.ndarray:
    """Etiquetas: las reales y booleanas pasan a float32 (como Keras); las enteras se quedan."""
    if data.dtype == bool or (data.dtype.kind == "f" and data.dtype != np.float32):
        return data.astype(np.float32)
    return data


def _as_array(leaf, method: str, name: str):
    if leaf is None:
        return None
    array = leaf.numpy() if isinstance(leaf, Tensor) else numeric_array(_caller(method), name, leaf)
    if array.ndim == 0:
        raise ValueError(
            f"{_caller(method)}: {name} debe tener un eje de muestras (un array con una fila por muestra) y es un número "
            f"suelto, {array!r}."
        )
    return array


def arrays_of(structure, method: str = "fit", name: str = "x"):
    """Cada hoja como array (un Tensor, copiado de la GPU si hace falta); una lista de números es un array.

    Solo números: un texto, un objeto de Python o unas listas de longitudes distintas son un error
    que nombra el método y el argumento (`fit(): y ...`), aquí y no diez llamadas más adentro."""
    if isinstance(structure, (list, tuple)) and not any(isinstance(leaf, (np.ndarray, Tensor))
                                                        for leaf in tree.flatten(structure)):
        return _as_array(structure, method, name)
    return tree.map_structure(lambda leaf: _as_array(leaf, method, name), structure)


class BatchConverter:
    """Convierte un lote recién cortado: x con `cast_inputs` (el modelo sabe el dtype de cada entrada),
    y y sample_weight a float32."""

    def __init__(self, cast_inputs=None):
        self.cast_inputs = cast_inputs

    def __call__(self, x, y, sample_weight) -> tuple:
        """El lote como lo recibe train_step: (x,), (x, y) o (x, y, sample_weight), como en Keras."""
        if self.cast_inputs is not None:
            x = self.cast_inputs(x)
        y = None if y is None else tree.map_structure(lambda a: cast_target(np.asarray(a)), y)
        if sample_weight is not None:
            sample_weight = tree.map_structure(lambda a: np.asarray(a, dtype=np.float32), sample_weight)
        return pack_x_y_sample_weight(x, y, sample_weight)


def class_weight_to_sample_weights(y, class_weight: dict) -> np.ndarray:
    """El peso de la clase de cada muestra (one-hot -> argmax; (N, 1) -> su valor); 1 si no está en el dict."""
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y[..., 0]
    classes = np.round(y).astype(np.int64)
    return np.array([float(class_weight.get(int(c), 1.0)) for c in classes], dtype=np.float32)


def _check_class_weight(class_weight, y, method: str = "fit"):
    if class_weight is None:
        return
    if not isinstance(class_weight, dict):
        raise ValueError(
            f"class_weight debe ser un diccionario {{clase: peso}}, p. ej. class_weight={{0: 1.0, 1: 5.0}}, y es "
            f"{class_weight!r}."
        )
    for label, weight in class_weight.items():
        integer(_caller(method), "class_weight (cada clave, el índice de una clase)", label, minimum=0)
        number(_caller(method), f"class_weight[{label!r}] (el peso de esa clase)", weight, 0)
    if y is not None and tree.is_nested(y):
        raise ValueError(
            "class_weight solo sirve para modelos con una salida: con varias, pasa sample_weight con un array de "
            "pesos por salida (una lista o un diccionario por nombre de salida)."
        )


# ---------------------------------------------------------------- adaptadores
class DataAdapter:
    """Una fuente de lotes: `num_batches` (None si no se sabe) y `batches()`, una pasada por los datos."""

    num_batches = None

    def batches(self):  # pragma: no cover - lo implementa cada subclase
        raise NotImplementedError

    def on_epoch_begin(self):
        """Aviso al principio de cada época (un PyDataset lo reenvía a su on_epoch_begin)."""

    def on_epoch_end(self):
        """Aviso al final de cada época (un PyDataset lo reenvía a su on_epoch_end)."""


class ArrayDataAdapter(DataAdapter):
    """Arrays en memoria, cortados en lotes (el último, incompleto, también cuenta) y barajados por época."""

    def __init__(self, x, y, sample_weight, class_weight, batch_size, steps, shuffle, convert, method):
        self.x, self.y = arrays_of(x, method, "x"), None if y is None else arrays_of(y, method, "y")
        x_sizes = [len(a) for a in tree.flatten(self.x)]
        if x_sizes[0] == 0:
            raise ValueError(
                f"{_caller(method)}: x no tiene muestras (forma {tree.flatten(self.x)[0].shape}), así que no hay nada que "
                f"{_VERBS.get(method.split('(')[0], 'procesar')}. ¿Un filtro dejó los datos vacíos, o se cargó el archivo equivocado?"
            )
        y_sizes = [len(a) for a in tree.flatten(self.y) if a is not None]
        if len(set(x_sizes)) > 1:
            raise ValueError(f"{_caller(method)}: cada entrada de x debe tener las mismas muestras y tienen {x_sizes}.")
        if y_sizes and set(y_sizes) != set(x_sizes[:1]):
            raise ValueError(
                f"{_caller(method)}: x tiene {x_sizes[0]} muestras e y tiene {' y '.join(map(str, sorted(set(y_sizes))))}; "
                "deben tener las mismas (una etiqueta por muestra). Revisa que no mezcles datos de entrenamiento y "
                "de prueba."
            )
        self.size = x_sizes[0]
        _check_class_weight(class_weight, self.y, method)
        if sample_weight is not None and class_weight is not None:
            raise ValueError("No se pueden usar class_weight y sample_weight a la vez: multiplica tú los pesos de "
                             "clase en sample_weight.")
        self.sample_weight = self._sample_weights(sample_weight, method)
        self.class_weight = class_weight
        self.batch_size = batch_size or (math.ceil(self.size / steps) if steps else 32)
        self.num_batches = math.ceil(self.size / self.batch_size)
        self.shuffle, self.convert = shuffle, convert

    def _sample_weights(self, sample_weight, method):
        if sample_weight is None:
            return None
        if tree.is_nested(sample_weight) and not tree.is_nested(self.y):
            raise ValueError(
                f"{_caller(method)}: sample_weight debe ser un array con un peso por muestra (forma ({self.size},)) y es "
                f"{'un diccionario' if isinstance(sample_weight, dict) else 'una lista de arrays'}: eso es para "
                "modelos con varias salidas. Para pesar las clases, usa class_weight={clase: peso}."
            )
        sample_weight = arrays_of(sample_weight, method, "sample_weight")
        for w in tree.flatten(sample_weight):
            if len(w) != self.size or w.ndim > 2 or (w.ndim == 2 and w.shape[1] != 1):
                raise ValueError(
                    f"{_caller(method)}: sample_weight debe tener un peso por muestra (forma ({self.size},)) y tiene forma "
                    f"{w.shape}."
                )
            bad = w[~(np.isfinite(w) & (w >= 0))]
            if bad.size:
                raise ValueError(
                    f"{_caller(method)}: sample_weight debe tener pesos finitos y >= 0 (cuánto cuenta cada muestra en la "
                    f"pérdida) y hay {bad.size} que no lo son, como {float(bad[0])}: con un peso negativo el entrenamiento "
                    "haría subir la pérdida de esa muestra, y uno NaN o infinito estropea la pérdida entera. Revisa cómo "
                    "calculaste los pesos."
                )
        return sample_weight

    def batches(self):
        order = generator().permutation(self.size) if self.shuffle else None
        for start in range(0, self.size, self.batch_size):
            index = slice(start, start + self.batch_size)
            if order is not None:
                index = order[index]
            x = tree.map_structure(lambda a: a[index], self.x)
            y = None if self.y is None else tree.map_structure(lambda a: a[index], self.y)
            sw = None if self.sample_weight is None else tree.map_structure(lambda a: a[index], self.sample_weight)
            if self.class_weight is not None:
                sw = class_weight_to_sample_weights(y, self.class_weight)
            yield self.convert(x, y, sw)


class _BatchStream(DataAdapter):
    """Lo común a generadores y PyDataset: cada elemento es un lote (x, y, sample_weight) a convertir."""

    def __init__(self, class_weight, convert, method):
        _check_class_weight(class_weight, None)
        self.class_weight, self.convert, self.method = class_weight, convert, method

    def _prepare(self, batch):
        x, y, sw = unpack_x_y_sample_weight(batch)
        if x is None:
            raise ValueError(f"{_caller(self.method)}: un lote no trae datos x (es {batch!r}): cada lote debe ser (x, y) "
                             "o (x, y, sample_weight), con arrays de una fila por muestra.")
        x = arrays_of(x, self.method, "x (en un lote)")
        y = None if y is None else arrays_of(y, self.method, "y (en un lote)")
        sizes = {len(a) for a in tree.flatten(x) + tree.flatten(y) if a is not None}
        if 0 in sizes or len(sizes) > 1:
            raise ValueError(
                f"{_caller(self.method)}: cada lote debe traer las mismas muestras, al menos una, en x y en y, y uno trae "
                f"{' y '.join(map(str, sorted(sizes)))}: revisa cómo corta los lotes el generador o el PyDataset."
            )
        if self.class_weight is not None:
            if sw is not None:
                raise ValueError("No se pueden usar class_weight y sample_weight a la vez: el lote ya trae pesos.")
            _check_class_weight(self.class_weight, y)
            sw = class_weight_to_sample_weights(y, self.class_weight)
        return self.convert(x, y, None if sw is None else arrays_of(sw, self.method, "sample_weight (en un lote)"))


class GeneratorDataAdapter(_BatchStream):
    """Un generador (o iterador) de Python: se recorre una sola vez; no se sabe cuántos lotes tiene."""

    def __init__(self, source, class_weight, convert, method="fit"):
        super().__init__(class_weight, convert, method)
        self.source = source

    def batches(self):
        for batch in self.source:
            yield self._prepare(batch)


class PyDatasetAdapter(_BatchStream):
    """Un PyDataset (o un objeto con __len__ y __getitem__): len(ds) lotes; con shuffle, en otro orden cada época."""

    def __init__(self, dataset, class_weight, shuffle, convert, method="fit"):
        super().__init__(class_weight, convert, method)
        self.dataset, self.shuffle = dataset, shuffle
        self.num_batches = len(dataset)

    def batches(self):
        order = generator().permutation(self.num_batches) if self.shuffle else range(self.num_batches)
        for index in order:
            yield self._prepare(self.dataset[int(index)])

    def on_epoch_begin(self):
        getattr(self.dataset, "on_epoch_begin", lambda: None)()

    def on_epoch_end(self):
        getattr(self.dataset, "on_epoch_end", lambda: None)()


def is_dataset(x) -> bool:
    """¿x da lotes (PyDataset, Sequence o algo con __len__ y __getitem__ que no es un array)?"""
    if isinstance(x, PyDataset):
        return True
    plain = (np.ndarray, Tensor, list, tuple, dict, str, bytes)
    return not isinstance(x, plain) and hasattr(x, "__getitem__") and hasattr(x, "__len__")


def is_generator(x) -> bool:
    return isinstance(x, types.GeneratorType) or (hasattr(x, "__next__") and hasattr(x, "__iter__"))


def get_data_adapter(x, y=None, sample_weight=None, class_weight=None, batch_size=None, steps=None,
                     shuffle=False, cast_inputs=None, method="fit") -> DataAdapter:
    """El adaptador que corresponde a x (arrays, generador o PyDataset), con sus comprobaciones."""
    convert = BatchConverter(cast_inputs)
    if is_dataset(x) or is_generator(x):
        kind = "un PyDataset" if is_dataset(x) else "un generador"
        for name, value in (("y", y), ("sample_weight", sample_weight)):
            if value is not None:
                raise ValueError(
                    f"{_caller(method)}: con x {kind}, {name} no se pasa aparte: cada lote que da debe ser "
                    "(x, y) o (x, y, sample_weight)."
                )
        if batch_size is not None:
            raise ValueError(f"{_caller(method)}: con x {kind}, batch_size no se usa: el tamaño lo decide cada lote que da.")
        if is_dataset(x):
            return PyDatasetAdapter(x, class_weight, shuffle, convert, method)
        return GeneratorDataAdapter(x, class_weight, convert, method)
    if x is None:
        example = "x_test" if method.startswith("predict") else "x_train, y_train"
        raise ValueError(f"{_caller(method)} necesita los datos x, p. ej. model.{method}({example}).")
    return ArrayDataAdapter(x, y, sample_weight, class_weight, batch_size, steps, shuffle, convert, method)


def train_validation_split(arrays, validation_split: float):
    """Las últimas `validation_split` muestras (antes de barajar) son la validación, como en Keras."""
    if not 0 < validation_split < 1:
        raise ValueError(
            f"validation_split es la fracción de datos para validar y debe estar entre 0 y 1; es {validation_split}."
        )
    if any(is_dataset(a) or is_generator(a) for a in arrays if a is not None):
        raise ValueError("validation_split solo funciona con arrays: con un generador o un PyDataset, pasa "
                         "validation_data con sus propios lotes.")
    arrays = [None if a is None else arrays_of(a, "fit", name) for a, name in zip(arrays, ("x", "y", "sample_weight"))]
    size = len(tree.flatten(arrays[0])[0])
    split_at = int(size * (1 - validation_split))
    if split_at in (0, size):
        raise ValueError(
            f"validation_split={validation_split} con {size} muestras deja vacío el entrenamiento o la validación: "
            "usa más datos o otra fracción."
        )
    train = [None if a is None else tree.map_structure(lambda v: v[:split_at], a) for a in arrays]
    val = [None if a is None else tree.map_structure(lambda v: v[split_at:], a) for a in arrays]
    return train, val


# ---------------------------------------------------------------- épocas
class EpochIterator:
    """Los lotes de cada época, con la regla de Keras para `steps_per_epoch`:

    - sin él, cada época es una pasada completa por los datos;
    - con él, cada época son esos pasos y la pasada sigue donde se quedó la época anterior
      (con arrays, al terminar una pasada empieza otra, barajada de nuevo).

    Si los datos se acaban antes (un generador finito), la época termina ahí con un aviso, y
    `exhausted` queda a True si no hubo ni un lote.
    """

    def __init__(self, adapter: DataAdapter, steps_per_epoch=None, method: str = "fit"):
        if steps_per_epoch is not None:
            name = {"fit": "steps_per_epoch", "fit(validation_data=...)": "validation_steps"}.get(method, "steps")
            steps_per_epoch = integer(_caller(method), name, steps_per_epoch, meaning="lotes por época")
        self.adapter, self.steps_per_epoch, self.method = adapter, steps_per_epoch, method
        self._iterator, self._seen = None, 0
        self.exhausted = False
        self._any_batch = False  # ¿dieron los datos algún lote alguna vez?

    @property
    def num_batches(self):
        return self.steps_per_epoch or self.adapter.num_batches

    def __iter__(self):
        """(paso, (x, y, sample_weight)) de una época."""
        self.adapter.on_epoch_begin()
        total = self.adapter.num_batches
        if self._iterator is None or self.steps_per_epoch is None:
            self._iterator, self._seen = iter(self.adapter.batches()), 0
        step = 0
        while self.num_batches is None or step < self.num_batches:
            batch = None if total is not None and self._seen >= total else next(self._iterator, None)
            if batch is None:
                self.exhausted = step == 0
                if not self._any_batch:
                    break  # ni un lote: el error de abajo
                if self.steps_per_epoch is not None or self.exhausted:
                    _warn_ran_out(self.steps_per_epoch, total)
                self._iterator = None
                break
            self._seen += 1
            self._any_batch = True
            yield step, batch
            step += 1
        if not self._any_batch:
            raise ValueError(
                f"{_caller(self.method)}: los datos no dieron ni un lote (un generador ya recorrido o vacío, o un "
                f"PyDataset de longitud 0), así que no hay nada que {_VERBS.get(self.method.split('(')[0], 'procesar')}: "
                "si es un generador, créalo de nuevo justo antes de la llamada."
            )
        if total is not None and self._seen >= total:
            self._iterator = None  # la pasada terminó: la época siguiente empieza otra
        self.adapter.on_epoch_end()


def _warn_ran_out(steps_per_epoch, total):
    if total is not None:
        hint = (f"los datos dan {total} lotes por pasada y steps_per_epoch={steps_per_epoch} pide más: usa "
                f"steps_per_epoch <= {total} (o ninguno, una pasada por época)")
    else:
        hint = ("un generador de Python solo se recorre una vez: para varias épocas usa un generador infinito "
                "(while True: ...) con steps_per_epoch, o un keras.utils.PyDataset, que se recorre en cada época")
    warnings.warn(f"Se acabaron los datos antes de terminar la época: {hint}.", UserWarning, stacklevel=4)
