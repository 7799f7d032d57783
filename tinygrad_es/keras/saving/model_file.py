"""`model.save('m.keras')`, `keras.models.load_model`, `save_weights` y `load_weights`.

Cargar un modelo sigue siempre el mismo orden, para que un archivo hostil no pueda gastar más
memoria que la que el modelo necesita de verdad:

1. config.json, leído con topes (tamaño, número de elementos, anidamiento);
2. las capas se crean SIN pesos y se calcula qué pesos crearían y de qué forma (`planned_weights`),
   sin reservar memoria; eso da el tamaño máximo razonable de model.weights.h5;
3. cada dataset del HDF5 se compara con el peso que va a llenar (forma y tipo), sin leerlo;
4. solo entonces se construye el modelo (se reservan los pesos) y se leen los datos.
"""
from __future__ import annotations

import datetime
import json
import os
import zipfile
from dataclasses import dataclass, field

from ... import __version__
from ...errors import ShapeError
from ...files import atomic_write, scratch_file
from .. import layers as layers_module
from . import keras_format, legacy, weights_io
from .archive import (MAX_CONFIG_BYTES, MAX_METADATA_BYTES, ModelFileError, check_readable, damaged,
                      member_file, open_archive, read_json)
from .h5 import H5Reader, is_hdf5, open_h5
from .state import keras_weights, model_groups, planned_weights

CONFIG_FILE, METADATA_FILE, WEIGHTS_FILE = "config.json", "metadata.json", "model.weights.h5"
# La versión de Keras cuyo formato se escribe; tests/fixtures/keras tiene archivos de esa versión.
KERAS_VERSION = "3.15.1"
# Lo que ocupa el HDF5 además de los números: cabeceras de grupos y datasets (~1 KiB cada uno en
# los archivos de Keras) y el estado del optimizador (hasta 3 arrays por peso, como Adam con amsgrad).
_H5_OVERHEAD, _H5_PER_OBJECT, _STATE_FACTOR = 1 << 20, 16 << 10, 4


# ================================================================ guardar
def save_model(model, filepath, overwrite=True) -> None:
    filepath = os.fspath(filepath)
    if not filepath.endswith(".keras"):
        raise ValueError(
            f"model.save guarda en el formato .keras de Keras 3 y '{filepath}' no termina en .keras: usa p. ej. "
            "model.save('modelo.keras'). (El .h5 de Keras 2 no está disponible; para solo los pesos, "
            "model.save_weights('modelo.weights.h5').)"
        )
    _check_supported(model, "model.save", whole_model=True)
    config = keras_format.keras_sequential_config(model)
    metadata = {"keras_version": KERAS_VERSION, "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
                "tinygrad_es_version": __version__}

    def write(temporary):
        with scratch_file(filepath) as weights_path:
            weights_io.write_weights_h5(model, weights_path)
            with zipfile.ZipFile(temporary, "w") as archive:  # sin comprimir, como Keras
                archive.writestr(METADATA_FILE, json.dumps(metadata))
                archive.writestr(CONFIG_FILE, json.dumps(config))
                archive.write(weights_path, WEIGHTS_FILE)

    atomic_write(filepath, write, overwrite)


def save_weights(model, filepath, overwrite=True) -> None:
    filepath = os.fspath(filepath)
    if not filepath.endswith(".weights.h5"):
        raise ValueError(
            f"El archivo de pesos '{filepath}' debe terminar en .weights.h5 (como en Keras 3), "
            "p. ej. model.save_weights('modelo.weights.h5')."
        )
    if not model.built:
        raise ValueError("El modelo aún no está construido y no tiene pesos que guardar: empieza con "
                         "Input(shape=...) o llama antes al modelo con un lote de datos.")
    _check_supported(model, "model.save_weights")
    atomic_write(filepath, lambda temporary: weights_io.write_weights_h5(model, temporary), overwrite)


