"""Ayudas de las pruebas de capas: construir con pesos conocidos, llamar y hacer gradcheck."""
import numpy as np

from tinygrad_es import Tensor, gradcheck


def built(layer, input_shape, seed=0):
    """Construye la capa y le pone pesos aleatorios conocidos (como haría set_weights)."""
    layer.build_from_shape((None,) + tuple(input_shape[1:]))
    r = np.random.default_rng(seed)
    layer.set_weights([r.uniform(-0.5, 0.5, w.shape) for w in layer.weights])
    return layer


def output(layer, x, training=False, **kwargs):
    return layer(x, training=training, **kwargs).data.astype(np.float64)


def weight_slots(layer):
    """(capa dueña, nombre) de cada peso entrenable, también los de las capas envueltas."""
    if hasattr(layer, "sublayers"):
        return [slot for sub in layer.sublayers() for slot in weight_slots(sub)]
    return [(layer, n) for n in layer.weight_names_in_order()[:len(layer.trainable_weights)]]  # (van primero)


def gradcheck_layer(layer, x, training=False, states=(), **call_kwargs):
    """gradcheck de la salida respecto a la entrada, los estados iniciales y cada peso entrenable.

    La capa debe estar en float64; una salida con varias partes (return_state) se junta en un vector.
    """
    slots = weight_slots(layer)

    def fn(inputs, *rest):
        initial, weights = rest[:len(states)], rest[len(states):]
        for (owner, name), weight in zip(slots, weights):
            setattr(owner, name, weight)
        if states:
            call_kwargs["initial_state"] = list(initial)
        out = layer.call(inputs, training=training, **call_kwargs)
        return Tensor.concatenate([o.reshape(-1) for o in out]) if isinstance(out, list) else out

    return gradcheck(fn, x, *states, *[getattr(owner, name).data for owner, name in slots])
