"""Las páginas de docs/ como cuadernos de Jupyter: `python cuadernos.py` escribe docs/*.ipynb.

La página (Markdown) es la fuente y el cuaderno sale de ella, así que nunca difieren: los
cuadernos no se guardan en git (.gitignore), se generan aquí para abrirlos en Jupyter y al
construir el sitio (mkdocs_hooks.py pone el de cada página a su lado). Cómo se convierte:

- cada bloque ```python que se ejecuta es una celda de código, en orden;
- el texto entre bloques es una celda de Markdown, con los enlaces a otras páginas
  (`03-autograd.md`) cambiados por sus cuadernos (`03-autograd.ipynb`);
- las imágenes que la página enseña tras un bloque (`![..](img/x.png)`) son las figuras que ese
  bloque muestra con `plt.show()`: en el cuaderno no se repiten, se ven como salida de la celda;
- los listados `--8<-- "ruta:sección"` (código de la biblioteca que la página muestra sin
  ejecutarlo) se resuelven como hace pymdownx.snippets al construir el sitio, y quedan como código
  dentro del Markdown; igual los bloques marcados `<!-- no-ejecutar: motivo -->`;
- una línea `--8<-- "ruta"` en el texto (fuera de los bloques de código: la tabla que escribe un
  benchmark) se sustituye por el contenido del archivo, también como pymdownx.snippets.

Este módulo es también quien lee las páginas para las pruebas (`bloques_python`) y quien ejecuta
un cuaderno en un núcleo de Jupyter de verdad (`ejecutar`). Órdenes:

    python cuadernos.py              # escribe los cuadernos que cambiaron
    python cuadernos.py --ejecutar   # además los ejecuta en un núcleo, con el tiempo de cada uno
"""
from __future__ import annotations

import copy
import os
import re
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

RAIZ = Path(__file__).resolve().parent

MARCA = re.compile(r"^<!--\s*no-ejecutar:\s*\S.*-->\s*$")
APERTURA = re.compile(r"^```\s*([\w+-]*)")
IMAGEN = re.compile(r"!\[[^\]]*\]\((img/[^)\s]+)\)")
INCLUSION = re.compile(r'^\s*-{1,}8<-{1,}\s+"([^"]+)"\s*$')
MARCADOR = re.compile(r"-{1,}8<-{1,}\s+\[\s*(start|end)\s*:\s*([a-z][-_0-9a-z]*)\s*\]", re.I)
ENLACE_A_PAGINA = re.compile(r"\]\(([\w.-]+)\.md(#[^)\s]*)?\)")  # ](03-autograd.md#ancla)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


@dataclass
class Bloque:
    """Un bloque ```python de una página."""

    linea: int  # línea de la página donde empieza el código (para los mensajes de error)
    codigo: str
    ejecutar: bool
    figuras: list = field(default_factory=list)  # las imágenes img/... entre este bloque y el siguiente
    listado: bool = False  # solo inclusiones --8<--: código de un archivo que se muestra y no se ejecuta
    inicio: int = 0  # índices (desde 0) de las líneas ``` que lo abren y lo cierran
    fin: int = 0


# --------------------------------------------------------------------------- leer una página
def vallas(lineas: list[str]):
    """(inicio, fin, lenguaje) de cada bloque de código ``` de la página, en orden."""
    i = 0
    while i < len(lineas):
        apertura = APERTURA.match(lineas[i])
        if not apertura:
            i += 1
            continue
        fin = next((j for j in range(i + 1, len(lineas)) if lineas[j].startswith("```")), None)
        if fin is None:
            raise ValueError(f"el bloque de código que empieza en la línea {i + 1} no se cierra con ```")
        lenguaje = apertura.group(1)
        if lenguaje in ("py", "python3", "pycon"):
            raise ValueError(f"línea {i + 1}: escribe ```python (y no ```{lenguaje}) para que el bloque se ejecute")
        yield i, fin, lenguaje
        i = fin + 1


def incluir(destino: str, raiz: Path = RAIZ) -> str:
    """Lo que trae `--8<-- "destino"`: el archivo entero o su sección (entre los marcadores start y end)."""
    ruta, _, seccion = destino.partition(":")
    archivo = raiz / ruta
    if not archivo.is_file():
        raise ValueError(f'--8<-- "{destino}": no existe el archivo {ruta}')
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
            raise ValueError(f'--8<-- "{destino}": {ruta} no tiene la sección [start:{seccion}] ... [end:{seccion}]')
        lineas = elegidas
    return textwrap.dedent("\n".join(lineas))


