"""Convolución 3×3 de paso 1 por Winograd F(4×4, 3×3): 2.25 veces menos multiplicaciones.

La convolución directa (o im2col + producto) hace 9·C multiplicaciones por píxel de salida y
filtro. Winograd parte la salida en teselas de 4×4 píxeles; cada una sale de una tesela de
entrada de 6×6 (la de al lado empieza 4 píxeles más allá: se solapan 2) con la fórmula

    Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ) ] A          (por canal de entrada, y se suma sobre ellos)

donde d es la tesela 6×6 de la entrada, g el núcleo 3×3 de un par (canal, filtro), ⊙ el
producto elemento a elemento y Bᵀ (6×6), G (6×3), Aᵀ (4×6) las matrices de abajo: las de
evaluar e interpolar polinomios en los puntos 0, ±1, ±2 e ∞ (Lavin y Gray, 2015). La suma sobre
los canales se hace en el dominio transformado, así que para cada uno de los 36 puntos k de la
tesela es un producto de matrices:

    V[t, k, c] = (Bᵀ d_{t,c} B)[k]       transformada de la entrada (t = tesela)
    U[k, c, f] = (G g_{c,f} Gᵀ)[k]       transformada del núcleo (una vez por llamada)
    M[:, k, :] = V[:, k, :] @ U[k]       36 productos (T, C) @ (C, F): aquí va casi todo el tiempo
    Y_t        = Aᵀ M_t A                transformada de la salida

Son 36 multiplicaciones por cada 16 salidas (2.25 por salida) en vez de 9: 4 veces menos, y
con las transformadas (sumas y restas) la ganancia medida es de ~2 veces (docs/08-kernels.md).
El precio es algo de redondeo: en float32 el error relativo es ~10⁻⁶ (el de la directa, ~10⁻⁷).

Backward: cada paso es lineal, así que su gradiente es su traspuesta (su *adjunta*), en orden
inverso:

    dM_t = A dY_t Aᵀ                     (output_grad_transform; con la máscara de la ReLU)
    dV[:, k, :] = dM[:, k, :] @ U[k]ᵀ     dU[k] = V[:, k, :]ᵀ @ dM[:, k, :]
    dx  += B dV_t Bᵀ en el sitio de cada tesela (las teselas se solapan: se suman)
    dw   = Gᵀ dU G

El punto k = 7 (fila 1, columna 1) es especial: la columna 1 de Aᵀ vale (1, 1, 1, 1), así que
sumar b en M[:, 7] suma b a las 16 salidas de la tesela (así entra el sesgo) y, por lo mismo,
dM[:, 7] es la suma de dY en la tesela (así sale db).

Disposición: x e Y con canales al final (N, H, W, C); V y M por teselas, (T, 36, C) y (T, 36, F),
con las teselas en orden (imagen, fila, columna). Los productos de BLAS leen V[:, k, :] como
una matriz (T, C) con filas separadas 36·C: BLAS acepta ese paso sin copiar nada.

Los kernels recorren una fila de teselas cada vez. Cada transformada 2-D son dos pasadas de la
1-D: una sobre filas enteras de la imagen (un bucle largo, W·C valores seguidos, que el
compilador vectoriza bien) y otra tesela a tesela sobre tramos de C valores. Las teselas de la
última fila o columna que se salen de la imagen leen ceros y no escriben nada fuera.
"""
import numba
import numpy as np

from . import JIT

# --8<-- [start:matrices]
# Las matrices de F(4×4, 3×3) en los puntos 0, 1, -1, 2, -2 e ∞ (Lavin y Gray, 2015)
BT = np.array([[4, 0, -5, 0, 1, 0],
               [0, -4, -4, 1, 1, 0],
               [0, 4, -4, -1, 1, 0],
               [0, -2, -1, 2, 1, 0],
               [0, 2, -1, -2, 1, 0],
               [0, 4, 0, -5, 0, 1]], dtype=np.float64)
