"""Entrenar las tres redes del curso: tiempo por paso, muestras por segundo y memoria, frente a PyTorch.

    python benchmarks/train.py              # 30 pasos medidos por red (tras 3 de calentamiento), dos tablas
    python benchmarks/train.py --pasos 100
    python benchmarks/train.py --keras      # y Keras 3 (con TensorFlow en la CPU) como segundo marco
    python benchmarks/train.py --rapido     # 2 pasos: solo comprueba que todo corre (prueba de humo)
    python benchmarks/train.py --ejecuciones 5 --markdown benchmarks/resultados/train.md   # la tabla de los docs

Las tres redes, con los datos aleatorios en memoria y los tamaños de lote del curso:

- MLP: 784-16-32-10, Dropout 0.2, softmax, RMSprop(), lote 64, métrica accuracy.
- CNN: cinco Conv2D 3×3 ReLU (32, 32, 64, 64, 64) con tres MaxPooling2D 2×2, Flatten,
  Dropout 0.5, Dense 10 softmax; Adam(), lote 128, entrada 28×28×1, métrica accuracy.
- LSTM: 40 pasos de 57 caracteres en one-hot, LSTM(128), Dense 57 softmax;
  RMSprop(learning_rate=0.01), lote 128.

En tinygrad_es es un `model.fit` de verdad (una época sobre los datos, un callback anota el
tiempo de cada lote); con --keras, el mismo código con Keras 3 (`import keras`, el backend de
KERAS_BACKEND; TensorFlow por defecto), si está instalado: nunca es una dependencia. En PyTorch, el bucle equivalente en modo eager con la misma red, la
misma inicialización (Glorot uniforme; ortogonal en el núcleo recurrente; sesgo de olvido 1),
la misma pérdida de Keras (softmax, recorte a [1e-7, 1-1e-7], -Σ y·log p) y los mismos
optimizadores con los épsilon de Keras (1e-7; en RMSprop, rho = alpha = 0.9).

Memoria del proceso: mientras `fit` entrena, tinygrad_es ajusta el malloc de glibc para
reutilizar la memoria de un paso al siguiente en lugar de devolverla al sistema
(tinygrad_es/runtime/memory.py); PyTorch se mide tal como viene. Con --mismo-malloc, el proceso de PyTorch recibe el mismo
ajuste (por variables de entorno de glibc), para ver cuánto de la diferencia es solo eso.

Cada pareja (marco, red) corre en su PROPIO proceso: así el pico de memoria residente (VmHWM de
/proc/self/status, o ru_maxrss) es solo suyo. Se imprimen dos memorias: el pico total del proceso
(incluye el intérprete, NumPy/Numba o PyTorch y los datos) y lo que el entrenamiento sube por
encima de lo que el proceso ya ocupaba al empezar a entrenar.

Tiempo por paso: la mediana de los pasos medidos, en tiempo de reloj (perf_counter) y en tiempo
de CPU del proceso (process_time, todos sus hilos). Dos tablas: con todos los hilos (tinygrad_es
con los de Numba, PyTorch con los suyos, salvo el MLP, en un hilo, con el que va más rápido) y
con un solo hilo en los dos marcos. En una máquina compartida la segunda es la más estable: con
un hilo, el tiempo de CPU apenas cambia con la carga de otros programas, mientras que el reparto
entre hilos depende de cuántos núcleos quedan libres en cada momento.

GFLOP/s: los FLOPs del paso de la CNN (convoluciones y Dense) entre su tiempo de reloj, al lado
de los del producto float32 1024×1024 de NumPy medido en el mismo proceso, antes de importar el
marco (con los hilos de BLAS por defecto de esa tabla). Son los FLOPs de la convolución directa:
con Winograd (ver docs/08-kernels.md) tinygrad_es hace menos multiplicaciones, así que su cifra
puede pasar de la del producto de matrices.

Primer paso: al final, lo que el primer paso de `fit` tarda de más sobre un paso normal, en
tinygrad_es: con la caché de Numba vacía (un directorio NUMBA_CACHE_DIR nuevo: lo que paga una
instalación recién hecha, casi todo compilar los kernels) y con la caché ya llena (un proceso
nuevo que carga el código compilado).

Varias ejecuciones: con --ejecuciones N, todo lo anterior N veces seguidas (cada una imprime sus
tablas) y al final un resumen con el rango (mínimo-máximo) de cada número. Con --markdown RUTA,
ese resumen se escribe también como Markdown: es el archivo que incluye la página 8 de los docs
(`benchmarks/resultados/train.md`).
"""
import json
import os
import resource
import statistics
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

