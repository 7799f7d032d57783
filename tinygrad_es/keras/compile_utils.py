"""Lo que `compile()` prepara para una o varias salidas: la pérdida total y las métricas.

Con una salida todo es directo: una pérdida y sus métricas. Con varias (un modelo funcional con
`outputs=[clase, edad]`), como en Keras 3:

- `loss`, `loss_weights` y `metrics` pueden ser un valor para todas las salidas, una lista con
  uno por salida (en el orden de `outputs`) o un diccionario por nombre de salida
  (`model.output_names`: el nombre de la capa de cada salida, o su clave si las salidas son un
  diccionario). Una salida sin pérdida (None) no entrena.
- La pérdida total es la suma de las de cada salida por su peso; los logs llevan además
  `<salida>_loss` (sin el peso) y cada métrica como `<salida>_<métrica>`.
- `weighted_metrics` son métricas que usan `sample_weight`; las de `metrics` no.

Las pérdidas y métricas se construyen con el primer lote: 'accuracy' (y la pérdida
'crossentropy') se eligen mirando las formas de etiquetas y predicciones.
"""
from __future__ import annotations

import numbers

import numpy as np

from . import losses as losses_module
from . import metrics as metrics_module
from . import tree
from ..validation import number


def per_output(spec, count: int, names: list, argument: str) -> list:
    """`spec` repartido entre las salidas: uno para todas, una lista con uno por salida o un diccionario."""
    if isinstance(spec, dict):
        unknown = sorted(set(spec) - set(names))
        if unknown:
            raise ValueError(
                f"compile(): {argument} tiene claves {unknown} que no son salidas del modelo; sus salidas se "
                f"llaman {names} (model.output_names)."
            )
        return [spec.get(name) for name in names]
    if isinstance(spec, (list, tuple)) and count > 1:
        if len(spec) != count:
            raise ValueError(
                f"compile(): {argument} es una lista de {len(spec)} elementos y el modelo tiene {count} salidas "
                f"({', '.join(names)}): pasa uno por salida, en ese orden (None para no usar ninguno en una), "
                "o un diccionario por nombre de salida."
            )
        return list(spec)
    return [spec] * count


def align_outputs(y_true, y_pred, sample_weight, output_names):
    """Etiquetas, predicciones y pesos como listas con un elemento por salida, en el mismo orden.

    Las predicciones son un Tensor, una lista o un diccionario (por nombre de salida); las etiquetas y
    los pesos, un array (una salida; los pesos también valen para todas), una lista en el orden de
    las salidas o un diccionario por nombre.
    """
    if not isinstance(y_pred, (list, tuple, dict)):  # una salida, lo de cada paso: sin recorrer estructuras
        names = list(output_names or [])[:1] or ["output_0"]
        predictions = [y_pred]
    elif isinstance(y_pred, dict):
        names = sorted(y_pred)
        predictions = [y_pred[n] for n in names]
    else:
        predictions = tree.flatten(y_pred)
        names = list(output_names or [])
        if len(names) != len(predictions):
            names = [f"output_{i}" for i in range(len(predictions))]
    weights = None if sample_weight is None else _per_output_values(sample_weight, names, "sample_weight", True)
    return _per_output_values(y_true, names, "y", False), predictions, weights, names


def _per_output_values(values, names: list, argument: str, repeat: bool) -> list:
    if isinstance(values, dict):
        return [values.get(name) for name in names]
    if isinstance(values, (list, tuple)):
        if len(values) != len(names):
            raise ValueError(
                f"{argument} trae {len(values)} arrays y el modelo tiene {len(names)} salidas ({', '.join(names)}): "
                "pasa uno por salida, en ese orden, o un diccionario por nombre de salida."
            )
        return list(values)
    if len(names) > 1 and not repeat:
        raise ValueError(
            f"El modelo tiene {len(names)} salidas ({', '.join(names)}) y {argument} es un solo array: pasa una lista "
            "con uno por salida o un diccionario por nombre de salida."
        )
    return [values] * len(names)


def _loss_by_shapes(identifier, y_true, y_pred):
    """'crossentropy' / 'ce': binaria, categórica o sparse según las formas, como 'accuracy'."""
    if _is_crossentropy(identifier):
        kind = metrics_module.accuracy_kind(np.shape(y_true), tuple(y_pred.shape))
        return {"binary": losses_module.BinaryCrossentropy, "sparse": losses_module.SparseCategoricalCrossentropy,
                "categorical": losses_module.CategoricalCrossentropy}[kind]()
    return losses_module.get(identifier)


def _is_crossentropy(identifier) -> bool:
    return isinstance(identifier, str) and identifier.lower() in ("crossentropy", "ce")


