"""`model.summary()`: la tabla de Keras 3, carácter a carácter.

Keras la dibuja con la biblioteca `rich`; aquí se reproduce a mano lo que rich hace con esa
tabla, para no depender de ella:

- ancho total = min(88, columnas del terminal - 4) (76 en un terminal de 80 o en Jupyter);
- tres columnas al 45 %, 80 % y 100 % de ese ancho, que luego se encogen por igual para dejar
  sitio a los 4 bordes (así salen 33/24/15 caracteres a 76 columnas);
- un espacio de margen a cada lado de cada celda; los textos largos se parten por palabras y
  las otras celdas de esa fila se centran en vertical;
- abajo, los totales con separador de miles y su tamaño en memoria (B, KB, MB con base 1024).
"""
import shutil

from ..errors import shape_str


def print_summary(model, line_length=None, positions=None, print_fn=None):
    line_length = line_length or min(88, shutil.get_terminal_size().columns - 4)
    widths = column_widths(line_length, positions or [0.45, 0.80, 1.0])
    rows = [_layer_row(layer) for layer in model.layers]
    lines = [f'Model: "{model.name}"']
    lines += render_table(["Layer (type)", "Output Shape", "Param #"], rows, widths, ["left", "left", "right"])
    lines += _footer(model)
    text = "\n".join(lines)
    (print_fn or print)(text)


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
        top = (height - len(cell_lines)) // 2  # centrado vertical, como vertical="middle" en rich
        cell_lines = [""] * top + cell_lines + [""] * (height - top - len(cell_lines))
        pad = str.rjust if how == "right" else str.ljust
        columns.append([" " + pad(line, width - 2) + " " for line in cell_lines])
    return [bar + bar.join(parts) + bar for parts in zip(*columns)]


def wrap(text, width):
    """Parte `text` en líneas de como mucho `width` caracteres, por los espacios (y trocea palabras largas)."""
    lines, current = [], ""
    for word in text.split(" "):
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


def _layer_row(layer):
    name = f"{layer.name} ({type(layer).__name__})"
    if not layer.built:
        return [name, "?", "0 (unbuilt)"]
    shape = layer.output_shape
    shape_text = "[" + ", ".join(shape_str(s) for s in shape) + "]" if isinstance(shape, list) else shape_str(shape)
    return [name, shape_text, f"{layer.count_params():,}"]


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
