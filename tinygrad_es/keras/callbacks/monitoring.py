"""Los callbacks que vigilan una métrica o la época y actúan sobre el entrenamiento: EarlyStopping,
ModelCheckpoint, TerminateOnNaN, LearningRateScheduler y ReduceLROnPlateau."""
import os
import warnings

import numpy as np

from ...errors import ArgumentError
from ...validation import integer, number
from ..progbar import write
from .callback import Callback, _check_callable


def _monitor_op(monitor, mode, owner):
    """¿Mejorar es subir o bajar? mode='min'/'max', o 'auto': sube si es una exactitud ('acc', 'auc'...), si no baja."""
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{owner}: mode debe ser 'auto', 'min' o 'max' y recibió {mode!r}.")
    if mode == "auto":
        name = monitor.removeprefix("val_")
        mode = "max" if "acc" in name or name.startswith(("auc", "precision", "recall", "fmeasure")) else "min"
    return np.greater if mode == "max" else np.less


def _missing_monitor_warning(owner, monitor, logs):
    warnings.warn(
        f"{owner} vigila '{monitor}', que no está en los logs de esta época (hay: {', '.join(logs) or 'nada'}). "
        "Revisa el nombre; las métricas de validación ('val_...') solo existen con validation_data o "
        "validation_split.",
        stacklevel=3,
    )


