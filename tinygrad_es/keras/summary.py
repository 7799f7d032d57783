"""`model.summary()`: la tabla de Keras 3, carácter a carácter.

Keras la dibuja con la biblioteca `rich`; aquí se reproduce a mano lo que rich hace con esa
tabla, para no depender de ella:

- ancho total = min(88, columnas del terminal - 4) (76 en un terminal de 80 o en Jupyter);
- tres columnas al 45 %, 80 % y 100 % de ese ancho, que luego se encogen por igual para dejar
  sitio a los 4 bordes (así salen 33/24/15 caracteres a 76 columnas);
- un espacio de margen a cada lado de cada celda; los textos largos se parten por palabras y
  las otras celdas de esa fila quedan arriba;
- un modelo funcional con ramas o capas compartidas usa 108 columnas (o las del terminal, si son
  menos) y añade "Connected to": de qué capa[nodo][salida] recibe cada capa;
- abajo, los totales con separador de miles y su tamaño en memoria (B, KB, MB con base 1024).
"""
import re
import shutil

from ..errors import shape_str
from .layers.layer import Layer


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    layers, sequential_like, nodes = _layout(model)
    if sequential_like:
        default, positions = 88, positions or [0.45, 0.80, 1.0]
        header, justify = ["Layer (type)", "Output Shape", "Param #"], ["left", "left", "right"]
    else:
        default, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
        justify = ["left", "left", "right", "left"]
    if show_trainable:
        default += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header, justify = header + ["Trainable"], justify + ["center"]
    line_length = line_length or min(default, shutil.get_terminal_size().columns - 4)
    widths = column_widths(line_length, positions)
    start, end = _layer_range(layers, layer_range)
    rows = []
    for layer in layers[start:end]:
        rows += _rows(layer, 0, nodes if not sequential_like else None, expand_nested, show_trainable)
    lines = [f'Model: "{model.name}"']
    lines += render_table(header, rows, widths, justify)
    lines += _footer(model)
    text = "\n".join(lines)
    (print_fn or print)(text)


def _layout(model):
    """(capas a listar, ¿tabla de tres columnas?, nodos del modelo): como Keras, un modelo funcional que
    es una cadena sin ramas ni capas compartidas se resume como uno secuencial (con sus Input)."""
    nodes_by_depth = getattr(model, "_nodes_by_depth", None)
    if nodes_by_depth is None:  # Sequential o subclase
        return model.layers, True, None
    nodes = [node for depth in sorted(nodes_by_depth, reverse=True) for node in nodes_by_depth[depth]]
    chain = all(len(v) == 1 and len(v[0].input_tensors) <= 1 for v in nodes_by_depth.values())
    shared = any(sum(node in nodes for node in layer._inbound_nodes) > 1 for layer in model.layers)
    return model.layers, chain and not shared, {id(node) for node in nodes}


def _layer_range(layers, layer_range):
    """layer_range=('primera', 'última'): nombres (o expresiones regulares) de la primera y la última fila."""
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2:
        raise ValueError(f"summary(layer_range=...) necesita dos nombres, (primera, última), y recibió {layer_range}.")
    first = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    last = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not first or not last:
        raise ValueError(f"summary(layer_range={layer_range}): ninguna capa se llama así; las capas son "
                         f"{[layer.name for layer in layers]}.")
    return first[0], last[-1] + 1


def column_widths(line_length, positions):
    """Anchos de columna (con su margen) como los calcula rich para una tabla de ancho `line_length`."""
    wanted, start = [], 0
    for position in positions:
        end = int(position * line_length)
        wanted.append(end - start + 2)  # + el espacio de margen a cada lado
        start = end
    excess = sum(wanted) - (line_length - len(wanted) - 1)  # lo que sobra al sumar los bordes
    # Se reparte el recorte entre las columnas, redondeando como Python (round(3.5) = 4).
    widths, remaining, count = [], excess, len(wanted)
    for width in wanted:
        cut = min(width, round(remaining / count)) if remaining > 0 else 0
        widths.append(width - cut)
        remaining -= cut
        count -= 1
    return widths


def render_table(header, rows, widths, justify):
    """Las líneas de la tabla con bordes de rich (cabecera gruesa, una línea entre filas)."""
    def rule(left, fill, middle, right):
        return left + middle.join(fill * w for w in widths) + right

    lines = [rule("┏", "━", "┳", "┓")]
    lines += _row_lines(header, widths, justify, "┃")
    lines.append(rule("┡", "━", "╇", "┩"))
    for i, row in enumerate(rows):
        if i:
            lines.append(rule("├", "─", "┼", "┤"))
        lines += _row_lines(row, widths, justify, "│")
    lines.append(rule("└", "─", "┴", "┘"))
    return lines


