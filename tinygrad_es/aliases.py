"""Los nombres de PyTorch y tinygrad, traducidos a los de Keras y NumPy: todos aquí, en un sitio.

Los nombres principales de tinygrad_es son los de Keras y NumPy (`concatenate`, `clip`,
`axis=`, `keepdims=`). Quien viene de PyTorch o de tinygrad escribe otros (`cat`, `clamp`,
`dim=`, `keepdim=`), y aquí se traducen a los principales sin una segunda implementación:

- `ARGUMENTS`: argumentos con nombre que se renombran en cualquier método que tenga el
  principal: `x.sum(dim=1, keepdim=True)` es `x.sum(axis=1, keepdims=True)`. Los que se pasan
  sueltos (`reshape(*shape)`, `permute(*axes)`) también valen con nombre: `x.permute(dims=(1, 0))`.
- `ALIASES`: otro nombre para el mismo método: `x.clamp(min=0)` es `x.clip(min_value=0)`.
- `UNSUPPORTED`: nombres que no existen aquí, con lo que hay que escribir en su lugar; junto
  con las erratas (`x.reshpe` -> '¿quisiste decir reshape?') y las operaciones en su sitio
  (`x.add_(1)`), son el error de `x.nombre_que_no_existe`.

Mismo nombre, otro significado (manda el de NumPy/Keras; conviene saberlo):
- `repeat`: aquí repite cada elemento (np.repeat); el `repeat` de PyTorch/tinygrad es `tile`
  (`x.repeat(2, 3)` da un error que lo dice).
- `transpose(0, 1)`: aquí es una permutación completa de los ejes (NumPy); para intercambiar
  dos ejes, como el de PyTorch, `swapaxes(0, 1)`.
- `split(n)`: aquí n trozos iguales (NumPy); en PyTorch, trozos de n elementos.
- `var` y `std`: aquí sesgadas (ddof=0, como NumPy y Keras); en PyTorch, insesgadas
  (`unbiased=True` o `correction=1` se traducen a ddof=1).
- `max(axis)`: aquí solo los valores; para los índices, `argmax(axis)`.
- `size`: aquí el número de elementos (una propiedad, como NumPy); `x.shape` es la forma. Es un
  int que no se deja llamar: `x.size()` o `x.size(0)` de PyTorch dan un error que lo dice
  (`ElementCount`), en vez de "'int' object is not callable".

`install(Tensor)`, al final de tensor.py, lo aplica a la clase; `install_functions`, al final de
nn/functional.py, hace lo mismo con sus funciones, con `FUNCTION_ARGUMENTS` además (allí la
convolución escribe `stride` y `dilation`, como PyTorch, y el pooling `strides` y `pool_size`, como
Keras: los dos nombres valen en las dos).
"""
import functools
import inspect

from .errors import closest_name

ARGUMENTS = {  # nombre de PyTorch/tinygrad -> nombre principal (o los candidatos, en orden)
    "dim": "axis", "dims": ("axis", "axes"), "keepdim": "keepdims", "shifts": "shift",
    "correction": "ddof", "unbiased": "ddof",  # True/False valen como ddof 1/0
    "min": "min_value", "max": "max_value", "min_": "min_value", "max_": "max_value",  # clamp de PyTorch, clip de tinygrad
    "min_val": "min_value", "max_val": "max_value",  # hardtanh de PyTorch
    "neg_slope": "negative_slope",  # leakyrelu de tinygrad
    "order": "axes", "size": "shape",  # permute(order=) de tinygrad, expand(size=) y zeros(size=) de PyTorch
    "p": "rate", "diagonal": "k",  # dropout(p=) y triu(diagonal=) de PyTorch
}

FUNCTION_ARGUMENTS = {  # en nn.functional, además: el nombre de Keras y el de PyTorch valen los dos
    "strides": "stride", "stride": "strides",  # conv*d tiene stride (PyTorch); los pool*d, strides (Keras)
    "dilation_rate": "dilation", "kernel_size": "pool_size",
}

