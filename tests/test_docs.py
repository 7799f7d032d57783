"""Las páginas de docs/ se ejecutan como cuadernos de Jupyter, y sus figuras y enlaces existen.

Cómo se recorre una página (el lector de páginas y el conversor a cuaderno viven en cuadernos.py):
- Cada página tiene su cuaderno, docs/NN-nombre.ipynb, generado de ella (`python cuadernos.py`, y
  el sitio al construirse). Los cuadernos no se guardan en git: uno guardado podía quedarse atrás
  de su página (al unir dos ramas que la cambian, p. ej.); generados, no pueden.
- El cuaderno se ejecuta en un núcleo de Jupyter de verdad (ipykernel, con el Python de este
  entorno, vía nbclient), desde una carpeta de trabajo vacía: una celda que falla hace fallar la
  prueba, el código de una página no escribe archivos y funciona desde cualquier carpeta.
- Las figuras se muestran con `plt.show()`, y en el cuaderno salen como imágenes bajo su celda.
  Cada una se guarda como la imagen que la página enseña justo después del bloque
  (`![texto](img/x.png)`, en orden): esta prueba es quien escribe docs/img/ (solo si la imagen
  cambió). Un bloque debe mostrar tantas figuras como imágenes le siguen, y no dejar figuras
  sin mostrar (un aviso en el núcleo, tras cada celda, las delata).
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
  al construir el sitio (ver mkdocs.yml), y el cuaderno lo trae resuelto. Esos listados no se
  ejecutan, pero cada inclusión debe existir y ser Python válido, así que la página no puede
  quedarse con código que ya no existe.
"""
from __future__ import annotations

import ast
import base64
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))  # cuadernos.py vive en la raíz del repositorio
from cuadernos import bloques_python, cuaderno, ejecutar, paginas, texto_del_cuaderno  # noqa: E402

DOCS = RAIZ / "docs"
PAGINAS = paginas()

# Bloques ```python marcados con <!-- no-ejecutar: ... --> en cada página (0 si no se nombra).
NO_EJECUTAR = {
    "08-kernels.md": 1,
    "09-hypothesis.md": 1,
}

# Fashion-MNIST completo viene del paquete de Debian `dataset-fashion-mnist` (lo instala .ci/run).
FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")

ENLACE = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
IMAGEN = re.compile(r"!\[[^\]]*\]\((img/[^)\s]+)\)")

# Lo que la prueba prepara en el núcleo antes de la primera celda (no forma parte del cuaderno):
# las figuras en PNG, sin la versión de matplotlib en sus metadatos (otra versión no reescribe
# una imagen igual); tras cada celda, un aviso si quedó una figura sin mostrar; y el grafo de
# plot.graph dibujado con matplotlib, para que la imagen del sitio sea la misma con o sin Graphviz.
AVISO_FIGURA = "FIGURA SIN MOSTRAR"
PREPARACION = f"""
%config InlineBackend.figure_formats = ["png"]
%config InlineBackend.print_figure_kwargs = {{"bbox_inches": "tight", "dpi": 80, "metadata": {{"Software": None}}}}
import sys as _sys
def _figuras_sin_mostrar():
    pyplot = _sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and pyplot.get_fignums():
        print("{AVISO_FIGURA}", file=_sys.stderr)
get_ipython().events.register("post_execute", _figuras_sin_mostrar)
import tinygrad_es.plot_graph as _plot_graph
_plot_graph.dot_program = lambda: None
"""


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


def _figuras(celda) -> list[bytes]:
    """Las imágenes PNG que muestra una celda ejecutada (plt.show() o un objeto que se dibuja solo)."""
    return [base64.b64decode(salida["data"]["image/png"]) for salida in celda.outputs
            if salida.output_type in ("display_data", "execute_result") and "image/png" in salida.get("data", {})]


def _avisos(celda) -> str:
    return "".join(s.text for s in celda.outputs if s.output_type == "stream" and s.name == "stderr")


@pytest.mark.parametrize("pagina", PAGINAS)
def test_el_cuaderno_de_la_pagina_se_ejecuta_en_un_nucleo(pagina, tmp_path):
    from nbclient.exceptions import CellExecutionError

    texto = _texto(pagina)
    if "fashion_mnist" in texto and not FASHION_MNIST.is_dir():
        pytest.skip(f"{pagina} usa Fashion-MNIST completo y falta {FASHION_MNIST}: "
                    "instálalo con apt-get install dataset-fashion-mnist")
    try:
        hecho = ejecutar(cuaderno(pagina), tmp_path, preparacion=PREPARACION)
    except CellExecutionError as error:
        raise AssertionError(f"falló una celda del cuaderno de {pagina}:\n{error}") from None
    celdas = [c for c in hecho.cells if c.cell_type == "code"]
    bloques = [b for b in bloques_python(texto) if b.ejecutar]
    assert len(celdas) == len(bloques)
    escritas = set()
    for bloque, celda in zip(bloques, celdas):
        assert AVISO_FIGURA not in _avisos(celda), (
            f"el bloque de {pagina} de la línea {bloque.linea} dibuja una figura y no la muestra: "
            "termínalo con plt.show()"
        )
        mostradas = _figuras(celda)
        assert len(mostradas) == len(bloque.figuras), (
            f"el bloque de {pagina} de la línea {bloque.linea} muestra {len(mostradas)} figuras "
            f"y la página enseña {len(bloque.figuras)} justo después ({bloque.figuras}): deben coincidir"
        )
        for figura, png in zip(bloque.figuras, mostradas):
            _escribir_si_cambia(DOCS / figura, png)
            escritas.add(figura)

    faltan = sorted(set(IMAGEN.findall(_sin_codigo(texto))) - escritas)
    assert not faltan, f"{pagina} enseña {faltan} pero ningún bloque ejecutado las muestra con plt.show()"
    sobras = sorted(p.name for p in tmp_path.iterdir() if p.name != ".hypothesis")  # la base de datos de Hypothesis
    assert not sobras, f"el código de {pagina} escribió {sobras} en la carpeta de trabajo del lector"


