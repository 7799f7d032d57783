"""get_file: descarga con caché, hash, barra de progreso y errores claros, contra un servidor HTTP local.

Ninguna prueba sale a internet: `LocalServer` sirve en 127.0.0.1 (puerto libre elegido por el
sistema) los archivos que cada prueba le da, y sabe fallar a propósito (códigos HTTP de error,
transferencias cortadas). La caché va a una carpeta temporal mediante TINYGRAD_ES_HOME.
"""
from __future__ import annotations

import hashlib
import io
import os
import sys
import tarfile
import time
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from local_server import BODY
from tinygrad_es import files
from tinygrad_es.datasets import download
from tinygrad_es.datasets.archives import UnsafeArchiveError
from tinygrad_es.datasets.download import DownloadError, get_file

SHA256 = hashlib.sha256(BODY).hexdigest()
MD5 = hashlib.md5(BODY).hexdigest()


def _files(folder):
    """Todo lo que hay en una carpeta, incluidos los ocultos (donde estarían los temporales .part)."""
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


# --- descarga correcta ---------------------------------------------------------------------------

def test_descarga_correcta_con_sha256(server, home, capsys):
    url = server.serve("/datos.bin")
    path = get_file("datos.bin", origin=url, file_hash=SHA256)
    assert path == str(home / "datasets" / "datos.bin")
    assert open(path, "rb").read() == BODY
    assert _files(home / "datasets") == ["datos.bin"]  # ningún temporal olvidado
    out = capsys.readouterr().out
    assert f"Descargando datos de {url}" in out
    assert f"{len(BODY)}/{len(BODY)} " in out  # la barra de progreso en bytes llega al total
    assert server.requests == ["/datos.bin"]


@pytest.mark.parametrize(
    "file_hash, algorithm", [(MD5, "auto"), (MD5, "md5"), (SHA256, "sha256"), (SHA256.upper(), "auto")]
)
def test_md5_y_sha256_se_eligen_por_longitud_o_a_mano(server, home, file_hash, algorithm):
    path = get_file("datos.bin", origin=server.serve("/datos.bin"), file_hash=file_hash, hash_algorithm=algorithm)
    assert open(path, "rb").read() == BODY


def test_md5_hash_es_el_alias_antiguo(server, home):
    assert os.path.exists(get_file("datos.bin", origin=server.serve("/datos.bin"), md5_hash=MD5))
    with pytest.raises(ValueError, match="hash md5"):
        get_file("otro.bin", origin=server.serve("/otro.bin"), md5_hash="0" * 32)


def test_sin_fname_se_usa_el_nombre_de_la_url(server, home):
    path = get_file(origin=server.serve("/carpeta/mnist.npz"))
    assert path == str(home / "datasets" / "mnist.npz")


def test_progreso_sin_content_length(capsys):
    bar = download.ByteProgressBar(None)
    bar.update(10)
    bar.finish(2048)
    assert "2048 bytes" in capsys.readouterr().out


def test_progreso_hacia_un_archivo_solo_la_linea_final(capsys, monkeypatch):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    bar = download.ByteProgressBar(4096)
    for received in range(0, 4097, 512):
        bar.last_draw = -float("inf")  # sin esperar el intervalo: dibujaría cada vez en un terminal
        bar.update(received)
    bar.finish(4096)
    assert capsys.readouterr().out == f"4096/4096 {'━' * 20} 0s\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(min_size=0, max_size=200_000))
def test_cualquier_contenido_llega_intacto(server, home, body):
    name = hashlib.sha256(body).hexdigest()
    path = get_file(name, origin=server.serve(f"/{name}", body), file_hash=name)
    assert open(path, "rb").read() == body


# --- caché ---------------------------------------------------------------------------------------

def test_en_cache_con_hash_correcto_no_usa_la_red(server, home, capsys):
    url = server.serve("/datos.bin")
    first = get_file("datos.bin", origin=url, file_hash=SHA256)
    server.stop()  # a partir de aquí no hay red
    capsys.readouterr()
    assert get_file("datos.bin", origin=url, file_hash=SHA256) == first
    assert get_file("datos.bin", origin=url) == first  # sin hash, basta con que exista
    assert "Descargando" not in capsys.readouterr().out
    assert server.requests == ["/datos.bin"]


