"""Convolución 3×3 de paso 1 por Winograd: el mismo resultado que Conv2D, con ~2 veces menos trabajo.

Es la ruta rápida de la convolución más común (la de la CNN del curso): `nn.functional.conv2d`
la elige sola cuando `applies` dice que sirve (CPU, núcleo 3×3, paso 1, sin dilatación ni
grupos, y una salida con sitio para teselas de 4×4); si no, usa Conv2D (im2col + producto,
`ops/conv.py`), que es también la que explica la idea en los docs.

Forward, por trozos de imágenes (cada trozo en un hilo, sus arrays en la caché):

    V = Bᵀ d B de cada tesela                    (kernels/cpu/winograd.py: input_transform)
    M[:, k, :] = V[:, k, :] @ U[k]   k = 0..35     (BLAS, un producto por lotes de 36)
    Y = Aᵀ M A (+ sesgo, ReLU)                    (output_transform)

Backward (las adjuntas, en orden inverso; ver el docstring de los kernels):

    dM = A dY Aᵀ                                  (output_grad_transform, con la máscara de la ReLU)
    dU[k] += V[:, k, :]ᵀ @ dM[:, k, :]             dV[:, k, :] = dM[:, k, :] @ U[k]ᵀ
    dx = Σ B dV Bᵀ en el sitio de cada tesela      (input_grad_transform)
    dw = Gᵀ (Σ dU) G      db = Σ dM[:, 7]

El backward vuelve a calcular V de cada trozo en vez de guardarlo: es una pasada barata por x
(sumas y restas), mientras que guardar V para toda la capa serían 2.25 veces los datos de la
salida escritos a memoria y leídos otra vez (medido en docs/08-kernels.md).
"""
import numpy as np

from ..autograd import Function
from ..kernels.cpu import winograd as K
from ..runtime.device import contiguous
from ..runtime.scratch import scratch
from ..runtime.threads import chunk_size, map_chunks

CHUNK_BYTES = 2 << 20  # V y M de un trozo (~2 MB): que se queden en la caché entre la transformada y BLAS
MIN_CHANNELS = 4  # con menos canales los 36 productos son demasiado finos: mejor im2col o la directa


# --8<-- [start:applies]
def applies(x, w, stride, dilation, out_hw, groups=1) -> bool:
    """¿Sirve Winograd para esta convolución? (CPU, 3×3, paso 1, sin dilatación ni grupos, y que compense).

    Compensa si las teselas de 4×4 no desperdician demasiado: una salida de 2×2 ocupa una tesela
    entera (36 productos por 4 salidas, lo mismo que la directa) y ahí gana im2col."""
    if type(x) is not np.ndarray or type(w) is not np.ndarray or x.dtype.kind != "f":
        return False
    if w.shape[:2] != (3, 3) or tuple(stride) != (1, 1) or tuple(dilation) != (1, 1) or groups != 1:
        return False
    th, tw = K.tiles(out_hw)
    return w.shape[2] >= MIN_CHANNELS and th * tw * K.POINTS <= 0.6 * 9 * out_hw[0] * out_hw[1]
# --8<-- [end:applies]


class Conv2DWinograd(Function):
    """conv2d(x (N, H, W, C), w (3, 3, C, F)[, b (F,)]) -> (N, Ho, Wo, F), paso 1, por Winograd F(4×4, 3×3).

    pad = (arriba, izquierda); con relu=True devuelve max(conv + b, 0), como Conv2D.
    """

    # --8<-- [start:forward]
    def forward(self, x, w, *bias, pad, out_hw, relu=False):
        dtype = np.result_type(x, w)
        x, w = contiguous(x, dtype=dtype), w.astype(dtype, copy=False)
        b = bias[0].astype(dtype, copy=False) if bias else np.empty(0, dtype)
        n, c, f = x.shape[0], x.shape[3], w.shape[3]
        th, tw = K.tiles(out_hw)
        u = K.weight_transform(w)  # (36, C, F): una vez por llamada, es pequeña
        out = np.empty((n, *out_hw, f), dtype=dtype)

        def chunk(start, stop):
            v = _tiles_buffer("winograd_v", stop - start, th, tw, c, dtype)
            m = _tiles_buffer("winograd_m", stop - start, th, tw, f, dtype)
            K.input_transform(x, v, th, tw, *pad, _rows_buffer(12, tw, c, 2, dtype), start, stop)
            np.matmul(v.transpose(1, 0, 2), u, out=m.transpose(1, 0, 2))
            K.output_transform(m, out, b, relu, _rows_buffer(10, tw, f, 0, dtype), start, stop)

        map_chunks(chunk, n, _images_per_chunk(n, th * tw, c + f, dtype))
        # con la ReLU, el backward necesita la salida (su máscara): el mismo array que se devuelve
        self.save_for_backward(x, u, pad, out if relu else None)
        return out
    # --8<-- [end:forward]

    def backward(self, grad):
        x, u, pad, relu_out = self.saved
        n, c, f = x.shape[0], x.shape[3], u.shape[2]
        dtype = u.dtype
        grad = contiguous(grad, dtype=dtype)
        th, tw = K.tiles(grad.shape[1:3])
        need_x, need_w = self.needs_grad[0], self.needs_grad[1]
        need_b = len(self.parents) == 3 and self.needs_grad[2]
        mask = relu_out if relu_out is not None else np.empty((0, 0, 0, 0), dtype=dtype)
        dx = np.empty_like(x) if need_x else None

        def chunk(start, stop):
            """Devuelve las partes de dU y db de este trozo; escribe su parte de dx."""
            dm = _tiles_buffer("winograd_m", stop - start, th, tw, f, dtype)
            K.output_grad_transform(grad, mask, dm, _rows_buffer(10, tw, f, 0, dtype), start, stop)
            db = dm[:, K.BIAS_POINT].sum(axis=0) if need_b else None
            v = _tiles_buffer("winograd_v", stop - start, th, tw, c, dtype)
            rows = _rows_buffer(12, tw, c, 2, dtype)
            du = None
            if need_w:
                K.input_transform(x, v, th, tw, *pad, rows, start, stop)
                du = np.matmul(v.transpose(1, 2, 0), dm.transpose(1, 0, 2))
            if need_x:  # el búfer de V sirve ahora para dV
                np.matmul(dm.transpose(1, 0, 2), u.transpose(0, 2, 1), out=v.transpose(1, 0, 2))
                K.input_grad_transform(v, dx, th, tw, *pad, rows, start, stop)
            return du, db

        parts = map_chunks(chunk, n, _images_per_chunk(n, th * tw, c + f, dtype))
        dw = K.weight_grad_transform(sum(p[0] for p in parts), dtype) if need_w else None
        db = sum(p[1] for p in parts) if need_b else None
        return (dx, dw, db)[:len(self.parents)]


def _tiles_buffer(name, images, th, tw, channels, dtype):
    """V o M de un trozo, (teselas, 36, canales): un búfer de trabajo del hilo (threads.scratch)."""
    return scratch(name, (images * th * tw, K.POINTS, channels), dtype)


def _rows_buffer(count, tw, channels, extra_columns, dtype):
    """Las filas de trabajo de un kernel: `count` filas de (4·tw + extra_columns)·canales valores."""
    return scratch(f"winograd_rows{count}", (count, (K.TILE * tw + extra_columns) * channels), dtype)


def _images_per_chunk(n, tiles_per_image, channels, dtype):
    return chunk_size(n, tiles_per_image * K.POINTS * channels * np.dtype(dtype).itemsize, CHUNK_BYTES)
