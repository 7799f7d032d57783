"""Embedding: convierte índices enteros (palabras, caracteres) en vectores que se aprenden.

Es una tabla `embeddings` de forma (input_dim, output_dim): la fila i es el vector del índice i.
Entrada (lote, ...) de enteros -> salida (lote, ..., output_dim). Parámetros: input_dim·output_dim.

Con mask_zero=True el índice 0 es el relleno de las secuencias cortas: `compute_mask` da la
máscara (lote, pasos) con False en esos pasos, que las capas recurrentes usan para saltarlos.
"""
from __future__ import annotations

from collections.abc import Callable

import warnings

import numpy as np

from ...nn import functional as F
from ...tensor import Tensor
from .. import initializers
from .layer import Layer, store_weight_options, weight_extras, weight_options
from ...validation import flag, integer


class Embedding(Layer):
    casts_input = False  # los índices se quedan enteros
    fixed_axes = ()

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: str | Callable = "uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero: bool = False,
                 weights: Tensor | None = None, **kwargs):
        if "input_length" in kwargs:
            kwargs.pop("input_length")
            warnings.warn("Embedding: el argumento input_length está obsoleto y no se usa; quítalo.",
                          DeprecationWarning, stacklevel=2)
        super().__init__(**kwargs)
        self.input_dim = integer("Embedding", "input_dim", input_dim, meaning="el tamaño del vocabulario")
        self.output_dim = integer("Embedding", "output_dim", output_dim, meaning="el tamaño de cada vector")
        store_weight_options(self, embeddings_initializer=embeddings_initializer,
                             embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint)
        self.mask_zero = self.supports_masking = flag("Embedding", "mask_zero", mask_zero)
        self.initial_weights = weights  # p. ej. vectores preentrenados: se copian al construir la capa

    def build(self, input_shape: tuple) -> None:
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer, name="embeddings",
                                          **weight_extras(self, "embeddings"))
        if self.initial_weights is not None:
            self.set_weights(self.initial_weights)

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        return F.embedding(inputs, self.embeddings)

    def compute_mask(self, inputs: Tensor, mask: Tensor | np.ndarray | None = None) -> np.ndarray | None:
        """(lote, pasos): False donde el índice es 0 (relleno), si mask_zero=True; si no, ninguna."""
        if not self.mask_zero:
            return None
        return np.asarray(inputs.numpy() if isinstance(inputs, Tensor) else inputs) != 0

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self) -> dict:
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                **weight_options(self, "embeddings", activity=True), "mask_zero": self.mask_zero}