class CompileLoss:
    """La pérdida de compile(): la suma ponderada de las pérdidas de cada salida."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        if loss_weights is not None and not isinstance(loss_weights, (list, tuple, dict, numbers.Real)):
            raise ValueError(
                f"compile(): loss_weights debe ser un número (una salida), una lista o un diccionario por salida, "
                f"y es {loss_weights!r}."
            )
        for weight in tree.flatten(loss_weights):  # cada peso, un número >= 0 (no '0.5')
            if weight is not None:
                number("compile()", "loss_weights", weight, 0, meaning="el peso de la pérdida de cada salida")
        for identifier in tree.flatten(loss):  # un nombre mal escrito falla ya en compile, no en fit
            if identifier is not None and not _is_crossentropy(identifier):
                losses_module.get(identifier)
        self.loss, self.loss_weights, self.output_names = loss, loss_weights, output_names
        self.entries = None  # [(índice de la salida, pérdida, peso, nombre)], con el primer lote
        self.metrics = []  # un Mean '<salida>_loss' por salida, si hay más de una con pérdida

    def build(self, y_true: list, y_pred: list, names: list):
        count = len(y_pred)
        losses = per_output(self.loss, count, names, "loss")
        weights = per_output(self.loss_weights, count, names, "loss_weights")
        self.entries = []
        for i, (loss, weight) in enumerate(zip(losses, weights)):
            if loss is None:
                continue
            if y_true[i] is None:
                raise ValueError(
                    f"La salida '{names[i]}' tiene pérdida ({loss!r}) pero no llegaron sus etiquetas: pasa y con "
                    "una etiqueta por salida (lista o diccionario por nombre)."
                )
            self.entries.append((i, _loss_by_shapes(loss, y_true[i], y_pred[i]), weight, names[i]))
        if not self.entries:
            raise ValueError("compile(): ninguna salida tiene pérdida (todas son None): pon loss para alguna.")
        self.metrics = ([metrics_module.Mean(name=f"{name}_loss") for *_, name in self.entries]
                        if len(self.entries) > 1 else [])

    def __call__(self, y_true, y_pred, sample_weight=None):
        """La pérdida total (un Tensor escalar). y_pred es la salida del modelo (un Tensor, una lista o
        un diccionario); y_true y sample_weight, con la misma estructura (ver align_outputs)."""
        y_true, y_pred, sample_weight, names = align_outputs(y_true, y_pred, sample_weight, self.output_names)
        if self.entries is None:
            self.build(y_true, y_pred, names)
        total = None
        trackers = self.metrics or [None] * len(self.entries)
        for (i, loss_fn, weight, _), tracker in zip(self.entries, trackers):
            value = loss_fn(y_true[i], y_pred[i], sample_weight=None if sample_weight is None else sample_weight[i])
            if tracker is not None:
                tracker.update_state(value.item(), sample_weight=len(y_pred[i]))
            if weight is not None:
                value = value * float(weight)
            total = value if total is None else total + value
        return total


class CompileMetrics(metrics_module.Metric):
    """Las métricas de compile() (y las `weighted_metrics`), de todas las salidas: un dict de resultados."""

    def __init__(self, metrics=None, weighted_metrics=None, output_names=None):
        for argument, spec in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
            if spec is not None and not isinstance(spec, (list, tuple, dict)):
                raise ValueError(
                    f"compile(): {argument} debe ser una lista (p. ej. {argument}=['accuracy']) o un diccionario "
                    f"por salida, y es {spec!r}."
                )
        self.spec, self.weighted_spec, self.output_names = metrics, weighted_metrics, output_names
        self.entries = None  # [(índice de la salida, métrica, ¿con pesos?, nombre en los logs)]
        super().__init__(name="compile_metrics")

    @property
    def metrics(self) -> list:
        return [metric for _, metric, _, _ in self.entries or ()]

    def build(self, y_true: list, y_pred: list, names: list):
        count = len(y_pred)
        self.entries, used = [], set()
        for weighted, spec in ((False, self.spec), (True, self.weighted_spec)):
            if not spec:
                continue
            one = count == 1 and not isinstance(spec, dict)  # un diccionario nombra salidas: sus claves se comprueban
            groups = [tree.flatten(spec)] if one else per_output(spec, count, names, "metrics")
            for i, group in enumerate(groups):
                for identifier in tree.flatten(group) if group is not None else []:
                    if identifier is None:
                        continue
                    metric = metrics_module.get(identifier, y_true=y_true[i], y_pred=y_pred[i])
                    log_name = self._log_name(metric.name, names[i] if count > 1 else None, weighted, used)
                    self.entries.append((i, metric, weighted, log_name))

    @staticmethod
    def _log_name(name, output, weighted, used) -> str:
        """'<salida>_<métrica>'; si el nombre ya existe, 'weighted_' delante (las ponderadas) o '_1', '_2'..."""
        base = f"{output}_{name}" if output else name
        if base in used and weighted:
            base = f"{output}_weighted_{name}" if output else f"weighted_{name}"
        log_name, n = base, 0
        while log_name in used:
            n += 1
            log_name = f"{base}_{n}"
        used.add(log_name)
        return log_name

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Actualiza cada métrica con su salida (las estructuras, como en CompileLoss.__call__)."""
        y_true, y_pred, sample_weight, names = align_outputs(y_true, y_pred, sample_weight, self.output_names)
        y_pred = [p.numpy() if hasattr(p, "numpy") else np.asarray(p) for p in y_pred]  # (desde la GPU)
        if self.entries is None:
            self.build(y_true, y_pred, names)
        for i, metric, weighted, _ in self.entries:
            weights = sample_weight[i] if weighted and sample_weight is not None else None
            metric.update_state(y_true[i], y_pred[i], sample_weight=weights)

    def reset_state(self):
        for _, metric, _, _ in self.entries or ():
            metric.reset_state()

    def result(self) -> dict:
        return {log_name: float(metric.result()) for _, metric, _, log_name in self.entries or ()}

