"""Capas recurrentes (LSTM, GRU, SimpleRNN) sobre una secuencia entera, con BPTT.

Las muestras del lote no se mezclan nunca en una capa recurrente: la fila n de h_t solo
depende de la fila n de x y de h_{t-1}. Por eso las tres reparten el lote en un bloque de
filas por hilo (`_by_batch_rows`, con BLAS de un hilo dentro: `threads.map_chunks`), y cada
hilo hace TODO el trabajo de su bloque con arrays propios en orden temporal, (T, filas, ·):

1. Copia su x a orden temporal y calcula x_t·W + b de todos los pasos con UN producto de BLAS,
   (T·filas, D + 1) @ (D + 1, k·u) (`_project_block`): el sesgo es una fila más de W, y x lleva
   una columna de unos que la multiplica. Así no hay una pasada aparte para sumar b (40·128·512
   valores en la LSTM del curso) y en el backward db sale en el mismo producto que dW. (La LSTM
   va más lejos: un solo producto por paso con x_t, 1 y h_{t-1} juntos; ver su docstring.)
   Si x es one-hot exacta (un 1 por fila: los caracteres del curso), x_t·W son filas de W y no
   hace falta multiplicar: se suman (`_one_hot_index` y kernels/cpu/one_hot.py), y en el backward
   cada fila de d(x·W) se suma a su fila de dW.
2. En cada paso: h_{t-1}·U con BLAS, (filas, u) @ (u, k·u), y después la celda fusionada de
   Numba (`kernels/cpu/<celda>.py`), que hace activaciones y estados en una pasada y guarda lo
   que necesitará el backward.
3. Backward a través del tiempo (BPTT), de t = T-1 a 0: la celda de Numba da el gradiente de
   las preactivaciones de cada paso y dh_{t-1} = d(h·U)·Uᵀ con BLAS. Al acabar, sus partes de
   dW = Σ_t x_tᵀ·d(x_t·W) y dU = Σ_t h_{t-1}ᵀ·d(h_{t-1}·U), y su trozo de dx, salen con un
   producto cada una sobre sus bloques contiguos (`_block_grads`); el hilo principal solo suma
   las partes de cada hilo (matrices de (D + u)·k·u números).

¿Por qué no repartir cada producto entre hilos de BLAS? Los de cada paso son pequeños
((64, 128) @ (128, 512) por hilo en la LSTM del curso) y son 80 seguidos: repartirlos cuesta
más de lo que gana (los hilos se esperan unos a otros en cada llamada y, si la máquina tiene
otra carga, cada espera es de milisegundos). Así, los hilos solo se esperan una vez en el
forward y otra en el backward. Y todo lo que recorre el lote (copias a orden temporal y de
vuelta, productos, sumas) va dentro de los hilos: hecho en serie, con el otro núcleo parado,
costaba ~2.5 ms por paso solo en el forward de la LSTM del curso (medido con 2 hilos).

Una operación tiene una sola salida, así que cada capa devuelve (N, T + S, u): las T salidas y
después sus S estados finales (h_T; en la LSTM, h_T y c_T). `nn.functional` la corta. Con
`sequences=False` (una capa de Keras con return_sequences=False) solo escribe la última salida,
(N, 1 + S, u): ni el forward copia las T salidas ni el backward recorre su gradiente, que sería
de ceros salvo en el último paso. En la LSTM del curso son ~1 ms menos por paso (un hilo: tres
arrays de (N, T, u) menos que escribir, poner a cero y copiar).

Máscaras (`mask`, booleana (N, T), como las de Keras): en un paso enmascarado la fila no
avanza, su estado sigue siendo el del paso anterior, y su salida es la del paso anterior (ceros
si aún no hubo ningún paso válido, como Keras con TensorFlow). La celda se calcula igual en
todas las filas y después las enmascaradas recuperan su estado (`_carry`); en el backward, su
gradiente pasa entero al paso anterior sin entrar en la celda (`_masked_step`). Sin máscara no
se hace nada de esto.

Las mismas líneas sirven en la GPU: `kernels_for(x, lstm)` da las celdas del dispositivo de x
(kernels/cpu/ o kernels/cuda/, mismas firmas), los arrays nacen con `np.empty_like(x, shape=...)`
en el dispositivo de x, y en la GPU el lote entero va en un solo bloque (sin hilos de CPU).
"""
import numpy as np

