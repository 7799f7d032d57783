"""La configuración JSON de Keras 3 (config.json) a partir de un modelo, y de vuelta.

Keras escribe cada objeto como `{"module", "class_name", "config", "registered_name"}`; el
dtype de una capa como una política (`DTypePolicy`), y añade argumentos que tinygrad_es no tiene
(regularizadores, restricciones, cuantización...). Al escribir se añade lo que Keras espera; al
leer se quita lo que sobra, solo si su valor no cambia nada (None, False o el valor neutro de
`NEUTRAL`). Cualquier otro argumento desconocido es un error que lo nombra: cargar el modelo sin
él daría otros resultados.

Nunca se importa ni se ejecuta nada nombrado en el archivo: las clases se buscan en las tablas de
tinygrad_es (capas, inicializadores, optimizadores, pérdidas, métricas) y una función propia
(lambda, `registered_name`) se rechaza.
"""
from __future__ import annotations

import numpy as np

from .. import constraints, initializers, layers as layers_module, losses, metrics, optimizers, regularizers
from ..names import init_arguments
from .archive import ModelFileError, UnknownClassError
from .state import is_model

# Claves de Keras que no describen el objeto sino cómo lo guardó Keras, o cómo ejecutarlo.
BOOKKEEPING = {"module", "registered_name", "shared_object_id", "build_config", "compile_config",
               "jit_compile", "run_eagerly", "steps_per_execution", "auto_scale_loss"}
# Argumentos de Keras que tinygrad_es no tiene, con los valores con los que no hacen nada (además de
# None y False): renorm_momentum solo cuenta con renorm=True, ema_momentum con use_ema=True...
NEUTRAL = {"renorm_momentum": (0.99,), "ema_momentum": (0.99,), "axis": (-1,), "dtype": ("float32",),
           "zero_output_for_mask": (True,), "autocast": (True,)}
# Las capas cuyo dtype escribe Keras como cadena ('float32'); el resto, como política (DTypePolicy).
STRING_DTYPE = {"InputLayer", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"}
# Las claves con una capa dentro (las envolturas: TimeDistributed, Bidirectional), que se traducen igual.
NESTED_LAYER_KEYS = ("layer", "backward_layer")
MODULES = {"layer": "keras.layers", "initializer": "keras.initializers", "optimizer": "keras.optimizers",
           "loss": "keras.losses", "metric": "keras.metrics", "regularizer": "keras.regularizers",
           "constraint": "keras.constraints",
           "schedule": "keras.optimizers.schedules"}
# Los argumentos de una capa que son objetos de Keras, por cómo acaba su nombre: (tipo, módulo de
# tinygrad_es con su tabla ALL o su get, y el nombre del tipo en los errores).
OBJECT_ARGUMENTS = {"_initializer": ("initializer", initializers, "el inicializador"),
                    "_regularizer": ("regularizer", regularizers, "el regularizador"),
                    "_constraint": ("constraint", constraints, "la restricción")}


def _object_kind(key: str):
    """('regularizer', regularizers, 'el regularizador') para 'kernel_regularizer'; None si no es un objeto."""
    return next((kind for suffix, kind in OBJECT_ARGUMENTS.items() if key.endswith(suffix)), None)


# ================================================================ escribir (tinygrad_es -> Keras)
def keras_object(kind: str, class_name: str, config, **extra) -> dict:
    return {"module": MODULES[kind], "class_name": class_name, "config": config, "registered_name": None, **extra}


def dtype_policy(dtype) -> dict:
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": np.dtype(dtype).name},
            "registered_name": None}


def keras_layer_config(layer, input_shape=None) -> dict:
    """Una capa como la escribe Keras 3; `input_shape` (con None en el lote) va en build_config."""
    return _keras_layer_dict(type(layer).__name__, layer.get_config(), input_shape)


def _keras_layer_dict(class_name: str, layer_config: dict, input_shape=None) -> dict:
    config = {}
    for key, value in layer_config.items():
        if key == "dtype" and class_name not in STRING_DTYPE:
            value = dtype_policy(value)
        elif _object_kind(key) and isinstance(value, dict):
            value = keras_object(_object_kind(key)[0], value["class_name"], value.get("config", {}))
        elif key in NESTED_LAYER_KEYS and isinstance(value, dict):
            value = _keras_layer_dict(value["class_name"], value["config"])
        config[key] = value
    extra = {"build_config": {"input_shape": _shape_list(input_shape)}} if input_shape is not None else {}
    return keras_object("layer", class_name, config, **extra)


