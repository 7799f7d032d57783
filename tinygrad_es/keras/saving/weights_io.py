"""Escribir y leer los pesos de un modelo (y el estado de su optimizador) en el HDF5 de Keras 3.

Leer va en dos pasos: `check_groups` comprueba cada grupo y dataset que se va a leer contra los
pesos que los recibirán (existencia, número, forma y tipo), sin leer datos; después `read_groups`
los lee. Un archivo que no encaja no cambia nada y su error nombra la capa y el peso.
"""
from __future__ import annotations

import warnings

import h5py
import numpy as np

from . import optimizer_state
from .h5 import H5Reader, write_group
from .state import is_graph_model, keras_weights, model_groups

OPTIMIZER_PATH = "optimizer"


def write_weights_h5(model, path: str) -> None:
    """El HDF5 de `model.save_weights`: capas y, si el modelo está compilado, el optimizador."""
    with h5py.File(path, "w") as h5file:
        for group in model_groups(model, keras_weights):
            write_group(h5file, group.path, group.name, [w.numpy() for w in group.weights])
        if model.compiled and model.optimizer is not None:
            write_group(h5file, OPTIMIZER_PATH, model.optimizer.name,
                        optimizer_state.keras_variables(model.optimizer))


def check_layer_count(reader: H5Reader, model) -> None:
    """Un Sequential o funcional tiene en el archivo un grupo por capa: con más o menos, se guardó
    desde otra arquitectura."""
    if not is_graph_model(model):
        return
    layers = model.layers
    group = reader.file.get("layers", getlink=True)
    found = len(reader.file["layers"]) if isinstance(group, h5py.HardLink) else 0
    if found != len(layers):
        raise reader.error(
            f"el archivo tiene {found} capas y el modelo {len(layers)} "
            f"({', '.join(layer.name for layer in layers) or 'ninguna'}). ¿Se guardó desde otra arquitectura?"
        )


def check_groups(reader: H5Reader, groups) -> list:
    """Para cada grupo con pesos, sus datasets comprobados (mismo número, forma y tipo que los pesos).

    Los pesos pueden ser Tensors o WeightSpec: solo se usa su forma.
    """
    checked = []
    for group in groups:
        if not group.weights:
            continue
        owner = group.owner
        where = f"la capa {owner.name} ({type(owner).__name__})"
        h5group = reader.vars_group(group.path)
        count = 0 if h5group is None else len(h5group)
        if count != len(group.weights):
            raise reader.error(
                f"{where} tiene {len(group.weights)} pesos y el archivo guarda {count} en '{group.path or '/'}/vars'. "
                "¿Se guardó desde otra arquitectura?"
            )
        datasets = [reader.dataset(h5group, str(i), f"'{group.path}/vars/{i}' ({where}, peso '{name}')",
                                   w.shape, w.dtype)
                    for i, (name, w) in enumerate(zip(group.weight_names, group.weights))]
        checked.append((group, datasets))
    return checked


def read_checked(reader: H5Reader, checked):
    """(grupo, índice, array) de cada dataset comprobado, uno a uno y en el dtype de su peso."""
    for group, datasets in checked:
        for i, (weight, data) in enumerate(zip(group.weights, datasets)):
            yield group, i, reader.read(data, weight.dtype)


def assign(items, targets) -> list:
    """Copia cada array en su peso (`targets[ruta][i]`); devuelve dónde había NaN o infinitos (para avisar)."""
    non_finite = []
    for group, i, value in items:
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            non_finite.append(f"{group.path}/vars/{i}")
        targets[group.path][i].assign(value)  # (sube su versión: ver versions.py)
    return non_finite


def warn_non_finite(filepath, paths) -> None:
    if paths:
        warnings.warn(
            f"'{filepath}' tiene pesos con NaN o infinitos ({', '.join(paths[:5])}"
            f"{'...' if len(paths) > 5 else ''}): el modelo dará NaN. Suele venir de un entrenamiento que "
            "divergió (tasa de aprendizaje demasiado alta); vuelve a un archivo anterior.",
            UserWarning, stacklevel=4,
        )


def load_optimizer_state(reader: H5Reader, model) -> None:
    """El estado del optimizador, si el archivo lo tiene y encaja con el optimizador del modelo."""
    optimizer = model.optimizer
    h5group = reader.vars_group(OPTIMIZER_PATH)
    if optimizer is None or h5group is None:
        return
    trainable = model.trainable_weights
    expected = optimizer_state.planned_shapes(optimizer, trainable)
    found = len(h5group)
    if found not in (optimizer_state.scalar_count(optimizer), len(expected)):
        optimizer_state.warn_skipped(optimizer, len(expected), found, reader.filepath)
        return
    values = []
    for i, (shape, dtype) in enumerate(expected[:found]):
        data = reader.dataset(h5group, str(i), f"'optimizer/vars/{i}' (estado del optimizador)", shape, dtype)
        values.append(reader.read(data, dtype))
    optimizer_state.assign_keras_variables(optimizer, values)