def _check_supported(model, what: str, whole_model: bool = False) -> None:
    """Lo que este formato aún no sabe escribir da un error, nunca un archivo al que le faltan pesos:
    un modelo que no es Sequential (en .keras) o una capa con los pesos en sus subcapas (un modelo
    dentro de otro, Bidirectional, TimeDistributed)."""
    hint = ("mientras tanto guarda los arrays de model.get_weights() (p. ej. con np.savez) y recupéralos con "
            "model.set_weights(...) en un modelo creado con el mismo código")
    if whole_model and type(model).__name__ != "Sequential":
        raise NotImplementedError(
            f"{what} escribe por ahora solo modelos Sequential en .keras, y {model.name} es "
            f"{type(model).__name__}: usa model.save_weights('pesos.weights.h5') y crea el modelo con tu código; "
            f"su arquitectura está en model.get_config() (el formato de Keras 3)."
        )
    nested = [layer.name for layer in model.layers if layer.weights and layer._sublayers()]
    if nested:
        raise NotImplementedError(
            f"{what} aún no sabe guardar ni leer los pesos de capas que contienen otras ({', '.join(nested)}): "
            f"{hint}."
        )


# ================================================================ cargar un modelo
@dataclass
class _Plan:
    """Un Sequential aún sin pesos: sus capas y los pesos que crearán (WeightSpec)."""

    name: str
    trainable: bool
    input_layer: object
    layers: list
    specs: dict = field(default_factory=dict)  # id(capa) -> [(nombre, WeightSpec)]

    @property
    def nbytes(self) -> int:
        return sum(spec.nbytes for specs in self.specs.values() for _, spec in specs)

    def groups(self):
        return model_groups(self.name, self.layers, lambda layer: self.specs.get(id(layer), []))


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Lee un modelo .keras de Keras 3 (o de tinygrad_es): arquitectura, pesos, compile y optimizador.

    `safe_mode` se acepta por compatibilidad: aquí siempre es seguro (nunca se ejecuta código del
    archivo). `custom_objects` ({nombre: clase}) da las capas propias que el archivo nombre.
    """
    filepath = os.fspath(filepath)
    with open_archive(filepath) as archive:
        config = read_json(archive, CONFIG_FILE, MAX_CONFIG_BYTES, filepath)
        if not isinstance(config, dict):
            raise ModelFileError(f"'{filepath}': config.json debería ser un objeto JSON {{...}} con la descripción "
                                 f"del modelo y es {str(config)[:80]}.")
        if legacy.is_legacy_config(config):
            return _load_legacy(archive, config, filepath, compile)
        if METADATA_FILE in archive.namelist():
            read_json(archive, METADATA_FILE, MAX_METADATA_BYTES, filepath)  # que no sea una bomba tampoco
        plan, compile_config = _keras_plan(config, filepath, custom_objects or {})
        limit = _weights_limit(plan.nbytes, len(plan.layers))
        with member_file(archive, WEIGHTS_FILE, limit, filepath) as f, open_h5(f, filepath) as h5file:
            reader = H5Reader(h5file, filepath)
            weights_io.check_layer_count(reader, plan.layers)
            checked = weights_io.check_groups(reader, plan.groups())
            model = _build(plan, filepath)
            real = {g.path: g.weights for g in model_groups(model.name, model.layers, keras_weights)}
            weights_io.warn_non_finite(filepath, weights_io.assign(weights_io.read_checked(reader, checked), real))
            if compile and compile_config:
                _compile(model, compile_config, filepath)
                weights_io.load_optimizer_state(reader, model)
    return model


def _weights_limit(nbytes: int, layer_count: int) -> int:
    """El tamaño máximo razonable de model.weights.h5 para unos pesos de `nbytes` bytes."""
    return _STATE_FACTOR * nbytes + _H5_OVERHEAD + _H5_PER_OBJECT * 8 * (1 + layer_count)


def _keras_plan(config, filepath, custom_objects) -> tuple:
    class_name = config.get("class_name")
    if class_name != "Sequential":
        raise ModelFileError(
            f"'{filepath}' guarda un modelo {class_name!r} y tinygrad_es carga modelos Sequential de Keras 3."
        )
    body = config.get("config")
    if not isinstance(body, dict) or not isinstance(body.get("layers"), list):
        raise ModelFileError(f"'{filepath}': la configuración del Sequential debería tener su lista de capas "
                             "('config': {'layers': [...]}).")

    def make(entry):
        return keras_format.layer_from_keras(entry, filepath, custom_objects)


    plan = _plan(body.get("name"), body.get("trainable", True), body["layers"], make, filepath,
                 body.get("build_input_shape"))
    return plan, config.get("compile_config")


def _plan(name, trainable, entries, make, filepath, build_input_shape=None) -> _Plan:
    """Crea las capas (sin pesos) y calcula los pesos de cada una siguiendo las formas."""
    layers, input_layer = [], None
    for i, entry in enumerate(entries):
        layer = make(entry)
        if type(layer).__name__ == "InputLayer":
            if i != 0:
                raise ModelFileError(f"'{filepath}': la entrada (InputLayer) debe ser la primera capa y es la {i + 1}ª.")
            input_layer = layer
        else:
            layers.append(layer)
    if not isinstance(name, (str, type(None))) or not isinstance(trainable, bool):
        raise ModelFileError(f"'{filepath}': el nombre o trainable del modelo no son válidos ({name!r}, {trainable!r}).")
    plan = _Plan(name, trainable, input_layer, layers)
    shape = input_layer.output_shape if input_layer is not None else build_input_shape
    if shape is not None:
        _follow_shapes(plan, shape, filepath)
    return plan


def _follow_shapes(plan, shape, filepath) -> None:
    for layer in plan.layers:
        try:
            plan.specs[id(layer)], shape = planned_weights(layer, shape)
        except (ValueError, TypeError, ShapeError, IndexError, OverflowError) as error:
            raise ModelFileError(f"'{filepath}': la capa {layer.name} ({type(layer).__name__}) no encaja con la "
                                 f"forma {shape} que le llega: {error}") from None
    _check_memory(plan, filepath)


def _check_memory(plan, filepath) -> None:
    """Un modelo que no cabe en la memoria del equipo no se intenta construir."""
    try:
        available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return
    if plan.nbytes > available:
        count = sum(spec.size for specs in plan.specs.values() for _, spec in specs)
        raise ModelFileError(
            f"'{filepath}' describe un modelo de {count:,} parámetros ({plan.nbytes / 2**30:,.1f} GiB) y este equipo "
            f"tiene {available / 2**30:,.1f} GiB de memoria: no se puede cargar."
        )


def _build(plan, filepath):
    """Ahora sí: el Sequential con sus pesos (la memoria ya se comparó con lo que guarda el archivo)."""
    from ..models import Sequential  # aquí y no arriba: models importa este paquete

    def make():
        model = Sequential(name=plan.name, trainable=plan.trainable)
        if plan.input_layer is not None:
            model.add(plan.input_layer)
        for layer in plan.layers:
            model.add(layer)
        return model

    return keras_format.build_object(make, "el modelo", filepath)


def _compile(model, compile_config, filepath) -> None:
    if not isinstance(compile_config, dict):
        raise ModelFileError(f"'{filepath}': compile_config debería ser un diccionario y es {str(compile_config)[:80]}.")
    for key in ("loss_weights", "weighted_metrics"):
        if compile_config.get(key) is not None:
            raise ModelFileError(f"'{filepath}': el modelo se compiló con {key}, que tinygrad_es no tiene: cárgalo "
                                 "con load_model(..., compile=False) y compílalo tú.")
    optimizer = keras_format.optimizer_from_keras(compile_config.get("optimizer", "rmsprop"), filepath)
    loss = keras_format.loss_from_keras(compile_config.get("loss"), filepath)
    metrics = compile_config.get("metrics") or []
    if not isinstance(metrics, list):
        metrics = [metrics]
    metrics = [keras_format.metric_from_keras(m, filepath) for m in metrics]
    keras_format.build_object(lambda: model.compile(optimizer=optimizer, loss=loss, metrics=metrics),
                              "el compile del modelo", filepath)


def _load_legacy(archive, config, filepath, compile):
    """Un .keras de versiones anteriores de tinygrad_es (config propio + model.weights.npz)."""
    name, trainable, entries, compile_config = legacy.sequential_parts(config, filepath)

    def make(entry):
        return keras_format.build_object(lambda: layers_module.deserialize(entry), f"la capa {str(entry)[:60]}",
                                         filepath)

    plan = _plan(name, trainable, entries, make, filepath)
    targets = [(layer, name, spec) for layer in plan.layers for name, spec in plan.specs.get(id(layer), [])]
    limit = 2 * plan.nbytes + legacy.MAX_MANIFEST_BYTES + _H5_OVERHEAD
    with member_file(archive, legacy.WEIGHTS_NPZ, limit, filepath) as f, legacy.npz_reader(f, filepath) as npz:
        legacy.check_against(legacy.read_manifest(npz, filepath), targets, filepath)
        model = _build(plan, filepath)
        real = [(layer, name, w) for layer in model.layers for name, w in keras_weights(layer)]
        for (_, _, weight), value in zip(real, legacy.read_arrays(npz, real, filepath)):
            weight.data[...] = value
    if compile and compile_config:
        _compile(model, compile_config, filepath)
    return model


# ================================================================ cargar solo pesos
def load_weights(model, filepath) -> None:
    """Carga en `model` los pesos de un .weights.h5 o de un .keras completo (de Keras 3 o de tinygrad_es)."""
    filepath = os.fspath(filepath)
    check_readable(filepath)
    if not model.built:
        raise ModelFileError(
            "El modelo aún no está construido, así que no tiene pesos donde cargar: empieza con Input(shape=...) o "
            "llama antes al modelo con un lote de datos."
        )
    _check_supported(model, "model.load_weights")
    if is_hdf5(filepath):
        with open_h5(filepath, filepath) as h5file:
            _load_h5_weights(model, H5Reader(h5file, filepath))
        return
    limit = _weights_limit(sum(w.size * w.dtype.itemsize for w in model.weights), len(model.layers))
    with open_archive(filepath) as archive:
        names = archive.namelist()
        if WEIGHTS_FILE in names:
            with member_file(archive, WEIGHTS_FILE, limit, filepath) as f, open_h5(f, filepath) as h5file:
                _load_h5_weights(model, H5Reader(h5file, filepath))
        elif legacy.WEIGHTS_NPZ in names:
            with member_file(archive, legacy.WEIGHTS_NPZ, limit, filepath) as f, \
                    legacy.npz_reader(f, filepath) as npz:
                _load_npz_weights(model, npz, filepath)
        elif f"{legacy.MANIFEST}.npy" in names:  # un save_weights de versiones anteriores
            _load_npz_weights(model, archive, filepath)
        else:
            raise damaged(filepath, ValueError(f"no tiene {WEIGHTS_FILE} ni pesos de tinygrad_es"))


def _load_h5_weights(model, reader) -> None:
    """Todo se comprueba y se lee antes de tocar un peso: un error deja el modelo como estaba."""
    weights_io.check_layer_count(reader, model.layers)
    groups = model_groups(model.name, model.layers, keras_weights)
    checked = weights_io.check_groups(reader, groups)
    values = list(weights_io.read_checked(reader, checked))
    targets = {g.path: g.weights for g in groups}
    weights_io.warn_non_finite(reader.filepath, weights_io.assign(values, targets))
    if model.compiled:
        weights_io.load_optimizer_state(reader, model)


def _load_npz_weights(model, npz, filepath) -> None:
    targets = [(layer, name, w) for layer in model.layers for name, w in keras_weights(layer)]
    legacy.check_against(legacy.read_manifest(npz, filepath), targets, filepath)
    values = legacy.read_arrays(npz, targets, filepath)
    for (_, _, weight), value in zip(targets, values):
        weight.data[...] = value
