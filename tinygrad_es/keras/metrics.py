"""Métricas de Keras: medias que se acumulan a lo largo de una época.

Una métrica guarda un estado (aquí, una suma y un recuento), lo actualiza con cada lote
(`update_state(y_true, y_pred)`) y da su valor con `result()`: la media de todo lo visto desde
el último `reset_state()`. Así la `accuracy` de la barra de progreso es la de toda la época
hasta ese lote, no la del último lote.

Trabajan con arrays de NumPy (las predicciones ya calculadas): no forman parte del grafo.

`'accuracy'`/`'acc'` no nombran una métrica concreta: Keras elige binaria, categórica o
"sparse" mirando las formas de las etiquetas y las predicciones (ver `get`).
"""
import numpy as np

from ..errors import ShapeError, missing_module_attribute, shape_str
from ..tensor import Tensor
from ..validation import numeric_array
from .losses import squeeze_or_expand_to_same_rank
from .registry import lookup


def _array(x) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


# ---------------------------------------------------------------- funciones (valor por elemento o muestra)
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 donde (y_pred > threshold) coincide con y_true (estrictamente mayor, como Keras)."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(_array(y_true), _array(y_pred))
    return (y_true == (y_pred > threshold)).astype(np.float32)


def categorical_accuracy(y_true, y_pred):
    """1.0 donde argmax(y_true) == argmax(y_pred) (etiquetas one-hot)."""
    return (np.argmax(_array(y_true), axis=-1) == np.argmax(_array(y_pred), axis=-1)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 donde y_true (el índice de la clase) == argmax(y_pred)."""
    y_true, y_pred = _array(y_true), _array(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]  # Keras quita el eje final de tamaño 1
    return (y_true == np.argmax(y_pred, axis=-1)).astype(np.float32)


def accuracy(y_true, y_pred):
    """1.0 donde y_true == y_pred exactamente (la métrica `Accuracy` de Keras, para clases ya decididas)."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(_array(y_true), _array(y_pred))
    return (y_true == y_pred).astype(np.float32)


def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)², axis=-1)."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(_array(y_true), _array(y_pred))
    return np.mean(np.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|, axis=-1)."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(_array(y_true), _array(y_pred))
    return np.mean(np.abs(y_true - y_pred), axis=-1)


# ---------------------------------------------------------------- métricas con estado
class Metric:
    """Base: `update_state`, `result`, `reset_state` y un nombre (la clave en los logs y en History)."""

    default_name = "metric"

    def __init__(self, name=None):
        self.name = name or self.default_name
        self.reset_state()

    def reset_state(self):  # pragma: no cover - lo implementa cada subclase
        raise NotImplementedError

    def update_state(self, *args, **kwargs):  # pragma: no cover
        raise NotImplementedError

    def result(self) -> float:  # pragma: no cover
        raise NotImplementedError

    def __call__(self, *args, **kwargs) -> float:
        """Como en Keras: actualiza con este lote y devuelve el resultado acumulado."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name}

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} result={self.result():.4f}>"


class Mean(Metric):
    """La media (ponderada) de todos los valores recibidos: total / recuento.

    Como en Keras, cada lote se reduce primero a un valor por muestra (la media de los ejes que no
    son el del lote) y el total y el recuento se acumulan en float32, el tipo de las variables de una
    métrica de Keras: por eso evaluate y History dan los mismos números que Keras
    (0.9215999841690063, no 0.9216).
    """

    default_name = "mean"

    def reset_state(self):
        self.total = np.float32(0)
        self.count = np.float32(0)

    def update_state(self, values, sample_weight=None):
        values = np.asarray(_array(values), dtype=np.float32)
        if sample_weight is None:
            count = values.shape[0] if values.ndim else 1
        else:
            values, weights = _weigh(values, np.asarray(_array(sample_weight), dtype=np.float32))
            count = weights.sum(dtype=np.float32)
        if values.ndim > 1:
            values = values.mean(axis=tuple(range(1, values.ndim)))
        self.total = np.float32(self.total + values.sum(dtype=np.float32))
        self.count = np.float32(self.count + np.float32(count))

    def result(self) -> float:
        return float(self.total / self.count) if self.count else 0.0


def _weigh(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Los valores por sus pesos y el peso de cada muestra (`reduce_to_samplewise_values` de Keras).

    Un peso por muestra (forma (N,)) pondera la media de cada muestra; un peso escalar (el tamaño del
    lote, para la pérdida) pondera la media del lote entero.
    """
    values, weights = squeeze_or_expand_to_same_rank(values, weights)
    if values.ndim > weights.ndim:
        values = values.mean(axis=tuple(range(weights.ndim, values.ndim)))
    weights = np.broadcast_to(weights, values.shape)
    values = values * weights
    if weights.ndim > 1:
        weights = weights.mean(axis=tuple(range(1, weights.ndim)))
    return values, weights


