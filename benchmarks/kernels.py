"""Convolución y LSTM de `nn.functional` frente a PyTorch, en los tamaños del curso y alrededor.

    python benchmarks/kernels.py                     # las tres tablas, con todos los hilos y con uno
    python benchmarks/kernels.py --hilos uno --repeticiones 3
    python benchmarks/kernels.py --tablas conv lstm  # solo los barridos

Tres tablas, cada una con forward + backward y el código que escribiría un estudiante con
`nn.functional` (sin sesgo y con la ReLU aparte: la ruta que no usa la fusión de la capa de Keras):

1. La pila convolucional de la CNN del curso (cinco conv 3×3 con ReLU y tres max pooling 2×2),
   entrada 28×28×1, lote 128. La entrada es el dato: no pide gradiente.
2. Una conv 3×3 'valid' + ReLU con gradiente de x y de w, barriendo el lote (8-512), el lado de
   la imagen (26-52) y los canales (16->32, 32->64, 64->128).
3. La LSTM (57 rasgos de entrada, como los caracteres del curso) barriendo el lote (32-512), los
   pasos (40-160) y las unidades (128-512).

Cada fila da el mejor tiempo de las repeticiones (tras una de calentamiento, que compila Numba)
de tinygrad_es y de PyTorch (modo eager, CPU), la razón tinygrad_es/PyTorch y los GFLOP/s de
tinygrad_es con el porcentaje que son del producto float32 1024×1024 de NumPy medido en la
misma tabla. Los FLOPs son los de la cuenta directa (con Winograd, tinygrad_es hace menos
multiplicaciones: su porcentaje puede pasar del 100 %). La meta: conv <= 1.2x y LSTM <= 1.0x
en cada fila; una '!' marca las filas que no llegan.

Cada medida corre en un proceso propio (los hilos de PyTorch, de BLAS y de Numba no se estorban),
dos veces: con todos los hilos, en tiempo de reloj, y con un hilo, en tiempo de CPU (que apenas
cambia si otros programas ocupan la máquina).

Se mide el código de un estudiante con su propio bucle: fuera de `fit`, con malloc como viene.
Ahí, en cada paso, glibc devuelve al sistema la memoria que se suelta y el paso siguiente la
paga con fallos de página (ver tinygrad_es/runtime/memory.py), y con lotes pequeños eso pesa:
una conv de lote 8 hace ~900 fallos por paso, que cuestan ~1.5 ms de ~3.8. Con --mismo-malloc,
los dos marcos tienen el malloc de `fit`: tinygrad_es mide dentro de `keep_freed_memory()` (lo
que abre `fit`, y lo que puede abrir un bucle propio) y PyTorch arranca con las mismas variables
de glibc.
"""
import json
import os
import subprocess
import sys
import time

import numpy as np

from common import argument_parser, child_arguments

# La CNN del curso: ("conv", C, F) o ("pool",); entrada 28×28×1, lote 128
STACK = [("conv", 1, 32), ("conv", 32, 32), ("pool",), ("conv", 32, 64), ("conv", 64, 64), ("pool",),
         ("conv", 64, 64), ("pool",)]
STACK_BATCH, STACK_SIDE = 128, 28
FEATURES = 57  # rasgos de entrada de la LSTM: los 57 caracteres del texto del curso
# (lote, lado, C, F): la fila del curso (128, 26, 32 -> 64) y un eje cambiado cada vez
CONV_ROWS = [(8, 26, 32, 64), (32, 26, 32, 64), (128, 26, 32, 64), (512, 26, 32, 64), (128, 38, 32, 64),
             (128, 52, 32, 64), (128, 26, 16, 32), (128, 26, 64, 128)]
# (lote, pasos, unidades): la fila del curso (128, 40, 128) y un eje cambiado cada vez
LSTM_ROWS = [(32, 40, 128), (128, 40, 128), (512, 40, 128), (128, 80, 128), (128, 160, 128), (128, 40, 256),
             (128, 40, 512)]
GOALS = {"pila": 1.2, "conv": 1.2, "lstm": 1.0}


def best_time(fn, repeats, clock):
    fn()  # calentamiento (compilación de Numba, cachés)
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


# ---------------------------------------------------------------- FLOPs (de la cuenta directa)
def conv_flops(n, side, c, f, with_dx=True):
    """Forward 2·N·Ho·Wo·9·C·F; el backward, otro tanto para dw y otro para dx."""
    return 2 * n * (side - 2) ** 2 * 9 * c * f * (3 if with_dx else 2)


def stack_flops():
    side, total = STACK_SIDE, 0
    for k, layer in enumerate(STACK):
        if layer[0] == "pool":
            side //= 2
            continue
        total += conv_flops(STACK_BATCH, side, layer[1], layer[2], with_dx=k > 0)  # la entrada no pide gradiente
        side -= 2
    return total


