"""Entrenar y usar un modelo: compile, fit, evaluate y predict, como en Keras 3.

Un paso de entrenamiento es `Trainer.train_step`, de arriba abajo:

    y_pred = self(x, training=True)                  # Dropout activo, BatchNormalization con el lote
    loss = self.compute_loss(y=y, y_pred=y_pred)     # un escalar: la media del lote (y de cada salida)
    loss.backward()                                  # dL/dw en w.grad para cada peso entrenable
    self.optimizer.apply([w.grad ...], pesos)        # actualiza los pesos en su sitio
    w.grad = None                                    # para que el paso siguiente empiece de cero

Un modelo subclase puede redefinir `train_step(self, data)` (y `test_step`, `predict_step`) con
sus propias cuentas, como en Keras 3; `fit` sigue ocupándose de lotes, épocas, callbacks y la
barra de progreso. En vez del `GradientTape` de TensorFlow, aquí el gradiente lo da el autograd
de tinygrad_es: `loss.backward()` deja en `w.grad` el de cada peso.

Lo demás es contabilidad de Keras: los lotes (`data_adapters.py`, que convierte cada lote a
float32 al cortarlo), medias móviles ponderadas por el tamaño del lote, validación al final de
cada época (cada `validation_freq`), callbacks y barra de progreso.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..autograd import no_grad
from ..errors import ArgumentError, is_integer
from ..runtime import training_scope
from ..runtime.threads import single_thread_blas
from . import callbacks as callbacks_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module
from . import tree
from .compile_utils import CompileLoss, CompileMetrics
from .data_adapters import (ArrayDataAdapter, EpochIterator, get_data_adapter, is_dataset, is_generator, train_validation_split,
                            unpack_x_y_sample_weight)
from .layers.layer import attribute_values, fixed_during_loop, fixed_structure
from .names import parameter_names, unknown_arguments_error
from ..tensor import Tensor
from ..validation import flag, integer, number

class Trainer:
    """compile/fit/evaluate/predict. El modelo (models/model.py) da `__call__`, los pesos y las capas."""

    def __init__(self):
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None

    # ------------------------------------------------------------ compile
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly=False, steps_per_execution=1, jit_compile="auto", **unknown) -> None:
        """Elige optimizador, pérdida y métricas (nombres como 'adam', 'mse', 'accuracy', u objetos).

        Con varias salidas, `loss`, `loss_weights` y `metrics` pueden ser listas (una por salida) o
        diccionarios por nombre de salida (ver compile_utils.py). Como en Keras 3, compilar otra
        vez sin `loss=` o sin `metrics=` conserva los de antes (el curso compila dos veces
        seguidas y sigue viendo la exactitud). `run_eagerly` y `jit_compile` se aceptan y no
        cambian nada: aquí todo se ejecuta paso a paso, sin compilar un grafo.
        """
        _reject_unknown(self.compile, unknown)
        if steps_per_execution != 1:
            raise ValueError(
                f"compile(steps_per_execution={steps_per_execution!r}) no está disponible en tinygrad_es: cada lote "
                "es un paso (los callbacks ven todos los lotes); quita el argumento."
            )
        self.optimizer = optimizers_module.get(optimizer)
        output_names = getattr(self, "output_names", None)
        if loss is not None:
            self.loss = loss
            self._compile_loss = CompileLoss(loss, loss_weights, output_names)
        if metrics is not None or weighted_metrics is not None:
            if isinstance(metrics, (str, metrics_module.Metric)) or callable(metrics):
                metrics = [metrics]
            self._compile_metrics = CompileMetrics(metrics, weighted_metrics, output_names)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.compiled = True

    def get_compile_config(self) -> dict | None:
        """Los argumentos de compile() tal como se dieron (lo que guarda model.save), o None sin compilar."""
        if not self.compiled:
            return None
        loss, metrics = self._compile_loss, self._compile_metrics
        return {"optimizer": self.optimizer, "loss": self.loss,
                "loss_weights": None if loss is None else loss.loss_weights,
                "metrics": None if metrics is None else metrics.spec,
                "weighted_metrics": None if metrics is None else metrics.weighted_spec}

    @property
    def metrics(self) -> list:
        """Las métricas con estado: 'loss', las de compile, la pérdida de cada salida y las del usuario
        (objetos Metric guardados como atributos del modelo). fit las reinicia en cada época."""
        metrics = []
        if self.compiled:
            metrics.append(self._loss_tracker)
            if self._compile_metrics is not None:
                metrics.append(self._compile_metrics)
            if self._compile_loss is not None:
                metrics += self._compile_loss.metrics
        # Las del usuario se buscan una vez por fit (la pérdida de cada salida aparece con el primer lote).
        tracked = fixed_during_loop(self, "user_metrics", lambda: [
            m for m in attribute_values(self, metrics_module.Metric)
            if m is not self._loss_tracker and m is not self._compile_metrics])
        return metrics + [m for m in tracked if all(m is not known for known in metrics)]

    @property
    def metrics_names(self) -> list:
        """Los nombres en el orden de lo que devuelve evaluate: ['loss', 'accuracy'] (o, con varias
        salidas, también '<salida>_loss' y '<salida>_<métrica>')."""
        compiled = self._compile_metrics
        if compiled is not None and compiled.entries is None:
            return ["loss"] + [str(m) for m in tree.flatten(compiled.spec or [])]
        return self._names_in_order(self.get_metrics_result()) if self.compiled else []

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()

    def _check_compiled(self, method):
        if not self.compiled:
            raise RuntimeError(
                f"Hay que compilar el modelo antes de {method}(): llama primero a "
                "model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])."
            )

    # ------------------------------------------------------------ un paso
    def compute_loss(self, x=None, y=None, y_pred: Tensor | None = None, sample_weight: np.ndarray | None = None,
                     training: bool = True):
        """La pérdida de compile() (la suma ponderada de las de cada salida) más, como Keras 3, las de
        `self.losses` (regularizadores, activity_regularizer y add_loss): un Tensor escalar."""
        losses = [] if self._compile_loss is None else [self._compile_loss(y, y_pred, sample_weight)]
        losses += [loss.sum() for loss in self.losses]
        if not losses:
            raise ValueError(
                "El modelo se compiló sin pérdida y la necesita: pasa loss=..., p. ej. "
                "model.compile(optimizer='adam', loss='categorical_crossentropy')."
            )
        return sum(losses[1:], losses[0])

    def compute_metrics(self, x, y, y_pred: Tensor, sample_weight: np.ndarray | None = None) -> dict:
        """Actualiza las métricas de compile con este lote y devuelve los valores de todas."""
        if self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        """{nombre: valor} de cada métrica (las de compile se abren en sus nombres). Los callbacks y la
        barra las ven con las claves en orden alfabético (callbacks.pythonify_logs)."""
        results = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = float(value)
        return results

    def train_step(self, data) -> dict:
        """Un paso de optimización con un lote `data` = (x, y[, sample_weight]); devuelve los logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=True)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        self._loss_tracker.update_state(loss.item(), sample_weight=_batch_length(x))
        trained = self.trainable_weights
        if trained:  # con todo congelado no hay nada que derivar ni actualizar
            loss.backward()
            self.optimizer.apply([w.grad for w in trained], trained)  # None: un peso que no influyó
            for w in trained:
                w.grad = None
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data) -> dict:
        """La pérdida y las métricas de un lote, sin entrenar (evaluate y la validación de fit)."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        self._loss_tracker.update_state(loss.item(), sample_weight=_batch_length(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """Las salidas del modelo para un lote (predict)."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # ------------------------------------------------------------ fit
    def fit(self, x=None, y=None, batch_size: int | None = None, epochs: int = 1, verbose: int | str = "auto",
            callbacks=None, validation_split=0.0, validation_data=None, shuffle: bool = True, class_weight=None,
            sample_weight: np.ndarray | None = None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, **unknown):
        """Entrena `epochs` épocas y devuelve el History (history.history['loss'], ['val_loss']...)."""
        _reject_unknown(self.fit, unknown)
        _check_verbose("fit()", verbose)
        if shuffle != "batch":  # (Keras acepta también 'batch': aquí es lo mismo que True)
            flag("fit()", "shuffle", shuffle)
        self._check_compiled("fit")
        self._check_loss("fit")
        epochs = integer("fit()", "epochs", epochs, minimum=0, meaning="el número de pasadas por los datos")
        initial_epoch = integer("fit()", "initial_epoch", initial_epoch, minimum=0)
        batch_size = _check_batch_size("fit()", batch_size)
        validation_batch_size = _check_batch_size("fit()", validation_batch_size, "validation_batch_size")
        _check_validation_freq(validation_freq)
        validation_split = number("fit()", "validation_split", validation_split, 0, 1, high_open=True,
                                  meaning="la fracción de los datos que se aparta para validar")
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = train_validation_split((x, y, sample_weight), validation_split)
        iterator = EpochIterator(self._adapter(x, y, sample_weight, class_weight, batch_size, steps_per_epoch,
                                               shuffle, "fit"), steps_per_epoch, "fit")
        val_iterator = None
        if validation_data is not None:
            val_x, val_y, val_sw = self._unpack_validation(validation_data)
            val_iterator = EpochIterator(self._adapter(val_x, val_y, val_sw, None, validation_batch_size or batch_size,
                                                       validation_steps, False, "fit(validation_data=...)"),
                                         validation_steps, "fit(validation_data=...)")
        callback_list = callbacks_module.CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, model=self,
            verbose=verbose, epochs=epochs, steps=iterator.num_batches,
        )
        self.stop_training = False
        self.history = callback_list.history
        self._warn_nan = not any(isinstance(cb, callbacks_module.TerminateOnNaN) for cb in callback_list.callbacks)
        callback_list.on_train_begin()
        training_logs = None
        with training_scope(), fixed_structure():  # BLAS de un hilo y malloc que reutiliza la memoria
            training_logs = self._fit_epochs(iterator, val_iterator, callback_list, initial_epoch, epochs,
                                             validation_freq)
        if epochs > 0:  # con use_ema, los pesos toman su media móvil al terminar (Keras)
            self.optimizer.finalize_variable_values(self.trainable_weights)
        callback_list.on_train_end(training_logs)
        return self.history

    def _fit_epochs(self, iterator, val_iterator, callback_list, initial_epoch, epochs, validation_freq):
        training_logs = None
        for epoch in range(initial_epoch, epochs):
            logs = self._train_epoch(epoch, iterator, callback_list)
            if iterator.exhausted:  # un generador ya recorrido: no quedan datos para más épocas
                break
            epoch_logs = dict(logs)
            if val_iterator is not None and _should_validate(epoch, validation_freq):
                val_logs = self._test_loop(val_iterator, callback_list)
                if not val_iterator.exhausted:  # un generador de validación ya recorrido no da val_*
                    epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, dict(sorted(epoch_logs.items())))
            training_logs = epoch_logs
            if self.stop_training:
                break
        return training_logs

    def _train_epoch(self, epoch, iterator, callback_list) -> dict:
        """Una época de train_step, lote a lote; da los logs finales de la época."""
        self.reset_metrics()
        callback_list.on_epoch_begin(epoch)
        logs = {}
        for step, batch in iterator:
            callback_list.on_train_batch_begin(step)
            logs = self.train_step(batch)
            loss = logs.get("loss") if isinstance(logs, dict) else None
            if self._warn_nan and loss is not None and not math.isfinite(float(loss)):
                _warn_nan_loss(float(loss), epoch, step)
                self._warn_nan = False  # un aviso basta
            callback_list.on_train_batch_end(step, logs)
            if self.stop_training:
                break
        return self._metrics_or_logs(logs)

    def _metrics_or_logs(self, logs) -> dict:
        """Los valores de las métricas del modelo si son las mismas claves que dio el paso; si no (un
        train_step propio que devuelve otras cosas), los logs del último paso, como Keras."""
        results = self.get_metrics_result()
        if isinstance(logs, dict) and set(callbacks_module.pythonify_logs(logs)) == set(results):
            return results
        return callbacks_module.pythonify_logs(logs)

    def _unpack_validation(self, validation_data):
        if is_dataset(validation_data) or is_generator(validation_data):
            return validation_data, None, None
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "validation_data debe ser una tupla (x_val, y_val) (o (x_val, y_val, sample_weight)), un generador o "
                "un PyDataset, p. ej. validation_data=(x_test, y_test)."
            )
        return unpack_x_y_sample_weight(tuple(validation_data))

    def _adapter(self, x, y, sample_weight, class_weight, batch_size, steps, shuffle, method):
        if callable(x) and not _is_batch_source(x):
            raise TypeError(
                f"{method}(): x es la función {getattr(x, '__name__', x)!r}, no los datos: si es un generador, llámala "
                f"para crearlo, model.{method}({getattr(x, '__name__', 'f')}())."
            )
        if y is None and not method.startswith("predict") and not _is_batch_source(x):
            raise ValueError(
                f"{method}() necesita los datos x y las etiquetas y, p. ej. model.{method}(x_train, y_train)."
            )
        adapter = get_data_adapter(x, y, sample_weight, class_weight, batch_size, steps, shuffle,
                                   cast_inputs=getattr(self, "cast_batch", None), method=method)
        if isinstance(adapter, ArrayDataAdapter):
            self.check_data(adapter.x)  # las formas, una vez, con el mensaje que dice cómo arreglarlas
        return adapter

    def _check_loss(self, method):
        if self._compile_loss is None and type(self).train_step is Trainer.train_step:
            raise ValueError(
                f"El modelo se compiló sin pérdida y {method}() la necesita: pasa loss=..., p. ej. "
                "model.compile(optimizer='adam', loss='categorical_crossentropy')."
            )

    # ------------------------------------------------------------ evaluate
    def evaluate(self, x=None, y=None, batch_size: int | None = None, verbose: int | str = "auto",
                 sample_weight: np.ndarray | None = None, steps: int | None = None, callbacks=None,
                 return_dict: bool = False, **unknown):
        """La pérdida (y las métricas) sobre unos datos, sin entrenar: un número o [loss, métricas...]."""
        _reject_unknown(self.evaluate, unknown)
        _check_verbose("evaluate()", verbose)
        self._check_compiled("evaluate")
        if type(self).test_step is Trainer.test_step:
            self._check_loss("evaluate")
        batch_size = _check_batch_size("evaluate()", batch_size)
        iterator = EpochIterator(self._adapter(x, y, sample_weight, None, batch_size, steps, False, "evaluate"), steps,
                                 "evaluate")
        callback_list = callbacks_module.CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1, steps=iterator.num_batches,
        )
        logs = self._test_loop(iterator, callback_list)
        if flag("evaluate()", "return_dict", return_dict):
            return logs
        values = [logs[name] for name in self._names_in_order(logs)]
        return values[0] if len(values) == 1 else values

    def _test_loop(self, iterator, callback_list) -> dict:
        """Recorre los datos en orden, en modo inferencia, y da los logs ordenados (accuracy, loss...)."""
        self.reset_metrics()
        callback_list.on_test_begin()
        logs = {}
        with no_grad(), single_thread_blas(), fixed_structure():
            for step, batch in iterator:
                callback_list.on_test_batch_begin(step)
                logs = self.test_step(batch)
                callback_list.on_test_batch_end(step, logs)
        logs = dict(sorted(self._metrics_or_logs(logs).items()))
        callback_list.on_test_end(logs)
        return logs

    def _names_in_order(self, logs) -> list:
        """El orden de evaluate en Keras 3: 'loss', las métricas de compile por su nombre, la pérdida de
        cada salida y luego, en orden alfabético, lo que quede (las métricas de cada salida)."""
        names = ["loss"]
        if self._compile_metrics is not None:
            names += [m.name for m in self._compile_metrics.metrics]
        if self._compile_loss is not None:
            names += [m.name for m in self._compile_loss.metrics]
        ordered = [n for n in names if n in logs]  # un nombre repetido se repite, como en Keras
        return ordered + sorted(k for k in logs if k not in ordered)

    # ------------------------------------------------------------ predict
    def predict(self, x, batch_size: int | None = None, verbose: int | str = "auto", steps: int | None = None,
                callbacks=None, **unknown):
        """Las salidas del modelo para `x`, en modo inferencia, como arrays de NumPy (con la estructura
        de las salidas: un array, una lista o un diccionario)."""
        _reject_unknown(self.predict, unknown)
        _check_verbose("predict()", verbose)
        batch_size = _check_batch_size("predict()", batch_size)
        return self._predict(self._adapter(x, None, None, None, batch_size, steps, False, "predict"), steps, verbose,
                             callbacks)

    def _predict(self, adapter, steps, verbose, callbacks):
        iterator = EpochIterator(adapter, steps, "predict")
        callback_list = callbacks_module.CallbackList(
            callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1, steps=iterator.num_batches,
        )
        callback_list.on_predict_begin()
        batches = []
        with no_grad(), single_thread_blas(), fixed_structure():
            for step, batch in iterator:
                callback_list.on_predict_batch_begin(step)
                outputs = tree.map_structure(lambda t: t.numpy() if hasattr(t, "numpy") else np.asarray(t),
                                             self.predict_step(batch))
                batches.append(outputs)
                callback_list.on_predict_batch_end(step, {"outputs": outputs})
        callback_list.on_predict_end()
        columns = zip(*[tree.flatten(b) for b in batches])
        return tree.pack_sequence_as(batches[0], [np.concatenate(parts) for parts in columns])

    def predict_classes(self, x, batch_size: int | None = 32, verbose: int | str = 0):
        """La clase predicha de cada muestra (obsoleto: TF 2.6 lo quitó; se mantiene para el curso)."""
        _warn_deprecated("predict_classes", "np.argmax(model.predict(x), axis=-1)",
                         "o, para clasificación binaria con sigmoide, (model.predict(x) > 0.5).astype('int32')")
        probs = self.predict(x, batch_size=batch_size, verbose=verbose)
        return probs.argmax(axis=-1) if probs.shape[-1] > 1 else (probs > 0.5).astype("int32")

    def predict_proba(self, x, batch_size: int | None = 32, verbose: int | str = 0):
        """Las probabilidades de cada clase (obsoleto: es lo mismo que predict)."""
        _warn_deprecated("predict_proba", "model.predict(x)", "")
        probs = self.predict(x, batch_size=batch_size, verbose=verbose)
        if probs.min() < 0 or probs.max() > 1:
            warnings.warn("predict_proba: el modelo no devuelve probabilidades (hay valores fuera de [0, 1]); "
                          "¿falta una activación softmax o sigmoid en la última capa?", UserWarning, stacklevel=2)
        return probs

    # ------------------------------------------------------------ un solo lote
    def train_on_batch(self, x, y=None, sample_weight: np.ndarray | None = None, class_weight=None,
                       return_dict: bool = False):
        """Un paso de entrenamiento con este lote (sin barajar ni trocear); da la pérdida (y métricas)."""
        self._check_compiled("train_on_batch")
        self.reset_metrics()
        adapter = self._adapter(x, y, sample_weight, class_weight, _length(x), None, False, "train_on_batch")
        logs = {}
        for batch in adapter.batches():
            logs = self._metrics_or_logs(self.train_step(batch))
        if flag("train_on_batch()", "return_dict", return_dict):
            return logs
        return _scalar_or_list([logs[n] for n in self._names_in_order(logs)])

    def test_on_batch(self, x, y=None, sample_weight: np.ndarray | None = None, return_dict: bool = False):
        self._check_compiled("test_on_batch")
        self.reset_metrics()
        adapter = self._adapter(x, y, sample_weight, None, _length(x), None, False, "test_on_batch")
        logs = {}
        with no_grad():
            for batch in adapter.batches():
                logs = self._metrics_or_logs(self.test_step(batch))
        if flag("test_on_batch()", "return_dict", return_dict):
            return logs
        return _scalar_or_list([logs[n] for n in self._names_in_order(logs)])

    def predict_on_batch(self, x):
        return self._predict(self._adapter(x, None, None, None, _length(x), None, False, "predict_on_batch"), None, 0,
                             None)


