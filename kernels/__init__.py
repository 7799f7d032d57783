"""Los kernels de las rutas calientes, instalados como `tinygrad_es.kernels`.

`cpu/`: referencia en NumPy y versión `numba.njit` de cada kernel, uno por archivo.
`cuda/`: las versiones `numba.cuda`, con los mismos nombres de archivo.
"""
