"""Capas de fusión: juntan varias entradas en una (Add, Subtract, Multiply, Average, Maximum,
Minimum, Concatenate y Dot). Son las que unen las ramas de un modelo funcional:

    a = keras.Input(shape=(16,)); b = keras.Input(shape=(16,))
    suma = Add()([Dense(8)(a), Dense(8)(b)])            # (None, 8)
    juntas = Concatenate()([a, b])                       # (None, 32)

Se llaman con una lista de tensores. Las elemento a elemento admiten formas que se difunden
(un eje de tamaño 1 se repite, como en NumPy); todas están hechas de operaciones del `Tensor`,
así que su gradiente sale solo. Sin pesos.

Máscaras (de Embedding(mask_zero=True) o Masking): la salida de las elemento a elemento y de
Concatenate está enmascarada solo donde lo están todas las entradas (un "o" de las máscaras),
como en Keras; Dot no propaga máscara.
"""
from __future__ import annotations

import numpy as np

from ...errors import ArgumentError, ShapeError, shape_str
from ...tensor import Tensor
from ...validation import axis_list
from .layer import Layer


def _mask_array(mask) -> np.ndarray:
    return mask.numpy() if isinstance(mask, Tensor) else np.asarray(mask, dtype=bool)


class Merge(Layer):
    """Lo común: una lista de entradas de formas compatibles; la salida tiene la forma difundida."""

    fixed_axes = ()
    min_inputs = 1
    exact_inputs = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    # ------------------------------------------------------------ formas
    def _check_list(self, shapes):
        name = f"{self.name} ({type(self).__name__})"
        if not isinstance(shapes, list) or not shapes or not isinstance(shapes[0], tuple):
            raise ShapeError(
                f"{name} se llama con una lista de tensores, p. ej. {type(self).__name__}()([a, b]), y recibió "
                f"uno solo de forma {shape_str(shapes) if isinstance(shapes, tuple) else shapes}."
            )
        count = self.exact_inputs
        if (count and len(shapes) != count) or len(shapes) < self.min_inputs:
            wanted = f"exactamente {count}" if count else f"al menos {self.min_inputs}"
            raise ShapeError(f"{name} necesita {wanted} entradas y recibió {len(shapes)}.")

    def _check_ndim(self, shapes):
        self._check_list(shapes)
        self.compute_output_shape(shapes)  # comprueba que las formas encajen

    def check_input_shape(self, shapes):
        self._check_list(shapes)
        if len(shapes) != len(self.input_spec_shape):
            raise ShapeError(
                f"{self.name} ({type(self).__name__}) se construyó para {len(self.input_spec_shape)} entradas y "
                f"ahora recibe {len(shapes)}."
            )
        self.compute_output_shape(shapes)

    def compute_output_shape(self, input_shape: list) -> tuple:
        ranks = {len(s) for s in input_shape}
        if len(ranks) > 1:
            raise ShapeError(
                f"{self.name} ({type(self).__name__}) necesita entradas con el mismo número de ejes y recibió "
                f"{', '.join(shape_str(s) for s in input_shape)}: usa Reshape en las que tengan menos."
            )
        output = list(input_shape[0][1:])
        for shape in input_shape[1:]:
            for axis, size in enumerate(shape[1:]):
                output[axis] = self._broadcast(output[axis], size, input_shape)
        return (None,) + tuple(output)

    def _broadcast(self, a, b, shapes):
        if a is None or b is None:
            return None
        if a == 1 or b == 1 or a == b:
            return max(a, b)
        raise ShapeError(
            f"{self.name} ({type(self).__name__}) no puede combinar entradas de formas "
            f"{', '.join(shape_str(s) for s in shapes)}: cada eje debe tener el mismo tamaño (o 1)."
        )

    # ------------------------------------------------------------ cálculo
    def call(self, inputs: Tensor, mask: Tensor | np.ndarray | None = None) -> Tensor:
        return self.merge(list(inputs), mask)

    def merge(self, inputs: list, mask: Tensor | np.ndarray | None) -> Tensor:  # pragma: no cover (cada subclase)
        raise NotImplementedError

    def compute_mask(self, inputs: Tensor, previous_mask=None) -> np.ndarray | None:
        """Enmascarado donde lo están todas las entradas; sin máscara si alguna no la tiene."""
        if previous_mask is None or any(m is None for m in previous_mask):
            return None
        return np.logical_or.reduce([_mask_array(m) for m in previous_mask])

    def _refuse_masks(self, mask):
        """Multiply, Maximum y Minimum cambian los valores bajo la máscara en Keras: aquí no se imita."""
        if mask is not None and any(m is not None for m in mask):
            raise ValueError(
                f"{self.name} ({type(self).__name__}) con entradas enmascaradas (Embedding(mask_zero=True) o Masking) "
                "no está disponible en tinygrad_es: pon la máscara a cero antes (Multiply por la máscara como "
                "dato) o usa Add/Average/Concatenate, que sí la propagan."
            )


