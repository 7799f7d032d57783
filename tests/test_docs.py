"""Las páginas de docs/ se ejecutan: cada bloque ```python, en orden, y sus figuras y enlaces existen.

Cómo se recorre una página:
- Se extraen sus bloques ```python y se ejecutan uno tras otro en un mismo espacio de nombres
  (lo que define un bloque lo ven los siguientes, como en un cuaderno), desde una carpeta de
  trabajo vacía: el código de una página no escribe archivos, y funciona desde cualquier carpeta.
- Las figuras se muestran con `plt.show()`, como las vería el lector en un cuaderno o en su
  ventana. Aquí `plt.show()` las recoge, y cada una se guarda como la imagen que la página
  enseña justo después del bloque (`![texto](img/x.png)`, en orden): esta prueba es quien
  escribe docs/img/ (solo si la imagen cambió). Un bloque debe mostrar tantas figuras como
  imágenes le siguen, y no dejar figuras sin mostrar.
- Un bloque que no debe ejecutarse (una orden de consola escrita en Python, algo que necesita
  GPU o red) lleva justo encima la línea `<!-- no-ejecutar: motivo -->`. En GitHub y en el sitio
  de mkdocs el comentario no se ve. Esos bloques se cuentan: cada página declara cuántos tiene en
  `NO_EJECUTAR`, de modo que marcar uno nuevo obliga a decirlo aquí.
- Cada imagen que la página enseña debe salir de un bloque ejecutado en esta ejecución (no vale
  la copia del repositorio).
- Cada enlace relativo (a otra página, a una figura, a `../examples/...`) debe apuntar a un
  archivo que existe, y `mkdocs build --strict` falla si no (los enlaces a examples/ y tests/
  los copia al sitio mkdocs_hooks.py).
- El código que una página muestra como "el kernel" o "la operación" no se copia: un bloque cuyo
  contenido es solo `--8<-- "ruta:sección"` lo incluye del archivo, como hace pymdownx.snippets
  al construir el sitio (ver mkdocs.yml). Esos listados no se ejecutan, pero cada inclusión debe
  existir y ser Python válido, así que la página no puede quedarse con código que ya no existe.
"""
from __future__ import annotations

import ast
import io
import re
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # sin ventanas: plt.show() solo recoge las figuras

RAIZ = Path(__file__).resolve().parent.parent
DOCS = RAIZ / "docs"
PAGINAS = sorted(p.name for p in DOCS.glob("*.md"))

# Bloques ```python marcados con <!-- no-ejecutar: ... --> en cada página (0 si no se nombra).
NO_EJECUTAR = {
    "08-kernels.md": 1,
    "09-hypothesis.md": 1,
}

# Fashion-MNIST completo viene del paquete de Debian `dataset-fashion-mnist` (lo instala .ci/run).
FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")

MARCA = re.compile(r"^<!--\s*no-ejecutar:\s*\S.*-->\s*$")
APERTURA = re.compile(r"^```\s*([\w+-]*)")
ENLACE = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
IMAGEN = re.compile(r"!\[[^\]]*\]\((img/[^)\s]+)\)")


INCLUSION = re.compile(r'^\s*-{1,}8<-{1,}\s+"([^"]+)"\s*$')
MARCADOR = re.compile(r"-{1,}8<-{1,}\s+\[\s*(start|end)\s*:\s*([a-z][-_0-9a-z]*)\s*\]", re.I)


@dataclass
class Bloque:
    linea: int  # línea de la página donde empieza el código (para los mensajes de error)
    codigo: str
    ejecutar: bool
    figuras: list = field(default_factory=list)  # las imágenes img/... entre este bloque y el siguiente
    listado: bool = False  # solo inclusiones --8<--: código de un archivo que se muestra y no se ejecuta


