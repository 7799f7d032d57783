"""Leer un `.keras` (un zip) con memoria acotada, y el único error de lectura: `ModelFileError`.

Un archivo ajeno puede ser hostil: un miembro que dice ocupar poco y se descomprime en gigas
(bomba zip), un config.json enorme o anidado sin fin. Antes de leer nada se mira el tamaño que
cada miembro declara y se lee con un tope: nunca se reserva más memoria que la que el modelo
necesita de verdad.

Los pesos (`model.weights.h5`) no se copian a memoria: como Keras los guarda sin comprimir, h5py
los lee directamente del zip a través de una "ventana" sobre el archivo (`_Window`), después de
comprobar su CRC de una pasada. Si alguien los recomprimió, se descomprimen a un temporal en disco.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import struct
import tempfile
import zipfile
import zlib

MAX_CONFIG_BYTES = 16 << 20  # 16 MiB: el config.json de un modelo grande de Keras ocupa ~1 MiB
# Cada coma, '[' o '{' es un objeto de Python al leer el JSON: con este tope, unos 100 MB como mucho.
MAX_CONFIG_ITEMS = 1_000_000
MAX_METADATA_BYTES = 64 << 10
MAX_MEMBERS = 10_000
MAX_JSON_DEPTH = 100
_CHUNK = 1 << 20


class ModelFileError(ValueError):
    """No se puede leer el archivo como modelo o como pesos de este modelo (el mensaje dice qué falla)."""


class UnknownClassError(ModelFileError):
    """El archivo nombra una clase que ni tinygrad_es ni los custom_objects del usuario tienen."""


class ModelFileNotFoundError(ModelFileError, FileNotFoundError):
    """El archivo del modelo no existe (también es un FileNotFoundError)."""


def damaged(filepath, error) -> ModelFileError:
    return ModelFileError(
        f"No se puede leer '{filepath}': el archivo está truncado o dañado ({type(error).__name__}: {error}). "
        "Quizá se cortó al copiarlo o descargarlo; vuelve a guardarlo con model.save(...) / model.save_weights(...)."
    )


def check_readable(filepath: str) -> None:
    """Que exista y sea un archivo (no una carpeta), con el error en español si no."""
    if not os.path.exists(filepath):
        folder = os.path.dirname(os.path.abspath(filepath))
        raise ModelFileNotFoundError(
            f"No existe el archivo '{filepath}' (se buscó en la carpeta '{folder}'): revisa el nombre y la carpeta "
            "de trabajo (os.getcwd())."
        )
    if os.path.isdir(filepath):
        raise ModelFileError(
            f"'{filepath}' es una carpeta, no un archivo de modelo: da la ruta del archivo .keras o .weights.h5."
        )


@contextlib.contextmanager
def open_archive(filepath: str):
    """El zip abierto; cualquier problema de formato es un ModelFileError que nombra el archivo."""
    check_readable(filepath)
    try:
        archive = zipfile.ZipFile(filepath)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as error:
        raise damaged(filepath, error) from None
    except OSError as error:
        raise ModelFileError(f"No se puede abrir '{filepath}': {error.strerror or error}.") from None
    with archive:
        if len(archive.infolist()) > MAX_MEMBERS:
            raise ModelFileError(
                f"'{filepath}' no es un modelo de Keras: el zip tiene {len(archive.infolist())} archivos dentro."
            )
        yield archive


def read_member(archive, name: str, limit: int, filepath: str) -> bytes:
    """Los bytes de un miembro, sin pasar de `limit` (ni lo que declara ni lo que de verdad sale)."""
    info = _info(archive, name, filepath, limit, "la configuración de un modelo")
    try:
        with archive.open(info) as f:
            data = f.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as error:
        raise damaged(filepath, error) from None
    if len(data) > limit:
        raise ModelFileError(f"'{filepath}': '{name}' se descomprime en más de {_size(limit)}: no es de fiar.")
    return data


def read_json(archive, name: str, limit: int, filepath: str):
    """Un miembro JSON, con tope de tamaño, de número de objetos y de anidamiento."""
    data = read_member(archive, name, limit, filepath)
    items = data.count(b",") + data.count(b"[") + data.count(b"{")
    if items > MAX_CONFIG_ITEMS:
        raise ModelFileError(
            f"'{filepath}': '{name}' tiene {items:,} elementos JSON, más de los {MAX_CONFIG_ITEMS:,} que admite "
            "un modelo: no es de fiar."
        )
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ModelFileError(
            f"'{filepath}': '{name}' no es un JSON válido ({type(error).__name__}: {str(error)[:200]})."
        ) from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise ModelFileError(f"'{filepath}': '{name}' anida más de {MAX_JSON_DEPTH} niveles: no es de fiar.")
    return value


def _depth(value) -> int:
    depth, level = 0, [value]
    while level:
        depth += 1
        level = [child for item in level if isinstance(item, (dict, list))
                 for child in (item.values() if isinstance(item, dict) else item)]
        level = [item for item in level if isinstance(item, (dict, list))]
    return depth


@contextlib.contextmanager
def member_file(archive, name: str, limit: int, filepath: str):
    """Un objeto archivo (con seek) para leer el miembro `name` sin cargarlo entero en memoria."""
    info = _info(archive, name, filepath, limit, "los pesos que describe config.json")
    try:
        if info.compress_type == zipfile.ZIP_STORED:
            _verify_crc(archive, info)
            with open(filepath, "rb") as raw:
                yield _Window(raw, _data_offset(raw, info), info.file_size)
        else:
            with tempfile.TemporaryFile() as spool:
                _copy_capped(archive, info, spool)
                spool.seek(0)
                yield spool
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, struct.error) as error:
        raise damaged(filepath, error) from None


def _info(archive, name, filepath, limit: int, purpose: str):
    """El ZipInfo de `name`, si existe y no declara más de `limit` bytes (lo más que ocupa `purpose`)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ModelFileError(
            f"'{filepath}' no es un modelo de Keras completo: le falta '{name}' (tiene: "
            f"{', '.join(sorted(archive.namelist())[:10]) or 'nada'})."
        ) from None
    if info.file_size > limit:
        raise ModelFileError(
            f"'{filepath}': '{name}' ocupa {_size(info.file_size)} descomprimido, y para {purpose} bastan "
            f"{_size(limit)}: el archivo está dañado o no es de fiar."
        )
    return info


