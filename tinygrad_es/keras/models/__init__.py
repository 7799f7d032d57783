"""Los modelos de Keras: `Sequential` (una pila de capas), el funcional (`keras.Model(entradas,
salidas)`, un grafo de capas) y los modelos subclase (`class MiModelo(keras.Model)`).

    from tinygrad_es.keras.models import Sequential, Model, load_model

`model.py` tiene la base común (un modelo es una capa que además se entrena: ver
`trainer.py`), `sequential.py` y `functional.py` cada tipo y `graph.py` el recorrido del grafo.
"""
from ..saving import load_model
from .functional import Functional
from .model import Model
from .sequential import Sequential

# Las clases que una configuración guardada puede nombrar como capa (un modelo dentro de otro).
MODEL_CLASSES = {"Sequential": Sequential, "Functional": Functional, "Model": Functional}

__all__ = ["Functional", "Model", "Sequential", "load_model"]
