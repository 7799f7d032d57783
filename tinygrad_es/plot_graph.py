"""El grafo de autograd, dibujado: `plot.graph(tensor)`.

Cada nodo es un Tensor del grafo que cuelga de `tensor`: la operación que lo produjo (`Mul`,
`Tanh`...) o si es una hoja (pide gradiente) o una constante (no lo pide), su forma, sus valores
si son pocos y, tras `backward()`, su gradiente. Las flechas van de cada entrada a la operación
que la usa. Tras `backward()` el gradiente aparece en las hojas y en los nodos intermedios que lo
guardaron con `retain_grad()` (los demás lo sueltan tras usarlo, como en PyTorch).

    >>> from tinygrad_es import Tensor, plot
    >>> a = Tensor(2.0, requires_grad=True)
    >>> c = a * a
    >>> c.retain_grad()                          # que c guarde su gradiente
    >>> e = c.tanh()
    >>> e.backward()
    >>> plot.graph(e, names={"a": a, "c": c})   # en Jupyter, el dibujo aparece debajo de la celda

Cómo se dibuja: el grafo se describe en el lenguaje DOT de Graphviz (`.source`, texto que
escribimos aquí, sin dependencias). Si el programa `dot` está instalado (`apt install graphviz`,
`brew install graphviz`, `conda install graphviz`), él lo coloca y el objeto se muestra en
Jupyter como SVG, como hacen micrograd y torchviz. Si no, lo dibuja matplotlib por capas (cada
nodo a la derecha de sus entradas) y se muestra como PNG. Fuera de Jupyter: `.figure()` da la
figura de matplotlib (con pyplot, `plt.show()` la muestra) y `.save(ruta)` la escribe.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from . import autograd
from .errors import shape_str
from .files import atomic_write
from .tensor import Tensor

LEAF_COLOR, OP_COLOR, CONSTANT_COLOR = "lightyellow", "lightblue", "lightgray"
DOT_TIMEOUT = 60  # segundos: un grafo de miles de nodos tarda, uno del curso menos de un segundo


@dataclass
class Node:
    """Un tensor del grafo, ya descrito: el texto de su etiqueta y su tipo (hoja, constante u operación)."""

    label: str
    kind: str  # "hoja", "constante" o el nombre de la operación ("Mul", "Tanh"...)
    parents: list[int] = field(default_factory=list)  # índices de sus entradas (repetidos si se usa dos veces)

    @property
    def color(self) -> str:
        return {"hoja": LEAF_COLOR, "constante": CONSTANT_COLOR}.get(self.kind, OP_COLOR)


def graph(tensor: Tensor, names: Mapping[str, Tensor] | None = None, max_values: int = 4) -> GraphDrawing:
    """El grafo de autograd que termina en `tensor`, listo para mostrarse en Jupyter (ver el módulo).

    `names`: nombre -> Tensor, para rotular los nodos, p. ej. `{"a": a, "b": b, "e": e}`.
    `max_values`: se escriben los valores (y el gradiente) de los tensores con hasta estos elementos;
    de los mayores, solo la forma (y la norma del gradiente).
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"plot.graph dibuja el grafo de un Tensor y recibió {type(tensor).__name__}")
    labels = {}
    for name, value in (names or {}).items():
        if not isinstance(value, Tensor):
            raise TypeError(
                f"plot.graph: names[{name!r}] debe ser un Tensor y es {type(value).__name__}; "
                "pasa un dict nombre -> tensor, p. ej. names={'a': a, 'e': e}"
            )
        labels[id(value)] = name
    order = _all_nodes(tensor)
    index = {id(t): i for i, t in enumerate(order)}
    nodes = [Node(_label(t, labels.get(id(t)), max_values), _kind(t),
                  [index[id(p)] for p in (t._ctx.parents if t._ctx is not None else ())])
             for t in order]
    return GraphDrawing(nodes)


def _all_nodes(root: Tensor) -> list[Tensor]:
    """Los nodos de autograd en orden topológico, con las constantes que usan justo delante de quien las usa."""
    order, seen = [], set()
    for node in autograd.topological_order(root):
        for parent in node._ctx.parents if node._ctx is not None else ():
            if id(parent) not in seen and not parent.requires_grad:  # una constante: no está en el orden
                seen.add(id(parent))
                order.append(parent)
        seen.add(id(node))
        order.append(node)
    return order


def _kind(t: Tensor) -> str:
    if t._ctx is not None:
        return type(t._ctx).__name__
    return "hoja" if t.requires_grad else "constante"


