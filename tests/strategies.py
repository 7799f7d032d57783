"""Estrategias de Hypothesis compartidas por las pruebas del motor.

Generan formas de 0 a 4 ejes (con ejes de tamaño 1), pares de formas compatibles por
broadcasting, y arrays float64 con valores lejos de los "codos" (0 para abs/relu, empates
para max) donde la derivada no existe y las diferencias finitas mienten. Y `check`, la
comprobación de una operación: forward contra NumPy y gradiente contra diferencias finitas.
"""
import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_es import Tensor, gradcheck

FAST = settings(max_examples=25, deadline=None)

shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=3)
nonempty_shapes = hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3)
broadcast_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, min_side=1, max_side=3)


def values(shape, low=-2.0, high=2.0, away_from_zero=0.0):
    """Array float64 de forma `shape` con valores en [low, high] y |x| >= away_from_zero."""
    mags = st.floats(max(away_from_zero, 0.0), max(abs(low), abs(high)), allow_nan=False)
    if low >= 0:
        elements = st.floats(max(low, away_from_zero), high)
    else:
        elements = st.builds(lambda m, s: m * s, mags, st.sampled_from([-1.0, 1.0])).filter(lambda v: low <= v <= high)
    return hnp.arrays(np.float64, shape, elements=elements)


@st.composite
def layouts(draw, array_strategy):
    """El mismo array en tres disposiciones de memoria: contiguo, transpuesto (F-order) o con saltos."""
    arr = draw(array_strategy)
    kind = draw(st.sampled_from(["contiguo", "transpuesto", "con saltos"]))
    if kind == "transpuesto" and arr.ndim >= 2:
        return np.asfortranarray(arr)  # mismos valores, memoria en otro orden
    if kind == "con saltos" and arr.ndim >= 1:
        wide = np.repeat(arr, 2, axis=-1)
        return wide[..., ::2]  # vista no contigua
    return arr


@st.composite
def distinct_values(draw, shape):
    """Valores todos distintos (separados al menos 0.05): sin empates para max/min/sort."""
    n = int(np.prod(shape))
    picks = draw(st.lists(st.integers(-60, 60), min_size=n, max_size=n, unique=True))
    return np.array(picks, dtype=np.float64).reshape(shape) / 20.0


def away_from(x, kinks, gap=0.05):
    """Aparta los valores que caen a menos de `gap` de un codo (allí las diferencias finitas mienten)."""
    for k in kinks:
        x = np.where(np.abs(x - k) < gap, x + 2 * gap, x)
    return x


def check(fn, np_fn, *arrays, atol=1e-5):
    """Forward igual a la referencia NumPy y gradiente igual al de diferencias finitas (float64)."""
    out = fn(*[Tensor(a, dtype="float64") for a in arrays])
    np.testing.assert_allclose(out.data, np_fn(*arrays), rtol=1e-10, atol=1e-12)
    gradcheck(fn, *arrays, atol=atol)
