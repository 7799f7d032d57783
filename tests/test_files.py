"""atomic_write: todo o nada, permisos como open(), enlaces simbólicos, carpetas que no sirven y
temporales huérfanos de un proceso matado con kill -9."""
import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from tinygrad_es import files
from tinygrad_es.files import atomic_write, clean_stale_temporaries


def write_bytes(data):
    def write(path):
        with open(path, "wb") as f:
            f.write(data)
    return write


def test_new_file_gets_umask_permissions_and_overwrite_keeps_mode(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "a.bin", write_bytes(b"uno"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "a.bin").st_mode) == 0o640  # 0o666 & ~0o027, como open()
    os.chmod(tmp_path / "a.bin", 0o604)
    atomic_write(tmp_path / "a.bin", write_bytes(b"dos"))
    assert (tmp_path / "a.bin").read_bytes() == b"dos"
    assert stat.S_IMODE(os.stat(tmp_path / "a.bin").st_mode) == 0o604


def test_symlink_target_is_rewritten_and_link_stays(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "m.bin"
    target.write_bytes(b"viejo")
    link = tmp_path / "enlace.bin"
    link.symlink_to(target)
    atomic_write(link, write_bytes(b"nuevo"))
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == b"nuevo"
    assert sorted(os.listdir(tmp_path / "real")) == ["m.bin"]  # el temporal estaba junto al destino


def test_failed_write_leaves_previous_file_and_no_temporary(tmp_path):
    (tmp_path / "m.bin").write_bytes(b"bueno")

    def crash(path):
        with open(path, "wb") as f:
            f.write(b"a medias")
        raise OSError("disco lleno")

    with pytest.raises(OSError, match="disco lleno"):
        atomic_write(tmp_path / "m.bin", crash)
    assert (tmp_path / "m.bin").read_bytes() == b"bueno" and os.listdir(tmp_path) == ["m.bin"]


def test_folder_problems_name_the_target_in_spanish(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=r"No se puede guardar '.*no_existe/m.bin': la carpeta .* no existe. "
                                                r"Créala"):
        atomic_write(tmp_path / "no_existe" / "m.bin", write_bytes(b""))
    with pytest.raises(IsADirectoryError, match=r"No se puede guardar en '.*': es una carpeta.*modelo.keras"):
        atomic_write(tmp_path, write_bytes(b""))
    with pytest.raises(FileExistsError, match="ya existe y overwrite=False"):
        (tmp_path / "m.bin").write_bytes(b"")
        atomic_write(tmp_path / "m.bin", write_bytes(b""), overwrite=False)
    locked = tmp_path / "solo_lectura"
    locked.mkdir()
    os.chmod(locked, 0o555)
    if os.geteuid() == 0:  # root escribe en cualquier carpeta: se simula el error del sistema
        def refuse(path, *args, **kwargs):
            raise PermissionError(13, "Permission denied", path)
        monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(PermissionError) as caught:
        atomic_write(locked / "m.bin", write_bytes(b""))
    message = str(caught.value)
    assert "solo_lectura/m.bin" in message and "no hay permiso de escritura" in message and ".tmp" not in message


def test_stale_temporaries_of_dead_processes_are_cleaned_and_nothing_else(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    names = {f".guardando-{dead}-abc123.tmp": True, ".guardando-x7f_2ab.tmp": True,  # (formato antiguo, sin pid)
             f".guardando-{os.getpid()}-abc.tmp": False, ".guardando-1-abc.tmp": False,  # vivos (pid 1 siempre)
             "guardando-ajeno.tmp": False, "datos.tmp": False}
    old = time.time() - 3600
    for name in names:
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (old, old))
    recent = tmp_path / f".guardando-{dead}-reciente.tmp"  # de un proceso posterior a este: no se toca
    recent.write_bytes(b"x")
    removed = {os.path.basename(p) for p in clean_stale_temporaries(str(tmp_path))}
    assert removed == {name for name, stale in names.items() if stale}
    assert recent.exists()


def test_kill_9_during_save_leftover_is_removed_by_the_next_save(tmp_path):
    """Un proceso muere (kill -9) escribiendo: queda su temporal; el siguiente guardado en la carpeta lo borra."""
    saver = textwrap.dedent(f"""
        import time
        from tinygrad_es.files import atomic_write
        def slow(path):
            with open(path, "wb") as f:
                f.write(b"x" * 1000)
                f.flush()
                time.sleep(60)
        atomic_write({str(tmp_path / 'm.bin')!r}, slow)
    """)
    process = subprocess.Popen([sys.executable, "-c", saver])
    deadline = time.time() + 60
    while not [n for n in os.listdir(tmp_path) if n.startswith(".guardando-")] and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    process.send_signal(signal.SIGKILL)
    process.wait()
    leftovers = [n for n in os.listdir(tmp_path) if n.startswith(".guardando-")]
    assert len(leftovers) == 1 and not (tmp_path / "m.bin").exists()
    next_save = "from tinygrad_es.files import atomic_write; atomic_write(%r, lambda p: open(p, 'wb').write(b'ok'))"
    subprocess.run([sys.executable, "-c", next_save % str(tmp_path / "otro.bin")], check=True)
    assert sorted(os.listdir(tmp_path)) == ["otro.bin"]


def test_windows_never_signals_a_process(monkeypatch):
    monkeypatch.setattr(files.os, "name", "nt")
    monkeypatch.setattr(files.os, "kill", lambda *a: pytest.fail("os.kill terminaría el proceso en Windows"))
    assert not files._process_alive(1)


@pytest.mark.parametrize("code, reason", [
    (errno.ENOSPC, "no queda espacio en el disco"),
    (errno.EROFS, "la carpeta está en un sistema de archivos de solo lectura"),
    (errno.EIO, "el sistema dice: Input/output error"),
])
def test_system_errors_when_creating_the_file_are_said_in_spanish(tmp_path, monkeypatch, code, reason):
    """El texto del sistema operativo llega en inglés: los casos comunes se dicen en español, con el destino."""
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(files.os, "open", refuse)
    with pytest.raises(OSError, match=rf"No se puede guardar '.*m.bin' en '.*': {reason}\. Guarda en otra carpeta"):
        atomic_write(tmp_path / "m.bin", write_bytes(b"x"))


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="solo en Linux")
def test_saving_into_proc_says_the_folder_takes_no_new_files():
    with pytest.raises(FileNotFoundError, match=r"'/proc/m.bin' en '/proc': esa carpeta no admite archivos nuevos"):
        atomic_write("/proc/m.bin", write_bytes(b"x"))
