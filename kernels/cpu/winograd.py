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
TILE, WINDOW = 4, 6  # salidas e entradas por lado de tesela
POINTS = WINDOW * WINDOW
BIAS_POINT = 7  # (fila 1, columna 1): ver el docstring
# constantes float32: un literal entero (4·v) convertiría los cálculos de float32 a float64
TWO, FOUR, FIVE, EIGHT = (np.float32(v) for v in (2, 4, 5, 8))


def tiles(out_hw) -> tuple:
    """(filas, columnas) de teselas de 4×4 que cubren una salida (Ho, Wo)."""
    return -(-out_hw[0] // TILE), -(-out_hw[1] // TILE)


# ---------------------------------------------------------------- referencia en NumPy
def weight_transform(w) -> np.ndarray:
    """U (36, C, F) = G g Gᵀ para cada par (canal, filtro) de w (3, 3, C, F), calculado en float64.

    Dos productos de matrices: G sobre el eje de las filas del núcleo y después sobre el de las columnas."""
    c, f = w.shape[2], w.shape[3]
    rows = (G @ w.reshape(3, 3 * c * f)).reshape(WINDOW, 3, c * f)  # (G g)[i, b]
    return np.ascontiguousarray(np.matmul(G, rows).reshape(POINTS, c, f), dtype=w.dtype)  # (G g Gᵀ)[i, j]


def weight_grad_transform(du, dtype) -> np.ndarray:
    """dw (3, 3, C, F) = Gᵀ dU G: la adjunta de weight_transform."""
    c, f = du.shape[1], du.shape[2]
    columns = np.matmul(G.T, du.reshape(WINDOW, WINDOW, c * f))  # (dU G)[i, b]
    return (G.T @ columns.reshape(WINDOW, 3 * c * f)).reshape(3, 3, c, f).astype(dtype)


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


def conv2d_reference(x, w, pt, pl, out_hw, bias=None, relu=False):
    """La convolución entera por Winograd en NumPy: las cuatro piezas de arriba y los 36 productos."""
    th, tw = tiles(out_hw)
    v = input_transform_reference(x, th, tw, pt, pl)
    m = np.einsum("tkc,kcf->tkf", v, weight_transform(w))
    return output_transform_reference(m, x.shape[0], out_hw, bias, relu)


# ---------------------------------------------------------------- kernels de Numba
# Las transformadas 1-D, sobre L valores de cada argumento (vistas 1-D: el bucle se vectoriza).
# Se copian dentro de quien las llama (inline), así que cada llamada es un bucle suelto.
_jit = dict(cache=True, nogil=True, error_model="numpy")


@numba.njit(forceinline=True, **_jit)
def _bt(d0, d1, d2, d3, d4, d5, o0, o1, o2, o3, o4, o5, L):
    """o = Bᵀ d (las filas de BT, escritas a mano sin los ceros)."""
    for e in range(L):
        a0, a1, a2, a3, a4, a5 = d0[e], d1[e], d2[e], d3[e], d4[e], d5[e]
        o0[e] = FOUR * a0 - FIVE * a2 + a4
        o1[e] = a3 + a4 - FOUR * (a1 + a2)
        o2[e] = FOUR * (a1 - a2) + a4 - a3
        o3[e] = TWO * (a3 - a1) + a4 - a2
        o4[e] = TWO * (a1 - a3) + a4 - a2
        o5[e] = FOUR * a1 - FIVE * a3 + a5


@numba.njit(forceinline=True, **_jit)
def _b(v0, v1, v2, v3, v4, v5, o0, o1, o2, o3, o4, o5, L):
    """o = B v (las columnas de BT)."""
    for e in range(L):
        a0, a1, a2, a3, a4, a5 = v0[e], v1[e], v2[e], v3[e], v4[e], v5[e]
        o0[e] = FOUR * a0
        o1[e] = FOUR * (a2 - a1 + a5) + TWO * (a4 - a3)
        o2[e] = -FIVE * a0 - FOUR * (a1 + a2) - a3 - a4
        o3[e] = a1 - a2 + TWO * (a3 - a4) - FIVE * a5
        o4[e] = a0 + a1 + a2 + a3 + a4
        o5[e] = a5


@numba.njit(forceinline=True, **_jit)
def _b_overlapping(v0, v1, v2, v3, v4, v5, o0, o1, o2, o3, o4, o5, L):
    """Como _b, pero o0 y o1 se suman a lo que ya tenían (las columnas que comparte con la tesela anterior)."""
    for e in range(L):
        a0, a1, a2, a3, a4, a5 = v0[e], v1[e], v2[e], v3[e], v4[e], v5[e]
        o0[e] += FOUR * a0
        o1[e] += FOUR * (a2 - a1 + a5) + TWO * (a4 - a3)
        o2[e] = -FIVE * a0 - FOUR * (a1 + a2) - a3 - a4
        o3[e] = a1 - a2 + TWO * (a3 - a4) - FIVE * a5
        o4[e] = a0 + a1 + a2 + a3 + a4
        o5[e] = a5


@numba.njit(forceinline=True, **_jit)
def _at(m0, m1, m2, m3, m4, m5, o0, o1, o2, o3, L, relu):
    """o = Aᵀ m (y max(o, 0) con relu)."""
    for e in range(L):
        a0, a1, a2, a3, a4, a5 = m0[e], m1[e], m2[e], m3[e], m4[e], m5[e]
        p, q, r, s = a1 + a2, a1 - a2, a3 + a4, a3 - a4
        y0, y1, y2, y3 = a0 + p + r, q + TWO * s, p + FOUR * r, q + EIGHT * s + a5
        if relu:
            y0, y1, y2, y3 = max(y0, 0), max(y1, 0), max(y2, 0), max(y3, 0)
        o0[e], o1[e], o2[e], o3[e] = y0, y1, y2, y3


@numba.njit(forceinline=True, **_jit)
def _a(y0, y1, y2, y3, o0, o1, o2, o3, o4, o5, L):
    """o = A y (las columnas de AT)."""
    for e in range(L):
        a0, a1, a2, a3 = y0[e], y1[e], y2[e], y3[e]
        p, q, r, s = a0 + a2, a1 + a3, a0 + FOUR * a2, TWO * a1 + EIGHT * a3
        o0[e], o1[e], o2[e], o3[e], o4[e], o5[e] = a0, p + q, p - q, r + s, r - s, a3


@numba.njit(**_jit)
def _image_row(rows, n, y, offset, buffer):
    """La fila y de la imagen n de rows (N, H, W·C), empezando `offset` valores a la derecha (el relleno
    de la izquierda), en len(buffer) valores con ceros fuera de la imagen. Si la fila cabe entera sin
    relleno es una vista de `rows` (sin copiar); si no, se copia en `buffer`."""
    length = buffer.shape[0]
    inside = 0 <= y < rows.shape[1]
    if inside and offset == 0 and length <= rows.shape[2]:
        return rows[n, y, :length]
    buffer[:] = 0
    if inside:
        row = rows[n, y]
        for e in range(min(length - offset, row.shape[0])):  # un bucle: `buffer[a:b] = row[c:d]` tarda segundos
            buffer[offset + e] = row[e]                        # en compilar (Numba comprueba si se solapan)
    return buffer


@numba.njit(**_jit)
def input_transform(x, v, th, tw, pt, pl, rows, n0, n1):
    """V (T, 36, C) <- Bᵀ d B de cada tesela de las imágenes n0..n1-1 de x (N, H, W, C).

    th × tw teselas por imagen; pt, pl: relleno arriba y a la izquierda. rows (12, (4·tw + 2)·C)
    es de trabajo: 6 filas de la imagen (si hace falta rellenarlas) y las 6 filas de Bᵀ d.
    """
    n_images, h, w, c = x.shape
    image_rows = x.reshape(n_images, h, w * c)
    length = rows.shape[1]
    for n in range(n0, n1):
        for ty in range(th):
            y = TILE * ty - pt
            # filas: Bᵀ sobre las 6 filas de la imagen, todas las columnas a la vez (un bucle largo)
            _bt(_image_row(image_rows, n, y, pl * c, rows[0]), _image_row(image_rows, n, y + 1, pl * c, rows[1]),
                _image_row(image_rows, n, y + 2, pl * c, rows[2]), _image_row(image_rows, n, y + 3, pl * c, rows[3]),
                _image_row(image_rows, n, y + 4, pl * c, rows[4]), _image_row(image_rows, n, y + 5, pl * c, rows[5]),
                rows[6], rows[7], rows[8], rows[9], rows[10], rows[11], length)
            # columnas: B a los 6 tramos de C valores de cada tesela, en cada una de las 6 filas
            for tx in range(tw):
                tile = v[((n - n0) * th + ty) * tw + tx]
                for i in range(WINDOW):
                    seg = rows[6 + i, TILE * tx * c:(TILE * tx + WINDOW) * c]
                    k = WINDOW * i
                    _bt(seg[:c], seg[c:2 * c], seg[2 * c:3 * c], seg[3 * c:4 * c], seg[4 * c:5 * c], seg[5 * c:],
                        tile[k], tile[k + 1], tile[k + 2], tile[k + 3], tile[k + 4], tile[k + 5], c)


@numba.njit(**_jit)
def output_transform(m, out, bias, relu, rows, n0, n1):
    """out[n0:n1] (Ho, Wo, F) <- Aᵀ m A de cada tesela de M (T, 36, F), + bias (F,) o nada (0,), y ReLU.

    Suma el sesgo en M[:, 7] (ver el docstring del módulo): M queda cambiada. rows (10, 4·tw·F) es
    de trabajo: las 6 filas de m A de la fila de teselas y 4 filas para las salidas que caen fuera.
    """
    _, ho, wo, f = out.shape
    th, tw = -(-ho // TILE), -(-wo // TILE)
    out_rows = out.reshape(out.shape[0], ho, wo * f)
    length = wo * f
    no_relu = relu and False  # la ReLU va al final, en la pasada por filas (una variable: un solo tipo para _at)
    for n in range(n0, n1):
        for ty in range(th):
            # columnas: Aᵀ a los 6 puntos de cada fila de la tesela (tramos de F valores)
            for tx in range(tw):
                tile = m[((n - n0) * th + ty) * tw + tx]
                if bias.shape[0] > 0:
                    point = tile[BIAS_POINT]
                    for k in range(f):
                        point[k] += bias[k]
                for i in range(WINDOW):
                    seg = rows[i, TILE * tx * f:TILE * (tx + 1) * f]
                    k = WINDOW * i
                    _at(tile[k], tile[k + 1], tile[k + 2], tile[k + 3], tile[k + 4], tile[k + 5],
                        seg[:f], seg[f:2 * f], seg[2 * f:3 * f], seg[3 * f:], f, no_relu)
            # filas: Aᵀ sobre las 6 filas, todas las columnas a la vez, directo a las filas de la salida
            y = TILE * ty
            _at(rows[0], rows[1], rows[2], rows[3], rows[4], rows[5],
                out_rows[n, y] if y < ho else rows[6, :length],
                out_rows[n, y + 1] if y + 1 < ho else rows[7, :length],
                out_rows[n, y + 2] if y + 2 < ho else rows[8, :length],
                out_rows[n, y + 3] if y + 3 < ho else rows[9, :length], length, relu)


@numba.njit(**_jit)
def _grad_row(grad_rows, relu_rows, n, y, zero, buffer):
    """La fila y de dY: la de grad (una vista), o grad·(relu_out > 0) en `buffer` si hay ReLU, o ceros fuera."""
    if y >= grad_rows.shape[1]:
        return zero
    if relu_rows.shape[0] == 0:
        return grad_rows[n, y]
    grad, relu_out = grad_rows[n, y], relu_rows[n, y]
    for e in range(grad.shape[0]):  # la ReLU deja pasar el gradiente donde su salida fue positiva
        buffer[e] = grad[e] if relu_out[e] > 0 else grad[e] * 0
    return buffer


@numba.njit(**_jit)
def output_grad_transform(grad, relu_out, dm, rows, n0, n1):
    """dM (T, 36, F) <- A dY Aᵀ de cada tesela de grad[n0:n1] (N, Ho, Wo, F).

    Con relu_out (N, Ho, Wo, F), dY = grad·(relu_out > 0); con un array vacío, dY = grad.
    rows (11, 4·tw·F) es de trabajo: las 6 filas de A dY, una de ceros y 4 de dY con la máscara.
    """
    _, ho, wo, f = grad.shape
    th, tw = -(-ho // TILE), -(-wo // TILE)
    grad_rows = grad.reshape(grad.shape[0], ho, wo * f)
    relu_rows = relu_out.reshape(relu_out.shape[0], ho, wo * f)
    length = wo * f
    for i in range(7):  # las columnas de la última tesela que se salen de la imagen, y una fila de ceros
        rows[i, length if i < 6 else 0:] = 0
    zero = rows[6, :length]
    for n in range(n0, n1):
        for ty in range(th):
            # filas: A sobre las 4 filas de dY, todas las columnas a la vez
            y = TILE * ty
            _a(_grad_row(grad_rows, relu_rows, n, y, zero, rows[7, :length]),
               _grad_row(grad_rows, relu_rows, n, y + 1, zero, rows[8, :length]),
               _grad_row(grad_rows, relu_rows, n, y + 2, zero, rows[9, :length]),
               _grad_row(grad_rows, relu_rows, n, y + 3, zero, rows[10, :length]),
               rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], length)
            # columnas: A a los 4 tramos de F valores de cada tesela, en cada una de las 6 filas
            for tx in range(tw):
                tile = dm[((n - n0) * th + ty) * tw + tx]
                for i in range(WINDOW):
                    seg = rows[i, TILE * tx * f:TILE * (tx + 1) * f]
                    k = WINDOW * i
                    _a(seg[:f], seg[f:2 * f], seg[2 * f:3 * f], seg[3 * f:],
                       tile[k], tile[k + 1], tile[k + 2], tile[k + 3], tile[k + 4], tile[k + 5], f)


@numba.njit(**_jit)
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
            # columnas: B a los 6 puntos de cada fila de la tesela; sus 2 primeras columnas son
            # las 2 últimas de la tesela anterior (se suman) y las demás se escriben
            for i in range(WINDOW):
                rows[i, :2 * c] = 0
            for tx in range(tw):
                tile = dv[((n - n0) * th + ty) * tw + tx]
                for i in range(WINDOW):
                    seg = rows[i, TILE * tx * c:(TILE * tx + WINDOW) * c]
                    k = WINDOW * i
                    _b_overlapping(tile[k], tile[k + 1], tile[k + 2], tile[k + 3], tile[k + 4], tile[k + 5],
                                   seg[:c], seg[c:2 * c], seg[2 * c:3 * c], seg[3 * c:4 * c], seg[4 * c:5 * c],
                                   seg[5 * c:], c)
            # filas: B sobre las 6 filas, todas las columnas a la vez; cada fila se suma a la suya de dx
            _b(rows[0], rows[1], rows[2], rows[3], rows[4], rows[5],
               rows[6], rows[7], rows[8], rows[9], rows[10], rows[11], length)
            for r in range(WINDOW):
                y = TILE * ty - pt + r
                if 0 <= y < h:
                    target, source = dx_rows[n, y, :stop - left], rows[6 + r, left:stop]
                    for e in range(stop - left):
                        target[e] += source[e]
