"""Ejemplo 4: el perceptrón multicapa del curso sobre MNIST (o Fashion-MNIST).

784 → Dense(16, relu) → Dropout(0.2) → Dense(32, relu) → Dropout(0.2) → Dense(10, softmax),
RMSprop, lotes de 64, 5 épocas, validando con el conjunto de prueba. Muestra el resumen del
modelo, la barra de progreso, la pérdida y la exactitud en test, y guarda cinco imágenes de test
con su etiqueta y la predicción, y las curvas de entrenamiento.

    python examples/04_mnist_mlp.py [--dataset fashion_mnist] [--rapido] [--salida DIR]
"""
import time

from _comun import argumentos, cargar_imagenes, informe_de_test
from tinygrad_es import keras
from tinygrad_es.keras.layers import Dense, Dropout, Input
from tinygrad_es.keras.models import Sequential
from tinygrad_es.keras.optimizers import RMSprop

batch_size = 64
num_classes = 10
epochs = 5
# --rapido: unos segundos, y aun así la red pasa claramente del azar (10 %).
N_RAPIDO, N_TEST_RAPIDO, EPOCAS_RAPIDO = 6000, 1000, 2


def main():
    args = argumentos(__doc__.splitlines()[0], con_dataset=True,
                      rapido=f"{N_RAPIDO} imágenes de entrenamiento, {N_TEST_RAPIDO} de test y "
                             f"{EPOCAS_RAPIDO} épocas")
    ((x_train, y_train), (x_test, y_test)), nombres = cargar_imagenes(args)
    if args.rapido:
        x_train, y_train = x_train[:N_RAPIDO], y_train[:N_RAPIDO]
        x_test, y_test = x_test[:N_TEST_RAPIDO], y_test[:N_TEST_RAPIDO]
    print(f"Datos: {args.dataset}")

    # Las imágenes de 28x28 se aplanan a vectores de 784 valores entre 0 y 1.
    x_train = x_train.reshape(len(x_train), 784).astype("float32") / 255
    x_test = x_test.reshape(len(x_test), 784).astype("float32") / 255
    print(x_train.shape[0], "muestras de entrenamiento")
    print(x_test.shape[0], "muestras de prueba")
    etiquetas_test = y_test
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    keras.utils.set_random_seed(42)
    model = Sequential()
    model.add(Input(shape=(784,)))
    model.add(Dense(16, activation="relu"))
    model.add(Dropout(0.2))
    model.add(Dense(32, activation="relu"))
    model.add(Dropout(0.2))
    model.add(Dense(num_classes, activation="softmax"))
    model.summary()

    model.compile(loss="categorical_crossentropy", optimizer=RMSprop(), metrics=["accuracy"])
    epocas = EPOCAS_RAPIDO if args.rapido else epochs
    inicio = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epocas, verbose=1,
                        validation_data=(x_test, y_test))
    por_epoca = (time.perf_counter() - inicio) / epocas
    print(f"Tiempo por época: {por_epoca:.2f} s")
    informe_de_test(model, x_test, y_test, etiquetas_test, nombres, history, "Perceptrón multicapa", args,
                    semilla=42)


if __name__ == "__main__":
    main()
