"""Pooling 2D (máximo y media) sobre imágenes `(N, H, W, C)`, hacia delante y hacia atrás.

Ventana `(KH, KW)`, pasos `(sh, sw)` y relleno arriba/izquierda `(pt, pl)`. La ventana de la
salida (i, j) cubre las filas y = i·sh - pt + a (a < KH) y las columnas x = j·sw - pl + b
(b < KW); las posiciones fuera de la imagen (relleno) NO cuentan:

    max:  out[n, i, j, c] = max   de x[n, y, x, c] en la ventana
    avg:  out[n, i, j, c] = media de x[n, y, x, c] en la ventana (dividiendo por cuántas
                            posiciones válidas hay, como hace Keras con padding='same')

Backward:
- max: la derivada del máximo es 1 en el elemento ganador y 0 en los demás, así que todo el
  gradiente va al ganador. El forward guarda su posición `argmax[n, i, j, c] = y·W + x`; si
  varios empatan gana el PRIMERO en orden de lectura (fila a fila), siempre el mismo.
- avg: cada elemento válido de la ventana recibe grad / cuenta.
Con ventanas solapadas (pasos menores que la ventana) un píxel recibe de varias salidas: se suma.

Disposición: todo en orden C, canales al final (el eje más rápido), así el bucle interior
recorre memoria contigua. Los kernels son de un solo hilo y sueltan el GIL (`nogil=True`):
`ops/pool.py` reparte trozos del lote entre hilos, y cada imagen escribe solo en su parte.
"""
import numba
import numpy as np

from . import JIT


# ---------------------------------------------------------------- referencia en NumPy
def _windows(h, w, kh, kw, ho, wo, sh, sw, pt, pl):
    """Para cada desplazamiento (a, b) de la ventana: filas, columnas y máscara de validez (Ho, Wo)."""
    for a in range(kh):
        ys = np.arange(ho) * sh - pt + a
        for b in range(kw):
            xs = np.arange(wo) * sw - pl + b
            valid = ((ys >= 0) & (ys < h))[:, None] & ((xs >= 0) & (xs < w))[None, :]
            yield np.clip(ys, 0, h - 1), np.clip(xs, 0, w - 1), valid


def max_pool_forward_reference(x, kh, kw, ho, wo, sh, sw, pt, pl):
    """Devuelve (out, argmax) recorriendo los desplazamientos de la ventana en orden de lectura."""
    n, h, w, c = x.shape
    out = np.full((n, ho, wo, c), -np.inf, dtype=x.dtype)
    argmax = np.full((n, ho, wo, c), -1, dtype=np.int64)
    for ys, xs, valid in _windows(h, w, kh, kw, ho, wo, sh, sw, pt, pl):
        values = x[:, ys[:, None], xs[None, :], :]
        better = valid[None, :, :, None] & ((values > out) | (argmax < 0))  # estricto: el primero gana empates
        out = np.where(better, values, out)
        argmax = np.where(better, (ys[:, None] * w + xs[None, :])[None, :, :, None], argmax)
    return out, argmax


def max_pool_backward_reference(grad, argmax, h, w):
    """Suma cada gradiente de salida en el píxel ganador de su ventana."""
    n, ho, wo, c = grad.shape
    dx = np.zeros((n, h * w, c), dtype=grad.dtype)
    nn_, _, _, cc = np.meshgrid(np.arange(n), np.arange(ho), np.arange(wo), np.arange(c), indexing="ij")
    np.add.at(dx, (nn_, argmax, cc), grad)
    return dx.reshape(n, h, w, c)


def window_counts(h, w, kh, kw, ho, wo, sh, sw, pt, pl):
    """Cuántas posiciones válidas (no de relleno) tiene cada ventana: (Ho, Wo)."""
    counts = np.zeros((ho, wo), dtype=np.int64)
    for _, _, valid in _windows(h, w, kh, kw, ho, wo, sh, sw, pt, pl):
        counts += valid
    return counts


def avg_pool_forward_reference(x, kh, kw, ho, wo, sh, sw, pt, pl):
    n, h, w, c = x.shape
    total = np.zeros((n, ho, wo, c), dtype=x.dtype)
    for ys, xs, valid in _windows(h, w, kh, kw, ho, wo, sh, sw, pt, pl):
        total += np.where(valid[None, :, :, None], x[:, ys[:, None], xs[None, :], :], 0)
    counts = window_counts(h, w, kh, kw, ho, wo, sh, sw, pt, pl)
    return total / counts[None, :, :, None].astype(x.dtype)


