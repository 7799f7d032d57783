"""Reconstruir un modelo a partir de su configuración (Sequential, funcional, un modelo dentro de
otro), de dos maneras con el mismo código:

- de verdad, con sus pesos;
- como plan (`Recorder`): cada capa, y cada capa dentro de ella, anota los pesos que crearía
  (nombre, forma, dtype) en vez de crearlos, y recibe un array de cero bytes de esa forma
  (np.broadcast_to). El modelo se construye entero (las formas pasan por el grafo como en el
  modelo de verdad) sin reservar la memoria de los pesos.

Así un config.json que pide `units=10**12`, o que miente sobre las formas, se compara con los
arrays del archivo antes de reservar nada: el plan y el modelo de verdad salen de la misma
configuración por el mismo camino.
"""
from __future__ import annotations

import inspect

import numpy as np

from ...errors import ShapeError
from .archive import ModelFileError, UnknownClassError
from .state import WeightSpec, children

MODEL_CLASS_NAMES = ("Sequential", "Functional", "Model")


def model_from_config(config, make_layer, filepath):
    """El modelo de una entrada {'class_name': 'Sequential' | 'Functional', 'config': {...}};
    `make_layer(entrada)` crea cada capa."""
    from ..models import Functional, Sequential  # aquí: models importa este paquete

    class_name, body = config.get("class_name"), config.get("config")
    if class_name not in MODEL_CLASS_NAMES:
        return _subclassed(config, make_layer, filepath)
    if not isinstance(body, dict) or not isinstance(body.get("layers"), list):
        raise ModelFileError(f"'{filepath}': la configuración del modelo debería tener su lista de capas "
                             "('config': {'layers': [...]}).")

    def make(entry):
        if isinstance(entry, dict) and entry.get("class_name") in MODEL_CLASS_NAMES:
            return model_from_config(entry, make, filepath)  # un modelo dentro del modelo
        return make_layer(entry)

    try:
        if class_name == "Sequential":
            return _sequential(Sequential, body, make)
        return Functional.from_config(body, deserialize_layer=make)
    except ModelFileError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, ShapeError, OverflowError) as error:
        raise ModelFileError(f"'{filepath}': no se puede reconstruir el modelo '{body.get('name')}' de su "
                             f"configuración: {error}") from None


def _subclassed(config, make_layer, filepath):
    """Un modelo subclase guardado con su get_config: `make_layer` crea la clase que el usuario da en
    custom_objects (o dice que la pase), y se construye con la forma de build_config, como en Keras."""
    try:
        model = make_layer(config)
    except UnknownClassError:
        name = config.get("class_name")
        raise UnknownClassError(
            f"'{filepath}' guarda un modelo {name!r}, una subclase de keras.Model: pasa su clase con "
            f"load_model(..., custom_objects={{'{name}': {name}}}), o crea el modelo en Python y carga sus pesos "
            "con load_weights."
        ) from None
    shape = (config.get("build_config") or {}).get("input_shape")
    try:
        if isinstance(shape, list):
            model.build(tuple(shape))
    except (ValueError, TypeError, KeyError, IndexError, ShapeError, OverflowError) as error:
        raise ModelFileError(f"'{filepath}': el modelo '{model.name}' ({type(model).__name__}) no se puede "
                             f"construir con la forma {shape} de build_config: {error}") from None
    return model


def _sequential(cls, body, make):
    model = cls(name=body.get("name"), trainable=body.get("trainable", True))
    for entry in body["layers"]:
        model.add(make(entry))
    shape = body.get("build_input_shape")
    if model.input_spec_shape is None and isinstance(shape, list):  # construido con model.build(forma)
        model.build(tuple(shape))
    return model


class Recorder:
    """Convierte capas en capas-plan: `recorder(capa)` la devuelve con `add_weight` cambiado, en ella y
    en sus capas internas, por uno que anota en `specs[id(objeto)]` y no reserva memoria."""

    def __init__(self):
        self.specs = {}

    def __call__(self, layer):
        for obj in _with_children(layer):
            self.specs[id(obj)] = []
            obj.add_weight = _recording_add_weight(obj, self.specs[id(obj)])
        return layer

    def named_specs(self, obj) -> list:
        """[(nombre, WeightSpec)] de un objeto en el orden de Keras: los creados entrenables primero."""
        specs = self.specs.get(id(obj), [])
        return [(s.name, s) for s in specs if s.trainable] + [(s.name, s) for s in specs if not s.trainable]

    @property
    def nbytes(self) -> int:
        return sum(spec.nbytes for specs in self.specs.values() for spec in specs)

    @property
    def parameter_count(self) -> int:
        return sum(spec.size for specs in self.specs.values() for spec in specs)


def _with_children(obj) -> list:
    found = [obj]
    for child in children(obj):
        found += _with_children(child)
    return found


def _recording_add_weight(obj, specs: list):
    """Un add_weight que anota el peso (WeightSpec) y devuelve un array de cero bytes de su forma."""
    signature = inspect.signature(type(obj).add_weight)

    def add_weight(*args, **kwargs):
        bound = signature.bind(obj, *args, **kwargs)
        bound.apply_defaults()
        shape = tuple(int(s) for s in bound.arguments["shape"])
        name, trainable = bound.arguments.get("name"), bool(bound.arguments.get("trainable", True))
        dtype = np.dtype(bound.arguments.get("dtype") or obj.dtype)
        specs.append(WeightSpec(name or f"variable_{len(specs)}", shape, dtype, trainable))
        return np.broadcast_to(np.zeros((), dtype), shape)

    return add_weight