import summary
from common import CHARS, CNN_CONVS, STEPS, UNITS, argument_parser, child_arguments, course_model, write_text

MODELS = ("mlp", "cnn", "lstm")
NAMES = summary.NAMES
BATCH = {"mlp": 64, "cnn": 128, "lstm": 128}
TITLES = {"mlp": "MLP 784-16-32-10 (lote 64)", "cnn": "CNN del curso (lote 128)",
          "lstm": "LSTM 128, 40×57 (lote 128)"}


# ================================================================ datos (iguales en los dos marcos)
def make_data(model, batches, seed=0):
    """x, y en NumPy float32 (imágenes con canales al final, como Keras) para `batches` lotes."""
    rng = np.random.default_rng(seed)
    n = batches * BATCH[model]
    if model == "mlp":
        x, classes = rng.random((n, 784), dtype=np.float32), 10
    elif model == "cnn":
        x, classes = rng.random((n, 28, 28, 1), dtype=np.float32), 10
    else:
        x, classes = np.eye(CHARS, dtype=np.float32)[rng.integers(0, CHARS, (n, STEPS))], CHARS
    y = np.eye(classes, dtype=np.float32)[rng.integers(0, classes, n)]
    return x, y


# ================================================================ memoria
def _status_kib(field):
    """Un campo de /proc/self/status en KiB (VmRSS, VmHWM), o None si no existe (no es Linux)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def current_rss_mib():
    kib = _status_kib("VmRSS")
    return None if kib is None else kib / 1024


def peak_rss_mib():
    """El pico de memoria residente de este proceso: VmHWM (Linux) o ru_maxrss (KiB en Linux, bytes en macOS)."""
    kib = _status_kib("VmHWM")
    if kib is not None:
        return kib / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def reset_peak_rss():
    """Pone el pico (VmHWM) al valor actual escribiendo 5 en clear_refs (Linux >= 4.0); dice si pudo."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


# ================================================================ tinygrad_es.keras y Keras
def keras_model(model):
    from tinygrad_es import keras

    return course_model(keras, model)


def train_keras(model, x, y, keras=None):
    """model.fit de una época con `keras` (tinygrad_es.keras si no se da); devuelve [(reloj, cpu) por lote]
    medidos por un callback."""
    if keras is None:
        from tinygrad_es import keras

    class StepTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times = []

        def on_train_batch_begin(self, batch, logs=None):
            self.start = (time.perf_counter(), time.process_time())

        def on_train_batch_end(self, batch, logs=None):
            self.times.append((time.perf_counter() - self.start[0], time.process_time() - self.start[1]))

    net = course_model(keras, model)
    timer = StepTimer()
    net.fit(x, y, batch_size=BATCH[model], epochs=1, verbose=0, shuffle=False, callbacks=[timer])
    return timer.times


