"""El paquete se instala entero: cada carpeta con __init__.py está en la lista de pyproject.toml."""
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def declared_packages():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"packages = \[(.*?)\]", text, re.S).group(1)
    return set(re.findall(r'"([\w.]+)"', block))


def test_every_package_folder_is_declared():
    found = {".".join(p.parent.relative_to(ROOT / "tinygrad_es").parts) for p in (ROOT / "tinygrad_es").rglob("__init__.py")}
    found = {"tinygrad_es" + ("." + f if f else "") for f in found}
    found |= {"tinygrad_es.kernels" + ("." + ".".join(p.parent.relative_to(ROOT / "kernels").parts) if p.parent != ROOT / "kernels" else "")
              for p in (ROOT / "kernels").rglob("__init__.py")}
    missing = found - declared_packages()
    assert not missing, f"faltan en pyproject.toml (packages): {sorted(missing)}"


def test_kernels_import_as_subpackage():
    import tinygrad_es.kernels
    import tinygrad_es.kernels.cpu  # noqa: F401

    assert pathlib.Path(tinygrad_es.kernels.__file__).parent.name == "kernels"


def test_demo_runs_and_learns():
    out = subprocess.run([sys.executable, "-m", "tinygrad_es", "--epocas", "20"], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=120).stdout
    assert "sin descargas" in out and "época  20/20" in out
    final_accuracy = float(out.strip().splitlines()[-3].rsplit("exactitud:", 1)[1])
    assert final_accuracy > 0.9


def test_non_editable_install_ships_kernels_and_data(tmp_path):
    """`pip install .` (no editable) copia kernels/ como tinygrad_es.kernels, y el texto de Nietzsche."""
    # Se construye desde una copia para no dejar build/ en el repositorio.
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", ".hypothesis", "__pycache__", "docs", "tests", ".cache-tinygrad_es"))
    target = tmp_path / "site"
    # Sin aislamiento de construcción: usa el setuptools del entorno (extra dev) y no necesita red.
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target",
                    str(target), str(source)], check=True, capture_output=True, timeout=300)
    code = ("import tinygrad_es, tinygrad_es.kernels.cpu, pathlib; "
            "from tinygrad_es.datasets import nietzsche; "
            "print(pathlib.Path(tinygrad_es.kernels.__file__).parent.parent.name, len(nietzsche.load_text()))")
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "TINYGRAD_ES_HOME": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path,
                         env=env, timeout=120).stdout
    assert out.split() == ["tinygrad_es", "600894"]


def _first_bash_block(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    return re.search(r"^```bash\n(.*?)^```", text, re.S | re.M).group(1).splitlines()


def test_readme_commands_work_on_a_bare_debian_and_docs_repeat_them():
    """Las dos órdenes del README (las que ejecuta .ci/run) crean su entorno: en Debian/Ubuntu pip no instala
    en el Python del sistema (PEP 668) y no hay `python`, solo `python3`. La página 1 da las mismas."""
    install, test = _first_bash_block("README.md")
    assert install.startswith("python3 -m venv .venv && .venv/bin/pip install -e \".[dev]\" && ")
    assert test == ".venv/bin/python -m pytest -q"
    assert _first_bash_block("docs/01-instalacion.md") == [install, test]
