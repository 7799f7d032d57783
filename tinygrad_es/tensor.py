"""`Tensor`: un array de NumPy más lo necesario para derivar.

Un Tensor guarda
- `data`: el array de NumPy con los valores,
- `requires_grad`: si queremos dL/d(este tensor),
- `grad`: ese gradiente, un Tensor (o None hasta el primer backward),
- `_ctx`: la operación (`Function`) que lo produjo, que recuerda a sus padres. Así el grafo
  se construye solo mientras calculamos.

Los métodos de este archivo se dividen en dos clases: los que llaman a una operación
primitiva de `ops/` (`Add.apply`, `Exp.apply`...) y los que se *componen* de otros métodos
(mean = sum / n, log_softmax = x - logsumexp(x)...). Los compuestos no necesitan backward
propio: el autograd deriva cada pieza. Más compuestos, heredados: las funciones matemáticas y
de activación (sin, gelu, cumsum...) en `tensor_math.py`, las de forma (flip, tile, pad,
einsum...) en `tensor_shape.py`, y lo que Python y NumPy piden (len, abs, float, np.asarray...) en
`tensor_python.py`.
"""
from __future__ import annotations

import math

import numpy as np

from . import aliases, autograd
from .runtime import device as _device
from .runtime.cuda_array import CudaArray
from .runtime.device import check_device, device_of, to_device
from .dtypes import DEFAULT_FLOAT, is_float, to_dtype
from .errors import ArgumentError, DTypeError, ShapeError, is_integer, shape_str
from .ops import elementwise as E
from .ops import matmul as M
from .ops import device as D
from .ops import movement as MV
from .ops import reduce as R
from .ops import softmax as S
from .random import dropout_mask, generator
from .tensor_inplace import InPlaceOps
from .tensor_math import MathOps
from .tensor_python import PythonOps, read_only
from .tensor_shape import ShapeOps
from .validation import (axis_arg, check_allocation, check_reduction, dimensions, fits_integer_type, flag, index_error,
                         integer, number, numeric_array, whole_numbers)


def _as_array(data, dtype):
    """Convierte `data` en un array con el dtype pedido; sin dtype, los flotantes pasan a float32."""
    if isinstance(data, CudaArray):  # ya en la GPU: sólo se ajusta el tipo, con la misma regla
        default = DEFAULT_FLOAT if data.dtype.kind == "f" else data.dtype
        target = to_dtype(dtype, "Tensor: dtype") if dtype is not None else default
        return data if data.dtype == target else data.astype(target)
    # primero los números tal como llegan (un texto como '1.5' no se convierte solo), luego el tipo pedido
    arr = data if type(data) is np.ndarray and data.dtype.kind in "biuf" else numeric_array("Tensor", "data", data)
    if dtype is not None:
        target = to_dtype(dtype, "Tensor: dtype")
        fits_integer_type("Tensor", "data", arr, target)
        return arr.astype(target, copy=False)
    if arr.dtype.kind == "f" and arr.dtype != DEFAULT_FLOAT:
        return arr.astype(DEFAULT_FLOAT)
    return arr


def _place(data, device):
    """`data` en `device`; sin device, los datos de la CPU van al dispositivo por defecto y los de la GPU se quedan."""
    if device is None:
        device = _device._default if type(data) is np.ndarray else device_of(data)
    return data if device == device_of(data) else to_device(data, check_device(device))