class Add(Merge):
    """La suma de las entradas, elemento a elemento."""

    def merge(self, inputs: Tensor, mask: Tensor | np.ndarray | None):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output


class Subtract(Merge):
    """La primera entrada menos la segunda (exactamente dos)."""

    exact_inputs = 2

    def merge(self, inputs: Tensor, mask: Tensor | np.ndarray | None):
        return inputs[0] - inputs[1]


class Multiply(Merge):
    """El producto de las entradas, elemento a elemento."""

    def merge(self, inputs: Tensor, mask: Tensor | np.ndarray | None):
        self._refuse_masks(mask)
        output = inputs[0]
        for x in inputs[1:]:
            output = output * x
        return output


class Average(Merge):
    """La media de las entradas, elemento a elemento."""

    def merge(self, inputs: Tensor, mask: Tensor | np.ndarray | None):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output / len(inputs)


class Maximum(Merge):
    """El máximo de las entradas, elemento a elemento."""

    def merge(self, inputs: Tensor, mask: Tensor | np.ndarray | None):
        self._refuse_masks(mask)
        output = inputs[0]
        for x in inputs[1:]:
            output = output.maximum(x)
        return output


class Minimum(Merge):
    """El mínimo de las entradas, elemento a elemento."""

    def merge(self, inputs: Tensor, mask: Tensor | np.ndarray | None):
        self._refuse_masks(mask)
        output = inputs[0]
        for x in inputs[1:]:
            output = output.minimum(x)
        return output