def keras_model_config(model) -> dict:
    """El modelo entero como lo escribe Keras (`serialize_keras_object`): config, build_config y compile_config."""
    return {**_keras_model_entry(model), "compile_config": keras_compile_config(model)}


def _keras_model_entry(model) -> dict:
    from ..models import Functional  # aquí: models importa este paquete

    if type(model).__name__ == "Sequential":
        return _keras_sequential(model)
    if not isinstance(model, Functional):
        return _keras_subclassed(model)
    body = model.get_config()  # el formato funcional de Keras; aquí se traduce cada capa
    layers = []
    for layer, entry in zip(model.layers, body["layers"], strict=True):
        layers.append({**_keras_entry(layer), "name": entry["name"], "inbound_nodes": entry["inbound_nodes"]})
    return {"module": "keras.src.models.functional", "class_name": "Functional", "config": {**body, "layers": layers},
            "registered_name": "Functional", "build_config": {"input_shape": None}}


def _keras_subclassed(model) -> dict:
    """Un modelo subclase, como lo escribe Keras: su get_config (sin él, get_config explica qué hacer), el
    módulo de su clase (None si es __main__) y la forma de su primera llamada, con el lote. Al cargarlo,
    la clase la da custom_objects: del archivo nunca se ejecuta código."""
    body = model.get_config()
    shape = getattr(model, "_build_input_shape", None) if model.built else None
    module = type(model).__module__
    return {**_keras_layer_dict(type(model).__name__, body, shape), "module": None if module == "__main__" else module,
            "registered_name": type(model).__name__}


def _keras_entry(layer) -> dict:
    """Una capa (o un modelo dentro del modelo) como la escribe Keras, con la forma con que se construyó."""
    shape = layer.input_spec_shape if layer.built and type(layer).__name__ != "InputLayer" else None
    if is_model(layer):
        entry = _keras_model_entry(layer)
        return {**entry, "build_config": {"input_shape": _shape_list(shape)}} if shape is not None else entry
    return keras_layer_config(layer, shape)


def _shape_list(shape):
    """(None, 4) -> [None, 4]; una lista de formas (capas de varias entradas) -> lista de listas."""
    return [_shape_list(s) for s in shape] if isinstance(shape, list) else list(shape)


def _keras_sequential(model) -> dict:
    layer_configs = []
    if model.input_spec_shape is not None:
        layer_configs.append(_input_layer_config(model, model._input_layer))
    layer_configs += [_keras_entry(layer) for layer in model.layers]
    config = {"name": model.name, "trainable": model.trainable, "dtype": dtype_policy("float32"),
              "layers": layer_configs}
    build = None
    if model.input_spec_shape is not None:
        config["build_input_shape"] = list(model.input_spec_shape)
        build = {"input_shape": list(model.input_spec_shape)}
    return {"module": "keras", "class_name": "Sequential", "config": config, "registered_name": None,
            "build_config": build}


def _input_layer_config(model, input_layer) -> dict:
    dtype = input_layer.dtype.name if input_layer is not None else model.layers[0].dtype.name
    config = {"batch_shape": list(model.input_spec_shape), "dtype": dtype, "sparse": False, "ragged": False}
    if input_layer is not None:
        config["name"] = input_layer.name
    return keras_object("layer", "InputLayer", config)


def keras_compile_config(model):
    compiled = model.get_compile_config()
    if compiled is None:
        return None
    optimizer = compiled["optimizer"]

    def objects(kind, spec):
        return map_structure(lambda identifier: _keras_identifier(kind, identifier), spec)

    optimizer_config = optimizer.get_config()
    rate = optimizer_config.get("learning_rate")
    if isinstance(rate, dict):  # un programa de tasas, también como objeto de Keras
        optimizer_config["learning_rate"] = keras_object("schedule", rate["class_name"], rate["config"])
    return {
        "optimizer": keras_object("optimizer", type(optimizer).__name__, optimizer_config),
        "loss": objects("loss", compiled["loss"]), "loss_weights": compiled["loss_weights"],
        "metrics": objects("metric", compiled["metrics"]), "weighted_metrics": objects("metric", compiled[
            "weighted_metrics"]),
        "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False,
    }