def test_en_cache_con_hash_distinto_se_descarga_de_nuevo(server, home, capsys):
    stale = home / "datasets" / "datos.bin"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"una version vieja o a medias")
    path = get_file("datos.bin", origin=server.serve("/datos.bin"), file_hash=SHA256)
    assert open(path, "rb").read() == BODY
    out = capsys.readouterr().out
    assert "parece incompleto o desactualizado" in out and "Descargando" in out


def test_force_download_descarga_aunque_este_en_cache(server, home):
    url = server.serve("/datos.bin")
    get_file("datos.bin", origin=url)
    get_file("datos.bin", origin=url, force_download=True)
    assert server.requests == ["/datos.bin", "/datos.bin"]


def test_tinygrad_es_home_se_lee_en_cada_llamada(server, tmp_path, monkeypatch):
    url = server.serve("/datos.bin")
    monkeypatch.setenv("TINYGRAD_ES_HOME", str(tmp_path / "a"))
    assert get_file("datos.bin", origin=url) == str(tmp_path / "a" / "datasets" / "datos.bin")
    monkeypatch.setenv("TINYGRAD_ES_HOME", str(tmp_path / "b"))
    assert get_file("datos.bin", origin=url) == str(tmp_path / "b" / "datasets" / "datos.bin")
    assert download.cache_root() == str(tmp_path / "b")


def test_sin_variable_la_cache_esta_en_la_carpeta_personal(tmp_path, monkeypatch):
    monkeypatch.delenv("TINYGRAD_ES_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert download.cache_root() == str(tmp_path / ".tinygrad_es")


def test_cache_dir_y_cache_subdir(server, home, tmp_path):
    url = server.serve("/datos.bin")
    assert get_file("datos.bin", origin=url, cache_dir=str(tmp_path / "otra"), cache_subdir="sub") == str(
        tmp_path / "otra" / "sub" / "datos.bin"
    )
    absolute = tmp_path / "absoluta"
    assert get_file("datos.bin", origin=url, cache_subdir=str(absolute)) == str(absolute / "datos.bin")


# --- fallos: nunca queda nada a medias en la caché -----------------------------------------------

def test_hash_equivocado_no_deja_nada_y_lo_explica(server, home):
    url = server.serve("/datos.bin")
    wrong = "f" * 64
    with pytest.raises(ValueError) as info:
        get_file("datos.bin", origin=url, file_hash=wrong)
    message = str(info.value)
    assert url in message and f"hash sha256 es {SHA256}" in message and wrong in message
    assert "No se ha guardado nada" in message
    assert str(home / "datasets" / "datos.bin") in message  # dónde copiarlo a mano
    assert _files(home / "datasets") == []


def test_transferencia_cortada_no_deja_nada(server, home):
    url = server.serve("/cortado.bin", body=BODY[:1000], length=len(BODY))
    with pytest.raises(DownloadError, match=f"se cortó, llegaron 1000 de {len(BODY)} bytes") as info:
        get_file("cortado.bin", origin=url)  # sin hash: solo el tamaño delata el corte
    assert url in str(info.value)
    assert _files(home / "datasets") == []


@pytest.mark.parametrize("status, reason", [(404, "Not Found"), (500, "Internal Server Error")])
def test_error_del_servidor(server, home, status, reason):
    url = server.serve("/roto.bin", status=status)
    with pytest.raises(DownloadError) as info:
        get_file("roto.bin", origin=url, file_hash=SHA256)
    message = str(info.value)
    assert f"No se pudo descargar {url}: el servidor respondió HTTP {status} ({reason})" in message
    assert f"cópialo exactamente en {home / 'datasets' / 'roto.bin'}" in message
    assert isinstance(info.value, OSError)  # `except OSError` lo captura, como un error de red
    assert _files(home / "datasets") == []


def test_sin_conexion_dice_donde_poner_el_archivo(server, home):
    url = server.url("/datos.bin")
    server.stop()
    with pytest.raises(DownloadError, match="no hubo conexión con el servidor") as info:
        get_file("datos.bin", origin=url)
    assert url in str(info.value) and "sin conexión, descarga el archivo en otro equipo" in str(info.value)
    assert _files(home / "datasets") == []


def test_interrumpir_con_ctrl_c_no_deja_nada(server, home, monkeypatch):
    def interrupt(self, received):
        raise KeyboardInterrupt

    monkeypatch.setattr(download.ByteProgressBar, "update", interrupt)
    with pytest.raises(KeyboardInterrupt):
        get_file("datos.bin", origin=server.serve("/datos.bin"))
    assert _files(home / "datasets") == []


def test_un_fallo_no_borra_la_copia_anterior(server, home):
    """Si la descarga nueva falla, lo que había en la caché sigue ahí: solo un archivo bueno lo sustituye."""
    cached = home / "datasets" / "datos.bin"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"copia anterior")
    with pytest.raises(DownloadError):
        get_file("datos.bin", origin=server.serve("/datos.bin", status=500), force_download=True)
    assert cached.read_bytes() == b"copia anterior"
    assert _files(home / "datasets") == ["datos.bin"]


