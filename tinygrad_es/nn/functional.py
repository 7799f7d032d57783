"""Las piezas derivables de las redes: convolución, pooling, capas recurrentes, normalización...

Cada función comprueba sus argumentos (con mensajes que dicen qué se esperaba, qué llegó y
qué hacer), resuelve los detalles de Keras (relleno 'same', pasos por defecto, orden de las
puertas) y llama a una operación primitiva de `ops/`, que hace el trabajo con kernels de Numba
y productos de BLAS. Todo va con canales al final: imágenes (N, H, W, C), secuencias (N, T, D).

`nn.functional` es la entrada pública; cada familia vive en su módulo y se reexporta aquí:

    nn/conv.py       conv1d, conv2d (groups, dilatación, relleno por lados), depthwise_conv1d/2d,
                     separable_conv1d/2d, conv1d_transpose, conv2d_transpose
    nn/pool.py       max_pool1d/2d, avg_pool1d/2d, global_avg_pool1d/2d, global_max_pool1d/2d
    nn/recurrent.py  lstm, gru, simple_rnn (estado inicial, máscaras, go_backwards) y sus celdas
    nn/losses.py     mse, mae, softmax_cross_entropy, ...
    aquí             batch_norm, dropout, embedding
"""
from __future__ import annotations

import numpy as np

from .. import aliases
from ..errors import ShapeError, shape_str
from ..ops.norm import BatchNorm
from ..tensor import Tensor, as_tensor
from ..validation import number, numeric_array, whole_numbers
from .arguments import check_rank, check_shape
from .conv import (conv1d, conv1d_transpose, conv2d, conv2d_transpose, depthwise_conv1d, depthwise_conv2d,
                   separable_conv1d, separable_conv2d)
from .losses import (binary_cross_entropy, categorical_cross_entropy, hinge, logistic_loss, mae, mse,
                     softmax_cross_entropy)
from .pool import (avg_pool1d, avg_pool2d, global_avg_pool1d, global_avg_pool2d, global_max_pool1d,
                   global_max_pool2d, max_pool1d, max_pool2d)
from .recurrent import gru, gru_cell, lstm, lstm_cell, simple_rnn, simple_rnn_cell

__all__ = [
    "conv2d", "conv1d", "depthwise_conv2d", "depthwise_conv1d", "separable_conv2d", "separable_conv1d",
    "conv2d_transpose", "conv1d_transpose",
    "max_pool2d", "avg_pool2d", "max_pool1d", "avg_pool1d",
    "global_avg_pool2d", "global_max_pool2d", "global_avg_pool1d", "global_max_pool1d",
    "lstm", "gru", "simple_rnn", "lstm_cell", "gru_cell", "simple_rnn_cell",
    "batch_norm", "dropout", "embedding",
    # las pérdidas viven en nn/losses.py; aquí se reexportan para tenerlo todo a mano en F
    "softmax_cross_entropy", "categorical_cross_entropy", "binary_cross_entropy", "logistic_loss", "hinge",
    "mse", "mae",
]


# ---------------------------------------------------------------- normalización y regularización
def batch_norm(x: Tensor, gamma: Tensor | None, beta: Tensor | None, moving_mean: Tensor, moving_variance: Tensor,
               training: bool = False, momentum: float = 0.99, epsilon: float = 1e-3) -> Tensor:
    """Normalización por lotes sobre todos los ejes menos el último (los canales), como Keras.

    training=True: normaliza con la media y la varianza (sesgada) del lote y actualiza EN SU
    SITIO las medias móviles: moving = moving·momentum + estadístico·(1 - momentum).
    training=False: normaliza con las medias móviles. gamma/beta = None: sin escala/desplazamiento.
    """
    x = as_tensor(x)
    if x.ndim < 2:
        raise ShapeError(
            f"batch_norm esperaba x con al menos 2 ejes (lote, ..., canales) y recibió {shape_str(x.shape)}."
        )
    channels = (x.shape[-1],)
    gamma = Tensor.ones(channels, dtype=x.dtype, device=x.device) if gamma is None else as_tensor(gamma)
    beta = Tensor.zeros(channels, dtype=x.dtype, device=x.device) if beta is None else as_tensor(beta)
    for name, t in (("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean),
                    ("moving_variance", moving_variance)):
        check_shape("batch_norm", name, t, channels, "un valor por canal (el último eje de x)")
    if training:
        axes = tuple(range(x.ndim - 1))
        mean, var = x.data.mean(axis=axes), x.data.var(axis=axes)
        for moving, stat in ((moving_mean, mean), (moving_variance, var)):
            moving.assign(moving.data * momentum + stat * (1 - momentum))
    else:
        mean, var = moving_mean.data, moving_variance.data
    return BatchNorm.apply(x, gamma, beta, mean=mean, var=var, epsilon=epsilon, batch_stats=bool(training))


def dropout(x: Tensor, rate: float, training: bool = True, noise_shape: tuple | None = None) -> Tensor:
    """Dropout invertido: anula cada elemento con probabilidad `rate` y escala el resto por 1/(1 - rate).

    noise_shape (como en Keras): la forma de la máscara, que se difunde sobre x; None en un eje
    significa "el tamaño de x". P. ej. (N, 1, C) anula canales enteros en todas las posiciones.
    """
    x = as_tensor(x)
    rate = number("dropout", "rate", rate, 0, 1, meaning="la probabilidad de anular cada elemento")
    if noise_shape is None:
        return x.dropout(rate, training)
    shape = tuple(x.shape[i] if s is None else s for i, s in enumerate(noise_shape))
    if len(shape) != x.ndim or any(s not in (1, n) for s, n in zip(shape, x.shape)):
        raise ShapeError(
            f"dropout: noise_shape {noise_shape} no se difunde sobre x de forma {shape_str(x.shape)}: "
            "cada eje debe ser 1, None o el tamaño de ese eje de x."
        )
    return x.dropout(rate, training, noise_shape=shape)


def embedding(indices: Tensor | np.ndarray, weights: Tensor) -> Tensor:
    """Busca filas: embedding(indices (...), weights (V, E)) -> (..., E). El gradiente se suma en cada fila usada."""
    weights = as_tensor(weights)
    check_rank("embedding", "weights", weights, 2, "(input_dim, output_dim)")
    idx = indices.numpy() if isinstance(indices, Tensor) else numeric_array("embedding", "indices", indices)
    # Keras los convierte a int32 en silencio, truncando 1.7 a 1: aquí solo si son enteros
    idx = whole_numbers(
        "embedding", "los índices deben ser enteros (la posición de cada palabra en el vocabulario)", idx,
        "convertirlo a entero lo truncaría a otra palabra en silencio. Revisa de dónde salen (¿datos normalizados?) "
        "y pásalos como enteros, p. ej. x.astype('int32').",
    )
    vocabulary = weights.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= vocabulary):
        raise ValueError(
            f"embedding: los índices deben estar entre 0 y {vocabulary - 1} (input_dim = {vocabulary}) y van de "
            f"{idx.min()} a {idx.max()}: revisa input_dim o el vocabulario."
        )
    return weights[idx]


aliases.install_functions(globals())  # stride/strides, dilation/dilation_rate, dim/axis... (ver aliases.py)
