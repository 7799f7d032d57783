"""Convolución directa de paso 1 para pocos canales de entrada (la primera capa: imágenes en gris o RGB).

Con C = 1 canal, im2col copia 9 valores por píxel para un producto (P, 9) @ (9, F) que casi no
hace cuentas: la copia cuesta más que el producto. Aquí no se copian ventanas. La suma de la
convolución (paso 1, dilatación (dh, dw), relleno arriba/izquierda (pt, pl))

    out[n, i, j, f] = Σ_{a, b, c} x[n, i - pt + a·dh, j - pl + b·dw, c] · w[a, b, c, f]

se hace por filas de salida enteras: la fila i de la salida, leída como un vector de Wo·F
valores (j, f), es la suma sobre las KH·KW·C posiciones (a, b, c) del núcleo de

    X_abc[(j + b·dw)·F + f] · W_abc[j·F + f]      con  X_c[y, x·F + f] = x[n, y, x, c]
                                                       y    W_abc[j·F + f] = w[a, b, c, f]

es decir: la imagen con cada píxel repetido F veces (`expand_image`, una vez por imagen) y el
núcleo repetido Wo veces (`tile_weights`, una vez por llamada). Cada término es entonces un
producto elemento a elemento de dos tramos seguidos de Wo·F valores: un bucle largo que el
compilador vectoriza, sin índices que salten.

El backward no tiene kernels propios: es el de im2col (`ops/conv.py`), que hace dw y db de
esta capa igual de rápido (ver `ops/conv_direct.py`).

Disposición: x y out con canales al final (N, H, W, C); la imagen expandida, una por hilo,
(C, Hp, Wp·F) con Hp, Wp el alto y ancho con relleno.
"""
import numba
import numpy as np

from . import JIT


# ---------------------------------------------------------------- referencia en NumPy
def _padded(x, pt, pl, hp, wp):
    """x con relleno de ceros: (N, hp, wp, C), la imagen a partir de la fila pt y la columna pl."""
    n, h, w, c = x.shape
    out = np.zeros((n, hp, wp, c), dtype=x.dtype)
    out[:, pt:pt + h, pl:pl + w] = x[:, :hp - pt, :wp - pl]
    return out


def conv2d_reference(x, w, pt, pl, out_hw, dilation=(1, 1)):
    """La suma de la convolución, un término (a, b) del núcleo cada vez, con cortes de NumPy."""
    kh, kw, _, f = w.shape
    (ho, wo), (dh, dw) = out_hw, dilation
    padded = _padded(x, pt, pl, ho + (kh - 1) * dh, wo + (kw - 1) * dw)
    return sum(padded[:, a * dh:a * dh + ho, b * dw:b * dw + wo] @ w[a, b] for a in range(kh) for b in range(kw))


def tile_weights(w, wo) -> np.ndarray:
    """W_abc (KH, KW, C, Wo·F): la fila f de cada posición del núcleo, repetida Wo veces."""
    return np.ascontiguousarray(np.tile(w, (1, 1, 1, wo)))


# ---------------------------------------------------------------- kernels de Numba
@numba.njit(inline="always", **JIT)
def expand_image(x, n, pt, pl, f, expanded):
    """expanded (C, Hp, Wp·F) <- la imagen n de x con relleno de ceros, cada píxel repetido F veces."""
    _, h, w, c = x.shape
    _, hp, width = expanded.shape
    wp = width // f
    expanded[:] = 0
    for y in range(max(0, -pt), min(h, hp - pt)):
        for xx in range(max(0, -pl), min(w, wp - pl)):
            for ch in range(c):
                target = expanded[ch, y + pt, (xx + pl) * f:(xx + pl + 1) * f]
                value = x[n, y, xx, ch]
                for k in range(f):
                    target[k] = value


# --8<-- [start:forward]
@numba.njit(**JIT)
def forward(x, w_tiled, bias_tiled, relu, out, pt, pl, dh, dw, expanded, n0, n1):
    """out[n0:n1] (Ho, Wo, F) <- conv(x) + bias, y max(·, 0) con relu. bias_tiled (Wo·F,) o vacío."""
    _, ho, wo, f = out.shape
    kh, kw, c, length = w_tiled.shape
    out_rows = out.reshape(out.shape[0], ho, length)
    for n in range(n0, n1):
        expand_image(x, n, pt, pl, f, expanded)
        for i in range(ho):
            row = out_rows[n, i]
            for e in range(length):
                row[e] = bias_tiled[e] if bias_tiled.shape[0] > 0 else 0
            for a in range(kh):
                for ch in range(c):
                    source = expanded[ch, i + a * dh]
                    b = 0
                    while b + 3 <= kw:  # tres posiciones del núcleo por pasada: un tercio de lecturas de `row`
                        s0 = source[b * dw * f:b * dw * f + length]
                        s1 = source[(b + 1) * dw * f:(b + 1) * dw * f + length]
                        s2 = source[(b + 2) * dw * f:(b + 2) * dw * f + length]
                        w0, w1, w2 = w_tiled[a, b, ch], w_tiled[a, b + 1, ch], w_tiled[a, b + 2, ch]
                        for e in range(length):
                            row[e] += s0[e] * w0[e] + s1[e] * w1[e] + s2[e] * w2[e]
                        b += 3
                    for bb in range(b, kw):
                        s0, w0 = source[bb * dw * f:bb * dw * f + length], w_tiled[a, bb, ch]
                        for e in range(length):
                            row[e] += s0[e] * w0[e]
            if relu:
                for e in range(length):
                    row[e] = max(row[e], 0)
# --8<-- [end:forward]