def train_tf_keras(model, x, y):
    """Lo mismo con Keras 3 de verdad; con OMP_NUM_THREADS=1, TensorFlow también en un hilo."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    if os.environ.get("OMP_NUM_THREADS") == "1" and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    keras.utils.set_random_seed(0)
    return train_keras(model, x, y, keras)


# ================================================================ PyTorch
def torch_model(torch, model):
    """La misma red en PyTorch (canales primero en la CNN) con la inicialización de Keras."""
    nn = torch.nn
    if model == "mlp":
        net = nn.Sequential(nn.Linear(784, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 32), nn.ReLU(),
                            nn.Dropout(0.2), nn.Linear(32, 10), nn.Softmax(-1))
    elif model == "cnn":
        stack, channels = [], 1
        for f in CNN_CONVS:
            if f == "pool":
                stack.append(nn.MaxPool2d(2))
            else:
                stack += [nn.Conv2d(channels, f, 3), nn.ReLU()]
                channels = f
        net = nn.Sequential(*stack, nn.Flatten(), nn.Dropout(0.5), nn.Linear(channels, 10), nn.Softmax(-1))
    else:
        class CharLSTM(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(CHARS, UNITS, batch_first=True)
                self.dense = nn.Linear(UNITS, CHARS)

            def forward(self, x):
                return torch.softmax(self.dense(self.lstm(x)[1][0][0]), -1)

        net = CharLSTM()
    with torch.no_grad():
        for name, p in net.named_parameters():
            if "weight_hh" in name:
                for gate in p.view(4, UNITS, UNITS):  # Keras: ortogonal sobre (u, 4u); aquí, por bloques
                    nn.init.orthogonal_(gate)
            elif "weight" in name:
                nn.init.xavier_uniform_(p)
            else:
                p.zero_()
        if model == "lstm":
            net.lstm.bias_ih_l0[UNITS:2 * UNITS] = 1.0  # unit_forget_bias de Keras
    if model == "cnn":
        opt = torch.optim.Adam(net.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-7)
    else:
        lr = 0.01 if model == "lstm" else 0.001
        opt = torch.optim.RMSprop(net.parameters(), lr=lr, alpha=0.9, eps=1e-7)
    return net, opt


def train_torch(model, x, y):
    """El bucle de entrenamiento equivalente a fit; devuelve [(reloj, cpu) por lote]."""
    import torch

    if model == "mlp" or os.environ.get("OMP_NUM_THREADS") == "1":
        torch.set_num_threads(1)
    torch.manual_seed(0)
    net, opt = torch_model(torch, model)
    net.train()
    if model == "cnn":
        x = x.transpose(0, 3, 1, 2).copy()  # PyTorch quiere (N, C, H, W)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    batch, times = BATCH[model], []
    for start in range(0, len(x), batch):
        t0 = (time.perf_counter(), time.process_time())
        xb, yb = tx[start:start + batch], ty[start:start + batch]
        opt.zero_grad()
        p = net(xb).clamp(1e-7, 1 - 1e-7)
        loss = -(yb * p.log()).sum(-1).mean()  # categorical_crossentropy de Keras
        loss.backward()
        opt.step()
        float(loss.detach())  # como fit: la pérdida (y la accuracy) del lote, en números de Python
        if model != "lstm":
            (p.argmax(-1) == yb.argmax(-1)).float().mean().item()
        times.append((time.perf_counter() - t0[0], time.process_time() - t0[1]))
    return times


# ================================================================ un proceso por (marco, red)
def child(framework, model, steps, warmup):
    """Entrena en este proceso y escribe una línea JSON con los tiempos y la memoria."""
    x, y = make_data(model, warmup + steps)
    # la referencia de GFLOP/s, con los hilos de BLAS que NumPy tiene por defecto en este proceso
    # (antes de entrenar: fit pone BLAS en un hilo mientras dura, ver tinygrad_es/runtime/threads.py)
    matmul_gflops = numpy_matmul_gflops() if model == "cnn" else None
    train = {"tinygrad_es": train_keras, "torch": train_torch, "keras": train_tf_keras}[framework]
    if framework == "tinygrad_es":
        import tinygrad_es.keras  # noqa: F401  (importar antes de medir la memoria de partida)
    elif framework == "torch":
        import torch  # noqa: F401
    before = current_rss_mib()
    reset = reset_peak_rss()
    all_times = train(model, x, y)
    peak = peak_rss_mib()
    times = all_times[warmup:]
    print(json.dumps({
        "wall": statistics.median(t[0] for t in times), "cpu": statistics.median(t[1] for t in times),
        "first_wall": all_times[0][0], "peak": peak, "growth": peak - before if reset and before is not None else None,
        "matmul_gflops": matmul_gflops,
    }))


ONE_THREAD_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                  "MKL_NUM_THREADS": "1"}


def run_child(framework, model, steps, warmup, one_thread, same_malloc=False, numba_cache=None):
    """Un proceso nuevo que entrena una red con un marco; con one_thread, todo (BLAS, Numba, PyTorch) en un hilo.

    same_malloc: PyTorch con el mismo ajuste de malloc que tinygrad_es hace mientras entrena.
    numba_cache: el directorio de la caché de Numba (NUMBA_CACHE_DIR) de ese proceso."""
    command = [sys.executable, os.path.abspath(__file__), "--hijo", framework, model, str(steps), str(warmup)]
    env = dict(os.environ)
    if numba_cache is not None:
        env["NUMBA_CACHE_DIR"] = numba_cache
    if one_thread:
        env.update(ONE_THREAD_ENV)
    if same_malloc and framework == "torch":
        from tinygrad_es.runtime import memory

        env.update(memory.glibc_environment())
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"El proceso de {framework}/{model} falló:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ================================================================ GFLOP/s
def cnn_step_flops():
    """FLOPs de un paso de la CNN (convoluciones y Dense; lo demás es despreciable).

    Cada conv hace 2·N·Ho·Wo·9·C·F en el forward, otro tanto para dW y otro para dx en el
    backward (salvo la primera, cuya entrada es el dato). La Dense: 2·N·64·10 por producto.
    """
    n, side, channels, total, first = BATCH["cnn"], 28, 1, 0, True
    for f in CNN_CONVS:
        if f == "pool":
            side //= 2
            continue
        side -= 2
        total += 2 * n * side * side * 9 * channels * f * (2 if first else 3)
        channels, first = f, False
    return total + 3 * 2 * n * channels * 10


def numpy_matmul_gflops(size=1024, repeats=5):
    """GFLOP/s del producto float32 (size × size) de NumPy en esta máquina: el mejor de `repeats`."""
    a = np.random.default_rng(0).standard_normal((size, size)).astype(np.float32)
    a @ a
    best = min(_timed(lambda: a @ a) for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ================================================================ tabla
def _ratio(a, b):
    return f"{a / b:6.2f}x" if a is not None and b else "     -"


def _ms(seconds):
    return f"{seconds * 1e3:9.2f}" if seconds is not None else "        -"


def _mib(value):
    return f"{value:8.0f}" if value is not None else "       -"


def print_table(results, models, peers):
    """Una fila por medida y red: tinygrad_es, cada marco de `peers` y la razón tinygrad_es/marco de cada uno."""
    columns = ["tinygrad_es", *peers]
    header = f"{'red':<28} {'medida':<26} " + " ".join(f"{NAMES[c]:>11}" for c in columns) + \
        "".join(f" {'razón/' + NAMES[p][:2]:>9}" for p in peers)
    print(header)
    print("-" * len(header))
    for model in models:
        measured = [results[(model, c)] for c in columns]
        rows = [("paso, reloj (ms, mediana)", "wall", _ms), ("paso, CPU (ms, mediana)", "cpu", _ms),
                ("muestras/s (reloj)", "rate", lambda v: f"{v:9.0f}"),
                ("pico de memoria (MiB)", "peak", _mib), ("memoria del entrenamiento (MiB)", "growth", _mib)]
        for k, (what, key, fmt) in enumerate(rows):
            values = [BATCH[model] / m["wall"] if key == "rate" else m[key] for m in measured]
            cells = " ".join(f"{fmt(v) if v is not None else '-':>11}" for v in values)
            ratios = "".join(f" {_ratio(values[0], v):>9}" for v in values[1:])
            print(f"{TITLES[model] if k == 0 else '':<28} {what:<26} {cells}{ratios}")
    if not peers:
        print("(sin otro marco: solo la columna de tinygrad_es)")
    print("muestras/s: la razón es tinygrad_es/marco (más de 1 = más rápido); en lo demás, tinygrad_es/marco "
          "(menos de 1 = mejor).")


def print_first_step(results, compile_results, models):
    """Lo que el primer paso de fit tarda de más sobre la mediana de un paso, con la caché de Numba vacía y llena."""
    print()
    print("Primer paso de fit en tinygrad_es, de más sobre un paso normal (compilar o cargar los kernels de Numba):")
    for model in models:
        cold, warm = compile_results[model], results[(model, "tinygrad_es")]
        print(f"  {TITLES[model]:<28} caché de Numba vacía {cold['first_wall'] - cold['wall']:6.2f} s; "
              f"caché llena {warm['first_wall'] - warm['wall']:6.2f} s")


def _numba_compile_runs(models, one_thread):
    """Una ejecución corta de tinygrad_es por red con una caché de Numba nueva y vacía (se borra al acabar)."""
    runs = {}
    for model in models:
        folder = tempfile.mkdtemp(prefix="tinygrad_es_numba_")
        try:
            runs[model] = run_child("tinygrad_es", model, 2, 1, one_thread, numba_cache=folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return runs


def main():
    internal = child_arguments("--hijo", ("marco", "red", "pasos", "calentamiento"))
    if internal:  # (un proceso hijo: mide una sola pareja)
        child(internal["marco"], internal["red"], int(internal["pasos"]), int(internal["calentamiento"]))
        return
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--pasos", type=int, default=30, help="pasos medidos por red (se da la mediana)")
    parser.add_argument("--calentamiento", type=int, default=3,
                        help="pasos previos que no se miden (compilación de Numba, cachés)")
    parser.add_argument("--rapido", action="store_true", help="2 pasos y 1 de calentamiento: prueba de humo")
    parser.add_argument("--modelos", nargs="+", choices=MODELS, default=list(MODELS), help="las redes que se miden")
    parser.add_argument("--sin-torch", action="store_true", help="no medir PyTorch aunque esté instalado")
    parser.add_argument("--keras", action="store_true",
                        help="medir también Keras 3 (el backend de KERAS_BACKEND, TensorFlow por defecto) si se puede "
                             "importar")
    parser.add_argument("--hilos", choices=("todos", "uno", "ambos"), default="ambos",
                        help="todos los hilos, uno solo (el tiempo de CPU más estable si la máquina está ocupada) "
                             "o las dos tablas (por defecto; con --rapido, solo 'todos')")
    parser.add_argument("--mismo-malloc", action="store_true",
                        help="PyTorch con el mismo ajuste de malloc que tinygrad_es (tinygrad_es/runtime/memory.py): "
                             "compara los marcos sin esa ventaja")
    parser.add_argument("--ejecuciones", type=int, default=1,
                        help="cuántas veces se mide todo; al final, el rango (mínimo-máximo) de cada número")
    parser.add_argument("--markdown", metavar="RUTA",
                        help="escribe el resumen en Markdown en RUTA (la tabla que incluye la página 8 de los docs)")
    args = parser.parse_args()
    if args.rapido:
        args.pasos, args.calentamiento = 2, 1
        if args.hilos == "ambos":
            args.hilos = "todos"
    if args.ejecuciones < 1:
        parser.error(f"argumento --ejecuciones: debe ser al menos 1 y es {args.ejecuciones}")

    peers, info = [], []
    if not args.sin_torch:
        torch_version = _version_of("torch")
        peers += ["torch"] if torch_version else []
        info.append(f"PyTorch {torch_version}" if torch_version else "PyTorch no instalado")
        if torch_version and args.mismo_malloc:
            info[-1] += ", con el malloc de tinygrad_es"
    if args.keras:
        keras_version = _version_of("keras")
        peers += ["keras"] if keras_version else []
        info.append(f"Keras {keras_version}" if keras_version else "Keras no se puede importar")
    info.append(f"NumPy con {_blas_info()}")
    load_before = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPU, carga media {load_before:.1f}; {'; '.join(info) or 'sin otros marcos'}; "
          f"{args.pasos} pasos medidos tras {args.calentamiento} de calentamiento")
    modes = {"todos": (False,), "uno": (True,), "ambos": (False, True)}[args.hilos]
    by_mode = {one_thread: [] for one_thread in modes}
    for run in range(args.ejecuciones):
        for one_thread in modes:
            print()
            print(f"Ejecución {run + 1} de {args.ejecuciones}. " if args.ejecuciones > 1 else "", end="")
            print("Un hilo en todos los marcos:" if one_thread else
                  "Todos los hilos (tinygrad_es: hilos de Numba; PyTorch: los suyos, uno en el MLP; Keras: los de su "
                  "backend):")
            results = {}
            for model in args.modelos:
                for framework in ("tinygrad_es", *peers):
                    results[(model, framework)] = run_child(framework, model, args.pasos, args.calentamiento,
                                                            one_thread, args.mismo_malloc)
            print_table(results, args.modelos, peers)
            if "cnn" in args.modelos:
                print_gflops(results, peers)
            by_mode[one_thread].append(results)
    compile_results = _numba_compile_runs(args.modelos, modes[-1])
    print_first_step(results, compile_results, args.modelos)
    if args.ejecuciones > 1:
        summary.print_ranges(by_mode, args.modelos, peers, TITLES, cnn_step_flops())
    if args.markdown:
        first_step = {m: (compile_results[m]["first_wall"] - compile_results[m]["wall"],
                          results[(m, "tinygrad_es")]["first_wall"] - results[(m, "tinygrad_es")]["wall"])
                      for m in args.modelos}
        context = (f"Medido el {time.strftime('%Y-%m-%d')} con `python benchmarks/train.py --ejecuciones "
                   f"{args.ejecuciones} --hilos {args.hilos}{' --keras' if args.keras else ''}` ({os.cpu_count()} CPU; {'; '.join(info) or 'sin otros marcos'}; "
                   f"{args.pasos} pasos medidos tras {args.calentamiento} de calentamiento; carga media de la "
                   f"máquina {load_before:.1f} al empezar y {os.getloadavg()[0]:.1f} al acabar). Cada número es el "
                   f"rango (mínimo-máximo) de las {args.ejecuciones} ejecuciones; la razón es tinygrad_es / marco "
                   "(menos de 1: tinygrad_es tarda menos).")
        text = summary.markdown(by_mode, args.modelos, peers, TITLES, cnn_step_flops(), first_step, context)
        write_text(args.markdown, text)
        print(f"\nResumen en Markdown escrito en {args.markdown}")


def _blas_info():
    """La BLAS de NumPy y los núcleos que eligió para esta CPU, p. ej. 'openblas 0.3.31 (núcleos Haswell)'.

    Los núcleos importan: una OpenBLAS que no reconoce la CPU usa los de una anterior (AVX2 donde
    habría AVX-512), y todos los productos de matrices de tinygrad_es van con ellos."""
    from threadpoolctl import threadpool_info

    found = [f"{lib['internal_api']} {lib['version']}" + (f" (núcleos {lib['architecture']})"
                                                          if lib.get("architecture") else "")
             for lib in threadpool_info() if lib["user_api"] == "blas"]
    return ", ".join(found) or "una BLAS que threadpoolctl no reconoce"


def _version_of(module):
    """La versión de `module` si se puede importar (en un proceso aparte: importarlo aquí tocaría este), o None."""
    out = subprocess.run([sys.executable, "-c", f"import {module}; print({module}.__version__)"], capture_output=True,
                         text=True, env=dict(os.environ, KERAS_BACKEND=os.environ.get("KERAS_BACKEND", "tensorflow"),
                                             TF_CPP_MIN_LOG_LEVEL="3"))
    return out.stdout.strip().splitlines()[-1] if out.returncode == 0 and out.stdout.strip() else None


def print_gflops(results, peers):
    """GFLOP/s del paso de la CNN (con su tiempo de reloj) al lado de los del matmul de NumPy (en su proceso)."""
    flops, blas = cnn_step_flops(), results[("cnn", "tinygrad_es")]["matmul_gflops"]
    ours = flops / results[("cnn", "tinygrad_es")]["wall"] / 1e9
    others = "".join(f", {NAMES[p]} {flops / results[('cnn', p)]['wall'] / 1e9:.1f} GFLOP/s" for p in peers)
    print(f"CNN: {flops / 1e9:.2f} GFLOP por paso; tinygrad_es {ours:.1f} GFLOP/s{others}; matmul float32 de NumPy "
          f"(1024×1024, hilos de BLAS por defecto): {blas:.1f} GFLOP/s (tinygrad_es llega al {ours / blas:.0%})")


if __name__ == "__main__":
    main()
