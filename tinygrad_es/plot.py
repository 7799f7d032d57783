"""Las figuras del curso con matplotlib: frontera de decisión, curvas de entrenamiento, imágenes con
sus etiquetas, funciones de activación, filtros de convolución y mapas de características.

Cada función devuelve la `Figure` de matplotlib y, si se le da `path`, la guarda además como
imagen (PNG, o el formato que diga la extensión). Si quien llama usa pyplot (ya importó
`matplotlib.pyplot`, como en un cuaderno o en las páginas de docs/), la figura es una más de
pyplot y `plt.show()` la muestra, en su ventana o dentro del cuaderno:

    >>> import matplotlib.pyplot as plt
    >>> plot.history(model.fit(x, y, validation_split=0.1, epochs=5))
    >>> plt.show()

Si no, se crea sin pyplot: un programa que solo guarda figuras (los ejemplos) no abre ventanas,
no cambia de backend y no acumula figuras en memoria.

    >>> fig = plot.history(history, path="salida/historia.png")

`plot.graph(tensor)` dibuja el grafo de autograd (con Graphviz si está instalado); vive en
plot_graph.py.
"""
from __future__ import annotations

import inspect
import math
import os
import sys

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .errors import ShapeError, shape_str
from .plot_graph import graph  # noqa: F401  (plot.graph: el grafo de autograd)
from .tensor import Tensor

# Los colores de TensorFlow Playground: naranja para la clase negativa, azul para la positiva.
PLAYGROUND_CMAP = LinearSegmentedColormap.from_list("playground", ["#f59322", "#e8eaeb", "#0877bd"])
RIGHT_COLOR, WRONG_COLOR = "#1a7f37", "#cf222e"


def decision_boundary(model_or_fn, X, y, resolution=200, margin=0.5, threshold=None, title=None, path=None):
    """Lo que el modelo predice en cada punto del plano, con los puntos de datos encima, como Playground.

    `model_or_fn` es un modelo con `.predict` o una función que recibe un array (m, 2) y devuelve
    una predicción por fila: un valor (probabilidad, puntuación o regresión) o, con varias columnas,
    una probabilidad por clase (se pinta la clase más probable). La línea negra es la frontera: donde
    la salida vale `threshold` (por defecto 0.5, o 0 si las etiquetas son -1/+1).
    """
    X, y = _array(X), _array(y).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ShapeError(
            f"decision_boundary dibuja datos de dos variables: X debe tener forma (n, 2) y tiene {shape_str(X.shape)}"
        )
    if len(y) != len(X):
        raise ShapeError(
            f"decision_boundary recibió {len(X)} puntos en X y {len(y)} etiquetas en y: debe haber una por punto"
        )
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.stack([xx.ravel(), yy.ravel()], axis=1).astype(np.float32)
    values = _predict(model_or_fn, grid)
    if values.ndim == 2 and values.shape[1] > 1:
        values = values.argmax(axis=1)  # varias clases: la más probable
    if values.size != grid.shape[0]:
        raise ShapeError(
            f"decision_boundary pidió predicciones para {grid.shape[0]} puntos y recibió un array de forma "
            f"{shape_str(values.shape)}: el modelo debe devolver una predicción (o un vector por clase) por punto"
        )
    zz = values.reshape(xx.shape)
    if threshold is None:
        threshold = 0.0 if y.min() < 0 else 0.5
    vmin, vmax = min(y.min(), zz.min()), max(y.max(), zz.max())

    fig = _figure(figsize=(6, 5))
    ax = fig.add_subplot()
    filled = ax.contourf(xx, yy, zz, levels=20, cmap=PLAYGROUND_CMAP, vmin=vmin, vmax=vmax, alpha=0.8)
    if zz.min() < threshold < zz.max():
        ax.contour(xx, yy, zz, levels=[threshold], colors="black", linewidths=1.5)
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap=PLAYGROUND_CMAP, vmin=vmin, vmax=vmax, edgecolors="white", linewidths=0.6,
               s=25)
    fig.colorbar(filled, ax=ax, label="salida del modelo")
    ax.set(xlabel="x1", ylabel="x2", title=title or "Frontera de decisión")
    return _finish(fig, path)


def history(history_or_dict, title=None, path=None):
    """Las curvas de entrenamiento: la pérdida y cada métrica por época, de entrenamiento y de validación.

    Acepta lo que devuelve `model.fit(...)` (un objeto con `.history`) o directamente ese dict,
    p. ej. {"loss": [...], "accuracy": [...], "val_loss": [...], "val_accuracy": [...]}.
    """
    logs = getattr(history_or_dict, "history", history_or_dict)
    if not isinstance(logs, dict) or not logs.get("loss"):
        raise ValueError(
            "history espera lo que devuelve model.fit(...) o su atributo .history, un dict con al menos la "
            f"lista 'loss'; recibió {type(history_or_dict).__name__}"
            + (f" con las claves {sorted(logs)}" if isinstance(logs, dict) else "")
        )
    metrics = ["loss"] + [k for k in logs if k != "loss" and not k.startswith("val_")]
    fig = _figure(figsize=(5 * len(metrics), 4))
    for i, name in enumerate(metrics):
        ax = fig.add_subplot(1, len(metrics), i + 1)
        for key, label, style in ((name, "entrenamiento", "o-"), (f"val_{name}", "validación", "s--")):
            if logs.get(key):
                ax.plot(np.arange(1, len(logs[key]) + 1), logs[key], style, label=label)
        ax.set(xlabel="época", title=_metric_title(name))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # las épocas son enteras: sin 1.25, 1.5...
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return _finish(fig, path)


