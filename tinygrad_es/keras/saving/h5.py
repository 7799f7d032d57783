"""El HDF5 de los pesos, con h5py, en la disposición de Keras 3.

Keras 3 guarda el estado de cada objeto (el modelo, cada capa, el optimizador) en un grupo
`<ruta>/vars` con el atributo `name` (el nombre del objeto) y un dataset por variable: "0",
"1", ... en el orden de las variables del objeto. Por ejemplo, una Dense en un Sequential:
`layers/dense/vars/0` (kernel) y `layers/dense/vars/1` (bias).

Al leer un archivo ajeno nada se lee antes de comprobarlo: cada grupo y dataset se alcanza solo
por enlaces normales (no enlaces blandos ni externos, que apuntarían fuera del archivo), los
datasets no pueden ser externos ni virtuales, y su forma y tipo se comparan con los del peso que
van a llenar antes de leer un solo byte. Así la memoria la marca el modelo, no el archivo.
"""
from __future__ import annotations

import math

import h5py
import numpy as np

from .archive import ModelFileError

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_NUMBER_KINDS = "fiub"  # float, int, uint, bool
# Un dataset puede declarar una forma enorme y no guardar casi nada (comprimido, o solo el valor de
# relleno): por encima de este tamaño, lo que ocupa en disco debe ser al menos 1/_MAX_EXPANSION.
_BOMB_FLOOR, _MAX_EXPANSION = 64 << 20, 1000


def write_group(h5file, path: str, name: str, arrays) -> None:
    """Crea `<path>/vars` con el atributo name y un dataset por array, como Keras."""
    group = h5file.require_group(f"{path}/vars" if path else "vars")
    group.attrs["name"] = name
    for i, value in enumerate(arrays):
        group[str(i)] = np.asarray(value)


class H5Reader:
    """Acceso comprobado a los grupos `vars` de un archivo de pesos abierto con h5py."""

    def __init__(self, h5file, filepath: str):
        self.file, self.filepath = h5file, filepath

    def vars_group(self, path: str):
        """El grupo `<path>/vars`, o None si no está (Keras tampoco exige los grupos sin variables)."""
        group = self.file
        for part in (f"{path}/vars" if path else "vars").split("/"):
            link = group.get(part, getlink=True)
            if link is None:
                return None
            if not isinstance(link, h5py.HardLink):
                raise self.error(f"'{path}' es un enlace ({type(link).__name__}) a otro sitio; no se siguen enlaces")
            group = group[part]
            if not isinstance(group, h5py.Group):
                raise self.error(f"'{path}' debería ser un grupo y es {type(group).__name__}")
        return group

    def dataset(self, group, key: str, where: str, shape, dtype):
        """El dataset `key` comprobado contra la forma que debe tener; se lee como array de `dtype`."""
        link = group.get(key, getlink=True)
        if link is None:
            raise self.error(f"falta la variable {where}")
        if not isinstance(link, h5py.HardLink):
            raise self.error(f"la variable {where} es un enlace a otro sitio; no se siguen enlaces")
        data = group[key]
        if not isinstance(data, h5py.Dataset):
            raise self.error(f"la variable {where} debería ser un dataset y es {type(data).__name__}")
        if data.external or data.is_virtual:
            raise self.error(f"la variable {where} guarda sus datos fuera del archivo; no se admite")
        check_number_dtype(data.dtype, f"la variable {where}", self.filepath)
        if tuple(data.shape) != tuple(shape):
            raise self.error(
                f"la variable {where} tiene forma {tuple(data.shape)} y el modelo necesita {tuple(shape)}. "
                "¿Se guardó desde otra arquitectura?"
            )
        if data.chunks is not None and math.prod(data.chunks) > max(math.prod(shape), 1):
            raise self.error(f"la variable {where} usa bloques (chunks) mayores que ella misma; no es de fiar")
        declared, stored = math.prod(shape) * data.dtype.itemsize, data.id.get_storage_size()
        if declared > _BOMB_FLOOR and declared > _MAX_EXPANSION * stored:
            raise self.error(f"la variable {where} declara {declared:,} bytes y solo guarda {stored:,}: "
                             "no es de fiar (bomba de descompresión)")
        return data

    def read(self, data, dtype) -> np.ndarray:
        try:
            return data[()].astype(dtype, copy=False) if data.shape == () else np.asarray(data, dtype=dtype)
        except (OSError, ValueError, TypeError) as error:
            raise self.error(f"no se pudo leer '{data.name}' ({type(error).__name__}: {error})") from None

    def error(self, what: str) -> ModelFileError:
        return ModelFileError(f"'{self.filepath}': {what}" + ("" if what.endswith(("?", ".")) else "."))


def check_number_dtype(dtype, where: str, filepath) -> None:
    """Los pesos son números reales: complejos, textos u objetos se rechazan diciendo qué son."""
    if dtype.kind == "c":
        raise ModelFileError(
            f"'{filepath}': {where} es de números complejos ({dtype}); los pesos deben ser reales y se perdería "
            "la parte imaginaria."
        )
    if dtype.kind not in _NUMBER_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ModelFileError(f"'{filepath}': {where} no contiene números sino datos de tipo {dtype}.")


def open_h5(source, filepath: str):
    """h5py.File de lectura sobre una ruta o un objeto archivo; un archivo que no es HDF5 -> ModelFileError."""
    try:
        return h5py.File(source, "r")
    except (OSError, ValueError) as error:
        raise ModelFileError(
            f"No se puede leer '{filepath}': no es un HDF5 válido o está truncado o dañado ({error}). Quizá se "
            "cortó al copiarlo o descargarlo; vuelve a guardarlo con model.save(...) / model.save_weights(...)."
        ) from None


def is_hdf5(filepath: str) -> bool:
    with open(filepath, "rb") as f:
        return f.read(8) == HDF5_SIGNATURE
