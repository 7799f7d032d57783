"""Ejemplo 6: la LSTM de caracteres del curso, que aprende a escribir como Nietzsche.

El texto se corta en secuencias de 40 caracteres (una cada 3) y la red, LSTM(128) → Dense →
softmax, aprende a predecir el carácter siguiente con RMSprop(learning_rate=0.01) en lotes de 128.
Al final de cada época, un LambdaCallback genera 400 caracteres a partir de una semilla del texto
con las diversidades (temperaturas) 0.2, 0.5, 1.0 y 1.2, como en el curso.

    python examples/06_lstm_texto.py [--rapido] [--salida DIR]
"""
import random
import sys
import time

from _comun import argumentos, faltan_datos, guardar
from tinygrad_es import keras, plot
from tinygrad_es.datasets import nietzsche
from tinygrad_es.keras.callbacks import LambdaCallback
from tinygrad_es.keras.layers import LSTM, Activation, Dense, Input
from tinygrad_es.keras.models import Sequential
from tinygrad_es.keras.optimizers import RMSprop

maxlen = 40
step = 3
# --rapido: un trozo del texto y pocas épocas, las justas para que la pérdida baje de la del azar (ln 57 ≈ 4.0).
CARACTERES_RAPIDO, EPOCAS_RAPIDO = 10_000, 3


def main():
    args = argumentos(__doc__.splitlines()[0],
                      rapido=f"los primeros {CARACTERES_RAPIDO} caracteres del texto, {EPOCAS_RAPIDO} épocas y 20 "
                             "caracteres generados")
    try:
        text = nietzsche.load_text()
    except OSError:  # el texto viaja con el paquete: solo falta si la instalación está incompleta
        faltan_datos(f"No se encontró el texto de Nietzsche ({nietzsche.PACKAGED}): reinstala tinygrad_es con "
                     "`pip install -e .` desde la carpeta del repositorio.")
    print("Longitud del corpus:", len(text))
    chars, char_indices, indices_char = nietzsche.vocabulary(text)
    print("Total de caracteres únicos:", len(chars))
    if args.rapido:
        text = text[:CARACTERES_RAPIDO]
    sentences, next_chars = nietzsche.make_sequences(text, maxlen=maxlen, step=step)
    print("Número de secuencias:", len(sentences))

    print("Vectorizando...")
    x, y = nietzsche.vectorize(sentences, next_chars, char_indices)

    print("Construyendo el modelo...")
    keras.utils.set_random_seed(0)
    random.seed(0)
    model = Sequential([
        Input(shape=(maxlen, len(chars))),
        LSTM(128),
        Dense(len(chars)),
        Activation("softmax"),
    ])
    model.compile(loss="categorical_crossentropy", optimizer=RMSprop(learning_rate=0.01))
    model.summary()
    caracteres_generados = 20 if args.rapido else 400
    reloj = {}

    def on_epoch_begin(epoch, logs):
        reloj["inicio"] = time.perf_counter()

    def on_epoch_end(epoch, logs):
        """Al final de cada época: texto generado desde una semilla al azar, con cuatro diversidades."""
        print(f"\n(época {epoch + 1}: {time.perf_counter() - reloj['inicio']:.1f} s de entrenamiento, "
              f"pérdida {logs['loss']:.4f})")
        print("----- Generando texto después de la época: %d" % epoch)
        start_index = random.randint(0, len(text) - maxlen - 1)
        for diversity in [0.2, 0.5, 1.0, 1.2]:
            print("----- diversidad:", diversity)
            sentence = text[start_index: start_index + maxlen]
            print('----- Generando con semilla: "' + sentence + '"')
            sys.stdout.write(sentence)
            for _ in range(caracteres_generados):
                x_pred = nietzsche.encode([sentence], char_indices, dtype="float32")
                preds = model.predict(x_pred, verbose=0)[0]
                next_char = indices_char[nietzsche.sample(preds, diversity)]
                sentence = sentence[1:] + next_char  # la ventana avanza un carácter
                sys.stdout.write(next_char)
                sys.stdout.flush()
            print()

    epocas = EPOCAS_RAPIDO if args.rapido else 2
    callback = LambdaCallback(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end)
    history = model.fit(x, y, batch_size=128, epochs=epocas, callbacks=[callback])
    print("Pérdida al final de cada época:", [round(v, 4) for v in history.history["loss"]])
    guardar(plot.history(history, title="LSTM sobre el texto de Nietzsche"), args, "perdida.png")


if __name__ == "__main__":
    main()