G = np.array([[1 / 4, 0, 0],
              [-1 / 6, -1 / 6, -1 / 6],
              [-1 / 6, 1 / 6, -1 / 6],
              [1 / 24, 1 / 12, 1 / 6],
              [1 / 24, -1 / 12, 1 / 6],
              [0, 0, 1]], dtype=np.float64)
AT = np.array([[1, 1, 1, 1, 1, 0],
               [0, 1, -1, 2, -2, 0],
               [0, 1, 1, 4, 4, 0],
               [0, 1, -1, 8, -8, 1]], dtype=np.float64)
# --8<-- [end:matrices]
TILE, WINDOW = 4, 6  # salidas e entradas por lado de tesela
POINTS = WINDOW * WINDOW
BIAS_POINT = 7  # (fila 1, columna 1): ver el docstring
# constantes float32: un literal entero (4·v) convertiría los cálculos de float32 a float64
TWO, FOUR, FIVE, EIGHT = (np.float32(v) for v in (2, 4, 5, 8))


def tiles(out_hw) -> tuple:
    """(filas, columnas) de teselas de 4×4 que cubren una salida (Ho, Wo)."""
    return -(-out_hw[0] // TILE), -(-out_hw[1] // TILE)


# ---------------------------------------------------------------- referencia en NumPy
# --8<-- [start:weight_transform]
def weight_transform(w) -> np.ndarray:
    """U (36, C, F) = G g Gᵀ para cada par (canal, filtro) de w (3, 3, C, F), calculado en float64.

    Dos productos de matrices: G sobre el eje de las filas del núcleo y después sobre el de las columnas."""
    c, f = w.shape[2], w.shape[3]
    rows = (G @ w.reshape(3, 3 * c * f)).reshape(WINDOW, 3, c * f)  # (G g)[i, b]
    return np.ascontiguousarray(np.matmul(G, rows).reshape(POINTS, c, f), dtype=w.dtype)  # (G g Gᵀ)[i, j]
# --8<-- [end:weight_transform]


def weight_grad_transform(du, dtype) -> np.ndarray:
    """dw (3, 3, C, F) = Gᵀ dU G: la adjunta de weight_transform."""
    c, f = du.shape[1], du.shape[2]
    columns = np.matmul(G.T, du.reshape(WINDOW, WINDOW, c * f))  # (dU G)[i, b]
    return (G.T @ columns.reshape(WINDOW, 3 * c * f)).reshape(3, 3, c, f).astype(dtype)


# --8<-- [start:reference]
def input_tiles_reference(x, th, tw, pt, pl):
    """Las teselas 6×6 de x, con ceros fuera de la imagen: (N, th, tw, 6, 6, C)."""
    n, h, w, c = x.shape
    padded = np.zeros((n, TILE * th + 2, TILE * tw + 2, c), dtype=x.dtype)
    padded[:, pt:pt + h, pl:pl + w] = x[:, :padded.shape[1] - pt, :padded.shape[2] - pl]
    windows = np.lib.stride_tricks.sliding_window_view(padded, (WINDOW, WINDOW), axis=(1, 2))
    return windows[:, ::TILE, ::TILE].transpose(0, 1, 2, 4, 5, 3)


def input_transform_reference(x, th, tw, pt, pl):
    """V (N·th·tw, 36, C) = Bᵀ d B de cada tesela d."""
    d = input_tiles_reference(x, th, tw, pt, pl)
    v = np.einsum("ki,ntsijc,lj->ntsklc", BT, d, BT)
    return v.reshape(-1, POINTS, x.shape[3]).astype(x.dtype)


def output_transform_reference(m, n, out_hw, bias=None, relu=False):
    """Y (N, Ho, Wo, F) = Aᵀ m A de cada tesela de M (T, 36, F), más el sesgo y la ReLU."""
    th, tw = tiles(out_hw)
    m = m.reshape(n, th, tw, WINDOW, WINDOW, -1)
    y = np.einsum("pk,ntsklf,ql->ntpsqf", AT, m, AT).reshape(n, TILE * th, TILE * tw, -1)
    y = y[:, :out_hw[0], :out_hw[1]] + (0 if bias is None else bias)
    return (np.maximum(y, 0) if relu else y).astype(m.dtype)
# --8<-- [end:reference]


def output_grad_transform_reference(grad, relu_out=None):
    """dM (T, 36, F) = A dY Aᵀ de cada tesela de dY (con dY = 0 donde la ReLU dio 0)."""
    n, ho, wo, f = grad.shape
    th, tw = tiles((ho, wo))
    if relu_out is not None:
        grad = grad * (relu_out > 0)
    padded = np.zeros((n, TILE * th, TILE * tw, f), dtype=grad.dtype)
    padded[:, :ho, :wo] = grad
    dy = padded.reshape(n, th, TILE, tw, TILE, f)
    dm = np.einsum("pk,ntpsqf,ql->ntsklf", AT, dy, AT)
    return dm.reshape(-1, POINTS, f).astype(grad.dtype)


def input_grad_transform_reference(dv, x_shape, th, tw, pt, pl):
    """dx (N, H, W, C): B dV Bᵀ de cada tesela, sumado en su sitio (la adjunta de input_transform)."""
    n, h, w, c = x_shape
    dd = np.einsum("ki,ntsklc,lj->ntsijc", BT, dv.reshape(n, th, tw, WINDOW, WINDOW, c), BT)
    padded = np.zeros((n, TILE * th + 2, TILE * tw + 2, c), dtype=dv.dtype)
    for i in range(WINDOW):
        for j in range(WINDOW):
            padded[:, i:i + TILE * th:TILE, j:j + TILE * tw:TILE] += dd[:, :, :, i, j]
    out = np.zeros(x_shape, dtype=dv.dtype)
    out[:, :padded.shape[1] - pt, :padded.shape[2] - pl] = padded[:, pt:pt + h, pl:pl + w]
    return out


# --8<-- [start:conv2d_reference]
def conv2d_reference(x, w, pt, pl, out_hw, bias=None, relu=False):
    """La convolución entera por Winograd en NumPy: las cuatro piezas de arriba y los 36 productos."""
    th, tw = tiles(out_hw)
    v = input_transform_reference(x, th, tw, pt, pl)
    m = np.einsum("tkc,kcf->tkf", v, weight_transform(w))
    return output_transform_reference(m, x.shape[0], out_hw, bias, relu)
# --8<-- [end:conv2d_reference]


# ---------------------------------------------------------------- kernels de Numba
# Las transformadas 1-D: de un bloque d de 6 (o 4) filas a otro o, columna a columna, en las
# primeras `length` columnas (un bucle por columnas, que el compilador vectoriza). Cada llamada
# recibe dos bloques (dos vistas 2-D) y no doce vectores sueltos: cada vista es código que Numba
# genera y LLVM optimiza. Con inline="always" Numba copia el cuerpo en quien las llama, sin
# compilarlas aparte (~0.13 s cada una). Medido con las capas de la CNN del curso (un hilo): los
# cuatro kernels compilan en 2.5 s en vez de 3.1 s, e input_transform, output_transform y
# output_grad_transform van un 15-25 % más rápido (p. ej. 58 -> 44 µs con 8 imágenes 26×26×32).


# --8<-- [start:bt]
@numba.njit(inline="always", **JIT)
def _bt(d, o, length):
    """o (6, L) = Bᵀ d con d (6, L): las filas de BT, escritas a mano sin los ceros."""
    for e in range(length):
        a0, a1, a2, a3, a4, a5 = d[0, e], d[1, e], d[2, e], d[3, e], d[4, e], d[5, e]
        o[0, e] = FOUR * a0 - FIVE * a2 + a4
        o[1, e] = a3 + a4 - FOUR * (a1 + a2)
        o[2, e] = FOUR * (a1 - a2) + a4 - a3
        o[3, e] = TWO * (a3 - a1) + a4 - a2
        o[4, e] = TWO * (a1 - a3) + a4 - a2
        o[5, e] = FOUR * a1 - FIVE * a3 + a5
# --8<-- [end:bt]


@numba.njit(inline="always", **JIT)
def _b(v, o, length):
    """o (6, L) = B v con v (6, L): las columnas de BT."""
    for e in range(length):
        a0, a1, a2, a3, a4, a5 = v[0, e], v[1, e], v[2, e], v[3, e], v[4, e], v[5, e]
        o[0, e] = FOUR * a0
        o[1, e] = FOUR * (a2 - a1 + a5) + TWO * (a4 - a3)
        o[2, e] = -FIVE * a0 - FOUR * (a1 + a2) - a3 - a4
        o[3, e] = a1 - a2 + TWO * (a3 - a4) - FIVE * a5
        o[4, e] = a0 + a1 + a2 + a3 + a4
        o[5, e] = a5


@numba.njit(inline="always", **JIT)
def _b_overlapping(v0, v1, v2, v3, v4, v5, o0, o1, o2, o3, o4, o5, length):
    """Como _b, con vectores sueltos, y o0 y o1 se suman a lo que ya tenían (las columnas que comparte
    con la tesela anterior). Doce vectores y no dos bloques: en bucles cortos (C valores) así va el
    doble de rápido (medido: 71 frente a 150 µs por 8 imágenes de 26×26×32)."""
    for e in range(length):
        a0, a1, a2, a3, a4, a5 = v0[e], v1[e], v2[e], v3[e], v4[e], v5[e]
        o0[e] += FOUR * a0
        o1[e] += FOUR * (a2 - a1 + a5) + TWO * (a4 - a3)
        o2[e] = -FIVE * a0 - FOUR * (a1 + a2) - a3 - a4
        o3[e] = a1 - a2 + TWO * (a3 - a4) - FIVE * a5
        o4[e] = a0 + a1 + a2 + a3 + a4
        o5[e] = a5


@numba.njit(inline="always", **JIT)
def _at(m, o, length, relu):
    """o (4, L) = Aᵀ m con m (6, L) (y max(o, 0) con relu)."""
    for e in range(length):
        a0, a1, a2, a3, a4, a5 = m[0, e], m[1, e], m[2, e], m[3, e], m[4, e], m[5, e]
        p, q, r, s = a1 + a2, a1 - a2, a3 + a4, a3 - a4
        y0, y1, y2, y3 = a0 + p + r, q + TWO * s, p + FOUR * r, q + EIGHT * s + a5
        if relu:
            y0, y1, y2, y3 = max(y0, 0), max(y1, 0), max(y2, 0), max(y3, 0)
        o[0, e], o[1, e], o[2, e], o[3, e] = y0, y1, y2, y3


@numba.njit(inline="always", **JIT)
def _a(y, o, length):
    """o (6, L) = A y con y (4, L): las columnas de AT."""
    for e in range(length):
        a0, a1, a2, a3 = y[0, e], y[1, e], y[2, e], y[3, e]
        p, q, r, s = a0 + a2, a1 + a3, a0 + FOUR * a2, TWO * a1 + EIGHT * a3
        o[0, e], o[1, e], o[2, e], o[3, e], o[4, e], o[5, e] = a0, p + q, p - q, r + s, r - s, a3


@numba.njit(inline="always", **JIT)
def _image_rows(image, y, offset, buffer):
    """Las filas y..y+5 de image (H, W·C), empezando `offset` valores a la derecha (el relleno de la
    izquierda), en L valores con ceros fuera de la imagen. Si caben enteras sin relleno son una vista
    de `image` (sin copiar); si no, se copian en buffer (6, L)."""
    count, length = buffer.shape
    h, width = image.shape
    if 0 <= y and y + count <= h and offset == 0 and length <= width:
        return image[y:y + count]
    buffer[:] = 0
    for r in range(count):
        if 0 <= y + r < h:
            row, source = buffer[r], image[y + r]
            for e in range(min(length - offset, width)):  # un bucle: `buffer[a:b] = row[c:d]` tarda segundos
                row[offset + e] = source[e]                # en compilar (Numba comprueba si se solapan)
    return buffer


# --8<-- [start:input_transform]
@numba.njit(**JIT)
def input_transform(x, v, th, tw, pt, pl, rows, n0, n1):
    """V (T, 36, C) <- Bᵀ d B de cada tesela de las imágenes n0..n1-1 de x (N, H, W, C).

    th × tw teselas por imagen; pt, pl: relleno arriba y a la izquierda. rows (12, (4·tw + 2)·C)
    es de trabajo: 6 filas de la imagen (si hace falta rellenarlas) y las 6 filas de Bᵀ d.
    """
    n_images, h, w, c = x.shape
    image_rows = x.reshape(n_images, h, w * c)
    length = rows.shape[1]
    pixels = rows.reshape(rows.shape[0], length // c, c)  # las mismas filas, píxel a píxel
    for n in range(n0, n1):
        for ty in range(th):
            # filas: Bᵀ sobre las 6 filas de la imagen, todas las columnas a la vez (un bucle largo)
            _bt(_image_rows(image_rows[n], TILE * ty - pt, pl * c, rows[:WINDOW]), rows[WINDOW:], length)
            # columnas: Bᵀ sobre los 6 píxeles (C valores cada uno) de cada tesela, en cada una de las 6 filas
            for tx in range(tw):
                tile = v[((n - n0) * th + ty) * tw + tx]
                for i in range(WINDOW):
                    _bt(pixels[WINDOW + i][TILE * tx:TILE * tx + WINDOW], tile[WINDOW * i:WINDOW * (i + 1)], c)
# --8<-- [end:input_transform]


@numba.njit(**JIT)
def output_transform(m, out, bias, relu, rows, n0, n1):
    """out[n0:n1] (Ho, Wo, F) <- Aᵀ m A de cada tesela de M (T, 36, F), + bias (F,) o nada (0,), y ReLU.

    Suma el sesgo en M[:, 7] (ver el docstring del módulo): M queda cambiada. rows (10, 4·tw·F) es
    de trabajo: las 6 filas de m A de la fila de teselas y 4 filas para la última fila de teselas
    si se sale de la salida.
    """
    _, ho, wo, f = out.shape
    th, tw = -(-ho // TILE), -(-wo // TILE)
    out_rows = out.reshape(out.shape[0], ho, wo * f)
    pixels = rows.reshape(rows.shape[0], rows.shape[1] // f, f)
    for n in range(n0, n1):
        for ty in range(th):
            # columnas: Aᵀ sobre los 6 puntos (F valores cada uno) de cada fila de la tesela
            for tx in range(tw):
                tile = m[((n - n0) * th + ty) * tw + tx]
                if bias.shape[0] > 0:
                    for k in range(f):
                        tile[BIAS_POINT, k] += bias[k]
                for i in range(WINDOW):
                    _at(tile[WINDOW * i:WINDOW * (i + 1)], pixels[i][TILE * tx:TILE * (tx + 1)], f, False)
            # filas: Aᵀ sobre las 6 filas, todas las columnas a la vez, con la ReLU, directo a la salida
            y = TILE * ty
            inside = y + TILE <= ho
            _at(rows[:WINDOW], out_rows[n][y:y + TILE] if inside else rows[WINDOW:WINDOW + TILE], wo * f, relu)
            if not inside:  # la última fila de teselas se sale: sus filas de dentro, del búfer a la salida
                for r in range(ho - y):
                    target, source = out_rows[n, y + r], rows[WINDOW + r]
                    for e in range(wo * f):
                        target[e] = source[e]


@numba.njit(inline="always", **JIT)
def _grad_rows(grad_rows, relu_rows, n, y, buffer):
    """Las filas y..y+3 de dY de la imagen n (grad_rows (N, Ho, Wo·F)): una vista de grad si caben
    enteras y no hay ReLU (relu_rows vacío); si no, en buffer (4, L), grad·(relu_out > 0) y ceros fuera."""
    count = buffer.shape[0]
    ho, length = grad_rows.shape[1], grad_rows.shape[2]
    if y + count <= ho and relu_rows.shape[0] == 0:
        return grad_rows[n][y:y + count]
    for r in range(count):
        row = buffer[r]
        if y + r >= ho:
            row[:] = 0
        elif relu_rows.shape[0] == 0:
            grad = grad_rows[n, y + r]
            for e in range(length):
                row[e] = grad[e]
        else:
            grad, relu_out = grad_rows[n, y + r], relu_rows[n, y + r]
            for e in range(length):  # la ReLU deja pasar el gradiente donde su salida fue positiva
                row[e] = grad[e] if relu_out[e] > 0 else grad[e] * 0
    return buffer


@numba.njit(**JIT)
def output_grad_transform(grad, relu_out, dm, rows, n0, n1):
    """dM (T, 36, F) <- A dY Aᵀ de cada tesela de grad[n0:n1] (N, Ho, Wo, F).

    Con relu_out (N, Ho, Wo, F), dY = grad·(relu_out > 0); con un array vacío, dY = grad.
    rows (10, 4·tw·F) es de trabajo: las 6 filas de A dY y 4 de dY (con la máscara, o fuera de la imagen).
    """
    _, ho, wo, f = grad.shape
    th, tw = -(-ho // TILE), -(-wo // TILE)
    grad_rows = grad.reshape(grad.shape[0], ho, wo * f)
    relu_rows = relu_out.reshape(relu_out.shape[0], ho, wo * f)
    length = wo * f
    pixels = rows.reshape(rows.shape[0], rows.shape[1] // f, f)
    for i in range(WINDOW):  # las columnas de la última tesela que se salen de la imagen
        rows[i, length:] = 0
    for n in range(n0, n1):
        for ty in range(th):
            # filas: A sobre las 4 filas de dY, todas las columnas a la vez
            _a(_grad_rows(grad_rows, relu_rows, n, TILE * ty, rows[WINDOW:WINDOW + TILE]), rows[:WINDOW], length)
            # columnas: A sobre los 4 píxeles (F valores cada uno) de cada tesela, en cada una de las 6 filas
            for tx in range(tw):
                tile = dm[((n - n0) * th + ty) * tw + tx]
                for i in range(WINDOW):
                    _a(pixels[i][TILE * tx:TILE * (tx + 1)], tile[WINDOW * i:WINDOW * (i + 1)], f)


@numba.njit(**JIT)
def input_grad_transform(dv, dx, th, tw, pt, pl, rows, n0, n1):
    """dx[n0:n1] (H, W, C) <- la suma de B dV Bᵀ de cada tesela de dV (T, 36, C) en su sitio.

    La adjunta de input_transform (mismos th, tw, pt, pl). rows (12, (4·tw + 2)·C) es de trabajo:
    las 6 filas de dV B de la fila de teselas y las 6 filas de B (dV B) que se suman a dx.
    """
    n_images, h, w, c = dx.shape
    dx_rows = dx.reshape(n_images, h, w * c)
    length = rows.shape[1]
    left = pl * c
    stop = min(length, left + w * c)  # las columnas de la fila rellenada que son de la imagen
    for n in range(n0, n1):
        dx_rows[n] = 0
        for ty in range(th):
            # columnas: B sobre los 6 puntos de cada fila de la tesela; sus 2 primeros píxeles son
            # los 2 últimos de la tesela anterior (se suman) y los demás se escriben
            for i in range(WINDOW):
                rows[i, :2 * c] = 0
            for tx in range(tw):
                tile = dv[((n - n0) * th + ty) * tw + tx]
                for i in range(WINDOW):
                    seg, k = rows[i, TILE * tx * c:(TILE * tx + WINDOW) * c], WINDOW * i
                    _b_overlapping(tile[k], tile[k + 1], tile[k + 2], tile[k + 3], tile[k + 4], tile[k + 5],
                                   seg[:c], seg[c:2 * c], seg[2 * c:3 * c], seg[3 * c:4 * c], seg[4 * c:5 * c],
                                   seg[5 * c:], c)
            # filas: B sobre las 6 filas, todas las columnas a la vez; cada fila se suma a la suya de dx
            _b(rows[:WINDOW], rows[WINDOW:], length)
            for r in range(WINDOW):
                y = TILE * ty - pt + r
                if 0 <= y < h:
                    target, source = dx_rows[n, y, :stop - left], rows[WINDOW + r, left:stop]
                    for e in range(stop - left):
                        target[e] += source[e]