class EarlyStopping(Callback):
    """Para el entrenamiento cuando `monitor` deja de mejorar durante `patience` épocas.

    - min_delta: lo mínimo que cuenta como mejora.
    - baseline: la paciencia solo se reinicia al superar también este valor.
    - restore_best_weights: al terminar, vuelve a los pesos de la mejor época (si no, quedan
      los de la última).
    - start_from_epoch: no vigila las primeras épocas (calentamiento).
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        patience = integer("EarlyStopping", "patience", patience, minimum=0, meaning="épocas sin mejorar")
        min_delta = number("EarlyStopping", "min_delta", min_delta)
        start_from_epoch = integer("EarlyStopping", "start_from_epoch", start_from_epoch, minimum=0)
        self.monitor, self.patience, self.verbose = monitor, patience, verbose
        self.baseline, self.start_from_epoch = baseline, start_from_epoch
        self.restore_best_weights = restore_best_weights
        self.monitor_op = _monitor_op(monitor, mode, "EarlyStopping")
        # Con mode='min' mejorar es bajar al menos min_delta: se compara (valor + |min_delta|) < mejor.
        self.min_delta = abs(min_delta) * (1 if self.monitor_op is np.greater else -1)
        self.wait, self.stopped_epoch, self.best, self.best_weights, self.best_epoch = 0, 0, None, None, 0

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best, self.best_weights, self.best_epoch = 0, 0, None, None, 0

    def _is_improvement(self, value, reference):
        return reference is None or bool(self.monitor_op(value - self.min_delta, reference))

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        current = logs.get(self.monitor)
        if current is None:
            _missing_monitor_warning("EarlyStopping", self.monitor, logs)
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights, self.best_epoch = self.model.get_weights(), epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            write(f"Epoch {self.stopped_epoch + 1}: parada temprana (early stopping): '{self.monitor}' no mejoró "
                  f"en {self.patience} épocas.\n")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                write(f"Restaurando los pesos del final de la mejor época: {self.best_epoch + 1}.\n")
            self.model.set_weights(self.best_weights)


class ModelCheckpoint(Callback):
    """Guarda el modelo (o solo los pesos) al final de cada época.

    `filepath` admite campos de formato con la época (desde 1) y los logs:
    'modelo_{epoch:02d}_{val_loss:.2f}.keras'. Con `save_best_only=True` solo guarda cuando
    `monitor` mejora (y, si el nombre no tiene campos, cada vez sobrescribe el mismo archivo).
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__()
        if save_freq != "epoch":
            raise ValueError(f"ModelCheckpoint solo admite save_freq='epoch' (guardar al final de cada época) y "
                             f"recibió {save_freq!r}.")
        self.filepath, self.monitor, self.verbose = os.fspath(filepath), monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.monitor_op = _monitor_op(monitor, mode, "ModelCheckpoint")
        if initial_value_threshold is not None:
            self.best = initial_value_threshold
        else:
            self.best = -np.inf if self.monitor_op is np.greater else np.inf

    def _path(self, epoch, logs):
        try:
            return self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as missing:
            raise KeyError(
                f"ModelCheckpoint: el nombre de archivo {self.filepath!r} usa el campo {missing}, que no está en los "
                f"logs de la época (hay: epoch, {', '.join(logs)})."
            ) from None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        path = self._path(epoch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                _missing_monitor_warning("ModelCheckpoint", self.monitor, logs)
                return
            if not self.monitor_op(current, self.best):
                if self.verbose > 0:
                    write(f"\nEpoch {epoch + 1}: {self.monitor} no mejoró desde {self.best:.5f}\n")
                return
            if self.verbose > 0:
                write(f"\nEpoch {epoch + 1}: {self.monitor} mejoró de {self.best:.5f} a {current:.5f}; "
                      f"guardando el modelo en {path}\n")
            self.best = current
        elif self.verbose > 0:
            write(f"\nEpoch {epoch + 1}: guardando el modelo en {path}\n")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class TerminateOnNaN(Callback):
    """Para el entrenamiento en cuanto la pérdida de un lote es NaN o infinita, diciendo en qué época y lote."""

    def __init__(self):
        super().__init__()
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(loss):
            write(
                f"\nÉpoca {self.epoch + 1}, lote {batch + 1}: la pérdida es {loss} (no es un número finito); se "
                "detiene el entrenamiento (TerminateOnNaN). Suele deberse a una tasa de aprendizaje demasiado alta, "
                "a datos sin normalizar o con NaN, o a un log(0): prueba con un learning_rate menor.\n"
            )
            self.model.stop_training = True


class LearningRateScheduler(Callback):
    """Al empezar cada época fija `learning_rate = schedule(epoch, lr)` (o `schedule(epoch)`, la forma antigua)."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        _check_callable("LearningRateScheduler", "schedule", schedule, "schedule=lambda epoch, lr: lr * 0.9")
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        lr = float(optimizer.learning_rate)
        try:
            lr = self.schedule(epoch, lr)
        except TypeError:  # schedule(epoch), la firma de tf.keras 1
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.floating)):
            raise ValueError(
                f"La función schedule de LearningRateScheduler debe devolver un float y devolvió {lr!r} "
                f"({type(lr).__name__}) en la época {epoch}: escribe p. ej. `return lr * 0.9` o `return 0.001`."
            )
        optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            write(f"\nEpoch {epoch + 1}: LearningRateScheduler fija la tasa de aprendizaje en {float(lr)}.\n")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class ReduceLROnPlateau(Callback):
    """Multiplica la tasa de aprendizaje por `factor` cuando `monitor` lleva `patience` épocas sin mejorar.

    Tras reducirla espera `cooldown` épocas antes de volver a contar, y nunca baja de `min_lr`.
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0):
        super().__init__()
        if number("ReduceLROnPlateau", "factor", factor, 0) >= 1.0:
            raise ArgumentError(
                f"ReduceLROnPlateau reduce la tasa multiplicándola por factor, que debe ser menor que 1 y es {factor}: "
                "usa p. ej. factor=0.1 o 0.5."
            )
        patience = integer("ReduceLROnPlateau", "patience", patience, minimum=0, meaning="épocas sin mejorar")
        cooldown = integer("ReduceLROnPlateau", "cooldown", cooldown, minimum=0)
        min_delta = number("ReduceLROnPlateau", "min_delta", min_delta)
        min_lr = number("ReduceLROnPlateau", "min_lr", min_lr, 0)
        self.monitor, self.factor, self.patience, self.verbose = monitor, factor, patience, verbose
        self.min_delta, self.cooldown, self.min_lr = min_delta, cooldown, min_lr
        increasing = _monitor_op(monitor, mode, "ReduceLROnPlateau") is np.greater
        if increasing:
            self.improved = lambda current, best: current > best + self.min_delta
        else:
            self.improved = lambda current, best: current < best - self.min_delta
        self.initial_best = -np.inf if increasing else np.inf
        self._reset()

    def _reset(self):
        self.best, self.wait, self.cooldown_counter = self.initial_best, 0, 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            _missing_monitor_warning("ReduceLROnPlateau", self.monitor, logs)
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.improved(current, self.best):
            self.best, self.wait = current, 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(optimizer.learning_rate)
                if old_lr > self.min_lr:
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        write(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reduce la tasa de aprendizaje a {new_lr}.\n")
                    self.cooldown_counter, self.wait = self.cooldown, 0
