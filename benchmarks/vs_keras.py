"""Las tres redes del curso con los datos completos, en tinygrad_es y en Keras: resultado y tiempo por época.

    python benchmarks/vs_keras.py                     # MLP, CNN y LSTM, 3 semillas cada marco (~1 h con Keras)
    python benchmarks/vs_keras.py --redes cnn --semillas 1
    python benchmarks/vs_keras.py --rapido            # pocos datos y una época: prueba de humo
    python benchmarks/vs_keras.py --markdown benchmarks/resultados/vs_keras.md   # la tabla de los docs

El mismo código de Keras (el de los ejemplos 4, 5 y 6) se ejecuta con `tinygrad_es.keras` y,
si está instalado, con `keras` (Keras 3, con el backend que diga KERAS_BACKEND; por ejemplo
`pip install keras jax` y KERAS_BACKEND=jax). Datos: Fashion-MNIST (el MLP y la CNN; MNIST no
se puede descargar en todas las máquinas) y el texto de Nietzsche (la LSTM), preparados una vez
por el proceso principal. Cada (marco, red, semilla) corre en su propio proceso: mientras
entrena, tinygrad_es ajusta los hilos de BLAS y el malloc del proceso (ver tinygrad_es/runtime/),
y Keras debe medirse aparte, con su memoria y sus hilos.

Se imprime, por red: la exactitud en test tras 5 épocas (MLP, CNN) o la pérdida de
entrenamiento tras 2 épocas (LSTM), de cada semilla, y los segundos por época. Las semillas
no dan los mismos pesos iniciales en los dos marcos (cada uno tiene su generador): lo que se
compara son las distribuciones, no las ejecuciones una a una. Con --markdown RUTA, lo mismo en
una tabla de Markdown: la que incluye la página 8 de los docs.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date

import numpy as np

from common import argument_parser, child_arguments, course_model, write_text

NETS = ("mlp", "cnn", "lstm")
EPOCHS = {"mlp": 5, "cnn": 5, "lstm": 2}
TITLES = {"mlp": "MLP del curso (exactitud en test)", "cnn": "CNN del curso (exactitud en test)",
          "lstm": "LSTM del curso (pérdida de entrenamiento en la última época)"}


# ================================================================ datos (en el proceso principal)
def prepare_data(folder, quick):
    """Escribe fashion.npz y nietzsche.npz en `folder` (con --rapido, unos pocos ejemplos)."""
    from tinygrad_es.datasets import nietzsche
    from tinygrad_es.keras.datasets import fashion_mnist

    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    if quick:
        x_train, y_train, x_test, y_test = x_train[:512], y_train[:512], x_test[:128], y_test[:128]
    np.savez(os.path.join(folder, "fashion.npz"), x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    text = nietzsche.load_text()
    if quick:
        text = text[:20_000]
    _, char_indices, _ = nietzsche.vocabulary(text)
    sentences, next_chars = nietzsche.make_sequences(text, maxlen=40, step=3)
    codes = np.array([[char_indices[c] for c in s] for s in sentences], dtype=np.uint8)
    np.savez(os.path.join(folder, "nietzsche.npz"), x=codes,
             y=np.array([char_indices[c] for c in next_chars], dtype=np.uint8), chars=len(char_indices))


# ================================================================ una ejecución (en su proceso)
def child(framework, net, seed, folder, epochs):
    """Entrena una red con un marco y una semilla; escribe una línea JSON con el resultado."""
    if framework == "keras":
        import keras
    else:
        from tinygrad_es import keras
    keras.utils.set_random_seed(seed)
    if net == "lstm":
        data = np.load(os.path.join(folder, "nietzsche.npz"))
        chars = int(data["chars"])
        one_hot = np.eye(chars, dtype=bool)  # bool: el corpus entero en float32 serían 1.8 GB (los dos marcos lo aceptan)
        model = course_model(keras, net, chars)
        start = time.perf_counter()
        history = model.fit(one_hot[data["x"]], one_hot[data["y"]], batch_size=128, epochs=epochs, verbose=0)
        seconds = time.perf_counter() - start
        result = history.history["loss"][-1]
    else:
        data = np.load(os.path.join(folder, "fashion.npz"))
        shape = (-1, 784) if net == "mlp" else (-1, 28, 28, 1)
        x_train, x_test = (data[k].reshape(shape).astype("float32") / 255 for k in ("x_train", "x_test"))
        y_train, y_test = (keras.utils.to_categorical(data[k], 10) for k in ("y_train", "y_test"))
        model = course_model(keras, net)
        start = time.perf_counter()
        if net == "mlp":  # como el ejemplo 4: validación con el test; el 5, con el 10 % final del entrenamiento
            model.fit(x_train, y_train, batch_size=64, epochs=epochs, verbose=0, validation_data=(x_test, y_test))
        else:
            model.fit(x_train, y_train, batch_size=128, epochs=epochs, verbose=0, validation_split=0.1)
        seconds = time.perf_counter() - start
        result = model.evaluate(x_test, y_test, verbose=0)[1]
    print(json.dumps({"result": float(result), "epoch_s": seconds / epochs}))


def run_child(framework, net, seed, folder, epochs):
    command = [sys.executable, os.path.abspath(__file__), "--hijo", framework, net, str(seed), folder, str(epochs)]
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"El proceso de {framework}/{net}/semilla {seed} falló:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ================================================================ tabla
def results(runs):
    """'0.8936, 0.8923 (media 0.8930)': el resultado de cada semilla y su media."""
    values = [r["result"] for r in runs]
    return f"{', '.join(f'{v:.4f}' for v in values)} (media {statistics.mean(values):.4f})"


def seconds_per_epoch(runs):
    return f"{statistics.median(r['epoch_s'] for r in runs):.1f}"


def summary(runs):
    return f"{results(runs)}; {seconds_per_epoch(runs)} s/época"


def markdown(by_net, frameworks, header_line):
    """La tabla de la página 8: por red, el resultado de cada marco y sus segundos por época (mediana)."""
    names = {"tinygrad_es": "tinygrad_es", "keras": "Keras"}
    lines = [header_line, "",
             "| red | " + " | ".join(names[f] for f in frameworks) + " | segundos por época (" +
             ", ".join(names[f] for f in frameworks) + ") |", "|" + " --- |" * (len(frameworks) + 2)]
    for net, by_framework in by_net.items():
        cells = [results(by_framework[f]) for f in frameworks]
        seconds = " frente a ".join(seconds_per_epoch(by_framework[f]) for f in frameworks)
        lines.append(f"| {TITLES[net]} | " + " | ".join(cells) + f" | {seconds} |")
    return "\n".join(lines) + "\n"


def main():
    internal = child_arguments("--hijo", ("marco", "red", "semilla", "carpeta", "epocas"))
    if internal:  # (un proceso hijo: una sola ejecución)
        child(internal["marco"], internal["red"], int(internal["semilla"]), internal["carpeta"], int(internal["epocas"]))
        return
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--redes", nargs="+", choices=NETS, default=list(NETS), help="las redes que se entrenan")
    parser.add_argument("--semillas", type=int, default=3, help="semillas por marco y red (0, 1, 2...)")
    parser.add_argument("--rapido", action="store_true", help="pocos datos, una época y una semilla")
    parser.add_argument("--markdown", metavar="RUTA",
                        help="escribe también los resultados en una tabla de Markdown en RUTA (la de los docs)")
    args = parser.parse_args()
    try:
        import keras
        frameworks, keras_info = ("tinygrad_es", "keras"), f"Keras {keras.__version__} ({keras.backend.backend()})"
    except ImportError:
        frameworks, keras_info = ("tinygrad_es",), "Keras no instalado: solo tinygrad_es"
    seeds = 1 if args.rapido else args.semillas
    context = f"{os.cpu_count()} CPU; {keras_info}; {seeds} semilla(s)" + (" (--rapido: pocos datos)" if args.rapido else "")
    print(context)
    load_at_start = os.getloadavg()[0]  # la carga de otros programas cambia los segundos por época: se anota
    by_net = {}
    with tempfile.TemporaryDirectory() as folder:
        prepare_data(folder, args.rapido)
        for net in args.redes:
            epochs = 1 if args.rapido else EPOCHS[net]
            print(TITLES[net])
            by_net[net] = {}
            for framework in frameworks:
                by_net[net][framework] = [run_child(framework, net, seed, folder, epochs) for seed in range(seeds)]
                print(f"  {framework:<12} {summary(by_net[net][framework])}")
    if args.markdown:
        measured = ("pocos datos y una época" if args.rapido else "los datos completos: exactitud en test tras 5 épocas "
                    "(MLP, CNN) o pérdida de entrenamiento tras 2 épocas (LSTM)")
        load = f"carga media de la máquina {load_at_start:.1f} al empezar y {os.getloadavg()[0]:.1f} al acabar"
        header = (f"Medido el {date.today().isoformat()} con `python benchmarks/vs_keras.py` ({context}; {load}), "
                  f"con {measured}; una cifra por semilla.")
        write_text(args.markdown, markdown(by_net, frameworks, header))
        print(f"Resultados en Markdown escritos en {args.markdown}")


if __name__ == "__main__":
    main()
