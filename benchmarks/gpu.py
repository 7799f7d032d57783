"""Tiempos en una GPU NVIDIA: los pasos de entrenamiento del curso (CNN de MNIST y LSTM de Nietzsche).

Para ejecutar en una máquina con GPU (y `pip install -e ".[cuda,dev]"`):

    python benchmarks/gpu.py                  # pruebas de kernels en la GPU real + tiempos
    python benchmarks/gpu.py --sin-pruebas    # sólo los tiempos
    NUMBA_ENABLE_CUDASIM=1 python benchmarks/gpu.py --comprobar   # sin GPU: ¿el paso en "GPU" = el de CPU?

Qué mide. Todavía no existe el Tensor en la GPU, así que cada paso de entrenamiento está
escrito aquí a mano con los kernels, forward + backward + optimizador, dos veces con el mismo
código: una con los kernels de `kernels/cuda/` sobre arrays de dispositivo y otra con los de
`kernels/cpu/` (Numba) + NumPy (BLAS) sobre arrays normales. Las dos versiones comparten las
funciones `cnn_step`/`lstm_step`; sólo cambia el "backend" (`GpuBackend`/`CpuBackend`), que
sabe crear arrays y lanzar cada operación. Como referencia, el mismo paso con PyTorch en CUDA
si está instalado con soporte de GPU.

- CNN del curso: entrada (128, 28, 28, 1); Conv2D 32, 32, MaxPool, Conv2D 64, 64, MaxPool,
  Conv2D 64, MaxPool, Flatten, Dense 10 + softmax; entropía cruzada; Adam. (Sin Dropout.)
- LSTM del curso: entrada (128, 40, 57); LSTM(128), Dense 57 + softmax; RMSprop(0.01).

Cada paso incluye copiar el lote a la GPU (una vez por lote) y traer la pérdida (un número).
Objetivos del issue: CNN en GPU >= 10x más rápida que en CPU y a <= 3x de PyTorch CUDA.
"""
import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np

from common import median_time, try_import_torch
from tinygrad_es import cuda as tg_cuda

ROOT = Path(__file__).resolve().parents[1]