class Concatenate(Merge):
    """Pega las entradas a lo largo de `axis` (por defecto el último): (N, 3) y (N, 5) -> (N, 8)."""

    def __init__(self, axis: int | tuple | None = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_shape(self, input_shape: list) -> tuple:
        rank = len(input_shape[0])
        if not -rank <= self.axis < rank or self.axis % rank == 0:
            raise ShapeError(
                f"{self.name} (Concatenate): axis={self.axis} no vale para entradas de {rank} ejes: el eje 0 es el "
                "lote; usa un eje de 1 en adelante (o -1, el último)."
            )
        axis = self.axis % rank
        output = list(input_shape[0])
        for shape in input_shape[1:]:
            others = [(a, b) for i, (a, b) in enumerate(zip(output, shape)) if i not in (0, axis)]
            if len(shape) != rank or any(a is not None and b is not None and a != b for a, b in others):
                raise ShapeError(
                    f"{self.name} (Concatenate) necesita entradas iguales salvo en el eje {self.axis} y recibió "
                    f"{', '.join(shape_str(s) for s in input_shape)}."
                )
            output[axis] = None if output[axis] is None or shape[axis] is None else output[axis] + shape[axis]
        return (None,) + tuple(output[1:])

    def merge(self, inputs: Tensor, mask: Tensor | np.ndarray | None):
        return Tensor.concatenate(inputs, axis=self.axis)

    def compute_mask(self, inputs: Tensor, previous_mask=None) -> np.ndarray | None:
        """La máscara de cada entrada (unos si no tiene), pegada igual que los datos; luego un "o" del último eje."""
        if previous_mask is None or all(m is None for m in previous_mask):
            return None
        masks = []
        for x, m in zip(inputs, previous_mask):
            m = np.ones(x.shape, dtype=bool) if m is None else _mask_array(m)
            masks.append(np.broadcast_to(m[..., None], x.shape) if m.ndim < len(x.shape) else m)
        return np.concatenate(masks, axis=self.axis).any(axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class Dot(Merge):
    """Producto escalar por muestra entre dos entradas, sumando sobre los ejes `axes`.

    Con (N, d) y (N, d): (N, 1). En general, los ejes de la primera sin el sumado seguidos de
    los de la segunda sin el lote ni el sumado (el `batch_dot` de Keras). Con normalize=True
    cada entrada se divide antes por su norma L2 a lo largo de ese eje: la salida es la
    similitud coseno.
    """

    exact_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes = axis_list("Dot", "axes", axes)
        if isinstance(self.axes, list) and len(self.axes) != 2:
            raise ArgumentError(f"Dot: axes debe ser un entero o una pareja de enteros (uno por entrada) y es {axes!r}.")
        self.normalize = normalize

    def _axes(self, ranks):
        axes = [self.axes] * 2 if isinstance(self.axes, int) else list(self.axes)
        axes = [a % r for a, r in zip(axes, ranks)]
        if 0 in axes:
            raise ShapeError(f"{self.name} (Dot): no se puede sumar sobre el eje 0, el del lote; usa axes desde 1.")
        return axes

    def compute_output_shape(self, input_shape: list) -> tuple:
        first, second = input_shape
        if len(first) < 2 or len(second) < 2:
            raise ShapeError(f"{self.name} (Dot) necesita entradas de al menos 2 ejes (lote, ...).")
        a0, a1 = self._axes((len(first), len(second)))
        if first[a0] is not None and second[a1] is not None and first[a0] != second[a1]:
            raise ShapeError(
                f"{self.name} (Dot): el eje {a0} de {shape_str(first)} ({first[a0]}) y el eje {a1} de "
                f"{shape_str(second)} ({second[a1]}) deben tener el mismo tamaño para sumar sobre ellos."
            )
        output = [d for i, d in enumerate(first) if i != a0] + [d for i, d in enumerate(second) if i not in (0, a1)]
        return tuple(output) if len(output) > 1 else (None, 1)

    def merge(self, inputs: Tensor, mask: Tensor | np.ndarray | None):
        x, y = inputs
        a0, a1 = self._axes((x.ndim, y.ndim))
        if self.normalize:
            x, y = _l2_normalize(x, a0), _l2_normalize(y, a1)
        # x con el eje sumado al final y y con él en segundo lugar: un producto de matrices por muestra.
        x = x.permute(*[i for i in range(x.ndim) if i != a0], a0)
        y = y.permute(0, a1, *[i for i in range(1, y.ndim) if i != a1])
        rows, cols = x.shape[1:-1], y.shape[2:]
        out = x.reshape(x.shape[0], -1, x.shape[-1]) @ y.reshape(y.shape[0], y.shape[1], -1)
        out = out.reshape(x.shape[0], *rows, *cols)
        return out.reshape(x.shape[0], 1) if out.ndim == 1 else out

    def compute_mask(self, inputs: Tensor, previous_mask=None) -> np.ndarray | None:
        return None

    def get_config(self) -> dict:
        axes = self.axes if isinstance(self.axes, int) else list(self.axes)
        return {**super().get_config(), "axes": axes, "normalize": self.normalize}


def _l2_normalize(x: Tensor, axis: int) -> Tensor:
    """x / max(‖x‖, 1e-7) a lo largo de `axis` (Keras: x · min(1/‖x‖, 1/ε))."""
    return x / (x * x).sum(axis=axis, keepdims=True).sqrt().maximum(1e-7)


# Las formas funcionales de Keras: keras.layers.add([a, b]) = Add()([a, b]).
def add(inputs: Tensor, **kwargs) -> None:
    return Add(**kwargs)(inputs)


def subtract(inputs: Tensor, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs: Tensor, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs: Tensor, **kwargs):
    return Average(**kwargs)(inputs)


def maximum(inputs: Tensor, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs: Tensor, **kwargs):
    return Minimum(**kwargs)(inputs)


def concatenate(inputs: Tensor, axis: int | tuple | None = -1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs: Tensor, axes=-1, **kwargs):
    return Dot(axes=axes, **kwargs)(inputs)
