"""Capas que envuelven a otra capa: TimeDistributed y Bidirectional.

- TimeDistributed(capa) aplica la misma capa (los mismos pesos) a cada paso de una secuencia:
  (lote, pasos, ...) -> (lote, pasos, ...'). Como Keras, paso a paso: así una capa que depende
  del lote (BatchNormalization) ve lo mismo que en Keras.
- Bidirectional(rnn) recorre la secuencia hacia delante con una copia de la capa recurrente y
  hacia atrás con otra (go_backwards=True), y junta las dos salidas (merge_mode).

Sus pesos son los de las capas envueltas: en Bidirectional, primero los de la capa hacia
delante y luego los de la de hacia atrás.
"""
from __future__ import annotations

from ...tensor import Tensor
from .layer import Layer, call_arguments


def _serialize(layer) -> dict:
    from . import serialize  # aquí: el paquete de capas importa este módulo

    return serialize(layer)


def _deserialize(config) -> Layer:
    from . import deserialize

    return deserialize(config)


class Wrapper(Layer):
    """Una capa que envuelve a otra (`self.layer`): sus pesos son los de la envuelta (la base Layer
    recorre las capas guardadas en atributos) y su configuración la incluye."""

    fixed_axes = ()

    def __init__(self, layer: Layer, **kwargs):
        _check_layer(type(self).__name__, layer)
        super().__init__(**kwargs)
        self.layer = layer

    def get_config(self) -> dict:
        return {**super().get_config(), "layer": _serialize(self.layer)}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        return cls(_deserialize(config.pop("layer")), **config)


def _check_layer(owner: str, layer) -> None:
    if not isinstance(layer, Layer):
        raise TypeError(f"{owner} envuelve una capa, p. ej. {owner}(Dense(10)), y recibió {layer!r}.")