# ================================================================ los dos backends
class CpuBackend:
    """Kernels de kernels/cpu/ (Numba) y NumPy (BLAS para los productos)."""

    name = "CPU (Numba + NumPy)"

    def __init__(self):
        self.kernels = {f: tg_cuda.kernel_module(f, "cpu") for f in ("im2col", "pool", "lstm")}

    def to_device(self, a):
        return np.ascontiguousarray(a, dtype=a.dtype)

    def to_host(self, a):
        return np.asarray(a)

    def empty(self, shape, dtype=np.float32):
        return np.empty(shape, dtype)

    def zeros(self, shape):
        return np.zeros(shape, np.float32)

    def synchronize(self):
        pass

    def matmul(self, a, b, out, trans_a=False, trans_b=False):
        np.matmul(a.T if trans_a else a, b.T if trans_b else b, out=out)

    def add_bias_relu(self, y, bias, relu):
        y += bias
        if relu:
            np.maximum(y, 0, out=y)

    def relu_backward(self, y, grad):
        grad *= y > 0

    def sum_rows(self, x, out):
        np.sum(x, axis=0, out=out)

    def softmax_cross_entropy(self, z, y, probs, loss):
        shifted = z - z.max(axis=-1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(axis=-1, keepdims=True)
        probs[...] = e / s
        loss[...] = -(y * (shifted - np.log(s))).sum(axis=-1)

    def softmax_cross_entropy_backward(self, probs, y, grad, dz):
        dz[...] = (probs * y.sum(axis=-1, keepdims=True) - y) * grad[:, None]

    def adam(self, w, g, m, v, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m += (g - m) * (1 - beta_1)
        v += (g * g - v) * (1 - beta_2)
        w -= m * alpha / (np.sqrt(v) + epsilon)

    def rmsprop(self, w, g, v, lr, rho=0.9, epsilon=1e-7):
        v[...] = rho * v + (1 - rho) * g * g
        w -= lr * g / np.sqrt(v + epsilon)


class GpuBackend:
    """Kernels de kernels/cuda/ sobre arrays de dispositivo de numba.cuda."""

    name = "GPU (tinygrad_es, numba.cuda)"

    def __init__(self, tile=16, threads=256):
        from numba import cuda

        self.cuda, self.tile, self.threads = cuda, tile, threads  # bloques pequeños para el simulador
        self.kernels = {f: tg_cuda.kernel_module(f, "cuda") for f in
                        ("im2col", "pool", "lstm", "matmul", "elementwise", "reduce", "softmax", "optimizers")}

    def to_device(self, a):
        return self.cuda.to_device(np.ascontiguousarray(a))

    def to_host(self, a):
        return a.copy_to_host()

    def empty(self, shape, dtype=np.float32):
        return self.cuda.device_array(shape, dtype)

    def zeros(self, shape):
        out = self.empty(shape)
        self.kernels["elementwise"].fill(out, 0.0, self.threads)
        return out

    def synchronize(self):
        self.cuda.synchronize()

    def matmul(self, a, b, out, trans_a=False, trans_b=False):
        self.kernels["matmul"].matmul(a, b, out, trans_a, trans_b, self.tile)

    def add_bias_relu(self, y, bias, relu):
        self.kernels["elementwise"].binary("add", y, bias, y, self.threads)
        if relu:
            self.kernels["elementwise"].unary("relu", y, y, self.threads)

    def relu_backward(self, y, grad):
        self.kernels["elementwise"].binary("relu_backward", y, grad, grad, self.threads)

    def sum_rows(self, x, out):
        self.kernels["reduce"].reduce("sum", x, out, axis=0, threads=self.threads)

    def softmax_cross_entropy(self, z, y, probs, loss):
        self.kernels["softmax"].softmax_cross_entropy(z, y, probs, loss, self.threads)

    def softmax_cross_entropy_backward(self, probs, y, grad, dz):
        self.kernels["softmax"].softmax_cross_entropy_backward(probs, y, grad, dz, self.threads)

    def adam(self, w, g, m, v, lr, t):
        self.kernels["optimizers"].adam(w, g, m, v, None, lr, t, threads=self.threads)

    def rmsprop(self, w, g, v, lr):
        self.kernels["optimizers"].rmsprop(w, g, v, None, None, lr, threads=self.threads)


# ================================================================ el paso de la CNN
CNN_LAYERS = ["conv", "conv", "pool", "conv", "conv", "pool", "conv", "pool", "flatten", "dense"]
CNN_FILTERS = [32, 32, 64, 64, 64]
SMALL_CNN_LAYERS, SMALL_CNN_FILTERS = ["conv", "conv", "pool", "flatten", "dense"], [4, 8]  # para el simulador


def cnn_parameters(layers, size, channels, filters, classes, rng):
    """Pesos (Glorot uniforme, como Keras) de la CNN; `size` es el lado de la imagen."""
    params, c = [], channels
    for f in filters:
        limit = np.sqrt(6 / (9 * c + 9 * f))
        params.append([rng.uniform(-limit, limit, (3, 3, c, f)).astype(np.float32), np.zeros(f, np.float32)])
        c = f
    for layer in layers:  # el lado que llega a la Dense
        size = size - 2 if layer == "conv" else size // 2 if layer == "pool" else size
    features = size * size * c
    limit = np.sqrt(6 / (features + classes))
    params.append([rng.uniform(-limit, limit, (features, classes)).astype(np.float32), np.zeros(classes, np.float32)])
    return params


def cnn_step(be, layers, params, slots, x_host, y_host, t, lr=0.001):
    """Un paso de entrenamiento (forward, backward, Adam). Devuelve la pérdida media del lote."""
    x, y = be.to_device(x_host), be.to_device(y_host)  # el lote, a la GPU una vez
    im2col, pool = be.kernels["im2col"], be.kernels["pool"]
    n = x.shape[0]
    caches, conv_index = [], 0
    for layer in layers:  # ---- forward
        if layer == "conv":
            w, b = params[conv_index]
            kh, kw, c, f = w.shape
            _, h, wd, _ = x.shape
            ho, wo = h - kh + 1, wd - kw + 1
            cols = be.empty((n, ho, wo, kh, kw, c))
            im2col.im2col(x, cols, 1, 1, 1, 1, 0, 0)
            out = be.empty((n * ho * wo, f))
            be.matmul(cols.reshape(n * ho * wo, kh * kw * c), w.reshape(kh * kw * c, f), out)
            be.add_bias_relu(out, b, relu=True)
            caches.append((x.shape, cols, out, conv_index))
            x, conv_index = out.reshape(n, ho, wo, f), conv_index + 1
        elif layer == "pool":
            _, h, wd, c = x.shape
            out, argmax = be.empty((n, h // 2, wd // 2, c)), be.empty((n, h // 2, wd // 2, c), np.int64)
            pool.max_pool_forward(x, out, argmax, 2, 2, 2, 2, 0, 0)
            caches.append((x.shape, argmax))
            x = out
        elif layer == "flatten":
            caches.append(x.shape)
            x = x.reshape(n, x.size // n)
        else:  # dense + softmax + entropía cruzada
            w, b = params[-1]
            logits = be.empty((n, w.shape[1]))
            be.matmul(x, w, logits)
            be.add_bias_relu(logits, b, relu=False)
            probs, loss = be.empty(logits.shape), be.empty((n,))
            be.softmax_cross_entropy(logits, y, probs, loss)
            caches.append(x)
    grads = [None] * len(params)
    dlogits = be.empty(probs.shape)  # ---- backward
    be.softmax_cross_entropy_backward(probs, y, be.to_device(np.full(n, 1 / n, np.float32)), dlogits)
    for layer, cache in zip(reversed(layers), reversed(caches)):
        if layer == "dense":
            w, b = params[-1]
            dw, db, dx = be.empty(w.shape), be.empty(b.shape), be.empty(cache.shape)
            be.matmul(cache, dlogits, dw, trans_a=True)
            be.sum_rows(dlogits, db)
            be.matmul(dlogits, w, dx, trans_b=True)
            grads[-1], grad = (dw, db), dx
        elif layer == "flatten":
            grad = grad.reshape(cache)
        elif layer == "pool":
            shape, argmax = cache
            dx = be.empty(shape)
            pool.max_pool_backward(grad, argmax, dx)
            grad = dx
        else:
            shape, cols, out, index = cache
            w, b = params[index]
            k = w.size // w.shape[3]  # KH·KW·C
            rows = cols.size // k  # N·Ho·Wo
            dout = grad.reshape(rows, w.shape[3])
            be.relu_backward(out, dout)
            dw, db = be.empty((k, w.shape[3])), be.empty(b.shape)
            be.matmul(cols.reshape(rows, k), dout, dw, trans_a=True)
            be.sum_rows(dout, db)
            grads[index] = (dw.reshape(w.shape), db)
            if index > 0:  # la primera capa no necesita dx
                dcols = be.empty(cols.shape)
                be.matmul(dout, w.reshape(k, w.shape[3]), dcols.reshape(rows, k), trans_b=True)
                dx = be.empty(shape)
                im2col.col2im(dcols, dx, 1, 1, 1, 1, 0, 0)
                grad = dx
    for (w, b), (dw, db), (mw, vw, mb, vb) in zip(params, grads, slots):  # ---- Adam
        be.adam(w, dw, mw, vw, lr, t)
        be.adam(b, db, mb, vb, lr, t)
    return float(be.to_host(loss).mean())  # lo único que vuelve: la pérdida, para la barra de progreso


# ================================================================ el paso de la LSTM
def lstm_parameters(features, units, classes, rng):
    def glorot(shape):
        limit = np.sqrt(6 / sum(shape))
        return rng.uniform(-limit, limit, shape).astype(np.float32)

    bias = np.zeros(4 * units, np.float32)
    bias[units:2 * units] = 1  # unit_forget_bias=True
    q, _ = np.linalg.qr(rng.standard_normal((4 * units, units)))
    return [glorot((features, 4 * units)), q.T.astype(np.float32), bias,
            glorot((units, classes)), np.zeros(classes, np.float32)]


def lstm_step(be, params, slots, x_host, y_host, lr=0.01):
    """Un paso de entrenamiento (BPTT completo sobre los T pasos, RMSprop). Devuelve la pérdida media."""
    kernel, recurrent, bias, dense_w, dense_b = params
    n, steps, features = x_host.shape
    u = recurrent.shape[0]
    cell = be.kernels["lstm"]
    x = be.to_device(np.ascontiguousarray(x_host.transpose(1, 0, 2)))  # (T, N, F): cada paso, contiguo
    y = be.to_device(y_host)
    xw = be.empty((steps, n, 4 * u))  # ---- forward: x·W + b de todos los pasos en un solo producto
    be.matmul(x.reshape(steps * n, features), kernel, xw.reshape(steps * n, 4 * u))
    be.add_bias_relu(xw, bias, relu=False)
    gates, h, c = be.empty((steps, n, 4 * u)), be.zeros((steps + 1, n, u)), be.zeros((steps + 1, n, u))
    for t in range(steps):
        be.matmul(h[t], recurrent, gates[t])
        cell.lstm_cell_forward(xw[t], gates[t], c[t], c[t + 1], h[t + 1])
    logits = be.empty((n, dense_w.shape[1]))
    be.matmul(h[steps], dense_w, logits)
    be.add_bias_relu(logits, dense_b, relu=False)
    probs, loss, dlogits = be.empty(logits.shape), be.empty((n,)), be.empty(logits.shape)
    be.softmax_cross_entropy(logits, y, probs, loss)
    be.softmax_cross_entropy_backward(probs, y, be.to_device(np.full(n, 1 / n, np.float32)), dlogits)
    d_dense_w, d_dense_b, dh = be.empty(dense_w.shape), be.empty(dense_b.shape), be.empty((n, u))  # ---- backward
    be.matmul(h[steps], dlogits, d_dense_w, trans_a=True)
    be.sum_rows(dlogits, d_dense_b)
    be.matmul(dlogits, dense_w, dh, trans_b=True)
    dz, dc, dh_next, no_grad = be.empty((steps, n, 4 * u)), be.zeros((n, u)), be.zeros((n, u)), be.zeros((n, u))
    for t in reversed(range(steps)):
        cell.lstm_cell_backward(dh if t == steps - 1 else no_grad, dh_next, dc, gates[t], c[t], c[t + 1], dz[t])
        be.matmul(dz[t], recurrent, dh_next, trans_b=True)
    d_kernel, d_recurrent, d_bias = be.empty(kernel.shape), be.empty(recurrent.shape), be.empty(bias.shape)
    dz_rows = dz.reshape(steps * n, 4 * u)
    be.matmul(x.reshape(steps * n, features), dz_rows, d_kernel, trans_a=True)
    be.matmul(h[:steps].reshape(steps * n, u), dz_rows, d_recurrent, trans_a=True)
    be.sum_rows(dz_rows, d_bias)
    for w, g, v in zip(params, (d_kernel, d_recurrent, d_bias, d_dense_w, d_dense_b), slots):  # ---- RMSprop
        be.rmsprop(w, g, v, lr)
    return float(be.to_host(loss).mean())


# ================================================================ medir
def time_steps(be, step, repeats):
    """Mediana de `repeats` pasos tras 2 de calentamiento (compilación JIT), esperando a que la GPU acabe cada uno."""
    def step_and_wait():
        step()
        be.synchronize()  # los lanzamientos son asíncronos: sin esto mediríamos sólo el encolado

    return median_time(step_and_wait, repeat=repeats, warmup=2)


def course_batches(size, steps, rng, small=False):
    """Lotes sintéticos con las formas del curso (o diminutos, para comprobar en el simulador)."""
    n = 4 if small else 128
    image = rng.random((n, size, size, 1), dtype=np.float32)
    digits = np.eye(10, dtype=np.float32)[rng.integers(0, 10, n)]
    text = np.eye(57, dtype=np.float32)[rng.integers(0, 57, (n, steps))]
    next_char = np.eye(57, dtype=np.float32)[rng.integers(0, 57, n)]
    return image, digits, text, next_char


def make_steps(be, size, steps, units, small=False):
    """Dos cierres sin argumentos (un paso de CNN y uno de LSTM) con pesos y ranuras ya en el backend."""
    rng = np.random.default_rng(0)
    image, digits, text, next_char = course_batches(size, steps, rng, small)
    layers, filters = (SMALL_CNN_LAYERS, SMALL_CNN_FILTERS) if small else (CNN_LAYERS, CNN_FILTERS)
    cnn = [[be.to_device(p) for p in layer] for layer in cnn_parameters(layers, size, 1, filters, 10, rng)]
    cnn_slots = [[be.zeros(p.shape) for p in (w, w, b, b)] for w, b in cnn]
    lstm = [be.to_device(p) for p in lstm_parameters(57, units, 57, rng)]
    lstm_slots = [be.zeros(p.shape) for p in lstm]
    counter = {"t": 0}

    def cnn_train_step():
        counter["t"] += 1
        return cnn_step(be, layers, cnn, cnn_slots, image, digits, counter["t"])

    return cnn_train_step, lambda: lstm_step(be, lstm, lstm_slots, text, next_char), (cnn, lstm)


def torch_steps(device="cuda"):
    """Los mismos dos pasos con PyTorch (en CUDA), o None si no hay PyTorch con GPU."""
    torch = try_import_torch()
    if torch is None or device == "cuda" and not torch.cuda.is_available():
        return None
    nn = torch.nn
    cnn = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 10)).to(device)
    cnn_opt = torch.optim.Adam(cnn.parameters(), lr=0.001, eps=1e-7)
    lstm, dense = nn.LSTM(57, 128, batch_first=True).to(device), nn.Linear(128, 57).to(device)
    lstm_opt = torch.optim.RMSprop([*lstm.parameters(), *dense.parameters()], lr=0.01, alpha=0.9, eps=1e-7)
    rng = np.random.default_rng(0)
    image, digits, text, next_char = course_batches(28, 40, rng)
    image_nchw = np.ascontiguousarray(image.transpose(0, 3, 1, 2))
    loss_fn = nn.CrossEntropyLoss()

    def cnn_train_step():
        x, y = torch.from_numpy(image_nchw).to(device), torch.from_numpy(digits.argmax(1)).to(device)
        cnn_opt.zero_grad()
        loss = loss_fn(cnn(x), y)
        loss.backward()
        cnn_opt.step()
        return loss.item()

    def lstm_train_step():
        x, y = torch.from_numpy(text).to(device), torch.from_numpy(next_char.argmax(1)).to(device)
        lstm_opt.zero_grad()
        out, _ = lstm(x)
        loss = loss_fn(dense(out[:, -1]), y)
        loss.backward()
        lstm_opt.step()
        return loss.item()

    class Sync:
        synchronize = staticmethod(torch.cuda.synchronize)

    return Sync(), cnn_train_step, lstm_train_step


def check_against_cpu():
    """Un paso diminuto de cada red en los dos backends: misma pérdida y mismos pesos (tolerancia float32)."""
    results = {}
    for be in (CpuBackend(), GpuBackend(tile=4, threads=32)):
        cnn_train_step, lstm_train_step, (cnn, lstm) = make_steps(be, size=7, steps=3, units=4, small=True)
        losses = (cnn_train_step(), cnn_train_step(), lstm_train_step(), lstm_train_step())
        weights = [be.to_host(p) for layer in cnn for p in layer] + [be.to_host(p) for p in lstm]
        results[be.name] = losses, weights
    (cpu_losses, cpu_weights), (gpu_losses, gpu_weights) = results.values()
    np.testing.assert_allclose(gpu_losses, cpu_losses, rtol=1e-4, atol=1e-5)
    for a, b in zip(gpu_weights, cpu_weights):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    print(f"Comprobado: 2 pasos de CNN y 2 de LSTM dan la misma pérdida {np.round(gpu_losses, 4)} y los mismos "
          f"pesos con los kernels CUDA que con los de CPU.")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Tiempos de los pasos de entrenamiento del curso en la GPU.")
    parser.add_argument("--pasos", type=int, default=20, help="pasos medidos por caso (mediana)")
    parser.add_argument("--sin-pruebas", action="store_true", help="no ejecutar antes las pruebas en la GPU real")
    parser.add_argument("--comprobar", action="store_true",
                        help="sólo comprobar que el paso con kernels CUDA da lo mismo que en CPU (vale en el simulador)")
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
              "NUMBA_ENABLE_CUDASIM=1 python -m pytest tests/test_cuda_kernels.py")
        return 0

    from numba import cuda

    name = cuda.get_current_device().name
    print(f"GPU: {name.decode() if isinstance(name, bytes) else name}")
    if not args.sin_pruebas:
        print("Pruebas de los kernels en la GPU real (pytest -m gpu tests/test_cuda_kernels.py)...")
        tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "gpu", "tests/test_cuda_kernels.py"], cwd=ROOT)
        if tests.returncode != 0:
            print("Las pruebas fallan en la GPU: los tiempos no valdrían nada. Arréglalas primero.")
            return 1
    check_against_cpu()
    rows = []
    for be in (CpuBackend(), GpuBackend()):
        cnn_train_step, lstm_train_step, _ = make_steps(be, size=28, steps=40, units=128)
        rows.append((be.name, time_steps(be, cnn_train_step, args.pasos), time_steps(be, lstm_train_step, args.pasos)))
    torch = torch_steps()
    if torch is None:
        print("PyTorch con CUDA no está instalado: sin esa referencia.")
    else:
        sync, cnn_train_step, lstm_train_step = torch
        rows.append(("PyTorch CUDA", time_steps(sync, cnn_train_step, args.pasos),
                     time_steps(sync, lstm_train_step, args.pasos)))
    print(f"\nMediana de {args.pasos} pasos, lote de 128:")
    print(f"{'':32s} {'CNN (ms/paso)':>14s} {'LSTM (ms/paso)':>15s}")
    for name, cnn_s, lstm_s in rows:
        print(f"{name:32s} {cnn_s * 1e3:14.2f} {lstm_s * 1e3:15.2f}")
    (_, cpu_cnn, cpu_lstm), (_, gpu_cnn, gpu_lstm) = rows[:2]
    print(f"\nGPU frente a CPU: CNN {cpu_cnn / gpu_cnn:.1f}x más rápida (objetivo >= 10x), LSTM {cpu_lstm / gpu_lstm:.1f}x")
    if torch is not None:
        _, torch_cnn, torch_lstm = rows[2]
        print(f"GPU frente a PyTorch CUDA: CNN {gpu_cnn / torch_cnn:.1f}x más lenta (objetivo <= 3x), "
              f"LSTM {gpu_lstm / torch_lstm:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
