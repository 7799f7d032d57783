"""Kernels de CPU con Numba, uno por archivo, cada uno junto a su referencia en NumPy.

- `im2col.py`: im2col y col2im, la convolución como producto de matrices.
- `winograd.py`: las transformadas de Winograd F(4×4, 3×3), la convolución 3×3 rápida.
- `conv_direct.py`: la convolución directa por filas, para pocos canales de entrada.
- `pool.py`: max pooling y average pooling, hacia delante y hacia atrás.
- `lstm.py`, `gru.py`, `simple_rnn.py`: un paso de cada celda recurrente, fusionado.
- `activations.py`: tanh y sigmoide vectorizables en float32 (las usan las celdas).
- `one_hot.py`: x·W con x one-hot como filas de W elegidas (la LSTM con los caracteres del curso).

Todos se compilan con `cache=True`: la primera vez tardan unos segundos en compilar y los
procesos siguientes cargan el código máquina de `__pycache__/`. Son de un solo hilo y sueltan
el GIL (`nogil=True`): el reparto entre hilos lo hacen las operaciones, por trozos del lote
(`tinygrad_es/runtime/threads.py` explica por qué así y no con `prange`).
"""

# Las opciones de Numba de los kernels (conv, pooling, celdas recurrentes). `_nrt=False`: sin el recuento de referencias
# de Numba (NRT). Los kernels no crean arrays (solo vistas de los que reciben), así que no lo
# necesitan, y sin él Numba no genera un incref/decref por cada vista: menos código que compilar
# (medido en el primer paso de la CNN del curso: ~0.3 s menos, de ~6 s). Un kernel que intentara
# crear un array con estas opciones no compilaría (lo dirían sus pruebas).
JIT = dict(cache=True, nogil=True, error_model="numpy", _nrt=False)