def map_structure(function, spec):
    """Aplica `function` a cada pérdida o métrica de una estructura de compile (suelta, lista o dict por
    salida); un objeto serializado ({'class_name': ...}) es una hoja, y None se queda None."""
    if spec is None:
        return None
    if isinstance(spec, dict) and "class_name" not in spec:
        return {key: map_structure(function, value) for key, value in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [map_structure(function, value) for value in spec]
    return function(spec)


def _keras_identifier(kind, identifier):
    """Una pérdida o métrica: el nombre tal cual si se dio con nombre; si no, el objeto completo."""
    if identifier is None or isinstance(identifier, str):
        return identifier
    if hasattr(identifier, "get_config"):
        return keras_object(kind, type(identifier).__name__, identifier.get_config())
    return getattr(identifier, "__name__", str(identifier))


# ================================================================ leer (Keras -> tinygrad_es)
def keras_object_parts(entry, what: str, filepath, allow_registered=None) -> tuple:
    """(class_name, config) de un objeto serializado, rechazando funciones y objetos registrados
    (salvo los que el usuario da en `allow_registered`, sus custom_objects)."""
    if not isinstance(entry, dict) or not isinstance(entry.get("class_name"), str):
        raise ModelFileError(f"'{filepath}': {what} debería ser un objeto {{'class_name': ..., 'config': ...}} "
                             f"y es {_short(entry)}.")
    class_name, config = entry["class_name"], entry.get("config", {})
    registered = entry.get("registered_name")
    if class_name in ("__lambda__", "function") or (
            registered not in (None, class_name) and registered not in (allow_registered or {})):
        raise ModelFileError(
            f"'{filepath}': {what} es una función u objeto propio ({class_name}, {registered!r}). tinygrad_es no "
            "ejecuta código de un archivo: usa solo capas y funciones de Keras, pasa tus clases en "
            "load_model(..., custom_objects={...}), o crea el modelo en Python y carga sus pesos con load_weights."
        )
    if not isinstance(config, dict):
        raise ModelFileError(f"'{filepath}': la configuración de {what} debería ser un diccionario y es "
                             f"{_short(config)}.")
    return class_name, config


def layer_from_keras(entry, filepath, custom_objects=None):
    """Una capa nueva (sin construir) a partir de su entrada en config.json; `custom_objects`
    ({nombre: clase}) da las capas propias del usuario."""
    cls, kwargs, what = _layer_arguments(entry, filepath, custom_objects or {})
    return build_object(lambda: cls.from_config(kwargs), what, filepath)


def _layer_arguments(entry, filepath, custom_objects) -> tuple:
    """(clase, argumentos de tinygrad_es, descripción para los errores) de una capa serializada por Keras."""
    class_name, config = keras_object_parts(entry, "una capa", filepath, allow_registered=custom_objects)
    what = f"la capa '{config.get('name', '?')}' ({class_name})"
    cls = custom_objects.get(entry.get("registered_name") or class_name)
    if cls is None:
        try:
            cls = layers_module.get(class_name)
        except ValueError as error:
            raise UnknownClassError(f"'{filepath}' usa {what}, que tinygrad_es no tiene. Si es una clase tuya, "
                                 f"pásala: load_model(..., custom_objects={{'{class_name}': {class_name}}}). "
                                 f"{error}") from None
    values = {}
    for key, value in config.items():
        if key == "dtype":
            value = _dtype_name(value, what, filepath)
        elif _object_kind(key) and isinstance(value, dict):
            value = _known_object(_object_kind(key), value, f"{key} de {what}", filepath)
        elif key in ("activation", "recurrent_activation") and not isinstance(value, (str, type(None))):
            keras_object_parts(value, f"{key} de {what}", filepath)  # explica por qué no se admite
            raise ModelFileError(f"'{filepath}': {key} de {what} debe ser un nombre ('relu'...) y es {_short(value)}.")
        elif key in NESTED_LAYER_KEYS and isinstance(value, dict):
            inner, inner_kwargs, _ = _layer_arguments(value, filepath, custom_objects)
            value = {"class_name": inner.__name__, "config": inner_kwargs}
        elif key == "batch_input_shape":  # tf.keras 2 llamaba así a batch_shape
            key = "batch_shape"
        values[key] = value
    return cls, clean_arguments(cls, values, what, filepath), what


def _dtype_name(value, what, filepath) -> str:
    """'float32' o {'class_name': 'DTypePolicy', 'config': {'name': 'float32'}} -> 'float32'."""
    if isinstance(value, dict):
        value = value.get("config", {}).get("name") if isinstance(value.get("config"), dict) else None
    if value is None:
        return "float32"
    if value not in ("float16", "float32", "float64", "int32", "int64", "uint8", "bool", "int8", "int16"):
        raise ModelFileError(
            f"'{filepath}': {what} usa el tipo de datos {value!r}, que tinygrad_es no tiene (usa float32 o float64)."
        )
    return value


def _known_object(kind, entry, what, filepath):
    """Un inicializador, regularizador o restricción de la configuración, si tinygrad_es tiene su clase
    (con sus argumentos limpios); si no, el error que lo dice."""
    _, module, noun = kind
    class_name, config = keras_object_parts(entry, what, filepath)
    try:
        cls = module.get({"class_name": class_name, "config": {}}).__class__
    except (ValueError, TypeError):
        raise ModelFileError(f"'{filepath}': {what} es {noun} {class_name}, que tinygrad_es no tiene.") from None
    return {"class_name": class_name, "config": clean_arguments(cls, config, what, filepath)}


def clean_arguments(cls, config: dict, what: str, filepath) -> dict:
    """Los argumentos que `cls` acepta; los de Keras que no acepta se quitan si son neutros, si no, error."""
    accepted = set(init_arguments(cls))
    kwargs = {}
    for key, value in config.items():
        if key in accepted:
            kwargs[key] = value
        elif key in BOOKKEEPING or value is None or value is False or value in NEUTRAL.get(key, ()):
            continue
        else:
            raise ModelFileError(
                f"'{filepath}': {what} usa {key}={_short(value)}, una opción de Keras que tinygrad_es no tiene, y "
                "sin ella el modelo daría otros resultados."
            )
    return kwargs


def build_object(make, what, filepath):
    """Crea el objeto; su error (argumento no válido...) pasa a ser un ModelFileError que dice dónde."""
    try:
        return make()
    except (ValueError, TypeError, KeyError) as error:
        raise ModelFileError(f"'{filepath}': no se puede crear {what}: {error}") from None


def optimizer_from_keras(entry, filepath):
    if isinstance(entry, str):
        return build_object(lambda: optimizers.get(entry), f"el optimizador '{entry}'", filepath)
    class_name, config = keras_object_parts(entry, "el optimizador", filepath)
    what = f"el optimizador {class_name}"
    try:
        cls = optimizers.get({"class_name": class_name, "config": {}}).__class__
    except ValueError:
        raise ModelFileError(
            f"'{filepath}' usa {what}, que tinygrad_es no tiene. Los disponibles son: "
            f"{', '.join(sorted(c.__name__ for c in optimizers.ALL.values()))}. Carga con compile=False y compila "
            "con otro."
        ) from None
    kwargs = clean_arguments(cls, config, what, filepath)
    return build_object(lambda: cls.from_config(kwargs), what, filepath)


def loss_from_keras(entry, filepath):
    """Una pérdida de compile_config: un nombre ('mse') o un objeto serializado."""
    if entry is None or isinstance(entry, str):
        return entry
    class_name, config = keras_object_parts(entry, "la pérdida", filepath)
    what = f"la pérdida {class_name}"
    cls = build_object(lambda: losses.get(class_name).__class__, what, filepath)
    kwargs = clean_arguments(cls, config, what, filepath)
    return build_object(lambda: cls.from_config(kwargs), what, filepath)


def metric_from_keras(entry, filepath):
    if isinstance(entry, str):
        return entry
    class_name, config = keras_object_parts(entry, "una métrica", filepath)
    what = f"la métrica {class_name}"
    cls = build_object(lambda: metrics.get(class_name).__class__, what, filepath)
    kwargs = clean_arguments(cls, config, what, filepath)
    return build_object(lambda: cls(**kwargs), what, filepath)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
