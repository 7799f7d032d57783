"""Un nombre que no existe en un módulo público (`tinygrad_es.cat`, `keras.layers.Lambda`, `keras.ops.norm`)
da un AttributeError en español que dice qué usar (errors.missing_module_attribute)."""
import importlib

import pytest

import tinygrad_es
from tinygrad_es import keras


@pytest.mark.parametrize("module, name, hint", [
    ("tinygrad_es", "cat", r"usa tinygrad_es\.concatenate\(\[a, b\], axis=0\)"),
    ("tinygrad_es", "relu", r"usa el método del Tensor, x\.relu\(\.\.\.\), o keras\.ops"),
    ("tinygrad_es", "from_numpy", r"usa tinygrad_es\.Tensor\(array\)"),
    ("tinygrad_es.keras.layers", "Lambda", r"escribe una subclase de keras\.layers\.Layer con call\(self, x\)"),
    ("tinygrad_es.keras.layers", "ReLU", r"usa Activation\('relu'\)"),
    ("tinygrad_es.keras.layers", "Normalization", r"usa Rescaling\(scale=1 / desviación"),
    ("tinygrad_es.keras.layers", "Dens", r"¿quisiste decir 'Dense'\?"),
    ("tinygrad_es.keras.ops", "norm", r"usa ops\.sqrt\(ops\.sum\(ops\.square\(x\)"),
    ("tinygrad_es.keras.ops", "sofmax", r"¿quisiste decir 'softmax'\?"),
    ("tinygrad_es.keras.optimizers", "Adamm", r"¿quisiste decir 'Adam'\?"),
    ("tinygrad_es.keras.callbacks", "TensorBoard", r"mira dir\(keras\.callbacks\) para ver lo que hay"),
    ("tinygrad_es.keras", "backend", r"mira dir\(keras\) para ver lo que hay"),
    ("tinygrad_es.keras.losses", "Hubr", r"mira dir|quisiste"),
    ("tinygrad_es.keras.metrics", "AUC", r"mira dir\(keras\.metrics\)"),
    ("tinygrad_es.keras.activations", "sigmod", r"¿quisiste decir 'sigmoid'\?"),
    ("tinygrad_es.keras.utils", "plot_model", r"mira dir\(keras\.utils\)"),
])
def test_missing_public_names_say_what_to_use(module, name, hint):
    short = module.replace("tinygrad_es.keras", "keras") if module != "tinygrad_es" else module
    with pytest.raises(AttributeError, match=rf"^{short} no tiene '{name}': {hint}"):
        getattr(importlib.import_module(module), name)


def test_hints_name_only_missing_things_and_private_names_keep_pythons_error():
    for name in ("ReLU", "Lambda", "Normalization", "Conv1DTranspose", "UpSampling1D", "DepthwiseConv1D"):
        assert name not in vars(keras.layers)
    for name in ("norm", "sort", "cumprod", "multi_hot"):
        assert name not in vars(keras.ops)
    assert not hasattr(tinygrad_es, "__wrapped__") and not hasattr(keras.layers, "_repr_html_")
    with pytest.raises(AttributeError, match=r"^module 'keras\.layers' has no attribute '_algo'$"):
        keras.layers._algo
