"""`model.save('m.keras')` y `keras.models.load_model`: el modelo entero en el formato de Keras 3.

Cargar un modelo sigue siempre el mismo orden, para que un archivo hostil no pueda gastar más
memoria que la que el modelo necesita de verdad:

1. config.json, leído con topes (tamaño, número de elementos, anidamiento);
2. el modelo se construye como plan (`building.Recorder`): cada capa anota los pesos que crearía
   y de qué forma, sin reservar su memoria; eso da el tamaño máximo razonable de model.weights.h5;
3. cada dataset del HDF5 se compara con el peso que va a llenar (forma y tipo), sin leerlo;
4. solo entonces se construye el modelo de verdad (se reservan los pesos) y se leen los datos.
"""
from __future__ import annotations

import datetime
import json
import os
import zipfile

from ... import __version__
from ... import validation
from ...files import atomic_write, scratch_file
from .. import layers as layers_module
from . import keras_format, legacy, weights_io
from .archive import MAX_CONFIG_BYTES, MAX_METADATA_BYTES, ModelFileError, member_file, open_archive, read_json
from .building import Recorder, model_from_config
from .h5 import H5Reader, open_h5
from .state import keras_weights, model_groups

CONFIG_FILE, METADATA_FILE, WEIGHTS_FILE = "config.json", "metadata.json", "model.weights.h5"
# La versión de Keras cuyo formato se escribe; tests/fixtures/keras tiene archivos de esa versión.
KERAS_VERSION = "3.15.1"
# Lo que ocupa el HDF5 además de los números: cabeceras de grupos y datasets (~1 KiB cada uno en
# los archivos de Keras) y el estado del optimizador (hasta 3 arrays por peso, como Adam con amsgrad).
_H5_OVERHEAD, _H5_PER_OBJECT, _STATE_FACTOR = 1 << 20, 16 << 10, 4


def weights_limit(nbytes: int, group_count: int) -> int:
    """El tamaño máximo razonable de model.weights.h5 para unos pesos de `nbytes` bytes."""
    return _STATE_FACTOR * nbytes + _H5_OVERHEAD + _H5_PER_OBJECT * 8 * (1 + group_count)


# ================================================================ guardar
def save_model(model, filepath, overwrite=True) -> None:
    filepath = validation.path("model.save", "filepath", filepath)
    if not filepath.endswith(".keras"):
        raise ValueError(
            f"model.save guarda en el formato .keras de Keras 3 y '{filepath}' no termina en .keras: usa p. ej. "
            "model.save('modelo.keras'). (El .h5 de Keras 2 no está disponible; para solo los pesos, "
            "model.save_weights('modelo.weights.h5').)"
        )
    config = keras_format.keras_model_config(model)
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


