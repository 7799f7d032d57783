"""Cómo se reparte el trabajo en la GPU: la cuenta de bloques que usan todos los kernels CUDA.

Un kernel CUDA se lanza con `kernel[bloques, hilos_por_bloque](argumentos)`: la GPU ejecuta
bloques × hilos copias de la misma función, y cada copia sabe quién es con `cuda.grid(1)`
(su número global de hilo = blockIdx·blockDim + threadIdx). Los hilos de un mismo bloque
comparten una memoria rápida (`cuda.shared.array`) y pueden esperarse (`cuda.syncthreads()`);
los de bloques distintos, no.

Los lanzadores de cada archivo reciben arrays de NumPy o arrays de dispositivo
(`numba.cuda.to_device`, `numba.cuda.device_array`). Con NumPy, Numba copia cada array a la
GPU antes del kernel y de vuelta después: cómodo en las pruebas, lento para entrenar. Con
arrays de dispositivo no se copia nada. Los arrays de salida se pasan ya creados (como en
`kernels/cpu/`) y deben ser contiguos en orden C.
"""
THREADS_PER_BLOCK = 256  # múltiplo de 32 (un "warp"); 128-512 es lo habitual


def blocks_for(n, threads=THREADS_PER_BLOCK):
    """Bloques necesarios para que haya al menos un hilo por cada uno de los `n` elementos."""
    return max(1, (n + threads - 1) // threads)


def flat(a):
    """El mismo array visto como vector (sin copiar: los arrays deben ser contiguos)."""
    return a.reshape(a.size)
