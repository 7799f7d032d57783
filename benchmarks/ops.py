"""Coste por operación de la maquinaria del autograd: una cadena de 20 operaciones pequeñas.

Con tensores de (64, 16) el cálculo en sí es despreciable; lo que se mide es lo que cuesta
construir el grafo y recorrerlo hacia atrás. Objetivo: razón <= 1.5 frente a PyTorch eager.

    python benchmarks/ops.py
"""
import numpy as np

from common import median_time, ratio_line, try_import_torch
from tinygrad_es import Tensor


def chain(x, w):
    """20 operaciones: una mezcla de las que usa una red (aritmética, activaciones, reducciones)."""
    y = x * w           # 1
    y = y + 1.0         # 2
    y = y.tanh()        # 3
    y = y * 2.0         # 4
    y = y - x           # 5
    y = y.relu()        # 6
    y = y + w           # 7
    y = y.sigmoid()     # 8
    y = y * y           # 9
    y = y / 3.0         # 10
    y = y.exp()         # 11
    y = y + x           # 12
    y = -y              # 13
    y = y * w           # 14
    y = y.tanh()        # 15
    y = y + 0.5         # 16
    y = y * x           # 17
    y = y.sum(1)        # 18
    y = y * 0.1         # 19
    return y.sum()      # 20


def main():
    rng = np.random.default_rng(0)
    xa, wa = rng.standard_normal((64, 16), dtype=np.float32), rng.standard_normal((64, 16), dtype=np.float32)

    x, w = Tensor(xa), Tensor(wa, requires_grad=True)

    def step_ours():
        w.grad = None
        chain(x, w).backward()

    ours = median_time(step_ours, repeat=300, warmup=20)
    theirs = None
    torch = try_import_torch()
    if torch is not None:
        tx, tw = torch.from_numpy(xa), torch.from_numpy(wa).requires_grad_()

        def step_torch():
            tw.grad = None
            chain(tx, tw).backward()

        ours_check = chain(x, w).item()
        theirs_check = chain(tx, tw).item()
        assert abs(ours_check - theirs_check) < 1e-3 * abs(theirs_check) + 1e-4, (ours_check, theirs_check)
        theirs = median_time(step_torch, repeat=300, warmup=20)
    print("Cadena de 20 operaciones sobre (64, 16) float32, forward + backward (mediana):")
    print(ratio_line("20 ops, forward+backward", ours, theirs))
    print(f"por operación: {ours / 20 * 1e6:.1f} µs (tinygrad_es)")


if __name__ == "__main__":
    main()