# --- argumentos incorrectos ----------------------------------------------------------------------

def test_argumentos_incorrectos(home):
    with pytest.raises(ValueError, match="necesita `origin`"):
        get_file("datos.bin")
    with pytest.raises(ValueError, match="hash_algorithm debe ser 'auto', 'sha256' o 'md5'"):
        get_file("datos.bin", origin="http://127.0.0.1/x", file_hash=SHA256, hash_algorithm="sha1")
    for fname in (None, ""):
        with pytest.raises(ValueError, match="acaba en '/'.*fname='nombre.ext'"):
            get_file(fname, origin="http://127.0.0.1/carpeta/")


@pytest.mark.parametrize("origin, problem", [
    ("htp://servidor/datos.bin", "empieza por 'htp:'"),
    ("datos.bin", "empieza por 'algo que no es un esquema'"),
    ("http:///datos.bin", "no dice el servidor"),
    ("https://exa mple.com/datos.bin", "contiene espacios o caracteres de control"),
    (42, "es un int, no un texto"),
])
def test_url_mal_escrita_dice_que_la_url_no_es_valida(home, origin, problem):
    with pytest.raises(ValueError) as info:
        get_file("datos.bin", origin=origin)
    message = str(info.value)
    assert f"origin={origin!r} no es una URL válida ({problem})" in message
    assert "https://" in message and "conexión" not in message  # no culpa a la red
    assert not os.path.exists(home / "datasets")


@pytest.mark.parametrize("fname", ["..", ".", "../fuera.bin", "sub/datos.bin", "..\\fuera.bin", "/tmp/fuera.bin",
                                   "nul\0.bin"])
def test_fname_con_carpetas_o_puntos_se_rechaza(server, home, fname):
    url = server.serve("/datos.bin")
    with pytest.raises(ValueError, match=r"debe ser solo un nombre de archivo \(sin carpetas, ni '.' ni '..'\)"):
        get_file(fname, origin=url)
    assert server.requests == []  # ni siquiera se descarga
    assert not (home / "fuera.bin").exists() and _files(home / "datasets") == []


# --- sin hash: lo que delata una descarga mala ---------------------------------------------------

HTML = b"<!DOCTYPE html>\n<html><body>Inicia sesion para continuar</body></html>\n"


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/octet-stream"])
def test_pagina_html_en_lugar_de_un_binario_se_rechaza(server, home, content_type):
    url = server.serve("/datos.npz", HTML, content_type=content_type)
    with pytest.raises(DownloadError) as info:
        get_file("datos.npz", origin=url)
    message = str(info.value)
    assert f"No se pudo descargar {url}: el servidor respondió con una página HTML" in message
    assert "No se ha guardado nada" in message and "get_file(..., file_hash='<sha256>')" in message
    assert _files(home / "datasets") == []


def test_pagina_html_con_su_hash_o_esperada_se_acepta(server, home):
    url = server.serve("/datos.npz", HTML, content_type="text/html")
    assert open(get_file("datos.npz", origin=url, file_hash=hashlib.sha256(HTML).hexdigest()), "rb").read() == HTML
    assert open(get_file("pagina.txt", origin=url), "rb").read() == HTML  # un .txt puede ser cualquier texto


