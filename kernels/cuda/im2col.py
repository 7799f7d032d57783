"""im2col y col2im en la GPU: la convolución convertida en un producto de matrices.

Las mismas cuentas y la misma disposición que `kernels/cpu/im2col.py` (allí está la
explicación completa): entrada `x (N, H, W, C)`, núcleo `(KH, KW, C, F)`, pasos `(sh, sw)`,
dilatación `(dh, dw)`, relleno arriba/izquierda `(pt, pl)`, y

    cols[n, i, j, a, b, c] = x[n, i·sh - pt + a·dh, j·sw - pl + b·dw, c]   (0 si cae en el relleno)

`cols (N, Ho, Wo, KH, KW, C)` leído como matriz es `(N·Ho·Wo, KH·KW·C)`, y la convolución es
`cols @ w.reshape(KH·KW·C, F)` con el kernel de `matmul.py`.

Lanzamiento:
- im2col: un hilo por casilla de `cols`. El hilo k saca (n, i, j, a, b, c) de k dividiendo
  por los tamaños de los ejes, empezando por el más rápido (c): hilos consecutivos escriben
  casillas consecutivas y leen canales consecutivos de x (accesos coalescidos).
- col2im (la adjunta): un hilo por píxel de entrada (n, y, x, c), que REÚNE las casillas de
  `cols` que salieron de él: la fila de núcleo a lo leyó desde la fila de salida i si
  (y + pt - a·dh) es múltiplo de sh, con i = (y + pt - a·dh) / sh en [0, Ho); igual con las
  columnas. Cada hilo escribe sólo su píxel: sin operaciones atómicas ni carreras.
"""
from numba import cuda

from .launch import THREADS_PER_BLOCK, blocks_for


@cuda.jit
def _im2col_kernel(x, cols, sh, sw, dh, dw, pt, pl):
    _, h, w, c = x.shape
    _, ho, wo, kh, kw, _ = cols.shape
    k = cuda.grid(1)
    if k >= cols.size:
        return
    ch = k % c
    rest = k // c
    b = rest % kw
    rest //= kw
    a = rest % kh
    rest //= kh
    j = rest % wo
    rest //= wo
    i = rest % ho
    n = rest // ho
    y = i * sh - pt + a * dh
    xx = j * sw - pl + b * dw
    if 0 <= y < h and 0 <= xx < w:
        cols[n, i, j, a, b, ch] = x[n, y, xx, ch]
    else:  # la ventana cae en el relleno
        cols[n, i, j, a, b, ch] = 0


@cuda.jit
def _col2im_kernel(cols, dx, sh, sw, dh, dw, pt, pl):
    _, h, w, c = dx.shape
    _, ho, wo, kh, kw, _ = cols.shape
    k = cuda.grid(1)
    if k >= dx.size:
        return
    ch = k % c
    rest = k // c
    xx = rest % w
    rest //= w
    y = rest % h
    n = rest // h
    dx[n, y, xx, ch] = 0
    for a in range(kh):
        ti = y + pt - a * dh
        if ti < 0 or ti % sh != 0 or ti // sh >= ho:
            continue
        i = ti // sh
        for b in range(kw):
            tj = xx + pl - b * dw
            if tj < 0 or tj % sw != 0 or tj // sw >= wo:
                continue
            dx[n, y, xx, ch] += cols[n, i, tj // sw, a, b, ch]


def im2col(x, cols, sh, sw, dh, dw, pt, pl, threads=THREADS_PER_BLOCK):
    """Rellena `cols (N, Ho, Wo, KH, KW, C)` desde `x (N, H, W, C)`; misma firma que la versión de CPU."""
    _im2col_kernel[blocks_for(cols.size, threads), threads](x, cols, sh, sw, dh, dw, pt, pl)


def col2im(cols, dx, sh, sw, dh, dw, pt, pl, threads=THREADS_PER_BLOCK):
    """Escribe en `dx (N, H, W, C)` la suma de las casillas de `cols` que salieron de cada píxel."""
    _col2im_kernel[blocks_for(dx.size, threads), threads](cols, dx, sh, sw, dh, dw, pt, pl)
