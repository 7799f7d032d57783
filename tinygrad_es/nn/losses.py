"""Funciones de pérdida sobre Tensors: `f(y_pred, y_true, reduction='mean')`.

La pérdida de cada muestra se reduce según `reduction`:
- 'mean' (por defecto; "sum_over_batch_size" en Keras): la media de las pérdidas por muestra,
- 'sum': su suma,
- 'none': un Tensor con la pérdida de cada muestra.

Como en Keras, la pérdida de una muestra con varias salidas (forma (N, k)) es la media sobre
el último eje; con una salida por muestra (forma (N,)) cada elemento es una muestra.

Las entropías cruzadas usan las operaciones fusionadas de `ops/loss.py` (más estables y más
rápidas); el resto se compone de operaciones de Tensor, que ya son igual de rápidas.
"""
from __future__ import annotations

import numpy as np

from ..errors import ShapeError, shape_str
from ..ops.loss import BinaryCrossEntropy, BinaryCrossEntropyWithLogits, CategoricalCrossEntropy, SoftmaxCrossEntropy
from ..tensor import Tensor, as_tensor

REDUCTIONS = ("mean", "sum", "none")


# ---------------------------------------------------------------- ayudantes
def _array(labels) -> np.ndarray:
    return labels.data if isinstance(labels, Tensor) else np.asarray(labels)


def reduce_per_sample(losses: Tensor, reduction: str) -> Tensor:
    """Reduce un Tensor de pérdidas, una por muestra."""
    if reduction == "mean":
        return losses.mean()
    if reduction == "sum":
        return losses.sum()
    if reduction == "none":
        return losses
    raise ValueError(f"reduction debe ser una de {REDUCTIONS} y recibió {reduction!r}.")


def reduce_elements(losses: Tensor, reduction: str) -> Tensor:
    """Reduce pérdidas elemento a elemento: por muestra es la media del último eje (si hay más de uno).

    Para 'mean' la media de las medias por muestra es la media de todos los elementos (todas
    las muestras tienen los mismos), y se calcula así, con menos operaciones.
    """
    if reduction == "mean":
        return losses.mean()
    if losses.ndim >= 2:
        if reduction == "sum":
            return losses.sum() / losses.shape[-1]
        losses = losses.mean(axis=-1)
    return reduce_per_sample(losses, reduction)


def class_labels(pred: Tensor, labels: Tensor | np.ndarray, name: str) -> np.ndarray:
    """Comprueba las etiquetas de una pérdida de clasificación: one-hot (forma de pred) o índices enteros.

    Los índices tienen la forma de `pred` sin el último eje y valores enteros en [0, clases).
    """
    labels = _array(labels)
    if labels.shape == pred.shape:
        return labels
    classes = pred.shape[-1] if pred.ndim else 0
    if labels.shape != pred.shape[:-1]:
        raise ShapeError(
            f"{name}: las etiquetas deben tener la forma de las predicciones {shape_str(pred.shape)} (one-hot) o "
            f"{shape_str(pred.shape[:-1])} (el índice de la clase) y tienen forma {shape_str(labels.shape)}."
        )
    fractional = labels.dtype.kind == "f" and not np.all(labels == np.round(labels))
    if labels.size and (fractional or labels.min() < 0 or labels.max() >= classes):
        raise ValueError(
            f"{name}: las etiquetas enteras deben ser índices de clase entre 0 y {classes - 1} (hay {classes} "
            f"salidas) y van de {labels.min()} a {labels.max()}: revisa que la última capa tenga una unidad por clase."
        )
    return labels.astype(np.intp, copy=False)


def _same_shape_labels(pred: Tensor, labels, name: str) -> np.ndarray:
    """Etiquetas que se comparan elemento a elemento con pred: (N,) frente a (N, 1) se acepta."""
    labels = _array(labels)
    if labels.shape != pred.shape:
        if labels.size != pred.size:
            raise ShapeError(
                f"{name}: las etiquetas tienen forma {shape_str(labels.shape)} y las predicciones "
                f"{shape_str(pred.shape)}: deben tener el mismo número de elementos, uno por salida."
            )
        labels = labels.reshape(pred.shape)
    return labels.astype(pred.dtype, copy=False)


# ---------------------------------------------------------------- clasificación
def softmax_cross_entropy(logits: Tensor, labels: Tensor | np.ndarray, reduction: str = "mean") -> Tensor:
    """Entropía cruzada de softmax(logits) con etiquetas enteras o one-hot, estable (sin calcular softmax aparte)."""
    logits = as_tensor(logits)
    labels = class_labels(logits, labels, "softmax_cross_entropy")
    return reduce_per_sample(SoftmaxCrossEntropy.apply(logits, labels=labels), reduction)