def test_html_en_la_cache_sin_hash_se_descarga_de_nuevo(server, home, capsys):
    cached = home / "datasets" / "datos.npz"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(HTML)
    path = get_file("datos.npz", origin=server.serve("/datos.npz"))
    assert open(path, "rb").read() == BODY
    assert "es una página HTML y no el archivo binario esperado. Se descargará de nuevo" in capsys.readouterr().out


# --- temporales de descargas matadas -------------------------------------------------------------

def test_los_temporales_de_una_descarga_matada_se_borran_en_la_siguiente(server, home):
    folder = home / "datasets"
    (folder / ".viejo.npz.0123456789abcdef0123456789abcdef.part" / "sub").mkdir(parents=True)  # extracción
    stale = folder / ".datos.bin.ffffffffffffffffffffffffffffffff.part"
    alive = folder / ".otro.bin.eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee.part"  # otro proceso aún escribe en él
    mine = folder / ".mis_notas.part"  # no es un nombre de tinygrad_es
    for path in (stale, alive, mine):
        path.write_bytes(b"a medias")
    before = files.PROCESS_START - 60
    for path in (stale, mine, folder / ".viejo.npz.0123456789abcdef0123456789abcdef.part"):
        os.utime(path, (before, before))
    get_file("datos.bin", origin=server.serve("/datos.bin"))
    assert _files(folder) == sorted([mine.name, alive.name, "datos.bin"])


def test_sin_descarga_no_se_toca_la_carpeta(server, home):
    get_file("datos.bin", origin=server.serve("/datos.bin"))
    stale = home / "datasets" / ".datos.bin.ffffffffffffffffffffffffffffffff.part"
    stale.write_bytes(b"")
    os.utime(stale, (0, 0))
    get_file("datos.bin", origin=server.url("/datos.bin"))  # ya en caché: no se descarga ni se limpia
    assert stale.exists()


# --- plazo total de la descarga ------------------------------------------------------------------

def test_un_servidor_lentisimo_agota_el_plazo_total(server, home):
    url = server.serve("/lento.bin", BODY[:200], byte_delay=0.02)  # 4 s en total, 50 bytes por segundo
    start = time.monotonic()
    with pytest.raises(DownloadError) as info:
        get_file("lento.bin", origin=url, deadline=0.5)
    assert time.monotonic() - start < 2.5
    message = str(info.value)
    assert f"No se pudo descargar {url}: superó el tiempo máximo de 0.5 s (llegaron " in message
    assert "de 200 bytes), la conexión es demasiado lenta" in message
    assert "get_file(..., deadline=segundos)" in message and "download.DEADLINE = segundos" in message
    assert _files(home / "datasets") == []


def test_el_plazo_por_defecto_se_configura_en_el_modulo(server, home, monkeypatch):
    monkeypatch.setattr(download, "DEADLINE", 0.3)
    with pytest.raises(DownloadError, match="superó el tiempo máximo de 0.3 s"):
        get_file("lento.bin", origin=server.serve("/lento.bin", BODY[:200], byte_delay=0.02))


# --- extracción ----------------------------------------------------------------------------------

def _tar_gz(members: dict) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("pack, fname", [(_tar_gz, "datos.tar.gz"), (_zip, "datos.zip")])
def test_extract_descomprime_en_una_carpeta(server, home, pack, fname):
    url = server.serve(f"/{fname}", pack({"a/uno.txt": b"1", "dos.txt": b"22"}))
    folder = get_file(fname, origin=url, extract=True)
    assert folder == str(home / "datasets" / f"{fname}_extracted")
    assert open(os.path.join(folder, "a", "uno.txt"), "rb").read() == b"1"
    assert open(os.path.join(folder, "dos.txt"), "rb").read() == b"22"
    assert os.path.exists(home / "datasets" / fname)  # el archivo comprimido se conserva, como en Keras
    server.stop()
    assert get_file(fname, origin=url, extract=True) == folder  # ya extraído: ni red ni trabajo


def _hostile_tar(name, kind=tarfile.REGTYPE, linkname="") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.addfile(tarfile.TarInfo("bueno.txt"), io.BytesIO(b""))
        info = tarfile.TarInfo(name)
        info.type, info.linkname = kind, linkname
        archive.addfile(info, io.BytesIO(b""))
        archive.addfile(tarfile.TarInfo("despues.txt"), io.BytesIO(b""))
    return buffer.getvalue()


