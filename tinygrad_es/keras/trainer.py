"""Entrenar y usar un modelo: compile, fit, evaluate y predict, como en Keras 3.

Un paso de entrenamiento, de arriba abajo (`Trainer._train_step`):

    y_pred = model.forward(x, training=True)     # Dropout activo, BatchNormalization con el lote
    loss = loss_fn(y, y_pred)                    # un escalar: la media del lote
    loss.backward()                              # dL/dw en w.grad para cada peso entrenable
    optimizer.apply([w.grad ...], pesos)         # actualiza los pesos en su sitio
    w.grad = None                                # para que el paso siguiente empiece de cero

Lo demás es contabilidad de Keras: lotes (el último, incompleto, también cuenta), barajado en
cada época, medias móviles ponderadas por el tamaño del lote, validación al final de cada
época, callbacks y barra de progreso. El paso se mantiene corto a propósito: sin copias de
pesos ni diccionarios de más, y las métricas se calculan sobre arrays de NumPy.
"""
import math
import warnings

import numpy as np

from ..autograd import no_grad
from ..random import generator
from ..runtime import training_scope
from ..runtime.threads import single_thread_blas
from ..tensor import Tensor
from . import callbacks as callbacks_module
from . import losses as losses_module
from . import metrics as metrics_module
from . import optimizers as optimizers_module
from .names import parameter_names, unknown_arguments_error