from ..autograd import Function
from ..kernels.cpu import gru, lstm, one_hot, simple_rnn
from ..runtime import threads
from ..runtime.device import contiguous, device_of, kernels_for, to_device
from ..runtime.scratch import recycled, scratch


def _by_batch_rows(loop, state):
    """[loop(slice de filas del lote) por bloque], un bloque del lote por hilo (ver el docstring del módulo).

    `state` (N, u) es un estado del lote; en la GPU, un solo bloque con todas las filas. Con el
    mismo N, los bloques son siempre los mismos: el backward encuentra los del forward por su inicio."""
    n = state.shape[0]
    if type(state) is not np.ndarray:
        return [loop(slice(0, n))]
    return threads.map_chunks(lambda start, stop: loop(slice(start, stop)), n, threads.per_worker(n))


def _sum_parts(parts):
    """[(dW, dU, db) de cada bloque] -> (ΣdW, ΣdU, Σdb)."""
    return tuple(sum(part) for part in zip(*parts))


def _with_bias(W, bias, dtype):
    """[W; b] (D + 1, k·u): el sesgo como la última fila de W (ver el docstring del módulo)."""
    return contiguous(np.concatenate([W.astype(dtype, copy=False), bias.reshape(1, -1).astype(dtype, copy=False)]))


def _project_block(x, r, Wb, dtype, hot, into=None):
    """(entradas, xw): las entradas del bloque de filas r y x_t·W + b de todos sus pasos, xw (T, m, k·u),
    con Wb = [W; b]; xw se escribe en `into` si se da.

    Las entradas son xt (T, m, D + 1), las filas r de x en orden temporal con una columna de unos, y xw
    sale de UN producto de BLAS (T·m, D + 1) @ (D + 1, k·u). Si x es one-hot (`hot` (T, N), de
    `_one_hot_index`), son sus índices (T, m), y xw = b + W[índice], filas sumadas sin producto.
    Los arrays que guarda el forward para su backward salen de `recycled` (ver runtime/scratch.py):
    sin fallos de página de un paso a otro."""
    steps, d = x.shape[1], x.shape[2]
    m = r.stop - r.start
    xw = recycled("rnn_xw", (steps, m, Wb.shape[1]), dtype, like=x) if into is None else into
    if hot is not None:
        indices = np.ascontiguousarray(hot[:, r])
        xw[...] = Wb[-1]
        one_hot.add_rows(xw.reshape(steps * m, -1), Wb, indices.reshape(-1))
        return indices, xw
    xt = recycled("rnn_xt", (steps, m, d + 1), dtype, like=x)
    xt[..., :d] = x[r].transpose(1, 0, 2)
    xt[..., d] = 1
    np.matmul(xt.reshape(steps * m, d + 1), Wb, out=xw.reshape(steps * m, Wb.shape[1]))
    return xt, xw


def _one_hot_index(x):
    """(T, N) con la columna del 1 de cada x[n, t] si x es one-hot exacta y vive en la CPU; si no, None.

    Con una entrada así, x_t·W son filas de W (kernels/cpu/one_hot.py): las tres capas las suman en vez
    de multiplicar. Comprobarlo es una pasada por x que para en el primer valor que no es 0 ni 1."""
    if type(x) is not np.ndarray:
        return None
    idx = np.empty((x.shape[1], x.shape[0]), np.int64)
    return idx if one_hot.one_hot_index(x, idx) else None


def _states(h0, steps, dtype, name="rnn_hs"):
    """hs (T+1, m, u) con hs[0] = h0: hs[t] es h_{t-1} del paso t."""
    hs = recycled(name, (steps + 1, *h0.shape), dtype, like=h0)
    hs[0] = h0
    return hs


# ---------------------------------------------------------------- máscaras
class _Mask:
    """Una máscara (N, T) de booleanos preparada en orden temporal, en el dispositivo y dtype de la capa.

    keep[t] (N, 1) vale 1 en las filas que avanzan en el paso t y 0 en las enmascaradas; drop = 1 - keep;
    seen[t] vale 1 si la fila tuvo algún paso válido hasta t (si no, su salida es 0)."""

    def __init__(self, mask, like, dtype):
        steps_first = np.ascontiguousarray(mask.T[:, :, None])
        seen = np.logical_or.accumulate(steps_first, axis=0)
        device = device_of(like)
        self.keep, self.drop, self.seen = (to_device(a.astype(dtype), device) for a in
                                           (steps_first, ~steps_first, seen))

    def rows(self, r):
        """(keep, drop, seen) de las filas r, cada uno (T, m, 1)."""
        return tuple(contiguous(a[:, r]) for a in (self.keep, self.drop, self.seen))


