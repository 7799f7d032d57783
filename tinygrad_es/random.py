"""El generador de números aleatorios de tinygrad_es, uno solo y sembrable.

`manual_seed(s)` (o `keras.utils.set_random_seed(s)`) lo reinicia: dos ejecuciones del mismo
programa con la misma semilla dan los mismos pesos y las mismas pérdidas, bit a bit.
"""
import numpy as np

from .validation import integer

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Fija la semilla del generador global (inicializadores, dropout, barajado en fit)."""
    global _generator
    _generator = np.random.default_rng(integer("manual_seed", "seed", seed, minimum=0))


def generator() -> np.random.Generator:
    """El generador actual; llámalo cada vez (manual_seed lo sustituye)."""
    return _generator


def dropout_mask(shape: tuple, rate: float) -> np.ndarray:
    """La máscara del dropout invertido: 0 con probabilidad `rate` y 1/(1 - rate) si no (float64, 0 <= rate < 1).

    El factor 1/(1 - rate) mantiene la media de cada elemento: E[x·máscara] = x."""
    return (_generator.random(shape) >= rate) / (1.0 - rate)
