"""Velocidad de los kernels con las formas del curso: CNN de MNIST y LSTM de Nietzsche.

Ejecuta: python benchmarks/kernels.py [--repeticiones 5]

Para cada modelo mide forward+backward por lote (el mejor de varias repeticiones, tras un
calentamiento que compila Numba), los GFLOP/s conseguidos al lado de los que consigue el
producto de matrices float32 de NumPy en esta misma máquina y, si `torch` está instalado, el
mismo trabajo en PyTorch (modo eager, CPU) y el cociente tiempo_nuestro / tiempo_torch.
Cada medida corre en un proceso propio, dos veces: con todos los hilos (tiempo de reloj) y con
un solo hilo (tiempo de CPU, que no se estropea si otros programas ocupan la máquina).
Al final, el tiempo de la primera llamada en un proceso nuevo (con la caché de Numba llena).
Sin aserciones: es una medida para leer, no una prueba.
"""
import argparse
import os
import subprocess
import sys
import time

import numpy as np

from tinygrad_es import Tensor
from tinygrad_es.nn import functional as F

# La CNN del curso (Conv2D 3×3 'valid' + ReLU, MaxPooling2D 2×2), entrada 28×28×1, lote 128
CNN = [("conv", 1, 32), ("conv", 32, 32), ("pool",), ("conv", 32, 64), ("conv", 64, 64), ("pool",),
       ("conv", 64, 64), ("pool",)]
BATCH, SIDE = 128, 28
# El LSTM del curso: 40 pasos de 57 rasgos (caracteres) -> 128 unidades, lote 128
STEPS, FEATURES, UNITS = 40, 57, 128


def best_time(fn, repeats, clock=time.perf_counter):
    fn()  # calentamiento (compilación de Numba, cachés)
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


# ---------------------------------------------------------------- CNN
def cnn_weights(rng):
    """Un núcleo (3, 3, C, F) con escala de He por cada conv; None en las capas de pooling."""
    weights = []
    for layer in CNN:
        if layer[0] == "conv":
            cin, cout = layer[1:]
            scale = np.float32(np.sqrt(2 / (9 * cin)))
            weights.append(rng.standard_normal((3, 3, cin, cout)).astype(np.float32) * scale)
        else:
            weights.append(None)
    return weights


def cnn_flops():
    """FLOPs de forward+backward: forward 2·N·Ho·Wo·9·C·F por conv; en backward, dW otro tanto y dx otro
    tanto (salvo en la primera capa, cuya entrada es el dato y no necesita gradiente)."""
    side, total = SIDE, 0
    for k, layer in enumerate(CNN):
        if layer[0] == "pool":
            side //= 2
            continue
        side -= 2
        forward = 2 * BATCH * side * side * 9 * layer[1] * layer[2]
        total += forward * (2 if k == 0 else 3)
    return total


def ours_cnn(x, weights, biases):
    def step():
        params = [Tensor(w, requires_grad=True) if w is not None else None for w in weights]
        bs = [Tensor(b, requires_grad=True) if b is not None else None for b in biases]
        h = Tensor(x)
        for layer, w, b in zip(CNN, params, bs):
            h = F.conv2d(h, w, b).relu() if layer[0] == "conv" else F.max_pool2d(h, 2)
        h.sum().backward()
    return step


def torch_cnn(torch, x, weights, biases):
    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    ws = [torch.from_numpy(w.transpose(3, 2, 0, 1).copy()).requires_grad_() if w is not None else None
          for w in weights]
    bs = [torch.from_numpy(b).requires_grad_() if b is not None else None for b in biases]
    fn = torch.nn.functional

    def step():
        for w in ws + bs:
            if w is not None:
                w.grad = None
        h = xt
        for layer, w, b in zip(CNN, ws, bs):
            h = fn.relu(fn.conv2d(h, w, b)) if layer[0] == "conv" else fn.max_pool2d(h, 2)
        h.sum().backward()
    return step


# ---------------------------------------------------------------- LSTM
def lstm_flops():
    """Forward 2·N·T·(D+u)·4u (los productos); backward el doble (dW/dU y dh; sin dx: x es el dato)."""
    forward = 2 * BATCH * STEPS * (FEATURES + UNITS) * 4 * UNITS
    backward = 2 * BATCH * STEPS * (FEATURES + 2 * UNITS) * 4 * UNITS
    return forward + backward


def ours_lstm(x, W, U, b):
    def step():
        params = [Tensor(p, requires_grad=True) for p in (W, U, b)]
        _, h, _ = F.lstm(Tensor(x), None, None, *params)
        h.sum().backward()
    return step


def torch_lstm(torch, x, W, U, b):
    layer = torch.nn.LSTM(FEATURES, UNITS, batch_first=True)
    with torch.no_grad():  # mismos pesos; PyTorch guarda Wᵀ y tiene dos sesgos
        layer.weight_ih_l0.copy_(torch.from_numpy(W.T.copy()))
        layer.weight_hh_l0.copy_(torch.from_numpy(U.T.copy()))
        layer.bias_ih_l0.copy_(torch.from_numpy(b))
        layer.bias_hh_l0.zero_()
    xt = torch.from_numpy(x)

    def step():
        layer.zero_grad()
        _, (h, _) = layer(xt)
        h.sum().backward()
    return step


