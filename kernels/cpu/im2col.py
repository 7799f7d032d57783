"""im2col y col2im: la convolución convertida en un producto de matrices.

Convolución 2D (en realidad correlación cruzada, como en Keras) con entrada `x (N, H, W, C)`,
núcleo `w (KH, KW, C, F)`, pasos `(sh, sw)`, dilatación `(dh, dw)` y relleno arriba/izquierda
`(pt, pl)`:

    out[n, i, j, f] = Σ_{a, b, c} x[n, i·sh - pt + a·dh, j·sw - pl + b·dw, c] · w[a, b, c, f]

(las posiciones fuera de la imagen valen 0: eso es el relleno). Si copiamos, para cada píxel de
salida, los KH·KW·C valores que su ventana lee, la suma es una fila por una columna:

    cols[n, i, j, a, b, c] = x[n, i·sh - pt + a·dh, j·sw - pl + b·dw, c]      (im2col)
    out (N·Ho·Wo, F) = cols (N·Ho·Wo, KH·KW·C) @ w (KH·KW·C, F)                 (BLAS)

Disposición en memoria: todo en orden C (fila mayor). `cols` es un array de 6 ejes
`(N, Ho, Wo, KH, KW, C)` que, leído como matriz, es `(N·Ho·Wo, KH·KW·C)`, y esa es justo la
disposición de `w.reshape(KH·KW·C, F)`: ninguna transposición ni copia extra.

col2im es la operación adjunta (la traspuesta) de im2col: cada casilla de `cols` vuelve a su
píxel de origen y las que vienen del mismo píxel se SUMAN (ventanas solapadas). Así
`dx = col2im(dcols)` con `dcols = dout @ wᵀ`. El kernel de Numba la calcula "al revés",
recorriendo los píxeles de entrada y reuniendo lo que cada uno recibe: así cada hilo escribe
solo sus píxeles y no hay carreras entre hilos.

El relleno de abajo/derecha no hace falta pasarlo: queda implícito en (Ho, Wo).
"""
import numba
import numpy as np


# ---------------------------------------------------------------- referencia en NumPy
def _bottom_right_padding(size, out, stride, dilation, k, before):
    """Cuánto relleno extra necesita el final del eje para que quepan las `out` ventanas."""
    return max(0, (out - 1) * stride + (k - 1) * dilation + 1 - size - before)


def im2col_reference(x, kh, kw, ho, wo, sh, sw, dh, dw, pt, pl):
    """im2col con cortes de NumPy: una copia por posición (a, b) del núcleo. Devuelve (N, Ho, Wo, KH, KW, C)."""
    n, h, w, c = x.shape
    pb = _bottom_right_padding(h, ho, sh, dh, kh, pt)
    pr = _bottom_right_padding(w, wo, sw, dw, kw, pl)
    xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    cols = np.empty((n, ho, wo, kh, kw, c), dtype=x.dtype)
    for a in range(kh):
        for b in range(kw):
            rows = slice(a * dh, a * dh + sh * (ho - 1) + 1, sh)
            columns = slice(b * dw, b * dw + sw * (wo - 1) + 1, sw)
            cols[:, :, :, a, b, :] = xp[:, rows, columns, :]
    return cols


def col2im_reference(cols, h, w, sh, sw, dh, dw, pt, pl):
    """La adjunta de im2col_reference: suma cada casilla de `cols` en su píxel. Devuelve (N, H, W, C)."""
    n, ho, wo, kh, kw, c = cols.shape
    pb = _bottom_right_padding(h, ho, sh, dh, kh, pt)
    pr = _bottom_right_padding(w, wo, sw, dw, kw, pl)
    xp = np.zeros((n, h + pt + pb, w + pl + pr, c), dtype=cols.dtype)
    for a in range(kh):
        for b in range(kw):
            rows = slice(a * dh, a * dh + sh * (ho - 1) + 1, sh)
            columns = slice(b * dw, b * dw + sw * (wo - 1) + 1, sw)
            xp[:, rows, columns, :] += cols[:, :, :, a, b, :]
    return xp[:, pt:pt + h, pl:pl + w, :]


# ---------------------------------------------------------------- kernels de Numba
@numba.njit(cache=True, parallel=True, error_model="numpy")
def im2col(x, cols, sh, sw, dh, dw, pt, pl):
    """Rellena `cols (N, Ho, Wo, KH, KW, C)` desde `x (N, H, W, C)`; un hilo por fila de salida (n, i)."""
    n_batch, h, w, c = x.shape
    _, ho, wo, kh, kw, _ = cols.shape
    for row in numba.prange(n_batch * ho):
        n = row // ho
        i = row % ho
        for j in range(wo):
            for a in range(kh):
                y = i * sh - pt + a * dh
                for b in range(kw):
                    xx = j * sw - pl + b * dw
                    if 0 <= y < h and 0 <= xx < w:
                        for ch in range(c):
                            cols[n, i, j, a, b, ch] = x[n, y, xx, ch]
                    else:  # la ventana cae en el relleno
                        for ch in range(c):
                            cols[n, i, j, a, b, ch] = 0.0


@numba.njit(cache=True, parallel=True, error_model="numpy")
def col2im(cols, dx, sh, sw, dh, dw, pt, pl):
    """Escribe en `dx (N, H, W, C)` la suma de las casillas de `cols` que salieron de cada píxel.

    Para el píxel de fila y, la fila de núcleo a lo leyó desde la fila de salida i si
    i·sh - pt + a·dh = y, es decir, si (y + pt - a·dh) es múltiplo de sh y cae en [0, Ho).
    Un hilo por fila de entrada (n, y): cada uno escribe solo lo suyo.
    """
    n_batch, h, w, c = dx.shape
    _, ho, wo, kh, kw, _ = cols.shape
    for row in numba.prange(n_batch * h):
        n = row // h
        y = row % h
        for xx in range(w):
            for ch in range(c):
                dx[n, y, xx, ch] = 0.0
            for a in range(kh):
                ti = y + pt - a * dh
                if ti < 0 or ti % sh != 0 or ti // sh >= ho:
                    continue
                i = ti // sh
                for b in range(kw):
                    tj = xx + pl - b * dw
                    if tj < 0 or tj % sw != 0 or tj // sw >= wo:
                        continue
                    j = tj // sw
                    for ch in range(c):
                        dx[n, y, xx, ch] += cols[n, i, j, a, b, ch]
