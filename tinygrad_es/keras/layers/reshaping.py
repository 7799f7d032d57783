"""Capas que cambian la forma sin pesos: Flatten, Reshape, Permute, RepeatVector, ZeroPadding2D,
Cropping2D y UpSampling2D.

Solo mueven, copian o rellenan valores, así que su gradiente es el de las operaciones de
movimiento del Tensor (reshape, permute, expand, pad, índices) y de un producto de matrices
(UpSampling2D bilineal).
"""
from __future__ import annotations

import math

import numpy as np

from ...errors import ShapeError, shape_str
from ...tensor import Tensor
from ...nn.arguments import int_tuple, is_int, pair
from ... import validation
from ...errors import ArgumentError
from ...validation import integer
from .convolutional import ImageLayer, channels_last
from .layer import Layer


class Flatten(Layer):
    """Junta todos los ejes menos el del lote en uno: (lote, 28, 28) -> (lote, 784)."""

    min_ndim = 1
    fixed_axes = ()

    def __init__(self, data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = channels_last("Flatten", data_format)

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        return inputs.reshape(inputs.shape[0], -1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """Cambia la forma de cada muestra: `Reshape((28, 28, 1))` (un -1 se calcula solo)."""

    def __init__(self, target_shape: tuple, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = validation.shape("Reshape", "target_shape", target_shape, free=-1,
                                             free_text="-1 (se calcula)")
        if self.target_shape.count(-1) > 1:
            raise ArgumentError(f"Reshape: target_shape={self.target_shape} tiene más de un -1 y solo uno se puede "
                                "calcular: escribe los demás tamaños.")

    def build(self, input_shape: tuple) -> None:
        self.fixed_axes = tuple(range(1, len(input_shape)))
        self.compute_output_shape(input_shape)  # valida el número de elementos

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        return inputs.reshape(inputs.shape[0], *self.target_shape)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        size = math.prod(input_shape[1:])
        known = math.prod(n for n in self.target_shape if n != -1)
        target = self.target_shape
        if -1 in target:
            target = tuple(size // known if n == -1 else n for n in target)
        if math.prod(target) != size or size % known:
            raise ShapeError(
                f"{self.name} (Reshape): cada muestra de forma {shape_str(input_shape[1:])} tiene {size} valores y "
                f"no cabe en la forma {shape_str(self.target_shape)}: el producto de los tamaños debe ser {size}."
            )
        return (input_shape[0],) + target

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Permute(Layer):
    """Reordena los ejes de cada muestra: `Permute((2, 1))` cambia (lote, pasos, rasgos) por
    (lote, rasgos, pasos). Los ejes se cuentan desde 1 (el 0 es el lote, que no se mueve)."""

    fixed_axes = ()

    def __init__(self, dims: tuple, **kwargs):
        super().__init__(**kwargs)
        dims = validation.axis_list("Permute", "dims", dims)
        self.dims = tuple(dims) if isinstance(dims, list) else (dims,)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                f"Permute: dims={self.dims!r} debe nombrar cada eje de la muestra una vez, contando desde 1 (el lote, "
                "eje 0, no se mueve): p. ej. Permute((2, 1)) para intercambiar los dos ejes de (lote, a, b)."
            )
        self.input_ndim = len(self.dims) + 1

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        return inputs.permute(0, *self.dims)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": list(self.dims)}


class RepeatVector(Layer):
    """Repite cada vector n veces: (lote, rasgos) -> (lote, n, rasgos). Sirve para dar la misma
    entrada en cada paso a una capa recurrente (codificador-decodificador)."""

    input_ndim = 2

    def __init__(self, n: int, **kwargs):
        super().__init__(**kwargs)
        self.n = integer("RepeatVector", "n", n, meaning="las repeticiones")

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        batch, features = inputs.shape
        return inputs.reshape(batch, 1, features).expand(batch, self.n, features)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self) -> dict:
        return {**super().get_config(), "n": self.n}


def _two_sided(cls, name, value):
    """Keras: un entero (igual en los cuatro lados), (alto, ancho) o ((arriba, abajo), (izquierda, derecha))."""
    if is_int(value, 0):
        value = (value, value)
    try:
        height, width = value
        return (int_tuple(cls, f"{name}[0]", height, 2, minimum=0),
                int_tuple(cls, f"{name}[1]", width, 2, minimum=0))
    except (TypeError, ValueError):
        raise ValueError(
            f"{cls}: {name} debe ser un entero >= 0, una pareja (alto, ancho) o una pareja de parejas "
            f"((arriba, abajo), (izquierda, derecha)), y es {value!r}."
        ) from None


class ZeroPadding2D(ImageLayer):
    """Añade filas y columnas de ceros alrededor de cada imagen (canales al final)."""

    fixed_axes = ()

    def __init__(self, padding: int | tuple = (1, 1), data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = channels_last("ZeroPadding2D", data_format)
        self.padding = _two_sided("ZeroPadding2D", "padding", padding)

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        return inputs.pad(((0, 0),) + self.padding + ((0, 0),))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        n, h, w, c = input_shape
        (top, bottom), (left, right) = self.padding
        return (n, None if h is None else h + top + bottom, None if w is None else w + left + right, c)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": [list(p) for p in self.padding], "data_format": self.data_format}


class Cropping2D(ImageLayer):
    """Quita filas y columnas de los bordes de cada imagen: lo contrario de ZeroPadding2D."""

    fixed_axes = ()

    def __init__(self, cropping: int | tuple = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = channels_last("Cropping2D", data_format)
        self.cropping = _two_sided("Cropping2D", "cropping", cropping)

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        self.compute_output_shape(inputs.shape)  # el mismo error si una imagen es demasiado pequeña
        (top, bottom), (left, right) = self.cropping
        h, w = inputs.shape[1:3]
        return inputs[:, top:h - bottom, left:w - right]

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        n, h, w, c = input_shape
        sizes = [None if size is None else size - a - b for size, (a, b) in zip((h, w), self.cropping)]
        if any(s is not None and s <= 0 for s in sizes):
            raise ShapeError(
                f"{self.name} (Cropping2D): recortar {[list(p) for p in self.cropping]} de una imagen de "
                f"{h}×{w} no deja nada: recorta menos (la suma de cada pareja debe ser menor que el lado)."
            )
        return (n, sizes[0], sizes[1], c)

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": [list(p) for p in self.cropping],
                "data_format": self.data_format}


class UpSampling2D(ImageLayer):
    """Agranda cada imagen `size` veces: 'nearest' repite cada píxel; 'bilinear' interpola entre
    vecinos con centros de píxel como tf.image.resize (el píxel de salida o mira la posición
    (o + 0.5)/size - 0.5 de la entrada)."""

    fixed_axes = ()
    interpolations = ("nearest", "bilinear")

    def __init__(self, size: int = (2, 2), data_format: str | None = None, interpolation: str = "nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = channels_last("UpSampling2D", data_format)
        self.size = pair("UpSampling2D", "size", size)
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in self.interpolations:
            raise ValueError(
                f"UpSampling2D: interpolation={interpolation!r} no está disponible en tinygrad_es; usa 'nearest' "
                "(repetir píxeles) o 'bilinear' (interpolar entre vecinos)."
            )

    def call(self, inputs: Tensor, training: bool = False) -> Tensor:
        n, h, w, c = inputs.shape
        sh, sw = self.size
        if self.interpolation == "nearest":
            wide = inputs.reshape(n, h, 1, w, 1, c).expand(n, h, sh, w, sw, c)
            return wide.reshape(n, h * sh, w * sw, c)
        rows = Tensor(_bilinear_matrix(h, sh), dtype=inputs.dtype, device=inputs.device)  # (h·sh, h)
        cols = Tensor(_bilinear_matrix(w, sw), dtype=inputs.dtype, device=inputs.device)  # (w·sw, w)
        out = inputs.permute(0, 2, 3, 1) @ rows.T  # interpola las filas: (n, w, c, h·sh)
        out = out.permute(0, 3, 2, 1) @ cols.T  # y las columnas: (n, h·sh, c, w·sw)
        return out.permute(0, 1, 3, 2)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        n, h, w, c = input_shape
        return (n, None if h is None else h * self.size[0], None if w is None else w * self.size[1], c)

    def get_config(self) -> dict:
        return {**super().get_config(), "size": list(self.size), "data_format": self.data_format,
                "interpolation": self.interpolation}


def _bilinear_matrix(size, scale) -> np.ndarray:
    """La matriz (size·scale, size) que interpola linealmente un eje, como tf.image.resize."""
    out = size * scale
    position = (np.arange(out) + 0.5) / scale - 0.5
    low = np.floor(position)
    frac = position - low
    low_index = np.clip(low, 0, size - 1).astype(int)
    high_index = np.clip(low + 1, 0, size - 1).astype(int)
    matrix = np.zeros((out, size))
    np.add.at(matrix, (np.arange(out), low_index), 1 - frac)
    np.add.at(matrix, (np.arange(out), high_index), frac)
    return matrix
