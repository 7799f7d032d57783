"""Las figuras de tinygrad_es.plot: se dibujan, se guardan como PNG no vacíos y muestran lo que deben."""
from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from tinygrad_es import Tensor, plot
from tinygrad_es.datasets import playground
from tinygrad_es.errors import ShapeError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _assert_png(path):
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 5000


def _pixel(fig, ax, x, y):
    """El color RGB que la figura dibujada tiene en el punto (x, y) de los datos de `ax`."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    image = np.asarray(canvas.buffer_rgba())
    px, py = ax.transData.transform((x, y))
    return image[int(image.shape[0] - py), int(px), :3].astype(int)


# --- frontera de decisión ------------------------------------------------------------------------

def test_decision_boundary_pinta_cada_lado_de_su_color(tmp_path):
    X, y = playground.gaussians(n=200, seed=0)
    path = tmp_path / "sub" / "frontera.png"  # la carpeta no existe: se crea
    fig = plot.decision_boundary(lambda g: (g[:, 0] + g[:, 1] > 0).astype(np.float32), X, y, path=path)
    assert isinstance(fig, Figure)
    _assert_png(path)
    ax = fig.axes[0]
    blue, orange = _pixel(fig, ax, 3.0, -1.5), _pixel(fig, ax, -3.0, 1.5)  # zonas sin puntos encima
    assert blue[2] > blue[0] + 60  # clase positiva: azul de Playground
    assert orange[0] > orange[2] + 60  # clase negativa: naranja
    assert ax.get_title() == "Frontera de decisión"


class _Model:
    """Un modelo al estilo Keras: predict(x, verbose=...) devuelve (m, 1)."""

    def __init__(self):
        self.verbose = []

    def predict(self, x, batch_size=None, verbose="auto"):
        self.verbose.append(verbose)
        return 1 / (1 + np.exp(-(x[:, :1] - x[:, 1:])))


def test_decision_boundary_con_modelo_pide_predict_sin_barra(tmp_path):
    model = _Model()
    X, y = playground.xor(n=100, seed=0, labels="pm1")
    fig = plot.decision_boundary(model, X, y, resolution=50, title="XOR", path=tmp_path / "m.png")
    assert model.verbose == [0]
    assert fig.axes[0].get_title() == "XOR"
    _assert_png(tmp_path / "m.png")


def test_decision_boundary_con_varias_clases_y_tensores(tmp_path):
    X = np.random.default_rng(0).uniform(-1, 1, (60, 2))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)

    def three_classes(grid):  # devuelve un Tensor (m, 3) de probabilidades
        scores = np.stack([-grid[:, 0] - grid[:, 1], np.zeros(len(grid)), grid[:, 0] + grid[:, 1]], axis=1)
        return Tensor(scores).softmax(axis=1)

    fig = plot.decision_boundary(three_classes, Tensor(X), y, path=tmp_path / "c.png")
    _assert_png(tmp_path / "c.png")
    assert len(fig.axes) == 2  # el mapa y su barra de color


def test_decision_boundary_errores():
    X, y = playground.circles(n=20, seed=0)
    with pytest.raises(ShapeError, match=r"X debe tener forma \(n, 2\) y tiene \(20, 3\)"):
        plot.decision_boundary(lambda g: g[:, 0], np.zeros((20, 3)), y)
    with pytest.raises(ShapeError, match="20 puntos en X y 19 etiquetas"):
        plot.decision_boundary(lambda g: g[:, 0], X, y[:19])
    with pytest.raises(ShapeError, match="una predicción .* por punto"):
        plot.decision_boundary(lambda g: g[:10, 0], X, y, resolution=20)
    with pytest.raises(TypeError, match="un modelo con .predict o una función"):
        plot.decision_boundary("modelo", X, y)


# --- historia del entrenamiento ------------------------------------------------------------------

class _History:
    history = {"loss": [0.9, 0.5, 0.4], "accuracy": [0.6, 0.8, 0.85], "val_loss": [1.0, 0.7, 0.6],
               "val_accuracy": [0.55, 0.7, 0.8]}


def test_history_curvas_de_entrenamiento_y_validacion(tmp_path):
    fig = plot.history(_History(), path=tmp_path / "h.png")
    _assert_png(tmp_path / "h.png")
    loss_ax, acc_ax = fig.axes
    assert loss_ax.get_title() == "Pérdida (loss)" and acc_ax.get_title() == "Exactitud (accuracy)"
    assert [line.get_label() for line in acc_ax.get_lines()] == ["entrenamiento", "validación"]
    np.testing.assert_array_equal(acc_ax.get_lines()[1].get_ydata(), [0.55, 0.7, 0.8])
    np.testing.assert_array_equal(loss_ax.get_lines()[0].get_xdata(), [1, 2, 3])  # épocas desde 1


def test_history_solo_con_la_perdida():
    fig = plot.history({"loss": [1.0, 0.5]})
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()) == 1


def test_history_errores():
    expected = r"un dict con al menos la lista 'loss'; recibió dict con las claves \['acc'\]"
    with pytest.raises(ValueError, match=expected):
        plot.history({"acc": [0.5]})
    with pytest.raises(ValueError, match="recibió list"):
        plot.history([0.5, 0.4])


# --- rejilla de imágenes -------------------------------------------------------------------------

def test_image_grid_con_etiquetas_reales_y_predichas(tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (5, 784), dtype=np.uint8)  # aplanadas, como en el MLP
    true = np.eye(10)[[3, 1, 4, 1, 5]]  # one-hot, como y_test tras to_categorical
    predicted = np.eye(10)[[3, 1, 4, 7, 5]] * 0.9  # probabilidades de model.predict
    fig = plot.image_grid(images, true, predicted, class_names=[f"c{i}" for i in range(10)], path=tmp_path / "g.png")
    _assert_png(tmp_path / "g.png")
    assert len(fig.axes) == 5
    titles = [ax.title for ax in fig.axes]
    assert titles[3].get_text() == "Real: c1\nPredicha: c7"
    assert titles[3].get_color() == plot.WRONG_COLOR and titles[0].get_color() == plot.RIGHT_COLOR
    assert fig.axes[0].images[0].get_array().shape == (28, 28)


def test_image_grid_solo_imagenes_y_canal_final(tmp_path):
    fig = plot.image_grid(np.random.default_rng(1).random((3, 28, 28, 1)), [0, 1, 2], path=tmp_path / "g.png")
    assert [ax.title.get_text() for ax in fig.axes] == ["Real: 0", "Real: 1", "Real: 2"]
    _assert_png(tmp_path / "g.png")


def test_image_grid_errores():
    with pytest.raises(ShapeError, match=r"recibió \(2, 5\)"):
        plot.image_grid(np.zeros((2, 5)), [0, 1])
    with pytest.raises(ShapeError, match=r"3 imágenes y true_labels de forma \(2,\)"):
        plot.image_grid(np.zeros((3, 8, 8)), [0, 1])


# --- funciones de activación ---------------------------------------------------------------------

def test_activations_funciones_y_derivadas(tmp_path):
    x = np.linspace(-4, 4, 81)
    sigmoid = 1 / (1 + np.exp(-x))
    fig = plot.activations(
        {"sigmoide": lambda v: Tensor(v).sigmoid(), "relu": lambda v: np.maximum(v, 0)},
        {"sigmoide": sigmoid * (1 - sigmoid), "relu": lambda v: (v > 0) * 1.0},
        x=x,
        path=tmp_path / "a.png",
    )
    _assert_png(tmp_path / "a.png")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["Función: sigmoide", "Función: relu", "Derivada: sigmoide", "Derivada: relu"]
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), sigmoid, rtol=1e-6)
    np.testing.assert_allclose(fig.axes[2].get_lines()[0].get_ydata().max(), 0.25)


def test_activations_sin_derivadas_y_errores():
    fig = plot.activations({"tanh": np.tanh})
    assert len(fig.axes) == 1 and len(fig.axes[0].get_lines()[0].get_xdata()) == 201
    with pytest.raises(ShapeError, match="la curva 'tanh' tiene 3 valores y x tiene 201"):
        plot.activations({"tanh": np.zeros(3)})
    with pytest.raises(ValueError, match="al menos una función"):
        plot.activations({})


# --- filtros y mapas de características ----------------------------------------------------------

def test_conv_filters(tmp_path):
    kernel = np.random.default_rng(0).normal(size=(3, 3, 2, 6)).astype(np.float32)
    fig = plot.conv_filters(kernel, path=tmp_path / "f.png")
    _assert_png(tmp_path / "f.png")
    assert len(fig.axes) == 6
    np.testing.assert_allclose(fig.axes[4].images[0].get_array(), kernel[:, :, :, 4].mean(axis=2))
    fig = plot.conv_filters(kernel, input_channel=1)
    np.testing.assert_allclose(fig.axes[4].images[0].get_array(), kernel[:, :, 1, 4])


def test_conv_filters_errores():
    with pytest.raises(ShapeError, match=r"\(alto, ancho, canales_entrada, filtros\) y recibió \(3, 3, 8\)"):
        plot.conv_filters(np.zeros((3, 3, 8)))
    with pytest.raises(ValueError, match="input_channel=2 no existe: el filtro tiene 2 canales"):
        plot.conv_filters(np.zeros((3, 3, 2, 4)), input_channel=2)


def test_feature_maps(tmp_path):
    maps = np.random.default_rng(0).random((1, 26, 26, 10))
    fig = plot.feature_maps(maps, max_maps=4, ncols=2, path=tmp_path / "m.png")
    _assert_png(tmp_path / "m.png")
    assert len(fig.axes) == 4
    np.testing.assert_allclose(fig.axes[3].images[0].get_array(), maps[0, :, :, 3])
    assert len(plot.feature_maps(Tensor(maps[0])).axes) == 10


def test_feature_maps_errores():
    with pytest.raises(ShapeError, match=r"recibió \(2, 26, 26, 3\): pasa una sola imagen"):
        plot.feature_maps(np.zeros((2, 26, 26, 3)))


# --- con pyplot o sin él -------------------------------------------------------------------------

def test_sin_pyplot_la_figura_es_suelta_y_pyplot_no_se_importa():
    """Un programa que no usa pyplot (los ejemplos) no lo carga: ni ventanas ni cambio de backend."""
    import subprocess
    import sys

    code = ("import sys; from tinygrad_es import plot; fig = plot.history({'loss': [1.0, 0.5]}); "
            "print(fig.canvas.manager is None, 'matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["True", "False"]


def test_con_pyplot_plt_show_muestra_la_figura(monkeypatch):
    """Quien ya usa pyplot (un cuaderno, las páginas de docs/) ve la figura con plt.show()."""
    import matplotlib.pyplot as plt

    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.extend(plt.get_fignums()))
    plt.close("all")
    fig = plot.history({"loss": [1.0, 0.5], "accuracy": [0.5, 0.9]})
    plt.show()
    assert shown == [fig.number]
    plt.close("all")
