"""get_file: descarga con caché, hash, barra de progreso y errores claros, contra un servidor HTTP local.

Ninguna prueba sale a internet: `LocalServer` sirve en 127.0.0.1 (puerto libre elegido por el
sistema) los archivos que cada prueba le da, y sabe fallar a propósito (códigos HTTP de error,
transferencias cortadas). La caché va a una carpeta temporal mediante TINYGRAD_ES_HOME.
"""
from __future__ import annotations

import hashlib
import io
import os
import tarfile
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from local_server import BODY
from tinygrad_es.datasets import download
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
    with pytest.raises(ValueError, match="sin carpetas"):
        get_file("sub/datos.bin", origin="http://127.0.0.1/x")
    with pytest.raises(ValueError, match="hash_algorithm debe ser 'auto', 'sha256' o 'md5'"):
        get_file("datos.bin", origin="http://127.0.0.1/x", file_hash=SHA256, hash_algorithm="sha1")


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


def test_extract_rechaza_rutas_que_salen_de_la_carpeta(server, home):
    url = server.serve("/malo.tar.gz", _tar_gz({"../fuera.txt": b"x"}))
    with pytest.raises(tarfile.TarError):
        get_file("malo.tar.gz", origin=url, extract=True)
    assert not (home / "fuera.txt").exists()
    assert _files(home / "datasets") == ["malo.tar.gz"]  # ni la carpeta temporal ni una extracción a medias


def test_extract_de_algo_que_no_es_un_archivo_comprimido(server, home):
    url = server.serve("/datos.bin")
    with pytest.raises(ValueError, match="no es un archivo tar ni zip"):
        get_file("datos.bin", origin=url, extract=True)
