"""Las actualizaciones de los optimizadores de Keras 3 en la GPU: un kernel fusionado por optimizador.

Una actualización de Adam hecha con operaciones sueltas lanza ~10 kernels y lee y escribe los
arrays completos en cada uno. Fusionada, cada hilo lee una vez su peso w, su gradiente g y sus
"ranuras" (m, v, ...), hace todas las cuentas en registros y escribe una vez: es la diferencia
entre ~30 pasadas por la memoria y ~5. Lo que no depende del elemento (correcciones de sesgo
que sólo dependen del paso t) se calcula una vez en el anfitrión (la CPU) y llega como escalar.

Ecuaciones (las de Keras 3, ver docs/keras-behaviour.md §1.3), t = número de paso empezando en 1:

    SGD        momentum = 0: w -= lr·g
               si no:        v = momentum·v - lr·g;  w += v  (nesterov: w += momentum·v - lr·g)
    RMSprop    v = ρ·v + (1-ρ)·g²;  centrado: a = ρ·a + (1-ρ)·g, den = v - a² + ε; si no den = v + ε
               inc = lr·g/√den;  momentum > 0: mom = momentum·mom + inc, w -= mom;  si no w -= inc
    Adagrad    acc += g²;  w -= lr·g/√(acc + ε)
    Adadelta   Eg² = ρ·Eg² + (1-ρ)·g²;  dx = -√(Edx² + ε)·g/√(Eg² + ε);  Edx² = ρ·Edx² + (1-ρ)·dx²;  w += lr·dx
    Adam       α = lr·√(1-β₂ᵗ)/(1-β₁ᵗ);  m += (g - m)(1-β₁);  v += (g² - v)(1-β₂)
               amsgrad: v̂ = max(v̂, v) y se usa v̂;  w -= α·m/(√v + ε)
    Adamax     m += (g - m)(1-β₁);  u = max(β₂·u, |g|);  w -= lr·m/((1-β₁ᵗ)(u + ε))
    Nadam      u_t = β₁(1 - ½·0.96ᵗ), u_{t+1} = β₁(1 - ½·0.96^(t+1)), Π_t = u_1···u_t
               m += (g - m)(1-β₁);  v += (g² - v)(1-β₂)
               m̂ = u_{t+1}·m/(1 - Π_t·u_{t+1}) + (1-u_t)·g/(1 - Π_t);  v̂ = v/(1-β₂ᵗ)
               w -= lr·m̂/(√v̂ + ε)

Nadam necesita Π_t, el producto de todos los u_i hasta t: lo guarda quien llama (en Keras es
la variable `u_product` del optimizador) y lo pasa ya multiplicado por u_t.

Disposición: w, g y las ranuras con la misma forma, contiguos, vistos como vectores; todo se
actualiza EN SU SITIO. Las ranuras que una configuración no usa (v de SGD sin momentum, a de
RMSprop sin centrar...) pueden ser None. Lanzamiento: un hilo por peso.
"""
import math

from numba import cuda

from .elementwise import ONE
from .launch import THREADS_PER_BLOCK, blocks_for, flat


@cuda.jit
def _sgd_kernel(w, g, v, lr, momentum, nesterov):
    k = cuda.grid(1)
    if k >= w.size:
        return
    if momentum == 0:
        w[k] -= lr * g[k]
        return
    vk = momentum * v[k] - lr * g[k]
    v[k] = vk
    w[k] += (momentum * vk - lr * g[k]) if nesterov else vk


@cuda.jit
def _rmsprop_kernel(w, g, v, a, mom, lr, rho, momentum, epsilon, centered):
    k = cuda.grid(1)
    if k >= w.size:
        return
    gk = g[k]
    vk = rho * v[k] + (ONE - rho) * gk * gk
    v[k] = vk
    if centered:
        ak = rho * a[k] + (ONE - rho) * gk
        a[k] = ak
        denominator = vk - ak * ak + epsilon
    else:
        denominator = vk + epsilon
    increment = lr * gk / math.sqrt(denominator)
    if momentum > 0:
        mk = momentum * mom[k] + increment
        mom[k] = mk
        w[k] -= mk
    else:
        w[k] -= increment


@cuda.jit
def _adagrad_kernel(w, g, acc, lr, epsilon):
    k = cuda.grid(1)
    if k >= w.size:
        return
    gk = g[k]
    acc[k] += gk * gk
    w[k] -= lr * gk / math.sqrt(acc[k] + epsilon)


@cuda.jit
def _adadelta_kernel(w, g, eg2, edx2, lr, rho, epsilon):
    k = cuda.grid(1)
    if k >= w.size:
        return
    gk = g[k]
    eg2[k] = rho * eg2[k] + (ONE - rho) * gk * gk
    dx = -math.sqrt(edx2[k] + epsilon) * gk / math.sqrt(eg2[k] + epsilon)
    edx2[k] = rho * edx2[k] + (ONE - rho) * dx * dx
    w[k] += lr * dx


