"""Entradas malas a la API de Keras: cada clase de error da un mensaje en español que nombra el argumento,
dice qué llegó y qué hacer (issue 13). Una prueba por clase, con varios ejemplos de cada una."""
import json

import numpy as np
import pytest

from tinygrad_es import DTypeError, Tensor, keras
from tinygrad_es.errors import ArgumentError, ShapeError
from tinygrad_es.keras import Input, Sequential, layers as L

rng = np.random.default_rng(0)
X, Y = rng.random((10, 4)).astype(np.float32), rng.integers(0, 3, 10)


def mlp(loss="sparse_categorical_crossentropy"):
    model = Sequential([Input(shape=(4,)), L.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss=loss)
    return model


# ---------------------------------------------------------------- la falta de Flatten (el error más común del curso)
@pytest.mark.parametrize("loss, y", [
    ("categorical_crossentropy", np.eye(10)[rng.integers(0, 10, 8)]),
    ("sparse_categorical_crossentropy", rng.integers(0, 10, 8)),
    ("mse", np.eye(10)[rng.integers(0, 10, 8)]),
])
def test_missing_flatten_after_conv2d_says_so_with_the_real_shape(loss, y):
    model = Sequential([Input(shape=(28, 28, 1)), L.Conv2D(10, 3), L.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss=loss)
    with pytest.raises(ShapeError, match=r"la salida del modelo aún tiene ejes espaciales: forma \(8, 26, 26, 10\) "
                                         r"frente a etiquetas \(8,( 10)?\).*Flatten\(\).*GlobalAveragePooling2D\(\)"):
        model.fit(rng.random((8, 28, 28, 1)), y, verbose=0)


def test_return_sequences_before_dense_says_so():
    model = Sequential([Input(shape=(5, 3)), L.LSTM(4, return_sequences=True), L.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    with pytest.raises(ShapeError, match=r"eje del tiempo: forma \(8, 5, 10\) frente a etiquetas \(8, 10\).*"
                                         r"return_sequences=False"):
        model.fit(rng.random((8, 5, 3)), np.eye(10)[rng.integers(0, 10, 8)], verbose=0)
    tagger = Sequential([Input(shape=(5, 3)), L.LSTM(4, return_sequences=True), L.Dense(10, activation="softmax")])
    tagger.compile(optimizer="adam", loss="sparse_categorical_crossentropy")  # una etiqueta por paso: sí vale
    tagger.fit(rng.random((8, 5, 3)), rng.integers(0, 10, (8, 5)), verbose=0)


# ---------------------------------------------------------------- tamaños: cualquier entero; 10.0, '10', True no
SIZED = [
    (lambda n: L.Dense(n), "Dense: units"),
    (lambda n: L.Conv2D(n, 3), "Conv2D: filters"),
    (lambda n: L.Conv2D(4, n), "Conv2D: kernel_size"),
    (lambda n: L.Conv1D(n, 2), "Conv1D: filters"),
    (lambda n: L.Conv2DTranspose(n, 2), "Conv2DTranspose: filters"),
    (lambda n: L.SeparableConv2D(4, 3, depth_multiplier=n), "SeparableConv2D: depth_multiplier"),
    (lambda n: L.MaxPooling2D(n), "MaxPooling2D: pool_size"),
    (lambda n: L.LSTM(n), "LSTM: units"),
    (lambda n: L.GRU(n), "GRU: units"),
    (lambda n: L.SimpleRNN(n), "SimpleRNN: units"),
    (lambda n: L.Embedding(n, 4), "Embedding: input_dim"),
    (lambda n: L.Embedding(10, n), "Embedding: output_dim"),
    (lambda n: L.RepeatVector(n), "RepeatVector: n"),
    (lambda n: L.Reshape((n, -1)), "Reshape: target_shape"),
    (lambda n: L.UpSampling2D(n), "UpSampling2D: size"),
    (lambda n: Input(shape=(n, 2)), "Input: shape"),
]


@pytest.mark.parametrize("make, _", SIZED)
@pytest.mark.parametrize("size", [np.int64(2), np.int32(2), np.uint8(2), np.int16(2)])
def test_every_integer_type_is_a_size(make, _, size):
    made = make(size)
    if not isinstance(made, L.Layer):  # Input: la forma queda en enteros de Python
        assert made.shape == (None, 2, 2) and all(type(n) is int for n in made.shape[1:])
        return
    json.dumps(made.get_config())  # enteros de Python: la configuración se guarda en JSON


@pytest.mark.parametrize("make, where", SIZED)
@pytest.mark.parametrize("size, hint", [(2.0, r"Escribe 2, sin decimales"), ("2", r"Es un texto: .*sin comillas"),
                                        (2.5, r"sin decimales"), (True, "booleano")])
def test_sizes_that_are_not_integers_are_refused_naming_the_argument(make, where, size, hint):
    with pytest.raises(ArgumentError, match=f"{where}.*{hint}"):
        make(size)


@pytest.mark.parametrize("shape, message", [
    ((-5,), r"Input: shape=\(-5,\) no es una forma válida: .*en la posición 0 hay -5"),
    ((0,), r"en la posición 0 hay 0. Un eje de tamaño 0 no tendría datos"),
    ((28, 28.0), r"en la posición 1 hay 28.0. Escribe 28"),
    ("28", r"Input: shape debe ser una tupla de tamaños"),
])
def test_input_shapes_are_checked(shape, message):
    with pytest.raises(ArgumentError, match=message):
        Input(shape=shape)


def test_a_weight_that_cannot_fit_in_memory_is_refused_before_allocating():
    with pytest.raises(MemoryError, match=r"\(Dense\): el peso kernel tendría forma \(784, 1000000000000\): "
                                          r"784 000 000 000 000 parámetros, 2.8 PiB en float32, y esta máquina tiene"):
        Sequential([Input(shape=(784,)), L.Dense(10**12)])


# ---------------------------------------------------------------- otros números: tasas, fracciones, contadores
@pytest.mark.parametrize("call, message", [
    (lambda: L.Dropout("0.5"), r"Dropout: rate .* debe ser un número en \[0, 1\] y es '0.5'. Es un texto"),
    (lambda: L.LSTM(3, dropout="0.2"), r"LSTM: dropout debe ser un número .* y es '0.2'"),
    (lambda: L.BatchNormalization(momentum="0.9"), r"BatchNormalization: momentum debe ser un número en \[0, 1\]"),
    (lambda: L.BatchNormalization(epsilon=0), r"BatchNormalization: epsilon debe ser un número > 0"),
    (lambda: L.LeakyReLU(negative_slope="0.1"), r"LeakyReLU: negative_slope debe ser un número >= 0"),
    (lambda: keras.optimizers.Adam(learning_rate=-0.001), r"Adam: learning_rate debe ser un número >= 0"),
    (lambda: keras.optimizers.SGD(learning_rate=float("nan")), r"SGD: learning_rate debe ser un número >= 0"),
    (lambda: keras.callbacks.EarlyStopping(patience=2.5), r"EarlyStopping: patience .* entero >= 0 y es 2.5"),
    (lambda: keras.callbacks.ReduceLROnPlateau(cooldown=-1), r"ReduceLROnPlateau: cooldown .* entero >= 0"),
    (lambda: mlp().fit(X, Y, validation_split="0.2", verbose=0),
     r"fit\(\): validation_split .* debe ser un número en \[0, 1\) y es '0.2'. Es un texto"),
    (lambda: mlp().fit(X, Y, epochs=2.0, verbose=0), r"fit\(\): epochs .* y es 2.0. Escribe 2"),
    (lambda: mlp().fit(X, Y, batch_size="32", verbose=0), r"fit\(\): batch_size .* Es un texto"),
    (lambda: mlp().evaluate(X, Y, batch_size=4.0, verbose=0), r"evaluate\(\): batch_size .* y es 4.0"),
    (lambda: mlp().fit(X, Y, class_weight={"0": 1.0}, verbose=0), r"class_weight \(cada clave.* es '0'"),
    (lambda: mlp().fit(X, Y, class_weight={0: "2"}, verbose=0), r"class_weight\[0\] .* es '2'"),
    (lambda: keras.utils.set_random_seed(1.5), r"set_random_seed: seed debe ser un entero"),
    (lambda: mlp().compile(loss="mse", loss_weights=[-1.0]), r"compile\(\): loss_weights .* >= 0 y es -1.0"),
    (lambda: mlp().evaluate(X, Y, steps=0, verbose=0), r"evaluate\(\): steps .* entero positivo y es 0"),
])
def test_numbers_of_the_wrong_type_or_range_name_the_argument(call, message):
    with pytest.raises(ArgumentError, match=message):
        call()


def test_numpy_numbers_are_accepted_where_python_ones_are():
    model = mlp()
    model.fit(X, Y, epochs=np.int64(1), batch_size=np.int32(4), validation_split=np.float32(0.2), verbose=0)
    L.Dropout(np.float32(0.5))
    keras.callbacks.EarlyStopping(patience=np.int64(2))
    keras.utils.set_random_seed(np.int64(3))


@pytest.mark.parametrize("callbacks, message", [
    ("early", r"callbacks debe ser una lista de objetos Callback.*y es 'early' \(str\)"),
    (5, r"y es 5 \(int\)"),
    (keras.callbacks.EarlyStopping, r"recibió la clase EarlyStopping y necesita un objeto"),
])
def test_callbacks_that_are_not_callbacks(callbacks, message):
    with pytest.raises(TypeError, match=message):
        mlp().fit(X, Y, callbacks=callbacks, verbose=0)


def test_a_single_callback_is_accepted_like_keras():
    model = mlp()
    model.fit(np.full((10, 4), np.nan), Y, callbacks=keras.callbacks.TerminateOnNaN(), epochs=3, verbose=0)
    assert len(model.history.history["loss"]) == 1  # el callback actuó: paró en la primera época


# ---------------------------------------------------------------- datos vacíos
@pytest.mark.parametrize("method, verb", [
    (lambda m: m.fit(X[:0], Y[:0], verbose=0), "fit\\(\\): x no tiene muestras \\(forma \\(0, 4\\)\\), así que no hay "
                                               "nada que entrenar"),
    (lambda m: m.evaluate(X[:0], Y[:0], verbose=0), "evaluate\\(\\): .* nada que evaluar"),
    (lambda m: m.predict(X[:0], verbose=0), "predict\\(\\): .* nada que predecir"),
    (lambda m: m.train_on_batch(X[:0], Y[:0]), "train_on_batch\\(\\): x no tiene muestras"),
    (lambda m: m.fit(iter([]), verbose=0), "fit\\(\\): los datos no dieron ni un lote"),
    (lambda m: m.evaluate(iter([]), verbose=0), "evaluate\\(\\): los datos no dieron ni un lote"),
])
def test_empty_data_is_an_error(method, verb):
    with pytest.raises(ValueError, match=verb):
        method(mlp())


# ---------------------------------------------------------------- datos que no son números
NOT_NUMBERS = [
    (np.array([["1.5"] * 4] * 10), r"contiene textos, como '1.5'. No se convierten solos"),
    ([["1.5"] * 4] * 10, r"contiene textos"),
    (np.array([[1, 2, 3, None]] * 10, dtype=object), r"array de objetos de Python, como None"),
    ([[1, 2, 3, 4]] * 9 + [[1, 2]], r"no es rectangular: en el nivel 1 hay listas de longitudes 2, 4"),
    (X + 1j, r"números complejos"),
]


@pytest.mark.parametrize("data, message", NOT_NUMBERS)
def test_inputs_that_are_not_numbers_are_refused_at_the_api_naming_the_argument(data, message):
    model = mlp()
    for call, caller in [(lambda: model.fit(data, Y, verbose=0), r"fit\(\): x"),
                         (lambda: model.evaluate(data, Y, verbose=0), r"evaluate\(\): x"),
                         (lambda: model.predict(data, verbose=0), r"predict\(\): x"),
                         (lambda: model.train_on_batch(data, Y), r"train_on_batch\(\): x"),
                         (lambda: model.fit(X, Y, validation_data=(data, Y), verbose=0),
                          r"fit\(validation_data=\.\.\.\): x"),
                         (lambda: model.fit(iter([(data, Y)]), verbose=0), r"fit\(\): x \(en un lote\)"),
                         (lambda: model.layers[0](data), r"dense_\d+ \(Dense\): inputs"),
                         (lambda: Tensor(data, dtype="float32"), r"Tensor: data")]:
        with pytest.raises((DTypeError, ValueError), match=caller + ".*" + message):
            call()


def test_labels_and_weights_that_are_not_numbers():
    with pytest.raises(DTypeError, match=r"fit\(\): y debe contener números y contiene textos, como 'a'.*"
                                         r"y = np.asarray\(y, dtype='float32'\)"):
        mlp().fit(X, np.array(["a"] * 10), verbose=0)
    with pytest.raises(DTypeError, match=r"fit\(\): sample_weight debe contener números"):
        mlp().fit(X, Y, sample_weight=np.array(["1"] * 10), verbose=0)
    with pytest.raises(DTypeError, match=r"sparse_categorical_crossentropy: y_true debe contener números"):
        keras.losses.sparse_categorical_crossentropy(["a", "b"], np.full((2, 3), 1 / 3))


# ---------------------------------------------------------------- etiquetas que no encajan con la pérdida
@pytest.mark.parametrize("labels, message", [
    (rng.integers(0, 10, 10), r"binary_crossentropy espera etiquetas entre 0 y 1 .* van de 0 a 9: parecen 10 clases.*"
                              r"Dense\(10, activation='softmax'\).*sparse_categorical_crossentropy"),
    (np.where(rng.random(10) > 0.5, 1, -1), r"van de -1 a 1: parecen etiquetas -1/\+1"),
])
def test_binary_crossentropy_labels_must_be_between_0_and_1(labels, message):
    model = Sequential([Input(shape=(4,)), L.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    with pytest.raises(ValueError, match=message):
        model.fit(X, labels, verbose=0)


def test_sparse_labels_out_of_range_say_how_many_units():
    with pytest.raises(ValueError, match=r"de 0 a 2 .* van de 5 a 5: si hay 6 clases.*Dense\(6"):
        mlp().fit(X, np.full(10, 5), verbose=0)


@pytest.mark.parametrize("labels, message, error", [
    ([0.5, 1.7], r"to_categorical: las etiquetas deben ser enteras .* hay 0.5: Keras la truncaría", ValueError),
    (["a", "b"], r"to_categorical: x debe contener números", DTypeError),
])
def test_to_categorical_refuses_what_keras_would_floor(labels, message, error):
    with pytest.raises(error, match=message):
        keras.utils.to_categorical(labels)
    np.testing.assert_array_equal(keras.utils.to_categorical([0.0, 2.0]), np.eye(3)[[0, 2]])  # enteros en float: sí


def test_embedding_refuses_fractional_indices_and_accepts_integral_floats():
    layer = L.Embedding(10, 3)
    with pytest.raises(ValueError, match=r"embedding: los índices deben ser enteros .* hay 1.5: .* lo truncaría"):
        layer(np.array([[1.5, 2.0]]))
    np.testing.assert_array_equal(layer(np.array([[1.0, 2.0]])).numpy(), layer(np.array([[1, 2]])).numpy())


# ---------------------------------------------------------------- un solo lote y pesos de muestra (segunda pasada)
@pytest.mark.parametrize("call, error, message", [
    (lambda m: m.train_on_batch(None, Y), ValueError, r"train_on_batch\(\) necesita los datos x, p. ej. "
                                                      r"model.train_on_batch\(x_train, y_train\)"),
    (lambda m: m.test_on_batch(None, Y), ValueError, r"test_on_batch\(\) necesita los datos x"),
    (lambda m: m.predict_on_batch(None), ValueError, r"predict_on_batch\(\) necesita los datos x, p. ej. "
                                                     r"model.predict_on_batch\(x_test\)"),
    (lambda m: m.predict(None), ValueError, r"predict\(\) necesita los datos x, p. ej. model.predict\(x_test\)"),
    (lambda m: m.predict_on_batch(X[:0]), ValueError, r"predict_on_batch\(\): x no tiene muestras \(forma \(0, 4\)\)"),
    (lambda m: m.predict_on_batch(np.array([["a"] * 4])), DTypeError, r"predict_on_batch\(\): x debe contener números"),
    (lambda m: m.test_on_batch(X[:0], Y[:0]), ValueError, r"test_on_batch\(\): x no tiene muestras"),
    (lambda m: m.train_on_batch(X, Y, class_weight={"a": 1.0}), ArgumentError,
     r"train_on_batch\(\): class_weight \(cada clave"),
    (lambda m: m.fit((X, X), Y, verbose=0), ShapeError, r"\(Sequential\) tiene una sola entrada y recibió una tupla de "
                                                        r"2 arrays: .*np.concatenate\(\.\.\., axis=-1\)"),
    (lambda m: m.predict([X, X], verbose=0), ShapeError, r"recibió una lista de 2 arrays"),
    (lambda m: m.fit(X, Y, sample_weight=-np.ones(10), verbose=0), ValueError,
     r"fit\(\): sample_weight debe tener pesos finitos y >= 0 .* hay 10 que no lo son, como -1.0"),
    (lambda m: m.evaluate(X, Y, sample_weight=np.r_[np.ones(9), np.nan], verbose=0), ValueError,
     r"evaluate\(\): sample_weight .* hay 1 que no lo son, como nan"),
    (lambda m: m.fit(X, Y, sample_weight={0: 1.0}, verbose=0), ValueError,
     r"fit\(\): sample_weight debe ser un array con un peso por muestra \(forma \(10,\)\) y es un diccionario: .*"
     r"class_weight=\{clase: peso\}"),
])
def test_single_batch_methods_and_sample_weights_name_the_method(call, error, message):
    with pytest.raises(error, match=message):
        call(mlp())


def test_single_batch_methods_still_work():
    model = mlp()
    assert np.isfinite(model.train_on_batch(X, Y, sample_weight=np.ones(10)))
    assert model.predict_on_batch(X).shape == (10, 3)
    assert np.isfinite(model.test_on_batch(X, Y))


# ---------------------------------------------------------------- lotes de generadores, métricas, llamadas y pesos
def _batches(*items):
    yield from items


@pytest.mark.parametrize("source, message", [
    (lambda: _batches((X[:0], Y[:0])), r"fit\(\): cada lote debe traer las mismas muestras, al menos una, en x y en y, "
                                       r"y uno trae 0"),
    (lambda: _batches((X, Y[:3])), r"y uno trae 3 y 10: revisa cómo corta los lotes el generador o el PyDataset"),
    (lambda: _batches(None), r"fit\(\): un lote no trae datos x \(es None\)"),
])
def test_bad_batches_from_a_generator(source, message):
    with pytest.raises(ValueError, match=message):
        mlp().fit(source(), verbose=0)


@pytest.mark.parametrize("call, error, message", [
    (lambda: keras.metrics.Accuracy().update_state(["a"], [1]), DTypeError,
     r"Accuracy.update_state: y_true debe contener números y contiene textos"),
    (lambda: keras.metrics.SparseCategoricalAccuracy().update_state([0, 1], np.ones((3, 2))), ShapeError,
     r"SparseCategoricalAccuracy.update_state: y_true tiene 2 muestras \(forma \(2,\)\) e y_pred 3"),
    (lambda: mlp()(np.array([["a"] * 4])), DTypeError, r"sequential_\d+ \(Sequential\): inputs debe contener números"),
    (lambda: mlp().layers[0].set_weights(None), TypeError, r"dense_\d+ \(Dense\): set_weights espera una lista de "
                                                           r"arrays, en el orden de get_weights\(\), y recibió None"),
    (lambda: Sequential().pop(), IndexError, r"El modelo sequential_\d+ no tiene capas que quitar"),
])
def test_metrics_calls_and_weights(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("middle", [
    lambda: [L.Embedding(20, 4)],  # el error de los modelos de texto: Embedding -> Dense sin aplanar
    lambda: [L.Embedding(20, 4), L.Conv1D(3, 2)],
])
def test_missing_flatten_after_embedding_or_conv1d_does_not_blame_a_recurrent_layer(middle):
    model = Sequential([Input(shape=(6,)), *middle(), L.Dense(5, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with pytest.raises(ShapeError, match=r"eje del tiempo: forma \(8, \d, 5\) frente a etiquetas \(8,\), porque una capa "
                                         r"anterior .*\(una recurrente con return_sequences=True, una Conv1D o un "
                                         r"Embedding\).*añade Flatten\(\) o GlobalAveragePooling1D\(\)"):
        model.fit(rng.integers(0, 20, (8, 6)), rng.integers(0, 5, 8), verbose=0)
