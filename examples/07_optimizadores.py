"""Ejemplo 7: los siete optimizadores del curso sobre el mismo problema y desde los mismos pesos.

SGD (con momentum), RMSprop, Adagrad, Adadelta, Adam, Adamax y Nadam entrenan la misma red
(2 → 16 tanh → 16 tanh → 1 sigmoide) sobre los círculos concéntricos de Playground. Todas parten
de los mismos pesos iniciales y ven los lotes en el mismo orden: lo único que cambia es la regla
de actualización. Las tasas de aprendizaje son las que lista el curso. Una figura compara las
curvas de pérdida.

    python examples/07_optimizadores.py [--rapido] [--salida DIR]
"""
from matplotlib.figure import Figure

from _comun import argumentos, guardar
from tinygrad_es import keras
from tinygrad_es.datasets import playground
from tinygrad_es.keras import optimizers
from tinygrad_es.keras.layers import Dense

# Los siete del curso, con sus tasas de aprendizaje.
OPTIMIZADORES = {
    "SGD": lambda: optimizers.SGD(learning_rate=0.01, momentum=0.9),
    "RMSprop": lambda: optimizers.RMSprop(learning_rate=0.001),
    "Adagrad": lambda: optimizers.Adagrad(learning_rate=0.01),
    "Adadelta": lambda: optimizers.Adadelta(learning_rate=1.0),
    "Adam": lambda: optimizers.Adam(learning_rate=0.001),
    "Adamax": lambda: optimizers.Adamax(learning_rate=0.002),
    "Nadam": lambda: optimizers.Nadam(learning_rate=0.002),
}


def red():
    return keras.Sequential([
        keras.Input(shape=(2,)),
        Dense(16, activation="tanh"),
        Dense(16, activation="tanh"),
        Dense(1, activation="sigmoid"),
    ])


# --rapido: menos puntos y épocas, pero las suficientes para que se vea qué regla aprende más deprisa.
PUNTOS, EPOCAS = 500, 60
PUNTOS_RAPIDO, EPOCAS_RAPIDO = 300, 40


def main():
    args = argumentos(__doc__.splitlines()[0],
                      rapido=f"{PUNTOS_RAPIDO} puntos y {EPOCAS_RAPIDO} épocas (en vez de {PUNTOS} y {EPOCAS})")
    X, y = playground.circles(n=PUNTOS_RAPIDO if args.rapido else PUNTOS, noise=0.05, seed=0)
    epocas = EPOCAS_RAPIDO if args.rapido else EPOCAS

    keras.utils.set_random_seed(0)
    pesos_iniciales = red().get_weights()

    curvas = {}
    print(f"{'optimizador':<10} {'pérdida final':>14} {'exactitud':>10}")
    for nombre, crear in OPTIMIZADORES.items():
        modelo = red()
        modelo.set_weights(pesos_iniciales)  # todos empiezan en el mismo punto
        modelo.compile(optimizer=crear(), loss="binary_crossentropy", metrics=["accuracy"])
        keras.utils.set_random_seed(1)  # y barajan los lotes igual
        historia = modelo.fit(X, y, batch_size=32, epochs=epocas, verbose=0)
        curvas[nombre] = historia.history["loss"]
        print(f"{nombre:<10} {curvas[nombre][-1]:>14.4f} {historia.history['accuracy'][-1]:>10.3f}")
    print("(pérdida final: entropía cruzada binaria media de la última época)")

    fig = Figure(figsize=(7, 4.5))
    eje = fig.add_subplot()
    for nombre, perdidas in curvas.items():
        eje.plot(range(1, len(perdidas) + 1), perdidas, marker="." if len(perdidas) < 10 else None, label=nombre)
    eje.set(xlabel="época", ylabel="pérdida (entropía cruzada binaria)", yscale="log",
            title="Siete optimizadores, mismos pesos iniciales, mismos lotes")
    eje.grid(True, which="both", alpha=0.3)
    eje.legend()
    fig.tight_layout()
    guardar(fig, args, "optimizadores.png")


if __name__ == "__main__":
    main()