def _row_lines(cells, widths, justify, bar):
    wrapped = [wrap(text, width - 2) for text, width in zip(cells, widths)]
    height = max(len(w) for w in wrapped)
    columns = []
    for cell_lines, width, how in zip(wrapped, widths, justify):
        cell_lines = cell_lines + [""] * (height - len(cell_lines))  # arriba, como rich por defecto
        pad = {"right": str.rjust, "center": str.center}.get(how, str.ljust)
        columns.append([" " + pad(line, width - 2) + " " for line in cell_lines])
    return [bar + bar.join(parts) + bar for parts in zip(*columns)]


def wrap(text, width):
    """Parte `text` en líneas de como mucho `width` caracteres, por los espacios (y trocea palabras largas).
    La sangría del principio se conserva (las subcapas de expand_nested)."""
    indent = len(text) - len(text.lstrip(" "))
    words = text[indent:].split(" ")
    words[0] = " " * indent + words[0]
    lines, current = [], ""
    for word in words:
        while len(word) > width:  # una palabra que no cabe en ninguna línea se corta
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    lines.append(current)
    return lines


def readable_memory_size(num_bytes):
    """53736 -> '52.48 KB' (base 1024, dos decimales), como Keras."""
    for unit in ["B", "KB", "MB", "GB", "TB"]:
        if num_bytes < 1024:
            return f"{num_bytes:.2f} {unit}"
        num_bytes /= 1024
    return f"{num_bytes:.2f} PB"


def _rows(layer, level, nodes, expand_nested, show_trainable) -> list:
    prefix = "   " * level + "└ " if level else ""
    row = [f"{prefix}{layer.name} ({type(layer).__name__})", _output_shape(layer), _params(layer)]
    if nodes is not None:
        row.append(_connections(layer, nodes))
    if show_trainable:
        row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
    rows = [row]
    if expand_nested and getattr(layer, "layers", None):
        for sublayer in layer.layers:
            rows += _rows(sublayer, level + 1, nodes, expand_nested, show_trainable)
    return rows


def _output_shape(layer) -> str:
    """La forma que produjo la capa en su última llamada funcional; en un modelo subclase, la que
    resulta de la forma con la que se construyó (lote incluido, como Keras); si no, '?'."""
    if layer._inbound_nodes:
        shapes = [t.shape for t in layer._inbound_nodes[-1].output_tensors]
    elif layer._build_input_shape is not None:
        try:
            output = layer.compute_output_shape(layer._build_input_shape)
        except Exception:  # una capa propia que no sabe su forma de salida
            return "?"
        shapes = [output] if isinstance(output, tuple) else list(output)
    else:
        return "?"
    if len(shapes) == 1:
        return shape_str(shapes[0])
    return "[" + ", ".join(shape_str(s) for s in shapes) + "]"


def _params(layer) -> str:
    # Una capa sin pesos (que no redefine build) cuenta como construida, como en Keras.
    if not layer.built and type(layer).build is not Layer.build:
        return "0 (unbuilt)"
    return f"{layer.count_params():,}" if layer.built else "0"


def _connections(layer, nodes) -> str:
    """'capa[nodo][salida]' de cada tensor que entra en cada nodo de la capa que es de este modelo."""
    inbound = [f"{t._keras_history.operation.name}[{t._keras_history.node_index}][{t._keras_history.tensor_index}]"
               for node in layer._inbound_nodes if id(node) in nodes for t in node.input_tensors]
    return ", ".join(inbound) or "-"


def _footer(model):
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    counts = {
        "Trainable": (sum(w.size for w in trainable), sum(w.data.nbytes for w in trainable)),
        "Non-trainable": (sum(w.size for w in non_trainable), sum(w.data.nbytes for w in non_trainable)),
    }
    optimizer = _optimizer_params(model.optimizer)
    if optimizer is not None:
        counts["Optimizer"] = optimizer
    total = (sum(n for n, _ in counts.values()), sum(b for _, b in counts.values()))
    lines = [f" Total params: {total[0]:,} ({readable_memory_size(total[1])})"]
    lines += [f" {kind} params: {n:,} ({readable_memory_size(b)})" for kind, (n, b) in counts.items()]
    return lines


def _optimizer_params(optimizer):
    """Las variables del optimizador (iteration, learning_rate y su estado, como Keras), si ya dio algún paso."""
    if not getattr(optimizer, "built", False):
        return None
    variables = optimizer.variables
    return sum(v.size for v in variables), sum(v.nbytes for v in variables)
