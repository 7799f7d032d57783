"""`gradcheck`: comprueba un gradiente de autograd contra diferencias finitas.

La derivada de una función escalar L respecto a un número x se aproxima con la diferencia
central

    dL/dx ≈ (L(x + ε) - L(x - ε)) / (2ε),

cuyo error es del orden de ε². Si la función devuelve un tensor y no un escalar, se reduce
a L = Σ salida · r con un tensor aleatorio fijo r: así se comprueban todas las componentes de
la salida a la vez. Todo se hace en float64 para que el redondeo no tape los errores.

Con entradas grandes, perturbar cada elemento cuesta dos evaluaciones por elemento; entonces
se comprueban `directions` direcciones aleatorias v: (L(x + εv) - L(x - εv)) / 2ε debe ser
igual a ⟨∇L, v⟩.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .autograd import no_grad
from .dtypes import is_float
from .tensor import Tensor


class GradcheckError(AssertionError):
    """El gradiente de autograd y el numérico no coinciden."""


@dataclass
class GradcheckResult:
    """El resultado de `gradcheck`: el peor caso encontrado en todas las entradas."""

    ok: bool
    input_index: int  # qué entrada (posición en *inputs)
    worst_index: tuple | str  # el elemento (o "dirección k") donde más difieren
    analytic: float  # lo que dice autograd
    numeric: float  # lo que dicen las diferencias finitas
    error: float  # |analytic - numeric|

    def __str__(self) -> str:
        state = "correcto" if self.ok else "NO coincide"
        return (
            f"gradcheck {state}: peor caso en la entrada {self.input_index}, elemento {self.worst_index}: "
            f"autograd = {self.analytic:.6g}, diferencias finitas = {self.numeric:.6g}, error = {self.error:.3g}"
        )


def gradcheck(fn: Callable[..., Tensor], *inputs: Tensor | np.ndarray, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, max_elements: int = 512, directions: int = 16, seed: int = 0,
              raise_on_failure: bool = True) -> GradcheckResult:
    """Compara el gradiente de `fn(*inputs)` calculado por autograd con diferencias centrales.

    - `fn`: recibe Tensors y devuelve un Tensor (escalar o no).
    - `inputs`: Tensors o arrays; los de coma flotante se comprueban (copiados a float64), los
      enteros (índices, etiquetas) se pasan tal cual.
    - Entradas con más de `max_elements` elementos se comprueban en `directions` direcciones
      aleatorias en vez de elemento a elemento.
    - Criterio: |autograd - numérico| <= atol + rtol·|numérico| en cada comprobación.

    Devuelve un `GradcheckResult`; si no coinciden y `raise_on_failure`, lanza GradcheckError
    con el mismo texto.
    """
    rng = np.random.default_rng(seed)
    tensors = [_as_input(x) for x in inputs]
    checked = [i for i, t in enumerate(tensors) if t.requires_grad]
    if not checked:
        raise ValueError("gradcheck necesita al menos una entrada de coma flotante que derivar.")

    out = fn(*tensors)
    projection = rng.standard_normal(out.shape)  # L = Σ salida · r

    def loss(*ts) -> float:
        with no_grad():
            return float(np.sum(fn(*ts).data.astype(np.float64) * projection))

    for t in tensors:
        t.grad = None
    (out * Tensor(projection, dtype="float64")).sum().backward()

    worst = None
    for i in checked:
        t = tensors[i]
        grad = np.zeros(t.shape) if t.grad is None else t.grad.data.astype(np.float64)
        if t.size <= max_elements:
            probes = ((tuple(map(int, idx)), _unit(t.shape, idx)) for idx in np.ndindex(*t.shape))
        else:
            probes = ((f"dirección {k}", rng.standard_normal(t.shape)) for k in range(directions))
        for where, v in probes:
            numeric = _central_difference(loss, tensors, i, v, eps)
            analytic = float(np.sum(grad * v))
            err = abs(analytic - numeric)
            excess = err - (atol + rtol * abs(numeric))
            if np.isnan(excess):  # un NaN nunca "coincide": cuenta como el peor caso posible
                excess = np.inf
            if worst is None or excess > worst[0]:
                worst = (excess, GradcheckResult(excess <= 0, i, where, analytic, numeric, err))
    result = worst[1]
    if not result.ok and raise_on_failure:
        raise GradcheckError(str(result))
    return result


def _as_input(x) -> Tensor:
    data = x.data if isinstance(x, Tensor) else np.asarray(x)
    if is_float(data.dtype):
        return Tensor(data, dtype="float64", requires_grad=True)
    return Tensor(data)


def _unit(shape, idx) -> np.ndarray:
    v = np.zeros(shape)
    v[idx] = 1.0
    return v


def _central_difference(loss, tensors, i, direction, eps) -> float:
    original = tensors[i].data
    values = []
    for sign in (+1, -1):
        shifted = list(tensors)
        shifted[i] = Tensor(original + sign * eps * direction, dtype="float64")
        values.append(loss(*shifted))
    return (values[0] - values[1]) / (2 * eps)