def avg_pool_backward_reference(grad, h, w, kh, kw, sh, sw, pt, pl):
    n, ho, wo, c = grad.shape
    share = grad / window_counts(h, w, kh, kw, ho, wo, sh, sw, pt, pl)[None, :, :, None].astype(grad.dtype)
    dx = np.zeros((n, h, w, c), dtype=grad.dtype)
    for ys, xs, valid in _windows(h, w, kh, kw, ho, wo, sh, sw, pt, pl):
        yy, xx = np.meshgrid(ys, xs, indexing="ij")
        np.add.at(dx, (slice(None), yy[valid], xx[valid]), share[:, valid])
    return dx


# ---------------------------------------------------------------- kernels de Numba
@numba.njit(inline="always", **JIT)
def _window_span(i, stride, pad, k, size):
    """Las posiciones [inicio, fin) que la ventana i cubre DENTRO de la imagen (sin el relleno)."""
    start = i * stride - pad
    return max(start, 0), min(start + k, size)


@numba.njit(**JIT)
def max_pool_forward(x, out, argmax, kh, kw, sh, sw, pt, pl):
    """Rellena `out` y `argmax (N, Ho, Wo, C)` (y·W + x del ganador)."""
    n_batch, h, w, c = x.shape
    _, ho, wo, _ = out.shape
    for n in range(n_batch):
        for i in range(ho):
            y0, y1 = _window_span(i, sh, pt, kh, h)
            for j in range(wo):
                x0, x1 = _window_span(j, sw, pl, kw, w)
                for ch in range(c):  # la primera posición de la ventana inicia el máximo
                    out[n, i, j, ch] = x[n, y0, x0, ch]
                    argmax[n, i, j, ch] = y0 * w + x0
                for y in range(y0, y1):
                    for xx in range(x0, x1):
                        for ch in range(c):
                            v = x[n, y, xx, ch]
                            if v > out[n, i, j, ch]:  # estricto: en un empate sigue el primero
                                out[n, i, j, ch] = v
                                argmax[n, i, j, ch] = y * w + xx


@numba.njit(**JIT)
def max_pool_backward(grad, argmax, dx):
    """dx (N, H, W, C) = 0 y luego cada grad[n, i, j, c] se suma en su ganador."""
    n_batch, h, w, c = dx.shape
    _, ho, wo, _ = grad.shape
    for n in range(n_batch):
        dx[n] = 0.0
        for i in range(ho):
            for j in range(wo):
                for ch in range(c):
                    k = argmax[n, i, j, ch]
                    dx[n, k // w, k % w, ch] += grad[n, i, j, ch]


@numba.njit(**JIT)
def avg_pool_forward(x, out, kh, kw, sh, sw, pt, pl):
    """out (N, Ho, Wo, C) = media de las posiciones válidas de cada ventana."""
    n_batch, h, w, c = x.shape
    _, ho, wo, _ = out.shape
    for n in range(n_batch):
        for i in range(ho):
            y0, y1 = _window_span(i, sh, pt, kh, h)
            for j in range(wo):
                x0, x1 = _window_span(j, sw, pl, kw, w)
                count = (y1 - y0) * (x1 - x0)
                for ch in range(c):
                    out[n, i, j, ch] = 0.0
                for y in range(y0, y1):
                    for xx in range(x0, x1):
                        for ch in range(c):
                            out[n, i, j, ch] += x[n, y, xx, ch]
                for ch in range(c):
                    out[n, i, j, ch] /= count


@numba.njit(**JIT)
def avg_pool_backward(grad, dx, kh, kw, sh, sw, pt, pl):
    """dx (N, H, W, C): cada posición válida de una ventana recibe grad / cuenta."""
    n_batch, h, w, c = dx.shape
    _, ho, wo, _ = grad.shape
    for n in range(n_batch):
        dx[n] = 0.0
        for i in range(ho):
            y0, y1 = _window_span(i, sh, pt, kh, h)
            for j in range(wo):
                x0, x1 = _window_span(j, sw, pl, kw, w)
                count = (y1 - y0) * (x1 - x0)
                for y in range(y0, y1):
                    for xx in range(x0, x1):
                        for ch in range(c):
                            dx[n, y, xx, ch] += grad[n, i, j, ch] / count
