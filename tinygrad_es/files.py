"""Escribir un archivo sin dejarlo nunca a medias: `atomic_write`.

Se escribe en un temporal de la misma carpeta (`.guardando-<pid>-<azar>.tmp`) y, cuando está
completo y en disco (fsync), se renombra encima del destino con `os.replace`, que es atómico
dentro de una carpeta: quien lea el archivo ve el anterior entero o el nuevo entero, también si
el proceso muere a mitad (kill -9, corte de luz).

Además, como `open()`:
- el archivo nuevo recibe los permisos de la umask (0o666 & ~umask); al sobrescribir, conserva
  los del archivo que había;
- un enlace simbólico se sigue: se reescribe (atómicamente) el archivo al que apunta y el enlace
  queda como estaba.

Un proceso matado a mitad deja su temporal: el siguiente guardado en esa carpeta borra los
temporales de procesos que ya no existen (solo los que tienen el nombre de esta biblioteca y son
anteriores a este proceso).
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import shutil
import stat
import time
from typing import Callable

TEMP_PREFIX, TEMP_SUFFIX = ".guardando-", ".tmp"
# .guardando-<pid>-<azar>.tmp; las versiones anteriores escribían .guardando-<azar>.tmp (sin pid)
TEMP_NAME = re.compile(r"\.guardando-(?:(?P<pid>\d+)-)?[\w-]+\.tmp\Z")
# Un temporal más nuevo que el arranque de este proceso puede ser de un guardado en curso de otro.
PROCESS_START = time.time()


def atomic_write(filepath, write: Callable[[str], None], overwrite: bool = True) -> None:
    """Crea o reemplaza `filepath` con lo que `write(ruta_temporal)` escriba en la ruta que recibe.

    Los errores de carpeta (no existe, sin permiso de escritura, el destino es una carpeta) se
    explican en español nombrando el destino, no el temporal.
    """
    filepath = os.fspath(filepath)
    target = os.path.realpath(filepath)  # un enlace simbólico: se escribe su destino
    if os.path.isdir(target):
        raise IsADirectoryError(
            f"No se puede guardar en '{filepath}': es una carpeta. Da el nombre del archivo dentro de ella, "
            f"p. ej. '{os.path.join(filepath, 'modelo.keras')}'."
        )
    if not overwrite and os.path.lexists(filepath):
        raise FileExistsError(f"'{filepath}' ya existe y overwrite=False: bórralo o usa otro nombre.")
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"No se puede guardar '{filepath}': la carpeta '{folder}' no existe. Créala antes, p. ej. con "
            f"os.makedirs({folder!r}, exist_ok=True)."
        )
    clean_stale_temporaries(folder)
    mode = _existing_mode(target)
    with _temporary_in(folder, filepath) as temporary:
        write(temporary)
        _flush_to_disk(temporary)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)


# Por qué no se puede crear un archivo en una carpeta que existe, en palabras (el texto del sistema
# operativo llega en inglés).
_WRITE_ERRORS = {
    errno.EROFS: "la carpeta está en un sistema de archivos de solo lectura",
    errno.ENOSPC: "no queda espacio en el disco",
    errno.EDQUOT: "se acabó tu cuota de disco",
    errno.ENAMETOOLONG: "el nombre es demasiado largo para este sistema de archivos",
    errno.ENOENT: "esa carpeta no admite archivos nuevos (como /proc)",
}


@contextlib.contextmanager
def _temporary_in(folder: str, filepath: str):
    """Un temporal nuevo y vacío en `folder` (permisos según la umask); se borra si algo falla."""
    temporary = os.path.join(folder, f"{TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}{TEMP_SUFFIX}")
    try:
        os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except PermissionError:
        raise PermissionError(
            f"No se puede guardar '{filepath}': no hay permiso de escritura en la carpeta '{folder}'. "
            "Guarda en otra carpeta (p. ej. la de tu usuario) o cambia sus permisos."
        ) from None
    except OSError as error:
        reason = _WRITE_ERRORS.get(error.errno, f"el sistema dice: {error.strerror}")
        raise type(error)(error.errno, f"No se puede guardar '{filepath}' en '{folder}': {reason}. "
                                       "Guarda en otra carpeta (p. ej. la de tu usuario).") from None
    try:
        yield temporary
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def scratch_file(near: str):
    """Un temporal de trabajo junto a `near` (mismo nombre que los de atomic_write, así también se limpia)."""
    folder = os.path.dirname(os.path.realpath(near))
    with _temporary_in(folder, near) as temporary:
        try:
            yield temporary
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def _existing_mode(target: str):
    """Los permisos del archivo que se va a reemplazar (para conservarlos), o None si no existe."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return None


def _flush_to_disk(path: str) -> None:
    """fsync antes de renombrar: tras un corte de luz no puede quedar el nombre nuevo con datos a medias."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_stale_temporaries(folder: str, pattern: re.Pattern = TEMP_NAME) -> list:
    """Borra de `folder` los temporales de esta biblioteca que dejó un proceso muerto; devuelve cuáles.

    `pattern` reconoce los nombres de los temporales (los de atomic_write por defecto; las descargas
    dan el suyo). Uno es huérfano si es anterior a este proceso (quien sigue escribiendo mantiene
    su fecha al día) y, si el nombre lleva el pid de su proceso (grupo `pid`), ese proceso ya no
    existe. Nunca se toca otro archivo; un temporal que es una carpeta (una extracción) se borra entero.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        pid = match and match.groupdict().get("pid")
        if not match or (pid and _process_alive(int(pid))):
            continue
        try:  # otro proceso pudo borrarlo a la vez, o no hay permiso: no impide guardar
            if entry.stat(follow_symlinks=False).st_mtime >= PROCESS_START:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.remove(entry.path)
            removed.append(entry.path)
        except OSError:
            continue
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # en Windows os.kill terminaría el proceso: solo cuenta la fecha del temporal
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # existe (de otro usuario) o no se puede saber: mejor no borrar
    return True
