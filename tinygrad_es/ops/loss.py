"""Pérdidas fusionadas: la entropía cruzada calculada en una sola operación primitiva.

Se podrían componer de log, exp, sum y clip (y el autograd las derivaría), pero fusionadas
ganan en dos cosas:

- Estabilidad: el gradiente de softmax + entropía cruzada es simplemente `softmax - etiquetas`,
  y el de sigmoide + entropía binaria `sigmoide - etiquetas`; calculados así no pasan nunca
  por log(0) ni por exp(grande).
- Velocidad: un nodo del grafo en lugar de ocho o diez, cada uno con sus arrays temporales.

Las etiquetas no son entradas derivables: se pasan como opción (`labels=`). Pueden ser enteros
(el índice de la clase, forma de la salida sin el último eje) o probabilidades/one-hot (la
misma forma que la salida). Cada operación devuelve la pérdida por muestra, sin reducir.
"""
import numpy as np

from ..autograd import Function
from ..runtime.device import device_of, to_device

EPSILON = 1e-7  # el épsilon de Keras (backend.epsilon()): recorte de probabilidades y optimizadores


def dense_labels(labels, like):
    """Etiquetas enteras (..., ) -> one-hot (..., C) con la forma y el tipo de `like`; las que ya tienen esa forma
    se dejan igual. Las etiquetas llegan de la CPU y el resultado va al dispositivo de `like` (una copia por lote)."""
    if device_of(labels) == "cpu":
        labels = np.asarray(labels)
        if labels.shape != like.shape:
            onehot = np.zeros(like.shape, dtype=like.dtype)
            np.put_along_axis(onehot, labels.astype(np.intp)[..., None], 1, axis=-1)
            labels = onehot
    return to_device(labels, device_of(like)).astype(like.dtype, copy=False)


class SoftmaxCrossEntropy(Function):
    """-Σ y·log_softmax(z) sobre el último eje, a partir de logits z.

    Fusionada porque log_softmax restando el máximo nunca desborda y el gradiente,
    softmax(z)·Σy - y (= softmax - one-hot), sale exacto y en una pasada.
    """

    def forward(self, logits, labels):
        y = dense_labels(labels, logits)
        shifted = logits - logits.max(axis=-1, keepdims=True)
        e = np.exp(shifted)
        total = e.sum(axis=-1, keepdims=True)
        log_probs = shifted - np.log(total)
        self.save_for_backward(e / total, y)
        return -(y * log_probs).sum(axis=-1)

    def backward(self, grad):
        probs, y = self.saved
        return (probs * y.sum(axis=-1, keepdims=True) - y) * grad[..., None]


class CategoricalCrossEntropy(Function):
    """-Σ y·log(p) a partir de probabilidades p, como Keras: p se normaliza (p / Σp) y se recorta a [1e-7, 1-1e-7].

    Fusionada para hacer en una pasada la normalización, el recorte y el logaritmo, y derivar
    la normalización con su fórmula cerrada en lugar de con cuatro nodos más.
    """

    def forward(self, probs, labels):
        y = dense_labels(labels, probs)
        total = probs.sum(axis=-1, keepdims=True)
        q = probs / total
        clipped = np.clip(q, EPSILON, 1 - EPSILON)
        self.save_for_backward(y, q, clipped, total)
        return -(y * np.log(clipped)).sum(axis=-1)

    def backward(self, grad):
        y, q, clipped, total = self.saved
        # dL/dq = -y/q donde q no se recortó, y 0 donde sí (allí el recorte es constante).
        # (con np.where y no con dq[máscara] = 0: así vale también en la GPU)
        dq = np.where(clipped == q, -y / clipped, 0)
        # q = p / Σp  =>  dL/dp = (dL/dq - Σ dL/dq·q) / Σp
        return (dq - (dq * q).sum(axis=-1, keepdims=True)) * (grad[..., None] / total)


class BinaryCrossEntropy(Function):
    """-(y·log p + (1-y)·log(1-p)) elemento a elemento, con p recortada a [1e-7, 1-1e-7] como Keras.

    Fusionada porque la derivada tiene forma cerrada, (p - y) / (p·(1-p)), y así el recorte
    y los dos logaritmos son un solo nodo.
    """

    def forward(self, probs, labels):
        y = to_device(labels, device_of(probs)).astype(probs.dtype, copy=False)  # a su dispositivo
        p = np.clip(probs, EPSILON, 1 - EPSILON)
        self.save_for_backward(probs, p, y)
        return -(y * np.log(p) + (1 - y) * np.log(1 - p))

    def backward(self, grad):
        probs, p, y = self.saved
        # donde se recortó, la pérdida no depende de la predicción: gradiente 0
        return np.where(p == probs, (p - y) / (p * (1 - p)) * grad, 0)


class BinaryCrossEntropyWithLogits(Function):
    """La entropía binaria a partir de logits z: max(z, 0) - z·y + log(1 + e^(-|z|)).

    Fusionada por estabilidad: esa forma nunca evalúa e^(grande) ni log(0), para ningún z, y el
    gradiente es sigmoide(z) - y.
    """

    def forward(self, logits, labels):
        y = to_device(labels, device_of(logits)).astype(logits.dtype, copy=False)  # a su dispositivo
        self.save_for_backward(logits, y)
        return np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))

    def backward(self, grad):
        z, y = self.saved
        e = np.exp(-np.abs(z))
        sigmoid = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        return ((sigmoid - y) * grad).astype(z.dtype, copy=False)
