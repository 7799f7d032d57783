"""Guardar y cargar modelos en el formato de Keras 3: `model.save('m.keras')`, `keras.models.load_model`,
`model.save_weights('m.weights.h5')` y `model.load_weights(...)`.

Un `.keras` es un zip (sin comprimir) con tres piezas, como lo escribe Keras 3, que puede abrirlo:
- `metadata.json`: la versión de Keras cuyo formato sigue y la fecha;
- `config.json`: la arquitectura (cada capa y sus argumentos) y cómo se compiló el modelo;
- `model.weights.h5`: los pesos y el estado del optimizador en HDF5 (con h5py), en los grupos
  en que los pone Keras (ver `state.py`).
`save_weights` escribe solo ese HDF5. Cargar acepta también los archivos de Keras 3 y los que
escribían versiones anteriores de tinygrad_es (JSON + npz).

Nada se ejecuta al cargar (ni pickle ni funciones del archivo), la memoria que se usa la marca el
modelo y no el archivo, cada forma se comprueba antes de leer, y cualquier problema al leer es un
`ModelFileError` que nombra el archivo y qué falla. Al guardar, el archivo se escribe entero o no
se toca (ver `tinygrad_es/files.py`).
"""
from .archive import ModelFileError, ModelFileNotFoundError
from .model_file import load_model, save_model
from .weights_file import load_weights, save_weights

__all__ = ["ModelFileError", "ModelFileNotFoundError", "load_model", "load_weights", "save_model", "save_weights"]