def incluir(destino: str) -> str:
    """Lo que trae `--8<-- "destino"`: el archivo entero o su sección (entre los marcadores start y end)."""
    ruta, _, seccion = destino.partition(":")
    archivo = RAIZ / ruta
    if not archivo.is_file():
        raise AssertionError(f'--8<-- "{destino}": no existe el archivo {ruta}')
    lineas = archivo.read_text(encoding="utf-8").splitlines()
    if seccion:
        dentro, elegidas = False, []
        for linea in lineas:
            marca = MARCADOR.search(linea)
            if marca and marca.group(2) == seccion:
                dentro = marca.group(1).lower() == "start"
                if not dentro:
                    break
            elif dentro and not marca:
                elegidas.append(linea)
        if not elegidas:
            raise AssertionError(f'--8<-- "{destino}": {ruta} no tiene la sección [start:{seccion}] ... [end:{seccion}]')
        lineas = elegidas
    return textwrap.dedent("\n".join(lineas))


def bloques_python(texto: str) -> list[Bloque]:
    """Los bloques ```python de una página, con su línea, si llevan la marca no-ejecutar y las imágenes
    que la página enseña después de cada uno (hasta el siguiente bloque de código)."""
    bloques, lineas, i = [], texto.splitlines(), 0
    actual = None  # el bloque ```python al que pertenecen las imágenes que siguen
    while i < len(lineas):
        apertura = APERTURA.match(lineas[i])
        if not apertura:
            if actual is not None:
                actual.figuras += IMAGEN.findall(re.sub(r"`[^`\n]*`", "", lineas[i]))
            i += 1
            continue
        lenguaje, inicio = apertura.group(1), i
        fin = next((j for j in range(i + 1, len(lineas)) if lineas[j].startswith("```")), None)
        if fin is None:
            raise AssertionError(f"el bloque de código que empieza en la línea {i + 1} no se cierra con ```")
        if lenguaje in ("py", "python3", "pycon"):
            raise AssertionError(
                f"línea {i + 1}: escribe ```python (y no ```{lenguaje}) para que el bloque se ejecute en las pruebas"
            )
        actual = None
        if lenguaje == "python":
            anterior = next((lineas[j] for j in range(inicio - 1, -1, -1) if lineas[j].strip()), "")
            marcado = bool(MARCA.match(anterior.strip()))
            codigo = [linea for linea in lineas[inicio + 1:fin] if linea.strip()]
            inclusiones = [INCLUSION.match(linea) for linea in codigo]
            if codigo and all(inclusiones):
                listado = "\n\n".join(incluir(m.group(1)) for m in inclusiones)
                actual = Bloque(inicio + 2, listado, False, listado=True)
            else:
                actual = Bloque(inicio + 2, "\n".join(lineas[inicio + 1:fin]), not marcado)
            bloques.append(actual)
        i = fin + 1
    return bloques


def _texto(pagina: str) -> str:
    return (DOCS / pagina).read_text(encoding="utf-8")