class Trainer:
    """compile/fit/evaluate/predict. La subclase (Sequential) da `prepare_inputs`, `forward` y los pesos."""

    def __init__(self):
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._loss_fn = None
        self._metric_identifiers = []
        self._metrics = None  # se crean con el primer lote: 'accuracy' depende de las formas

    # ------------------------------------------------------------ compile
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, **unknown):
        """Elige optimizador, pérdida y métricas (nombres como 'adam', 'mse', 'accuracy', u objetos).

        Como en Keras 3, compilar otra vez sin `loss=` o sin `metrics=` conserva los de antes (el
        curso compila dos veces seguidas y sigue viendo la exactitud).
        """
        _reject_unknown(self.compile, unknown)
        self.optimizer = optimizers_module.get(optimizer)
        if loss is not None:
            self.loss = loss
            self._loss_fn = losses_module.get(loss)
        if metrics is not None:
            if isinstance(metrics, (str, metrics_module.Metric)) or callable(metrics):
                metrics = [metrics]
            self._metric_identifiers = list(metrics)
            self._metrics = None
        self.compiled = True

    @property
    def metrics_names(self) -> list:
        names = [m.name for m in self._metrics] if self._metrics else [str(m) for m in self._metric_identifiers]
        return ["loss"] + names

    def _check_compiled(self, method):
        if not self.compiled:
            raise RuntimeError(
                f"Hay que compilar el modelo antes de {method}(): llama primero a "
                "model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])."
            )
        if self._loss_fn is None:
            raise ValueError(
                f"El modelo se compiló sin pérdida y {method}() la necesita: pasa loss=..., p. ej. "
                "model.compile(optimizer='adam', loss='categorical_crossentropy')."
            )

    # ------------------------------------------------------------ fit
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0, **unknown):
        """Entrena `epochs` épocas y devuelve el History (history.history['loss'], ['val_loss']...)."""
        _reject_unknown(self.fit, unknown)
        self._check_compiled("fit")
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise ValueError(f"epochs es el número de pasadas por los datos y debe ser un entero >= 0; es {epochs!r}.")
        x, y = self._prepare_data(x, y, "fit")
        if validation_data is not None:
            val_x, val_y = self._unpack_validation(validation_data)
        elif validation_split:
            x, y, val_x, val_y = _split_validation(x, y, validation_split)
        else:
            val_x = val_y = None
        batch_size = _batch_size(batch_size)
        steps = math.ceil(len(x) / batch_size)
        callback_list = callbacks_module.CallbackList(
            callbacks, add_history=True, add_progbar=verbose != 0, model=self,
            verbose=verbose, epochs=epochs, steps=steps,
        )
        self.stop_training = False
        self.history = callback_list.history
        self._warn_nan = not any(isinstance(cb, callbacks_module.TerminateOnNaN) for cb in callbacks or [])
        callback_list.on_train_begin()
        logs = {}
        with training_scope():  # BLAS de un hilo y malloc que reutiliza la memoria, solo mientras entrena
            for epoch in range(initial_epoch, epochs):
                logs = self._train_epoch(epoch, x, y, batch_size, shuffle, callback_list)
                epoch_logs = dict(logs)
                if val_x is not None:
                    val_logs = self._run_evaluation(val_x, val_y, batch_size, None)
                    epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
                callback_list.on_epoch_end(epoch, dict(sorted(epoch_logs.items())))
                if self.stop_training:
                    break
        if epochs > 0:  # con use_ema, los pesos toman su media móvil al terminar (Keras)
            self.optimizer.finalize_variable_values(self.trainable_weights)
        callback_list.on_train_end(logs)
        return self.history

    def _train_epoch(self, epoch, x, y, batch_size, shuffle, callback_list) -> dict:
        """Una pasada por los datos (barajados con el generador global), lote a lote; da los logs finales."""
        self._reset_metrics()
        callback_list.on_epoch_begin(epoch)
        trained = self.trainable_weights
        order = generator().permutation(len(x)) if shuffle else None
        logs = {}
        for step in range(math.ceil(len(x) / batch_size)):
            callback_list.on_train_batch_begin(step)
            batch = slice(step * batch_size, (step + 1) * batch_size)
            if order is not None:
                batch = order[batch]
            loss = self._train_step(x[batch], y[batch], trained)
            if self._warn_nan and not math.isfinite(loss):
                _warn_nan_loss(loss, epoch, step)
                self._warn_nan = False  # un aviso basta
            logs = self._logs()
            callback_list.on_train_batch_end(step, logs)
            if self.stop_training:
                break
        return logs

    def _train_step(self, x_batch, y_batch, trained) -> float:
        """Un paso de optimización con un lote: adelante, pérdida, atrás, actualizar; devuelve la pérdida."""
        y_pred = self.forward(x_batch, training=True)
        loss = self._loss_fn(y_batch, y_pred)
        if trained:  # con todo congelado no hay nada que derivar ni actualizar
            loss.backward()
            grads = [None if w.grad is None else w.grad.data for w in trained]  # None: no influyó
            self.optimizer.apply(grads, trained)
            for w in trained:
                w.grad = None
        loss_value = loss.item()  # desde la GPU: las dos únicas lecturas del paso, la pérdida y la predicción
        self._update_metrics(loss_value, y_batch, y_pred.numpy())
        return loss_value

    # ------------------------------------------------------------ evaluate
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", callbacks=None, return_dict=False,
                 **unknown):
        """La pérdida (y las métricas) sobre unos datos, sin entrenar: un número o [loss, métricas...]."""
        _reject_unknown(self.evaluate, unknown)
        self._check_compiled("evaluate")
        x, y = self._prepare_data(x, y, "evaluate")
        batch_size = _batch_size(batch_size)
        callback_list = callbacks_module.CallbackList(
            callbacks, add_progbar=verbose != 0, model=self,
            verbose=verbose, epochs=1, steps=math.ceil(len(x) / batch_size),
        )
        logs = self._run_evaluation(x, y, batch_size, callback_list)
        if return_dict:
            return logs
        values = [logs["loss"]] + [logs[m.name] for m in self._metrics]
        return values[0] if len(values) == 1 else values

    def _run_evaluation(self, x, y, batch_size, callback_list) -> dict:
        """Recorre los datos en orden, en modo inferencia, y da los logs ordenados (loss, accuracy...)."""
        self._reset_metrics()
        if callback_list is not None:
            callback_list.on_test_begin()
        logs = {}
        with no_grad(), single_thread_blas():
            for step in range(math.ceil(len(x) / batch_size)):
                if callback_list is not None:
                    callback_list.on_test_batch_begin(step)
                batch = slice(step * batch_size, (step + 1) * batch_size)
                y_pred = self.forward(x[batch], training=False)
                loss = self._loss_fn(y[batch], y_pred)
                self._update_metrics(loss.item(), y[batch], y_pred.numpy())
                logs = self._logs()
                if callback_list is not None:
                    callback_list.on_test_batch_end(step, logs)
        if callback_list is not None:
            callback_list.on_test_end(logs)
        return logs

    # ------------------------------------------------------------ predict
    def predict(self, x, batch_size=None, verbose="auto", callbacks=None, **unknown):
        """Las salidas del modelo para `x`, en modo inferencia, como un array de NumPy."""
        _reject_unknown(self.predict, unknown)
        x = self.prepare_inputs(_as_array(x))
        batch_size = _batch_size(batch_size)
        steps = math.ceil(len(x) / batch_size)
        callback_list = callbacks_module.CallbackList(
            callbacks, add_progbar=verbose != 0, model=self,
            verbose=verbose, epochs=1, steps=steps,
        )
        callback_list.on_predict_begin()
        batches = []
        with no_grad(), single_thread_blas():
            for step in range(steps):
                callback_list.on_predict_batch_begin(step)
                out = self.forward(x[step * batch_size:(step + 1) * batch_size])
                # Una capa final con return_state da varias salidas: una lista de arrays, como Keras.
                batches.append([o.numpy() for o in out] if isinstance(out, list) else out.numpy())
                callback_list.on_predict_batch_end(step, {"outputs": batches[-1]})
        callback_list.on_predict_end()
        if not batches:
            raise ValueError("predict recibió 0 muestras: x está vacío.")
        if isinstance(batches[0], list):
            return [np.concatenate(parts) for parts in zip(*batches)]
        return np.concatenate(batches)

    def predict_classes(self, x, batch_size=32, verbose=0):
        """La clase predicha de cada muestra (obsoleto: TF 2.6 lo quitó; se mantiene para el curso)."""
        _warn_deprecated("predict_classes", "np.argmax(model.predict(x), axis=-1)",
                         "o, para clasificación binaria con sigmoide, (model.predict(x) > 0.5).astype('int32')")
        probs = self.predict(x, batch_size=batch_size, verbose=verbose)
        return probs.argmax(axis=-1) if probs.shape[-1] > 1 else (probs > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Las probabilidades de cada clase (obsoleto: es lo mismo que predict)."""
        _warn_deprecated("predict_proba", "model.predict(x)", "")
        probs = self.predict(x, batch_size=batch_size, verbose=verbose)
        if probs.min() < 0 or probs.max() > 1:
            warnings.warn("predict_proba: el modelo no devuelve probabilidades (hay valores fuera de [0, 1]); "
                          "¿falta una activación softmax o sigmoid en la última capa?", UserWarning, stacklevel=2)
        return probs

    # ------------------------------------------------------------ métricas
    def _reset_metrics(self):
        self._loss_total = 0.0
        self._seen = 0
        for m in self._metrics or ():
            m.reset_state()

    def _update_metrics(self, loss_value, y_true, y_pred):
        """Media móvil de la pérdida ponderada por el tamaño del lote, y cada métrica con este lote."""
        n = len(y_true)
        self._loss_total += loss_value * n
        self._seen += n
        if self._metrics is None:
            self._metrics = [metrics_module.get(m, y_true=y_true, y_pred=y_pred) for m in self._metric_identifiers]
        for m in self._metrics:
            m.update_state(y_true, y_pred)

    def _logs(self) -> dict:
        """Los valores de la época hasta ahora, con las claves ordenadas como Keras 3 (accuracy, loss)."""
        logs = {m.name: float(m.result()) for m in self._metrics}
        logs["loss"] = self._loss_total / self._seen
        return dict(sorted(logs.items()))

    # ------------------------------------------------------------ datos
    def _prepare_data(self, x, y, method):
        if x is None or y is None:
            raise ValueError(
                f"{method}() necesita los datos x y las etiquetas y, p. ej. model.{method}(x_train, y_train)."
            )
        x = self.prepare_inputs(_as_array(x))
        y = _as_array(y)
        if y.dtype.kind == "f" and y.dtype != np.float32 or y.dtype == bool:
            y = y.astype(np.float32)  # Keras pasa las etiquetas reales (y las booleanas) a float32
        if len(x) != len(y):
            raise ValueError(
                f"{method}(): x tiene {len(x)} muestras e y tiene {len(y)}; deben tener las mismas (una etiqueta "
                "por muestra). Revisa que no mezcles datos de entrenamiento y de prueba."
            )
        return x, y

    def _unpack_validation(self, validation_data):
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise ValueError(
                "validation_data debe ser una tupla (x_val, y_val), p. ej. validation_data=(x_test, y_test)."
            )
        return self._prepare_data(*validation_data, "fit (validation_data)")


def _reject_unknown(method, unknown):
    """fit(x, y, epoch=5) da un error que propone 'epochs', en vez del TypeError genérico de Python."""
    if unknown:
        raise unknown_arguments_error(f"{method.__name__}()", unknown, parameter_names(method))


def _batch_size(batch_size) -> int:
    """None -> 32, como en Keras; si no, un entero positivo."""
    if batch_size is None:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
        raise ValueError(
            f"batch_size es el número de muestras por lote y debe ser un entero positivo; es {batch_size!r}."
        )
    return int(batch_size)


def _as_array(data) -> np.ndarray:
    return data.numpy() if isinstance(data, Tensor) else np.asarray(data)


def _split_validation(x, y, fraction):
    """Las últimas `fraction` muestras (antes de barajar) son la validación, como en Keras."""
    if not 0 < fraction < 1:
        raise ValueError(
            f"validation_split es la fracción de datos para validar y debe estar entre 0 y 1; es {fraction}."
        )
    split_at = int(len(x) * (1 - fraction))
    if split_at in (0, len(x)):
        raise ValueError(
            f"validation_split={fraction} con {len(x)} muestras deja vacío el entrenamiento o la validación: "
            "usa más datos o otra fracción."
        )
    return x[:split_at], y[:split_at], x[split_at:], y[split_at:]


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
