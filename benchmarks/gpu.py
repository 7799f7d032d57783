"""Tiempos en una GPU NVIDIA: los pasos de entrenamiento de Keras del curso (CNN de MNIST y LSTM de Nietzsche).

Para ejecutar en una máquina con GPU (y `pip install -e ".[cuda,dev]"`):

    python benchmarks/gpu.py                  # pruebas en la GPU real + tiempos
    python benchmarks/gpu.py --sin-pruebas    # sólo los tiempos
    NUMBA_ENABLE_CUDASIM=1 python benchmarks/gpu.py --comprobar   # sin GPU: ¿entrenar en "GPU" = en CPU?

Qué mide: un `model.fit` de verdad de las redes del curso (las mismas de benchmarks/train.py:
CNN de cinco Conv2D con Adam, lote 128; LSTM(128) sobre 40×57 con RMSprop, lote 128) con el
modelo creado en 'cuda' (`set_default_device('cuda')`: pesos y estado del optimizador en la
GPU, cada lote copiado una vez y la pérdida leída una vez por lote) y en 'cpu', y el mismo
bucle con PyTorch en CUDA como referencia. Un callback anota el tiempo de cada lote; leer la
pérdida espera a que la GPU acabe, así que el tiempo es el del paso entero.

Objetivos del issue: CNN en GPU >= 10x más rápida que en CPU y a <= 3x de PyTorch CUDA.
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import train as course  # las redes y los datos del curso (benchmarks/train.py)
from common import argument_parser, try_import_torch
from tinygrad_es.runtime import cuda as tg_cuda

ROOT = Path(__file__).resolve().parents[1]
WARMUP = 2  # lotes sin medir: compilación de los kernels (Numba y CUDA)


# ================================================================ tinygrad_es en un dispositivo
def keras_step_times(model, device, steps):
    """Tiempos por lote de una época de model.fit con la red del curso creada en `device`."""
    import tinygrad_es

    tinygrad_es.set_default_device(device)
    try:
        tinygrad_es.manual_seed(0)
        x, y = course.make_data(model, WARMUP + steps)
        return [wall for wall, _ in course.train_keras(model, x, y)[WARMUP:]]
    finally:
        tinygrad_es.set_default_device("cpu")


# ================================================================ PyTorch en CUDA
def torch_cuda_step_times(torch, model, steps):
    """El bucle equivalente a fit (benchmarks/train.py), con la red y los lotes en la GPU."""
    net, opt = course.torch_model(torch, model)
    net.to("cuda").train()
    x, y = course.make_data(model, WARMUP + steps)
    if model == "cnn":
        x = x.transpose(0, 3, 1, 2).copy()  # PyTorch quiere (N, C, H, W)
    batch, times = course.BATCH[model], []
    for start in range(0, len(x), batch):
        t0 = time.perf_counter()
        xb = torch.from_numpy(x[start:start + batch]).to("cuda")  # el lote, a la GPU una vez
        yb = torch.from_numpy(y[start:start + batch]).to("cuda")
        opt.zero_grad()
        p = net(xb).clamp(1e-7, 1 - 1e-7)
        loss = -(yb * p.log()).sum(-1).mean()  # categorical_crossentropy de Keras
        loss.backward()
        opt.step()
        loss.item()  # como fit: la pérdida del lote vuelve a la CPU (y espera a la GPU)
        times.append(time.perf_counter() - t0)
    return times[WARMUP:]


# ================================================================ comprobar (vale en el simulador)
def tiny_models(keras):
    """Una CNN y una LSTM diminutas con las mismas capas que las del curso (el simulador es lento)."""
    layers = keras.layers
    cnn = keras.Sequential([keras.Input(shape=(7, 7, 1)), layers.Conv2D(3, (3, 3), activation="relu"),
                            layers.MaxPooling2D((2, 2)), layers.Flatten(), layers.Dense(4, activation="softmax")])
    cnn.compile(loss="categorical_crossentropy", optimizer="adam")
    lstm = keras.Sequential([keras.Input(shape=(3, 5)), layers.LSTM(4), layers.Dense(5),
                             layers.Activation("softmax")])
    lstm.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.RMSprop(learning_rate=0.01))
    return cnn, lstm


def check_against_cpu():
    """Dos pasos de cada red diminuta en 'cuda' y en 'cpu': misma pérdida y mismos pesos (tolerancia float32)."""
    import tinygrad_es
    from tinygrad_es import keras

    rng = np.random.default_rng(0)
    data = [(rng.random((4, 7, 7, 1), dtype=np.float32), np.eye(4, dtype=np.float32)[rng.integers(0, 4, 4)]),
            (rng.random((4, 3, 5), dtype=np.float32), np.eye(5, dtype=np.float32)[rng.integers(0, 5, 4)])]
    results = {}
    for device in ("cpu", "cuda"):
        tinygrad_es.set_default_device(device)
        try:
            tinygrad_es.manual_seed(0)
            models = tiny_models(keras)
            losses = [m.fit(x, y, batch_size=2, epochs=1, verbose=0, shuffle=False).history["loss"]
                      for m, (x, y) in zip(models, data)]
            results[device] = losses, [w for m in models for w in m.get_weights()]
        finally:
            tinygrad_es.set_default_device("cpu")
    (cpu_losses, cpu_weights), (gpu_losses, gpu_weights) = results["cpu"], results["cuda"]
    np.testing.assert_allclose(gpu_losses, cpu_losses, rtol=1e-4, atol=1e-5)
    for a, b in zip(gpu_weights, cpu_weights):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    print(f"Comprobado: 2 pasos de CNN y 2 de LSTM con Keras dan la misma pérdida {np.round(gpu_losses, 4).tolist()} "
          "y los mismos pesos en 'cuda' que en 'cpu'.")


# ================================================================ medir
def main(argv=None):
    parser = argument_parser("Tiempos de los pasos de entrenamiento del curso en la GPU.")
    parser.add_argument("--pasos", type=int, default=20, help="pasos medidos por caso (mediana)")
    parser.add_argument("--sin-pruebas", action="store_true", help="no ejecutar antes las pruebas en la GPU real")
    parser.add_argument("--comprobar", action="store_true",
                        help="sólo comprobar que entrenar en 'cuda' da lo mismo que en 'cpu' (vale en el simulador)")
    args = parser.parse_args(argv)
    if args.comprobar:
        if not tg_cuda.is_available():
            print("Para comprobar sin GPU, activa el simulador: NUMBA_ENABLE_CUDASIM=1 python benchmarks/gpu.py --comprobar")
            return 0
        check_against_cpu()
        return 0
    if tg_cuda.simulator_enabled():
        print("El simulador de CUDA (NUMBA_ENABLE_CUDASIM=1) ejecuta los kernels en Python: sus tiempos no dicen "
              "nada. Ejecuta este script sin esa variable en una máquina con GPU NVIDIA.")
        return 0
    if not tg_cuda.is_available():
        print("No hay ninguna GPU NVIDIA disponible (o falta el extra: pip install \"tinygrad-es[cuda]\"), así que "
              "no hay nada que medir. Los kernels CUDA se pueden probar sin GPU con el simulador: "
              "NUMBA_ENABLE_CUDASIM=1 python -m pytest tests/test_cuda_kernels.py tests/test_device.py")
        return 0

    from numba import cuda

    name = cuda.get_current_device().name
    print(f"GPU: {name.decode() if isinstance(name, bytes) else name}")
    if not args.sin_pruebas:
        print("Pruebas en la GPU real (pytest -m gpu tests/test_cuda_kernels.py tests/test_device.py "
              "tests/test_cuda_ptx.py)...")
        tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "gpu", "tests/test_cuda_kernels.py",
                                "tests/test_device.py", "tests/test_cuda_ptx.py"], cwd=ROOT)
        if tests.returncode != 0:
            print("Las pruebas fallan en la GPU: los tiempos no valdrían nada. Arréglalas primero.")
            return 1
    check_against_cpu()
    torch = try_import_torch()
    with_torch = torch is not None and torch.cuda.is_available()
    cases = [("tinygrad_es, device='cpu'", lambda m: keras_step_times(m, "cpu", args.pasos)),
             ("tinygrad_es, device='cuda'", lambda m: keras_step_times(m, "cuda", args.pasos))]
    if with_torch:
        cases.append(("PyTorch CUDA", lambda m: torch_cuda_step_times(torch, m, args.pasos)))
    rows = [(label, *(statistics.median(measure(m)) for m in ("cnn", "lstm"))) for label, measure in cases]
    if not with_torch:
        print("PyTorch con CUDA no está instalado: sin esa referencia.")
    print(f"\nMediana de {args.pasos} pasos de model.fit, lote de 128:")
    print(f"{'':32s} {'CNN (ms/paso)':>14s} {'LSTM (ms/paso)':>15s}")
    for label, cnn_s, lstm_s in rows:
        print(f"{label:32s} {cnn_s * 1e3:14.2f} {lstm_s * 1e3:15.2f}")
    (_, cpu_cnn, cpu_lstm), (_, gpu_cnn, gpu_lstm) = rows[:2]
    print(f"\nGPU frente a CPU: CNN {cpu_cnn / gpu_cnn:.1f}x más rápida (objetivo >= 10x), LSTM {cpu_lstm / gpu_lstm:.1f}x")
    if with_torch:
        _, torch_cnn, torch_lstm = rows[2]
        print(f"GPU frente a PyTorch CUDA: CNN {gpu_cnn / torch_cnn:.1f}x más lenta (objetivo <= 3x), "
              f"LSTM {gpu_lstm / torch_lstm:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
