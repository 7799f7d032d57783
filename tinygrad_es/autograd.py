"""El corazón del autograd en modo inverso: la clase `Function` y `backward()`.

Cada operación primitiva es una subclase de `Function` con dos métodos, uno al lado del otro:

- `forward(*arrays, **opciones)` recibe arrays de NumPy y devuelve un array de NumPy.
- `backward(grad)` recibe dL/d(salida) y devuelve dL/d(entrada) para cada entrada (o `None`
  cuando esa entrada no necesita gradiente).

`Function.apply` ejecuta `forward` y, si alguna entrada pide gradiente, cuelga del resultado
el objeto `Function` (su "contexto"): así se construye el grafo, nodo a nodo, mientras el
programa calcula. `backward()` recorre ese grafo en orden topológico inverso aplicando la
regla de la cadena.
"""
from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Iterator, Optional

import numpy as np

from . import versions
from .runtime.device import check_same_device
from .errors import AutogradError, AnomalyError

if TYPE_CHECKING:  # (solo para las anotaciones: tensor.py importa este módulo)
    from .tensor import Tensor


_ndarray = np.ndarray  # (un nombre global: el if de Function.apply es lo más rápido posible)


class _Mode:
    """Interruptores globales: ¿se construye el grafo? ¿se vigilan NaN/inf en backward?"""

    grad_enabled = True
    detect_anomaly = False


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Dentro de `with no_grad():` las operaciones no construyen grafo (inferencia, actualizaciones)."""
    previous = _Mode.grad_enabled
    _Mode.grad_enabled = False
    try:
        yield
    finally:
        _Mode.grad_enabled = previous


def is_grad_enabled() -> bool:
    return _Mode.grad_enabled


@contextlib.contextmanager
def detect_anomaly() -> Iterator[None]:
    """Comprueba en backward que cada gradiente sea finito y nombra la operación que produjo NaN/inf."""
    previous = _Mode.detect_anomaly
    _Mode.detect_anomaly = True
    try:
        yield
    finally:
        _Mode.detect_anomaly = previous


# --8<-- [start:unbroadcast]
def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Suma `grad` de vuelta a `shape`.

    Si una entrada de forma (3, 1) se difundió (broadcasting) a (2, 3, 4), cada uno de sus
    elementos influyó en varias salidas, así que su gradiente es la suma de todas ellas: se
    suman los ejes que se añadieron delante y los ejes de tamaño 1 que se estiraron.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad
# --8<-- [end:unbroadcast]


class Function:
    """Una operación primitiva del grafo. Las subclases implementan `forward` y `backward`."""

    differentiable = True  # False: su backward solo explica por qué el gradiente no puede pasar (CastToInteger)

    def __init__(self, *parents: Tensor):
        self.parents = parents
        # needs_grad[i] dice si hay que calcular el gradiente de la entrada i (ahorra trabajo).
        self.needs_grad = tuple(p.requires_grad for p in parents)
        self.saved = ()
        self.freed = False
        # True durante el último backward (el grafo se suelta después): la operación puede escribir
        # encima de lo que guardó (la LSTM deja dz en el sitio de sus puertas)
        self.final_backward = False

    def save_for_backward(self, *values) -> None:
        """Guarda lo que `backward` necesitará (arrays, formas, máscaras...)."""
        self.saved = values

    def forward(self, *arrays, **options):  # pragma: no cover - lo implementa cada subclase
        raise NotImplementedError

    def backward(self, grad):  # pragma: no cover - lo implementa cada subclase
        raise NotImplementedError

    # --8<-- [start:apply]
    @classmethod
    def apply(cls, *parents: Tensor, **options) -> Tensor:
        """Ejecuta la operación sobre Tensors y, si hace falta, registra el nodo en el grafo."""
        ctx = cls(*parents)
        arrays = [p.data for p in parents]
        for a in arrays:
            if type(a) is not _ndarray:  # alguna entrada en la GPU: ¿todas en el mismo dispositivo?
                check_same_device(cls.__name__, parents)  # (en la CPU no cuesta nada más que este if)
                break
        data = ctx.forward(*arrays, **options)
        track = _Mode.grad_enabled and any(ctx.needs_grad)
        out = type(parents[0])._from_op(data, ctx if track else None)  # el Tensor resultado
        if type(data) is _ndarray and data.base is not None:  # ¿una vista de una entrada? (reshape, un corte...)
            versions.share_if_view(out, parents)
        if track:
            versions.record(ctx, parents, out)  # para detectar en backward un dato guardado que cambió
        return out
    # --8<-- [end:apply]

    def __repr__(self):
        return f"<{type(self).__name__}>"


# --8<-- [start:topological_order]
def topological_order(root: Tensor) -> list[Tensor]:
    """Los nodos del grafo que cuelgan de `root`, cada uno después de todas sus entradas.

    Búsqueda en profundidad *iterativa* (con una pila explícita, sin recursión) para que una
    cadena de 100 000 operaciones no choque con el límite de recursión de Python.
    """
    order, visited = [], set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))
        if node._ctx is not None:
            for parent in node._ctx.parents:
                if parent.requires_grad and id(parent) not in visited:
                    stack.append((parent, False))
    return order
# --8<-- [end:topological_order]


# --8<-- [start:backward]
def backward(root: Tensor, grad: Optional[Tensor | np.ndarray] = None, retain_graph: bool = False) -> None:
    """Retropropagación desde `root`: acumula dL/dhoja en el `.grad` de cada hoja (y de cada nodo
    intermedio que lo pidió con `retain_grad()`).

    Recorre el grafo de la salida a las hojas (orden topológico inverso): cada nodo recibe la
    suma de los gradientes que le mandan sus usuarios, se los pasa al `backward` de la operación
    que lo produjo y reparte lo que devuelve entre sus entradas (la regla de la cadena).

    - Los gradientes se *acumulan* en las hojas entre llamadas (como en PyTorch): pon
      `.grad = None` (o usa `optimizer.zero_grad`) antes de cada paso.
    - Tras recorrerlo, el grafo se libera (se sueltan los arrays guardados) salvo con
      `retain_graph=True`; un segundo `backward()` por un grafo liberado lanza un error claro.
    """
    grads = {id(root): _output_grad(root, grad)}  # id(nodo) -> dL/d(nodo), sumado de todos sus usuarios
    order = topological_order(root)
    _check_graph(order)  # antes de tocar ningún .grad
    for node in reversed(order):
        g = grads.pop(id(node), None)
        if g is None:
            continue
        ctx = node._ctx
        if ctx is None or node._retains_grad:  # una hoja (o un nodo con retain_grad()): aquí se acumula
            _accumulate(node, g)
        if ctx is None:
            continue
        _check_not_freed(ctx)
        ctx.final_backward = not retain_graph
        parent_grads = ctx.backward(g)
        if not isinstance(parent_grads, tuple):
            parent_grads = (parent_grads,)
        if not retain_graph:
            ctx.saved, ctx.freed = (), True
        for parent, pg, needed in zip(ctx.parents, parent_grads, ctx.needs_grad):
            if needed and pg is not None:
                _check_parent_grad(ctx, parent, pg)
                key = id(parent)
                grads[key] = pg if key not in grads else grads[key] + pg
# --8<-- [end:backward]


# ---------------------------------------------------------------- las comprobaciones de backward
def _check_graph(order: list[Tensor]) -> None:
    """¿Cambió en su sitio algo que el grafo guardó (versions.py)? ¿Pasa el gradiente por una operación no
    derivable (astype a enteros)? Cualquiera de las dos es un error que nombra la operación."""
    versions.check(order)
    for node in order:
        if node._ctx is not None and not node._ctx.differentiable:
            node._ctx.backward(None)  # su backward es el error que lo explica


def _output_grad(root: Tensor, grad) -> np.ndarray:
    """dL/d(root) para empezar: 1 si root es un escalar; si no, el `grad` dado, con la forma de root."""
    from .tensor import Tensor

    if not root.requires_grad:
        raise AutogradError(
            "backward() necesita un tensor que siga gradientes, y este no lo hace: crea las hojas con "
            "requires_grad=True y no calcules dentro de no_grad()."
        )
    if grad is None:
        if root.data.size != 1:
            raise AutogradError(
                f"backward() sin argumento solo vale para un escalar, y este tensor tiene forma {root.shape}: "
                "reduce antes con .sum() o .mean(), o pasa el gradiente de salida, p. ej. "
                "t.backward(Tensor.ones_like(t))."
            )
        return np.ones_like(root.data)
    grad = grad.data if isinstance(grad, Tensor) else np.asarray(grad, dtype=root.dtype)
    if grad.shape != root.shape:
        raise AutogradError(
            f"backward(grad) esperaba un gradiente de forma {root.shape} (la del tensor) y recibió {grad.shape}."
        )
    return grad


def _accumulate(leaf: Tensor, g: np.ndarray) -> None:
    """leaf.grad += g (la primera vez, leaf.grad = g)."""
    from .tensor import Tensor

    if leaf.grad is None:
        # g puede ser una vista de solo lectura (broadcast_to): la hoja se queda una copia escribible
        leaf.grad = Tensor(g if g.flags.writeable else g.copy(), dtype=leaf.dtype)
    else:
        leaf.grad = Tensor(leaf.grad.data + g, dtype=leaf.dtype)


def _check_not_freed(ctx: Function) -> None:
    if ctx.freed:
        raise AutogradError(
            f"Se intentó recorrer dos veces el grafo de {type(ctx).__name__}, y ya se liberó tras el primer "
            "backward(): recalcula la pérdida (vuelve a ejecutar el forward) o usa backward(retain_graph=True) "
            "la primera vez."
        )


def _check_parent_grad(ctx: Function, parent: Tensor, pg: np.ndarray) -> None:
    """Un backward mal escrito se delata aquí, no tres operaciones después; con detect_anomaly, también NaN/inf."""
    if pg.shape != parent.shape:
        raise AutogradError(
            f"El backward de {type(ctx).__name__} devolvió para una entrada de forma {parent.shape} un "
            f"gradiente de forma {pg.shape}: cada gradiente debe tener la forma de su entrada "
            "(¿falta unbroadcast?)."
        )
    if _Mode.detect_anomaly and not np.all(np.isfinite(pg)):
        raise AnomalyError(
            f"La operación {type(ctx).__name__} produjo NaN o infinito en su backward (gradiente de "
            f"forma {pg.shape}): revisa sus entradas (log de 0, división por 0, exp de números grandes)."
        )
