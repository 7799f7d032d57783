"""El resumen de varias ejecuciones de benchmarks/train.py: rangos (mínimo-máximo) en texto y en Markdown.

`python benchmarks/train.py --ejecuciones 5 --markdown benchmarks/resultados/train.md` escribe con
`markdown` el archivo que la página 8 de los docs incluye tal cual (`--8<--`): la tabla de la
página es la que midió el benchmark, no una copia a mano.
"""
NAMES = {"tinygrad_es": "tinygrad_es", "torch": "PyTorch", "keras": "Keras"}
MODE_TITLES = {False: "Con todos los hilos (tinygrad_es: los de Numba; PyTorch: los suyos, uno en el MLP; Keras: los de "
                       "su backend)",
               True: "Con un hilo en todos los marcos"}


def span(values, fmt="{:.2f}"):
    """'a-b' del mínimo al máximo de `values` (o un solo número si son iguales; '-' si falta alguno)."""
    if not values or any(v is None for v in values):
        return "-"
    low, high = fmt.format(min(values)), fmt.format(max(values))
    return low if low == high else f"{low}-{high}"


def step_rows(runs, models, peers, titles, key):
    """Las filas de tiempo por paso (`key` = 'wall' o 'cpu'): ms de cada marco y razón tinygrad_es/marco por ejecución."""
    rows = []
    for model in models:
        ours = [run[(model, "tinygrad_es")][key] for run in runs]
        cells = [span([1e3 * v for v in ours])]
        for peer in peers:
            theirs = [run[(model, peer)][key] for run in runs]
            cells += [span([1e3 * v for v in theirs]), span([a / b for a, b in zip(ours, theirs)]) + "x"]
        rows.append([titles[model], *cells])
    return rows


def gflops_line(runs, peers, flops):
    """GFLOP/s del paso de la CNN en tinygrad_es y en cada marco, y el % del matmul de NumPy medido en la misma ejecución."""
    ours = [flops / run[("cnn", "tinygrad_es")]["wall"] / 1e9 for run in runs]
    blas = [run[("cnn", "tinygrad_es")]["matmul_gflops"] for run in runs]
    others = "".join(f", {NAMES[p]} {span([flops / run[('cnn', p)]['wall'] / 1e9 for run in runs], '{:.0f}')}"
                     for p in peers)
    return (f"CNN: {flops / 1e9:.2f} GFLOP por paso; GFLOP/s (reloj): tinygrad_es {span(ours, '{:.0f}')}{others}; "
            f"matmul float32 1024×1024 de NumPy {span(blas, '{:.0f}')}; tinygrad_es / matmul "
            f"{span([100 * a / b for a, b in zip(ours, blas)], '{:.0f}')} %")


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def markdown(by_mode, models, peers, titles, flops, first_step, context) -> str:
    """El resumen en Markdown: por cada modo de hilos, el tiempo por paso (reloj y CPU) con sus razones, la memoria y
    los GFLOP/s; al final, el coste del primer paso. `by_mode` es {one_thread: [resultados de cada ejecución]}."""
    lines = [context, ""]
    peer_header = [h for p in peers for h in (NAMES[p], f"tinygrad_es / {NAMES[p]}")]
    for one_thread, runs in by_mode.items():
        lines += [f"**{MODE_TITLES[one_thread]}**: ms por paso (mediana de los pasos de cada ejecución).", ""]
        for key, clock in (("wall", "reloj"), ("cpu", "CPU")):
            lines += _table([f"red, tiempo de {clock}", "tinygrad_es", *peer_header],
                            step_rows(runs, models, peers, titles, key)) + [""]
        memory = [[titles[m], span([r[(m, "tinygrad_es")]["peak"] for r in runs], "{:.0f}"),
                   *(span([r[(m, p)]["peak"] for r in runs], "{:.0f}") for p in peers)] for m in models]
        lines += _table(["red, pico de memoria (MiB)", "tinygrad_es", *(NAMES[p] for p in peers)], memory) + [""]
        if "cnn" in models:
            lines += [gflops_line(runs, peers, flops) + ".", ""]
    if first_step:
        lines.append("Primer paso de `fit` en tinygrad_es, de más sobre un paso normal: " + "; ".join(
            f"{titles[m]}: {cold:.2f} s con la caché de Numba vacía y {warm:.2f} s con la caché llena"
            for m, (cold, warm) in first_step.items()) + ".")
    return "\n".join(lines).rstrip() + "\n"


def print_ranges(by_mode, models, peers, titles, flops):
    """Los rangos de todas las ejecuciones, en la consola."""
    for one_thread, runs in by_mode.items():
        print(f"\nResumen de {len(runs)} ejecuciones. {MODE_TITLES[one_thread]}; mínimo-máximo:")
        for key, clock in (("wall", "reloj"), ("cpu", "CPU")):
            for row in step_rows(runs, models, peers, titles, key):
                pairs = "".join(f"; {NAMES[p]} {row[2 + 2 * k]} ms, razón {row[3 + 2 * k]}"
                                for k, p in enumerate(peers))
                print(f"  {row[0]:<28} {clock:<5} tinygrad_es {row[1]} ms{pairs}")
        if "cnn" in models:
            print("  " + gflops_line(runs, peers, flops))
