"""Ejemplo 5: la red convolucional del curso sobre MNIST (o Fashion-MNIST).

Cinco convoluciones 3x3 (32, 32, 64, 64, 64 filtros) con tres max-poolings 2x2, Flatten,
Dropout(0.5) y Dense(10, softmax); Adam, lotes de 128, 5 épocas, validation_split=0.1. Muestra
el resumen (102.570 parámetros), la barra de progreso y la pérdida y exactitud en test, y guarda
cinco imágenes de test con su predicción, las curvas de entrenamiento, los filtros de la primera
capa y los mapas de características que esos filtros producen sobre una imagen.

    python examples/05_cnn.py [--dataset fashion_mnist] [--rapido] [--salida DIR]
"""
import time

import numpy as np

from _comun import argumentos, cargar_imagenes, guardar, informe_de_test
from tinygrad_es import keras, plot
from tinygrad_es.keras import layers

num_classes = 10
input_shape = (28, 28, 1)
batch_size = 128
epochs = 5
# --rapido: unos segundos, y aun así la red pasa claramente del azar (10 %).
N_RAPIDO, N_TEST_RAPIDO, EPOCAS_RAPIDO = 3000, 500, 2


def main():
    args = argumentos(__doc__.splitlines()[0], con_dataset=True,
                      rapido=f"{N_RAPIDO} imágenes de entrenamiento, {N_TEST_RAPIDO} de test y "
                             f"{EPOCAS_RAPIDO} épocas")
    ((x_train, y_train), (x_test, y_test)), nombres = cargar_imagenes(args)
    if args.rapido:
        x_train, y_train = x_train[:N_RAPIDO], y_train[:N_RAPIDO]
        x_test, y_test = x_test[:N_TEST_RAPIDO], y_test[:N_TEST_RAPIDO]
    print(f"Datos: {args.dataset}")

    # Valores entre 0 y 1, y un eje de canal al final: (N, 28, 28, 1), como espera Conv2D.
    x_train = np.expand_dims(x_train.astype("float32") / 255, -1)
    x_test = np.expand_dims(x_test.astype("float32") / 255, -1)
    print("forma de x_train:", x_train.shape)
    print(x_train.shape[0], "muestras de entrenamiento")
    print(x_test.shape[0], "muestras de prueba")
    etiquetas_test = y_test
    y_train = keras.utils.to_categorical(y_train, num_classes)
    y_test = keras.utils.to_categorical(y_test, num_classes)

    keras.utils.set_random_seed(40)
    model = keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ])
    model.summary()

    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    epocas = EPOCAS_RAPIDO if args.rapido else epochs
    inicio = time.perf_counter()
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epocas, validation_split=0.1)
    por_epoca = (time.perf_counter() - inicio) / epocas
    print(f"Tiempo por época: {por_epoca:.2f} s")
    indices = informe_de_test(model, x_test, y_test, etiquetas_test, nombres, history, "Red convolucional", args,
                              semilla=40)

    # Lo que ha aprendido la primera capa: sus 32 filtros 3x3 y lo que ve en una imagen.
    primera = model.layers[0]
    guardar(plot.conv_filters(primera.get_weights()[0], title="Filtros de la primera convolución"),
            args, "filtros.png")
    mapas = primera(x_test[indices[:1]])
    guardar(plot.feature_maps(mapas, title=f"Mapas de la primera convolución ({nombres[etiquetas_test[indices[0]]]})"),
            args, "mapas_de_caracteristicas.png")


if __name__ == "__main__":
    main()