def _label(t: Tensor, name: str | None, max_values: int) -> str:
    kind = _kind(t)
    if name is None:
        title = kind
    else:  # "c = Mul" para una operación, "a (hoja)" para una hoja o una constante
        title = f"{name} = {kind}" if t._ctx is not None else f"{name} ({kind})"
    lines = [title, f"forma {shape_str(t.shape)}"]
    if t.size <= max_values:
        lines.append(f"valor {_values(t.numpy())}")
    if t.grad is not None:
        grad = t.grad.numpy()
        lines.append(f"grad {_values(grad)}" if grad.size <= max_values else
                     f"grad: norma {np.linalg.norm(grad):.4g}")
    return "\n".join(lines)


def _values(array: np.ndarray) -> str:
    """Los valores en una línea, con 4 cifras: 2, [0.1, -3] o [[1, 2], [3, 4]]."""
    if array.ndim == 0:
        return f"{array.item():.4g}"
    return "[" + ", ".join(_values(row) for row in array) + "]"


def dot_program() -> str | None:
    """La ruta del programa `dot` de Graphviz, o None si no está instalado."""
    return shutil.which("dot")


class GraphDrawing:
    """El grafo dibujado: en Jupyter se muestra solo (SVG de Graphviz o, sin él, PNG de matplotlib)."""

    def __init__(self, nodes: list[Node]):
        self.nodes = nodes

    @property
    def edges(self) -> list[tuple[int, int]]:
        """(entrada, usuario) por cada uso: x * x da dos flechas de x a Mul."""
        return [(p, i) for i, node in enumerate(self.nodes) for p in node.parents]

    @property
    def source(self) -> str:
        """El grafo en el lenguaje DOT de Graphviz (lo que `dot -Tsvg` convierte en dibujo)."""
        lines = ["digraph autograd {", "  rankdir=LR;",
                 '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];']
        lines += [f'  n{i} [label="{_dot_escape(n.label)}", fillcolor="{n.color}"];' for i, n in enumerate(self.nodes)]
        lines += [f"  n{p} -> n{i};" for p, i in self.edges]
        return "\n".join(lines + ["}"]) + "\n"

    def svg(self) -> str:
        """El dibujo de Graphviz en SVG (necesita el programa `dot`)."""
        return self._run_dot("svg").decode("utf-8")

    def figure(self):
        """El dibujo de matplotlib (sin Graphviz): con pyplot en uso, `plt.show()` lo muestra."""
        from .plot import _figure

        return _draw(self, _figure(figsize=_figsize(self)))

    def save(self, path: str | os.PathLike) -> None:
        """Escribe el dibujo: `.dot` (el texto DOT), o `.svg`/`.png`/`.pdf` (con Graphviz si está; si no, matplotlib)."""
        extension = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
        if extension not in ("dot", "svg", "png", "pdf"):
            raise ValueError(f"GraphDrawing.save: path={os.fspath(path)!r} debe terminar en .dot, .svg, .png o .pdf")
        if extension == "dot":
            data = self.source.encode("utf-8")
        elif dot_program() is not None:
            data = self._run_dot(extension)
        else:
            data = _render(self, extension)
        atomic_write(path, lambda temporary: _write_bytes(temporary, data))

    def _repr_svg_(self) -> str | None:
        return self.svg() if dot_program() is not None else None

    def _repr_png_(self) -> bytes | None:
        return _render(self, "png") if dot_program() is None else None

    def __repr__(self) -> str:
        return f"<GraphDrawing: {len(self.nodes)} nodos, {len(self.edges)} flechas (en Jupyter se dibuja)>"

    def _run_dot(self, fmt: str) -> bytes:
        program = dot_program()
        if program is None:
            raise RuntimeError(
                "Falta el programa dot de Graphviz: instálalo (apt install graphviz, brew install graphviz o "
                "conda install graphviz) o usa .figure(), que dibuja con matplotlib"
            )
        result = subprocess.run([program, f"-T{fmt}"], input=self.source.encode("utf-8"), capture_output=True,
                                timeout=DOT_TIMEOUT)
        if result.returncode != 0:
            raise RuntimeError(f"dot (Graphviz) no pudo dibujar el grafo: {result.stderr.decode(errors='replace')}")
        return result.stdout


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _write_bytes(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


# ------------------------------------------------------------------ el dibujo con matplotlib
# Medidas en pulgadas (el eje ocupa toda la figura, así que una unidad del eje es una pulgada).
LINE_HEIGHT, CHAR_WIDTH, FONT_SIZE = 0.16, 0.075, 9
LAYER_GAP, NODE_GAP = 0.7, 0.25


def _layers(drawing: GraphDrawing) -> list[int]:
    """La columna de cada nodo: cada operación, una más que su entrada más lejana; cada hoja o
    constante, justo antes de su primer usuario (así queda al lado de la operación que la usa)."""
    layer = []
    for node in drawing.nodes:  # en orden topológico: las entradas ya tienen capa
        layer.append(1 + max(layer[p] for p in node.parents) if node.parents else 0)
    first_use = {}
    for p, i in drawing.edges:
        first_use[p] = min(first_use.get(p, layer[i]), layer[i])
    for p, c in first_use.items():
        if not drawing.nodes[p].parents:
            layer[p] = c - 1
    return layer


def _heights(drawing: GraphDrawing) -> list[float]:
    return [LINE_HEIGHT * (node.label.count("\n") + 1) + 0.2 for node in drawing.nodes]


def _widths(drawing: GraphDrawing) -> list[float]:
    return [CHAR_WIDTH * max(len(line) for line in node.label.split("\n")) + 0.2 for node in drawing.nodes]


def _positions(drawing: GraphDrawing) -> list[tuple[float, float]]:
    """(x, y) de cada nodo en pulgadas: x por su columna; y cerca de la media de sus vecinos (así las
    flechas van casi rectas), sin que se pisen los nodos de una columna. Tres pasadas bastan."""
    layer, heights = _layers(drawing), _heights(drawing)
    users = [[] for _ in drawing.nodes]
    for p, i in drawing.edges:
        users[p].append(i)
    widths = _widths(drawing)
    column_width = {c: max(w for w, c_i in zip(widths, layer) if c_i == c) for c in set(layer)}
    x, column_x = 0.0, {}
    for c in sorted(column_width):  # cada columna, a la derecha de la anterior con su anchura
        x += (column_width[c - 1] + column_width[c]) / 2 + LAYER_GAP if c - 1 in column_width else 0.0
        column_x[c] = x
    y = [0.0] * len(drawing.nodes)
    for _ in range(3):
        for c in sorted(set(layer)):
            members = [i for i, c_i in enumerate(layer) if c_i == c]
            wanted = {i: float(np.mean([y[n] for n in drawing.nodes[i].parents or users[i]] or [0.0]))
                      for i in members}
            ordered = sorted(members, key=lambda i: -wanted[i])  # de arriba abajo
            placed = []
            for k, i in enumerate(ordered):
                below_previous = placed[-1] - (heights[ordered[k - 1]] + heights[i]) / 2 - NODE_GAP if k else None
                placed.append(wanted[i] if k == 0 else min(wanted[i], below_previous))
            shift = np.mean([wanted[i] for i in ordered]) - np.mean(placed)  # la columna, centrada donde la quieren
            for i, y_i in zip(ordered, placed):
                y[i] = float(y_i + shift)
    return [(column_x[c], y_i) for c, y_i in zip(layer, y)]


def _limits(drawing: GraphDrawing) -> tuple[tuple[float, float], tuple[float, float]]:
    """Los límites (x, y) del eje, en pulgadas, con sitio para la caja más ancha y la más alta."""
    positions, heights, widths = _positions(drawing), _heights(drawing), _widths(drawing)
    left = min(x - w / 2 for (x, _), w in zip(positions, widths))
    right = max(x + w / 2 for (x, _), w in zip(positions, widths))
    bottom = min(y - h / 2 for (_, y), h in zip(positions, heights))
    top = max(y + h / 2 for (_, y), h in zip(positions, heights))
    return (left - 0.1, right + 0.1), (bottom - 0.1, top + 0.1)


def _figsize(drawing: GraphDrawing) -> tuple[float, float]:
    (x0, x1), (y0, y1) = _limits(drawing)
    return x1 - x0, y1 - y0


def _draw(drawing: GraphDrawing, fig):
    """Cajas con la etiqueta de cada nodo y una flecha por cada uso, de la entrada al usuario."""
    ax = fig.add_axes((0, 0, 1, 1))
    positions = _positions(drawing)
    boxes = [ax.text(x, y, node.label, ha="center", va="center", fontsize=FONT_SIZE,
                     bbox=dict(boxstyle="round", fc=node.color, ec="gray"))
             for node, (x, y) in zip(drawing.nodes, positions)]
    layer = _layers(drawing)
    for p, i in drawing.edges:
        skips = layer[i] - layer[p] > 1  # salta columnas: se curva para no cruzar los nodos de en medio
        ax.annotate("", xy=positions[i], xytext=positions[p],
                    arrowprops=dict(arrowstyle="->", color="gray", patchA=boxes[p].get_bbox_patch(),
                                    patchB=boxes[i].get_bbox_patch(),
                                    connectionstyle=f"arc3,rad={-0.2 if skips else 0.0}"))
    xlim, ylim = _limits(drawing)
    ax.set(xlim=xlim, ylim=ylim)
    ax.axis("off")
    return fig


def _render(drawing: GraphDrawing, fmt: str) -> bytes:
    """El dibujo de matplotlib como bytes, en una figura suelta (no queda abierta en pyplot)."""
    from matplotlib.figure import Figure

    fig = _draw(drawing, Figure(figsize=_figsize(drawing)))
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=80, bbox_inches="tight", metadata={"Software": None} if fmt == "png" else None)
    return buffer.getvalue()
