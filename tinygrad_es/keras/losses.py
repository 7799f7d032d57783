"""Pérdidas de Keras, por nombre ('mse', 'categorical_crossentropy'...) o como clases.

Dos formas, como en Keras:
- funciones `categorical_crossentropy(y_true, y_pred)` que devuelven la pérdida de cada muestra;
- objetos `CategoricalCrossentropy()` que se llaman `loss(y_true, y_pred)` y devuelven un escalar:
  la media de las pérdidas por muestra ("sum_over_batch_size" en Keras).

Los números son los de Keras 3 (probabilidades recortadas a [1e-7, 1-1e-7], normalización en
la categórica, media sobre el último eje). Las cuentas las hacen `tinygrad_es.nn.losses`; aquí
está lo propio de Keras: el orden (y_true, y_pred), igualar el número de ejes de etiquetas y
predicciones ((N,) frente a (N, 1)), el label smoothing y los errores de etiquetas que no
encajan con la pérdida.

Con probabilidades (from_logits=False) siempre se recorta a [1e-7, 1-1e-7], como Keras con los
backends JAX, PyTorch y NumPy, en fit y en evaluate por igual: así la pérdida de entrenamiento
y la de evaluación son la misma fórmula. (Keras con TensorFlow busca los logits detrás de una
softmax o sigmoide y no recorta; solo cambia algo cuando una probabilidad baja de 1e-7.)
"""
import warnings

import numpy as np

from ..errors import ShapeError, missing_module_attribute, shape_str
from ..nn import losses as F
from ..tensor import Tensor
from ..validation import number, numeric_array
from .registry import lookup

REDUCTIONS = {"sum_over_batch_size": "mean", "sum": "sum", "none": "none", None: "none"}


# ---------------------------------------------------------------- ayudantes
def _tensors(y_true, y_pred, name="la pérdida"):
    """y_pred como Tensor (conserva el grafo) y y_true como array de NumPy (de números: un texto es un error)."""
    if not isinstance(y_pred, Tensor):
        y_pred = Tensor(numeric_array(name, "y_pred", y_pred))
    y_true = y_true.data if isinstance(y_true, Tensor) else numeric_array(name, "y_true", y_true)
    return y_true, y_pred


def extra_axes_hint(true_shape: tuple, pred_shape: tuple) -> str:
    """Si las predicciones tienen ejes de más respecto a las etiquetas (falta Flatten tras una Conv2D, o
    return_sequences=True en la última recurrente), la frase que lo explica; si no, ''."""
    if len(pred_shape) < 3 or len(true_shape) >= len(pred_shape) or not true_shape or true_shape[0] != pred_shape[0]:
        return ""
    if len(pred_shape) == 3:
        return (
            f"la salida del modelo aún tiene el eje del tiempo: forma {shape_str(pred_shape)} frente a etiquetas "
            f"{shape_str(true_shape)}, porque una capa anterior da una salida por cada uno de los {pred_shape[1]} "
            "pasos (una recurrente con return_sequences=True, una Conv1D o un Embedding) y Dense se aplica a cada "
            "paso. Si es una LSTM/GRU/SimpleRNN, pon return_sequences=False en la última; si no, añade Flatten() o "
            "GlobalAveragePooling1D() antes de Dense."
        )
    middle = " × ".join(map(str, pred_shape[1:-1]))
    return (
        f"la salida del modelo aún tiene ejes espaciales: forma {shape_str(pred_shape)} frente a etiquetas "
        f"{shape_str(true_shape)}, porque Dense se aplica a cada posición ({middle}) de la imagen por separado. "
        "Añade Flatten() (o GlobalAveragePooling2D()) después de la última capa convolucional o de pooling y antes "
        "de la primera Dense, para que cada muestra sea un vector."
    )


def _check_same_size(name, y_true, y_pred):
    """Pérdidas elemento a elemento (mse, mae, hinge...): una etiqueta por salida."""
    if y_true.size != y_pred.size:
        _raise_if_extra_axes(name, y_true, y_pred)
        raise ShapeError(
            f"{name}: las etiquetas tienen forma {shape_str(y_true.shape)} y las predicciones "
            f"{shape_str(y_pred.shape)}: deben tener el mismo número de elementos, uno por salida."
        )


