"""Ganchos de mkdocs (mkdocs.yml los carga): los enlaces de docs/ a examples/ y tests/ funcionan en el sitio.

Las páginas enlazan `../examples/04_mnist_mlp.py` o `../tests/strategies.py`, que funcionan al
leerlas en el repositorio. En el sitio, la raíz es docs/ y esos archivos no existirían: estos
ganchos los copian al sitio (`examples/`, `tests/`), generan `examples/index.md` con la lista de
ejemplos (el destino de los enlaces a la carpeta `../examples/`) y reescriben los enlaces de cada
página hacia esas copias. Un enlace a un archivo que no existe queda como está y
`mkdocs build --strict` lo da por roto.

Cada página que tiene su cuaderno de Jupyter al lado (docs/03-autograd.ipynb, ver cuadernos.py)
lleva bajo su título un enlace para descargarlo; mkdocs copia el .ipynb al sitio.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

from mkdocs.structure.files import File

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
    """Bajo el título de la página, el enlace a su cuaderno, si lo tiene."""
    if page.file.abs_src_path is None:  # una página generada (examples/index.md)
        return markdown
    cuaderno = Path(page.file.abs_src_path).with_suffix(".ipynb")
    if not cuaderno.is_file():
        return markdown
    titulo, salto, resto = markdown.partition("\n")
    aviso = (f"*Esta página es también un cuaderno de Jupyter: [{cuaderno.name}]({cuaderno.name}) "
             "(descárgalo y ábrelo con JupyterLab o VS Code; ver [cómo](index.md#las-paginas-como-cuadernos-de-jupyter)).*")
    return f"{titulo}\n\n{aviso}\n{salto}{resto}" if titulo.startswith("# ") else f"{aviso}\n\n{markdown}"