def lstm_flops(n, steps, units):
    """Forward 2·N·T·(D + u)·4u; backward 2·N·T·(D + 2u)·4u (dW, dU y dh; sin dx: x es el dato)."""
    return 2 * n * steps * (2 * FEATURES + 3 * units) * 4 * units


# ---------------------------------------------------------------- las cargas, en tinygrad_es y en PyTorch
def stack_step(framework, rng):
    x = rng.random((STACK_BATCH, STACK_SIDE, STACK_SIDE, 1), dtype=np.float32)
    weights = [(rng.standard_normal((3, 3, layer[1], layer[2])) * np.sqrt(2 / (9 * layer[1]))).astype(np.float32)
               if layer[0] == "conv" else None for layer in STACK]
    if framework == "tinygrad_es":
        from tinygrad_es import Tensor
        from tinygrad_es.nn import functional as F

        def step():
            h = Tensor(x)
            for w in weights:
                h = F.max_pool2d(h, 2) if w is None else F.conv2d(h, Tensor(w, requires_grad=True)).relu()
            h.sum().backward()
        return step
    import torch

    fn = torch.nn.functional
    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    ws = [None if w is None else torch.from_numpy(w.transpose(3, 2, 0, 1).copy()).requires_grad_() for w in weights]

    def torch_step():
        h = xt
        for w in ws:
            if w is not None:
                w.grad = None
            h = fn.max_pool2d(h, 2) if w is None else fn.relu(fn.conv2d(h, w))
        h.sum().backward()
    return torch_step


def conv_step(framework, rng, n, side, c, f):
    x = rng.random((n, side, side, c), dtype=np.float32)
    w = (rng.standard_normal((3, 3, c, f)) * np.sqrt(2 / (9 * c))).astype(np.float32)
    if framework == "tinygrad_es":
        from tinygrad_es import Tensor
        from tinygrad_es.nn import functional as F

        return lambda: F.conv2d(Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)).relu().sum().backward()
    import torch

    xt = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    wt = torch.from_numpy(w.transpose(3, 2, 0, 1).copy())

    def torch_step():
        xg, wg = xt.detach().requires_grad_(), wt.detach().requires_grad_()
        torch.nn.functional.relu(torch.nn.functional.conv2d(xg, wg)).sum().backward()
    return torch_step


def lstm_step(framework, rng, n, steps, units):
    x = rng.random((n, steps, FEATURES), dtype=np.float32)
    W = (rng.standard_normal((FEATURES, 4 * units)) * 0.1).astype(np.float32)
    U = (rng.standard_normal((units, 4 * units)) * 0.1).astype(np.float32)
    b = np.zeros(4 * units, dtype=np.float32)
    if framework == "tinygrad_es":
        from tinygrad_es import Tensor
        from tinygrad_es.nn import functional as F

        def step():
            _, h, _ = F.lstm(Tensor(x), None, None, *(Tensor(p, requires_grad=True) for p in (W, U, b)))
            h.sum().backward()
        return step
    import torch

    layer = torch.nn.LSTM(FEATURES, units, batch_first=True)
    with torch.no_grad():  # los mismos pesos; PyTorch guarda Wᵀ y tiene dos sesgos
        layer.weight_ih_l0.copy_(torch.from_numpy(W.T.copy()))
        layer.weight_hh_l0.copy_(torch.from_numpy(U.T.copy()))
        layer.bias_ih_l0.copy_(torch.from_numpy(b))
        layer.bias_hh_l0.zero_()
    xt = torch.from_numpy(x)

    def torch_step():
        layer.zero_grad()
        _, (h, _) = layer(xt)
        h.sum().backward()
    return torch_step


def measure(spec, repeats, one_thread, same_malloc=False):
    """Mide una carga en ESTE proceso: segundos por forward+backward, o GFLOP/s si es el producto de NumPy."""
    clock = time.process_time if one_thread else time.perf_counter
    kind, framework, *sizes = spec
    if kind == "matmul":
        a = np.random.default_rng(0).standard_normal((1024, 1024)).astype(np.float32)
        return 2 * 1024 ** 3 / best_time(lambda: a @ a, repeats, clock) / 1e9
    if framework == "torch":
        import torch

        if one_thread:
            torch.set_num_threads(1)
    step = {"pila": stack_step, "conv": conv_step, "lstm": lstm_step}[kind](framework, np.random.default_rng(0), *sizes)
    if same_malloc and framework == "tinygrad_es":
        from tinygrad_es.runtime.memory import keep_freed_memory

        with keep_freed_memory():
            return best_time(step, repeats, clock)
    return best_time(step, repeats, clock)