def bloques_python(texto: str, raiz: Path = RAIZ) -> list[Bloque]:
    """Los bloques ```python de una página, con su línea, si llevan la marca no-ejecutar, si son
    listados --8<-- (ya resueltos) y las imágenes que la página enseña después de cada uno (hasta
    el siguiente bloque de código)."""
    lineas, bloques = texto.splitlines(), []
    actual, desde = None, 0  # el último bloque ```python, y dónde empieza el texto que lo sigue
    for inicio, fin, lenguaje in vallas(lineas):
        if actual is not None:
            actual.figuras += _imagenes(lineas[desde:inicio])
        actual = None
        if lenguaje == "python":
            anterior = next((lineas[j] for j in range(inicio - 1, -1, -1) if lineas[j].strip()), "")
            codigo = [linea for linea in lineas[inicio + 1:fin] if linea.strip()]
            inclusiones = [INCLUSION.match(linea) for linea in codigo]
            if codigo and all(inclusiones):
                listado = "\n\n".join(incluir(m.group(1), raiz) for m in inclusiones)
                actual = Bloque(inicio + 2, listado, False, listado=True, inicio=inicio, fin=fin)
            else:
                actual = Bloque(inicio + 2, "\n".join(lineas[inicio + 1:fin]), not MARCA.match(anterior.strip()),
                                inicio=inicio, fin=fin)
            bloques.append(actual)
        desde = fin + 1
    if actual is not None:
        actual.figuras += _imagenes(lineas[desde:])
    return bloques


def _imagenes(lineas: list[str]) -> list[str]:
    """Las imágenes img/... de esas líneas de texto (no las que están dentro de `código en línea`)."""
    return [ruta for linea in lineas for ruta in IMAGEN.findall(re.sub(r"`[^`\n]*`", "", linea))]


# --------------------------------------------------------------------------- la página como cuaderno
def cuaderno(pagina: str, raiz: Path = RAIZ):
    """El cuaderno (nbformat 4) de docs/`pagina`, sin salidas: listo para abrir y ejecutar."""
    import nbformat.v4 as nbf

    texto = (raiz / "docs" / pagina).read_text(encoding="utf-8")
    lineas = texto.splitlines()
    por_inicio = {b.inicio: b for b in bloques_python(texto, raiz)}
    celdas = []
    markdown = [f"<!-- Cuaderno generado de docs/{pagina} con `python cuadernos.py`: los cambios se hacen en la "
                "página, no aquí. -->"]
    tras_un_bloque_ejecutado, desde = False, 0

    def texto_hasta(hasta):
        for linea in lineas[desde:hasta]:
            inclusion = INCLUSION.match(linea)
            if inclusion:  # un archivo incluido en el texto: su contenido, como en el sitio
                markdown.extend(incluir(inclusion.group(1), raiz).splitlines())
                continue
            sin_figuras = IMAGEN.sub("", linea) if tras_un_bloque_ejecutado else linea
            if sin_figuras.strip() or not linea.strip():  # una línea que solo era la figura desaparece
                markdown.append(ENLACE_A_PAGINA.sub(r"](\1.ipynb\2)", sin_figuras.rstrip()))

    for inicio, fin, _ in vallas(lineas):
        texto_hasta(inicio)
        bloque = por_inicio.get(inicio)
        if bloque is not None and bloque.ejecutar:
            celdas.append(("markdown", markdown))
            celdas.append(("code", bloque.codigo.splitlines()))
            markdown = []
        elif bloque is not None:  # listado o no-ejecutar: se enseña el código (ya resuelto), sin ejecutarlo
            markdown += ["```python", *bloque.codigo.splitlines(), "```"]
        else:
            markdown += lineas[inicio:fin + 1]
        tras_un_bloque_ejecutado = bloque is not None and bloque.ejecutar
        desde = fin + 1
    texto_hasta(len(lineas))
    celdas.append(("markdown", markdown))

    hechas = []
    for tipo, contenido in celdas:
        fuente = _sin_lineas_en_blanco_de_sobra(contenido)
        if fuente:
            nueva = nbf.new_code_cell if tipo == "code" else nbf.new_markdown_cell
            hechas.append(nueva(fuente, id=f"celda-{len(hechas) + 1}"))  # ids fijos: el archivo no cambia solo
    return nbf.new_notebook(cells=hechas, metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})


