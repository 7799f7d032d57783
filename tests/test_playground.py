"""Los problemas de TensorFlow Playground: formas, reproducibilidad y que cada uno sea el problema que dice ser."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tinygrad_es import manual_seed
from tinygrad_es.datasets import playground

CLASSIFICATION = [playground.circles, playground.xor, playground.gaussians, playground.spiral]
REGRESSION = [playground.regression_plane, playground.regression_gaussians]
ALL = CLASSIFICATION + REGRESSION


@settings(max_examples=40, deadline=None)
@given(
    f=st.sampled_from(ALL),
    n=st.integers(1, 300),
    noise=st.floats(0, 0.5),
    seed=st.integers(0, 2**32 - 1),
    shuffle=st.booleans(),
)
def test_formas_tipos_y_valores(f, n, noise, seed, shuffle):
    X, y = f(n=n, noise=noise, seed=seed, shuffle=shuffle)
    assert X.shape == (n, 2) and y.shape == (n,)
    assert X.dtype == np.float32 and y.dtype == np.float32
    assert np.isfinite(X).all() and np.isfinite(y).all()
    if f in CLASSIFICATION:
        assert set(np.unique(y)) <= {0.0, 1.0}
    else:
        assert np.abs(y).max() <= 1.2 * (1 + noise) + 1e-5  # (x1 + x2)/10 con x1, x2 y su ruido en [-6, 6]


@pytest.mark.parametrize("f", ALL)
def test_misma_semilla_mismos_puntos(f):
    X1, y1 = f(n=200, noise=0.2, seed=7)
    X2, y2 = f(n=200, noise=0.2, seed=7)
    X3, _ = f(n=200, noise=0.2, seed=8)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize("f", ALL)
def test_sin_semilla_manda_manual_seed(f):
    manual_seed(5)
    X1, y1 = f(n=100, noise=0.1)
    manual_seed(5)
    X2, y2 = f(n=100, noise=0.1)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("f", CLASSIFICATION)
def test_etiquetas_01_y_pm1_son_las_mismas_clases(f):
    X01, y01 = f(n=300, noise=0.3, seed=1)
    Xpm, ypm = f(n=300, noise=0.3, seed=1, labels="pm1")
    np.testing.assert_array_equal(X01, Xpm)
    assert set(np.unique(ypm)) == {-1.0, 1.0}
    np.testing.assert_array_equal(y01, (ypm > 0).astype(np.float32))


@pytest.mark.parametrize("f", CLASSIFICATION)
def test_clases_equilibradas_y_barajadas(f):
    _, y = f(n=401, noise=0.0, seed=0, shuffle=False)
    if f is not playground.xor:  # en XOR la clase depende del cuadrante al azar
        assert y[:201].tolist() == [1.0] * 201 and y[201:].tolist() == [0.0] * 200
    _, y = f(n=400, noise=0.0, seed=0)
    assert 0.4 < y.mean() < 0.6
    assert 0 < np.abs(np.diff(y)).sum() and y[:200].mean() < 1  # mezcladas, no 200 unos y luego 200 ceros


# --- cada problema es el que dice ser (sin ruido, la regla que lo define se cumple exactamente) ---

def test_circles_disco_dentro_anillo_fuera():
    X, y = playground.circles(n=1000, noise=0.0, seed=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_array_equal(y, (radius < 2.5).astype(np.float32))
    assert radius[y == 1].max() <= 2.5 and 3.5 <= radius[y == 0].min() and radius.max() <= 5
    # Ninguna recta separa el disco del anillo: la mejor regla lineal sencilla se queda lejos del 100 %.
    assert max(np.mean((X[:, 0] > 0) == y), np.mean((X[:, 1] > 0) == y)) < 0.7


def test_circles_con_ruido_algunos_puntos_cambian_de_lado():
    X, y = playground.circles(n=1000, noise=0.5, seed=0)
    wrong = np.mean((np.hypot(X[:, 0], X[:, 1]) < 2.5) != y)
    assert 0.05 < wrong < 0.5


def test_xor_cuadrantes():
    X, y = playground.xor(n=1000, noise=0.0, seed=0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(np.float32))
    assert np.abs(X).min() >= 0.3 and np.abs(X).max() <= 5.3  # el pasillo de 0.3 a cada lado de los ejes


def test_gaussians_separables_con_una_recta():
    X, y = playground.gaussians(n=1000, noise=0.0, seed=0)
    assert np.mean((X.sum(axis=1) > 0) == y) == 1.0  # la recta x1 + x2 = 0
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.15)
    np.testing.assert_allclose(X[y == 0].std(axis=0), np.sqrt(0.5), rtol=0.15)
    wide, _ = playground.gaussians(n=1000, noise=0.5, seed=0, shuffle=False)
    np.testing.assert_allclose(wide[:500].std(axis=0), 2.0, rtol=0.15)  # varianza 4 con el ruido máximo


def test_spiral_brazos_de_175_vueltas():
    X, y = playground.spiral(n=400, noise=0.0, seed=0, shuffle=False)
    i = np.arange(200) / 200
    np.testing.assert_allclose(np.hypot(X[:200, 0], X[:200, 1]), i * 5, atol=1e-5)
    angle = 1.75 * i * 2 * np.pi
    np.testing.assert_allclose(X[:200], np.stack([5 * i * np.sin(angle), 5 * i * np.cos(angle)], 1), atol=1e-5)
    np.testing.assert_allclose(X[200:], -X[:200], atol=1e-5)  # la negativa, girada media vuelta
    assert y[:200].min() == 1 and y[200:].max() == 0


def test_regression_plane():
    X, y = playground.regression_plane(n=500, noise=0.0, seed=0)
    np.testing.assert_allclose(y, X.sum(axis=1) / 10, atol=1e-6)
    assert np.abs(X).max() <= 6


def test_regression_gaussians_montanas_y_valles():
    X, y = playground.regression_gaussians(n=5000, noise=0.0, seed=0)
    assert np.abs(y).max() <= 1
    for cx, cy, sign in playground.SURFACE_GAUSSIANS:
        d = np.hypot(X[:, 0] - cx, X[:, 1] - cy)
        near = d < 0.3
        assert near.any()
        np.testing.assert_allclose(y[near], sign * (1 - d[near] / 2), atol=1e-6)
    centers = playground.SURFACE_GAUSSIANS[:, :2]
    far = np.hypot(X[:, None, 0] - centers[:, 0], X[:, None, 1] - centers[:, 1]).min(axis=1) > 2
    assert (y[far] == 0).all() and far.any()


# --- argumentos incorrectos ----------------------------------------------------------------------

@pytest.mark.parametrize("f", ALL)
def test_ruido_en_porcentaje_se_rechaza_con_pista(f):
    with pytest.raises(ValueError, match=r"noise debe estar entre 0 y 0.5 y se recibió 25: .* 25 -> noise=0.25"):
        f(n=10, noise=25)


@pytest.mark.parametrize("n", [0, -3, 2.5])
def test_n_invalido(n):
    with pytest.raises(ValueError, match="n es el número de puntos y debe ser un entero positivo"):
        playground.circles(n=n)


def test_labels_invalido():
    with pytest.raises(ValueError, match=r"labels debe ser '01' .* o 'pm1' .* y se recibió 'si'"):
        playground.xor(n=10, labels="si")
