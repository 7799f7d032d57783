"""Callbacks: código del usuario que `fit`, `evaluate` y `predict` llaman en momentos fijos.

El orden de las llamadas durante `fit` (como Keras 3):

    on_train_begin(logs)
    por cada época:   on_epoch_begin(epoch, logs)
        por cada lote:    on_train_batch_begin(batch, logs) ... on_train_batch_end(batch, logs)
        (validación:      on_test_begin ... on_test_end, sin barra propia)
                      on_epoch_end(epoch, logs)      logs = {'accuracy', 'loss', 'val_accuracy', 'val_loss'}
    on_train_end(logs)

`epoch` y `batch` cuentan desde 0. Los `logs` llegan con las claves en orden alfabético y los
valores como float de Python (como hace Keras 3), y todos los callbacks de una llamada reciben
el mismo diccionario: lo que uno añade (LearningRateScheduler añade 'learning_rate') lo ven
los siguientes.

`fit` pone primero los callbacks del usuario, después `History` y al final `ProgbarLogger`:
así el `on_epoch_end` del usuario se ejecuta antes de que la barra escriba la línea final.

Un callback usa del modelo: `model.stop_training`, `model.optimizer.learning_rate`,
`model.get_weights()`/`set_weights()`, `model.save(path)` y `model.save_weights(path)`.
"""
import csv
import os
import warnings

import numpy as np

from ..errors import ArgumentError
from ..validation import integer, number
from .progbar import Progbar, write

_HOOKS = (
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
    "on_predict_batch_begin", "on_predict_batch_end",
)


class Callback:
    """La base: todos los métodos existen y no hacen nada; una subclase redefine los que necesita.

    `self.model` es el modelo que entrena y `self.params` un diccionario con
    {'verbose': ..., 'epochs': ..., 'steps': lotes por época}.
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    # Entrenamiento
    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)  # el nombre antiguo (tf.keras 1 y 2) sigue funcionando

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def on_batch_begin(self, batch, logs=None): ...
    def on_batch_end(self, batch, logs=None): ...

    # Evaluación (también la validación dentro de fit)
    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...

    # Predicción
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...


def pythonify_logs(logs) -> dict:
    """Claves en orden alfabético y valores float de Python (los escalares de NumPy o Tensor se convierten).
    Un valor que es un diccionario (las métricas de compile de un train_step propio) se abre en sus claves."""
    result = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(pythonify_logs(value))
            continue
        if hasattr(value, "item") and getattr(value, "size", 1) == 1:
            value = float(value.item())
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            value = float(value)
        result[key] = value
    return result


class CallbackList:
    """Reparte cada evento entre todos los callbacks, en orden.

    Con `add_history` / `add_progbar` añade al final un `History` y un `ProgbarLogger` (si el
    usuario no puso ya uno), como `fit`. `params` (verbose, epochs, steps) llega a todos.

    Sus métodos `on_...` (uno por evento, los mismos que `Callback`) se crean más abajo, todos
    iguales: pasan los logs por `pythonify_logs` y llaman a ese método en cada callback.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        self.callbacks = _checked_list(callbacks)
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self.params = params
        for callback in self.callbacks:
            callback.set_params(params)
        if model is not None:
            self.set_model(model)

    def set_model(self, model):
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)

    @property
    def history(self):
        return next((c for c in self.callbacks if isinstance(c, History)), None)


def _checked_list(callbacks) -> list:
    """La lista de callbacks del usuario; un callback suelto también vale (se mete en una lista)."""
    if isinstance(callbacks, Callback) or isinstance(callbacks, type):
        callbacks = [callbacks]  # uno suelto (la clase sin paréntesis da su error abajo)
    elif callbacks is None:
        callbacks = []
    elif not isinstance(callbacks, (list, tuple)):
        raise TypeError(
            f"callbacks debe ser una lista de objetos Callback, p. ej. callbacks=[keras.callbacks.EarlyStopping()], "
            f"y es {callbacks!r} ({type(callbacks).__name__})."
        )
    callbacks = list(callbacks)
    for callback in callbacks:
        if isinstance(callback, type) and issubclass(callback, Callback):
            raise TypeError(
                f"callbacks recibió la clase {callback.__name__} y necesita un objeto: escribe "
                f"{callback.__name__}(...) con paréntesis, p. ej. callbacks=[{callback.__name__}()]."
            )
        if not isinstance(callback, Callback):
            raise TypeError(
                f"callbacks debe ser una lista de objetos Callback y contiene {callback!r} "
                f"({type(callback).__name__}). Para usar una función, envuélvela: LambdaCallback(on_epoch_end=f)."
            )
    return callbacks


