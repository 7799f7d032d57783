"""plot.graph: el grafo de autograd descrito en DOT, dibujado con Graphviz si está y con matplotlib si no."""
from __future__ import annotations

import re
import shutil
import sys

import numpy as np
import pytest
from matplotlib.text import Annotation

from tinygrad_es import Tensor, plot
from tinygrad_es import plot_graph

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def sin_dot(monkeypatch):
    """Como en una máquina sin Graphviz."""
    monkeypatch.setattr(plot_graph, "dot_program", lambda: None)


def _ejemplo():
    """e = tanh(a·b + a), el grafo de la página 3."""
    a = Tensor(2.0, requires_grad=True)
    b = Tensor(3.0, requires_grad=True)
    c = a * b
    d = c + a
    e = d.tanh()
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def _nodos_y_flechas(source: str):
    nodos = dict(re.findall(r'^  (n\d+) \[label="(.*)", fillcolor="\w+"\];$', source, flags=re.M))
    flechas = re.findall(r"^  (n\d+) -> (n\d+);$", source, flags=re.M)
    return nodos, flechas


def test_el_texto_dot_de_un_grafo_pequeno():
    t = _ejemplo()
    source = plot.graph(t["e"], names=t).source
    assert source.startswith("digraph autograd {\n  rankdir=LR;") and source.endswith("}\n")
    nodos, flechas = _nodos_y_flechas(source)
    assert nodos == {
        "n0": r"a (hoja)\nforma ()\nvalor 2",
        "n1": r"b (hoja)\nforma ()\nvalor 3",
        "n2": r"c = Mul\nforma ()\nvalor 6",
        "n3": r"d = Add\nforma ()\nvalor 8",
        "n4": r"e = Tanh\nforma ()\nvalor 1",
    }
    # a entra dos veces (en Mul y en Add): de cada entrada a la operación que la usa.
    assert sorted(flechas) == [("n0", "n2"), ("n0", "n3"), ("n1", "n2"), ("n2", "n3"), ("n3", "n4")]
    assert 'n0 [label="a (hoja)\\nforma ()\\nvalor 2", fillcolor="lightyellow"]' in source
    assert 'n2 [label="c = Mul\\nforma ()\\nvalor 6", fillcolor="lightblue"]' in source


def test_tras_backward_las_hojas_muestran_su_gradiente():
    t = _ejemplo()
    t["e"].backward()
    nodos, _ = _nodos_y_flechas(plot.graph(t["e"], names=t).source)
    factor = 1 - np.tanh(np.float32(8.0)) ** 2
    assert nodos["n0"].endswith(rf"\ngrad {t['a'].grad.item():.4g}")
    assert nodos["n1"].endswith(rf"\ngrad {t['b'].grad.item():.4g}")
    assert t["b"].grad.item() == pytest.approx(factor * 2.0, rel=1e-3)
    assert "grad" not in nodos["n2"] + nodos["n3"] + nodos["n4"]  # los intermedios no guardan .grad...


def test_los_nodos_intermedios_con_retain_grad_muestran_su_gradiente():
    """...salvo los que lo piden con retain_grad(): de/dd = 1 - e², de/dc = de/dd (Add pasa el gradiente)."""
    t = _ejemplo()
    for nombre in "cde":
        t[nombre].retain_grad()
    t["e"].backward()
    nodos, _ = _nodos_y_flechas(plot.graph(t["e"], names=t).source)
    de_dd = 1 - np.tanh(np.float32(8.0)) ** 2
    assert nodos["n4"].endswith(r"\ngrad 1") and nodos["n3"].endswith(rf"\ngrad {de_dd:.4g}")
    assert nodos["n2"] == rf"c = Mul\nforma ()\nvalor 6\ngrad {de_dd:.4g}"


def test_constantes_usos_repetidos_tensores_grandes_y_sin_nombres():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    escala = Tensor(np.full((2, 3), 2.0))  # no pide gradiente: una constante
    y = (x * x * escala).sum()
    y.backward()
    dibujo = plot.graph(y)
    nodos, flechas = _nodos_y_flechas(dibujo.source)
    assert len(nodos) == 5 and len(dibujo.nodes) == 5
    assert nodos["n0"] == r"hoja\nforma (2, 3)\ngrad: norma " + f"{np.linalg.norm(4 * np.arange(6.0)):.4g}"
    assert nodos["n1"] == r"Mul\nforma (2, 3)" and nodos["n2"] == r"constante\nforma (2, 3)"
    assert flechas.count(("n0", "n1")) == 2  # x * x: dos flechas de x a Mul
    assert 'fillcolor="lightgray"' in dibujo.source
    assert repr(dibujo) == "<GraphDrawing: 5 nodos, 5 flechas (en Jupyter se dibuja)>"
    # Con pocos elementos, los valores en una línea (también las matrices).
    pequeno = Tensor(np.array([[1.0, -2.5], [3.0, 4.0]]), requires_grad=True)
    assert r"valor [[1, -2.5], [3, 4]]" in plot.graph(pequeno.sum()).source


