"""Entradas one-hot: x_t·W sin multiplicar.

Si cada fila de x tiene un solo 1 y el resto ceros (los caracteres del generador de texto del
curso: 57 columnas, una encendida), el producto de esa fila por W es la fila de W de la columna
encendida:

    x[n, t] = e_j   =>   x[n, t]·W = W[j]

y en el backward cada fila de dz = dL/d(x·W) va a parar a esa misma fila de dW:

    dW = Σ_{n,t} x[n, t]ᵀ·dz[n, t] = Σ_{n,t} e_jᵀ·dz[n, t]   =>   dW[j] += dz[n, t]

Tres kernels: `one_hot_index` reconoce la entrada y da los índices j, `add_rows` suma las filas
elegidas (el forward) y `scatter_add_rows` reparte el gradiente (el backward). Los usa la LSTM
de `ops/recurrent.py` en la CPU: quita las D columnas de x de sus productos de BLAS (en la LSTM
del curso, 57 de K = 186 en el producto de cada paso y en el de dW).

Disposición: x (N, T, D) de floats; los índices en orden temporal, idx (T, N) de int64; las
matrices (filas, F) en orden C.
"""
import numba
import numpy as np

from . import JIT


# ---------------------------------------------------------------- referencia en NumPy
def one_hot_index_reference(x):
    """idx (T, N) con la columna del 1 de cada x[n, t], o None si x no es one-hot exacta."""
    exact = np.all((x == 0) | (x == 1)) and np.all(x.sum(axis=-1) == 1)
    return np.ascontiguousarray(x.argmax(axis=-1).T) if exact else None


def add_rows_reference(out, table, idx):
    """out[i] += table[idx[i]]."""
    out += table[idx]


def scatter_add_rows_reference(rows, idx, out):
    """out[idx[k]] += rows[k] (con índices repetidos, se suman todos)."""
    np.add.at(out, idx, rows)


# ---------------------------------------------------------------- kernels
@numba.njit(**JIT)
def one_hot_index(x, idx):
    """Escribe en idx (T, N) la columna del 1 de cada x[n, t] y devuelve True si x (N, T, D) es one-hot
    exacta: solo ceros y unos, un solo 1 por fila. Devuelve False en cuanto una fila no lo es (idx queda a
    medias: no se usa)."""
    n, steps, d = x.shape
    for i in range(n):
        for t in range(steps):
            row = x[i, t]
            hot = -1
            for j in range(d):
                if row[j] == 1 and hot < 0:
                    hot = j
                elif row[j] != 0:  # un segundo 1, o un valor que no es 0 ni 1
                    return False
            if hot < 0:  # una fila de ceros
                return False
            idx[t, i] = hot
    return True


# --8<-- [start:rows]
@numba.njit(**JIT)
def add_rows(out, table, idx):
    """out[i] += table[idx[i]] para cada fila i de out (m, F); table (D, F), idx (m,)."""
    for i in range(out.shape[0]):
        o, w = out[i], table[idx[i]]
        for k in range(out.shape[1]):
            o[k] += w[k]


@numba.njit(**JIT)
def scatter_add_rows(rows, idx, out):
    """out[idx[k]] += rows[k] para cada fila k de rows (K, F); idx (K,), out (D, F)."""
    for r in range(rows.shape[0]):
        o, g = out[idx[r]], rows[r]
        for k in range(rows.shape[1]):
            o[k] += g[k]
# --8<-- [end:rows]