ALIASES = {  # alias -> nombre principal
    "cat": "concatenate", "concat": "concatenate", "clamp": "clip",
    "add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__", "pow": "__pow__", "neg": "__neg__",
    "mm": "matmul", "bmm": "matmul", "dot": "matmul",
    "view": "reshape", "unsqueeze": "expand_dims", "swapdims": "swapaxes", "repeat_interleave": "repeat",
    "chunk": "split", "ravel": "flatten", "absolute": "abs", "amax": "max", "amin": "min",
    "logsoftmax": "log_softmax", "leakyrelu": "leaky_relu", "hardswish": "hard_swish", "hardsigmoid": "hard_sigmoid",
    "hardtanh": "hard_tanh", "asinh": "arcsinh", "acosh": "arccosh", "atanh": "arctanh",
    "eq": "__eq__", "ne": "__ne__", "lt": "__lt__", "le": "__le__", "gt": "__gt__", "ge": "__ge__",
}

UNSUPPORTED = {  # nombre -> qué escribir en su lugar
    "values": "max(axis) devuelve solo los valores, como NumPy; para los índices usa argmax(axis)",
    "indices": "max(axis) devuelve solo los valores, como NumPy; para los índices usa argmax(axis)",
    "masked_fill": "usa Tensor.where(mask, valor, x)",
    "clone": "las operaciones crean siempre un Tensor nuevo, así que casi nunca hace falta copiar; una copia con "
             "su propia memoria es Tensor(x.numpy().copy()), y para cortar el gradiente, detach()",
    "contiguous": "no hace falta (la disposición en memoria la elige NumPy): quita la llamada",
    "numel": "usa x.size (una propiedad, sin paréntesis)",
    "dim": "usa x.ndim (una propiedad, sin paréntesis)",
    "view_as": "usa x.reshape(*otro.shape)",
    "reshape_as": "usa x.reshape(*otro.shape)",
    "expand_as": "usa x.expand(*otro.shape)",
    "type_as": "usa x.astype(otro.dtype)",
    "long": "usa x.astype('int64')",
    "int": "usa x.astype('int32')",
    "bool": "usa x.astype('bool')",
    "half": "float16 no está (tinygrad_es calcula en float32 o float64): usa x.float()",
    "empty": "usa Tensor.zeros(*forma): aquí no hay memoria sin inicializar",
    "realize": "no hace falta: tinygrad_es calcula cada operación en el acto (no es perezoso como tinygrad); quita "
               "la llamada",
    "pad2d": "usa pad con un par (antes, después) por eje, p. ej. x.pad(((0, 0), (arriba, abajo), (izq, der), (0, 0)))",
    "conv2d": "usa nn.functional.conv2d(x, w): canales al final, x (N, H, W, C) y w (KH, KW, C, F)",
    "max_pool2d": "usa nn.functional.max_pool2d(x): canales al final, x (N, H, W, C)",
    "avg_pool2d": "usa nn.functional.avg_pool2d(x): canales al final, x (N, H, W, C)",
    "linear": "usa x @ w + b",
    "reciprocal": "usa 1 / x",
    "quick_gelu": "usa x * (x * 1.702).sigmoid(), o la aproximación gelu(approximate=True)",
    "binary_crossentropy": "usa nn.functional.binary_cross_entropy(pred, y) o keras.losses.binary_crossentropy",
    "sparse_categorical_crossentropy": "usa nn.functional.softmax_cross_entropy(logits, y) o "
                                       "keras.losses.sparse_categorical_crossentropy",
}


class ElementCount(int):
    """`x.size`: el número de elementos, un int como el de NumPy. Llamarlo es el `size()` de PyTorch, que
    es la forma: el error lo dice."""

    def __call__(self, *args, **kwargs):
        axis = f"x.shape[{args[0]}]" if args else "x.shape[eje]"
        raise TypeError(
            f"x.size es el número de elementos ({int(self)}), una propiedad sin paréntesis como en NumPy; el "
            f"size() de PyTorch es la forma: usa x.shape, y para el tamaño de un eje, {axis}."
        )


def install(cls) -> None:
    """Aplica las tres tablas a `cls`: argumentos renombrados, alias y el error de un nombre que no existe."""
    for name in dir(cls):
        if not name.startswith("_"):
            _accept_argument_aliases(cls, name)
    for alias, primary in ALIASES.items():
        setattr(cls, alias, inspect.getattr_static(cls, primary))
    cls.__getattr__ = _missing_attribute