class MeanMetricWrapper(Mean):
    """Convierte una función `fn(y_true, y_pred)` (un valor por elemento o muestra) en una media acumulada."""

    def __init__(self, fn, name=None, **options):
        self.fn, self.options = fn, options
        super().__init__(name or getattr(fn, "__name__", None))

    def update_state(self, y_true, y_pred, sample_weight=None):
        owner = f"{type(self).__name__}.update_state"
        y_true, y_pred = (value if isinstance(value, Tensor) else numeric_array(owner, name, value)
                          for name, value in (("y_true", y_true), ("y_pred", y_pred)))
        if y_true.ndim and y_pred.ndim and len(y_true) != len(y_pred):
            raise ShapeError(
                f"{owner}: y_true tiene {len(y_true)} muestras (forma {shape_str(y_true.shape)}) e y_pred {len(y_pred)} "
                f"(forma {shape_str(y_pred.shape)}): deben ser las mismas, una predicción por etiqueta."
            )
        super().update_state(self.fn(y_true, y_pred, **self.options), sample_weight)


def _metric_class(class_name, function, name, **defaults):
    """La clase de una métrica a partir de su función, con su nombre de Keras."""
    def __init__(self, name=None, **options):
        MeanMetricWrapper.__init__(self, function, name=name or self.default_name, **{**defaults, **options})
    return type(class_name, (MeanMetricWrapper,), {"default_name": name, "__init__": __init__,
                                                    "__doc__": function.__doc__})


Accuracy = _metric_class("Accuracy", accuracy, "accuracy")
BinaryAccuracy = _metric_class("BinaryAccuracy", binary_accuracy, "binary_accuracy", threshold=0.5)
CategoricalAccuracy = _metric_class("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy")
SparseCategoricalAccuracy = _metric_class("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                          "sparse_categorical_accuracy")
MeanSquaredError = _metric_class("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _metric_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error")


class AutoAccuracy(Metric):
    """'accuracy' sin formas todavía: elige la métrica concreta con el primer lote, como hace Keras en fit.

    Se comporta como la métrica elegida y conserva el nombre pedido ('accuracy' o 'acc').
    """

    def __init__(self, name="accuracy"):
        self.chosen = None
        super().__init__(name)

    def reset_state(self):
        if self.chosen is not None:
            self.chosen.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self.chosen is None:
            self.chosen = resolve_accuracy(self.name, y_true, y_pred)
        self.chosen.update_state(y_true, y_pred, sample_weight)

    def result(self) -> float:
        return self.chosen.result() if self.chosen is not None else 0.0


def resolve_accuracy(name, y_true, y_pred) -> Metric:
    """La regla de Keras 3 (solo las formas, no la pérdida):

        binaria   si y_pred.shape[-1] == 1
        sparse    si rank(y_true) < rank(y_pred), o y_true.shape[-1] == 1 < y_pred.shape[-1]
        categórica en otro caso
    """
    kind = accuracy_kind(np.shape(_array(y_true)), np.shape(_array(y_pred)))
    return {"binary": BinaryAccuracy, "sparse": SparseCategoricalAccuracy, "categorical": CategoricalAccuracy}[kind](
        name=name)


def accuracy_kind(true_shape, pred_shape) -> str:
    """'binary', 'sparse' o 'categorical' a partir de las formas (la regla de arriba)."""
    if tuple(pred_shape[-1:]) == (1,) or len(pred_shape) <= 1:
        return "binary"
    if len(true_shape) < len(pred_shape) or (tuple(true_shape[-1:]) == (1,) and pred_shape[-1] > 1):
        return "sparse"
    return "categorical"


# ---------------------------------------------------------------- por nombre
_CLASSES = (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, MeanSquaredError,
            MeanAbsoluteError, Mean)
ALL = {cls.__name__: cls for cls in _CLASSES}
ALL.update({cls.default_name: cls for cls in _CLASSES if cls not in (Accuracy, Mean)})
ALL.update(mse=MeanSquaredError, MSE=MeanSquaredError, mae=MeanAbsoluteError, MAE=MeanAbsoluteError,
           accuracy=AutoAccuracy, acc=AutoAccuracy)
ALL = dict(sorted(ALL.items()))
ACCURACY_NAMES = ("accuracy", "acc")


def get(identifier, y_true=None, y_pred=None) -> Metric:
    """Una métrica a partir de su nombre, de un objeto o de una función, como `compile(metrics=[...])`.

    - 'accuracy'/'acc': se elige binaria, categórica o sparse por las formas de `y_true` y
      `y_pred` (arrays o formas); sin ellas, se elige con el primer lote. El nombre es el pedido.
    - Otro nombre ('mse', 'mae', 'binary_accuracy'...): esa métrica, con el nombre tal cual
      se escribió (como Keras: `metrics=['mse']` da la clave 'mse' en History).
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier.lower() in ACCURACY_NAMES and y_true is not None and y_pred is not None:
            return resolve_accuracy(identifier, _shaped(y_true), _shaped(y_pred))
        return lookup("Nombre de métrica", identifier, ALL)(name=identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise ValueError(
        f"No se puede interpretar {identifier!r} como métrica: pasa un nombre ('accuracy', 'mse', 'mae'...), "
        "un objeto como keras.metrics.BinaryAccuracy() o una función f(y_true, y_pred)."
    )


def _shaped(x):
    """Acepta un array o directamente una forma (tupla) y devuelve algo con `.shape`."""
    if isinstance(x, tuple):
        return np.empty([1 if s is None else s for s in x], dtype=np.float32)
    return _array(x)


__getattr__ = missing_module_attribute("keras.metrics", globals())  # un nombre que no existe, en español
