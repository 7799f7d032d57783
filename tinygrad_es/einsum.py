"""`einsum`: productos y sumas de uno o dos tensores escritos con letras, como 'ij,jk->ik'.

Cada letra nombra un eje; lo que queda tras '->' es la forma de la salida. Una letra que está
en las dos entradas y no en la salida se suma (se contrae); una que está en las dos y en la
salida recorre lotes; una repetida en una entrada ('ii') toma la diagonal. Los casos de un
curso:

    'ij,jk->ik' matmul       'bij,bjk->bik' matmul por lotes     'i,j->ij' producto exterior
    'i,i->' producto escalar  'ii->' traza   'ii->i' diagonal     'ij->ji' transponer   'ij->j' suma

Se resuelve con operaciones que ya existen: la diagonal es un índice, lo que sobra se suma con
sum, y el producto de las dos entradas es un solo matmul (por lotes si hay lotes) tras ordenar
sus ejes en (lote, libres, contraídos) y juntarlos con reshape. Así el gradiente sale gratis.
No admite tres o más entradas, '...' ni una letra repetida más de dos veces en una entrada.
"""
from __future__ import annotations

import math

from .errors import ShapeError, shape_str


def einsum(subscripts: str, *operands):
    """einsum('ij,jk->ik', a, b), o con las entradas en una lista, einsum('ij,jk->ik', [a, b]), como
    PyTorch: ver el docstring del módulo."""
    from .tensor import Tensor  # (aquí y no arriba: tensor.py importa este módulo)

    if len(operands) == 1 and isinstance(operands[0], (list, tuple)) and all(isinstance(t, Tensor) for t in operands[0]):
        operands = tuple(operands[0])
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in operands]
    terms, output = _parse(subscripts, tensors)
    sizes = _label_sizes(subscripts, terms, tensors)
    pairs = [_diagonals(subscripts, t, term) for t, term in zip(tensors, terms)]
    if len(pairs) == 1:
        return _sum_and_order(*pairs[0], output)[0]
    (a, ta), (b, tb) = pairs
    a, ta = _sum_and_order(a, ta, [l for l in ta if l in tb or l in output])  # letras solo de a y no de la salida
    b, tb = _sum_and_order(b, tb, [l for l in tb if l in ta or l in output])
    batch = [l for l in ta if l in tb and l in output]
    contracted = [l for l in ta if l in tb and l not in output]
    left, right = [l for l in ta if l not in tb], [l for l in tb if l not in ta]

    def size(labels):
        return math.prod(sizes[l] for l in labels)

    lead = (size(batch),) if batch else ()
    a = _order(a, ta, batch + left + contracted).reshape(*lead, size(left), size(contracted))
    b = _order(b, tb, batch + contracted + right).reshape(*lead, size(contracted), size(right))
    result = batch + left + right
    return _order((a @ b).reshape(*(sizes[l] for l in result)), result, list(output))


def _parse(subscripts, tensors):
    """'ij,jk->ik' -> (['ij', 'jk'], 'ik'), con las comprobaciones; sin '->', la salida son las letras que
    aparecen una sola vez, en orden alfabético (como NumPy)."""
    spec = subscripts.replace(" ", "")
    if "..." in spec:
        raise ValueError(f"einsum({subscripts!r}): '...' no está admitido; escribe una letra por eje.")
    inputs, arrow, output = spec.partition("->")
    terms = inputs.split(",")
    if not 1 <= len(tensors) <= 2:
        raise ValueError(
            f"einsum admite uno o dos tensores y recibió {len(tensors)}: encadena llamadas de dos en dos, "
            "p. ej. einsum('ij,jk->ik', einsum('ij,jk->ik', a, b), c)."
        )
    if len(terms) != len(tensors):
        raise ValueError(
            f"einsum({subscripts!r}) describe {len(terms)} entrada(s) (separadas por comas) y recibió "
            f"{len(tensors)} tensor(es)."
        )
    if not arrow:
        letters = "".join(terms)
        output = "".join(sorted(l for l in set(letters) if letters.count(l) == 1))
    for term, t in zip(terms, tensors):
        if not (term.isascii() and term.isalpha() or term == ""):
            raise ValueError(f"einsum({subscripts!r}): cada eje se nombra con una letra (a-z, A-Z) y hay {term!r}.")
        if len(term) != t.ndim:
            raise ShapeError(
                f"einsum({subscripts!r}): '{term}' nombra {len(term)} ejes y su tensor tiene forma "
                f"{shape_str(t.shape)} ({t.ndim} ejes): una letra por eje."
            )
    extra = [l for l in output if l not in "".join(terms)]
    if not (output.isascii() and output.isalpha() or output == "") or len(set(output)) != len(output) or extra:
        raise ValueError(
            f"einsum({subscripts!r}): la salida '{output}' debe usar letras de las entradas, cada una una sola vez."
        )
    return terms, output


def _label_sizes(subscripts, terms, tensors) -> dict:
    """El tamaño de cada letra; la misma letra debe nombrar ejes del mismo tamaño."""
    sizes = {}
    for term, t in zip(terms, tensors):
        for label, n in zip(term, t.shape):
            if sizes.setdefault(label, n) != n:
                raise ShapeError(
                    f"einsum({subscripts!r}): la letra '{label}' nombra ejes de tamaños {sizes[label]} y {n}; "
                    "los ejes con la misma letra deben medir lo mismo."
                )
    return sizes


def _diagonals(subscripts, t, term):
    """Una letra repetida en una entrada ('ii') -> la diagonal de esos dos ejes, con la letra una sola vez."""
    for label in dict.fromkeys(term):
        count = term.count(label)
        if count > 2:
            raise ValueError(f"einsum({subscripts!r}): la letra '{label}' se repite {count} veces en '{term}'.")
        if count == 2:
            first, second = (i for i, l in enumerate(term) if l == label)
            rest = [i for i in range(len(term)) if i not in (first, second)]
            n = t.shape[first]  # la diagonal de n×n: cada (n + 1)-ésimo elemento de los n² aplanados
            t = t.permute(first, second, *rest).reshape(n * n, *(t.shape[i] for i in rest))[::n + 1]
            term = label + "".join(term[i] for i in rest)
    return t, term


def _sum_and_order(t, term, keep):
    """Suma los ejes cuyas letras no están en `keep` y ordena los demás como `keep`."""
    summed = tuple(i for i, l in enumerate(term) if l not in keep)
    if summed:
        t = t.sum(axis=summed)
        term = "".join(l for l in term if l in keep)
    return _order(t, term, list(keep)), "".join(keep)


def _order(t, term, labels):
    """Los ejes de t (nombrados por `term`) en el orden de `labels` (sin copiar si ya lo están)."""
    axes = [term.index(l) for l in labels]
    return t if axes == sorted(axes) else t.permute(*axes)
