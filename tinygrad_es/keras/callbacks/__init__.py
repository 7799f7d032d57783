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
from ...errors import missing_module_attribute
from .callback import Callback, pythonify_logs
from .callback_list import CallbackList
from .loggers import CSVLogger, History, LambdaCallback, ProgbarLogger
from .monitoring import EarlyStopping, LearningRateScheduler, ModelCheckpoint, ReduceLROnPlateau, TerminateOnNaN

__all__ = ["CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback", "LearningRateScheduler",
           "ModelCheckpoint", "ProgbarLogger", "ReduceLROnPlateau", "TerminateOnNaN", "pythonify_logs"]

__getattr__ = missing_module_attribute("keras.callbacks", globals())  # un nombre que no existe, en español