# ---------------------------------------------------------------- primera llamada
FIRST_CALL = """
import time
start = time.perf_counter()
import numpy as np
from tinygrad_es import Tensor
from tinygrad_es.nn import functional as F
x = Tensor(np.ones((2, 8, 8, 1), dtype=np.float32))
w = Tensor(np.ones((3, 3, 1, 4), dtype=np.float32), requires_grad=True)
F.max_pool2d(F.conv2d(x, w, padding='same'), 2).sum().backward()
W, U = Tensor(np.ones((3, 8), dtype=np.float32), requires_grad=True), Tensor(np.ones((2, 8), dtype=np.float32))
x = Tensor(np.ones((2, 4, 3), dtype=np.float32))
F.lstm(x, None, None, W, U, Tensor(np.zeros(8, dtype=np.float32)))[1].sum().backward()
print(time.perf_counter() - start)
"""


def first_call_seconds():
    subprocess.run([sys.executable, "-c", FIRST_CALL], check=True, capture_output=True)  # llena la caché
    out = subprocess.run([sys.executable, "-c", FIRST_CALL], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def report(name, seconds, flops, blas, torch_seconds):
    gflops = flops / seconds / 1e9
    line = (f"{name}: {seconds * 1e3:8.1f} ms por lote (forward+backward), {gflops:6.1f} GFLOP/s "
            f"({gflops / blas:.0%} del matmul)")
    if torch_seconds is not None:
        line += f" | PyTorch {torch_seconds * 1e3:8.1f} ms, cociente nuestro/torch = {seconds / torch_seconds:.2f}"
    print(line)


WORKLOADS = ("matmul", "cnn", "cnn-torch", "lstm", "lstm-torch")


def run_workload(name, repeats, one_thread):
    """Mide una carga en ESTE proceso y devuelve segundos (o GFLOP/s para 'matmul').

    one_thread: todo en un hilo y midiendo tiempo de CPU del proceso, que apenas cambia si la
    máquina está ocupada con otros programas (el tiempo de reloj sí).
    """
    clock = time.process_time if one_thread else time.perf_counter
    if name == "matmul":
        a = np.random.default_rng(0).standard_normal((1024, 1024)).astype(np.float32)
        return 2 * 1024**3 / best_time(lambda: a @ a, repeats, clock) / 1e9
    rng = np.random.default_rng(0)
    if name.startswith("cnn"):
        x = rng.random((BATCH, SIDE, SIDE, 1), dtype=np.float32)
        weights = cnn_weights(rng)
        biases = [np.zeros(w.shape[-1], dtype=np.float32) if w is not None else None for w in weights]
        args = (x, weights, biases)
        make = ours_cnn if name == "cnn" else torch_cnn
    else:
        x = rng.random((BATCH, STEPS, FEATURES), dtype=np.float32)
        W = (rng.standard_normal((FEATURES, 4 * UNITS)) * 0.1).astype(np.float32)
        U = (rng.standard_normal((UNITS, 4 * UNITS)) * 0.1).astype(np.float32)
        args = (x, W, U, np.zeros(4 * UNITS, dtype=np.float32))
        make = ours_lstm if name == "lstm" else torch_lstm
    if name.endswith("torch"):
        import torch

        if one_thread:
            torch.set_num_threads(1)
        return best_time(make(torch, *args), repeats, clock)
    return best_time(make(*args), repeats, clock)


ONE_THREAD_ENV = {"NUMBA_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                  "MKL_NUM_THREADS": "1"}


def in_fresh_process(name, repeats, one_thread):
    """Cada carga en su propio proceso: los hilos de PyTorch (OpenMP), de BLAS y de Numba no se estorban."""
    command = [sys.executable, __file__, "--carga", name, "--repeticiones", str(repeats)]
    env = dict(os.environ, **ONE_THREAD_ENV) if one_thread else None
    out = subprocess.run(command + (["--un-hilo"] if one_thread else []), check=True, capture_output=True,
                         text=True, env=env)
    return float(out.stdout.strip())


def table(title, repeats, one_thread, with_torch):
    print(title)
    result = {name: in_fresh_process(name, repeats, one_thread) for name in WORKLOADS
              if with_torch or not name.endswith("torch")}
    blas = result["matmul"]
    print(f"  Producto de matrices float32 de NumPy (1024×1024): {blas:6.1f} GFLOP/s")
    report(f"  CNN del curso (lote {BATCH})", result["cnn"], cnn_flops(), blas, result.get("cnn-torch"))
    report(f"  LSTM del curso ({STEPS}×{FEATURES} -> {UNITS}, lote {BATCH})", result["lstm"], lstm_flops(), blas,
           result.get("lstm-torch"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeticiones", type=int, default=10)
    parser.add_argument("--carga", choices=WORKLOADS, help="(interno) mide solo esta carga e imprime el número")
    parser.add_argument("--un-hilo", action="store_true", help="(interno) con --carga: un hilo, tiempo de CPU")
    args = parser.parse_args()
    if args.carga:
        print(run_workload(args.carga, args.repeticiones, args.un_hilo))
        return
    try:
        import torch
        torch_info = f"PyTorch {torch.__version__} con {torch.get_num_threads()} hilos"
    except ImportError:
        torch = None
        torch_info = "PyTorch no instalado"
    print(f"{os.cpu_count()} CPU; {torch_info}; carga media de la máquina: {os.getloadavg()[0]:.1f}")
    table("Todos los hilos, tiempo de reloj (el mejor de las repeticiones):", args.repeticiones, False,
          torch is not None)
    table("Un hilo, tiempo de CPU (estable aunque la máquina tenga otra carga):", args.repeticiones, True,
          torch is not None)
    print(f"Primera llamada en un proceso nuevo (importar + conv/pool/lstm con la caché de Numba llena): "
          f"{first_call_seconds():.2f} s")


if __name__ == "__main__":
    main()
