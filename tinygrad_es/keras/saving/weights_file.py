"""`model.save_weights('m.weights.h5')` y `model.load_weights(...)`: solo los pesos (y el estado del
optimizador, como Keras), en el HDF5 de Keras 3.

`load_weights` acepta también un `.keras` completo (como Keras 3) y los archivos de pesos que
escribían versiones anteriores de tinygrad_es (un npz). Todo se comprueba y se lee antes de tocar
un peso: un archivo que no encaja deja el modelo como estaba.
"""
from __future__ import annotations

import os

from ... import validation
from ...files import atomic_write
from . import legacy, weights_io
from .archive import ModelFileError, check_readable, damaged, member_file, open_archive
from .h5 import H5Reader, is_hdf5, open_h5
from .model_file import WEIGHTS_FILE, weights_limit
from .state import keras_weights, model_groups


def save_weights(model, filepath, overwrite=True) -> None:
    filepath = validation.path("model.save_weights", "filepath", filepath)
    if not filepath.endswith(".weights.h5"):
        raise ValueError(
            f"El archivo de pesos '{filepath}' debe terminar en .weights.h5 (como en Keras 3), "
            "p. ej. model.save_weights('modelo.weights.h5')."
        )
    if not model.built:
        raise ValueError("El modelo aún no está construido y no tiene pesos que guardar: empieza con "
                         "Input(shape=...) o llama antes al modelo con un lote de datos.")
    atomic_write(filepath, lambda temporary: weights_io.write_weights_h5(model, temporary), overwrite)


def load_weights(model, filepath) -> None:
    """Carga en `model` los pesos de un .weights.h5 o de un .keras completo (de Keras 3 o de tinygrad_es)."""
    filepath = validation.path("model.load_weights", "filepath", filepath)
    check_readable(filepath)
    if not model.built:
        raise ModelFileError(
            "El modelo aún no está construido, así que no tiene pesos donde cargar: empieza con Input(shape=...) o "
            "llama antes al modelo con un lote de datos."
        )
    if is_hdf5(filepath):
        with open_h5(filepath, filepath) as h5file:
            _load_h5_weights(model, H5Reader(h5file, filepath))
        return
    limit = weights_limit(sum(w.size * w.dtype.itemsize for w in model.weights), len(model.layers))
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
    weights_io.check_layer_count(reader, model)
    groups = model_groups(model, keras_weights)
    checked = weights_io.check_groups(reader, groups)
    values = list(weights_io.read_checked(reader, checked))  # todo leído antes de cambiar nada
    weights_io.warn_non_finite(reader.filepath, weights_io.assign(values, {g.path: g.weights for g in groups}))
    if model.compiled:
        weights_io.load_optimizer_state(reader, model)


def _load_npz_weights(model, npz, filepath) -> None:
    targets = [(layer, name, w) for layer in model.layers for name, w in keras_weights(layer)]
    legacy.check_against(legacy.read_manifest(npz, filepath), targets, filepath)
    values = legacy.read_arrays(npz, targets, filepath)
    for (_, _, weight), value in zip(targets, values):
        weight.assign(value)
