"""Guardar y cargar modelos: `model.save('m.keras')`, `keras.models.load_model`, `save_weights`/`load_weights`.

Un archivo `.keras` es un zip con dos piezas, sin pickle (no se ejecuta código al cargar):
- `config.json`: la arquitectura (cada capa y sus argumentos) y cómo se compiló el modelo;
- `model.weights.npz`: los pesos como arrays de NumPy, más una lista JSON que dice a qué capa
  y peso pertenece cada array y qué forma tiene.
`save_weights` escribe solo la segunda pieza (con el nombre que se le dé, p. ej. 'pesos.weights.h5').

Al guardar se escribe primero un archivo temporal en la misma carpeta y luego se renombra
(`os.replace`, atómico): si el programa se corta a medias, el archivo anterior sigue intacto.
Al cargar se comprueba cada forma y el primer peso que no encaja se nombra en el error.
"""
import io
import json
import os
import tempfile
import zipfile

import numpy as np

from . import losses, optimizers

FORMAT = "tinygrad_es.keras"
CONFIG_FILE, WEIGHTS_FILE = "config.json", "model.weights.npz"
MANIFEST_KEY = "__manifest__"


class ModelFileError(ValueError):
    """El archivo no se puede leer como modelo o pesos de este modelo."""


# ---------------------------------------------------------------- modelo completo
def save_model(model, filepath, overwrite=True):
    filepath = os.fspath(filepath)
    if not filepath.endswith((".keras", ".h5")):
        raise ValueError(
            f"No sé en qué formato guardar '{filepath}': usa la extensión .keras, p. ej. model.save('modelo.keras')."
        )
    config = {"format": FORMAT, "version": 1, "class_name": type(model).__name__, "config": model.get_config(),
              "compile_config": _compile_config(model)}
    weights = io.BytesIO()
    _write_weights(model, weights)

    def write(f):
        with zipfile.ZipFile(f, "w") as archive:
            archive.writestr(CONFIG_FILE, json.dumps(config, indent=2))
            archive.writestr(WEIGHTS_FILE, weights.getvalue())

    _atomic_write(filepath, write, overwrite)


def load_model(filepath, compile=True):
    """Lee un modelo guardado con model.save('modelo.keras'): arquitectura, pesos y compile."""
    from .models import MODEL_CLASSES  # aquí y no arriba: models importa este módulo

    filepath = os.fspath(filepath)
    try:
        with zipfile.ZipFile(filepath) as archive:
            config = json.loads(archive.read(CONFIG_FILE))
            weights = archive.read(WEIGHTS_FILE)
    except FileNotFoundError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError) as error:
        raise _damaged(filepath, error) from None
    if config.get("format") != FORMAT or config.get("class_name") not in MODEL_CLASSES:
        raise ModelFileError(
            f"'{filepath}' no es un modelo guardado con tinygrad_es (model.save): no se puede cargar aquí."
        )
    model = MODEL_CLASSES[config["class_name"]].from_config(config["config"])
    _read_weights(model, io.BytesIO(weights), filepath)
    compile_config = config.get("compile_config")
    if compile and compile_config:
        loss = compile_config["loss"]
        model.compile(optimizer=optimizers.deserialize(compile_config["optimizer"]),
                      loss=_map_losses(losses.deserialize, loss), loss_weights=compile_config.get("loss_weights"),
                      metrics=compile_config["metrics"])
    return model


def _compile_config(model):
    if not model.compiled:
        return None
    compiled_loss, compiled_metrics = model._compile_loss, model._compile_metrics
    metrics = None if compiled_metrics is None else compiled_metrics.spec
    return {
        "optimizer": optimizers.serialize(model.optimizer),
        "loss": None if compiled_loss is None else _map_losses(_loss_config, model.loss),
        "loss_weights": None if compiled_loss is None else compiled_loss.loss_weights,
        "metrics": _map_losses(lambda m: m if isinstance(m, str) else m.name, metrics),
    }