def _carry(keep, drop, new, old):
    """new = new en las filas que avanzan y old en las enmascaradas (keep y drop son 0 o 1: sin redondeo)."""
    new *= keep
    new += old * drop


def _skip_cell(keep, drop, *grads):
    """Anula los gradientes en las filas enmascaradas (allí no entran en la celda) y devuelve la suma de lo que
    salta entero al paso anterior."""
    passing = sum(grad * drop for grad in grads)
    for grad in grads:
        grad *= keep
    return passing


def _outputs(out, r, hs, seen, sequences):
    """Escribe las salidas de las filas r (h_t, o 0 mientras la fila no tuvo ningún paso válido) y su h_T.

    Con `sequences`, las T salidas; si no, solo la última."""
    steps = hs.shape[0] - 1
    first = 1 if sequences else steps  # hs[t] es h_t: las salidas van de hs[1] (o de hs[T]) a hs[T]
    outputs = hs[first:] if seen is None else hs[first:] * seen[first - 1:]
    out[r, :len(outputs)] = outputs.transpose(1, 0, 2)
    out[r, len(outputs)] = hs[steps]


def _output_grads(grad, r, steps, dtype, seen, sequences):
    """dL/d(salida t) de las filas r en orden temporal, indexable por t ((T, m, u) o una lista de T filas (m, u)).

    Con `sequences`, grad trae las T salidas: se copian a un búfer del hilo (T, m, u). Si no, trae
    solo la última: los T - 1 pasos anteriores son la misma fila de ceros, sin copiar nada."""
    m, u = r.stop - r.start, grad.shape[2]
    if not sequences:
        zero = scratch("rnn_zero_grad", (m, u), dtype, like=grad)
        zero[...] = 0
        last = scratch("rnn_last_grad", (m, u), dtype, like=grad)
        last[...] = grad[r, 0] if seen is None else grad[r, 0] * seen[steps - 1]
        return [zero] * (steps - 1) + [last]
    dhs = scratch("rnn_dhs", (steps, m, u), dtype, like=grad)
    dhs[...] = grad[r, :steps].transpose(1, 0, 2)
    if seen is not None:
        dhs *= seen
    return dhs


def _block_grads(inputs, hs, Wb, d_xw, d_hu, dx, r):
    """Las partes de [dW; db] y de dU de un bloque (un producto cada una) y su trozo de dx (si dx no es None).

    `inputs` son las de `_project_block`. xt lleva la columna de unos, así que xtᵀ·d(x·W) da dW y, en
    su última fila, db = Σ d(x·W). Con índices one-hot, cada fila de d(x·W) se suma a la fila de dW
    de su índice."""
    steps, m = inputs.shape[:2]
    d_xw2 = d_xw.reshape(steps * m, -1)
    if dx is not None:  # x suele ser el dato de entrada, que no pide gradiente
        dx[r] = np.matmul(d_xw2, Wb[:-1].T).reshape(steps, m, -1).transpose(1, 0, 2)
    dU = None if d_hu is None else hs[:-1].reshape(steps * m, -1).T @ d_hu.reshape(steps * m, -1)
    if inputs.ndim == 3:  # xt (T, m, D + 1); si no, los índices one-hot (T, m)
        return inputs.reshape(steps * m, -1).T @ d_xw2, dU
    dWb = np.zeros_like(d_xw2, shape=Wb.shape)
    one_hot.scatter_add_rows(d_xw2, inputs.reshape(-1), dWb)
    dWb[-1] = d_xw2.sum(axis=0)
    return dWb, dU