def _is_batch_source(x) -> bool:
    return is_dataset(x) or is_generator(x)


def _length(x) -> int | None:
    """Las muestras de x (el primer array; una lista de filas de números, sus filas); None si no se sabe
    o son 0, para que el adaptador diga qué falla en los datos."""
    first = tree.flatten(x)[0] if tree.flatten(x) else x
    return (len(first) or None) if hasattr(first, "__len__") else None


def _batch_length(x) -> int:
    first = tree.flatten(x)[0]
    return first.shape[0] if hasattr(first, "shape") else len(first)


def _scalar_or_list(values):
    return values[0] if len(values) == 1 else values


def _reject_unknown(method, unknown):
    """fit(x, y, epoch=5) da un error que propone 'epochs', en vez del TypeError genérico de Python."""
    if unknown:
        raise unknown_arguments_error(f"{method.__name__}()", unknown, parameter_names(method))


def _check_batch_size(caller, batch_size, name="batch_size"):
    """None (32 con arrays) o un entero positivo."""
    if batch_size is None:
        return None
    return integer(caller, name, batch_size, meaning="el número de muestras por lote")


def _check_verbose(caller, verbose):
    number_ok = isinstance(verbose, (bool, np.bool_)) or is_integer(verbose)
    if not (verbose == "auto" if isinstance(verbose, str) else number_ok and verbose in (0, 1, 2)):
        raise ArgumentError(
            f"{caller}: verbose debe ser 'auto', 0 (nada), 1 (barra de progreso) o 2 (una línea por época) y es "
            f"{verbose!r}."
        )