@cuda.jit
def _adam_kernel(w, g, m, v, vhat, alpha, beta_1, beta_2, epsilon, amsgrad):
    k = cuda.grid(1)
    if k >= w.size:
        return
    gk = g[k]
    m[k] += (gk - m[k]) * (ONE - beta_1)
    v[k] += (gk * gk - v[k]) * (ONE - beta_2)
    second = v[k]
    if amsgrad:
        second = max(vhat[k], second)
        vhat[k] = second
    w[k] -= m[k] * alpha / (math.sqrt(second) + epsilon)


@cuda.jit
def _adamax_kernel(w, g, m, u, lr_t, beta_1, beta_2, epsilon):
    k = cuda.grid(1)
    if k >= w.size:
        return
    gk = g[k]
    m[k] += (gk - m[k]) * (ONE - beta_1)
    u[k] = max(beta_2 * u[k], abs(gk))
    w[k] -= lr_t * m[k] / (u[k] + epsilon)


@cuda.jit
def _nadam_kernel(w, g, m, v, lr, beta_1, beta_2, epsilon, m_coef, g_coef, v_coef):
    k = cuda.grid(1)
    if k >= w.size:
        return
    gk = g[k]
    m[k] += (gk - m[k]) * (ONE - beta_1)
    v[k] += (gk * gk - v[k]) * (ONE - beta_2)
    m_hat = m_coef * m[k] + g_coef * gk
    v_hat = v_coef * v[k]
    w[k] -= lr * m_hat / (math.sqrt(v_hat) + epsilon)


# ---------------------------------------------------------------- lanzadores
def _launch(kernel, w, arrays, scalars, threads):
    """Un hilo por peso. Una ranura None se sustituye por un array de 1 elemento que el kernel no toca.

    (No vale pasar w en su lugar: con arrays de NumPy Numba copiaría w dos veces a la GPU y,
    al volver, la copia sin actualizar podría pisar la buena.)
    """
    vectors = [flat(a) if a is not None else cuda.device_array(1, dtype=w.dtype) for a in (w, *arrays)]
    # los hiperparámetros, en el tipo de los pesos: un float de Python haría float64 todo el kernel
    scalars = [s if isinstance(s, bool) else w.dtype.type(s) for s in scalars]
    kernel[blocks_for(w.size, threads), threads](*vectors, *scalars)


def sgd(w, g, v, lr, momentum=0.0, nesterov=False, threads=THREADS_PER_BLOCK):
    _launch(_sgd_kernel, w, (g, v), (lr, momentum, nesterov), threads)


def rmsprop(w, g, v, a, mom, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, threads=THREADS_PER_BLOCK):
    _launch(_rmsprop_kernel, w, (g, v, a, mom), (lr, rho, momentum, epsilon, centered), threads)


def adagrad(w, g, acc, lr, epsilon=1e-7, threads=THREADS_PER_BLOCK):
    """`acc` empieza en initial_accumulator_value (0.1 en Keras), no en 0."""
    _launch(_adagrad_kernel, w, (g, acc), (lr, epsilon), threads)


def adadelta(w, g, eg2, edx2, lr, rho=0.95, epsilon=1e-7, threads=THREADS_PER_BLOCK):
    _launch(_adadelta_kernel, w, (g, eg2, edx2), (lr, rho, epsilon), threads)


def adam(w, g, m, v, vhat, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
         threads=THREADS_PER_BLOCK):
    alpha = lr * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    _launch(_adam_kernel, w, (g, m, v, vhat), (alpha, beta_1, beta_2, epsilon, amsgrad), threads)


def adamax(w, g, m, u, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7, threads=THREADS_PER_BLOCK):
    _launch(_adamax_kernel, w, (g, m, u), (lr / (1 - beta_1**t), beta_1, beta_2, epsilon), threads)


def nadam_momentum_factor(t, beta_1=0.9):
    """u_t = β₁(1 - ½·0.96ᵗ), el factor de momento de Nadam en el paso t."""
    return beta_1 * (1 - 0.5 * 0.96**t)


def nadam(w, g, m, v, lr, t, u_product, beta_1=0.9, beta_2=0.999, epsilon=1e-7, threads=THREADS_PER_BLOCK):
    """`u_product` = Π_t = u_1···u_t (ya incluye el paso t): lo acumula quien llama, una vez por paso."""
    u_t, u_next = nadam_momentum_factor(t, beta_1), nadam_momentum_factor(t + 1, beta_1)
    m_coef = u_next / (1 - u_product * u_next)
    g_coef = (1 - u_t) / (1 - u_product)
    v_coef = 1 / (1 - beta_2**t)
    _launch(_nadam_kernel, w, (g, m, v), (lr, beta_1, beta_2, epsilon, m_coef, g_coef, v_coef), threads)