# ================================================================ cargar
def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Lee un modelo .keras de Keras 3 (o de tinygrad_es): arquitectura, pesos, compile y optimizador.

    `safe_mode` se acepta por compatibilidad: aquí siempre es seguro (nunca se ejecuta código del
    archivo). `custom_objects` ({nombre: clase}) da las capas propias que el archivo nombre.
    """
    filepath = validation.path("load_model", "filepath", filepath)
    with open_archive(filepath) as archive:
        config = read_json(archive, CONFIG_FILE, MAX_CONFIG_BYTES, filepath)
        if not isinstance(config, dict):
            raise ModelFileError(f"'{filepath}': config.json debería ser un objeto JSON {{...}} con la descripción "
                                 f"del modelo y es {str(config)[:80]}.")
        old = legacy.is_legacy_config(config)
        if not old and METADATA_FILE in archive.namelist():
            read_json(archive, METADATA_FILE, MAX_METADATA_BYTES, filepath)  # que no sea una bomba tampoco
        make_layer = _legacy_layer(filepath) if old else _keras_layer(filepath, custom_objects or {})
        recorder = Recorder()
        plan = model_from_config(config, lambda entry: recorder(make_layer(entry)), filepath)
        _check_memory(recorder, filepath)
        load = _load_legacy_weights if old else _load_keras_weights
        return load(archive, config, plan, recorder, make_layer, filepath, compile and config.get("compile_config"))


def _keras_layer(filepath, custom_objects):
    return lambda entry: keras_format.layer_from_keras(entry, filepath, custom_objects)


def _legacy_layer(filepath):
    def make(entry):
        return keras_format.build_object(lambda: layers_module.deserialize(entry), f"la capa {str(entry)[:60]}",
                                         filepath)
    return make


def _check_memory(recorder, filepath) -> None:
    """Un modelo que no cabe en la memoria del equipo no se intenta construir."""
    try:
        available = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return
    if recorder.nbytes > available:
        raise ModelFileError(
            f"'{filepath}' describe un modelo de {recorder.parameter_count:,} parámetros "
            f"({recorder.nbytes / 2**30:,.1f} GiB) y este equipo tiene {available / 2**30:,.1f} GiB de memoria: "
            "no se puede cargar."
        )


def _load_keras_weights(archive, config, plan, recorder, make_layer, filepath, compile_config):
    """Comprueba model.weights.h5 contra el plan, construye el modelo, lee sus pesos y, si se compila,
    el estado del optimizador. El HDF5 no puede ocupar más de lo que justifican los pesos del plan."""
    limit = weights_limit(recorder.nbytes, len(recorder.specs))
    with member_file(archive, WEIGHTS_FILE, limit, filepath) as f, open_h5(f, filepath) as h5file:
        reader = H5Reader(h5file, filepath)
        weights_io.check_layer_count(reader, plan)
        checked = weights_io.check_groups(reader, model_groups(plan, recorder.named_specs))
        model = model_from_config(config, make_layer, filepath)  # ahora sí, con sus pesos
        real = {g.path: g.weights for g in model_groups(model, keras_weights)}
        weights_io.warn_non_finite(filepath, weights_io.assign(weights_io.read_checked(reader, checked), real))
        if compile_config:
            _compile(model, compile_config, filepath)
            weights_io.load_optimizer_state(reader, model)
    return model


def _load_legacy_weights(archive, config, plan, recorder, make_layer, filepath, compile_config):
    """Los pesos de un .keras de versiones anteriores de tinygrad_es (model.weights.npz)."""
    targets = [(layer, name, spec) for layer in plan.layers for name, spec in recorder.named_specs(layer)]
    limit = 2 * recorder.nbytes + legacy.MAX_MANIFEST_BYTES + _H5_OVERHEAD
    with member_file(archive, legacy.WEIGHTS_NPZ, limit, filepath) as f, legacy.npz_reader(f, filepath) as npz:
        legacy.check_against(legacy.read_manifest(npz, filepath), targets, filepath)
        model = model_from_config(config, make_layer, filepath)
        real = [(layer, name, w) for layer in model.layers for name, w in keras_weights(layer)]
        for (_, _, weight), value in zip(real, legacy.read_arrays(npz, real, filepath)):
            weight.assign(value)
    if compile_config:
        _compile(model, compile_config, filepath)
    return model


def _compile(model, compile_config, filepath) -> None:
    if not isinstance(compile_config, dict):
        raise ModelFileError(f"'{filepath}': compile_config debería ser un diccionario y es {str(compile_config)[:80]}.")

    def objects(key, read):
        return keras_format.map_structure(lambda entry: read(entry, filepath), compile_config.get(key))

    optimizer = keras_format.optimizer_from_keras(compile_config.get("optimizer", "rmsprop"), filepath)
    arguments = dict(optimizer=optimizer, loss=objects("loss", keras_format.loss_from_keras),
                     loss_weights=compile_config.get("loss_weights"),
                     metrics=objects("metrics", keras_format.metric_from_keras),
                     weighted_metrics=objects("weighted_metrics", keras_format.metric_from_keras))
    keras_format.build_object(lambda: model.compile(**arguments), "el compile del modelo", filepath)
