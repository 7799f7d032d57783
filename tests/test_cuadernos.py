"""cuadernos.py: leer una página, convertirla en cuaderno y ejecutar un cuaderno en un núcleo de Jupyter.

La barra de progreso de `fit` se comprueba aquí con un núcleo de verdad: lo que el núcleo emite
(texto con `\\r`) se dibuja como lo hacen JupyterLab, Notebook y VS Code (cada `\\r` vuelve al
principio de la línea y lo nuevo se escribe encima), y debe quedar una línea por época.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))  # cuadernos.py vive en la raíz del repositorio
from cuadernos import bloques_python, cuaderno, ejecutar, main, texto_del_cuaderno  # noqa: E402

pytest.importorskip("nbclient", reason="los cuadernos necesitan nbclient e ipykernel: pip install -e \".[dev]\"")


def _pagina(tmp_path, texto, nombre="01-prueba.md"):
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / nombre).write_text(texto, encoding="utf-8")
    return nombre


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
    with pytest.raises(ValueError, match="no se cierra"):
        bloques_python("```python\nx = 1\n")
    with pytest.raises(ValueError, match="escribe ```python"):
        bloques_python("```py\nx = 1\n```\n")
    # Una marca sin motivo no cuenta: el bloque se ejecuta.
    assert bloques_python("<!-- no-ejecutar -->\n```python\nx = 1\n```\n")[0].ejecutar


def test_inclusiones_como_pymdownx_snippets(tmp_path):
    """Un listado trae su sección, sin los marcadores ni la sangría común; lo que falta es un error claro."""
    fuente = tmp_path / "modulo.py"
    fuente.write_text("x = 0\nclass A:\n    # --8<-- [start:f]\n    def f(self):\n        return 1\n"
                      "    # --8<-- [end:f]\n", encoding="utf-8")
    (bloque,) = bloques_python('```python\n--8<-- "modulo.py:f"\n```\n', tmp_path)
    assert bloque.listado and not bloque.ejecutar and bloque.codigo == "def f(self):\n    return 1"
    assert "x = 0" in bloques_python('```python\n--8<-- "modulo.py"\n```\n', tmp_path)[0].codigo
    with pytest.raises(ValueError, match="no tiene la sección"):
        bloques_python('```python\n--8<-- "modulo.py:g"\n```\n', tmp_path)
    with pytest.raises(ValueError, match="no existe el archivo"):
        bloques_python('```python\n--8<-- "otro.py:f"\n```\n', tmp_path)


def test_la_pagina_como_cuaderno(tmp_path):
    """Código ejecutado -> celdas de código; texto, listados resueltos, bloques no-ejecutar y de consola ->
    Markdown; las figuras de un bloque no se repiten (son su salida); los enlaces a páginas van a cuadernos."""
    (tmp_path / "modulo.py").write_text("# --8<-- [start:f]\ndef f():\n    return 1\n# --8<-- [end:f]\n",
                                        encoding="utf-8")
    pagina = _pagina(tmp_path, "\n".join([
        "# Título", "", "Ver la [página 2](02-otra.md#seccion) y [un ejemplo](../examples/x.py).", "",
        "```python", "import numpy as np", "", "x = np.ones(3)", "```", "",
        "![una figura](img/x.png)", "", "Texto tras la figura.", "",
        "```python", '--8<-- "modulo.py:f"', "```", "",
        "<!-- no-ejecutar: necesita GPU -->", "```python", "gpu()", "```",
        "```bash", "ls", "```",
        "```python", "print(x)", "```",
    ]))
    nb = cuaderno(pagina, tmp_path)
    tipos = [(c.cell_type, c.source) for c in nb.cells]
    assert [t for t, _ in tipos] == ["markdown", "code", "markdown", "code"]
    assert tipos[1][1] == "import numpy as np\n\nx = np.ones(3)" and tipos[3][1] == "print(x)"
    assert "](02-otra.ipynb#seccion)" in tipos[0][1] and "](../examples/x.py)" in tipos[0][1]
    texto = tipos[2][1]
    assert "img/x.png" not in texto and texto.startswith("Texto tras la figura.")
    assert "```python\ndef f():\n    return 1\n```" in texto  # el listado, resuelto
    assert "```python\ngpu()\n```" in texto and "```bash\nls\n```" in texto
    assert [c.id for c in nb.cells] == ["celda-1", "celda-2", "celda-3", "celda-4"]  # fijos: el archivo no cambia
    assert nb.metadata.kernelspec.name == "python3"
    # El archivo es siempre el mismo, byte a byte.
    assert texto_del_cuaderno(pagina, tmp_path) == texto_del_cuaderno(pagina, tmp_path)


def test_un_archivo_incluido_en_el_texto_queda_en_el_markdown(tmp_path):
    """`--8<-- "ruta"` fuera de un bloque (la tabla que escribe un benchmark) trae el archivo, como en el sitio."""
    (tmp_path / "tabla.md").write_text("| red | ms |\n| --- | --- |\n| CNN | 50.1-52.3 |\n", encoding="utf-8")
    pagina = _pagina(tmp_path, 'Antes.\n\n--8<-- "tabla.md"\n\nDespués.\n')
    (celda,) = cuaderno(pagina, tmp_path).cells
    assert "Antes.\n\n| red | ms |\n| --- | --- |\n| CNN | 50.1-52.3 |\n\nDespués." in celda.source
    assert "8<" not in celda.source
    with pytest.raises(ValueError, match="no existe el archivo"):
        cuaderno(_pagina(tmp_path, '--8<-- "otra.md"\n'), tmp_path)


def test_una_figura_sin_bloque_que_la_muestre_se_queda(tmp_path):
    """Solo desaparecen las imágenes que son la salida de un bloque ejecutado; las demás siguen en el texto."""
    pagina = _pagina(tmp_path, "![esquema](img/esquema.png)\n\n```bash\nls\n```\n\n![otra](img/otra.png)\n")
    (celda,) = cuaderno(pagina, tmp_path).cells
    assert "img/esquema.png" in celda.source and "img/otra.png" in celda.source


def test_la_orden_escribe_los_cuadernos_y_los_ejecuta(tmp_path, capsys):
    """`python cuadernos.py --ejecutar`: escribe lo que cambió y ejecuta cada cuaderno, o dice cuál falla."""
    _pagina(tmp_path, "```python\nprint(1 + 1)\n```\n")
    assert main(["--ejecutar"], raiz=tmp_path) == 0
    salida = capsys.readouterr().out
    assert "escritos: 01-prueba.ipynb" in salida and re.search(r"01-prueba.md: [\d.]+ s", salida)
    assert main([], raiz=tmp_path) == 0
    assert "ya estaban al día" in capsys.readouterr().out
    _pagina(tmp_path, "```python\n1 / 0\n```\n")
    assert main(["--ejecutar"], raiz=tmp_path) == 1
    assert "ZeroDivisionError" in capsys.readouterr().out


# --------------------------------------------------------------------------- un núcleo de verdad
def _procesos_hijos() -> set[int]:
    tareas = Path(f"/proc/{os.getpid()}/task")
    if not tareas.is_dir() or not all((t / "children").is_file() for t in tareas.iterdir()):
        pytest.skip("este sistema no dice los procesos hijos en /proc/PID/task/*/children")
    return {int(hijo) for t in tareas.iterdir() for hijo in (t / "children").read_text().split()}


def test_el_nucleo_se_apaga_al_terminar(tmp_path):
    """Cada cuaderno ejecutado apaga su núcleo: la batería ejecuta muchos y no deben quedarse vivos."""
    import nbformat.v4 as nbf

    antes = _procesos_hijos()
    ejecutar(nbf.new_notebook(cells=[nbf.new_code_cell("1 + 1")]), tmp_path)
    assert _procesos_hijos() <= antes


def _dibujar_como_jupyter(texto: str) -> list[str]:
    """Las líneas que se ven en JupyterLab/Notebook/VS Code: cada \\r vuelve al principio de la línea y
    lo que sigue se escribe encima de lo que había (sin borrar lo que sobresale); sin colores ANSI."""
    texto = re.sub(r"\x1b\[[0-9;]*m", "", texto)
    lineas = []
    for linea in texto.split("\n"):
        vista = ""
        for trozo in linea.split("\r"):
            vista = trozo + vista[len(trozo):]
        lineas.append(vista.rstrip())
    return lineas[:-1] if lineas and not lineas[-1] else lineas


def test_fit_en_un_cuaderno_redibuja_una_linea_por_epoca(tmp_path):
    """En un núcleo de Jupyter, `fit(verbose=1)` redibuja la barra en su sitio: una línea por época."""
    import nbformat.v4 as nbf

    entrenar = """
