"""`python -m tinygrad_es`: una red pequeña aprende a separar dos círculos concéntricos.

Sin descargas: los datos se generan aquí. Es el bucle de entrenamiento completo escrito a
mano con el Tensor (forward, pérdida, backward, descenso de gradiente), el mismo que
`keras.Model.fit` ejecuta por dentro.
"""
import time

import numpy as np

from . import Tensor, manual_seed, no_grad
from .cli import ArgumentParser


def circles(n, rng):
    """Puntos dentro de un círculo de radio 0.5 (clase 1) y en un anillo entre 0.7 y 1 (clase 0)."""
    radius = np.concatenate([rng.uniform(0, 0.5, n // 2), rng.uniform(0.7, 1.0, n - n // 2)])
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1).astype(np.float32)
    y = (radius < 0.6).astype(np.float32)[:, None]
    return x, y


def main(argv=None):
    parser = ArgumentParser(prog="python -m tinygrad_es",
                            description="Demostración de tinygrad_es: una red aprende a separar dos círculos "
                                        "concéntricos generados al momento (sin descargas).")
    parser.add_argument("--epocas", type=int, default=30, help="épocas de entrenamiento (por defecto: 30)")
    parser.add_argument("--semilla", type=int, default=0,
                        help="semilla de los datos y de los pesos iniciales (por defecto: 0)")
    args = parser.parse_args(argv)

    manual_seed(args.semilla)
    rng = np.random.default_rng(args.semilla)
    x, y = circles(512, rng)
    print("tinygrad_es: una red 2 -> 16 (tanh) -> 1 (sigmoide) aprende a separar dos círculos")
    print(f"datos: {len(x)} puntos generados, sin descargas\n")

    # Pesos: Glorot uniforme, como Dense en Keras.
    def glorot(fan_in, fan_out):
        limit = np.sqrt(6 / (fan_in + fan_out))
        return Tensor(rng.uniform(-limit, limit, (fan_in, fan_out)), requires_grad=True)

    w1, b1 = glorot(2, 16), Tensor(np.zeros(16), requires_grad=True)
    w2, b2 = glorot(16, 1), Tensor(np.zeros(1), requires_grad=True)
    params = [w1, b1, w2, b2]

    def model(inputs):
        return ((inputs @ w1 + b1).tanh() @ w2 + b2).sigmoid()

    learning_rate, batch = 0.5, 32
    start = time.perf_counter()
    for epoch in range(1, args.epocas + 1):
        order = rng.permutation(len(x))
        total = 0.0
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            p = model(Tensor(x[idx])).clip(1e-7, 1 - 1e-7)
            target = Tensor(y[idx])
            loss = -(target * p.log() + (1 - target) * (1 - p).log()).mean()  # entropía cruzada binaria
            for t in params:
                t.grad = None
            loss.backward()
            with no_grad():  # descenso de gradiente: w <- w - lr * dL/dw
                for t in params:
                    t.data -= learning_rate * t.grad.data
            total += loss.item() * len(idx)
        if epoch == 1 or epoch % 5 == 0:
            with no_grad():
                accuracy = ((model(Tensor(x)).data > 0.5) == (y > 0.5)).mean()
            print(f"época {epoch:3d}/{args.epocas} - pérdida: {total / len(x):.4f} - exactitud: {accuracy:.4f}")
    print(f"\nentrenada en {time.perf_counter() - start:.1f} s. Siguiente paso: la API de Keras en tinygrad_es.keras")


if __name__ == "__main__":
    main()