def _raise_if_extra_axes(name, y_true, y_pred):
    hint = extra_axes_hint(y_true.shape, y_pred.shape)
    if hint:
        raise ShapeError(f"{name}: {hint}")


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Si los rangos difieren en uno y el más largo acaba en 1, iguala los rangos (como Keras).

    Así `y_true` de forma (N,) y `y_pred` de forma (N, 1) se comparan elemento a elemento: el
    de rango 1 gana un eje (con expand_rank_1) o, si no, el otro pierde el suyo.
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2.reshape(*x2.shape, 1)
        else:
            x1 = x1.reshape(*x1.shape[:-1])
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1.reshape(*x1.shape, 1)
        else:
            x2 = x2.reshape(*x2.shape[:-1])
    return x1, x2


def _integer_like(y) -> bool:
    return y.dtype.kind in "iub" or (y.size > 0 and np.all(y == np.round(y)))


def _check_one_hot(y_true, y_pred, name):
    """categorical_crossentropy necesita etiquetas con la forma de las predicciones (one-hot)."""
    if y_true.shape == y_pred.shape:
        return _check_probabilities(y_true, name)
    classes = y_pred.shape[-1]
    if y_true.shape in (y_pred.shape[:-1], y_pred.shape[:-1] + (1,)) and _integer_like(y_true):
        raise ShapeError(
            f"{name} espera etiquetas one-hot de forma {shape_str(y_pred.shape)} (como las predicciones) y recibió "
            f"etiquetas enteras de forma {shape_str(y_true.shape)} (el índice de cada clase). Conviértelas con "
            f"y = keras.utils.to_categorical(y, {classes}) o usa loss='sparse_categorical_crossentropy'."
        )
    _raise_if_extra_axes(name, y_true, y_pred)
    raise ShapeError(
        f"{name} espera etiquetas de forma {shape_str(y_pred.shape)} (una probabilidad por clase, como las "
        f"predicciones) y recibió {shape_str(y_true.shape)}: revisa que la última capa tenga una unidad por clase."
    )


def _check_probabilities(y_true, name):
    """Etiquetas one-hot: cada valor entre 0 y 1 (un 1 en la clase, o probabilidades si se suavizan)."""
    if not isinstance(y_true, np.ndarray) or not y_true.size:  # (en la GPU no se mira: costaría una copia)
        return
    low, high = float(y_true.min()) + 0.0, float(y_true.max()) + 0.0  # (+ 0.0: -0.0 se escribe 0)
    if not (low >= 0 and high <= 1):  # (así también un NaN es un error)
        raise ValueError(
            f"{name} espera etiquetas one-hot (un 1 en la clase de cada muestra y 0 en las demás, o probabilidades "
            f"entre 0 y 1) y van de {low:g} a {high:g}: si son índices de clase, conviértelas con "
            "keras.utils.to_categorical(y, clases); si no, revisa las etiquetas (¿una columna equivocada?)."
        )


def _check_sparse(y_true, y_pred, name):
    """sparse_categorical_crossentropy necesita el índice de la clase: forma de y_pred sin el último eje."""
    if y_true.shape == y_pred.shape[:-1]:
        return _check_class_indices(y_true, y_pred.shape[-1], name)
    if y_true.shape == y_pred.shape[:-1] + (1,):  # Keras quita el eje final de tamaño 1
        return _check_class_indices(y_true.reshape(y_pred.shape[:-1]), y_pred.shape[-1], name)
    if y_true.shape == y_pred.shape:
        raise ShapeError(
            f"{name} espera etiquetas enteras de forma {shape_str(y_pred.shape[:-1])} (el índice de cada clase) y "
            f"recibió {shape_str(y_true.shape)}, que parecen one-hot. Usa loss='categorical_crossentropy' o "
            "convierte las etiquetas con y = np.argmax(y, axis=-1)."
        )
    _raise_if_extra_axes(name, y_true, y_pred)
    raise ShapeError(
        f"{name} espera etiquetas enteras de forma {shape_str(y_pred.shape[:-1])} (el índice de cada clase, para "
        f"predicciones de forma {shape_str(y_pred.shape)}) y recibió {shape_str(y_true.shape)}."
    )


def _check_class_indices(y_true, classes, name):
    """Índices de clase: enteros de 0 a classes - 1 (la última capa tiene una unidad por clase)."""
    if not isinstance(y_true, np.ndarray) or not y_true.size:  # (en la GPU los mira nn.losses)
        return y_true
    low, high = y_true.min(), y_true.max()
    fractional = y_true.dtype.kind == "f" and not np.all(y_true == np.round(y_true))
    if fractional or low < 0 or high >= classes:
        advice = ("no son índices de clase: ¿son valores continuos? Entonces usa una pérdida de regresión como 'mse'"
                  if fractional else
                  f"si hay {int(high) + 1} clases, la última capa necesita una unidad por clase (Dense({int(high) + 1}"
                  ", activation='softmax'))" + ("; si las etiquetas empiezan en 1, réstales 1" if low >= 1 else "")
                  if high >= classes else "los índices de clase empiezan en 0")
        raise ValueError(
            f"{name} espera etiquetas enteras de 0 a {classes - 1} (el índice de la clase; la última capa tiene "
            f"{classes} unidades) y van de {low:g} a {high:g}: {advice}."
        )
    return y_true


