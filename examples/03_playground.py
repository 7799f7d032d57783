"""Ejemplo 3: los ejercicios de TensorFlow Playground del curso, con tinygrad_es.keras.

- Clases concéntricas con una capa oculta, primero con sigmoide y después con ReLU.
- XOR sin capa oculta (una sola neurona: no puede, su frontera es una recta) y con una (sí puede).
- La espiral, que pide más capas.
- Una regresión: el plano y = (x1 + x2) / 10.

Para cada ejercicio se imprime la exactitud (o el error, en la regresión) y se guarda la figura de
lo que la red predice en cada punto del plano, con la frontera de decisión.

    python examples/03_playground.py [--rapido] [--salida DIR]
"""
from _comun import argumentos, guardar
from tinygrad_es import keras, plot
from tinygrad_es.datasets import playground
from tinygrad_es.keras.layers import Dense


def red(ocultas, activacion, salida="sigmoid"):
    """Un perceptrón multicapa de 2 entradas: `ocultas` es la lista de neuronas de cada capa oculta."""
    capas = [keras.Input(shape=(2,))]
    capas += [Dense(n, activation=activacion) for n in ocultas]
    capas.append(Dense(1, activation=salida))
    return keras.Sequential(capas)


# nombre: (datos, capas ocultas, activación, épocas completas, archivo de la figura)
EJERCICIOS = [
    ("Círculos, 1 capa oculta, sigmoide", playground.circles, [4], "sigmoid", 150, "circulos_sigmoid.png"),
    ("Círculos, 1 capa oculta, ReLU", playground.circles, [4], "relu", 150, "circulos_relu.png"),
    ("XOR sin capa oculta", playground.xor, [], "relu", 100, "xor_sin_oculta.png"),
    ("XOR con una capa oculta", playground.xor, [8], "relu", 100, "xor_con_oculta.png"),
    ("Espiral, 3 capas ocultas", playground.spiral, [16, 16, 16], "relu", 300, "espiral.png"),
]


# --rapido: la mitad de los puntos y la quinta parte de las épocas, y aun así cada red aprende lo que
# enseña el ejercicio (y la que no puede, como XOR sin capa oculta, sigue sin poder).
PUNTOS, PUNTOS_RAPIDO, DIVISOR_RAPIDO = 400, 200, 5


def clasificacion(args, nombre, datos, ocultas, activacion, epocas, archivo):
    X, y = datos(n=PUNTOS_RAPIDO if args.rapido else PUNTOS, noise=0.05, seed=1)
    keras.utils.set_random_seed(0)
    modelo = red(ocultas, activacion)
    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=0.03), loss="binary_crossentropy",
                   metrics=["accuracy"])
    modelo.fit(X, y, batch_size=10, epochs=epocas // DIVISOR_RAPIDO if args.rapido else epocas, verbose=0)
    perdida, exactitud = modelo.evaluate(X, y, verbose=0)
    print(f"{nombre}: pérdida {perdida:.4f}, exactitud {exactitud:.3f}")
    guardar(plot.decision_boundary(modelo, X, y, title=f"{nombre}\nexactitud {exactitud:.2f}"), args, archivo)


def regresion(args):
    X, y = playground.regression_plane(n=PUNTOS_RAPIDO if args.rapido else PUNTOS, noise=0.0, seed=1)
    keras.utils.set_random_seed(0)
    modelo = red([4], "tanh", salida="linear")
    modelo.compile(optimizer=keras.optimizers.Adam(learning_rate=0.03), loss="mse")
    epocas = 100
    modelo.fit(X, y, batch_size=10, epochs=epocas // DIVISOR_RAPIDO if args.rapido else epocas, verbose=0)
    error = modelo.evaluate(X, y, verbose=0)
    print(f"Regresión (plano y = (x1 + x2)/10), 1 capa oculta tanh: error cuadrático medio {error:.5f}")
    guardar(plot.decision_boundary(modelo, X, y, threshold=0.0, title=f"Regresión: ECM {error:.4f}"),
            args, "regresion.png")


def main():
    args = argumentos(__doc__.splitlines()[0], rapido=f"{PUNTOS_RAPIDO} puntos en vez de {PUNTOS} y la quinta "
                      "parte de las épocas de cada ejercicio")
    for ejercicio in EJERCICIOS:
        clasificacion(args, *ejercicio)
    regresion(args)
    print("\nUna sola neurona solo dibuja rectas: XOR necesita una capa oculta, y la espiral, varias.")


if __name__ == "__main__":
    main()