def test_las_comillas_de_un_nombre_no_rompen_el_dot():
    a = Tensor(1.0, requires_grad=True)
    assert r'label="el \"peso\" \\ w (hoja)' in plot.graph(a * a, names={'el "peso" \\ w': a}).source


def test_errores():
    with pytest.raises(TypeError, match="dibuja el grafo de un Tensor y recibió ndarray"):
        plot.graph(np.ones(3))
    a = Tensor(1.0, requires_grad=True)
    with pytest.raises(TypeError, match=r"names\['a'\] debe ser un Tensor y es float"):
        plot.graph(a * a, names={"a": 1.0})
    with pytest.raises(ValueError, match=r"debe terminar en \.dot, \.svg, \.png o \.pdf"):
        plot.graph(a * a).save("grafo.jpg")


def test_sin_graphviz_lo_dibuja_matplotlib(sin_dot, tmp_path):
    import matplotlib.pyplot as plt

    t = _ejemplo()
    dibujo = plot.graph(t["e"], names=t)
    assert dibujo._repr_svg_() is None  # Jupyter pasa al PNG
    png = dibujo._repr_png_()
    assert png.startswith(PNG_SIGNATURE) and len(png) > 3000
    assert not plt.get_fignums()  # el PNG sale de una figura suelta: no queda abierta en pyplot
    fig = dibujo.figure()
    cajas = [t for t in fig.axes[0].texts if not isinstance(t, Annotation)]
    flechas = [t for t in fig.axes[0].texts if isinstance(t, Annotation)]
    assert sorted(c.get_text().split("\n")[0] for c in cajas) == ["a (hoja)", "b (hoja)", "c = Mul", "d = Add",
                                                                  "e = Tanh"]
    assert len(flechas) == 5
    plt.close("all")
    # Cada nodo a la derecha de sus entradas.
    x = {c.get_text().split(" ")[0]: c.get_position()[0] for c in cajas}
    assert x["a"] < x["c"] < x["d"] < x["e"] and x["b"] < x["c"]
    with pytest.raises(RuntimeError, match="Falta el programa dot de Graphviz: instálalo"):
        dibujo.svg()
    dibujo.save(tmp_path / "grafo.png")
    assert (tmp_path / "grafo.png").read_bytes().startswith(PNG_SIGNATURE)
    dibujo.save(tmp_path / "grafo.dot")
    assert (tmp_path / "grafo.dot").read_text(encoding="utf-8") == dibujo.source


def test_sin_graphviz_las_cajas_de_una_columna_no_se_pisan(sin_dot):
    """Cuatro hojas que entran en la misma operación quedan en la misma columna, una bajo otra."""
    hojas = [Tensor(np.ones(3) * i, requires_grad=True) for i in range(4)]
    fig = plot.graph(Tensor.stack(hojas).sum()).figure()
    fig.canvas.draw()
    cajas = [t.get_window_extent() for t in fig.axes[0].texts if not isinstance(t, Annotation)]
    columna = [c for c in cajas if abs(c.x0 - cajas[0].x0) < 1]
    assert len(columna) == 4
    assert not any(a.overlaps(b) for i, a in enumerate(columna) for b in columna[i + 1:])


@pytest.mark.skipif(shutil.which("dot") is None, reason="falta Graphviz (apt-get install graphviz)")
def test_con_graphviz_lo_dibuja_dot(tmp_path):
    t = _ejemplo()
    dibujo = plot.graph(t["e"], names=t)
    svg = dibujo._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert svg.count('class="node"') == 5 and svg.count('class="edge"') == 5
    assert "c = Mul" in svg and dibujo._repr_png_() is None
    dibujo.save(tmp_path / "grafo.svg")
    assert "<svg" in (tmp_path / "grafo.svg").read_text(encoding="utf-8")


def test_un_fallo_de_dot_se_explica(monkeypatch):
    falso = shutil.which("false")
    if falso is None:
        pytest.skip("falta el programa false")
    monkeypatch.setattr(plot_graph, "dot_program", lambda: falso)
    a = Tensor(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="dot \\(Graphviz\\) no pudo dibujar el grafo"):
        plot.graph(a * a).svg()


def test_el_dibujo_de_matplotlib_no_importa_pyplot(tmp_path):
    """Quien solo guarda el dibujo (un programa, no un cuaderno) no abre pyplot ni cambia su backend."""
    import subprocess

    codigo = ("import sys; from tinygrad_es import Tensor, plot, plot_graph; plot_graph.dot_program = lambda: None; "
              "a = Tensor(1.0, requires_grad=True); plot.graph(a * a).save(sys.argv[1]); "
              "print('matplotlib.pyplot' in sys.modules)")
    salida = subprocess.run([sys.executable, "-c", codigo, str(tmp_path / "grafo.png")], capture_output=True,
                            text=True, timeout=120)
    assert salida.returncode == 0, salida.stderr
    assert salida.stdout.strip() == "False"
    assert (tmp_path / "grafo.png").read_bytes().startswith(PNG_SIGNATURE)