# ---------------------------------------------------------------- funciones (pérdida por muestra)
def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)², axis=-1)."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_tensors(y_true, y_pred, "mean_squared_error"))
    _check_same_size("mean_squared_error", y_true, y_pred)
    return F.mse(y_pred, y_true, reduction="none")


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|, axis=-1)."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_tensors(y_true, y_pred, "mean_absolute_error"))
    _check_same_size("mean_absolute_error", y_true, y_pred)
    return F.mae(y_pred, y_true, reduction="none")


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """mean(-(y·log p + (1-y)·log(1-p)), axis=-1), p recortada a [1e-7, 1-1e-7]; exacta con from_logits."""
    y_true, y_pred = _tensors(y_true, y_pred, "binary_crossentropy")
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    if y_true.size != y_pred.size:
        _raise_if_extra_axes("binary_crossentropy", y_true, y_pred)
        raise ShapeError(
            f"binary_crossentropy compara cada salida con su etiqueta 0/1, y hay predicciones de forma "
            f"{shape_str(y_pred.shape)} con etiquetas de forma {shape_str(y_true.shape)}. Para clasificación binaria "
            "usa Dense(1, activation='sigmoid') con etiquetas 0/1 de forma (N,); para varias clases, "
            "Dense(clases, activation='softmax') con loss='sparse_categorical_crossentropy' (etiquetas enteras) "
            "o 'categorical_crossentropy' (one-hot)."
        )
    F.check_binary_labels(y_true, "binary_crossentropy")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return F.binary_cross_entropy(y_pred, y_true, from_logits=from_logits, reduction="none")


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0):
    """-Σ y·log p por muestra, con etiquetas one-hot; p = y_pred / Σy_pred recortada (o log_softmax con from_logits)."""
    y_true, y_pred = _tensors(y_true, y_pred, "categorical_crossentropy")
    _check_one_hot(y_true, y_pred, "categorical_crossentropy")
    if y_pred.shape[-1] == 1:
        warnings.warn(
            "categorical_crossentropy con una sola salida: softmax de un único valor es siempre 1 y la pérdida "
            "siempre 0, así que el modelo no aprende. Para dos clases usa Dense(1, activation='sigmoid') con "
            "loss='binary_crossentropy'.",
            SyntaxWarning, stacklevel=2,
        )
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    if from_logits:
        return F.softmax_cross_entropy(y_pred, y_true, reduction="none")
    return F.categorical_cross_entropy(y_pred, y_true, reduction="none")


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Como categorical_crossentropy, con etiquetas enteras (el índice de la clase) en vez de one-hot."""
    y_true, y_pred = _tensors(y_true, y_pred, "sparse_categorical_crossentropy")
    y_true = _check_sparse(y_true, y_pred, "sparse_categorical_crossentropy")
    if from_logits:
        return F.softmax_cross_entropy(y_pred, y_true, reduction="none")
    return F.categorical_cross_entropy(y_pred, y_true, reduction="none")


def hinge(y_true, y_pred):
    """mean(max(1 - y·f(x), 0), axis=-1) con y en {-1, +1} (unas etiquetas 0/1 se convierten)."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_tensors(y_true, y_pred, "hinge"))
    _check_same_size("hinge", y_true, y_pred)
    return F.hinge(y_pred, y_true, reduction="none")


