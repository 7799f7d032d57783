"""Convolución 2D por im2col (copiar ventanas a una matriz y multiplicar con BLAS) y su traspuesta.

Forward:   cols = im2col(x)            (N·Ho·Wo, KH·KW·C)
           out  = cols @ w2d + b       w2d = w.reshape(KH·KW·C, F)
Backward:  dw = colsᵀ @ dout           db = Σ dout (sobre todo menos F)
           dx = col2im(dout @ w2dᵀ)    (col2im suma las ventanas solapadas)

`conv2d_reference` (abajo) lo escribe en dos líneas con NumPy; `Conv2D` calcula lo mismo.

Los productos son sgemm de BLAS; las copias de ventanas, kernels de Numba
(`kernels/cpu/im2col.py`). La comprobación de formas y el cálculo del relleno viven en
`nn/conv.py`: aquí llegan ya resueltos.

Convolución por grupos (`groups = G`): los C canales de entrada y los F filtros se parten en G
grupos; el grupo g de la salida solo mira el grupo g de la entrada, con su propio núcleo
(KH, KW, C/G, F/G). Son G convoluciones independientes lado a lado, así que se hacen como tales:
los canales de cada grupo pasan a ser un lote propio, (n, H, W, G·Cg) -> (G·n, H, W, Cg)
(`_split_groups`), un solo im2col los copia todos y un producto de matrices por lotes de BLAS
hace los G productos, (G, n·Ho·Wo, KH·KW·Cg) @ (G, KH·KW·Cg, F/G). Con G = C (y F = C·M) es la
convolución en profundidad (depthwise) de Keras. Con G = 1 nada se reordena.

Convolución traspuesta (`Conv2DTranspose`): la adjunta de conv2d respecto de x, con el mismo
núcleo. Su forward es el backward de datos de conv2d (dout @ w2dᵀ y col2im) y su backward, el
forward de conv2d (im2col y @ w2d): las mismas piezas con los papeles cambiados.

Rendimiento (se puede saltar: el resultado es el de `conv2d_reference`)
-----------------------------------------------------------------------

Por trozos del lote: `cols` repite cada píxel KH·KW veces (85 MB para la segunda capa de la
CNN del curso con lote 128). En vez de construirla entera, el lote se parte en trozos de unas
pocas imágenes cuyo `cols` (~4 MB) cabe en la caché: im2col lo escribe y BLAS lo lee enseguida,
sin ir a la memoria principal. Cada hilo hace trozos completos (`runtime/threads.py`). El
backward vuelve a calcular im2col de cada trozo (es barato) en vez de guardar `cols`; dw se
suma trozo a trozo. Así la capa va ~1.5 veces más rápida que con `cols` entero, y usa 20 veces
menos memoria.

Sesgo y ReLU fusionados (`relu=True`, lo que hace `Conv2D(..., activation='relu')` de Keras):
el trozo de salida que BLAS acaba de escribir sigue en la caché, así que sumarle el sesgo y
recortarlo a 0 ahí mismo cuesta poco; como operaciones aparte serían tres pasadas más por un
array de ~10 MB, y la ReLU guardaría otra copia de la salida para su backward. En el backward,
la máscara (salida > 0) y la suma de db se hacen en la misma pasada, trozo a trozo
(`kernels/cpu/relu.py`). Medido en la CNN del curso: ~10 % menos por paso y una salida
guardada menos por capa.

Con pocos canales por grupo (Cg < FEW_CHANNELS, la depthwise sobre todo) se reordena `cols` en vez
de x: im2col copia tramos de KW·Cg valores seguidos, y con Cg = 1 son tramos de 3 valores, en los
que el bucle cuesta más que la copia. Así que im2col trabaja sobre x entera (tramos de KW·C) y
después `cols` pasa a orden de grupos, (n·Ho·Wo, KH·KW, G, Cg) -> (G, n·Ho·Wo, KH·KW·Cg). Medido
con un trozo de 16 imágenes 26×26×32 y núcleo 3×3 (un hilo): im2col + productos en 21 ms
reordenando x y en 5.4 ms reordenando cols con Cg = 1; con Cg = 4 empatan (6 ms) y con Cg = 16,
reordenar x gana (1.7 ms contra 4.5 ms).

Las mismas líneas sirven en la GPU: `kernels_for(x, im2col)` da los kernels del dispositivo
de x (kernels/cpu/ o kernels/cuda/, mismas firmas), los arrays nacen en el dispositivo de x
(`np.empty_like(x, shape=...)`, `scratch(..., like=w)`) y en la GPU el lote va en un solo trozo.
"""
import numpy as np

