"""Los kernels para la GPU, escritos con `numba.cuda`: los mismos nombres de archivo que `kernels/cpu/`.

    launch.py       cuántos bloques e hilos; convenios comunes de los lanzadores
    elementwise.py  unarias, binarias con broadcasting, fill y los backward de las activaciones
    reduce.py       suma y máximo a lo largo de un eje: árbol en memoria compartida
    matmul.py       producto de matrices por teselas en memoria compartida
    im2col.py       im2col / col2im (la convolución como producto de matrices)
    pool.py         max y average pooling, hacia delante y hacia atrás
    simple_rnn.py, lstm.py, gru.py   las celdas recurrentes fusionadas, adelante y atrás
    optimizers.py   un kernel fusionado por optimizador de Keras (SGD ... Nadam)

Cada archivo explica arriba la matemática, la disposición en memoria y cómo se lanza; luego
vienen los kernels (`@cuda.jit`) y, al final, un lanzador por kernel: una función normal de
Python que calcula la rejilla y lanza. Cuando existe la versión de CPU, el lanzador tiene su
misma firma (los arrays de salida se pasan ya creados), y esa versión es la referencia con
la que se prueba (tests/test_cuda_kernels.py).

Importar estos módulos importa `numba.cuda`; el resto de tinygrad_es no lo hace nunca. Sin
GPU, se ejecutan en el simulador de Numba: `NUMBA_ENABLE_CUDASIM=1 python ...`.
"""
