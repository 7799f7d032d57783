"""Estrategias de Hypothesis para los kernels de convolución, pooling y capas recurrentes.

Generan geometrías válidas de ventana (tamaños, pasos, dilatación, relleno), incluidos los
casos límite: núcleos 1×1, núcleos tan grandes como la entrada y tamaños impares con 'same'.
Los tamaños son pequeños a propósito: cada ejemplo compila una sola vez (mismos dtypes) y
corre en milisegundos.
"""
import contextlib

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from tinygrad_es.errors import ShapeError
from tinygrad_es.nn.conv import _geometry
from tinygrad_es.ops import conv


@contextlib.contextmanager
def group_layout(few_channels):
    """Fuerza la disposición de la convolución por grupos: reordenar cols (pocos canales) o x (ver ops/conv.py)."""
    previous = conv.FEW_CHANNELS
    conv.FEW_CHANNELS = 1_000_000 if few_channels else 1
    try:
        yield
    finally:
        conv.FEW_CHANNELS = previous


@st.composite
def conv_cases(draw, max_side=7, max_channels=3, groups=False):
    """Un dict con x (N, H, W, C), w (KH, KW, C/G, F) float64 y una geometría válida de conv2d.

    El relleno puede ser 'valid', 'same', un entero, una pareja o una pareja de parejas (por lado).
    Con groups=True, G de 1 a 3 grupos de 1 o 2 canales y filtros cada uno, y few_channels dice con qué
    disposición se calculan (para group_layout); si no, G = 1.
    """
    n = draw(st.integers(1, 2))
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    g = draw(st.integers(1, 3)) if groups else 1
    top = 2 if groups else max_channels
    c, f = g * draw(st.integers(1, top)), g * draw(st.integers(1, top))
    kh = draw(st.one_of(st.just(1), st.just(h), st.integers(1, h)))  # 1×1 y "tan grande como la entrada"
    kw = draw(st.one_of(st.just(1), st.just(w), st.integers(1, w)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    side = st.integers(0, 2)
    padding = draw(st.one_of(st.sampled_from(["valid", "same"]), side, st.tuples(side, side),
                             st.tuples(st.tuples(side, side), st.tuples(side, side))))
    try:
        geometry = _geometry("conv2d", (h, w), (kh, kw), stride, dilation, padding)
    except ShapeError:
        assume(False)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return dict(x=rng.standard_normal((n, h, w, c)), w=rng.standard_normal((kh, kw, c // g, f)),
                b=rng.standard_normal(f), stride=stride, dilation=dilation, padding=padding, groups=g,
                few_channels=draw(st.booleans()), geometry=geometry)


@st.composite
def pool_cases(draw, max_side=7):
    """Un dict con x (N, H, W, C) float64 (con empates a propósito si ties=True) y una geometría de pooling."""
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    pool = (draw(st.integers(1, h)), draw(st.integers(1, w)))
    strides = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    padding = draw(st.sampled_from(["valid", "same"]))
    geometry = _geometry("pool", (h, w), pool, strides or pool, (1, 1), padding)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):
        x = rng.integers(-2, 3, size=(n, h, w, c)).astype(np.float64)  # muchos empates
    else:
        x = rng.standard_normal((n, h, w, c))
    return dict(x=x, pool=pool, strides=strides, padding=padding, geometry=geometry)


@st.composite
def recurrent_cases(draw, gates):
    """Un dict con x (N, T, D), h0 (N, u) y pesos W (D, k·u), U (u, k·u) float64, k = gates.

    x es a veces one-hot (un 1 por fila, como los caracteres del curso): la LSTM la reconoce y suma
    filas de W en vez de multiplicar (kernels/cpu/one_hot.py), así que las dos rutas se prueban."""
    n, t, d, u = (draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 4)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = np.eye(d)[rng.integers(0, d, (n, t))] if draw(st.booleans()) else rng.standard_normal((n, t, d))
    return dict(x=x, h0=rng.standard_normal((n, u)), c0=rng.standard_normal((n, u)),
                W=rng.standard_normal((d, gates * u)) * 0.7, U=rng.standard_normal((u, gates * u)) * 0.7)