@pytest.fixture(params=["con filter", "sin filter (Python 3.11.2)"])
def tar_python(request, monkeypatch):
    """Cada prueba de tar, también como en los Python sin `extractall(filter=...)`."""
    if request.param != "con filter":
        original = tarfile.TarFile.extractall
        # Donde filter existe, "fully_trusted" es extraer sin filtro (y sin el aviso de Python 3.14).
        no_filter = {"filter": "fully_trusted"} if hasattr(tarfile, "data_filter") else {}

        def extractall_without_filter(self, path=".", members=None, *, numeric_owner=False, **kwargs):
            assert not kwargs, f"este Python no tiene {sorted(kwargs)}"
            return original(self, path, members, numeric_owner=numeric_owner, **no_filter)

        monkeypatch.delattr(tarfile, "data_filter", raising=False)
        monkeypatch.setattr(tarfile.TarFile, "extractall", extractall_without_filter)
    return request.param


@pytest.mark.parametrize("name, kind, linkname, what", [
    ("../fuera.txt", tarfile.REGTYPE, "", "el miembro '../fuera.txt'"),
    ("/tmp/absoluto.txt", tarfile.REGTYPE, "", "el miembro '/tmp/absoluto.txt'"),
    ("a/../../fuera.txt", tarfile.REGTYPE, "", "el miembro 'a/../../fuera.txt'"),
    ("enlace", tarfile.SYMTYPE, "/etc", "el enlace 'enlace' apunta a '/etc'"),
    ("enlace", tarfile.SYMTYPE, "../..", "el enlace 'enlace' apunta a '../..'"),
    ("enlace", tarfile.SYMTYPE, "sub/../..", "el enlace 'enlace' apunta a 'sub/../..'"),
    ("duro", tarfile.LNKTYPE, "../fuera.txt", "el enlace 'duro' apunta a '../fuera.txt'"),
])
def test_tar_hostil_no_sale_de_la_carpeta(server, home, tar_python, name, kind, linkname, what):
    url = server.serve("/malo.tar.gz", _hostile_tar(name, kind, linkname))
    with pytest.raises(UnsafeArchiveError) as info:
        get_file("malo.tar.gz", origin=url, extract=True)
    assert f"{what} saldría de la carpeta donde se descomprime" in str(info.value)
    assert "No se ha extraído nada" in str(info.value)
    assert not (home / "fuera.txt").exists()
    assert _files(home / "datasets") == ["malo.tar.gz"]  # ni la carpeta temporal ni una extracción a medias


@pytest.mark.parametrize("kind", [tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE])
def test_tar_con_dispositivos_se_rechaza(server, home, tar_python, kind):
    url = server.serve("/malo.tar", _hostile_tar("disp", kind))
    with pytest.raises(UnsafeArchiveError, match="'disp' no es un archivo ni una carpeta"):
        get_file("malo.tar", origin=url, extract=True)


def test_tar_con_enlaces_hacia_dentro_y_permisos_raros(server, home, tar_python):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = tarfile.TarInfo("sub/datos.txt")
        data.size, data.mode, data.uid = 2, 0o4777, 12345  # setuid y escribible por todos, de otro usuario
        archive.addfile(data, io.BytesIO(b"ok"))
        link = tarfile.TarInfo("enlace")
        link.type, link.linkname = tarfile.SYMTYPE, "sub/datos.txt"
        archive.addfile(link)
    folder = get_file("bueno.tar", origin=server.serve("/bueno.tar", buffer.getvalue()), extract=True)
    assert open(os.path.join(folder, "enlace"), "rb").read() == b"ok"
    status = os.stat(os.path.join(folder, "sub", "datos.txt"))
    assert status.st_mode & 0o7777 == 0o755 and status.st_uid == os.getuid()


def test_extract_de_algo_que_no_es_un_archivo_comprimido(server, home):
    url = server.serve("/datos.bin")
    with pytest.raises(ValueError, match="no es un archivo tar ni zip"):
        get_file("datos.bin", origin=url, extract=True)
