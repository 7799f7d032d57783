"""Descargar un archivo una sola vez y guardarlo en la caché: `keras.utils.get_file`.

La caché vive en `~/.tinygrad_es` (o donde diga la variable de entorno `TINYGRAD_ES_HOME`,
leída en cada llamada). `get_file` se comporta como el de Keras:

- si el archivo ya está en la caché (y su hash coincide, si se da uno), no toca la red;
- si no, lo descarga mostrando una barra de progreso en bytes;
- comprueba el hash (sha256 o md5) de lo descargado.

Lo que añade respecto a Keras: la descarga se escribe en un archivo temporal de la misma
carpeta y solo se renombra al nombre definitivo cuando está completa y su hash coincide. Así
una descarga cortada o corrupta nunca deja en la caché un archivo que parezca bueno. Sin hash,
se rechaza lo que llega más corto de lo que anunció el servidor y la página HTML (de error o de
inicio de sesión) servida en lugar de un archivo binario. Los temporales de una descarga matada
(`kill -9`) se borran en la siguiente descarga a esa carpeta. Una descarga tiene un tiempo máximo
en total (`deadline`), además del de cada lectura. Y cada error dice qué URL falló, por qué, y
dónde copiar el archivo a mano si no hay conexión.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.client import HTTPException

from ..errors import ArgumentError
from ..files import atomic_write, clean_stale_temporaries
from ..validation import number
from .archives import extract_archive

ENV_VAR = "TINYGRAD_ES_HOME"
# Si la carpeta personal no admite escritura (un contenedor, una cuenta de solo lectura), Keras usa /tmp.
FALLBACK_DIR = os.path.join(tempfile.gettempdir(), ".tinygrad_es")
CHUNK_SIZE = 64 * 1024
# Sin respuesta del servidor en este tiempo (segundos) damos la descarga por fallida, en vez de esperar siempre.
TIMEOUT = 60
# Tiempo máximo de una descarga entera (segundos): un servidor que manda un byte por segundo nunca agota
# TIMEOUT. Media hora basta para los 30 MB de Fashion-MNIST a 150 kB/s; se cambia por llamada
# (get_file(..., deadline=...)) o para todos los cargadores (tinygrad_es.datasets.download.DEADLINE = ...).
DEADLINE = 1800.0
URL_SCHEMES = ("http", "https", "ftp", "file")
# Extensiones de archivos binarios: si llegan como página HTML, es una página de error, no el archivo.
BINARY_SUFFIXES = (".npz", ".npy", ".gz", ".tgz", ".tar", ".zip", ".bz2", ".xz", ".h5", ".keras", ".bin", "-ubyte")
HTML_START = (b"<!doctype html", b"<html")
# Los temporales de las descargas: `.{nombre}.{32 hexadecimales}.part` (ver _sibling_temp_path). Los de una
# descarga matada se borran en la siguiente descarga a esa carpeta (files.clean_stale_temporaries).
TEMP_NAME = re.compile(r"^\..+\.[0-9a-f]{32}\.part$")


class DownloadError(OSError):
    """No se pudo traer un archivo de su URL (error HTTP, sin conexión, transferencia cortada o demasiado lenta)."""


def cache_root() -> str:
    """La carpeta raíz de la caché: `$TINYGRAD_ES_HOME` o `~/.tinygrad_es` (o /tmp si no se puede escribir)."""
    base = os.environ.get(ENV_VAR) or os.path.join(os.path.expanduser("~"), ".tinygrad_es")
    return _writable_or_fallback(base)


def _writable_or_fallback(base: str) -> str:
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        return FALLBACK_DIR
    return base if os.access(base, os.W_OK) else FALLBACK_DIR


def resolve_hasher(file_hash: str, algorithm: str = "auto") -> str:
    """'sha256' o 'md5'. Con 'auto', como Keras: 64 caracteres hexadecimales es sha256; si no, md5."""
    if algorithm == "auto":
        return "sha256" if len(file_hash) == 64 else "md5"
    if algorithm not in ("sha256", "md5"):
        raise ValueError(
            f"hash_algorithm debe ser 'auto', 'sha256' o 'md5' y recibió {algorithm!r}: "
            "deja 'auto' para que se deduzca de la longitud del hash"
        )
    return algorithm


def hash_file(path: str, algorithm: str = "sha256") -> str:
    """El hash hexadecimal de un archivo, leído por trozos para no cargarlo entero en memoria."""
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK_SIZE), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(path: str, file_hash: str, algorithm: str = "auto") -> bool:
    """True si el archivo tiene el hash esperado (sin distinguir mayúsculas en el hexadecimal)."""
    return hash_file(path, resolve_hasher(file_hash, algorithm)) == file_hash.lower()


def get_file(
    fname: str | None = None,
    origin: str | None = None,
    untar: bool = False,
    md5_hash: str | None = None,
    file_hash: str | None = None,
    cache_subdir: str = "datasets",
    hash_algorithm: str = "auto",
    extract: bool = False,
    archive_format: str = "auto",
    cache_dir: str | None = None,
    force_download: bool = False,
    deadline: float | None = None,
) -> str:
    """Devuelve la ruta local de `fname`, descargándolo de `origin` si no está ya en la caché.

    El archivo queda en `cache_dir/cache_subdir/fname` (por defecto `~/.tinygrad_es/datasets/fname`).
    `file_hash` (sha256 o md5, en hexadecimal) se comprueba tras descargar y también en la caché:
    un archivo guardado con otro hash se vuelve a descargar. Con `extract=True` (o el antiguo
    `untar=True`) se descomprime un .tar(.gz) o .zip en `fname + "_extracted"` y se devuelve esa
    carpeta. `md5_hash` es el nombre antiguo de `file_hash` con md5. `deadline` es el tiempo máximo
    de la descarga entera, en segundos (por defecto `DEADLINE`, media hora).
    Sin conexión, la URL del texto de Nietzsche del curso da la copia que viaja con el paquete.

        >>> ruta = get_file("mnist.npz", "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz")
    """
    _check_origin(origin)
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if file_hash is not None and not (isinstance(file_hash, str) and re.fullmatch(r"[0-9a-fA-F]+", file_hash)):
        raise ArgumentError(
            f"get_file: file_hash debe ser el hash sha256 (o md5) en hexadecimal, un texto como 'a1b2…', y es "
            f"{file_hash!r}: cópialo de la web de los datos o calcúlalo con sha256sum archivo."
        )
    if deadline is not None:
        deadline = number("get_file", "deadline", deadline, 0, low_open=True,
                          meaning="los segundos que puede durar la descarga entera")
    hasher = resolve_hasher(file_hash, hash_algorithm) if file_hash else None
    fname = _checked_fname(fname, origin)

    root = _writable_or_fallback(os.path.expanduser(cache_dir)) if cache_dir else cache_root()
    datadir = os.path.join(root, cache_subdir)  # un cache_subdir absoluto se usa tal cual (os.path.join)
    os.makedirs(datadir, exist_ok=True)
    fpath = os.path.join(datadir, fname)
    binary = bool(extract or untar) or fname.lower().endswith(BINARY_SUFFIXES)

    downloaded = _needs_download(fpath, file_hash, hasher, force_download, binary)
    if downloaded:
        clean_stale_temporaries(datadir, TEMP_NAME)
        try:
            _download(origin, fpath, file_hash, hasher, binary, DEADLINE if deadline is None else deadline)
        except DownloadError:
            if file_hash is not None or not _use_packaged_copy(origin, fpath):
                raise

    if extract or untar:
        return _extract(fpath, archive_format if extract else "tar", origin, refresh=downloaded)
    return fpath


def _check_origin(origin) -> None:
    """Una URL que urllib sabe abrir: esquema conocido y servidor, sin espacios ni caracteres de control."""
    if origin is None:
        raise ValueError("get_file necesita `origin`, la URL de la que descargar el archivo")
    problem = None
    if not isinstance(origin, str):
        problem = f"es un {type(origin).__name__}, no un texto"
    elif any(c.isspace() or ord(c) < 32 for c in origin):
        problem = "contiene espacios o caracteres de control"
    else:
        parts = urllib.parse.urlparse(origin)
        if parts.scheme not in URL_SCHEMES:
            problem = f"empieza por {parts.scheme + ':' if parts.scheme else 'algo que no es un esquema'!r}"
        elif not parts.netloc and parts.scheme != "file":
            problem = "no dice el servidor"
    if problem:
        raise ValueError(
            f"get_file: origin={origin!r} no es una URL válida ({problem}). Escribe la dirección completa, "
            f"con uno de los esquemas {', '.join(s + '://' for s in URL_SCHEMES)} y el servidor, p. ej. "
            "'https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz'"
        )


def _checked_fname(fname, origin) -> str:
    """Solo un nombre de archivo: la carpeta de la caché es el único sitio donde una descarga escribe."""
    if fname is None or fname == "":  # sin nombre, como en Keras: el de la URL
        fname = os.path.basename(urllib.parse.urlparse(origin).path)
        if not fname:
            raise ValueError(
                f"get_file no puede sacar un nombre de archivo de origin={origin!r} (acaba en '/'): "
                "pásale fname='nombre.ext'"
            )
    fname = os.fspath(fname)
    if fname in (".", "..") or any(sep in fname for sep in ("/", "\\", "\0")):
        raise ValueError(
            f"get_file recibió fname={fname!r}, pero fname debe ser solo un nombre de archivo (sin carpetas, "
            "ni '.' ni '..'): la descarga se guarda siempre en la caché; elige la carpeta con cache_dir y cache_subdir"
        )
    return fname


def _needs_download(fpath, file_hash, hasher, force_download, binary) -> bool:
    if force_download or not os.path.exists(fpath):
        return True
    if file_hash is not None:
        if validate_file(fpath, file_hash, hasher):
            return False
        reason = f"su hash {hasher} no coincide con el esperado ({file_hash})"
    elif binary and _starts_like_html(fpath):
        reason = "es una página HTML y no el archivo binario esperado"
    else:
        return False
    print(f"Se encontró {fpath}, pero parece incompleto o desactualizado: {reason}. Se descargará de nuevo.")
    return True


def _starts_like_html(path) -> bool:
    with open(path, "rb") as f:
        return f.read(512).lstrip().lower().startswith(HTML_START)


def _download(origin, fpath, file_hash, hasher, binary, deadline) -> None:
    """Descarga a un temporal junto a `fpath`; lo renombra solo si llegó entero y con el hash correcto."""
    print(f"Descargando datos de {origin}")
    tmp_path = _sibling_temp_path(fpath)
    try:
        with open(tmp_path, "xb") as out:
            content_type = _fetch(origin, out, fpath, deadline)
        if file_hash is not None:
            actual = hash_file(tmp_path, hasher)
            if actual != file_hash.lower():
                raise ValueError(
                    f"El archivo descargado de {origin} está incompleto o dañado: su hash {hasher} es {actual} "
                    f"y se esperaba {file_hash}. No se ha guardado nada en la caché. Vuelve a intentarlo; "
                    f"{_offline_hint(fpath)}"
                )
        elif binary and ("text/html" in content_type or _starts_like_html(tmp_path)):
            raise DownloadError(
                f"No se pudo descargar {origin}: el servidor respondió con una página HTML (Content-Type: "
                f"{content_type or 'ninguno'}) y {os.path.basename(fpath)} debe ser un archivo binario; suele ser "
                "una página de error o de inicio de sesión. No se ha guardado nada en la caché. Abre la URL en el "
                "navegador para ver qué devuelve; si el archivo es el bueno, pasa su hash para que get_file lo "
                "acepte por su contenido: get_file(..., file_hash='<sha256>') (sha256sum archivo lo calcula)"
            )
        os.replace(tmp_path, fpath)  # atómico en la misma carpeta: o el archivo entero, o nada
    except BaseException:  # también Ctrl+C: no debe quedar el temporal a medias
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise


def _fetch(origin, out, fpath, deadline) -> str:
    """Copia el cuerpo de la respuesta en `out` con barra de progreso; devuelve su Content-Type.

    Comprueba que llegó entero (si el servidor dijo cuánto mandaba) y antes de `deadline` segundos.
    """
    end = time.monotonic() + deadline
    received, total = 0, None
    try:
        with urllib.request.urlopen(origin, timeout=min(TIMEOUT, deadline)) as response:
            content_type = (response.headers.get("Content-Type") or "").lower()
            total = response.headers.get("Content-Length")
            total = int(total) if total is not None else None
            bar = ByteProgressBar(total)
            # read1 devuelve lo que haya llegado, sin esperar a llenar el trozo: así el plazo total
            # se comprueba aunque el servidor mande los bytes de uno en uno.
            read = getattr(response, "read1", response.read)
            for chunk in iter(lambda: read(CHUNK_SIZE), b""):
                out.write(chunk)
                received += len(chunk)
                bar.update(received)
                if time.monotonic() > end:
                    raise DownloadError(
                        f"No se pudo descargar {origin}: superó el tiempo máximo de {deadline:g} s (llegaron "
                        f"{received} de {total if total is not None else '?'} bytes), la conexión es demasiado "
                        "lenta. Vuelve a intentarlo, o da más tiempo con get_file(..., deadline=segundos) o, para "
                        "los cargadores de datos, tinygrad_es.datasets.download.DEADLINE = segundos; "
                        f"{_offline_hint(fpath)}"
                    )
            bar.finish(received)
    except DownloadError:
        raise
    except urllib.error.HTTPError as e:
        raise DownloadError(
            f"No se pudo descargar {origin}: el servidor respondió HTTP {e.code} ({e.reason}). "
            f"Comprueba la URL; {_offline_hint(fpath)}"
        ) from e
    except urllib.error.URLError as e:
        raise DownloadError(
            f"No se pudo descargar {origin}: no hubo conexión con el servidor ({e.reason}). "
            f"Comprueba tu conexión a internet; {_offline_hint(fpath)}"
        ) from e
    except (OSError, HTTPException) as e:  # conexión cortada, tiempo agotado...
        raise DownloadError(
            f"No se pudo descargar {origin}: la transferencia falló ({type(e).__name__}: {e}). "
            f"Vuelve a intentarlo; {_offline_hint(fpath)}"
        ) from e
    # Con lecturas por trozos, urllib no avisa si el servidor cierra antes de tiempo: lo comprobamos aquí.
    if total is not None and received != total:
        raise DownloadError(
            f"No se pudo descargar {origin}: la transferencia se cortó, llegaron {received} de {total} bytes. "
            f"No se ha guardado nada en la caché. Vuelve a intentarlo; {_offline_hint(fpath)}"
        )
    return content_type


def _use_packaged_copy(origin: str, fpath: str) -> bool:
    """Sin conexión, el texto de Nietzsche de la celda del curso (`get_file('nietzsche.txt', origin=...)`)
    sale de la copia que viaja con el paquete: se escribe en la caché, como si se hubiera descargado.

    Solo para esa URL; cualquier otra descarga fallida sigue siendo un error. Da True si la usó.
    """
    from .nietzsche import ORIGIN, PACKAGED  # aquí y no arriba: nietzsche importa este módulo

    if origin != ORIGIN:
        return False

    def copy(temporary):
        with gzip.open(PACKAGED, "rb") as packaged, open(temporary, "wb") as out:
            shutil.copyfileobj(packaged, out)

    atomic_write(fpath, copy)
    print(f"No se pudo descargar: se usa la copia de {os.path.basename(fpath)} que viaja con tinygrad_es "
          "(el texto del curso).")
    return True


def _sibling_temp_path(fpath) -> str:
    """Un nombre oculto y único junto a `fpath` (de la forma TEMP_NAME): os.replace solo es atómico dentro de
    la misma carpeta.

    (tempfile.mkstemp crearía el archivo con permisos 0600; así respeta la umask como cualquier otro.)
    """
    folder, name = os.path.split(fpath)
    return os.path.join(folder, f".{name}.{uuid.uuid4().hex}.part")


def _offline_hint(fpath) -> str:
    return (
        f"sin conexión, descarga el archivo en otro equipo y cópialo exactamente en {fpath} "
        "(get_file lo usará sin descargar nada)"
    )


class ByteProgressBar:
    """La barra de progreso de una descarga, en bytes, como la de Keras: `1024/4096 ━━━━━───── 0s`.

    En un terminal o en Jupyter se redibuja en su sitio; hacia un archivo o un registro de CI solo
    se escribe la línea final, sin caracteres de control (como la barra de `fit`).
    """

    WIDTH = 20
    # Redibujar en cada trozo de 64 KiB saturaría la terminal; basta unas diez veces por segundo.
    INTERVAL = 0.1

    def __init__(self, total: int | None, stream=None):
        from ..keras.progbar import interactive_output  # aquí y no arriba: keras importa este módulo

        self.total = total
        self.stream = stream or sys.stdout
        self.dynamic = interactive_output(self.stream)
        self.start = time.monotonic()
        self.last_draw = -float("inf")

    def update(self, received: int) -> None:
        now = time.monotonic()
        if self.dynamic and now - self.last_draw >= self.INTERVAL:
            self.last_draw = now
            self._draw(received, now)

    def finish(self, received: int) -> None:
        self._draw(received, time.monotonic())
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, received: int, now: float) -> None:
        elapsed = f"{now - self.start:.0f}s"
        if self.total:  # sin Content-Length no sabemos cuánto falta: solo los bytes recibidos
            done = min(self.WIDTH, self.WIDTH * received // self.total)
            bar = "━" * done + "─" * (self.WIDTH - done)
            line = f"{received}/{self.total} {bar} {elapsed}"
        else:
            line = f"{received} bytes {elapsed}"
        self.stream.write(("\r" if self.dynamic else "") + line)
        self.stream.flush()


def _extract(fpath, archive_format, origin, refresh) -> str:
    """Descomprime `fpath` en `fpath + '_extracted'` (a través de una carpeta temporal) y devuelve esa carpeta."""
    target = fpath + "_extracted"
    if os.path.isdir(target) and not refresh:
        return target
    tmp_dir = _sibling_temp_path(fpath)
    os.makedirs(tmp_dir)
    try:
        if not extract_archive(fpath, tmp_dir, archive_format):
            raise ValueError(
                f"get_file(extract=True): {fpath} (descargado de {origin}) no es un archivo "
                f"{'tar ni zip' if archive_format == 'auto' else archive_format or 'comprimido'} que se pueda "
                "descomprimir; usa archive_format='tar', 'zip' o 'auto', o extract=False para quedarte con el "
                "archivo tal cual"
            )
        if os.path.isdir(target):
            shutil.rmtree(target)
        os.replace(tmp_dir, target)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    return target
