"""Modelos subclase: capas descubiertas en los atributos, training heredado, construcción, summary
y los rincones que no se admiten. (Los números frente a Keras están en test_models_vs_keras.py.)"""
import numpy as np
import pytest

from tinygrad_es import keras
from tinygrad_es.keras import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.clear_session()


class Bloques(keras.Model):
    def __init__(self, units=(4, 3)):
        super().__init__()
        self.capas = {"primera": layers.Dense(units[0], activation="relu")}
        self.resto = [layers.Dense(u) for u in units[1:]]
        self.apagado = layers.Dropout(0.5)

    def call(self, x, training=False):
        x = self.apagado(self.capas["primera"](x))  # Dropout sin training=: hereda el de la llamada
        for capa in self.resto:
            x = capa(x)
        return x


def test_layers_in_dicts_and_lists_are_tracked_in_assignment_order():
    model = Bloques((4, 3, 2))
    assert not model.built and model.weights == []
    model.build((None, 5))  # como Keras: una llamada con ceros crea los pesos
    assert model.built and [w.shape for w in model.weights] == [(5, 4), (4,), (4, 3), (3,), (3, 2), (2,)]
    assert [type(l).__name__ for l in model.layers] == ["Dense", "Dense", "Dense", "Dropout"]
    model.resto[0].trainable = False
    assert len(model.trainable_weights) == 4 and len(model.non_trainable_weights) == 2


def test_training_flag_is_inherited_by_layers_called_inside_call():
    model = Bloques()
    x = np.ones((64, 5), dtype=np.float32)
    np.testing.assert_array_equal(model(x).numpy(), model(x).numpy())
    assert not np.array_equal(model(x, training=True).numpy(), model(x).numpy())


def test_call_without_training_argument_and_fit():
    class Simple(keras.Model):
        def __init__(self):
            super().__init__()
            self.densa = layers.Dense(1)

        def call(self, x):  # sin training: no se le pasa
            return self.densa(x)

    model = Simple()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((8, 2)), np.zeros((8, 1)), epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]


def test_unsupported_corners_explain_what_to_do(capsys):
    model = Bloques()
    with pytest.raises(NotImplementedError, match=r"define get_config\(\).*save_weights"):
        model.get_config()
    with pytest.raises(NotImplementedError, match="no define call"):
        keras.Model()(np.ones((1, 2)))
    model.summary()
    assert "0 (unbuilt)" in capsys.readouterr().out
    with pytest.raises(ValueError, match="steps_per_execution=4.*no está disponible"):
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=4)


def test_model_is_a_layer_inside_a_sequential():
    inner = Bloques()
    outer = keras.Sequential([keras.Input(shape=(5,)), inner, layers.Dense(1)])
    assert outer.output_shape == (None, 1) and len(outer.weights) == 6
    outer.compile(optimizer="sgd", loss="mse")
    outer.fit(np.ones((4, 5)), np.ones((4, 1)), verbose=0)
    outer.trainable = False
    assert outer.trainable_weights == [] and not inner.capas["primera"].trainable
