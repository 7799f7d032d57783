"""Los callbacks que anotan o escriben lo que pasa: History, ProgbarLogger, LambdaCallback y CSVLogger."""
import csv
import os

from ..progbar import Progbar, write
from .callback import _HOOKS, Callback, _check_callable


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