def logistic(y_true, y_pred):
    """La pérdida logística del curso, log(1 + exp(-y·f(x))), con y en {-1, +1} y f(x) sin sigmoide."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_tensors(y_true, y_pred, "logistic"))
    _check_same_size("logistic", y_true, y_pred)
    return F.logistic_loss(y_pred, y_true, reduction="none")


# ---------------------------------------------------------------- clases
class Loss:
    """Una pérdida con nombre y reducción: `loss(y_true, y_pred, sample_weight=None)` -> escalar.

    `fn(y_true, y_pred, **options)` da la pérdida de cada muestra; `reduction` decide cómo se
    junta: 'sum_over_batch_size' (la media, por defecto), 'sum' o 'none'.
    """

    fn = None
    default_name = None

    def __init__(self, reduction="sum_over_batch_size", name=None, **options):
        if reduction not in REDUCTIONS:
            raise ValueError(
                f"reduction debe ser 'sum_over_batch_size', 'sum' o 'none' y recibió {reduction!r}."
            )
        self.reduction = reduction
        self.name = name or self.default_name
        self.options = options

    def __call__(self, y_true, y_pred, sample_weight=None):
        losses = type(self).fn(y_true, y_pred, **self.options)
        if sample_weight is None:
            return F.reduce_per_sample(losses, REDUCTIONS[self.reduction])
        weighted = losses * np.asarray(sample_weight, dtype=losses.dtype).reshape(
            losses.shape[:1] + (1,) * (losses.ndim - 1))
        if self.reduction == "sum_over_batch_size":
            return weighted.sum() / max(losses.size, 1)
        return F.reduce_per_sample(weighted, REDUCTIONS[self.reduction])

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction, **self.options}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}>"


def _loss_class(class_name, function, name, doc):
    """Crea la clase de una pérdida a partir de su función (como LossFunctionWrapper en Keras)."""
    return type(class_name, (Loss,), {"fn": staticmethod(function), "default_name": name, "__doc__": doc})


MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error, "mean_squared_error", mean_squared_error.__doc__)
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                                mean_absolute_error.__doc__)
Hinge = _loss_class("Hinge", hinge, "hinge", hinge.__doc__)
LogisticLoss = _loss_class("LogisticLoss", logistic, "logistic", logistic.__doc__)


class BinaryCrossentropy(Loss):
    """Entropía cruzada binaria (etiquetas 0/1): probabilidades, o logits con from_logits=True."""

    fn = staticmethod(binary_crossentropy)
    default_name = "binary_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, reduction="sum_over_batch_size", name=None):
        label_smoothing = number(type(self).__name__, "label_smoothing", label_smoothing, 0, 1,
                                 meaning="cuánto se acercan las etiquetas al reparto uniforme")
        super().__init__(reduction, name, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(Loss):
    """Entropía cruzada con etiquetas one-hot."""

    fn = staticmethod(categorical_crossentropy)
    default_name = "categorical_crossentropy"

    def __init__(self, from_logits=False, label_smoothing=0.0, reduction="sum_over_batch_size", name=None):
        label_smoothing = number(type(self).__name__, "label_smoothing", label_smoothing, 0, 1,
                                 meaning="cuánto se acercan las etiquetas al reparto uniforme")
        super().__init__(reduction, name, from_logits=from_logits, label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(Loss):
    """Entropía cruzada con etiquetas enteras (el índice de la clase)."""

    fn = staticmethod(sparse_categorical_crossentropy)
    default_name = "sparse_categorical_crossentropy"

    def __init__(self, from_logits=False, reduction="sum_over_batch_size", name=None):
        super().__init__(reduction, name, from_logits=from_logits)


# ---------------------------------------------------------------- por nombre
_CLASSES = (MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy, CategoricalCrossentropy,
            SparseCategoricalCrossentropy, Hinge, LogisticLoss)
ALL = {cls.__name__: cls for cls in _CLASSES}
ALL.update({cls.default_name: cls for cls in _CLASSES})
ALL.update(mse=MeanSquaredError, MSE=MeanSquaredError, mae=MeanAbsoluteError, MAE=MeanAbsoluteError,
           bce=BinaryCrossentropy)
ALL = dict(sorted(ALL.items()))


def get(identifier) -> Loss:
    """'mse' -> MeanSquaredError(); un Loss -> el mismo; una función (y_true, y_pred) -> envuelta en un Loss."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        cls = lookup("Nombre de pérdida (loss)", identifier, ALL)
        return cls()
    if isinstance(identifier, dict) and "class_name" in identifier:
        cls = lookup("Nombre de pérdida (loss)", identifier["class_name"], ALL)
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if callable(identifier):
        return _loss_class("LossFunctionWrapper", identifier, getattr(identifier, "__name__", "loss"),
                           identifier.__doc__)()
    raise ValueError(
        f"No se puede interpretar {identifier!r} como pérdida: pasa un nombre ('mse', 'categorical_crossentropy', "
        "'sparse_categorical_crossentropy'...), un objeto como keras.losses.MeanSquaredError() o una función "
        "f(y_true, y_pred)."
    )


def serialize(loss: Loss) -> dict:
    """La pérdida como diccionario JSON: {'class_name': 'MeanSquaredError', 'config': {...}}."""
    return {"class_name": type(loss).__name__, "config": loss.get_config()}


def deserialize(config: dict) -> Loss:
    return get(config)


__getattr__ = missing_module_attribute("keras.losses", globals())  # un nombre que no existe, en español