def test_la_preparacion_delata_figuras_sin_mostrar_y_fija_las_imagenes(tmp_path):
    """Lo que la prueba de las páginas prepara en el núcleo hace lo que dice."""
    import nbformat.v4 as nbf

    celdas = ["import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()",
              "plt.figure()\nplt.plot([2, 1])",  # sin plt.show()
              "from tinygrad_es import Tensor, plot\na = Tensor(1.0, requires_grad=True)\nplot.graph(a * a)"]
    hecho = ejecutar(nbf.new_notebook(cells=[nbf.new_code_cell(c) for c in celdas]), tmp_path, PREPARACION)
    mostrada, sin_mostrar, grafo = hecho.cells
    assert AVISO_FIGURA not in _avisos(mostrada) and AVISO_FIGURA in _avisos(sin_mostrar)
    (png,) = _figuras(mostrada)
    assert b"Software" not in png and b"matplotlib" not in png.lower()
    assert len(_figuras(grafo)) == 1  # el grafo, con matplotlib aunque haya Graphviz


def test_los_cuadernos_no_se_guardan_en_git():
    """Se generan de las páginas: uno guardado en git podría no ser el de su página."""
    if not (RAIZ / ".git").exists() or shutil.which("git") is None:
        pytest.skip("no es un repositorio de git")
    guardados = subprocess.run(["git", "ls-files", "docs/*.ipynb"], cwd=RAIZ, capture_output=True, text=True,
                               check=True).stdout.split()
    assert not guardados, (
        f"git guarda {guardados}: los cuadernos se generan de las páginas (python cuadernos.py), así que no "
        "pueden quedarse atrás; quítalos con `git rm --cached docs/*.ipynb` (.gitignore ya los ignora)"
    )
    ignorado = subprocess.run(["git", "check-ignore", "-q", "docs/03-autograd.ipynb"], cwd=RAIZ)
    assert ignorado.returncode == 0, "falta /docs/*.ipynb en .gitignore"


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
    # Cada página enlaza su cuaderno, que el sitio genera de la página de ahora (no de un docs/*.ipynb viejo).
    assert 'href="../01-instalacion.ipynb"' in pagina
    for nombre in PAGINAS:
        cuaderno_del_sitio = tmp_path / "sitio" / Path(nombre).with_suffix(".ipynb")
        assert cuaderno_del_sitio.read_text(encoding="utf-8") == texto_del_cuaderno(nombre), nombre


def _copia_del_repositorio(tmp_path: Path) -> Path:
    """Lo que necesita el sitio, en una carpeta aparte: docs/ copiada (para cambiarla), lo demás enlazado."""
    copia = tmp_path / "repo"
    shutil.copytree(DOCS, copia / "docs", ignore=shutil.ignore_patterns("*.ipynb"))
    for nombre in ("mkdocs.yml", "mkdocs_hooks.py", "cuadernos.py"):
        shutil.copy(RAIZ / nombre, copia / nombre)
    for nombre in ("examples", "tests", "tinygrad_es", "kernels", "benchmarks"):  # (las páginas incluyen sus archivos)
        (copia / nombre).symlink_to(RAIZ / nombre)
    return copia


def test_el_sitio_no_usa_un_cuaderno_viejo_de_docs(tmp_path):
    """Un docs/*.ipynb que alguien generó antes de cambiar la página no llega al sitio: va el de la página."""
    copia = _copia_del_repositorio(tmp_path)
    (copia / "docs" / "index.ipynb").write_text('{"viejo": true}', encoding="utf-8")
    resultado = _mkdocs(copia, tmp_path / "sitio")
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    assert (tmp_path / "sitio" / "index.ipynb").read_text(encoding="utf-8") == texto_del_cuaderno("index.md", copia)


def test_un_enlace_roto_hace_fallar_el_sitio(tmp_path):
    copia = _copia_del_repositorio(tmp_path)
    with open(copia / "docs" / "02-neurona.md", "a", encoding="utf-8") as f:
        f.write("\nVer [la página que no existe](no-existe.md) y [un ejemplo](../examples/99_no_existe.py).\n")
    resultado = _mkdocs(copia, tmp_path / "sitio")
    salida = resultado.stdout + resultado.stderr
    assert resultado.returncode != 0
    assert "no-existe.md" in salida and "99_no_existe.py" in salida


@pytest.mark.parametrize("pagina", PAGINAS)
def test_listados_incluidos_del_codigo_fuente(pagina):
    """Cada listado --8<-- de la página se resuelve (archivo y sección existen) y es Python válido."""
    for bloque in bloques_python(_texto(pagina)):
        if bloque.listado:
            ast.parse(bloque.codigo, f"{pagina}:{bloque.linea}")
