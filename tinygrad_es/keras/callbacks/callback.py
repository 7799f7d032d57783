"""La base de los callbacks: `Callback` (todos los eventos, sin hacer nada), la lista de eventos
y `pythonify_logs`, cómo llegan los logs a cada uno (ver el paquete, `keras/callbacks/__init__.py`)."""
import numpy as np

from ...errors import ArgumentError


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


def _check_callable(owner: str, name: str, function, example: str) -> None:
    if not callable(function):
        raise ArgumentError(
            f"{owner}: {name} debe ser una función y es {function!r} ({type(function).__name__}): p. ej. {example}."
        )