def _metric_title(name: str) -> str:
    spanish = {"loss": "Pérdida", "accuracy": "Exactitud", "acc": "Exactitud", "mae": "Error absoluto medio",
               "mse": "Error cuadrático medio"}
    return f"{spanish[name]} ({name})" if name in spanish else name


def image_grid(images, true_labels=None, predicted_labels=None, class_names=None, ncols=5, title=None, path=None):
    """Una rejilla de imágenes con su etiqueta real y, si se da, la predicha (verde si acierta, rojo si no).

    `images`: (n, alto, ancho), (n, alto, ancho, 1 o 3) o vectores aplanados (n, 784) de imágenes
    cuadradas. Las etiquetas pueden ser enteros o vectores one-hot / de probabilidades (como la salida
    de `model.predict`): de estos se toma la clase más probable. `class_names` traduce cada clase a
    su nombre.
    """
    images = _as_images(_array(images))
    n = len(images)
    true_labels = _as_classes(true_labels, n, "true_labels")
    predicted_labels = _as_classes(predicted_labels, n, "predicted_labels")
    fig, axes = _panels(n, ncols, 2.2, title_lines=2)
    for i, ax in enumerate(axes):
        ax.imshow(images[i], cmap="gray" if images[i].ndim == 2 else None)
        lines = []
        if true_labels is not None:
            lines.append(f"Real: {_name(true_labels[i], class_names)}")
        if predicted_labels is not None:
            lines.append(f"Predicha: {_name(predicted_labels[i], class_names)}")
        if true_labels is None or predicted_labels is None:
            color = "black"
        else:
            color = RIGHT_COLOR if true_labels[i] == predicted_labels[i] else WRONG_COLOR
        ax.set_title("\n".join(lines), fontsize=9, color=color)
    if title:
        fig.suptitle(title)
    return _finish(fig, path)


def _as_images(images: np.ndarray) -> np.ndarray:
    if images.ndim == 4 and images.shape[-1] == 1:
        return images[..., 0]
    if images.ndim == 2 and math.isqrt(images.shape[1]) ** 2 == images.shape[1]:
        side = math.isqrt(images.shape[1])  # vectores aplanados, como la entrada de un MLP: 784 -> 28x28
        return images.reshape(len(images), side, side)
    if images.ndim == 3 or (images.ndim == 4 and images.shape[-1] == 3):
        return images
    raise ShapeError(
        f"image_grid espera imágenes de forma (n, alto, ancho), (n, alto, ancho, 1 o 3) o (n, lado*lado) y recibió "
        f"{shape_str(images.shape)}"
    )


def _as_classes(labels, n, what):
    if labels is None:
        return None
    labels = _array(labels)
    if labels.ndim == 2:
        labels = labels.argmax(axis=1)  # one-hot o probabilidades -> clase
    if labels.shape != (n,):
        raise ShapeError(
            f"image_grid recibió {n} imágenes y {what} de forma {shape_str(labels.shape)}: "
            "debe haber una etiqueta por imagen"
        )
    return labels.astype(np.int64)


def _name(label, class_names):
    return class_names[label] if class_names is not None else str(label)


def activations(functions, derivatives=None, x=None, title=None, path=None):
    """Las funciones de activación (fila de arriba) y, si se dan, sus derivadas (fila de abajo).

    `functions` y `derivatives` son dicts nombre -> función o valores: una función recibe el array
    `x` (por defecto 201 puntos entre -5 y 5) y devuelve un array o un Tensor del mismo tamaño; los
    valores ya calculados (p. ej. los gradientes de autograd) se pasan como arrays de len(x).
    """
    x = np.linspace(-5, 5, 201) if x is None else _array(x)
    if not functions:
        raise ValueError(
            "activations necesita al menos una función, p. ej. {'sigmoide': lambda x: 1 / (1 + np.exp(-x))}"
        )
    rows = [("Función", functions)] + ([("Derivada", derivatives)] if derivatives else [])
    fig = _figure(figsize=(3.5 * len(functions), 3 * len(rows)))
    for r, (kind, curves) in enumerate(rows):
        for c, name in enumerate(functions):
            if name not in curves:
                continue
            ax = fig.add_subplot(len(rows), len(functions), r * len(functions) + c + 1)
            ax.plot(x, _curve(curves[name], x, name), color="C0" if r == 0 else "C3")
            ax.axhline(0, color="gray", linewidth=0.5)
            ax.axvline(0, color="gray", linewidth=0.5)
            ax.set(title=f"{kind}: {name}", xlabel="entrada (x)", ylabel="salida" if r == 0 else "derivada")
            ax.grid(True, alpha=0.3)
    if title:
        fig.suptitle(title)
    return _finish(fig, path)


