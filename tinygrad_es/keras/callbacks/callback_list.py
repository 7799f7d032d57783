"""`CallbackList`: reparte cada evento de fit/evaluate/predict entre los callbacks, en orden."""
from .callback import _HOOKS, Callback, pythonify_logs
from .loggers import History, ProgbarLogger


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