def install_functions(namespace: dict) -> None:
    """Lo mismo para las funciones públicas de un módulo (nn.functional): ARGUMENTS y
    FUNCTION_ARGUMENTS, así `max_pool2d(x, 2, stride=2)` y `conv2d(x, w, strides=2)` también valen."""
    table = {**ARGUMENTS, **FUNCTION_ARGUMENTS}
    for name, fn in list(namespace.items()):
        if not name.startswith("_") and inspect.isfunction(fn):
            namespace[name] = _with_argument_aliases(fn, table, name_unknown=True)


def _accept_argument_aliases(cls, name) -> None:
    """Si el método `name` tiene argumentos principales de ARGUMENTS, acepta también sus alias."""
    attr = inspect.getattr_static(cls, name)
    fn = attr.__func__ if isinstance(attr, staticmethod) else attr
    method = _with_argument_aliases(fn, ARGUMENTS) if inspect.isfunction(fn) else None
    if method is not None:
        setattr(cls, name, staticmethod(method) if isinstance(attr, staticmethod) else method)


def _with_argument_aliases(fn, table: dict, name_unknown: bool = False):
    """`fn` envuelta para que acepte los alias de `table` de sus argumentos, o None si no tiene ninguno.
    Con name_unknown, envuelta siempre, y un argumento que no existe da el error en español con el
    nombre más parecido (en vez del TypeError de Python)."""
    params = inspect.signature(fn).parameters
    renames = {old: _primary(new, params) for old, new in table.items() if _primary(new, params) and old not in params}
    # reshape(*shape), permute(*axes): PyTorch y tinygrad también los nombran (reshape(shape=...)).
    star = next((name for name, p in params.items() if p.kind is p.VAR_POSITIONAL), None)
    if not renames and star is None and not name_unknown:
        return None
    known = None if any(p.kind is p.VAR_KEYWORD for p in params.values()) else [*params, *renames]

    @functools.wraps(fn)
    def method(*args, **kwargs):
        if kwargs:  # (sin argumentos con nombre, la llamada cuesta lo mismo que antes más una función)
            if name_unknown and known is not None:
                _check_keywords(fn.__name__, kwargs, known)
            kwargs = {renames.get(k, k): v for k, v in kwargs.items()}
            if star in kwargs:
                args = (*args, kwargs.pop(star))
        return fn(*args, **kwargs)

    return method


def _primary(names: str | tuple, params) -> str | None:
    """El primero de los nombres principales que la función tiene, o None."""
    return next((name for name in ((names,) if isinstance(names, str) else names) if name in params), None)


def _check_keywords(fn_name: str, kwargs: dict, known: list) -> None:
    for key in kwargs:
        if key not in known:
            close = closest_name(key, known)
            hint = f"¿quisiste decir '{close}'?" if close else f"los que acepta son: {', '.join(known)}."
            raise TypeError(f"{fn_name} no tiene el argumento '{key}': {hint}")


class TensorType(type):
    """El tipo de la clase Tensor: `Tensor.empty(...)`, sin instancia, da el mismo error en español que
    `x.empty` (sin esto, Python diría en inglés "type object 'Tensor' has no attribute")."""

    def __getattr__(cls, name):
        return _missing_attribute(cls, name)


def _missing_attribute(self, name):
    """`x.nombre` (o `Tensor.nombre`) que no existe: un error que dice qué usar (solo para los nombres públicos)."""
    if name.startswith("_"):
        raise AttributeError(name)
    cls = self if isinstance(self, type) else type(self)
    if name in UNSUPPORTED:
        hint = UNSUPPORTED[name]
    elif name.endswith("_") and hasattr(cls, name[:-1]):
        hint = (f"las operaciones en su sitio no existen en tinygrad_es: escribe x = x.{name[:-1]}(...), que "
                "crea un Tensor nuevo y deja el grafo intacto (para cambiar los valores de un dato o un peso: "
                "x.assign(...), x.assign_add(...), x[...] = v)")
    else:
        close = closest_name(name, [n for n in dir(cls) if not n.startswith("_")])
        hint = f"¿quisiste decir '{close}'?" if close else "mira help(Tensor) para ver sus métodos"
    raise AttributeError(f"Tensor no tiene '{name}': {hint}" + ("" if hint.endswith("?") else "."))
