"""Fixtures compartidas: un servidor HTTP local y una caché de tinygrad_es propia de cada prueba."""
import pytest

from local_server import LocalServer


@pytest.fixture
def server():
    srv = LocalServer()
    yield srv
    srv.stop()


@pytest.fixture
def home(tmp_path, monkeypatch):
    """Una caché vacía y propia de la prueba (TINYGRAD_ES_HOME apunta a ella)."""
    root = tmp_path / "home"
    monkeypatch.setenv("TINYGRAD_ES_HOME", str(root))
    return root