class _Recurrent(Function):
    """Lo común de las tres capas: estados finales tras las salidas, máscara y comienzo del backward."""

    def _setup(self, x, h0, mask, dtype, sequences):
        """(salida vacía, pasos, máscara preparada o None, índices one-hot de x o None)."""
        n, steps, _ = x.shape
        self.steps, self.sequences = steps, sequences
        outputs = steps if sequences else 1
        out = np.empty_like(x, shape=(n, outputs + self.state_count, h0.shape[1]), dtype=dtype)
        return out, steps, None if mask is None else _Mask(mask, x, dtype), _one_hot_index(x)

    def _backward_start(self, grad):
        """([W; b], bloques del forward, dx, dh, Uᵀ contigua, pasos): lo que los backward preparan igual.

        dx (N, T, D) solo si x pide gradiente (suele ser el dato de entrada). dh entra con dL/dh_T
        (el gradiente del estado final, una copia: se escribe) y cada hilo lo recorre hacia atrás en
        sus filas: al acabar es dL/dh0."""
        Wb, U, blocks = self.saved
        dx = np.empty_like(grad, shape=(grad.shape[0], self.steps, Wb.shape[0] - 1)) if self.needs_grad[0] else None
        return Wb, blocks, dx, grad[:, -self.state_count].copy(), contiguous(U.T), self.steps

    def _output_grads(self, grad, r, dtype, seen):
        return _output_grads(grad, r, self.steps, dtype, seen, self.sequences)


class LSTM(_Recurrent):
    """lstm(x, h0, c0, W, U, b) -> (N, T+2, u): [salidas 1 ... T, h_T, c_T] ((N, 3, u) sin `sequences`).

    A diferencia de GRU y SimpleRNN, z = x_t·W + b + h_{t-1}·U entra entero en la celda, así que
    cada paso hace UN producto, [x_t, 1, h_{t-1}] @ [W; b; U] (K = D + 1 + u), en vez de uno para
    todos los x_t·W antes del bucle y otro por paso para h_{t-1}·U: las puertas se escriben una
    vez (no dos) y el backward saca dW, db y dU de un solo producto, [x, 1, h]ᵀ @ dz. Medido en
    la LSTM del curso, un hilo: ~1.5 ms menos por paso (de ~28 a ~26.5).

    Si x es one-hot exacta (un 1 por fila y ceros: los caracteres del curso), x_t·W son filas de W:
    el producto de cada paso es [1, h_{t-1}] @ [b; U] y después se suman esas filas
    (`kernels/cpu/one_hot.py`); en el backward, cada fila de dz se suma a su fila de dW. En la LSTM
    del curso quita 57 de las K = 186 filas de los productos: de ~25.6 a ~21.3 ms por paso con un hilo
    y de ~13.6 a ~11.7 ms con dos. Con cualquier otra x, o en la GPU, todo va por los productos."""

    state_count = 2

    def forward(self, x, h0, c0, W, U, b, mask=None, sequences=True):
        dtype = np.result_type(x, h0, c0, W, U, b)
        d, u = x.shape[2], U.shape[0]
        out, steps, masks, hot = self._setup(x, h0, mask, dtype, sequences)
        cols = d if hot is None else 0  # columnas de x en el producto de cada paso
        Wb = _with_bias(W, b, dtype)
        WbU = contiguous(np.concatenate([Wb[d - cols:], U.astype(dtype, copy=False)]))  # [W; b; U] o [b; U]
        L = kernels_for(x, lstm)
        blocks = {}  # inicio del bloque de filas -> lo que el backward necesita de ese bloque

        def rows(r):
            m = r.stop - r.start
            xh = recycled("lstm_xh", (steps, m, cols + 1 + u), dtype, like=x)  # xh[t] = [x_t, 1, h_{t-1}]
            if hot is None:
                xh[..., :d] = x[r].transpose(1, 0, 2)
            xh[..., cols] = 1
            hot_rows = None if hot is None else np.ascontiguousarray(hot[:, r])
            gates = recycled("rnn_xw", (steps, m, 4 * u), dtype, like=xh)  # z, y la celda lo deja activado
            hs = scratch("lstm_hs", (steps + 1, m, u), dtype, like=xh)  # h_t (en xh, h_{t-1} por paso)
            hs[0] = h0[r]
            cs = _states(c0[r], steps, dtype, "lstm_cs")
            keep, drop, seen = (None,) * 3 if masks is None else masks.rows(r)
            for t in range(steps):
                xh[t, :, cols + 1:] = hs[t]
                np.matmul(xh[t], WbU, out=gates[t])
                if hot_rows is not None:  # + x_t·W: las filas de W de las columnas encendidas
                    one_hot.add_rows(gates[t], Wb, hot_rows[t])
                L.lstm_cell_forward(gates[t], cs[t], cs[t + 1], hs[t + 1])
                if keep is not None:
                    _carry(keep[t], drop[t], hs[t + 1], hs[t])
                    _carry(keep[t], drop[t], cs[t + 1], cs[t])
            _outputs(out, r, hs, seen, sequences)
            out[r, -1] = cs[steps]
            blocks[r.start] = xh, cs, gates, (keep, drop, seen), hot_rows

        _by_batch_rows(rows, h0)
        self.save_for_backward(Wb, WbU[cols + 1:], blocks)
        return out

    def backward(self, grad):
        Wb, blocks, dx, dh0, UT, steps = self._backward_start(grad)
        dc0 = grad[:, -1].copy()
        L = kernels_for(grad, lstm)
        need_h0 = self.needs_grad[1]

        def rows(r):  # devuelve la parte de [dW; db; dU] de estas filas
            xh, cs, gates, (keep, drop, seen), hot_rows = blocks[r.start]
            dhs = self._output_grads(grad, r, xh.dtype, seen)
            # la celda escribe dz[t] encima de gates[t] (kernels/cpu/lstm.py): en una copia si el grafo se
            # conserva para otro backward (retain_graph=True)
            dz = gates if self.final_backward else gates.copy()
            dh = dh0[r]  # el gradiente que llega a h_{t-1} desde el paso t (al acabar, el de h0)
            dc = dc0[r]  # entra dc_T, sale dc_0
            for t in reversed(range(steps)):
                if keep is not None:  # el estado de las filas enmascaradas es el del paso anterior
                    h_pass = _skip_cell(keep[t], drop[t], dhs[t], dh)
                    c_pass = _skip_cell(keep[t], drop[t], dc)
                L.lstm_cell_backward(dhs[t], dh, dc, dz[t], cs[t], cs[t + 1])
                if t > 0 or need_h0:  # dL/dh0 solo si h0 lo pide
                    np.matmul(dz[t], UT, out=dh)
                if keep is not None:
                    dh += h_pass
                    dc += c_pass
            flat = (steps * (r.stop - r.start), -1)
            if dx is not None:
                dx[r] = np.matmul(dz.reshape(flat), Wb[:-1].T).reshape(steps, r.stop - r.start, -1).transpose(1, 0, 2)
            grads = xh.reshape(flat).T @ dz.reshape(flat)  # [dW; db; dU] ([db; dU] si x es one-hot)
            if hot_rows is None:
                return (grads,)
            dW = np.zeros_like(grads, shape=(Wb.shape[0] - 1, grads.shape[1]))
            one_hot.scatter_add_rows(dz.reshape(flat), hot_rows.reshape(-1), dW)
            return (np.concatenate([dW, grads]),)

        (dWbU,) = _sum_parts(_by_batch_rows(rows, dh0))
        d = Wb.shape[0] - 1
        return dx, dh0, dc0, dWbU[:d], dWbU[d + 1:], dWbU[d]