def _verify_crc(archive, info) -> None:
    """Una pasada de lectura por trozos: zipfile comprueba el CRC al final (BadZipFile si no cuadra)."""
    with archive.open(info) as f:
        while f.read(_CHUNK):
            pass


def _copy_capped(archive, info, out) -> None:
    copied = 0
    with archive.open(info) as f:
        while chunk := f.read(_CHUNK):
            copied += len(chunk)
            if copied > info.file_size:
                raise zipfile.BadZipFile(f"'{info.filename}' se descomprime en más de lo que declara")
            out.write(chunk)


def _data_offset(raw, info) -> int:
    """Dónde empiezan los datos de un miembro sin comprimir: tras su cabecera local (30 bytes + nombre + extra)."""
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"cabecera local de '{info.filename}' dañada")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    if start + info.file_size > os.fstat(raw.fileno()).st_size:
        raise zipfile.BadZipFile(f"'{info.filename}' termina después del final del archivo")
    return start


class _Window(io.RawIOBase):
    """Un trozo [start, start + size) de un archivo abierto, visto como un archivo aparte (para h5py)."""

    def __init__(self, raw, start: int, size: int):
        super().__init__()
        self._raw, self._start, self._size, self._pos = raw, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:
        count = max(0, min(len(buffer), self._size - self._pos))
        self._raw.seek(self._start + self._pos)
        read = self._raw.readinto(memoryview(buffer)[:count])
        self._pos += read
        return read


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