def _sin_codigo(texto: str) -> str:
    """La página sin su código, en bloques o en línea (un enlace dentro del código no es un enlace)."""
    sin_bloques = re.sub(r"^```.*?^```", "", texto, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", sin_bloques)


def test_hay_nueve_paginas_y_estan_en_mkdocs():
    nav = (RAIZ / "mkdocs.yml").read_text(encoding="utf-8")
    en_nav = re.findall(r":\s*([\w.-]+\.md)\s*$", nav, flags=re.M)
    numeradas = [p for p in PAGINAS if re.match(r"\d\d-", p)]
    assert len(numeradas) == 9, f"se esperaban las 9 páginas numeradas del curso y hay {numeradas}"
    assert sorted(en_nav) == PAGINAS, f"mkdocs.yml nombra {sorted(en_nav)} pero docs/ tiene {PAGINAS}"


@pytest.mark.parametrize("pagina", PAGINAS)
def test_bloques_no_ejecutados_declarados(pagina):
    bloques = bloques_python(_texto(pagina))
    marcados = sum(not b.ejecutar and not b.listado for b in bloques)
    assert marcados == NO_EJECUTAR.get(pagina, 0), (
        f"{pagina} tiene {marcados} bloques marcados <!-- no-ejecutar --> y NO_EJECUTAR dice "
        f"{NO_EJECUTAR.get(pagina, 0)}: actualiza el diccionario si el cambio es a propósito"
    )


@pytest.mark.parametrize("pagina", PAGINAS)
def test_enlaces_relativos_existen(pagina):
    rotos = []
    for destino in ENLACE.findall(_sin_codigo(_texto(pagina))):
        if re.match(r"^(https?:|mailto:|#)", destino):
            continue
        archivo = destino.split("#")[0]
        if not (DOCS / archivo).exists():
            rotos.append(destino)
    assert not rotos, f"{pagina} enlaza a archivos que no existen: {rotos}"


def _escribir_si_cambia(ruta: Path, datos: bytes) -> None:
    """Escribe la imagen solo si cambió: repetir las pruebas no ensucia el repositorio."""
    if not ruta.exists() or ruta.read_bytes() != datos:
        ruta.write_bytes(datos)


@pytest.mark.parametrize("pagina", PAGINAS)
def test_codigo_de_la_pagina(pagina, monkeypatch, tmp_path):
    import matplotlib.pyplot as plt

    texto = _texto(pagina)
    if "fashion_mnist" in texto and not FASHION_MNIST.is_dir():
        pytest.skip(f"{pagina} usa Fashion-MNIST completo y falta {FASHION_MNIST}: "
                    "instálalo con apt-get install dataset-fashion-mnist")
    mostradas = []

    def show(*args, **kwargs):
        """Lo que vería el lector: cada figura abierta, como PNG; y se cierran, como en un cuaderno."""
        for numero in plt.get_fignums():
            png = io.BytesIO()
            # Sin la versión de matplotlib en los metadatos: otra versión no reescribe una imagen igual.
            plt.figure(numero).savefig(png, format="png", dpi=80, bbox_inches="tight",
                                       metadata={"Software": None})
            mostradas.append(png.getvalue())
        plt.close("all")

    monkeypatch.setattr(plt, "show", show)
    monkeypatch.chdir(tmp_path)  # una carpeta cualquiera, vacía
    plt.close("all")
    espacio, escritas = {"__name__": "__main__"}, set()
    try:
        for bloque in bloques_python(texto):
            if not bloque.ejecutar:
                continue
            codigo = compile(bloque.codigo, f"{pagina}:{bloque.linea}", "exec")
            mostradas.clear()
            try:
                exec(codigo, espacio)
            except Exception as error:
                raise AssertionError(
                    f"falló el bloque de {pagina} que empieza en la línea {bloque.linea}: "
                    f"{type(error).__name__}: {error}"
                ) from error
            assert not plt.get_fignums(), (
                f"el bloque de {pagina} de la línea {bloque.linea} dibuja una figura y no la muestra: "
                "termínalo con plt.show()"
            )
            assert len(mostradas) == len(bloque.figuras), (
                f"el bloque de {pagina} de la línea {bloque.linea} muestra {len(mostradas)} figuras con plt.show() "
                f"y la página enseña {len(bloque.figuras)} justo después ({bloque.figuras}): deben coincidir"
            )
            for figura, png in zip(bloque.figuras, mostradas):
                _escribir_si_cambia(DOCS / figura, png)
                escritas.add(figura)
    finally:
        plt.close("all")

    faltan = sorted(set(IMAGEN.findall(_sin_codigo(texto))) - escritas)
    assert not faltan, f"{pagina} enseña {faltan} pero ningún bloque ejecutado las muestra con plt.show()"
    sobras = sorted(p.name for p in tmp_path.iterdir() if p.name != ".hypothesis")  # la base de datos de Hypothesis
    assert not sobras, f"el código de {pagina} escribió {sobras} en la carpeta de trabajo del lector"


# --- el sitio: mkdocs build --strict -------------------------------------------------------------

def _mkdocs(carpeta: Path, destino: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("mkdocs", reason="el sitio necesita mkdocs: pip install -e \".[dev]\"")
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                           str(carpeta / "mkdocs.yml"), "-d", str(destino)],
                          capture_output=True, text=True, timeout=300)


def test_el_sitio_se_construye_con_strict_y_enlaza_los_ejemplos(tmp_path):
    resultado = _mkdocs(RAIZ, tmp_path / "sitio")
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    assert (tmp_path / "sitio" / "examples" / "04_mnist_mlp.py").is_file()
    pagina = (tmp_path / "sitio" / "01-instalacion" / "index.html").read_text(encoding="utf-8")
    assert 'href="../examples/04_mnist_mlp.py"' in pagina  # el enlace apunta a la copia del sitio