class GRU(_Recurrent):
    """gru(x, h0, W, U, b (2, 3u)) -> (N, T+1, u): [salidas 1 ... T, h_T] ((N, 2, u) sin `sequences`), Keras
    reset_after=True."""

    state_count = 1

    def forward(self, x, h0, W, U, b, mask=None, sequences=True):
        dtype = np.result_type(x, h0, W, U, b)
        Wb, U, b_rec = _with_bias(W, b[0], dtype), contiguous(U, dtype=dtype), contiguous(b[1], dtype=dtype)
        out, steps, masks, hot = self._setup(x, h0, mask, dtype, sequences)
        G = kernels_for(x, gru)
        blocks = {}

        def rows(r):
            m, u = r.stop - r.start, U.shape[0]
            xw = scratch("gru_xw", (steps, m, 3 * u), dtype, like=x)  # el backward no lo necesita
            xt, xw = _project_block(x, r, Wb, dtype, hot, into=xw)
            hs = _states(h0[r], steps, dtype)
            gates = recycled("gru_gates", (steps, m, 3 * u), dtype, like=xw)
            rh = recycled("gru_rh", (steps, m, u), dtype, like=xw)
            keep, drop, seen = (None,) * 3 if masks is None else masks.rows(r)
            for t in range(steps):
                np.matmul(hs[t], U, out=gates[t])
                G.gru_cell_forward(xw[t], gates[t], b_rec, hs[t], rh[t], hs[t + 1])
                if keep is not None:
                    _carry(keep[t], drop[t], hs[t + 1], hs[t])
            _outputs(out, r, hs, seen, sequences)
            blocks[r.start] = xt, hs, gates, rh, (keep, drop, seen)

        _by_batch_rows(rows, h0)
        self.save_for_backward(Wb, U, blocks)
        return out

    def backward(self, grad):
        Wb, blocks, dx, dh0, UT, steps = self._backward_start(grad)
        G = kernels_for(grad, gru)

        def rows(r):
            xt, hs, gates, rh, (keep, drop, seen) = blocks[r.start]
            dhs = self._output_grads(grad, r, hs.dtype, seen)
            d_xw = scratch("gru_dxw", gates.shape, gates.dtype, like=gates)
            d_hu = scratch("gru_dhu", gates.shape, gates.dtype, like=gates)
            dh = dh0[r]
            dh_direct = scratch("gru_dh_direct", dh.shape, dh.dtype, like=dh)
            for t in reversed(range(steps)):
                if keep is not None:
                    h_pass = _skip_cell(keep[t], drop[t], dhs[t], dh)
                G.gru_cell_backward(dhs[t], dh, gates[t], rh[t], hs[t], d_xw[t], d_hu[t], dh_direct)
                np.matmul(d_hu[t], UT, out=dh)
                dh += dh_direct
                if keep is not None:
                    dh += h_pass
            return *_block_grads(xt, hs, Wb, d_xw, d_hu, dx, r), d_hu.sum(axis=(0, 1))

        dWb, dU, db_rec = _sum_parts(_by_batch_rows(rows, dh0))
        return dx, dh0, dWb[:-1], dU, np.stack([dWb[-1], db_rec])