def categorical_cross_entropy(probs: Tensor, labels: Tensor | np.ndarray, reduction: str = "mean") -> Tensor:
    """Entropía cruzada -Σ y·log p a partir de probabilidades (la salida de softmax), recortadas a [1e-7, 1-1e-7].

    Etiquetas enteras -> la versión "sparse"; one-hot -> la categórica.
    """
    probs = as_tensor(probs)
    labels = class_labels(probs, labels, "categorical_cross_entropy")
    return reduce_per_sample(CategoricalCrossEntropy.apply(probs, labels=labels), reduction)


def check_binary_labels(labels: np.ndarray, name: str) -> None:
    """Las etiquetas de la entropía binaria son 0/1 (o probabilidades): nada fuera de [0, 1]."""
    if labels.size == 0 or not isinstance(labels, np.ndarray):  # (en la GPU no se mira: costaría una copia)
        return
    low, high = float(labels.min()), float(labels.max())
    if low >= 0 and high <= 1:
        return
    if high > 1 and low >= 0 and np.all(labels == np.round(labels)):
        advice = (f"parecen {int(high) + 1} clases: usa una salida por clase con softmax y la entropía cruzada "
                  f"categórica (en Keras, Dense({int(high) + 1}, activation='softmax') y "
                  "loss='sparse_categorical_crossentropy')")
    elif low == -1 and high == 1:
        advice = "parecen etiquetas -1/+1: conviértelas con y = (y + 1) / 2, o usa la pérdida hinge"
    else:
        advice = "revisa las etiquetas (¿una columna equivocada?)"
    raise ValueError(
        f"{name} espera etiquetas entre 0 y 1 (las clases 0/1, o probabilidades) y van de {low:g} a {high:g}: "
        f"{advice}."
    )


def binary_cross_entropy(pred: Tensor, labels: Tensor | np.ndarray, from_logits: bool = False,
                         reduction: str = "mean") -> Tensor:
    """-(y·log p + (1-y)·log(1-p)) con y en [0, 1]; `pred` son probabilidades, o logits con from_logits=True."""
    pred = as_tensor(pred)
    labels = _same_shape_labels(pred, labels, "binary_cross_entropy")
    check_binary_labels(labels, "binary_cross_entropy")
    op = BinaryCrossEntropyWithLogits if from_logits else BinaryCrossEntropy
    return reduce_elements(op.apply(pred, labels=labels), reduction)


def logistic_loss(pred: Tensor, labels: Tensor | np.ndarray, reduction: str = "mean") -> Tensor:
    """La pérdida logística del curso, log(1 + exp(-y·f(x))), con etiquetas y en {-1, +1} y f(x) la salida sin sigmoide.

    Es la entropía binaria con logits f(x) y etiqueta (y + 1) / 2, y se calcula así: estable
    para cualquier f(x).
    """
    pred = as_tensor(pred)
    labels = _same_shape_labels(pred, labels, "logistic_loss")
    if labels.size and not np.all((labels == 1) | (labels == -1)):
        raise ValueError(
            f"logistic_loss espera etiquetas -1 y +1 y recibió valores {np.unique(labels)[:5]}: si tus etiquetas "
            "son 0 y 1, conviértelas con y = 2*y - 1 (o usa binary_cross_entropy(..., from_logits=True))."
        )
    return reduce_elements(BinaryCrossEntropyWithLogits.apply(pred, labels=(labels + 1) / 2), reduction)


def hinge(pred: Tensor, labels: Tensor | np.ndarray, reduction: str = "mean") -> Tensor:
    """max(1 - y·f(x), 0) con y en {-1, +1}; como Keras, unas etiquetas 0/1 se convierten a -1/+1."""
    pred = as_tensor(pred)
    labels = _same_shape_labels(pred, labels, "hinge")
    if labels.size and np.all((labels == 0) | (labels == 1)):
        labels = 2 * labels - 1
    elif isinstance(labels, np.ndarray) and labels.size and not (labels.min() >= -1 and labels.max() <= 1):
        high = float(labels.max())
        advice = (f"parecen {int(high) + 1} clases: usa una salida por clase con softmax y "
                  "loss='sparse_categorical_crossentropy'" if high > 1 and np.all(labels == np.round(labels)) else
                  "revisa las etiquetas (¿una columna equivocada?)")
        raise ValueError(
            f"hinge espera etiquetas -1 y +1 (o 0 y 1, que se convierten) y van de {float(labels.min()):g} a {high:g}: "
            f"{advice}."
        )
    return reduce_elements((1 - pred * labels).relu(), reduction)


# ---------------------------------------------------------------- regresión
def mse(pred: Tensor, labels: Tensor | np.ndarray, reduction: str = "mean") -> Tensor:
    """Error cuadrático medio: media de (pred - y)²."""
    pred = as_tensor(pred)
    diff = pred - _same_shape_labels(pred, labels, "mse")
    return reduce_elements(diff * diff, reduction)


def mae(pred: Tensor, labels: Tensor | np.ndarray, reduction: str = "mean") -> Tensor:
    """Error absoluto medio: media de |pred - y|."""
    pred = as_tensor(pred)
    return reduce_elements((pred - _same_shape_labels(pred, labels, "mae")).abs(), reduction)
