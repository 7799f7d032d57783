"""El grafo de un modelo funcional: de las salidas hacia atrás hasta las entradas.

Recorrido (el mismo orden que Keras 3, que decide el orden de `model.layers`, de los pesos y
de las filas de `summary()`):

1. En profundidad desde cada salida, se anota cada nodo al terminar con sus padres y cada capa
   la primera vez que se visita (su "índice").
2. La profundidad de un nodo es 0 en las salidas y, hacia atrás, uno más que la mayor de sus
   hijos; la de una capa, la mayor de sus nodos.
3. Las capas se ordenan de más profunda a menos (las entradas primero) y, a igual profundidad,
   por su índice. Los nodos se calculan en ese mismo orden de profundidad: cada uno cuando ya
   están todas sus entradas.
"""
from __future__ import annotations

from collections import defaultdict

from ..symbolic import KerasTensor, node_of


class GraphError(ValueError):
    """El grafo no se puede calcular a partir de las entradas dadas."""


def map_graph(inputs: list[KerasTensor], outputs: list[KerasTensor]):
    """(nodos en orden de cálculo, nodos por profundidad, capas en el orden de Keras)."""
    finished, in_progress, post_order, layer_index = set(), set(), [], {}
    input_ids = {id(t) for t in inputs}

    def visit(tensor):
        node = node_of(tensor)
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise GraphError(f"El grafo tiene un ciclo en la capa {node.layer.name}: una capa no puede depender "
                             "de su propia salida.")
        layer_index.setdefault(node.layer, len(layer_index))
        in_progress.add(id(node))
        if not node.is_input and id(tensor) not in input_ids:
            for parent in node.input_tensors:
                visit(parent)
        in_progress.discard(id(node))
        finished.add(id(node))
        post_order.append(node)

    for tensor in outputs:
        visit(tensor)

    node_depth, layer_depth = {}, {}
    for node in reversed(post_order):
        depth = max(node_depth.setdefault(node, 0), layer_depth.get(node.layer, 0))
        layer_depth[node.layer] = node_depth[node] = depth
        for parent in node.parent_nodes:
            node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    for tensor in inputs:  # una entrada que ninguna salida usa sigue siendo del modelo
        layer = tensor._keras_history.operation
        if layer not in layer_depth:
            layer_depth[layer], layer_index[layer] = 0, -1
            node_depth[node_of(tensor)] = 0

    nodes_by_depth = defaultdict(list)
    for node, depth in node_depth.items():
        nodes_by_depth[depth].append(node)
    layers = sorted(layer_depth, key=lambda layer: (-layer_depth[layer], layer_index[layer]))
    order = [node for depth in sorted(nodes_by_depth, reverse=True) for node in nodes_by_depth[depth]]
    _check_connected(order, inputs)
    return order, dict(nodes_by_depth), layers


def _check_connected(order, inputs):
    """Cada nodo debe poder calcularse con las entradas del modelo y lo que producen los nodos anteriores."""
    available = {id(t) for t in inputs}
    for node in order:
        if node.is_input:
            if not any(id(t) in available for t in node.output_tensors):
                raise GraphError(
                    f"Grafo desconectado: la salida depende de la entrada '{node.layer.name}', que no está entre "
                    "las entradas del modelo: añádela a keras.Model(inputs=[...], ...)."
                )
            continue
        for tensor in node.input_tensors:
            if id(tensor) not in available:
                raise GraphError(
                    f"Grafo desconectado: la capa {node.layer.name} necesita el tensor '{tensor.name}', que no se "
                    "puede calcular desde las entradas del modelo: añade su Input a keras.Model(inputs=[...], ...)."
                )
        available.update(id(t) for t in node.output_tensors)