class GRUResetBefore(_Recurrent):
    """gru(x, h0, W, U, b (3u,)) -> (N, T+1, u), Keras reset_after=False: ĥ = tanh(x·W_h + b_h + (r·h)·U_h).

    El reset va ANTES del producto por U_h, así que cada paso tiene dos productos seguidos:
    h_{t-1}·U_zr para las puertas z y r, y (r·h_{t-1})·U_h para el candidato (ver kernels/cpu/gru.py).
    """

    state_count = 1

    def forward(self, x, h0, W, U, b, mask=None, sequences=True):
        dtype = np.result_type(x, h0, W, U, b)
        Wb = _with_bias(W, b, dtype)
        u = U.shape[0]
        U_zr, U_h = contiguous(U[:, :2 * u], dtype=dtype), contiguous(U[:, 2 * u:], dtype=dtype)
        out, steps, masks, hot = self._setup(x, h0, mask, dtype, sequences)
        G = kernels_for(x, gru)
        blocks = {}

        def rows(r):
            m = r.stop - r.start
            xt, xw = _project_block(x, r, Wb, dtype, hot)  # xw sale con (z, r, ĥ) de cada paso: son las puertas
            hs = _states(h0[r], steps, dtype)
            rh = recycled("gru_rh", (steps, m, u), dtype, like=xw)
            hu = scratch("gru_hu", (m, 2 * u), dtype, like=xw)
            ru = scratch("gru_ru", (m, u), dtype, like=xw)
            keep, drop, seen = (None,) * 3 if masks is None else masks.rows(r)
            for t in range(steps):
                np.matmul(hs[t], U_zr, out=hu)
                G.gru_reset_before_gates(hu, xw[t], hs[t], rh[t])
                np.matmul(rh[t], U_h, out=ru)
                G.gru_reset_before_output(ru, xw[t], hs[t], hs[t + 1])
                if keep is not None:
                    _carry(keep[t], drop[t], hs[t + 1], hs[t])
            _outputs(out, r, hs, seen, sequences)
            blocks[r.start] = xt, hs, xw, rh, (keep, drop, seen)

        _by_batch_rows(rows, h0)
        self.save_for_backward(Wb, U, blocks)
        return out

    def backward(self, grad):
        Wb, blocks, dx, dh0, UT, steps = self._backward_start(grad)
        u = dh0.shape[1]
        U_zrT, U_hT = contiguous(UT[:2 * u]), contiguous(UT[2 * u:])
        G = kernels_for(grad, gru)

        def rows(r):
            xt, hs, gates, rh, (keep, drop, seen) = blocks[r.start]
            dhs = self._output_grads(grad, r, hs.dtype, seen)
            d_xw = scratch("gru_dxw", gates.shape, gates.dtype, like=gates)
            d_rh = scratch("gru_drh", dh0[r].shape, gates.dtype, like=gates)
            dh = dh0[r]
            dh_direct = scratch("gru_dh_direct", dh.shape, dh.dtype, like=dh)
            for t in reversed(range(steps)):
                if keep is not None:
                    h_pass = _skip_cell(keep[t], drop[t], dhs[t], dh)
                G.gru_reset_before_backward_output(dhs[t], dh, gates[t], hs[t], d_xw[t], dh_direct)
                np.matmul(d_xw[t, :, 2 * u:], U_hT, out=d_rh)
                G.gru_reset_before_backward_gates(d_rh, gates[t], hs[t], d_xw[t], dh_direct)
                np.matmul(d_xw[t, :, :2 * u], U_zrT, out=dh)
                dh += dh_direct
                if keep is not None:
                    dh += h_pass
            dWb, _ = _block_grads(xt, hs, Wb, d_xw, None, dx, r)
            flat = (steps * (r.stop - r.start), -1)
            dU = np.concatenate([hs[:-1].reshape(flat).T @ d_xw[..., :2 * u].reshape(flat),
                                 rh.reshape(flat).T @ d_xw[..., 2 * u:].reshape(flat)], axis=1)
            return dWb, dU

        dWb, dU = _sum_parts(_by_batch_rows(rows, dh0))
        return dx, dh0, dWb[:-1], dU, dWb[-1]