def test_un_enlace_roto_hace_fallar_el_sitio(tmp_path):
    copia = tmp_path / "repo"
    shutil.copytree(DOCS, copia / "docs")
    for nombre in ("mkdocs.yml", "mkdocs_hooks.py"):
        shutil.copy(RAIZ / nombre, copia / nombre)
    for nombre in ("examples", "tests", "tinygrad_es", "kernels"):  # (las páginas incluyen código de los dos últimos)
        (copia / nombre).symlink_to(RAIZ / nombre)
    with open(copia / "docs" / "02-neurona.md", "a", encoding="utf-8") as f:
        f.write("\nVer [la página que no existe](no-existe.md) y [un ejemplo](../examples/99_no_existe.py).\n")
    resultado = _mkdocs(copia, tmp_path / "sitio")
    salida = resultado.stdout + resultado.stderr
    assert resultado.returncode != 0
    assert "no-existe.md" in salida and "99_no_existe.py" in salida


def test_extractor_de_bloques():
    """El extractor distingue los bloques marcados, ignora los que no son Python y avisa de los errores."""
    pagina = "\n".join([
        "texto", "```python", "a = 1", "```",
        "<!-- no-ejecutar: necesita GPU -->", "", "```python", "b = 2", "```",
        "```bash", "ls", "```",
        "<!-- otro comentario -->", "```python", "c = 3", "```",
    ])
    bloques = bloques_python(pagina)
    assert [(b.codigo, b.ejecutar) for b in bloques] == [("a = 1", True), ("b = 2", False), ("c = 3", True)]
    assert bloques[0].linea == 3
    # Las imágenes que siguen a un bloque (hasta el siguiente bloque de código) son las figuras que muestra.
    pagina = "```python\nf()\n```\ntexto\n![a](img/a.png)\n![b](img/b.png) y `![no](img/c.png)`\n```bash\nls\n```\n![d](img/d.png)"
    assert bloques_python(pagina)[0].figuras == ["img/a.png", "img/b.png"]
    with pytest.raises(AssertionError, match="no se cierra"):
        bloques_python("```python\nx = 1\n")
    with pytest.raises(AssertionError, match="escribe ```python"):
        bloques_python("```py\nx = 1\n```\n")
    # Una marca sin motivo no cuenta: el bloque se ejecuta.
    assert bloques_python("<!-- no-ejecutar -->\n```python\nx = 1\n```\n")[0].ejecutar


@pytest.mark.parametrize("pagina", PAGINAS)
def test_listados_incluidos_del_codigo_fuente(pagina):
    """Cada listado --8<-- de la página se resuelve (archivo y sección existen) y es Python válido."""
    for bloque in bloques_python(_texto(pagina)):
        if bloque.listado:
            ast.parse(bloque.codigo, f"{pagina}:{bloque.linea}")


def test_inclusiones_como_pymdownx_snippets(tmp_path, monkeypatch):
    """Un listado trae su sección, sin los marcadores ni la sangría común; lo que falta es un error claro."""
    fuente = tmp_path / "modulo.py"
    fuente.write_text("x = 0\nclass A:\n    # --8<-- [start:f]\n    def f(self):\n        return 1\n"
                      "    # --8<-- [end:f]\n", encoding="utf-8")
    monkeypatch.setitem(globals(), "RAIZ", tmp_path)  # las rutas de --8<-- son relativas a la raíz
    (bloque,) = bloques_python('```python\n--8<-- "modulo.py:f"\n```\n')
    assert bloque.listado and not bloque.ejecutar and bloque.codigo == "def f(self):\n    return 1"
    assert "x = 0" in bloques_python('```python\n--8<-- "modulo.py"\n```\n')[0].codigo
    with pytest.raises(AssertionError, match="no tiene la sección"):
        bloques_python('```python\n--8<-- "modulo.py:g"\n```\n')
    with pytest.raises(AssertionError, match="no existe el archivo"):
        bloques_python('```python\n--8<-- "otro.py:f"\n```\n')
