"""Los datos de fit/evaluate/predict: lote a lote (y convertidos al cortarlos), generadores,
PyDataset y objetos tipo Sequence, sample_weight, class_weight, steps y validation_freq, y sus
errores. (Los historiales frente a Keras están en test_models_vs_keras.py.)"""
import numpy as np
import pytest

from tinygrad_es import keras
from tinygrad_es.keras import layers
from tinygrad_es.keras.callbacks import LambdaCallback
from tinygrad_es.keras.data_adapters import EpochIterator, get_data_adapter
from tinygrad_es.keras.optimizers import SGD

rng = np.random.default_rng(0)
X = rng.normal(size=(10, 3)).astype(np.float32)
Y = (np.arange(10) % 2).astype(np.float32)


def model(dtype=None):
    net = keras.Sequential([keras.Input(shape=(3,), dtype=dtype), layers.Dense(1, activation="sigmoid",
                                                                                 dtype=dtype)])
    net.compile(optimizer=SGD(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    return net


def test_batches_are_converted_when_cut_not_before():
    """fit no copia x entero a float32: cada lote se convierte al cortarlo (bool -> float32)."""
    x = rng.random((20, 3)) > 0.5
    seen = []
    net = model()
    original = net.train_step
    net.train_step = lambda data: seen.append(data[0].dtype) or original(data)
    net.fit(x, Y.tolist() * 2, batch_size=8, epochs=1, verbose=0)
    assert seen == [np.float32] * 3 and x.dtype == bool
    adapter = get_data_adapter(x, np.arange(20), batch_size=8, cast_inputs=net.cast_batch)
    assert adapter.x is x  # sin copia
    float64 = model("float64")
    batch = next(get_data_adapter(X.astype(np.float64), Y, cast_inputs=float64.cast_batch).batches())
    assert batch[0].dtype == np.float64  # un modelo en float64 no baja a float32


def test_generator_pydataset_and_sequence_like_objects_feed_fit_evaluate_and_predict():
    def generator():
        for start in range(0, 10, 4):
            yield X[start:start + 4], Y[start:start + 4]

    class Lotes(keras.utils.PyDataset):
        def __init__(self):
            super().__init__(workers=2)
            self.epochs_ended = 0

        def __len__(self):
            return 3

        def __getitem__(self, i):
            return X[i * 4:(i + 1) * 4], Y[i * 4:(i + 1) * 4]

        def on_epoch_end(self):
            self.epochs_ended += 1

    class ComoSequence:  # sin heredar de nada: basta __len__ y __getitem__
        def __len__(self):
            return 3

        def __getitem__(self, i):
            return (X[i * 4:(i + 1) * 4],)

    net = model()
    dataset = Lotes()
    history = net.fit(dataset, epochs=2, verbose=0)
    assert dataset.epochs_ended == 2 and history.params["steps"] == 3
    assert net.evaluate(generator(), verbose=0) == pytest.approx(net.evaluate(X, Y, batch_size=4, verbose=0))
    np.testing.assert_allclose(net.predict(ComoSequence(), verbose=0), net.predict(X, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(net.predict(x for x, _ in generator()), net.predict(X, verbose=0), rtol=1e-6)
    assert keras.utils.Sequence is keras.utils.PyDataset
    with pytest.raises(ValueError, match="con x un generador, y no se pasa aparte"):
        net.fit(generator(), Y)
    with pytest.raises(ValueError, match="batch_size no se usa"):
        net.fit(Lotes(), batch_size=4)


def test_exhausted_generator_warns_and_stops_and_steps_per_epoch_continues_it():
    def generator():
        for start in range(0, 10, 4):
            yield X[start:start + 4], Y[start:start + 4]

    with pytest.warns(UserWarning, match="un generador de Python solo se recorre una vez"):
        history = model().fit(generator(), epochs=3, verbose=0)
    assert history.epoch == [0]
    steps = []
    callback = LambdaCallback(on_epoch_end=lambda epoch, logs: steps.append(epoch))
    with pytest.warns(UserWarning, match="Se acabaron los datos"):
        model().fit(generator(), epochs=2, steps_per_epoch=2, verbose=0, callbacks=[callback])
    assert steps == [0, 1]  # la segunda época tuvo solo el lote que quedaba

    def forever():
        while True:
            yield X[:4], Y[:4]

    assert model().fit(forever(), epochs=2, steps_per_epoch=3, verbose=0).params["steps"] == 3


def test_steps_per_epoch_with_arrays_follows_keras():
    adapter = get_data_adapter(X, Y, batch_size=3, steps=2)
    iterator = EpochIterator(adapter, steps_per_epoch=2)
    sizes = [[len(batch[0]) for _, batch in iterator] for _ in range(3)]
    assert sizes == [[3, 3], [3, 1], [3, 3]]  # la pasada sigue entre épocas y vuelve a empezar
    assert get_data_adapter(X, Y, steps=3).batch_size == 4  # sin batch_size: ceil(10 / 3)
    with pytest.warns(UserWarning, match="steps_per_epoch=5 pide más"):
        assert len(list(EpochIterator(get_data_adapter(X, Y, batch_size=5), 5))) == 2
    with pytest.raises(ValueError, match=r"steps_per_epoch .* debe ser un entero positivo"):
        EpochIterator(adapter, steps_per_epoch=0)


def test_sample_weight_and_class_weight_weight_the_loss():
    net = model()
    base = net.evaluate(X, Y, verbose=0)
    assert net.evaluate(X, Y, sample_weight=np.ones(10), verbose=0)[0] == pytest.approx(base[0])
    doubled = net.evaluate(X, Y, sample_weight=np.full(10, 2.0), verbose=0)
    assert doubled[0] == pytest.approx(2 * base[0], rel=1e-6) and doubled[1] == base[1]  # metrics: sin pesos
    by_class = get_data_adapter(X, Y, class_weight={1: 3.0}, batch_size=10)
    np.testing.assert_array_equal(next(by_class.batches())[2], np.where(Y == 1, 3.0, 1.0))
    with pytest.raises(ValueError, match="class_weight y sample_weight a la vez"):
        net.fit(X, Y, class_weight={0: 1.0}, sample_weight=np.ones(10), verbose=0)
    with pytest.raises(ValueError, match=r"un peso por muestra \(forma \(10,\)\)"):
        net.fit(X, Y, sample_weight=np.ones(9), verbose=0)
    with pytest.raises(ValueError, match="class_weight debe ser un diccionario"):
        net.fit(X, Y, class_weight=[1.0, 2.0], verbose=0)


def test_validation_freq_and_validation_data_from_a_dataset():
    seen = []
    callback = LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append("val_loss" in logs))
    model().fit(X, Y, epochs=4, validation_data=(X, Y), validation_freq=[1, 4], verbose=0, callbacks=[callback])
    assert seen == [True, False, False, True]

    class Validacion(keras.utils.PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            return X[i * 5:(i + 1) * 5], Y[i * 5:(i + 1) * 5]

    history = model().fit(X, Y, epochs=2, validation_data=Validacion(), verbose=0)
    assert len(history.history["val_loss"]) == 2
    with pytest.warns(UserWarning, match="solo se recorre una vez"):
        once = model().fit(X, Y, epochs=2, validation_data=((X[i:i + 5], Y[i:i + 5]) for i in (0, 5)), verbose=0)
    assert len(once.history["val_loss"]) == 1 and len(once.history["loss"]) == 2
    with pytest.raises(ValueError, match="validation_freq debe ser un entero positivo"):
        model().fit(X, Y, validation_freq=0, verbose=0)
    with pytest.raises(ValueError, match="validation_split solo funciona con arrays"):
        model().fit(Validacion(), validation_split=0.2, verbose=0)


def test_train_test_and_predict_on_batch():
    net = model()
    before = net.get_weights()
    loss, accuracy = net.test_on_batch(X, Y)
    assert [loss, accuracy] == pytest.approx(net.evaluate(X, Y, batch_size=10, verbose=0))
    net.train_on_batch(X, Y)
    assert not np.allclose(net.get_weights()[0], before[0])
    assert net.predict_on_batch(X).shape == (10, 1)
