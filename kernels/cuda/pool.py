"""Pooling 2D (máximo y media) en la GPU sobre imágenes `(N, H, W, C)`, hacia delante y hacia atrás.

Las mismas cuentas, firmas y convenios que `kernels/cpu/pool.py` (allí está la explicación
completa): ventana `(KH, KW)`, pasos `(sh, sw)`, relleno arriba/izquierda `(pt, pl)`; la
ventana de la salida (i, j) cubre las filas y = i·sh - pt + a y las columnas x = j·sw - pl + b,
y las posiciones de relleno no cuentan. El máximo guarda `argmax = y·W + x` del ganador (el
PRIMERO en orden de lectura si hay empates); la media divide por las posiciones válidas.

Lanzamiento y disposición (todo contiguo en orden C, canales al final):
- forward: un hilo por elemento de salida (n, i, j, c), que recorre su ventana. Hilos
  consecutivos tienen canales consecutivos: leen direcciones vecinas.
- backward de la media: un hilo por píxel de entrada (n, y, x, c), que REÚNE el gradiente de
  todas las ventanas que lo cubren: son las salidas i con i·sh - pt <= y < i·sh - pt + KH, es
  decir i de ⌈(y + pt - KH + 1)/sh⌉ a ⌊(y + pt)/sh⌋ (y lo mismo con j). Cada hilo escribe
  sólo su píxel: sin carreras aunque las ventanas se solapen.
- backward del máximo: un hilo por elemento de salida, que SUMA su gradiente en el píxel
  ganador con `cuda.atomic.add` (dos ventanas solapadas pueden tener el mismo ganador; la
  suma atómica hace que ninguna de las dos escrituras se pierda). Reunir, como en la media,
  obligaría a cada píxel a mirar todas las salidas: la firma (la de CPU) no trae la ventana.
"""
from numba import cuda, float32

from .elementwise import fill
from .launch import THREADS_PER_BLOCK, blocks_for


@cuda.jit(device=True)
def _unflatten(k, s1, s2, s3):
    """Índice plano k de un array (s0, s1, s2, s3) en orden C -> (i0, i1, i2, i3)."""
    i3 = k % s3
    k //= s3
    i2 = k % s2
    k //= s2
    return k // s1, k % s1, i2, i3


@cuda.jit(device=True)
def _covering(y, pt, sh, kh, ho):
    """Rango [primero, último+1) de salidas i cuya ventana (de lado kh, paso sh) cubre la fila y."""
    first = max(0, (y + pt - kh + sh) // sh)  # ⌈(y + pt - kh + 1)/sh⌉ con división entera
    last = min(ho - 1, (y + pt) // sh)
    return first, last + 1


@cuda.jit(device=True)
def _window_span(i, stride, pad, k, size):
    """Las posiciones [inicio, fin) que la ventana i cubre DENTRO de la imagen (sin el relleno)."""
    start = i * stride - pad
    return max(start, 0), min(start + k, size)


@cuda.jit(device=True)
def _output_window(k, x, out, kh, kw, sh, sw, pt, pl):
    """El elemento de salida del hilo k, (n, i, j, c), y las filas [y0, y1) y columnas [x0, x1) de su ventana."""
    _, h, w, _ = x.shape
    _, ho, wo, c = out.shape
    n, i, j, ch = _unflatten(k, ho, wo, c)
    y0, y1 = _window_span(i, sh, pt, kh, h)
    x0, x1 = _window_span(j, sw, pl, kw, w)
    return n, i, j, ch, y0, y1, x0, x1


@cuda.jit
def _max_pool_forward_kernel(x, out, argmax, kh, kw, sh, sw, pt, pl):
    w = x.shape[2]
    k = cuda.grid(1)
    if k >= out.size:
        return
    n, i, j, ch, y0, y1, x0, x1 = _output_window(k, x, out, kh, kw, sh, sw, pt, pl)
    out[n, i, j, ch] = x[n, y0, x0, ch]  # la primera posición de la ventana inicia el máximo
    argmax[n, i, j, ch] = y0 * w + x0
    for y in range(y0, y1):
        for xx in range(x0, x1):
            v = x[n, y, xx, ch]
            if v > out[n, i, j, ch]:  # estricto: en un empate se queda el primero
                out[n, i, j, ch] = v
                argmax[n, i, j, ch] = y * w + xx


@cuda.jit
def _max_pool_backward_kernel(grad, argmax, dx):
    _, _, w, _ = dx.shape
    _, ho, wo, c = grad.shape
    k = cuda.grid(1)
    if k >= grad.size:
        return
    n, i, j, ch = _unflatten(k, ho, wo, c)
    winner = argmax[n, i, j, ch]
    cuda.atomic.add(dx, (n, winner // w, winner % w, ch), grad[n, i, j, ch])


@cuda.jit
def _avg_pool_forward_kernel(x, out, kh, kw, sh, sw, pt, pl):
    k = cuda.grid(1)
    if k >= out.size:
        return
    n, i, j, ch, y0, y1, x0, x1 = _output_window(k, x, out, kh, kw, sh, sw, pt, pl)
    out[n, i, j, ch] = 0
    for y in range(y0, y1):
        for xx in range(x0, x1):
            out[n, i, j, ch] += x[n, y, xx, ch]
    out[n, i, j, ch] /= float32((y1 - y0) * (x1 - x0))  # solo las válidas; float32: ver elementwise.py


@cuda.jit
def _avg_pool_backward_kernel(grad, dx, kh, kw, sh, sw, pt, pl):
    _, h, w, c = dx.shape
    _, ho, wo, _ = grad.shape
    k = cuda.grid(1)
    if k >= dx.size:
        return
    n, y, xx, ch = _unflatten(k, h, w, c)
    dx[n, y, xx, ch] = 0
    i0, i1 = _covering(y, pt, sh, kh, ho)
    j0, j1 = _covering(xx, pl, sw, kw, wo)
    for i in range(i0, i1):
        y0, y1 = _window_span(i, sh, pt, kh, h)
        for j in range(j0, j1):
            x0, x1 = _window_span(j, sw, pl, kw, w)
            dx[n, y, xx, ch] += grad[n, i, j, ch] / float32((y1 - y0) * (x1 - x0))


def max_pool_forward(x, out, argmax, kh, kw, sh, sw, pt, pl, threads=THREADS_PER_BLOCK):
    """Rellena `out` y `argmax (N, Ho, Wo, C)`; misma firma que la versión de CPU."""
    _max_pool_forward_kernel[blocks_for(out.size, threads), threads](x, out, argmax, kh, kw, sh, sw, pt, pl)


def max_pool_backward(grad, argmax, dx, threads=THREADS_PER_BLOCK):
    """dx (N, H, W, C) = 0 y luego cada grad[n, i, j, c] se suma en su ganador argmax[n, i, j, c]."""
    fill(dx, 0.0, threads)
    _max_pool_backward_kernel[blocks_for(grad.size, threads), threads](grad, argmax, dx)


def avg_pool_forward(x, out, kh, kw, sh, sw, pt, pl, threads=THREADS_PER_BLOCK):
    _avg_pool_forward_kernel[blocks_for(out.size, threads), threads](x, out, kh, kw, sh, sw, pt, pl)


def avg_pool_backward(grad, dx, kh, kw, sh, sw, pt, pl, threads=THREADS_PER_BLOCK):
    _avg_pool_backward_kernel[blocks_for(dx.size, threads), threads](grad, dx, kh, kw, sh, sw, pt, pl)
