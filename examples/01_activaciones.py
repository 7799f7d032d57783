"""Ejemplo 1: las funciones de activación del curso y sus derivadas, calculadas con autograd.

Sigmoide, ReLU, Leaky ReLU y tangente hiperbólica: se evalúan sobre una rejilla de valores, el
autograd de tinygrad_es calcula sus derivadas (sin escribir ninguna fórmula) y se dibujan juntas.
Al final se mide cuánto gradiente sobrevive al atravesar muchas capas (gradientes que se desvanecen).

    python examples/01_activaciones.py [--rapido] [--salida DIR]
"""
import numpy as np

from _comun import argumentos, guardar
from tinygrad_es import Tensor, plot

ACTIVACIONES = {
    "sigmoide": lambda t: t.sigmoid(),
    "relu": lambda t: t.relu(),
    "leaky_relu": lambda t: t.leaky_relu(0.1),  # α = 0.1 para que la pendiente negativa se vea
    "tanh": lambda t: t.tanh(),
}


def valor_y_derivada(funcion, x):
    """Salida y derivada elemento a elemento: d(Σ f(xᵢ))/dxᵢ = f'(xᵢ), porque cada xᵢ aparece una vez."""
    entrada = Tensor(x, requires_grad=True)
    salida = funcion(entrada)
    salida.sum().backward()
    return salida.data, entrada.grad.data


def gradiente_tras_capas(funcion, capas, x0=0.5):
    """|d salida / d entrada| de una cadena de `capas` activaciones seguidas (float64)."""
    entrada = Tensor([x0], dtype="float64", requires_grad=True)
    h = entrada
    for _ in range(capas):
        h = funcion(h)
    h.sum().backward()
    return abs(entrada.grad.item())


def main():
    args = argumentos(__doc__.splitlines()[0], rapido="las curvas con 101 puntos en vez de 401")
    x = np.linspace(-5, 5, 101 if args.rapido else 401, dtype=np.float32)

    print("Funciones de activación y sus derivadas (calculadas con autograd)")
    print(f"{'x':>6} " + " ".join(f"{n + ' (f, f′)':>21}" for n in ACTIVACIONES))
    curvas = {nombre: valor_y_derivada(f, x) for nombre, f in ACTIVACIONES.items()}
    for punto in (-2.0, 0.0, 2.0):
        i = int(np.argmin(np.abs(x - punto)))
        fila = " ".join(f"{curvas[n][0][i]:>10.4f} {curvas[n][1][i]:>10.4f}" for n in ACTIVACIONES)
        print(f"{x[i]:>6.1f} {fila}")

    derivada_sigmoide = curvas["sigmoide"][1]
    print(f"Máximo de la derivada de la sigmoide: {derivada_sigmoide.max():.4f} (en x = 0; la teoría dice 0.25)")

    fig = plot.activations({n: curvas[n][0] for n in ACTIVACIONES}, {n: curvas[n][1] for n in ACTIVACIONES}, x=x,
                           title="Activaciones y sus derivadas (autograd); leaky_relu con α = 0.1")
    guardar(fig, args, "activaciones.png")

    print("\nGradiente que llega a la entrada tras n capas (entrada 0.5):")
    for capas in (1, 5, 10, 20):
        medidas = "  ".join(f"{n}: {gradiente_tras_capas(ACTIVACIONES[n], capas):.2e}" for n in ("sigmoide", "tanh", "relu"))
        print(f"  {capas:2d} capas -> {medidas}")
    print("Con la sigmoide el gradiente se desvanece: cada capa lo multiplica por 0.25 como mucho.")


if __name__ == "__main__":
    main()