def _sin_lineas_en_blanco_de_sobra(lineas: list[str]) -> str:
    """Sin líneas en blanco al principio ni al final, y nunca dos seguidas fuera de un bloque de código."""
    salida, en_codigo = [], False
    for linea in lineas:
        if linea.startswith("```"):
            en_codigo = not en_codigo
        if not linea.strip() and not en_codigo and (not salida or not salida[-1].strip()):
            continue
        salida.append(linea)
    return "\n".join(salida).strip("\n")


def texto_del_cuaderno(pagina: str, raiz: Path = RAIZ) -> str:
    """El archivo .ipynb de la página, tal como se guarda (JSON de nbformat, acabado en salto de línea)."""
    import nbformat

    nb = cuaderno(pagina, raiz)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def paginas(raiz: Path = RAIZ) -> list[str]:
    return sorted(p.name for p in (raiz / "docs").glob("*.md"))


def escribir(raiz: Path = RAIZ) -> list[str]:
    """Escribe docs/*.ipynb de cada página (solo los que cambiaron) y devuelve sus nombres."""
    from tinygrad_es.files import atomic_write

    escritos = []
    for pagina in paginas(raiz):
        ruta, nuevo = raiz / "docs" / Path(pagina).with_suffix(".ipynb"), texto_del_cuaderno(pagina, raiz)
        if not ruta.is_file() or ruta.read_text(encoding="utf-8") != nuevo:
            atomic_write(ruta, lambda temporal: Path(temporal).write_text(nuevo, encoding="utf-8"))
            escritos.append(ruta.name)
    return escritos


# --------------------------------------------------------------------------- ejecutar en un núcleo de Jupyter
def ejecutar(nb, carpeta: Path, preparacion: str = "", tiempo_por_celda: int = 600):
    """Ejecuta una copia de `nb` en un núcleo de Jupyter nuevo y la devuelve con sus salidas.

    El núcleo es ipykernel con el Python de este entorno (no el "python3" que Jupyter encuentre),
    arranca en `carpeta` y sin la configuración personal de IPython. `preparacion` se ejecuta antes
    de la primera celda y no queda en el cuaderno devuelto. Una celda que falla lanza
    `nbclient.exceptions.CellExecutionError` con su código y su traza.
    """
    import nbformat.v4 as nbf
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from nbclient import NotebookClient

    class EsteEntorno(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name=KERNELSPEC["display_name"], language="python")

    copia = copy.deepcopy(nb)
    if preparacion:
        copia.cells.insert(0, nbf.new_code_cell(preparacion, id="preparacion"))
    with tempfile.TemporaryDirectory(prefix="ipython-") as ipython:
        entorno = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # figuras en línea, como en Jupyter
        entorno["IPYTHONDIR"] = ipython
        cliente = NotebookClient(copia, km=KernelManager(kernel_spec_manager=EsteEntorno(), kernel_name="python3"),
                                 timeout=tiempo_por_celda, resources={"metadata": {"path": str(carpeta)}})
        cliente.execute(env=entorno, cleanup_kc=True)  # con un km propio, nbclient no apaga el núcleo si no se le pide
    if preparacion:
        copia.cells.pop(0)
    return copia


def main(argv=None, raiz: Path = RAIZ) -> int:
    from tinygrad_es.cli import ArgumentParser

    parser = ArgumentParser(description="Escribe docs/*.ipynb, los cuadernos de Jupyter de las páginas de docs/.")
    parser.add_argument("--ejecutar", action="store_true",
                        help="después, ejecuta cada cuaderno en un núcleo de Jupyter y dice cuánto tarda")
    args = parser.parse_args(argv)
    escritos = escribir(raiz)
    print(f"escritos: {', '.join(escritos)}" if escritos else "los cuadernos ya estaban al día")
    if args.ejecutar:
        import nbformat
        from nbclient.exceptions import CellExecutionError

        total = time.perf_counter()
        for pagina in paginas(raiz):
            inicio = time.perf_counter()
            nb = nbformat.read(raiz / "docs" / Path(pagina).with_suffix(".ipynb"), as_version=4)
            with tempfile.TemporaryDirectory() as carpeta:
                try:
                    ejecutar(nb, Path(carpeta))
                except CellExecutionError as error:
                    print(f"{pagina}: falló una celda\n{error}")
                    return 1
            print(f"{pagina}: {time.perf_counter() - inicio:.1f} s")
        print(f"todos: {time.perf_counter() - total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