ONE_THREAD_ENV = {"NUMBA_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                  "MKL_NUM_THREADS": "1"}


def in_fresh_process(spec, repeats, one_thread, same_malloc=False):
    """Cada medida en su propio proceso: los hilos de PyTorch (OpenMP), de BLAS y de Numba no se estorban.

    Con same_malloc, el proceso de PyTorch arranca con las variables de glibc del malloc de `fit`."""
    command = [sys.executable, os.path.abspath(__file__), "--carga", json.dumps(spec), str(repeats),
               "uno" if one_thread else "todos", "fit" if same_malloc else "tal-cual"]
    env = dict(os.environ, **(ONE_THREAD_ENV if one_thread else {}))
    if same_malloc and spec[1] == "torch":
        from tinygrad_es.runtime.memory import glibc_environment

        env.update(glibc_environment())
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"La medida {spec} falló:\n{out.stderr[-3000:]}")
    return float(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- tablas
def table(kind, rows, repeats, one_thread, with_torch, blas, same_malloc):
    """Mide y imprime una tabla; devuelve las razones tinygrad_es/PyTorch de sus filas."""
    titles = {"pila": "Pila convolucional de la CNN del curso (28×28×1, lote 128)",
              "conv": "Una conv 3×3 + ReLU, gradiente de x y de w (lote, lado, C -> F)",
              "lstm": f"LSTM con {FEATURES} rasgos de entrada (lote, pasos, unidades)"}
    print(f"  {titles[kind]}:")
    ratios = []
    for sizes in rows:
        ours = in_fresh_process([kind, "tinygrad_es", *sizes], repeats, one_thread, same_malloc)
        flops = {"pila": stack_flops, "conv": conv_flops, "lstm": lstm_flops}[kind](*sizes)
        gflops = flops / ours / 1e9
        label = "CNN del curso" if kind == "pila" else (
            f"{sizes[0]}, {sizes[1]}×{sizes[1]}, {sizes[2]} -> {sizes[3]}" if kind == "conv" else
            f"{sizes[0]}, {sizes[1]}, {sizes[2]}")
        line = f"    {label:<26} tinygrad_es {ours * 1e3:8.1f} ms {gflops:6.1f} GFLOP/s ({gflops / blas:4.0%} del matmul)"
        if with_torch:
            theirs = in_fresh_process([kind, "torch", *sizes], repeats, one_thread, same_malloc)
            ratios.append(ours / theirs)
            mark = " !" if ours / theirs > GOALS[kind] else ""
            line += f" | PyTorch {theirs * 1e3:8.1f} ms | razón {ours / theirs:5.2f}x{mark}"
        print(line)
    return ratios


def main():
    internal = child_arguments("--carga", ("carga", "repeticiones", "hilos", "malloc"))
    if internal:  # (un proceso hijo: mide solo esta carga e imprime el número)
        print(measure(json.loads(internal["carga"]), int(internal["repeticiones"]), internal["hilos"] == "uno",
                      internal["malloc"] == "fit"))
        return
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--repeticiones", type=int, default=5, help="se da el mejor tiempo de estas repeticiones")
    parser.add_argument("--hilos", choices=("todos", "uno", "ambos"), default="ambos",
                        help="todos los hilos (tiempo de reloj), uno (tiempo de CPU) o las dos tablas (por defecto)")
    parser.add_argument("--tablas", nargs="+", choices=("pila", "conv", "lstm"), default=["pila", "conv", "lstm"],
                        help="las tablas que se miden (por defecto, las tres)")
    parser.add_argument("--mismo-malloc", action="store_true",
                        help="los dos marcos con el malloc de fit: tinygrad_es dentro de keep_freed_memory() y "
                             "PyTorch con las mismas variables de glibc (por defecto, malloc como viene)")
    args = parser.parse_args()
    torch_version = subprocess.run([sys.executable, "-c", "import torch; print(torch.__version__)"],
                                   capture_output=True, text=True).stdout.strip()
    print(f"{os.cpu_count()} CPU; {'PyTorch ' + torch_version if torch_version else 'PyTorch no instalado'}; "
          f"carga media de la máquina: {os.getloadavg()[0]:.1f}; el mejor de {args.repeticiones} repeticiones; "
          + ("los dos con el malloc de fit (--mismo-malloc)" if args.mismo_malloc else "malloc como viene"))
    rows = {"pila": [()], "conv": CONV_ROWS, "lstm": LSTM_ROWS}
    for one_thread in {"todos": (False,), "uno": (True,), "ambos": (False, True)}[args.hilos]:
        print()
        print("Un hilo, tiempo de CPU:" if one_thread else "Todos los hilos, tiempo de reloj:")
        blas = in_fresh_process(["matmul", None], args.repeticiones, one_thread)
        print(f"  Producto de matrices float32 de NumPy (1024×1024): {blas:6.1f} GFLOP/s")
        worst = {kind: table(kind, rows[kind], args.repeticiones, one_thread, bool(torch_version), blas,
                             args.mismo_malloc) for kind in args.tablas}
        if torch_version:
            print("  Peor razón de cada tabla (meta: conv <= 1.2x, LSTM <= 1.0x): " + ", ".join(
                f"{kind} {max(ratios):.2f}x" for kind, ratios in worst.items()))


if __name__ == "__main__":
    main()