def _loss_config(loss):
    return loss if isinstance(loss, str) else losses.serialize(losses.get(loss))


def _map_losses(function, spec):
    """Aplica `function` a cada pérdida (o métrica) de una estructura de compile (suelta, lista o dict)."""
    if spec is None:
        return None
    if isinstance(spec, dict) and "class_name" not in spec:
        return {k: _map_losses(function, v) for k, v in spec.items()}
    if isinstance(spec, (list, tuple)):
        return [_map_losses(function, v) for v in spec]
    return function(spec)


# ---------------------------------------------------------------- solo pesos
def save_weights(model, filepath, overwrite=True):
    filepath = os.fspath(filepath)
    if not filepath.endswith((".weights.h5", ".h5", ".npz")):
        raise ValueError(
            f"El archivo de pesos '{filepath}' debe terminar en .weights.h5 (como en Keras 3), "
            "p. ej. model.save_weights('modelo.weights.h5')."
        )
    _atomic_write(filepath, lambda f: _write_weights(model, f), overwrite)


def load_weights(model, filepath):
    filepath = os.fspath(filepath)
    with open(filepath, "rb") as f:
        _read_weights(model, f, filepath)


def _write_weights(model, f):
    """Un npz con un array por peso ('0000', '0001'...) y la lista de qué es cada uno."""
    manifest, arrays = [], {}
    for layer in model.layers:
        for name, weight in zip(layer.weight_labels(), layer.weights):
            manifest.append({"layer": layer.name, "class_name": type(layer).__name__, "weight": name,
                             "shape": list(weight.shape)})
            arrays[f"{len(arrays):04d}"] = weight.numpy()  # (desde la GPU, una copia a la CPU)
    np.savez(f, **arrays, **{MANIFEST_KEY: np.array(json.dumps(manifest))})


def _read_weights(model, f, filepath):
    try:
        with np.load(f, allow_pickle=False) as data:
            manifest = json.loads(str(data[MANIFEST_KEY]))
            values = [data[f"{i:04d}"] for i in range(len(manifest))]
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError) as error:
        raise _damaged(filepath, error) from None
    if not model.built:
        raise ModelFileError(
            "El modelo aún no está construido, así que no tiene pesos donde cargar: empieza con Input(shape=...) o "
            "llama antes al modelo con un lote de datos."
        )
    targets = [(layer, name, weight) for layer in model.layers
               for name, weight in zip(layer.weight_labels(), layer.weights)]
    for (layer, name, weight), saved, value in zip(targets, manifest, values):
        if value.shape != weight.shape:
            raise ModelFileError(
                f"'{filepath}' no encaja con este modelo: el peso '{name}' de la capa {layer.name} "
                f"({type(layer).__name__}) tiene forma {tuple(weight.shape)} y en el archivo ({saved['layer']}/"
                f"{saved['weight']}) tiene forma {tuple(value.shape)}. ¿Se guardó desde otra arquitectura?"
            )
    if len(targets) != len(manifest):
        raise ModelFileError(
            f"'{filepath}' no encaja con este modelo: el archivo tiene {len(manifest)} pesos y el modelo "
            f"{len(targets)}. ¿Se guardó desde otra arquitectura (otras capas)?"
        )
    for (_, _, weight), value in zip(targets, values):
        weight.data[...] = value


# ---------------------------------------------------------------- archivos
def _atomic_write(filepath, write, overwrite):
    """Escribe en un temporal de la misma carpeta y lo renombra: nunca queda un archivo a medias."""
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"'{filepath}' ya existe y overwrite=False: bórralo o usa otro nombre.")
    directory = os.path.dirname(os.path.abspath(filepath))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".guardando-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(temporary, filepath)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _damaged(filepath, error) -> ModelFileError:
    return ModelFileError(
        f"No se puede leer '{filepath}': el archivo está truncado o dañado ({type(error).__name__}: {error}). "
        "Quizá se cortó al copiarlo o descargarlo; vuelve a guardarlo con model.save(...) / model.save_weights(...)."
    )