import time
import numpy as np
from tinygrad_es import keras

keras.utils.set_random_seed(0)
x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
y = x.sum(axis=1, keepdims=True)
modelo = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
modelo.compile(optimizer="sgd", loss="mse")
lento = keras.callbacks.LambdaCallback(on_train_batch_end=lambda lote, logs: time.sleep(0.03))
modelo.fit(x, y, batch_size=8, epochs=3, verbose=1, callbacks=[lento])
"""
    nb = nbf.new_notebook(cells=[nbf.new_code_cell("import sys\nprint(sys.executable)"),
                                 nbf.new_code_cell(entrenar)])
    quien, fit = ejecutar(nb, tmp_path).cells
    assert quien.outputs[0].text.strip() == sys.executable  # el núcleo es el Python de este entorno
    texto = "".join(s.text for s in fit.outputs if s.output_type == "stream" and s.name == "stdout")
    assert "\b" not in texto
    lineas = _dibujar_como_jupyter(texto)
    barra = re.compile(r"^8/8 ━{20} \d+s \d+ms/step - loss: \d+\.\d{4}$")
    assert [linea for linea in lineas[::2]] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"], lineas
    assert len(lineas) == 6 and all(barra.match(linea) for linea in lineas[1::2]), lineas
    # Se redibujó mientras avanzaba: en cada época, más de un dibujo de la barra en la misma línea.
    assert all(linea.count("\r") >= 2 for linea in texto.split("\n") if "8/8" in linea), repr(texto)