def _dispatch_without_index(hook):
    def method(self, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(logs)
    method.__name__ = hook
    return method


def _dispatch_with_index(hook, positional_logs):
    def method(self, index, logs=None):
        logs = pythonify_logs(logs)
        for callback in self.callbacks:
            if positional_logs:  # on_epoch_*(epoch, logs), como Keras
                getattr(callback, hook)(index, logs)
            else:  # los de lote: (batch, logs=logs)
                getattr(callback, hook)(index, logs=logs)
    method.__name__ = hook
    return method


for _hook in _HOOKS:
    if "batch" in _hook:
        setattr(CallbackList, _hook, _dispatch_with_index(_hook, positional_logs=False))
    elif "epoch" in _hook:
        setattr(CallbackList, _hook, _dispatch_with_index(_hook, positional_logs=True))
    else:
        setattr(CallbackList, _hook, _dispatch_without_index(_hook))


# ================================================================ los callbacks de Keras
class History(Callback):
    """Guarda los logs de cada época: `history.history['loss']` es la lista de pérdidas, una por época.

    `fit` lo añade siempre y lo devuelve; también queda en `model.history`.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self

    def __repr__(self):
        return f"<History epochs={len(self.epoch)} keys={list(self.history)}>"


class ProgbarLogger(Callback):
    """Escribe la barra de progreso (`Epoch 1/5` y `938/938 ━━━━ ...`) según `params['verbose']`.

    verbose 'auto' o 1: la barra; 2: una línea por época; 0: nada. Dentro de `fit`, la
    validación no dibuja barra propia: sus `val_*` aparecen en la línea final de la época.
    """

    def __init__(self):
        super().__init__()
        self.verbose, self.epochs, self.target = 1, 1, None
        self.progbar = None
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _new_progbar(self):
        self.seen = 0
        self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step") if self.verbose else None

    def _update(self, batch, logs):
        self.seen = batch + 1
        # También el último lote, como Keras: si un callback escribe al final de la época (el texto generado
        # del curso), la barra que queda encima es la del último lote. Fuera de un terminal no se dibuja.
        if self.progbar is not None and self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finalize(self, logs):
        if self.progbar is None:
            return
        if self.progbar.target is None:
            self.progbar.target = self.seen
        self.progbar.update(self.progbar.target, list((logs or {}).items()), finalize=True)

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_epoch_begin(self, epoch, logs=None):
        self._new_progbar()
        if self.verbose and self.epochs > 1:
            write(f"Epoch {epoch + 1}/{self.epochs}\n")

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize(logs)

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._new_progbar()

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize(logs)

    def on_predict_begin(self, logs=None):
        self._new_progbar()

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)  # las predicciones no se muestran

    def on_predict_end(self, logs=None):
        self._finalize(logs)


class LambdaCallback(Callback):
    """Un callback a partir de funciones sueltas, p. ej. `LambdaCallback(on_epoch_end=generar_texto)`.

    Firmas: on_epoch_begin/end(epoch, logs), on_train_begin/end(logs),
    on_train_batch_begin/end(batch, logs). Cualquier otro evento se puede pasar por nombre
    (`on_batch_end=f`, `on_test_end=f`...).
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end, on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        for name, function in given.items():
            if function is None:
                continue
            if not hasattr(Callback, name):
                raise ValueError(
                    f"LambdaCallback no conoce el evento {name!r}: los eventos son {', '.join(_HOOKS)}, "
                    "on_batch_begin y on_batch_end."
                )
            _check_callable("LambdaCallback", name, function, "on_epoch_end=lambda epoch, logs: print(epoch)")
            setattr(self, name, function)


def _check_callable(owner: str, name: str, function, example: str) -> None:
    if not callable(function):
        raise ArgumentError(
            f"{owner}: {name} debe ser una función y es {function!r} ({type(function).__name__}): p. ej. {example}."
        )


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


class CSVLogger(Callback):
    """Escribe una fila por época en un CSV: 'epoch,accuracy,loss,...' (con append=True, añade al final)."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.separator, self.append = os.fspath(filename), separator, append
        self.keys, self.writer, self.file = None, None, None

    def on_train_begin(self, logs=None):
        has_rows = self.append and os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        self.write_header = not has_rows
        self.file = open(self.filename, "a" if self.append else "w", newline="", encoding="utf-8")
        self.keys, self.writer = None, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            self.writer = csv.DictWriter(self.file, fieldnames=["epoch"] + self.keys, delimiter=self.separator)
            if self.write_header:
                self.writer.writeheader()
        row = {"epoch": epoch, **{key: logs.get(key, "NA") for key in self.keys}}
        self.writer.writerow(row)
        self.file.flush()

    def on_train_end(self, logs=None):
        if self.file is not None:
            self.file.close()
            self.file, self.writer = None, None
