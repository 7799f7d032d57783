"""Ganchos de mkdocs (mkdocs.yml los carga): los enlaces de docs/ a examples/ y tests/ funcionan en el sitio.

Las páginas enlazan `../examples/04_mnist_mlp.py` o `../tests/strategies.py`, que funcionan al
leerlas en el repositorio. En el sitio, la raíz es docs/ y esos archivos no existirían: estos
ganchos los copian al sitio (`examples/`, `tests/`), generan `examples/index.md` con la lista de
ejemplos (el destino de los enlaces a la carpeta `../examples/`) y reescriben los enlaces de cada
página hacia esas copias. Un enlace a un archivo que no existe queda como está y
`mkdocs build --strict` lo da por roto.

Cada página de docs/ es también un cuaderno de Jupyter: estos ganchos lo generan de la página
(cuadernos.py) y lo ponen en el sitio a su lado (03-autograd.ipynb), con un enlace bajo el título
para descargarlo. Los cuadernos no están en el repositorio (se generan), así que nunca difieren de
sus páginas; si alguien generó los suyos en docs/ para abrirlos en Jupyter, el sitio usa los de
las páginas de ahora.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from mkdocs.structure.files import File

from cuadernos import texto_del_cuaderno

CARPETAS = ("examples", "tests")
ENLACE_A_CARPETA = re.compile(r"\]\(\.\./examples/?\)")
ENLACE = re.compile(r"\]\(\.\./(examples|tests)/")


def on_files(files, config):
    raiz = Path(config["config_file_path"]).parent
    for carpeta in CARPETAS:
        for ruta in sorted((raiz / carpeta).glob("*.py")):
            files.append(File(f"{carpeta}/{ruta.name}", src_dir=str(raiz), dest_dir=config["site_dir"],
                              use_directory_urls=config["use_directory_urls"]))
    files.append(File.generated(config, "examples/index.md", content=_indice_de_ejemplos(raiz / "examples")))
    for archivo in [f for f in files if f.src_uri.endswith(".ipynb") and "/" not in f.src_uri]:
        files.remove(archivo)  # uno generado antes en docs/ (sin seguimiento en git): puede ser de otra versión
    for pagina in [f for f in files if f.src_uri.endswith(".md") and "/" not in f.src_uri and not f.generated_by]:
        nombre = pagina.src_uri[:-len(".md")] + ".ipynb"
        files.append(File.generated(config, nombre, content=texto_del_cuaderno(pagina.src_uri, raiz)))
    return files


def _indice_de_ejemplos(carpeta: Path) -> str:
    """Una página con cada ejemplo y la primera línea de su docstring."""
    lineas = ["# Los ejemplos del curso", "",
              "Un programa por parte del curso; todos aceptan `--rapido` y `--salida CARPETA`.", ""]
    for ruta in sorted(carpeta.glob("[0-9][0-9]_*.py")):
        docstring = ast.get_docstring(ast.parse(ruta.read_text(encoding="utf-8"))) or ""
        lineas.append(f"- [`{ruta.name}`]({ruta.name}): {docstring.splitlines()[0] if docstring else ''}")
    return "\n".join(lineas) + "\n"


def on_page_markdown(markdown, page, config, files):
    markdown = ENLACE_A_CARPETA.sub("](examples/index.md)", markdown)
    return _enlace_al_cuaderno(ENLACE.sub(r"](\1/", markdown), page)


def _enlace_al_cuaderno(markdown: str, page) -> str:
    """Bajo el título de cada página de docs/, el enlace a su cuaderno (que on_files pone en el sitio)."""
    if page.file.generated_by or "/" in page.file.src_uri:  # examples/index.md no tiene cuaderno
        return markdown
    cuaderno = Path(page.file.src_uri).with_suffix(".ipynb")
    titulo, salto, resto = markdown.partition("\n")
    aviso = (f"*Esta página es también un cuaderno de Jupyter: [{cuaderno.name}]({cuaderno.name}) "
             "(descárgalo y ábrelo con JupyterLab o VS Code; ver [cómo](index.md#las-paginas-como-cuadernos-de-jupyter)).*")
    return f"{titulo}\n\n{aviso}\n{salto}{resto}" if titulo.startswith("# ") else f"{aviso}\n\n{markdown}"
