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
`dx = col2im(dcols)` con `dcols = dout @ wᵀ`.

Con W·C seguidos en memoria, los KW·C valores que una fila de la ventana lee de x están
contiguos (si no hay dilatación horizontal ni relleno en medio): los kernels copian (o suman)
ese tramo entero de una vez, un bucle que el compilador vectoriza.

Los kernels son de un solo hilo y sueltan el GIL (`nogil=True`): `ops/conv.py` reparte trozos
del lote entre hilos, cada uno con su im2col y su producto (ver `runtime/threads.py`).

El relleno de abajo/derecha no hace falta pasarlo: queda implícito en (Ho, Wo).
"""
import numba
import numpy as np

from . import JIT


# ---------------------------------------------------------------- referencia en NumPy
def _bottom_right_padding(size, out, stride, dilation, k, before):
    """Cuánto relleno extra necesita el final del eje para que quepan las `out` ventanas."""
    return max(0, (out - 1) * stride + (k - 1) * dilation + 1 - size - before)


# --8<-- [start:im2col_reference]
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
# --8<-- [end:im2col_reference]


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
# --8<-- [start:im2col]
@numba.njit(**JIT)
def im2col(x, cols, sh, sw, dh, dw, pt, pl):
    """Rellena `cols (N, Ho, Wo, KH, KW, C)` desde `x (N, H, W, C)`.

    Caso rápido: sin dilatación horizontal y con la fila de la ventana dentro de la imagen, los
    KW·C valores de (n, i, j, a) están seguidos en x y van seguidos en cols: una copia de un tramo.
    """
    n_batch, h, w, c = x.shape
    _, ho, wo, kh, kw, _ = cols.shape
    run = kw * c
    x_rows = x.reshape(n_batch, h, w * c)  # la fila y de la imagen n, como un vector
    col_runs = cols.reshape(n_batch, ho, wo, kh, run)
    for n in range(n_batch):
        for i in range(ho):
            for j in range(wo):
                x0 = j * sw - pl
                for a in range(kh):
                    y = i * sh - pt + a * dh
                    target = col_runs[n, i, j, a]  # vistas 1D: los bucles de k se vectorizan
                    if y < 0 or y >= h:  # fila de relleno
                        for k in range(run):
                            target[k] = 0.0
                    elif dw == 1 and x0 >= 0 and x0 + kw <= w:  # tramo contiguo: una copia de KW·C valores
                        source = x_rows[n, y, x0 * c:x0 * c + run]
                        for k in range(run):
                            target[k] = source[k]
                    else:  # caso general, columna a columna
                        for b in range(kw):
                            xx = x0 + b * dw
                            inside = 0 <= xx < w
                            for ch in range(c):
                                cols[n, i, j, a, b, ch] = x[n, y, xx, ch] if inside else 0.0
# --8<-- [end:im2col]


@numba.njit(**JIT)
def col2im(cols, dx, sh, sw, dh, dw, pt, pl):
    """Escribe en `dx (N, H, W, C)` la suma de las casillas de `cols` que salieron de cada píxel.

    Pone dx a cero y le suma cada tramo de cols en el sitio de donde salió: el mismo recorrido
    que im2col, con += en vez de =.
    """
    n_batch, h, w, c = dx.shape
    _, ho, wo, kh, kw, _ = cols.shape
    run = kw * c
    dx_rows = dx.reshape(n_batch, h, w * c)
    col_runs = cols.reshape(n_batch, ho, wo, kh, run)
    for n in range(n_batch):
        dx_rows[n, :, :] = 0.0
        for i in range(ho):
            for j in range(wo):
                x0 = j * sw - pl
                for a in range(kh):
                    y = i * sh - pt + a * dh
                    if y < 0 or y >= h:
                        continue
                    if dw == 1 and x0 >= 0 and x0 + kw <= w:  # tramo contiguo
                        target = dx_rows[n, y, x0 * c:x0 * c + run]  # vistas 1D: el bucle se vectoriza
                        source = col_runs[n, i, j, a, :]
                        for k in range(run):
                            target[k] += source[k]
                    else:
                        for b in range(kw):
                            xx = x0 + b * dw
                            if 0 <= xx < w:
                                for ch in range(c):
                                    dx[n, y, xx, ch] += cols[n, i, j, a, b, ch]
