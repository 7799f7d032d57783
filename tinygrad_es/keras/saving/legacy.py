"""Los archivos que escribía tinygrad_es antes de usar el formato de Keras 3 (siguen cargándose).

Un `.keras` antiguo es un zip con `config.json` (con `"format": "tinygrad_es.keras"`) y
`model.weights.npz`: un npz con un array por peso ('0000', '0001'...) y `__manifest__`, una
lista JSON que dice de qué capa y peso es cada uno y su forma. `save_weights` escribía ese npz
solo, aunque el archivo se llamara '.weights.h5'.

Cada array se comprueba (tipo y forma, leídos de su cabecera .npy) contra el peso que va a llenar
antes de leerlo, y nunca con pickle.
"""
from __future__ import annotations

import contextlib
import json
import zipfile

import numpy as np

from .archive import ModelFileError, damaged
from .h5 import check_number_dtype

FORMAT = "tinygrad_es.keras"
WEIGHTS_NPZ = "model.weights.npz"
MANIFEST = "__manifest__"
MAX_MANIFEST_BYTES = 16 << 20


def is_legacy_config(config) -> bool:
    return isinstance(config, dict) and config.get("format") == FORMAT


def sequential_parts(config, filepath) -> tuple:
    """(nombre, trainable, entrada InputLayer o None, [configs de capa], compile_config) de un config antiguo."""
    body = config.get("config")
    if config.get("class_name") != "Sequential" or not isinstance(body, dict) or not isinstance(
            body.get("layers"), list):
        raise ModelFileError(
            f"'{filepath}': el config.json de tinygrad_es debería describir un Sequential con su lista de capas "
            f"('config': {{'layers': [...]}}) y describe {str(config)[:120]}."
        )
    return body.get("name"), body.get("trainable", True), body["layers"], config.get("compile_config")


@contextlib.contextmanager
def npz_reader(source, filepath):
    """El npz abierto como zip (de una ruta o de un objeto archivo); un npz dañado -> ModelFileError."""
    try:
        npz = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise damaged(filepath, error) from None
    with npz:
        yield npz


def read_manifest(npz, filepath) -> list:
    """La lista [{'layer', 'weight', 'shape'...}] de los pesos guardados, comprobada."""
    with _member(npz, MANIFEST, filepath) as f:
        shape, dtype, _ = _header(f, MANIFEST, filepath)
        if dtype.kind != "U" or shape != () or dtype.itemsize > MAX_MANIFEST_BYTES:
            raise ModelFileError(f"'{filepath}': la lista de pesos (__manifest__) debería ser un texto JSON y es "
                                 f"un array {dtype} de forma {shape}.")
        text = str(np.frombuffer(_exact(f, dtype.itemsize, MANIFEST, filepath), dtype)[0])
    try:
        manifest = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ModelFileError(f"'{filepath}': la lista de pesos (__manifest__) no es JSON válido ({error}).") from None
    if not isinstance(manifest, list) or not all(
            isinstance(m, dict) and isinstance(m.get("shape"), list) for m in manifest):
        raise ModelFileError(f"'{filepath}': la lista de pesos (__manifest__) debería ser una lista de "
                             f"{{'layer', 'weight', 'shape'}} y es {text[:120]}.")
    return manifest


def check_against(manifest, targets, filepath) -> None:
    """¿Encajan los pesos guardados con los del modelo (número y formas)? Si no, el primero que falla."""
    for (layer, name, weight), saved in zip(targets, manifest):
        if tuple(saved["shape"]) != tuple(weight.shape):
            raise ModelFileError(
                f"'{filepath}' no encaja con este modelo: el peso '{name}' de la capa {layer.name} "
                f"({type(layer).__name__}) tiene forma {tuple(weight.shape)} y en el archivo ({saved.get('layer')}/"
                f"{saved.get('weight')}) tiene forma {tuple(saved['shape'])}. ¿Se guardó desde otra arquitectura?"
            )
    if len(targets) != len(manifest):
        raise ModelFileError(
            f"'{filepath}' no encaja con este modelo: el archivo tiene {len(manifest)} pesos y el modelo "
            f"{len(targets)}. ¿Se guardó desde otra arquitectura (otras capas)?"
        )


def read_arrays(npz, targets, filepath) -> list:
    """Los arrays guardados, cada uno comprobado contra su peso (forma y tipo) antes de leerlo."""
    values = []
    for i, (layer, name, weight) in enumerate(targets):
        key = f"{i:04d}"
        with _member(npz, key, filepath) as f:
            shape, dtype, order = _header(f, key, filepath)
            check_number_dtype(dtype, f"el array '{key}' (peso '{name}' de {layer.name})", filepath)
            if shape != tuple(weight.shape):
                raise ModelFileError(f"'{filepath}': el array '{key}' tiene forma {shape} y su lista dice "
                                     f"{tuple(weight.shape)}: el archivo está dañado.")
            count = int(np.prod(shape, dtype=np.int64))
            data = np.frombuffer(_exact(f, count * dtype.itemsize, key, filepath), dtype).reshape(shape, order=order)
        values.append(data.astype(weight.dtype))
    return values


@contextlib.contextmanager
def _member(npz, key, filepath):
    try:
        info = npz.getinfo(f"{key}.npy")
    except KeyError:
        raise ModelFileError(f"'{filepath}': falta el array '{key}' en los pesos guardados.") from None
    try:
        with npz.open(info) as f:
            yield f
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise damaged(filepath, error) from None


def _header(f, key, filepath) -> tuple:
    """(forma, dtype, orden 'C' o 'F') de la cabecera de un .npy, sin leer los datos (ni aceptar objetos)."""
    try:
        version = np.lib.format.read_magic(f)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read(f)
    except (ValueError, EOFError, SyntaxError) as error:
        raise ModelFileError(f"'{filepath}': la cabecera del array '{key}' está dañada ({error}).") from None
    if dtype.hasobject:
        raise ModelFileError(f"'{filepath}': el array '{key}' guarda objetos de Python ({dtype}), no números.")
    return tuple(shape), dtype, "F" if fortran else "C"


def _exact(f, count, key, filepath) -> bytes:
    data = f.read(count)
    if len(data) != count:
        raise ModelFileError(f"'{filepath}': el array '{key}' está truncado ({len(data)} de {count} bytes).")
    return data