from ..autograd import Function
from ..kernels.cpu import im2col
from ..kernels.cpu import relu as relu_colsum  # (`relu` a secas es el argumento de forward)
from ..runtime.device import contiguous, kernels_for
from ..runtime.scratch import scratch
from ..runtime.threads import chunk_size, map_chunks

CHUNK_BYTES = 4 << 20  # tamaño de `cols` por trozo: que quepa en la caché L2/L3
FEW_CHANNELS = 4  # con menos canales por grupo, im2col sobre x entera y cols reordenada (ver arriba)


# --8<-- [start:conv2d_reference]
def conv2d_reference(x, w, stride, dilation, pad, out_hw) -> np.ndarray:
    """La convolución en dos líneas: las ventanas de x en filas (im2col) por el núcleo como matriz.

    x (N, H, W, C), w (KH, KW, C, F) -> (N, Ho, Wo, F), sin grupos ni sesgo, con los argumentos de
    Conv2D (`pad`: el relleno de arriba/izquierda; `out_hw`: (Ho, Wo)). Conv2D calcula lo mismo,
    por trozos, en varios hilos y con kernels de Numba.
    """
    kh, kw, c, f = w.shape
    cols = im2col.im2col_reference(x, kh, kw, *out_hw, *stride, *dilation, *pad)  # (N, Ho, Wo, KH, KW, C)
    return (cols.reshape(-1, kh * kw * c) @ w.reshape(kh * kw * c, f)).reshape(x.shape[0], *out_hw, f)
# --8<-- [end:conv2d_reference]