def _curve(f, x, name):
    values = _array(f(x) if callable(f) else f).reshape(-1)
    if values.shape != x.shape:
        raise ShapeError(
            f"activations: la curva '{name}' tiene {values.size} valores y x tiene {x.size}: debe haber uno por punto"
        )
    return values


def conv_filters(kernel, input_channel=None, ncols=8, title=None, path=None):
    """Los filtros de una capa Conv2D, uno por panel, en gris (claro = peso alto).

    `kernel` tiene forma (alto, ancho, canales_entrada, filtros), la de `layer.get_weights()[0]`.
    Con varios canales de entrada se muestra su media, o el canal `input_channel` si se indica.
    """
    kernel = _array(kernel)
    if kernel.ndim != 4:
        raise ShapeError(
            f"conv_filters espera los pesos de Conv2D con forma (alto, ancho, canales_entrada, filtros) y recibió "
            f"{shape_str(kernel.shape)}: usa layer.get_weights()[0]"
        )
    if input_channel is not None and not 0 <= input_channel < kernel.shape[2]:
        raise ValueError(
            f"input_channel={input_channel} no existe: el filtro tiene {kernel.shape[2]} canales de entrada"
        )
    shown = kernel.mean(axis=2) if input_channel is None else kernel[:, :, input_channel]
    fig, axes = _panels(shown.shape[-1], ncols, 1.4)
    for i, ax in enumerate(axes):
        ax.imshow(shown[:, :, i], cmap="gray")
        ax.set_title(f"filtro {i}", fontsize=8)
    fig.suptitle(title or f"Filtros {kernel.shape[0]}x{kernel.shape[1]} ({kernel.shape[3]})")
    return _finish(fig, path)


def feature_maps(maps, max_maps=None, ncols=8, title=None, path=None):
    """Los mapas de características de una capa convolucional para una imagen, uno por canal.

    `maps`: (alto, ancho, canales), o (1, alto, ancho, canales) tal como sale de un modelo con un
    lote de una imagen. `max_maps` limita cuántos canales se dibujan.
    """
    maps = _array(maps)
    if maps.ndim == 4 and maps.shape[0] == 1:
        maps = maps[0]
    if maps.ndim != 3:
        raise ShapeError(
            f"feature_maps espera los mapas de una imagen con forma (alto, ancho, canales) o (1, alto, ancho, canales) "
            f"y recibió {shape_str(maps.shape)}: pasa una sola imagen, p. ej. maps[0]"
        )
    count = maps.shape[-1] if max_maps is None else min(max_maps, maps.shape[-1])
    fig, axes = _panels(count, ncols, 1.6)
    for i, ax in enumerate(axes):
        ax.imshow(maps[:, :, i], cmap="viridis")
        ax.set_title(f"canal {i}", fontsize=8)
    fig.suptitle(title or f"Mapas de características ({maps.shape[0]}x{maps.shape[1]}, {maps.shape[2]} canales)")
    return _finish(fig, path)


def _panels(n, ncols, size, title_lines=1):
    """Una figura con n paneles de imagen (sin ejes) en filas de `ncols`, con sitio para sus títulos."""
    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    fig = _figure(figsize=(size * ncols, (size + 0.25 * title_lines) * nrows + 0.4))
    axes = [fig.add_subplot(nrows, ncols, i + 1) for i in range(n)]
    for ax in axes:
        ax.axis("off")
    return fig, axes


def _predict(model_or_fn, grid):
    """Las predicciones sobre la rejilla como array, desde un modelo con .predict o desde una función."""
    if hasattr(model_or_fn, "predict"):
        params = inspect.signature(model_or_fn.predict).parameters
        quiet = "verbose" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())
        # Sin verbose=0, predict de Keras imprimiría una barra de progreso por figura.
        out = model_or_fn.predict(grid, verbose=0) if quiet else model_or_fn.predict(grid)
    elif callable(model_or_fn):
        out = model_or_fn(grid)
    else:
        raise TypeError(
            f"decision_boundary espera un modelo con .predict o una función de un array (m, 2) y recibió "
            f"{type(model_or_fn).__name__}"
        )
    values = _array(out)
    return values.reshape(-1) if values.ndim == 2 and values.shape[1] == 1 else values


def _array(x) -> np.ndarray:
    """Tensor, variable de Keras (con .numpy()) o cualquier cosa que NumPy entienda -> ndarray."""
    if isinstance(x, Tensor):
        return x.data
    if hasattr(x, "numpy") and callable(x.numpy):
        return np.asarray(x.numpy())
    return np.asarray(x)


def _figure(figsize) -> Figure:
    """Una figura de pyplot si quien llama ya usa pyplot (así plt.show() la muestra); si no, una suelta."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    return pyplot.figure(figsize=figsize) if pyplot is not None else Figure(figsize=figsize)


def _finish(fig, path):
    fig.tight_layout()
    if path is not None:
        folder = os.path.dirname(os.fspath(path))
        if folder:
            os.makedirs(folder, exist_ok=True)
        fig.savefig(path, dpi=100)
    return fig
