"""Los problemas de TensorFlow Playground (playground.tensorflow.org), a los que el curso manda a practicar.

Cada función genera los puntos como los genera Playground: `f(n, noise, seed)` devuelve
`(X, y)` con X float32 de forma (n, 2) (las coordenadas x1, x2) e y float32 de forma (n,).

Clasificación (dos clases): `circles`, `xor`, `gaussians`, `spiral`. Playground etiqueta +1 y -1;
aquí, por defecto, 1 y 0 (lo que esperan sigmoid y binary_crossentropy). `labels="pm1"` devuelve
+1/-1, las etiquetas de la pérdida logística del curso, log(1 + exp(-y·f(x))).

Regresión: `regression_plane` y `regression_gaussians`, con y entre -1 y 1.

`noise` va de 0 a 0.5: el deslizador «Noise» de Playground (0 a 50) dividido entre 100. `seed`
fija los puntos; sin él se usa el generador de tinygrad_es (el que fija `manual_seed`). Como en
Playground, los puntos salen barajados (`shuffle=False` los deja en el orden de generación).
"""
from __future__ import annotations

import numpy as np

from ..random import generator

MAX_NOISE = 0.5
# Las seis gaussianas de la superficie de regresión: centro (x, y) y signo de su altura.
SURFACE_GAUSSIANS = np.array([
    [-4.0, 2.5, 1.0], [0.0, 2.5, -1.0], [4.0, 2.5, 1.0],
    [-4.0, -2.5, -1.0], [0.0, -2.5, 1.0], [4.0, -2.5, -1.0],
])


def circles(n: int = 500, noise: float = 0.0, seed: int | None = None, labels: str = "01",
            shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Un disco (clase positiva, radio < 2.5) rodeado de un anillo (negativa, radio entre 3.5 y 5).

    Con ruido, la etiqueta se calcula sobre el punto desplazado: algunos puntos cerca de la
    frontera quedan del lado «equivocado».
    """
    rng = _rng(n, noise, seed)
    radius = 5.0
    n_inside = (n + 1) // 2
    r = np.concatenate([rng.uniform(0, radius * 0.5, n_inside), rng.uniform(radius * 0.7, radius, n - n_inside)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    shifted = X + rng.uniform(-radius, radius, (n, 2)) * noise
    y = np.where(np.hypot(shifted[:, 0], shifted[:, 1]) < radius * 0.5, 1.0, -1.0)
    return _finish(X, y, rng, labels, shuffle)


def xor(n: int = 500, noise: float = 0.0, seed: int | None = None, labels: str = "01",
        shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Los cuatro cuadrantes: positiva donde x1 y x2 tienen el mismo signo. Ninguna recta los separa."""
    rng = _rng(n, noise, seed)
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)  # un pasillo vacío de 0.6 a lo largo de los ejes
    shifted = X + rng.uniform(-5, 5, (n, 2)) * noise
    y = np.where(shifted[:, 0] * shifted[:, 1] >= 0, 1.0, -1.0)
    return _finish(X, y, rng, labels, shuffle)


def gaussians(n: int = 500, noise: float = 0.0, seed: int | None = None, labels: str = "01",
              shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Dos nubes gaussianas, positiva en (2, 2) y negativa en (-2, -2): el problema linealmente separable.

    El ruido no desplaza etiquetas sino que ensancha las nubes: la varianza va de 0.5 (noise=0)
    a 4 (noise=0.5), y con ella las nubes se solapan.
    """
    rng = _rng(n, noise, seed)
    variance = 0.5 + (4.0 - 0.5) * noise / MAX_NOISE
    n_pos = (n + 1) // 2
    centers = np.where(np.arange(n)[:, None] < n_pos, 2.0, -2.0)
    X = centers + rng.normal(0.0, np.sqrt(variance), (n, 2))
    y = np.where(np.arange(n) < n_pos, 1.0, -1.0)
    return _finish(X, y, rng, labels, shuffle)


def spiral(n: int = 500, noise: float = 0.0, seed: int | None = None, labels: str = "01",
           shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Dos espirales entrelazadas de 1.75 vueltas, la negativa girada media vuelta respecto a la positiva."""
    rng = _rng(n, noise, seed)
    X, y = [], []
    for count, delta, label in (((n + 1) // 2, 0.0, 1.0), (n // 2, np.pi, -1.0)):
        i = np.arange(count) / max(count, 1)  # de 0 a casi 1 a lo largo de cada brazo
        r, t = i * 5, 1.75 * i * 2 * np.pi + delta
        points = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        X.append(points + rng.uniform(-1, 1, (count, 2)) * noise)
        y.append(np.full(count, label))
    return _finish(np.concatenate(X), np.concatenate(y), rng, labels, shuffle)


def regression_plane(n: int = 500, noise: float = 0.0, seed: int | None = None,
                     shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Regresión: y = (x1 + x2) / 10 sobre el cuadrado [-6, 6]², un plano inclinado entre -1.2 y 1.2.

    El ruido desplaza el punto donde se evalúa el plano, no el punto que se devuelve.
    """
    rng = _rng(n, noise, seed)
    X = rng.uniform(-6, 6, (n, 2))
    shifted = X + rng.uniform(-6, 6, (n, 2)) * noise
    y = shifted.sum(axis=1) / 10  # Playground lleva x1 + x2 de [-10, 10] a [-1, 1]
    return _finish(X, y, rng, None, shuffle)


def regression_gaussians(n: int = 500, noise: float = 0.0, seed: int | None = None,
                         shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Regresión: una superficie con seis montañas y valles gaussianos (tres de altura +1, tres de -1).

    Cada montaña vale ±(1 - d/2) a distancia d < 2 de su centro y 0 más lejos; en cada punto manda
    la de mayor valor absoluto.
    """
    rng = _rng(n, noise, seed)
    X = rng.uniform(-6, 6, (n, 2))
    shifted = X + rng.uniform(-6, 6, (n, 2)) * noise
    distances = np.hypot(*(shifted[:, None, :] - SURFACE_GAUSSIANS[None, :, :2]).transpose(2, 0, 1))
    heights = SURFACE_GAUSSIANS[:, 2] * np.clip(1 - distances / 2, 0, 1)
    y = heights[np.arange(n), np.abs(heights).argmax(axis=1)]
    return _finish(X, y, rng, None, shuffle)


def _rng(n, noise, seed) -> np.random.Generator:
    """Comprueba los argumentos comunes y da el generador: uno propio con `seed`, el global sin él."""
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n es el número de puntos y debe ser un entero positivo; se recibió {n!r}")
    if not 0 <= noise <= MAX_NOISE:
        raise ValueError(
            f"noise debe estar entre 0 y {MAX_NOISE} y se recibió {noise!r}: el «Noise» de Playground va de 0 a 50, "
            f"divídelo entre 100 (p. ej. 25 -> noise=0.25)"
        )
    return np.random.default_rng(seed) if seed is not None else generator()


def _finish(X, y, rng, labels, shuffle):
    """Etiquetas en el formato pedido, barajado opcional y float32."""
    if labels is not None:
        if labels == "01":
            y = (y > 0).astype(np.float64)
        elif labels != "pm1":
            raise ValueError(
                f"labels debe ser '01' (clases 0 y 1, para sigmoid) o 'pm1' (clases -1 y +1, como Playground) "
                f"y se recibió {labels!r}"
            )
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    return X.astype(np.float32), y.astype(np.float32)