def _split_groups(images, groups):
    """(n, H, W, G·Cg) -> (G·n, H, W, Cg): los canales de cada grupo, como un lote de imágenes propio."""
    if groups == 1:
        return images
    n, h, w, c = images.shape
    by_group = images.reshape(n, h, w, groups, c // groups).transpose(3, 0, 1, 2, 4)
    return contiguous(by_group).reshape(groups * n, h, w, c // groups)


def _merge_groups(grouped, into, groups):
    """La inversa de _split_groups: (G·n, H, W, Cg) -> `into` (n, H, W, G·Cg)."""
    n, h, w, c = into.shape
    into.reshape(n, h, w, groups, c // groups)[...] = grouped.reshape(groups, n, h, w, c // groups).transpose(
        1, 2, 3, 0, 4)


class _Plan:
    """La geometría de una convolución x (N, H, W, C) -> y (N, Ho, Wo, F) y sus tres productos por trozo.

    Conv2D y Conv2DTranspose usan las mismas piezas: `cols` (im2col del lado x), `correlate`
    (cols @ w: el lado y), `weight_grad` (colsᵀ @ g) y `scatter` (col2im(g @ wᵀ): el lado x).
    Con grupos, cada producto es uno por lotes, un grupo por matriz (ver el docstring del módulo).
    """

    def __init__(self, x, w, stride, dilation, pad, out_hw, groups):
        kh, kw, cg, f = w.shape
        self.K = kernels_for(x, im2col)
        self.options = (*stride, *dilation, *pad)
        self.w, self.out_hw, self.groups = w, out_hw, groups
        self.w2d = w.reshape(kh * kw * cg, f)
        # (G, KH·KW·Cg, F/G): el filtro j del grupo g es la columna g·F/G + j de w2d
        self.wg = contiguous(self.w2d.reshape(-1, groups, f // groups).transpose(1, 0, 2)) if groups > 1 else None
        self.few_channels = groups > 1 and cg < FEW_CHANNELS

    def cols(self, images):
        """im2col de un trozo de imágenes del lado x: (G, n·Ho·Wo, KH·KW·Cg), en el búfer del hilo."""
        kh, kw, cg, _ = self.w.shape
        if not self.few_channels:
            grouped = _split_groups(images, self.groups)
            cols = self._buffer("conv_cols", grouped.shape[0], cg)
            self.K.im2col(grouped, cols, *self.options)
            return cols.reshape(self.groups, -1, kh * kw * cg)
        cols = self._buffer("conv_cols", images.shape[0], images.shape[3])
        self.K.im2col(images, cols, *self.options)
        by_group = scratch("conv_cols_by_group", (self.groups, cols.size // self.groups), cols.dtype, like=cols)
        by_group.reshape(self.groups, -1, kh * kw, cg)[...] = cols.reshape(-1, kh * kw, self.groups, cg).transpose(
            2, 0, 1, 3)
        return by_group.reshape(self.groups, -1, kh * kw * cg)

    def correlate(self, cols, out):
        """out (n·Ho·Wo, F) = cols @ w."""
        if self.groups == 1:
            np.matmul(cols[0], self.w2d, out=out)
        else:
            out.reshape(out.shape[0], self.groups, -1)[...] = np.matmul(cols, self.wg).transpose(1, 0, 2)

    def weight_grad(self, cols, g):
        """colsᵀ @ g: la parte de dw (KH·KW·Cg, F) de este trozo; g es (n·Ho·Wo, F)."""
        if self.groups == 1:
            return cols[0].T @ g
        by_group = np.matmul(cols.transpose(0, 2, 1), self._by_group(g))  # (G, KH·KW·Cg, F/G)
        return contiguous(by_group.transpose(1, 0, 2)).reshape(self.w2d.shape)

    def scatter(self, g, into):
        """`into` (n, H, W, C) = col2im(g @ wᵀ), con g (n·Ho·Wo, F): la adjunta de cols + correlate."""
        kh, kw, cg, _ = self.w.shape
        n = into.shape[0]
        if self.groups == 1:
            cols = self._buffer("conv_cols", n, cg)
            np.matmul(g, self.w2d.T, out=cols.reshape(g.shape[0], -1))
            self.K.col2im(cols, into, *self.options)
            return
        by_group = np.matmul(self._by_group(g), self.wg.transpose(0, 2, 1))  # (G, n·Ho·Wo, KH·KW·Cg)
        if self.few_channels:  # de vuelta al orden de x entera y col2im sobre ella (ver cols)
            cols = self._buffer("conv_cols", n, into.shape[3])
            cols.reshape(-1, kh * kw, self.groups, cg)[...] = by_group.reshape(self.groups, -1, kh * kw, cg).transpose(
                1, 2, 0, 3)
            self.K.col2im(cols, into, *self.options)
            return
        cols = self._buffer("conv_cols", self.groups * n, cg)
        cols.reshape(by_group.shape)[...] = by_group
        grouped = scratch("conv_grouped", (self.groups * n, *into.shape[1:3], cg), into.dtype, like=into)
        self.K.col2im(cols, grouped, *self.options)
        _merge_groups(grouped, into, self.groups)

    def _buffer(self, name, images, channels):
        """El búfer de trabajo del hilo para el `cols` de `images` imágenes de `channels` canales."""
        kh, kw = self.w.shape[:2]
        return scratch(name, (images, *self.out_hw, kh, kw, channels), self.w.dtype, like=self.w)

    def _by_group(self, g):
        """(n·Ho·Wo, G·F/G) -> (G, n·Ho·Wo, F/G)."""
        return contiguous(g.reshape(g.shape[0], self.groups, -1).transpose(1, 0, 2))

    def chunk(self, n):
        """Imágenes por trozo: su `cols` ocupa ~CHUNK_BYTES (en la GPU, todo el lote en un trozo)."""
        if type(self.w) is not np.ndarray:  # en la GPU el kernel ya reparte el trabajo
            return n
        kh, kw, cg, _ = self.w.shape
        per_image = self.out_hw[0] * self.out_hw[1] * kh * kw * cg * self.groups * self.w.dtype.itemsize
        return chunk_size(n, per_image, CHUNK_BYTES)


def _total(parts, index):
    """Σ de la parte `index` (dw o db) de todos los trozos."""
    values = [part[index] for part in parts]
    return sum(values[1:], values[0])


# --8<-- [start:conv2d]
class Conv2D(Function):
    """conv2d(x (N, H, W, C), w (KH, KW, C/G, F)[, b (F,)]) -> (N, Ho, Wo, F), canales al final.

    Con relu=True devuelve max(conv + b, 0) (ver arriba: sesgo y ReLU fusionados).
    """

    def forward(self, x, w, *bias, stride, dilation, pad, out_hw, groups=1, relu=False):
        dtype = np.result_type(x, w)
        x, w = contiguous(x, dtype=dtype), w.astype(dtype, copy=False)
        b = bias[0].astype(dtype, copy=False) if bias else None
        plan = _Plan(x, w, stride, dilation, pad, out_hw, groups)
        n, f = x.shape[0], w.shape[3]
        pixels = out_hw[0] * out_hw[1]
        out = np.empty_like(x, shape=(n * pixels, f))

        def chunk(start, stop):
            part = out[start * pixels:stop * pixels]
            plan.correlate(plan.cols(x[start:stop]), part)
            if b is not None:  # aún en la caché: sumar aquí es casi gratis
                part += b
            if relu:
                np.maximum(part, 0, out=part)

        map_chunks(chunk, n, plan.chunk(n))
        # con la ReLU, el backward necesita la salida (su máscara); el array es el mismo que se devuelve
        self.save_for_backward(x, plan, out if relu else None)
        return out.reshape(n, *out_hw, f)

    def backward(self, grad):
        x, plan, relu_out = self.saved
        n, f = x.shape[0], plan.w.shape[3]
        g2d = contiguous(grad, dtype=plan.w.dtype).reshape(-1, f)
        pixels = plan.out_hw[0] * plan.out_hw[1]
        need_x, need_w = self.needs_grad[0], self.needs_grad[1]
        need_b = len(self.parents) == 3 and self.needs_grad[2]
        dx = np.empty_like(x, dtype=plan.w.dtype) if need_x else None
        relu_kernels = kernels_for(x, relu_colsum)

        def chunk(start, stop):
            """Devuelve las partes de dw y db de este trozo; escribe su parte de dx."""
            rows = slice(start * pixels, stop * pixels)
            g, db = g2d[rows], np.zeros_like(plan.w, shape=f)
            if relu_out is not None:  # gradiente a través de la ReLU y suma del sesgo, en una pasada
                masked = scratch("conv_grad", g.shape, g.dtype, like=g)
                relu_kernels.relu_backward_colsum(g, relu_out[rows], masked, db)
                g = masked
            elif need_b:
                db = g.sum(axis=0)
            dw = plan.weight_grad(plan.cols(x[start:stop]), g) if need_w else None
            if need_x:  # (después de dw: scatter reutiliza el búfer de cols)
                plan.scatter(g, dx[start:stop])
            return dw, db

        parts = map_chunks(chunk, n, plan.chunk(n))
        dw = _total(parts, 0).reshape(plan.w.shape) if need_w else None
        db = _total(parts, 1) if need_b else None
        return (dx, dw, db)[:len(self.parents)]
# --8<-- [end:conv2d]


class Conv2DTranspose(Function):
    """conv2d_transpose(y (N, Ho, Wo, F), w (KH, KW, C/G, F)[, b (C,)]) -> (N, H, W, C).

    La adjunta de conv2d(·, w) con la misma geometría: <conv2d(x, w), y> = <x, conv2d_transpose(y, w)>.
    `x_hw` es el tamaño (H, W) de la salida; `pad`, `stride`... son los de esa conv2d.
    """

    def forward(self, y, w, *bias, stride, dilation, pad, x_hw, groups=1):
        dtype = np.result_type(y, w)
        y, w = contiguous(y, dtype=dtype), w.astype(dtype, copy=False)
        b = bias[0].astype(dtype, copy=False) if bias else None
        plan = _Plan(y, w, stride, dilation, pad, y.shape[1:3], groups)
        n, pixels = y.shape[0], y.shape[1] * y.shape[2]
        y2d = y.reshape(n * pixels, w.shape[3])
        out = np.empty_like(y, shape=(n, *x_hw, w.shape[2] * groups))

        def chunk(start, stop):
            plan.scatter(y2d[start * pixels:stop * pixels], out[start:stop])
            if b is not None:
                out[start:stop] += b

        map_chunks(chunk, n, plan.chunk(n))
        self.save_for_backward(y2d, plan)
        return out

    def backward(self, grad):
        y2d, plan = self.saved
        grad = contiguous(grad, dtype=plan.w.dtype)
        n = grad.shape[0]
        pixels = y2d.shape[0] // n
        need_y, need_w = self.needs_grad[0], self.needs_grad[1]
        need_b = len(self.parents) == 3 and self.needs_grad[2]
        dy = np.empty_like(y2d) if need_y else None

        def chunk(start, stop):
            rows = slice(start * pixels, stop * pixels)
            cols = plan.cols(grad[start:stop])
            if need_y:
                plan.correlate(cols, dy[rows])
            # <u, conv2d(g)> = <u, cols(g) @ w2d>: dw2d = cols(g)ᵀ @ u, el mismo producto que en Conv2D
            dw = plan.weight_grad(cols, y2d[rows]) if need_w else None
            db = grad[start:stop].sum(axis=(0, 1, 2)) if need_b else None
            return dw, db

        parts = map_chunks(chunk, n, plan.chunk(n))
        dw = _total(parts, 0).reshape(plan.w.shape) if need_w else None
        db = _total(parts, 1) if need_b else None
        dy = dy.reshape(n, *plan.out_hw, plan.w.shape[3]) if need_y else None
        return (dy, dw, db)[:len(self.parents)]