class TimeDistributed(Wrapper):
    """La misma capa en cada paso: TimeDistributed(Dense(8)) sobre (lote, 10, 16) da (lote, 10, 8)
    con un solo kernel (16, 8). Deja pasar la máscara de la secuencia."""

    min_ndim = 3
    supports_masking = True

    def axes_description(self):
        return "(lote, pasos, ...)"

    def build(self, input_shape: tuple) -> None:
        self.layer.build_from_shape((input_shape[0],) + tuple(input_shape[2:]))

    def call(self, inputs: Tensor, training: bool = False, mask: Tensor | np.ndarray | None = None) -> Tensor:
        self.layer.check_input_shape((inputs.shape[0],) + tuple(inputs.shape[2:]))
        takes_mask = mask is not None and "mask" in call_arguments(type(self.layer))
        outputs = []
        for t in range(inputs.shape[1]):
            extra = {"mask": mask[:, t]} if takes_mask else {}
            outputs.append(self.layer.call(inputs[:, t], training=training, **extra))
        if isinstance(outputs[0], list):
            raise ValueError(
                f"{self.name} (TimeDistributed): la capa envuelta {self.layer.name} devuelve varias salidas y "
                "TimeDistributed solo junta una por paso: quita return_state=True de esa capa."
            )
        return Tensor.stack(outputs, axis=1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        inner = self.layer.compute_output_shape((input_shape[0],) + tuple(input_shape[2:]))
        return (inner[0], input_shape[1]) + tuple(inner[1:])


class Bidirectional(Layer):
    """Una capa recurrente en los dos sentidos: Bidirectional(LSTM(16)) da (lote, 32) con
    merge_mode='concat' (las dos salidas una tras otra); 'sum', 'mul' y 'ave' las combinan
    elemento a elemento y None las devuelve por separado. Con return_sequences, la salida de la
    capa de hacia atrás se vuelve a poner en el orden de la secuencia antes de juntarla.
    """

    input_ndim = 3
    fixed_axes = (-1,)
    supports_masking = True
    merge_modes = ("concat", "sum", "mul", "ave", None)

    def __init__(self, layer: Layer, merge_mode: str | None = "concat", weights: list | None = None,
                 backward_layer: Layer | None = None, **kwargs):
        _check_layer("Bidirectional", layer)
        super().__init__(**kwargs)
        if merge_mode not in self.merge_modes:
            raise ValueError(
                f"Bidirectional: merge_mode={merge_mode!r} no existe; usa 'concat' (por defecto), 'sum', 'mul', "
                "'ave' o None (las dos salidas por separado)."
            )
        if not hasattr(layer, "go_backwards"):
            raise TypeError(
                f"Bidirectional envuelve una capa recurrente (SimpleRNN, LSTM, GRU) y recibió {type(layer).__name__}."
            )
        self.forward_layer = self._copy(layer, "forward", go_backwards=layer.go_backwards)
        if backward_layer is None:
            self.backward_layer = self._copy(layer, "backward", go_backwards=not layer.go_backwards)
        else:
            self.backward_layer = backward_layer
        self._check_pair()
        for direction in (self.forward_layer, self.backward_layer):
            # como Keras: con return_sequences, los pasos enmascarados dan ceros en las dos direcciones
            direction.zero_output_for_mask = direction.return_sequences
        self.merge_mode = merge_mode
        self.initial_weights = weights
        self.stateful, self.return_sequences = layer.stateful, layer.return_sequences
        self.return_state = layer.return_state

    @staticmethod
    def _copy(layer, prefix, go_backwards):
        config = dict(layer.get_config())
        name = config["name"]
        config["name"] = f"{prefix}_{name[len(prefix) + 1:] if name.startswith(prefix + '_') else name}"
        config["go_backwards"] = go_backwards
        return type(layer).from_config(config)

    def _check_pair(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                "Bidirectional: la capa de hacia delante y backward_layer deben tener go_backwards distinto "
                f"(las dos tienen go_backwards={forward.go_backwards})."
            )
        for attribute in ("stateful", "return_sequences", "return_state"):
            if getattr(forward, attribute) != getattr(backward, attribute):
                raise ValueError(
                    f"Bidirectional: las dos capas deben tener el mismo {attribute} y tienen "
                    f"{getattr(forward, attribute)} (hacia delante) y {getattr(backward, attribute)} (hacia atrás)."
                )

    def axes_description(self):
        return self.forward_layer.axes_description()

    def build(self, input_shape: tuple) -> None:
        for direction in (self.forward_layer, self.backward_layer):
            direction.build_from_shape(input_shape)
        if self.initial_weights:
            self.set_weights(self.initial_weights)

    def call(self, sequences, initial_state: list | None = None, mask: Tensor | np.ndarray | None = None,
             training: bool = False) -> Tensor:
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        y = self.forward_layer.call(sequences, initial_state=forward_state, mask=mask, training=training)
        y_rev = self.backward_layer.call(sequences, initial_state=backward_state, mask=mask, training=training)
        states = []
        if self.return_state:
            states = y[1:] + y_rev[1:]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]
        output = self._merge(y, y_rev)
        if self.return_state:
            return (output if self.merge_mode is None else [output]) + states
        return output

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return Tensor.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def reset_states(self) -> None:
        """Pone a cero los estados de las dos direcciones (solo con stateful=True)."""
        if not self.stateful:
            raise AttributeError("Bidirectional.reset_states: la capa no es stateful (usa stateful=True).")
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    reset_state = reset_states

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        output = self.forward_layer.compute_output_shape(input_shape)
        state_shapes = []
        if self.return_state:
            output, state_shapes = output[0], output[1:]
        if self.merge_mode == "concat":
            output = tuple(output[:-1]) + (None if output[-1] is None else 2 * output[-1],)
        outputs = [output, output] if self.merge_mode is None else [output]
        if self.return_state:
            return outputs + state_shapes * 2
        return outputs if self.merge_mode is None else output

    def compute_mask(self, inputs: Tensor, mask: Tensor | np.ndarray | None = None) -> np.ndarray | None:
        if self.return_sequences:
            output_mask = [mask, mask] if self.merge_mode is None else mask
        else:
            output_mask = [None, None] if self.merge_mode is None else None
        if self.return_state:
            count = 2 * self.forward_layer.state_count
            return (output_mask if self.merge_mode is None else [output_mask]) + [None] * count
        return output_mask

    def get_config(self) -> dict:
        return {**super().get_config(), "merge_mode": self.merge_mode, "layer": _serialize(self.forward_layer),
                "backward_layer": _serialize(self.backward_layer)}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        layer = _deserialize(config.pop("layer"))
        backward = config.pop("backward_layer", None)
        return cls(layer, backward_layer=None if backward is None else _deserialize(backward), **config)