class SimpleRNN(_Recurrent):
    """simple_rnn(x, h0, W, U, b) -> (N, T+1, u): [salidas 1 ... T, h_T], h_t = tanh(x_t·W + b + h_{t-1}·U)."""

    state_count = 1

    def forward(self, x, h0, W, U, b, mask=None, sequences=True):
        dtype = np.result_type(x, h0, W, U, b)
        Wb, U = _with_bias(W, b, dtype), contiguous(U, dtype=dtype)
        out, steps, masks, hot = self._setup(x, h0, mask, dtype, sequences)
        S = kernels_for(x, simple_rnn)
        blocks = {}

        def rows(r):
            xw = scratch("rnn_xw", (steps, r.stop - r.start, U.shape[0]), dtype, like=x)
            xt, xw = _project_block(x, r, Wb, dtype, hot, into=xw)
            hs = _states(h0[r], steps, dtype)
            keep, drop, seen = (None,) * 3 if masks is None else masks.rows(r)
            for t in range(steps):
                np.matmul(hs[t], U, out=hs[t + 1])
                S.simple_rnn_cell_forward(xw[t], hs[t + 1])
                if keep is not None:
                    _carry(keep[t], drop[t], hs[t + 1], hs[t])
            _outputs(out, r, hs, seen, sequences)
            blocks[r.start] = xt, hs, (keep, drop, seen)

        _by_batch_rows(rows, h0)
        self.save_for_backward(Wb, U, blocks)
        return out

    def backward(self, grad):
        Wb, blocks, dx, dh0, UT, steps = self._backward_start(grad)
        S = kernels_for(grad, simple_rnn)

        def rows(r):
            xt, hs, (keep, drop, seen) = blocks[r.start]
            dhs = self._output_grads(grad, r, hs.dtype, seen)
            da = scratch("rnn_da", hs[1:].shape, hs.dtype, like=hs)
            dh = dh0[r]
            for t in reversed(range(steps)):
                if keep is not None:
                    h_pass = _skip_cell(keep[t], drop[t], dhs[t], dh)
                S.simple_rnn_cell_backward(dhs[t], dh, hs[t + 1], da[t])
                np.matmul(da[t], UT, out=dh)
                if keep is not None:
                    dh += h_pass
            return _block_grads(xt, hs, Wb, da, da, dx, r)

        dWb, dU = _sum_parts(_by_batch_rows(rows, dh0))
        return dx, dh0, dWb[:-1], dU, dWb[-1]