class Tensor(MathOps, ShapeOps, InPlaceOps, PythonOps, metaclass=aliases.TensorType):
    # _version: [n], cuántas veces cambió en su sitio (una lista: las vistas la comparten; ver versions.py);
    # _retains_grad: un nodo intermedio que guarda su .grad en backward (retain_grad)
    __slots__ = ("data", "grad", "requires_grad", "_ctx", "_version", "_retains_grad", "__weakref__")
    __array_priority__ = 1000  # para que `ndarray + Tensor` llame a Tensor.__radd__

    def __init__(self, data: Tensor | np.ndarray | list | float, dtype: str | np.dtype | None = None,
                 requires_grad: bool = False, device: str | None = None):
        """`device`: 'cpu' o 'cuda'; sin él, los datos de la CPU van al dispositivo por defecto
        (ver `set_default_device`) y los que ya están en la GPU se quedan allí."""
        source = data if isinstance(data, Tensor) else None
        if source is not None:
            data = data.data
        data = _as_array(data, dtype)
        if type(data) is not np.ndarray or device is not None or _device._default != "cpu":  # (en la CPU, un if)
            data = _place(data, device)
        self.data = data
        self.grad = None
        self._ctx = None
        self.requires_grad = self._retains_grad = False
        # Tensor(t) sin copia es la misma memoria que t: el mismo contador de versión
        self._version = source._version if source is not None and data is source.data else [0]
        if requires_grad is not False and flag("Tensor", "requires_grad", requires_grad):  # ('no' sería verdadero)
            self.requires_grad_(True)

    @staticmethod
    def _from_op(data, ctx) -> Tensor:
        """Construye el resultado de una operación sin repetir las comprobaciones de __init__."""
        t = Tensor.__new__(Tensor)
        t.data = data if type(data) is np.ndarray or isinstance(data, (np.ndarray, CudaArray)) else np.asarray(data)
        t.grad = None
        t._ctx = ctx
        t.requires_grad = ctx is not None
        t._retains_grad = False
        t._version = [0]
        return t

    def requires_grad_(self, flag: bool = True) -> Tensor:
        if flag and not is_float(self.data.dtype):
            raise DTypeError(
                f"Solo los tensores de coma flotante pueden tener gradiente y este es {self.data.dtype}: "
                "créalo con dtype='float32' (o escribe los números con decimales, 1.0 en vez de 1)."
            )
        self.requires_grad = flag
        return self

    # ------------------------------------------------------------ información
    shape = property(lambda self: self.data.shape, read_only("shape", "para otra forma, t = t.reshape(...)"))
    dtype = property(lambda self: self.data.dtype, read_only("dtype", "para otro tipo, t = t.astype(...)"))
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: aliases.ElementCount(self.data.size))  # x.size() da un error que lo explica

    def numpy(self) -> np.ndarray:
        """Los valores como array de NumPy (desde la GPU, una copia a la CPU)."""
        return to_device(self.data, "cpu")

    def item(self) -> float:
        if self.size != 1:
            raise ValueError(
                f"item(): solo vale para un tensor de un elemento y este tiene forma {shape_str(self.shape)} "
                f"({self.size} elementos): elige uno (t[0].item()) o reduce antes (t.sum().item(), t.mean().item())."
            )
        return self.data.item()

    def __bool__(self) -> bool:
        """`if t:` solo con un elemento; con más sería ambiguo (¿alguno?, ¿todos?), como en NumPy y PyTorch."""
        if self.size != 1:
            raise ValueError(
                f"El valor de verdad de un tensor de forma {shape_str(self.shape)} ({self.size} elementos) es ambiguo: "
                "di qué quieres, (t > 0).any() (¿alguno?) o (t > 0).all() (¿todos?)."
            )
        return bool(self.data.item())

    # ------------------------------------------------------------ dispositivo
    @property
    def device(self) -> str:
        """'cpu' o 'cuda': dónde viven los datos."""
        return device_of(self.data)

    def to(self, device: str) -> Tensor:
        """El tensor en `device` ('cpu' o 'cuda'); derivable: el gradiente vuelve al dispositivo de origen."""
        device = check_device(device)
        return self if device == self.device else D.ToDevice.apply(self, device=device)

    def cuda(self) -> Tensor:
        return self.to("cuda")

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def detach(self) -> Tensor:
        """El mismo valor, sin historia: el gradiente no pasa a través de él."""
        t = Tensor._from_op(self.data, None)
        t._version = self._version  # la misma memoria: un cambio en uno es un cambio en el otro
        return t

    def astype(self, dtype: str | np.dtype) -> Tensor:
        """Convierte a otro tipo; entre flotantes el gradiente pasa (convertido de vuelta)."""
        dtype = to_dtype(dtype, "astype")
        if is_float(dtype) and is_float(self.dtype):
            return E.Cast.apply(self, dtype=dtype)
        if self.requires_grad and autograd.is_grad_enabled():  # a enteros: el grafo recuerda dónde se corta
            return E.CastToInteger.apply(self, dtype=dtype)
        return Tensor(self.data.astype(dtype), dtype=dtype)

    def float(self) -> Tensor:
        return self.astype("float32")

    def double(self) -> Tensor:
        return self.astype("float64")

    def __repr__(self):
        body = np.array2string(self.numpy(), precision=4, separator=", ", prefix="Tensor(")
        grad = ", requires_grad=True" if self.requires_grad else ""
        device = ", device='cuda'" if self.device == "cuda" else ""
        return f"Tensor({body}, shape={shape_str(self.shape)}, dtype={self.dtype}{grad}{device})"

    __hash__ = object.__hash__  # comparar con == da un tensor, así que el hash es la identidad

    # ------------------------------------------------------------ constructores
    # device=None: el dispositivo por defecto; los *_like, el del tensor de referencia.
    @staticmethod
    def zeros(*shape, dtype: str | np.dtype | None = None, requires_grad: bool = False,
              device: str | None = None) -> Tensor:
        return Tensor(np.zeros(_new_shape("Tensor.zeros", shape, dtype)), dtype=dtype or DEFAULT_FLOAT,
            requires_grad=requires_grad, device=device)

    @staticmethod
    def ones(*shape, dtype: str | np.dtype | None = None, requires_grad: bool = False,
             device: str | None = None) -> Tensor:
        return Tensor(np.ones(_new_shape("Tensor.ones", shape, dtype)), dtype=dtype or DEFAULT_FLOAT,
            requires_grad=requires_grad, device=device)

    @staticmethod
    def full(shape: int | tuple, value: float, dtype: str | np.dtype | None = None, requires_grad: bool = False,
             device: str | None = None) -> Tensor:
        return Tensor(np.full(_new_shape("Tensor.full", (shape,), dtype), value), dtype=dtype or DEFAULT_FLOAT,
            requires_grad=requires_grad, device=device)

    @staticmethod
    def arange(start: float, stop: float | None = None, step: float = 1, dtype: str | np.dtype | None = None,
               requires_grad: bool = False, device: str | None = None) -> Tensor:
        """start, start+step... hasta antes de stop, como np.arange: enteros (int64) si los tres son enteros."""
        start, stop = (0, start) if stop is None else (start, stop)
        if dtype is None and all(is_integer(v) for v in (start, stop, step)):
            dtype = np.int64  # arange(5) cuenta, como en NumPy, PyTorch y Keras (int32 allí)
        start, stop, step = (number("Tensor.arange", n, v) for n, v in (("start", start), ("stop", stop), ("step", step)))
        if step == 0:
            raise ArgumentError("Tensor.arange: step (el paso entre valores) no puede ser 0: usa p. ej. step=1 o step=-1.")
        count = max(math.ceil((stop - start) / step), 0)
        check_allocation("Tensor.arange", "el resultado", (count,), dtype or np.float64, "Revisa start, stop y step.",
                         "elementos")
        return Tensor(np.arange(start, stop, step), dtype=dtype, requires_grad=requires_grad, device=device)

    @staticmethod
    def eye(n: int, m: int | None = None, dtype: str | np.dtype | None = None, requires_grad: bool = False,
            device: str | None = None) -> Tensor:
        n, m = _new_shape("Tensor.eye", (n, n if m is None else m), dtype)
        return Tensor(np.eye(n, m), dtype=dtype or DEFAULT_FLOAT, requires_grad=requires_grad, device=device)

    @staticmethod
    def rand(*shape, dtype: str | np.dtype | None = None, requires_grad: bool = False,
             device: str | None = None) -> Tensor:
        """Uniforme en [0, 1), con el generador global (ver `manual_seed`)."""
        data = generator().random(_new_shape("Tensor.rand", shape, dtype))
        return Tensor(data, dtype=dtype or DEFAULT_FLOAT, requires_grad=requires_grad, device=device)

    @staticmethod
    def randn(*shape, dtype: str | np.dtype | None = None, requires_grad: bool = False,
              device: str | None = None) -> Tensor:
        """Normal estándar, con el generador global (ver `manual_seed`)."""
        data = generator().standard_normal(_new_shape("Tensor.randn", shape, dtype))
        return Tensor(data, dtype=dtype or DEFAULT_FLOAT, requires_grad=requires_grad, device=device)

    @staticmethod
    def zeros_like(t: Tensor, **kw) -> Tensor:
        return Tensor.zeros(*t.shape, dtype=kw.pop("dtype", t.dtype), device=kw.pop("device", t.device), **kw)

    @staticmethod
    def ones_like(t: Tensor, **kw) -> Tensor:
        return Tensor.ones(*t.shape, dtype=kw.pop("dtype", t.dtype), device=kw.pop("device", t.device), **kw)

    @staticmethod
    def full_like(t: Tensor, value: float, **kw) -> Tensor:
        return Tensor.full(t.shape, value, dtype=kw.pop("dtype", t.dtype), device=kw.pop("device", t.device), **kw)

    @staticmethod
    def rand_like(t: Tensor, **kw) -> Tensor:
        return Tensor.rand(*t.shape, dtype=kw.pop("dtype", t.dtype), device=kw.pop("device", t.device), **kw)

    @staticmethod
    def randn_like(t: Tensor, **kw) -> Tensor:
        return Tensor.randn(*t.shape, dtype=kw.pop("dtype", t.dtype), device=kw.pop("device", t.device), **kw)

    # ------------------------------------------------------------ autograd
    def backward(self, grad: Tensor | np.ndarray | None = None, retain_graph: bool = False) -> None:
        """dL/dhoja para cada hoja del grafo de este tensor (ver `autograd.backward`)."""
        autograd.backward(self, grad, retain_graph)

    def retain_grad(self) -> None:
        """Que este tensor guarde su gradiente en `.grad` en `backward()` aunque no sea una hoja (como en
        PyTorch): los nodos intermedios lo sueltan tras usarlo, salvo que lo pidan así. Para verlo o dibujarlo."""
        if not self.requires_grad:
            raise autograd.AutogradError(
                "retain_grad(): este tensor no pide gradiente (requires_grad=False), así que backward() no le "
                "calcula ninguno: créalo con requires_grad=True o a partir de un tensor que lo pida."
            )
        self._retains_grad = True

    # ------------------------------------------------------------ aritmética (primitivas)
    def _operand(self, other) -> Tensor:
        """Un escalar de Python o un array de NumPy se convierte en Tensor del mismo dtype que self."""
        if isinstance(other, Tensor):
            return other
        dtype = self.dtype if is_float(self.dtype) else None
        if type(self.data) is np.ndarray and _device._default == "cpu":
            return Tensor(other, dtype=dtype)
        return Tensor(other, dtype=dtype, device=self.device)  # en el dispositivo de self

    def _binary(self, op, other, name, reverse=False):
        a, b = (self._operand(other), self) if reverse else (self, self._operand(other))
        if is_float(a.dtype) != is_float(b.dtype) or (op is E.Div and not is_float(a.dtype)):
            a, b = _float_operands(a, b)
        try:
            return op.apply(a, b)
        except ValueError:
            if _broadcastable(a.shape, b.shape):
                raise
            raise ShapeError(
                f"{name}: las formas {shape_str(a.shape)} y {shape_str(b.shape)} no se pueden combinar "
                "(broadcasting): alineadas por la derecha, cada par de tamaños debe ser igual o 1. "
                "Usa reshape o expand_dims para añadir los ejes que faltan."
            ) from None

    def __add__(self, o): return self._binary(E.Add, o, "suma (+)")
    def __radd__(self, o): return self._binary(E.Add, o, "suma (+)", reverse=True)
    def __sub__(self, o): return self._binary(E.Sub, o, "resta (-)")
    def __rsub__(self, o): return self._binary(E.Sub, o, "resta (-)", reverse=True)
    def __mul__(self, o): return self._binary(E.Mul, o, "producto (*)")
    def __rmul__(self, o): return self._binary(E.Mul, o, "producto (*)", reverse=True)
    def __truediv__(self, o): return self._binary(E.Div, o, "división (/)")
    def __rtruediv__(self, o): return self._binary(E.Div, o, "división (/)", reverse=True)
    def __pow__(self, o): return self._binary(E.Pow, o, "potencia (**)")
    def __rpow__(self, o): return self._binary(E.Pow, o, "potencia (**)", reverse=True)
    def __neg__(self): return E.Neg.apply(self)

    def maximum(self, o: Tensor | float | np.ndarray) -> Tensor: return self._binary(E.Maximum, o, "maximum")
    def minimum(self, o: Tensor | float | np.ndarray) -> Tensor: return self._binary(E.Minimum, o, "minimum")

    def matmul(self, other: Tensor | float | np.ndarray) -> Tensor:
        other = self._operand(other)
        return _matmul(self, other)

    def __matmul__(self, o): return self.matmul(o)
    def __rmatmul__(self, o): return _matmul(self._operand(o), self)

    # ------------------------------------------------------------ comparaciones (sin gradiente)
    def _compare(self, fn, other):
        if isinstance(other, Tensor) or other is None:  # (x == None da False en cada elemento, como NumPy)
            other = getattr(other, "data", other)
        else:  # un texto da el error en español, no el de las ufuncs de NumPy
            other = numeric_array("comparación (<, ==...)", "el otro lado", other)
        return Tensor(fn(self.data, other))

    def __lt__(self, o): return self._compare(np.less, o)
    def __le__(self, o): return self._compare(np.less_equal, o)
    def __gt__(self, o): return self._compare(np.greater, o)
    def __ge__(self, o): return self._compare(np.greater_equal, o)
    def __eq__(self, o): return self._compare(np.equal, o)
    def __ne__(self, o): return self._compare(np.not_equal, o)

    # ------------------------------------------------------------ funciones elementales
    def exp(self) -> Tensor: return E.Exp.apply(self)
    def log(self) -> Tensor: return E.Log.apply(self)
    def abs(self) -> Tensor: return E.Abs.apply(self)
    def tanh(self) -> Tensor: return E.Tanh.apply(self)
    def sigmoid(self) -> Tensor: return E.Sigmoid.apply(self)
    def relu(self) -> Tensor: return E.Relu.apply(self)
    def sqrt(self) -> Tensor: return self**0.5

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        """x si x > 0; negative_slope·x si no."""
        return Tensor.where(self > 0, self, self * negative_slope)

    def clip(self, min_value: float | None = None, max_value: float | None = None) -> Tensor:
        """Recorta a [min_value, max_value]; el gradiente es 1 dentro (bordes incluidos) y 0 fuera. Con
        min_value > max_value todo vale max_value, como np.clip y PyTorch (por eso el segundo where mira out)."""
        out = self
        if min_value is not None:
            out = Tensor.where(self < min_value, self._operand(min_value), out)
        if max_value is not None:
            out = Tensor.where(out > max_value, self._operand(max_value), out)
        return out

    def where(condition: Tensor | np.ndarray, a: Tensor | float | np.ndarray, b: Tensor | float | np.ndarray) -> Tensor:
        """Elige a donde `condition` es cierta y b donde no (condition no se deriva); las tres formas se
        difunden entre sí (broadcasting) y a y b pueden ser números. Sin @staticmethod a propósito: vale
        `Tensor.where(mask, a, b)` (NumPy) y también `mask.where(a, b)` (tinygrad)."""
        cond = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
        ref = a if isinstance(a, Tensor) else b if isinstance(b, Tensor) else Tensor(a)
        cond = to_device(cond, ref.device).astype(bool, copy=False)  # la máscara, donde viven los datos
        a, b = ref._operand(a), ref._operand(b)
        if is_float(a.dtype) != is_float(b.dtype):
            a, b = _float_operands(a, b)
        try:
            return E.Where.apply(a, b, cond=cond)
        except ValueError:
            raise ShapeError(
                f"where: condition {shape_str(cond.shape)}, a {shape_str(a.shape)} y b {shape_str(b.shape)} no se "
                "pueden combinar (broadcasting): alineadas por la derecha, cada tamaño debe ser igual o 1."
            ) from None

    # ------------------------------------------------------------ reducciones
    def sum(self, axis: int | tuple | None = None, keepdims: bool = False) -> Tensor:
        return R.Sum.apply(self, axis=axis_arg("sum", axis, self.ndim), keepdims=keepdims)

    def max(self, axis: int | tuple | None = None, keepdims: bool = False) -> Tensor:
        axis = axis_arg("max", axis, self.ndim)
        check_reduction("max", self.shape, axis, "el máximo de cero números no está definido")
        return R.Max.apply(self, axis=axis, keepdims=keepdims)

    def min(self, axis: int | tuple | None = None, keepdims: bool = False) -> Tensor:
        axis = axis_arg("min", axis, self.ndim)
        check_reduction("min", self.shape, axis, "el mínimo de cero números no está definido")
        return -((-self).max(axis, keepdims))

    def mean(self, axis: int | tuple | None = None, keepdims: bool = False) -> Tensor:
        axis = axis_arg("mean", axis, self.ndim)
        check_reduction("mean", self.shape, axis, "la media de cero números no está definida")
        return self.sum(axis, keepdims) / max(_count(self.shape, axis), 1)

    def var(self, axis: int | tuple | None = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Varianza con el convenio de NumPy (ddof=0, sesgada, como Keras); ddof=1 para la insesgada."""
        axis = axis_arg("var/std", axis, self.ndim)
        count = _count(self.shape, axis)
        if count - ddof <= 0 and math.prod(self.shape) > 0:
            raise ValueError(
                f"var/std: hay {count} elemento(s) por grupo en axis={axis!r} de un tensor de forma "
                f"{shape_str(self.shape)}, y con ddof={ddof} la varianza necesita al menos {ddof + 1}."
            )
        centered = self - self.mean(axis, keepdims=True)
        return (centered * centered).sum(axis, keepdims) / max(count - ddof, 1)

    def std(self, axis: int | tuple | None = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        return self.var(axis, keepdims, ddof).sqrt()

    def argmax(self, axis: int | tuple | None = None, keepdims: bool = False) -> Tensor:
        axis = axis_arg("argmax", axis, self.ndim)
        check_reduction("argmax", self.shape, axis, "la posición del máximo de cero números no está definida")
        return Tensor(np.argmax(self.data, axis=axis, keepdims=keepdims))

    def argmin(self, axis: int | tuple | None = None, keepdims: bool = False) -> Tensor:
        axis = axis_arg("argmin", axis, self.ndim)
        check_reduction("argmin", self.shape, axis, "la posición del mínimo de cero números no está definida")
        return Tensor(np.argmin(self.data, axis=axis, keepdims=keepdims))

    def logsumexp(self, axis: int = -1, keepdims: bool = False) -> Tensor:
        """log Σ e^x, estable: se resta el máximo (constante, sin gradiente) antes de exponenciar."""
        axis = axis_arg("logsumexp", axis, self.ndim)
        if _count(self.shape, axis) == 0:  # log de una suma vacía: log 0 = -inf (NumPy, PyTorch)
            return self.sum(axis, keepdims) + (-np.inf)
        m = Tensor(self.data.max(axis=axis, keepdims=True))
        out = (self - m).exp().sum(axis, keepdims=True).log() + m
        return out if keepdims else out.squeeze(axis)

    def log_softmax(self, axis: int = -1) -> Tensor:
        return self - self.logsumexp(axis, keepdims=True)

    def softmax(self, axis: int = -1) -> Tensor:
        """e^x / Σ e^x a lo largo de `axis` (primitiva fusionada: ver ops/softmax.py)."""
        axis = axis_arg("softmax", axis, self.ndim)
        if self.shape[axis] == 0:  # nada que normalizar: el resultado, vacío como la entrada
            return self * 1.0
        return S.Softmax.apply(self, axis=axis)

    # ------------------------------------------------------------ movimiento
    def reshape(self, *shape) -> Tensor:
        shape = _shape_arg(shape, "reshape")
        try:
            return MV.Reshape.apply(self, shape=shape)
        except ValueError:
            raise ShapeError(
                f"reshape: no se puede pasar de {shape_str(self.shape)} ({self.size} elementos) a "
                f"{shape_str(shape)}: el número de elementos debe coincidir (usa -1 para que se calcule un eje)."
            ) from None

    def permute(self, *axes) -> Tensor:
        axes = _shape_arg(axes, "permute/transpose")
        if sorted(a % self.ndim for a in axes if -self.ndim <= a < self.ndim) != list(range(self.ndim)):
            raise ShapeError(
                f"permute/transpose: {axes} no es una permutación de los {self.ndim} ejes de un tensor de forma "
                f"{shape_str(self.shape)}: nombra cada eje una vez, p. ej. {tuple(reversed(range(self.ndim)))}. "
                "Para intercambiar dos ejes (el transpose de PyTorch) usa swapaxes(a, b)."
            )
        return MV.Permute.apply(self, axes=tuple(a % self.ndim for a in axes))

    def transpose(self, *axes) -> Tensor:
        """Como NumPy: sin argumentos invierte los ejes; con ellos, los permuta."""
        return self.permute(*(axes or reversed(range(self.ndim))))

    T = property(lambda self: self.transpose())

    def swapaxes(self, a: int, b: int) -> Tensor:
        axes = list(range(self.ndim))
        axes[a], axes[b] = axes[b], axes[a]
        return self.permute(*axes)

    def expand(self, *shape) -> Tensor:
        """Estira los ejes de tamaño 1 (y añade ejes por la izquierda); -1 deja un eje como está (PyTorch)."""
        shape = _shape_arg(shape, "expand")
        lead = len(shape) - self.ndim
        shape = tuple(self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
        if not _broadcastable(self.shape, shape) or len(shape) < self.ndim:
            raise ShapeError(
                f"expand/broadcast_to: la forma {shape_str(self.shape)} no se puede estirar a {shape_str(shape)}: "
                "solo se estiran los ejes de tamaño 1 y se añaden ejes por la izquierda (-1 deja un eje como está)."
            )
        return MV.Expand.apply(self, shape=shape)

    def broadcast_to(self, shape: int | tuple) -> Tensor:
        return self.expand(*shape)

    def __getitem__(self, index):
        index = _index_arg(index)
        try:
            return MV.Index.apply(self, index=index)
        except (IndexError, TypeError):
            raise index_error("t[...]", self.shape, index) from None

    # ------------------------------------------------------------ redes
    def dropout(self, rate: float = 0.5, training: bool = True, noise_shape: tuple | None = None) -> Tensor:
        """Dropout invertido: anula cada elemento con probabilidad `rate` y escala el resto por 1/(1-rate).

        `noise_shape`: la forma de la máscara, que se difunde sobre el tensor (por defecto, la suya)."""
        rate = number("dropout", "rate", rate, 0, 1, meaning="la probabilidad de anular cada elemento")
        if not training or rate == 0:
            return self
        if rate == 1:
            return self * 0.0
        mask = dropout_mask(self.shape if noise_shape is None else noise_shape, rate)
        return self * Tensor(mask, dtype=self.dtype, device=self.device)

    def one_hot(self, num_classes: int) -> Tensor:
        """Etiquetas enteras -> vectores con un 1 en su clase (float32, sin gradiente)."""
        num_classes = integer("one_hot", "num_classes", num_classes, meaning="el número de clases")
        labels = whole_numbers("one_hot", "las etiquetas deben ser enteras (el índice de cada clase)", self.numpy(),
                               "convertirla a entero la truncaría en silencio: redondéala tú si es una clase.")
        if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
            raise ValueError(
                f"one_hot: las etiquetas deben estar entre 0 y {num_classes - 1} y van de {labels.min()} a "
                f"{labels.max()}: revisa num_classes."
            )
        return Tensor(np.eye(num_classes, dtype=DEFAULT_FLOAT)[labels], device=self.device)


def as_tensor(value: Tensor | np.ndarray | list | float) -> Tensor:
    """El propio Tensor, o uno nuevo con el array (o la lista, o el número) que llegó (como torch.as_tensor)."""
    return value if isinstance(value, Tensor) else Tensor(value)


# ---------------------------------------------------------------- ayudantes
def _shape_arg(shape, owner: str):
    """Acepta f(2, 3) y f((2, 3)) por igual; cada tamaño, un entero (un número negativo lo juzga quien llama)."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    return dimensions(owner, shape, minimum=None)


def _new_shape(owner: str, shape, dtype) -> tuple:
    """La forma de un tensor nuevo: tamaños >= 0, y que quepa en memoria antes de pedirla."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = shape[0]
    shape = dimensions(owner, shape, minimum=0)
    check_allocation(owner, "el tensor", shape, dtype or DEFAULT_FLOAT, "Revisa los tamaños.", "elementos")
    return shape


def _count(shape, axis) -> int:
    """Cuántos elementos entran en cada media de una reducción sobre `axis`."""
    if axis is None:
        return math.prod(shape)
    axes = (axis,) if isinstance(axis, int) else axis
    return math.prod(shape[a] for a in axes)


def _broadcastable(a, b) -> bool:
    return all(x == y or x == 1 or y == 1 for x, y in zip(reversed(a), reversed(b)))


def _index_arg(index):
    """Los Tensors dentro de un índice se convierten en arrays de NumPy (y un corte con paso 0 es un error)."""
    parts = index if isinstance(index, tuple) else (index,)
    for part in parts:
        if isinstance(part, slice) and isinstance(part.step, (int, np.integer)) and part.step == 0:
            ends = ":".join("" if end is None else str(end) for end in (part.start, part.stop))
            raise ValueError(f"t[...]: el corte {ends}:0 tiene paso 0, y el paso debe ser un entero distinto de 0 "
                             "(negativo para recorrer al revés, como t[::-1]).")
    parts = tuple(i.data if isinstance(i, Tensor) else i for i in parts)
    return parts if isinstance(index, tuple) else parts[0]


def _float_operands(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """Un entero (o booleano) con un flotante pasa al tipo del flotante, y dos enteros que se dividen, a
    float32: int64·float32 y 7 / 2 dan float32, como en Keras y PyTorch (NumPy daría float64)."""
    target = a.dtype if is_float(a.dtype) else b.dtype if is_float(b.dtype) else DEFAULT_FLOAT
    return tuple(t if t.dtype == target else t.astype(target) for t in (a, b))


def _matmul(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim == 0 or b.ndim == 0:
        raise ShapeError("matmul (@) no acepta escalares (0 ejes): para multiplicar por un número usa *.")
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != inner_b or not _broadcastable(a.shape[:-2], b.shape[:-2]):
        raise ShapeError(
            f"matmul (@): no se pueden multiplicar {shape_str(a.shape)} y {shape_str(b.shape)}: el último eje "
            f"de la izquierda ({a.shape[-1]}) debe ser igual al penúltimo de la derecha ({inner_b}). "
            "¿Falta transponer uno de los dos (.T)?"
        )
    return M.MatMul.apply(a, b)


aliases.install(Tensor)  # los nombres de PyTorch y tinygrad (cat, clamp, dim=...): ver aliases.py
