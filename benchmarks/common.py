"""Utilidades compartidas por los benchmarks: mediana de repeticiones, PyTorch opcional, las redes del curso y la
línea de órdenes en español."""
import statistics
import sys
import time


def median_time(fn, repeat=30, warmup=3) -> float:
    """Mediana en segundos de `repeat` llamadas a fn() tras `warmup` llamadas de calentamiento."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def try_import_torch():
    """PyTorch es opcional: sin él se imprimen solo los tiempos de tinygrad_es."""
    try:
        import torch

        return torch
    except ImportError:
        return None


def ratio_line(name, ours, theirs) -> str:
    if theirs is None:
        return f"{name:<40} tinygrad_es {ours * 1e3:9.3f} ms   (PyTorch no instalado)"
    return (f"{name:<40} tinygrad_es {ours * 1e3:9.3f} ms   PyTorch {theirs * 1e3:9.3f} ms   "
            f"razón {ours / theirs:5.2f}x")


CNN_CONVS = (32, 32, "pool", 64, 64, "pool", 64, "pool")  # la pila del curso; "pool" = MaxPooling2D 2×2
STEPS, CHARS, UNITS = 40, 57, 128  # la LSTM del curso: 40 caracteres de 57 posibles, 128 unidades


def course_model(keras, name, chars=CHARS):
    """La red `name` del curso ('mlp', 'cnn', 'lstm') compilada como en los ejemplos 4, 5 y 6.

    `keras` es el módulo con el que construirla: tinygrad_es.keras o el keras de verdad (el mismo
    código para los dos, que es lo que se quiere comparar)."""
    layers = keras.layers
    if name == "mlp":
        net = keras.Sequential([keras.Input(shape=(784,)), layers.Dense(16, activation="relu"), layers.Dropout(0.2),
                                layers.Dense(32, activation="relu"), layers.Dropout(0.2),
                                layers.Dense(10, activation="softmax")])
        net.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.RMSprop(), metrics=["accuracy"])
    elif name == "cnn":
        stack = [layers.MaxPooling2D(pool_size=(2, 2)) if f == "pool" else
                 layers.Conv2D(f, kernel_size=(3, 3), activation="relu") for f in CNN_CONVS]
        net = keras.Sequential([keras.Input(shape=(28, 28, 1)), *stack, layers.Flatten(), layers.Dropout(0.5),
                                layers.Dense(10, activation="softmax")])
        net.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    else:
        net = keras.Sequential([keras.Input(shape=(STEPS, chars)), layers.LSTM(UNITS), layers.Dense(chars),
                                layers.Activation("softmax")])
        net.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.RMSprop(learning_rate=0.01))
    return net


def argument_parser(description):
    """El ArgumentParser de tinygrad_es: `--help` y los errores en español, como en los ejemplos (tinygrad_es/cli.py)."""
    from tinygrad_es.cli import ArgumentParser  # (aquí dentro: los procesos hijos no cargan tinygrad_es)

    return ArgumentParser(description=description)


def child_arguments(flag, names):
    """Si el script se llamó como proceso hijo (`script FLAG v1 v2 ...`), los valores como {nombre: valor}; si no, None.

    Los hijos se lanzan con argumentos fijos y no pasan por `parser`: así el proceso de PyTorch o de
    Keras no importa tinygrad_es (su memoria y sus tiempos son solo suyos)."""
    if sys.argv[1:2] != [flag]:
        return None
    values = sys.argv[2:]
    if len(values) != len(names):
        sys.exit(f"{flag} (uso interno) espera {len(names)} valores: {' '.join(names)}")
    return dict(zip(names, values))


def write_text(path, text):
    """Escribe `text` en `path` de una vez (atomic_write: nunca queda un archivo a medias)."""
    from tinygrad_es.files import atomic_write

    def write(temporary):
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(text)

    atomic_write(path, write)