def _check_validation_freq(validation_freq):
    if isinstance(validation_freq, bool) or not (
            (isinstance(validation_freq, int) and validation_freq > 0) or isinstance(validation_freq, (list, tuple))):
        raise ValueError(
            f"validation_freq debe ser un entero positivo (validar cada tantas épocas) o una lista de épocas (desde "
            f"1), y es {validation_freq!r}."
        )


def _should_validate(epoch, validation_freq) -> bool:
    """validation_freq=2 valida en las épocas 2, 4...; [1, 5] en esas (contando desde 1), como Keras."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def _warn_nan_loss(loss, epoch, step):
    warnings.warn(
        f"La pérdida es {loss} en la época {epoch + 1}, lote {step + 1}: el entrenamiento ya no aprende. Prueba una "
        "tasa de aprendizaje menor, normaliza los datos (p. ej. x / 255) o revisa que las etiquetas encajen con la "
        "pérdida. Para parar en ese momento usa callbacks=[keras.callbacks.TerminateOnNaN()].",
        RuntimeWarning, stacklevel=4,
    )


def _warn_deprecated(method, replacement, extra):
    warnings.warn(
        f"model.{method}() está obsoleto: TensorFlow 2.6 lo eliminó y aquí se mantiene solo para el código del "
        f"curso. Usa en su lugar {replacement}{' ' + extra if extra else ''}.",
        DeprecationWarning, stacklevel=3,
    )
