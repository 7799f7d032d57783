"""tanh y sigmoide para las celdas recurrentes, rápidas en float32 y exactas en float64.

Numba no vectoriza `np.tanh`/`np.exp` (cada elemento llama a la biblioteca matemática), y en
las celdas LSTM/GRU esas llamadas son casi todo el tiempo. En float32 usamos una aproximación
racional de tanh, solo sumas, productos y una división, que el compilador sí vectoriza (SIMD):

    tanh(x) ≈ x·P(x²) / Q(x²)     con x recortado a [-7.905, 7.905]

con P de grado 6 y Q de grado 3 en x² (los coeficientes de la aproximación de Eigen). Su error
es menor que 4·10⁻⁷, del orden del redondeo de float32. La sigmoide sale de tanh:

    σ(x) = 1/(1 + e^(-x)) = (1 + tanh(x/2)) / 2

En float64 (gradcheck) se usa `np.tanh`, exacta: la aproximación no serviría para comparar
con diferencias finitas. La elección es por tipo, al compilar: `overload` da una versión para
cada dtype y el kernel que llama a `tanh(v)` no tiene que saber cuál.

Disposición: funciones escalares; se llaman dentro de los bucles de los kernels. Los kernels
que las usan se compilan con `error_model="numpy"`: con el modelo de Python, cada división
comprueba si el divisor es 0 (para lanzar ZeroDivisionError) y esa rama impide vectorizar.

Ojo al editar este archivo: la caché de Numba no sigue las dependencias entre archivos, y las
celdas llevan estas funciones compiladas dentro. Tras cambiarlo, borra `kernels/cpu/__pycache__`.
"""
import numba
import numpy as np
from numba.extending import overload

HALF = np.float32(0.5)  # constantes float32: un literal 0.5 (float64) convertiría todo a float64
ONE = np.float32(1.0)
CLAMP = np.float32(7.90531110763549805)  # más allá, tanh(x) es ±1 en float32
ALPHA = tuple(np.float32(a) for a in (4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05,
                                      5.12229709037114e-08, -8.60467152213735e-11, 2.00018790482477e-13,
                                      -2.76076847742355e-16))
BETA = tuple(np.float32(b) for b in (4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04,
                                     1.19825839466702e-06))


# ---------------------------------------------------------------- referencia en NumPy
def sigmoid_reference(v):
    return 1.0 / (1.0 + np.exp(-v))


def rational_tanh_reference(v):
    """La aproximación racional, en NumPy float32 (para probar el kernel y medir su error)."""
    v = np.clip(np.asarray(v, dtype=np.float32), -CLAMP, CLAMP)
    v2 = v * v
    p = ALPHA[6]
    for a in ALPHA[5::-1]:
        p = v2 * p + a
    q = BETA[3]
    for b in BETA[2::-1]:
        q = v2 * q + b
    return v * p / q


# ---------------------------------------------------------------- kernels de Numba
def tanh(v):
    """tanh para kernels de Numba (fuera de Numba, la de NumPy)."""
    return np.tanh(v)


def sigmoid(v):
    """σ(v) para kernels de Numba (fuera de Numba, la de NumPy)."""
    return sigmoid_reference(v)


@numba.njit(cache=True, error_model="numpy")
def _rational_tanh(v):
    v = CLAMP if v > CLAMP else -CLAMP if v < -CLAMP else v
    v2 = v * v
    # P y Q por el método de Horner: de dentro afuera, un producto y una suma por coeficiente
    p = v2 * (v2 * (v2 * (v2 * (v2 * (v2 * ALPHA[6] + ALPHA[5]) + ALPHA[4]) + ALPHA[3]) + ALPHA[2])
              + ALPHA[1]) + ALPHA[0]
    q = v2 * (v2 * (v2 * BETA[3] + BETA[2]) + BETA[1]) + BETA[0]
    return v * p / q


@overload(tanh)
def _tanh_for(v):
    if v == numba.types.float32:
        return lambda v: _rational_tanh(v)
    return lambda v: np.tanh(v)


@overload(sigmoid)
def _sigmoid_for(v):
    if v == numba.types.float32:
        return lambda v: HALF + HALF * _rational_tanh(HALF * v)
    return lambda v: ONE / (ONE + np.exp(-v))
