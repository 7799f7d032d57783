"""Descomprimir un .tar(.gz) o un .zip descargado sin que pueda escribir fuera de su carpeta.

Un archivo comprimido puede traer miembros con rutas absolutas (`/etc/passwd`), que suben de
carpeta (`../../.bashrc`), enlaces que apuntan fuera, dispositivos o permisos setuid. Python
rechaza todo eso con `extractall(filter="data")`, pero ese argumento solo existe desde 3.10.12,
3.11.4 y 3.12: Debian 12 trae 3.11.2. Por eso cada miembro se revisa aquí antes de extraer, en
cualquier versión, y `filter="data"` se añade encima donde existe.

La regla es más estricta que la de Python, y más fácil de comprobar: ningún nombre ni destino de
enlace puede ser absoluto ni contener `..`. Así toda ruta baja desde la carpeta de destino, y un
enlace que apunta hacia abajo desde dentro no puede salir, por muchos enlaces que se encadenen.
"""
from __future__ import annotations

import os
import posixpath
import tarfile
import zipfile


class UnsafeArchiveError(ValueError):
    """Un miembro del archivo comprimido saldría de la carpeta de destino (o no es un archivo normal)."""


def extract_archive(path: str, target: str, archive_format: str = "auto") -> bool:
    """Descomprime `path` en la carpeta `target` (que debe existir). False si no es de un formato pedido.

    `archive_format`: "tar", "zip", "auto" (los dos) o None (ninguno).
    """
    formats = ["tar", "zip"] if archive_format == "auto" else [archive_format] if archive_format else []
    if "tar" in formats and tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            members = [_checked_tar_member(member, path) for member in archive.getmembers()]
            if hasattr(tarfile, "data_filter"):
                archive.extractall(target, members=members, filter="data")
            else:
                archive.extractall(target, members=members)
        return True
    if "zip" in formats and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                _check_name(name, path)  # ZipFile ya limpia las rutas, pero es mejor avisar que renombrar
            archive.extractall(target)
        return True
    return False


def _check_name(name: str, archive: str, what: str = "el miembro") -> None:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or posixpath.isabs(name) or (len(name) > 1 and name[1] == ":") or ".." in parts:
        raise UnsafeArchiveError(
            f"{archive}: {what} {name!r} saldría de la carpeta donde se descomprime (ruta absoluta o con '..'). "
            "No se ha extraído nada: el archivo está dañado o es malicioso; descárgalo de una fuente de confianza"
        )


def _checked_tar_member(member: tarfile.TarInfo, archive: str) -> tarfile.TarInfo:
    """El miembro tal cual si es seguro (con permisos y dueño normales); si no, UnsafeArchiveError."""
    _check_name(member.name, archive)
    if member.issym() or member.islnk():
        _check_name(member.linkname, archive, what=f"el enlace {member.name!r} apunta a")
    elif not (member.isfile() or member.isdir()):
        raise UnsafeArchiveError(
            f"{archive}: el miembro {member.name!r} no es un archivo ni una carpeta (es un dispositivo o una "
            "tubería). No se ha extraído nada: un archivo de datos no necesita esas cosas"
        )
    # Sin setuid/setgid ni escritura para otros; y los archivos quedan del usuario que descomprime,
    # no del que diga el archivo (tarfile haría chown si se ejecuta como root).
    member.mode = (member.mode or 0o644) & 0o755 | (0o700 if member.isdir() else 0o600)
    if hasattr(os, "getuid"):
        member.uid, member.gid, member.uname, member.gname = os.getuid(), os.getgid(), "", ""
    return member

