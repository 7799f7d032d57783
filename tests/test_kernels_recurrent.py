"""Las celdas fusionadas de Numba (LSTM, GRU, SimpleRNN) contra su referencia en NumPy."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kernel_steps import gru_reset_before_step, gru_reset_before_step_backward
from tinygrad_es.kernels.cpu import gru as G
from tinygrad_es.kernels.cpu import lstm as L
from tinygrad_es.kernels.cpu import one_hot as OH
from tinygrad_es.kernels.cpu import simple_rnn as S

sizes = st.tuples(st.integers(1, 4), st.integers(1, 6), st.integers(0, 2**32 - 1))


def _arrays(seed, *shapes, scale=1.5):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) * scale for s in shapes]


@settings(deadline=None, max_examples=25)
@given(sizes)
def test_lstm_cell_matches_reference(size):
    n, u, seed = size
    xw, hu, c_prev, dh_out, dh_next, dc_next = _arrays(seed, (n, 4 * u), (n, 4 * u), (n, u), (n, u), (n, u), (n, u))
    gates, c, h = xw + hu, np.empty((n, u)), np.empty((n, u))
    L.lstm_cell_forward(gates, c_prev, c, h)
    ref_gates, ref_c, ref_h = L.lstm_cell_forward_reference(xw + hu, c_prev)
    for got, want in ((gates, ref_gates), (c, ref_c), (h, ref_h)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)

    dc = dc_next.copy()
    L.lstm_cell_backward(dh_out, dh_next, dc, gates, c_prev, c)  # gates sale con dz
    ref_dz, ref_dc = L.lstm_cell_backward_reference(dh_out + dh_next, dc_next, ref_gates, c_prev, ref_c)
    np.testing.assert_allclose(gates, ref_dz, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dc, ref_dc, rtol=1e-12, atol=1e-14)


@settings(deadline=None, max_examples=25)
@given(sizes)
def test_gru_cell_matches_reference(size):
    n, u, seed = size
    xw, hu, b_rec, h_prev, dh_out, dh_next = _arrays(seed, (n, 3 * u), (n, 3 * u), (3 * u,), (n, u), (n, u), (n, u))
    gates, rh, h = hu.copy(), np.empty((n, u)), np.empty((n, u))
    G.gru_cell_forward(xw, gates, b_rec, h_prev, rh, h)
    ref = G.gru_cell_forward_reference(xw, hu, b_rec, h_prev)
    for got, want in zip((gates, rh, h), ref):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)

    dxw, dhu, direct = np.empty((n, 3 * u)), np.empty((n, 3 * u)), np.empty((n, u))
    G.gru_cell_backward(dh_out, dh_next, gates, rh, h_prev, dxw, dhu, direct)
    ref = G.gru_cell_backward_reference(dh_out + dh_next, ref[0], ref[1], h_prev)
    for got, want in zip((dxw, dhu, direct), ref):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@settings(deadline=None, max_examples=25)
@given(sizes)
def test_gru_reset_before_kernels_match_reference(size):
    """reset_after=False: los cuatro kernels, con los productos entre medias, contra el paso entero en NumPy."""
    n, u, seed = size
    xw, h_prev, U, dh_out, dh_next = _arrays(seed, (n, 3 * u), (n, u), (u, 3 * u), (n, u), (n, u))
    ref_gates, ref_rh, ref_h = G.gru_reset_before_forward_reference(xw, h_prev, U)
    gates, rh, h = gru_reset_before_step(G, xw, h_prev, U)
    for got, want in ((gates, ref_gates), (rh, ref_rh), (h, ref_h)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    dxw, dh_prev = gru_reset_before_step_backward(G, dh_out, dh_next, gates, h_prev, U)
    ref_dxw, ref_dh_prev = G.gru_reset_before_backward_reference(dh_out + dh_next, ref_gates, h_prev, U)
    np.testing.assert_allclose(dxw, ref_dxw, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(dh_prev, ref_dh_prev, rtol=1e-12, atol=1e-13)


@settings(deadline=None, max_examples=25)
@given(sizes)
def test_simple_rnn_cell_matches_reference(size):
    n, u, seed = size
    xw, hu, dh_out, dh_next = _arrays(seed, (n, u), (n, u), (n, u), (n, u))
    h = hu.copy()
    S.simple_rnn_cell_forward(xw, h)
    np.testing.assert_allclose(h, S.simple_rnn_cell_forward_reference(xw, hu), rtol=1e-12, atol=1e-14)
    da = np.empty((n, u))
    S.simple_rnn_cell_backward(dh_out, dh_next, h, da)
    np.testing.assert_allclose(da, S.simple_rnn_cell_backward_reference(dh_out + dh_next, h), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("z", [-800.0, 800.0])
def test_lstm_cell_saturates_without_nan(z):
    """Con preactivaciones enormes, exp desborda a inf pero σ = 1/(1+inf) = 0: nada de NaN."""
    gates, c, h = np.full((1, 4), z), np.empty((1, 1)), np.empty((1, 1))
    L.lstm_cell_forward(gates, np.ones((1, 1)), c, h)
    assert np.all(np.isfinite(gates)) and np.all(np.isfinite(h))


def test_float32_activations_are_accurate_and_float64_exact():
    """tanh racional (float32): error < 5e-7 en toda la recta; en float64 se usa la tanh de libm."""
    from tinygrad_es.kernels.cpu import activations as A

    v = np.linspace(-20, 20, 200_001)
    np.testing.assert_allclose(A.rational_tanh_reference(v), np.tanh(v), rtol=0, atol=5e-7)
    h32 = np.zeros((1, v.size), dtype=np.float32)
    S.simple_rnn_cell_forward(v[None].astype(np.float32), h32)  # h = tanh(v + 0)
    np.testing.assert_allclose(h32[0], np.tanh(v), rtol=0, atol=5e-7)
    h64 = np.zeros((1, v.size))
    S.simple_rnn_cell_forward(v[None], h64)
    np.testing.assert_allclose(h64[0], np.tanh(v), rtol=1e-15, atol=1e-15)  # la de libm: exacta salvo 1 ulp


def test_lstm_cell_float32_close_to_float64_reference():
    xw, hu, c_prev = _arrays(11, (8, 20), (8, 20), (8, 5), scale=3.0)
    gates, c, h = (xw + hu).astype(np.float32), np.empty((8, 5), np.float32), np.empty((8, 5), np.float32)
    L.lstm_cell_forward(gates, c_prev.astype(np.float32), c, h)
    ref_gates, ref_c, ref_h = L.lstm_cell_forward_reference(xw + hu, c_prev)
    for got, want in ((gates, ref_gates), (c, ref_c), (h, ref_h)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=2e-6)


# ---------------------------------------------------------------- entradas one-hot (kernels/cpu/one_hot.py)
def _one_hot(seed, n, steps, d):
    rng = np.random.default_rng(seed)
    return np.eye(d)[rng.integers(0, d, (n, steps))], rng


@settings(deadline=None, max_examples=25)
@given(sizes, st.integers(1, 5), st.sampled_from(["intacta", "dos unos", "0.5", "fila de ceros", "nan"]))
def test_one_hot_index_matches_reference(size, d, damage):
    n, steps, seed = size
    x, rng = _one_hot(seed, n, steps, d)
    row = tuple(rng.integers(0, s) for s in (n, steps))
    if damage == "dos unos" and d > 1:
        x[row] = 1
    elif damage in ("0.5", "nan"):
        x[row + (rng.integers(0, d),)] = 0.5 if damage == "0.5" else np.nan
    elif damage == "fila de ceros":
        x[row] = 0
    idx = np.empty((steps, n), np.int64)
    found = OH.one_hot_index(x, idx)
    expected = OH.one_hot_index_reference(x)
    assert found == (expected is not None) == (damage == "intacta" or (damage == "dos unos" and d == 1))
    if found:
        np.testing.assert_array_equal(idx, expected)


@settings(deadline=None, max_examples=25)
@given(sizes, st.integers(1, 5))
def test_add_rows_and_scatter_add_rows_match_reference(size, d):
    """Índices repetidos (pocas filas en la tabla): scatter debe sumarlos todos, como np.add.at."""
    m, f, seed = size
    table, rows, out = _arrays(seed, (d, f), (m, f), (m, f))
    idx = np.random.default_rng(seed).integers(0, d, m)
    got, want = out.copy(), out.copy()
    OH.add_rows(got, table, idx)
    OH.add_rows_reference(want, table, idx)
    np.testing.assert_array_equal(got, want)
    got, want = table.copy(), table.copy()
    OH.scatter_add_rows(rows, idx, got)
    OH.scatter_add_rows_reference(rows, idx, want)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-14)
