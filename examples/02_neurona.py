"""Ejemplo 2: una neurona, y = σ(wᵀx + b), y un perceptrón que aprende un problema linealmente separable.

Primero la neurona del curso con x = [0.4, 1.2, 3.5], w = [1.0, 2.0, 1.0] y b = 1.3 (en float64,
da 0.9994997988929205 como en el curso). Después una sola neurona sigmoide aprende, con descenso
de gradiente y el autograd de tinygrad_es, a separar dos nubes de puntos: su frontera es una recta.

    python examples/02_neurona.py [--rapido] [--salida DIR]
"""
import numpy as np

from _comun import argumentos, guardar
from tinygrad_es import Tensor, manual_seed, no_grad, plot
from tinygrad_es.datasets import playground


def neurona_del_curso():
    x = Tensor([0.4, 1.2, 3.5], dtype="float64")
    w = Tensor([1.0, 2.0, 1.0], dtype="float64")
    b = 1.3
    y = (w @ x + b).sigmoid()
    print("Neurona del curso: x = [0.4, 1.2, 3.5], w = [1.0, 2.0, 1.0], b = 1.3")
    print("y = σ(wᵀx + b) =", y.item())


class Perceptron:
    """Una neurona sigmoide sobre entradas de 2 características: p(clase 1 | x) = σ(x·w + b)."""

    def __init__(self):
        self.w = Tensor.randn(2, 1, requires_grad=True)
        self.b = Tensor.zeros(1, requires_grad=True)

    def __call__(self, x):
        return (x @ self.w + self.b).sigmoid()

    def predict(self, x):
        """Probabilidad de la clase 1 para un array de NumPy (la usa el dibujo de la frontera)."""
        with no_grad():
            return self(Tensor(np.asarray(x, dtype=np.float32))).data


def entrenar(modelo, X, y, epocas, tasa=0.5):
    """Descenso de gradiente sobre la entropía cruzada binaria; devuelve la pérdida de cada época."""
    x, objetivo = Tensor(X), Tensor(y.reshape(-1, 1).astype(np.float32))
    perdidas = []
    for _ in range(epocas):
        p = modelo(x).clip(1e-7, 1 - 1e-7)
        perdida = -(objetivo * p.log() + (1 - objetivo) * (1 - p).log()).mean()
        modelo.w.grad = modelo.b.grad = None
        perdida.backward()
        # El paso de descenso toca .data directamente: no forma parte del grafo.
        modelo.w.data -= tasa * modelo.w.grad.data
        modelo.b.data -= tasa * modelo.b.grad.data
        perdidas.append(perdida.item())
    return perdidas


def main():
    args = argumentos(__doc__.splitlines()[0], rapido="100 puntos y 30 épocas (en vez de 400 y 200)")
    neurona_del_curso()

    manual_seed(0)
    X, y = playground.gaussians(n=100 if args.rapido else 400, noise=0.1, seed=0)
    modelo = Perceptron()
    perdidas = entrenar(modelo, X, y, epocas=30 if args.rapido else 200)
    exactitud = float(np.mean((modelo.predict(X)[:, 0] > 0.5) == y))
    print(f"\nPerceptrón sobre dos nubes gaussianas ({len(X)} puntos):")
    print(f"pérdida inicial {perdidas[0]:.4f}, pérdida final {perdidas[-1]:.4f}, exactitud {exactitud:.3f}")
    w1, w2 = modelo.w.data[:, 0]
    print(f"Frontera aprendida: {w1:.3f}·x₁ {w2:+.3f}·x₂ {modelo.b.item():+.3f} = 0 (una recta)")

    fig = plot.decision_boundary(modelo, X, y, title=f"Perceptrón: exactitud {exactitud:.2f}")
    guardar(fig, args, "perceptron.png")


if __name__ == "__main__":
    main()
