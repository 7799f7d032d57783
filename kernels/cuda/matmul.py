"""Producto de matrices en la GPU, por teselas (tiles) en memoria compartida.

    out (M, N) = op(a) @ op(b),    op(a) = a (M, K) o aᵀ si trans_a (a es (K, M)),
                                   op(b) = b (K, N) o bᵀ si trans_b (b es (N, K))

Las banderas de transposición leen el array "de lado" en vez de copiarlo: el backward de
C = A @ B necesita dA = dC @ Bᵀ y dB = Aᵀ @ dC, y así sale sin copias.

El problema de la versión ingenua (un hilo por out[i, j] que lee su fila de a y su columna de
b de la memoria global) es que cada elemento de a se lee N veces y cada uno de b, M veces, y
la memoria global es ~100 veces más lenta que la compartida. La solución, por teselas:

- La salida se corta en teselas de TILE × TILE; un bloque de TILE × TILE hilos calcula una,
  un hilo por elemento (fila `row`, columna `col`).
- El eje K se recorre en trozos de TILE. En cada trozo, el bloque copia a memoria compartida
  una tesela de a (sus TILE filas × esas TILE columnas de K) y otra de b (esas TILE filas de
  K × sus TILE columnas): cada hilo copia UN elemento de cada una. `syncthreads()`: esperar a
  que las dos teselas estén completas.
- Cada hilo acumula sus TILE productos leyendo sólo de la memoria compartida, y otro
  `syncthreads()` antes de sobrescribir las teselas con el trozo siguiente.

        K →                         N →
      ┌────┬────┬────┐          ┌────┬────┐
    M │ A0 │ A1 │ A2 │  @     K │ B0 │    │      out[tesela] = A0·B0 + A1·B1 + A2·B2
      └────┴────┴────┘          │ B1 │    │
                                │ B2 │    │
                                └────┴────┘

Cada elemento de a se lee ahora N/TILE veces de la memoria global en vez de N (TILE = 16: 16
veces menos tráfico). Las casillas fuera de la matriz (bordes que no llenan la tesela) se
cargan como 0, que no cambia la suma.

Disposición: arrays 2D contiguos en orden C; hilos con `threadIdx.x` a lo largo de las
columnas, para que hilos vecinos lean direcciones vecinas (accesos "coalescidos").
Lanzamiento: bloques de (TILE, TILE) hilos, rejilla de (⌈N/TILE⌉, ⌈M/TILE⌉) bloques.
"""
import functools

import numba
from numba import cuda

TILE = 16  # 16 × 16 = 256 hilos por bloque y 2 teselas de 1 KiB (float32) en memoria compartida


@functools.cache
def _matmul_kernel(tile, dtype):
    @cuda.jit
    def kernel(a, b, out, trans_a, trans_b):
        tile_a = cuda.shared.array((tile, tile), dtype)
        tile_b = cuda.shared.array((tile, tile), dtype)
        tx, ty = cuda.threadIdx.x, cuda.threadIdx.y
        row = cuda.blockIdx.y * tile + ty
        col = cuda.blockIdx.x * tile + tx
        m, n = out.shape
        k_total = a.shape[0] if trans_a else a.shape[1]
        acc = dtype(0)
        for start in range(0, k_total, tile):
            ka = start + tx  # este hilo copia op(a)[row, ka] ...
            if row < m and ka < k_total:
                tile_a[ty, tx] = a[ka, row] if trans_a else a[row, ka]
            else:
                tile_a[ty, tx] = 0
            kb = start + ty  # ... y op(b)[kb, col]
            if kb < k_total and col < n:
                tile_b[ty, tx] = b[col, kb] if trans_b else b[kb, col]
            else:
                tile_b[ty, tx] = 0
            cuda.syncthreads()  # las dos teselas, completas
            for j in range(tile):
                acc += tile_a[ty, j] * tile_b[j, tx]
            cuda.syncthreads()  # nadie sobrescribe una tesela que otro aún lee
        if row < m and col < n:
            out[row, col] = acc

    return kernel


def matmul(a, b, out, trans_a=False, trans_b=False, tile=TILE):
    """out = op(a) @ op(b) para matrices 2D (ver el docstring del módulo)."""
    m, k = (a.shape[1], a.shape[0]) if trans_a else a.shape
    k_b, n = (b.shape[1], b.shape[0]) if trans_b else b.shape
    if k != k_b or out.shape != (m, n):
        raise ValueError(f"matmul: op(a) es ({m}, {k}) y op(b) es ({k_b}, {n}); los ejes interiores deben "
                         f"coincidir y la salida debe ser ({m}, {n}), y es {tuple(out.shape)}")
    grid = ((n + tile - 1) // tile, (m + tile - 1) // tile)
    _matmul_kernel(tile, numba.from_dtype(out.dtype))[grid, (tile, tile)](a, b, out, trans_a, trans_b)
