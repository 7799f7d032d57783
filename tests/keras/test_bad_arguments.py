"""Argumentos malos de capas, optimizadores, pérdidas y programas de tasas (issue 13, segunda pasada):
cada uno da un error en español que nombra la clase y el argumento, dice qué se esperaba y qué llegó.
Los enteros de NumPy valen donde vale un entero (también como ejes)."""
import numpy as np
import pytest

from tinygrad_es import DTypeError, keras, manual_seed
from tinygrad_es.nn import functional as F
from tinygrad_es.errors import ArgumentError, ShapeError
from tinygrad_es.keras import Input, Sequential, layers as L
from tinygrad_es.keras import optimizers as O

rng = np.random.default_rng(0)
X, Y = rng.random((10, 4)).astype(np.float32), rng.integers(0, 3, 10)


# ---------------------------------------------------------------- ejes y enteros de NumPy
@pytest.mark.parametrize("make", [
    lambda a: L.LayerNormalization(axis=a),
    lambda a: L.Dot(axes=a),
    lambda a: L.Concatenate(axis=a),
    lambda a: L.BatchNormalization(axis=a),
])
def test_numpy_integers_are_axes(make):
    make(np.int64(-1))
    make(np.int32(-1))


@pytest.mark.parametrize("call, message", [
    (lambda: L.LayerNormalization(axis="last"), r"LayerNormalization: axis debe ser un entero o una lista de enteros"),
    (lambda: L.LayerNormalization(axis=[1, 2.0]), r"LayerNormalization: axis .* y es \[1, 2.0\]"),
    (lambda: L.Dot(axes="1"), r"Dot: axes debe ser un entero o una lista de enteros .* y es '1'"),
    (lambda: L.Dot(axes=(1, 2, 3)), r"Dot: axes debe ser un entero o una pareja de enteros \(uno por entrada\)"),
    (lambda: L.Permute(("2", 1)), r"Permute: dims debe ser un entero o una lista de enteros .* y es \('2', 1\)"),
    (lambda: L.Permute((None, 1)), r"Permute: dims .* y es \(None, 1\)"),
    (lambda: L.Permute((0, 1)), r"Permute: dims=\(0, 1\) debe nombrar cada eje de la muestra una vez"),
])
def test_axes_that_are_not_integers_name_the_argument(call, message):
    with pytest.raises(ArgumentError if "debe ser un entero" in message else ValueError, match=message):
        call()


@pytest.mark.parametrize("size, message", [
    (0, r"Input: batch_size debe ser un entero positivo y es 0"),
    (-1, r"Input: batch_size debe ser un entero positivo y es -1"),
    (2.5, r"Input: batch_size .* y es 2.5. Escribe un número entero"),
    ("32", r"Input: batch_size .* Es un texto"),
])
def test_input_batch_size_is_checked(size, message):
    with pytest.raises(ArgumentError, match=message):
        Input(shape=(3,), batch_size=size)
    assert Input(shape=(3,), batch_size=np.int64(8)).shape == (8, 3)


# ---------------------------------------------------------------- tasas y números de las capas
@pytest.mark.parametrize("call, message", [
    (lambda: L.LSTM(3, dropout=-0.2), r"LSTM: dropout debe ser un número en \[0, 1\] y es -0.2"),
    (lambda: L.GRU(3, recurrent_dropout=1.5), r"GRU: recurrent_dropout debe ser un número en \[0, 1\] y es 1.5"),
    (lambda: L.SimpleRNN(3, dropout=None), r"SimpleRNN: dropout debe ser un número .* y es None"),
    (lambda: L.LSTM(3, dropout=float("nan")), r"LSTM: dropout .* y es nan"),
    (lambda: L.LayerNormalization(epsilon="1e-3"), r"LayerNormalization: epsilon debe ser un número > 0 .* Es un texto"),
    (lambda: L.LayerNormalization(epsilon=-1e-3), r"LayerNormalization: epsilon debe ser un número > 0 y es -0.001"),
    (lambda: L.Rescaling(float("inf")), r"Rescaling: scale debe ser un número finito o una lista de ellos y es inf"),
    (lambda: L.Rescaling(1 / 255, offset=[0.0, float("nan")]), r"Rescaling: offset debe ser un número finito"),
    (lambda: L.Masking("0"), r"Masking: mask_value \(el valor de relleno\) debe ser un número finito y es '0'"),
    (lambda: L.Masking(None), r"Masking: mask_value .* y es None"),
    (lambda: L.Dense(3, name=7), r"Dense: name debe ser un texto, p. ej. name='oculta', y es 7"),
    (lambda: L.Dense(3, dtype="float99"), r"Dense: dtype: tipo de dato desconocido: 'float99'; usa 'float32'"),
    (lambda: Input(shape=(3,), dtype=str), r"InputLayer: dtype: el tipo de dato .* no es de números reales"),
    (lambda: L.Dense(3, dtype="complex64"), r"Dense: dtype: el tipo de dato 'complex64' .* no es de números reales"),
])
def test_layer_numbers_of_the_wrong_type_or_range(call, message):
    with pytest.raises((ArgumentError, DTypeError), match=message):
        call()


def test_recurrent_dropout_of_one_is_still_valid_like_keras():
    layer = L.LSTM(2, dropout=1.0, recurrent_dropout=np.float32(0.0))
    assert layer.dropout == 1.0 and layer(np.ones((1, 3, 2), np.float32), training=True).shape == (1, 2)


# ---------------------------------------------------------------- optimizadores, pérdidas, programas
@pytest.mark.parametrize("call, message", [
    (lambda: O.Adam(beta_1=1.0), r"Adam: beta_1 \(el peso de la media anterior del gradiente\) debe ser un número en "
                                 r"\[0, 1\) y es 1.0"),
    (lambda: O.Adam(beta_2="0.999"), r"Adam: beta_2 .* y es '0.999'. Es un texto"),
    (lambda: O.Adam(epsilon=-1e-7), r"Adam: epsilon \(el sumando que evita dividir por 0\) debe ser un número >= 0"),
    (lambda: O.Nadam(beta_1=None), r"Nadam: beta_1 .* y es None"),
    (lambda: O.Adamax(beta_2=float("nan")), r"Adamax: beta_2 .* y es nan"),
    (lambda: O.RMSprop(rho=-0.9), r"RMSprop: rho .* debe ser un número en \[0, 1\) y es -0.9"),
    (lambda: O.RMSprop(momentum=2.0), r"RMSprop: momentum .* en \[0, 1\] y es 2.0"),
    (lambda: O.Adadelta(rho="0.95"), r"Adadelta: rho .* Es un texto"),
    (lambda: O.Adagrad(initial_accumulator_value=-0.1), r"Adagrad: initial_accumulator_value .* >= 0 y es -0.1"),
    (lambda: O.Adafactor(clip_threshold=0.0), r"Adafactor: clip_threshold .* > 0 y es 0.0"),
    (lambda: O.Lion(beta_2=1.5), r"Lion: beta_2 .* en \[0, 1\] y es 1.5"),
    (lambda: O.Adam(clipnorm=-1.0), r"Adam: clipnorm \(la norma máxima del gradiente de cada peso\) debe ser un "
                                    r"número > 0 y es -1.0"),
    (lambda: O.SGD(clipvalue="1"), r"SGD: clipvalue .* Es un texto"),
    (lambda: O.SGD(global_clipnorm=0.0), r"SGD: global_clipnorm .* > 0 y es 0.0"),
    (lambda: O.AdamW(weight_decay=-0.004), r"AdamW: weight_decay \(el decaimiento de pesos\) debe ser un número >= 0"),
    (lambda: keras.losses.CategoricalCrossentropy(label_smoothing=1.5),
     r"CategoricalCrossentropy: label_smoothing .* debe ser un número en \[0, 1\] y es 1.5"),
    (lambda: keras.losses.BinaryCrossentropy(label_smoothing="0.1"), r"BinaryCrossentropy: label_smoothing .* texto"),
    (lambda: O.schedules.ExponentialDecay(0.1, 100, "0.9"), r"ExponentialDecay: decay_rate debe ser un número >= 0"),
    (lambda: O.schedules.InverseTimeDecay(-0.1, 100, 0.5), r"InverseTimeDecay: initial_learning_rate .* >= 0"),
    (lambda: O.schedules.ExponentialDecay(0.1, None, 0.9), r"ExponentialDecay: decay_steps .* > 0 y es None"),
])
def test_optimizer_loss_and_schedule_numbers_name_the_argument(call, message):
    with pytest.raises(ArgumentError, match=message):
        call()


def test_numpy_floats_are_hyperparameters_and_the_config_stays_json():
    import json
    opt = O.Adam(beta_1=np.float32(0.8), epsilon=np.float64(1e-6), clipnorm=np.float32(1.0))
    assert type(opt.beta_1) is float and opt.beta_1 == pytest.approx(0.8)
    json.dumps(opt.get_config())


# ---------------------------------------------------------------- etiquetas que no encajan con la pérdida
def _model(units, activation, loss):
    model = Sequential([Input(shape=(4,)), L.Dense(units, activation=activation)])
    model.compile(optimizer="adam", loss=loss)
    return model


@pytest.mark.parametrize("labels, message", [
    (-np.eye(3)[Y], r"categorical_crossentropy espera etiquetas one-hot .* y van de -1 a 0: si son índices de clase, "
                    r"conviértelas con keras.utils.to_categorical"),
    (np.full((10, 3), 5.0), r"van de 5 a 5"),
    (np.full((10, 3), np.nan), r"van de nan a nan"),
])
def test_categorical_labels_must_be_between_0_and_1(labels, message):
    with pytest.raises(ValueError, match=message):
        _model(3, "softmax", "categorical_crossentropy").fit(X, labels, verbose=0)
    soft = np.full((10, 3), 1 / 3)  # probabilidades (etiquetas suavizadas): sí valen
    _model(3, "softmax", "categorical_crossentropy").fit(X, soft, verbose=0)


@pytest.mark.parametrize("labels, message", [
    (np.arange(10), r"hinge espera etiquetas -1 y \+1 \(o 0 y 1, que se convierten\) y van de 0 a 9: parecen 10 clases"),
    (np.full(10, 2.5), r"y van de 2.5 a 2.5: revisa las etiquetas"),
])
def test_hinge_labels_must_be_signs(labels, message):
    with pytest.raises(ValueError, match=message):
        _model(1, None, "hinge").fit(X, labels, verbose=0)
    _model(1, None, "hinge").fit(X, np.where(Y > 0, 1, -1), verbose=0)  # -1/+1 y 0/1 sí valen
    _model(1, None, "hinge").fit(X, (Y > 0).astype(int), verbose=0)


def test_a_huge_label_in_to_categorical_is_refused_before_allocating():
    with pytest.raises(MemoryError, match=r"to_categorical: el resultado tendría forma \(2, 1000000000001\): "
                                          r"2 000 000 000 002 números, .* ¿Hay una etiqueta enorme por error\?"):
        keras.utils.to_categorical([0, 10**12])


def test_shape_errors_still_win_over_label_checks():
    with pytest.raises(ShapeError, match="categorical_crossentropy espera etiquetas one-hot de forma"):
        _model(3, "softmax", "categorical_crossentropy").fit(X, Y, verbose=0)


# ---------------------------------------------------------------- funciones, rutas y descargas
@pytest.mark.parametrize("call, message", [
    (lambda: keras.callbacks.LearningRateScheduler(0.1), r"LearningRateScheduler: schedule debe ser una función y es "
                                                         r"0.1 \(float\): p. ej. schedule=lambda epoch, lr: lr \* 0.9"),
    (lambda: keras.callbacks.LambdaCallback(on_epoch_end="print"), r"LambdaCallback: on_epoch_end debe ser una función"),
    (lambda: keras.models.load_model(None), r"load_model: filepath debe ser la ruta de un archivo \(un texto como "
                                            r"'modelo.keras' o un pathlib.Path\) y es None"),
    (lambda: _model(3, None, "mse").save(5), r"model.save: filepath .* y es 5"),
    (lambda: _model(3, None, "mse").save_weights(None), r"model.save_weights: filepath .* y es None"),
    (lambda: _model(3, None, "mse").load_weights(["m.weights.h5"]), r"model.load_weights: filepath .* \(de tipo list\)"),
    (lambda: keras.utils.get_file("a.npz", "http://127.0.0.1:9/a.npz", file_hash=5),
     r"get_file: file_hash debe ser el hash sha256 \(o md5\) en hexadecimal.* y es 5"),
    (lambda: keras.utils.get_file("a.npz", "http://127.0.0.1:9/a.npz", file_hash="no-es-hex"), r"y es 'no-es-hex'"),
    (lambda: keras.utils.get_file("a.npz", "http://127.0.0.1:9/a.npz", deadline=-1),
     r"get_file: deadline \(los segundos que puede durar la descarga entera\) debe ser un número > 0 y es -1"),
    (lambda: keras.utils.get_file("a.npz", "http://127.0.0.1:9/a.npz", deadline="10"), r"deadline .* Es un texto"),
])
def test_functions_paths_and_download_arguments(call, message, tmp_path, monkeypatch):
    monkeypatch.setenv("TINYGRAD_ES_HOME", str(tmp_path))  # nada se descarga: el error llega antes
    with pytest.raises(ArgumentError, match=message):
        call()
    assert not list(tmp_path.rglob("*.npz"))


# ---------------------------------------------------------------- sí/no y verbose
@pytest.mark.parametrize("call, message", [
    (lambda: L.Dense(3, use_bias="no"), r"Dense: use_bias debe ser True o False y es 'no'. Escribe use_bias=True o "
                                        r"use_bias=False, sin comillas"),
    (lambda: L.LSTM(3, return_sequences="False"), r"LSTM: return_sequences debe ser True o False y es 'False'"),
    (lambda: L.GRU(3, go_backwards=None), r"GRU: go_backwards debe ser True o False y es None"),
    (lambda: L.Conv2D(3, 3, use_bias="True"), r"Conv2D: use_bias .* y es 'True'"),
    (lambda: L.DepthwiseConv2D(3, use_bias=2), r"DepthwiseConv2D: use_bias .* y es 2"),
    (lambda: L.BatchNormalization(center="yes"), r"BatchNormalization: center .* y es 'yes'"),
    (lambda: L.LayerNormalization(scale=None), r"LayerNormalization: scale .* y es None"),
    (lambda: L.Embedding(10, 3, mask_zero="True"), r"Embedding: mask_zero .* y es 'True'"),
    (lambda: _model(3, None, "mse").fit(X, np.eye(3)[Y], verbose="yes"),
     r"fit\(\): verbose debe ser 'auto', 0 \(nada\), 1 \(barra de progreso\) o 2 \(una línea por época\) y es 'yes'"),
    (lambda: _model(3, None, "mse").evaluate(X, np.eye(3)[Y], verbose=5), r"evaluate\(\): verbose .* y es 5"),
    (lambda: _model(3, None, "mse").predict(X, verbose=None), r"predict\(\): verbose .* y es None"),
])
def test_yes_no_arguments_and_verbose(call, message):
    with pytest.raises(ArgumentError, match=message):
        call()
    assert L.LSTM(3, return_sequences=np.True_).return_sequences is True and L.Dense(3, use_bias=0).use_bias is False


# ---------------------------------------------------------------- keras.ops, nn.functional, inicializadores, semillas
@pytest.mark.parametrize("call, error, message", [
    (lambda: keras.ops.one_hot(np.array([0.5, 1.0]), 3), ValueError,
     r"one_hot: los índices deben ser enteros .* y hay 0.5: convertirlo a entero lo truncaría"),
    (lambda: keras.ops.concatenate([]), ValueError, r"concatenate: la lista de tensores está vacía"),
    (lambda: keras.ops.eye(-3), ArgumentError, r"eye: N debe ser un entero >= 0 y es -3"),
    (lambda: keras.ops.expand_dims(np.ones(3), 9), ShapeError, r"expand_dims: axis=\(9,\) no existe"),
    (lambda: F.dropout(np.ones(3), "0.5"), ArgumentError, r"dropout: rate .* debe ser un número en \[0, 1\] y es '0.5'"),
    (lambda: keras.initializers.RandomNormal(stddev=-1.0), ArgumentError,
     r"RandomNormal: stddev \(la desviación típica\) debe ser un número >= 0 y es -1.0"),
    (lambda: keras.initializers.TruncatedNormal(mean="0"), ArgumentError, r"TruncatedNormal: mean .* Es un texto"),
    (lambda: keras.initializers.RandomUniform(1.0, 0.0), ArgumentError,
     r"RandomUniform: minval \(1.0\) debe ser <= maxval \(0.0\): ¿están al revés\?"),
    (lambda: keras.initializers.Constant("a"), ArgumentError, r"Constant: value debe ser un número finito y es 'a'"),
    (lambda: keras.initializers.VarianceScaling(scale=-1.0), ArgumentError, r"VarianceScaling: scale .* > 0 y es -1.0"),
    (lambda: keras.initializers.GlorotUniform(seed=1.5), ArgumentError, r"VarianceScaling: seed debe ser un entero"),
    (lambda: keras.constraints.MaxNorm(-1), ArgumentError, r"MaxNorm: max_value \(la norma máxima\) .* > 0 y es -1"),
    (lambda: manual_seed("1"), ArgumentError, r"manual_seed: seed debe ser un entero >= 0 y es '1'"),
])
def test_ops_functional_initializers_and_seeds(call, error, message):
    with pytest.raises(error, match=message):
        call()
    assert keras.ops.expand_dims(np.ones(3), -1).shape == (3, 1)
    assert keras.ops.one_hot(np.array([0.0, 2.0]), 3).shape == (2, 3)


def test_more_student_mistakes_in_fit_compile_and_layers():
    def batches():
        yield X, Y

    with pytest.raises(TypeError, match=r"fit\(\): x es la función 'batches', no los datos: .* model.fit\(batches\(\)\)"):
        _model(3, "softmax", "sparse_categorical_crossentropy").fit(batches, verbose=0)
    with pytest.raises(ArgumentError, match=r"fit\(\): shuffle debe ser True o False y es 'no'"):
        _model(3, "softmax", "sparse_categorical_crossentropy").fit(X, Y, shuffle="no", verbose=0)
    with pytest.raises(ArgumentError, match=r"evaluate\(\): return_dict debe ser True o False y es 'no'"):
        _model(3, "softmax", "sparse_categorical_crossentropy").evaluate(X, Y, return_dict="no", verbose=0)
    with pytest.raises(ArgumentError, match=r"test_on_batch\(\): return_dict .* y es 1.0"):
        _model(3, "softmax", "sparse_categorical_crossentropy").test_on_batch(X, Y, return_dict=1.0)
    with pytest.raises(ArgumentError, match=r"Dense: trainable debe ser True o False y es 'no'"):
        L.Dense(3, trainable="no")
    with pytest.raises(ArgumentError, match=r"Dense: input_shape debe ser una tupla de tamaños.* y es '4'"):
        L.Dense(3, input_shape="4")
    model = _model(3, "softmax", "sparse_categorical_crossentropy")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics={"salida": ["accuracy"]})
    with pytest.raises(ValueError, match=r"compile\(\): metrics tiene claves \['salida'\] que no son salidas del modelo"):
        model.fit(X, Y, verbose=0)
    with pytest.warns(UserWarning, match="No pases input_shape"):  # un entero suelto es la forma (n,)
        assert Sequential([L.Dense(3, input_shape=4)]).count_params() == 15
    _model(3, "softmax", "sparse_categorical_crossentropy").fit(X, Y, shuffle="batch", verbose=0)  # como en Keras


@pytest.mark.parametrize("call, message", [
    (lambda: L.Dropout(0.5)(np.ones((2, 4)), training="yes"),
     r"la llamada a la capa o al modelo: training debe ser True o False y es 'yes'"),
    (lambda: keras.activations.leaky_relu(np.ones(3), negative_slope="0.2"), r"leaky_relu: negative_slope .* Es un texto"),
    (lambda: keras.activations.elu(np.ones(3), alpha=None), r"elu: alpha debe ser un número finito y es None"),
    (lambda: keras.activations.relu(np.ones(3), max_value="6"), r"relu: max_value .* Es un texto"),
    (lambda: keras.ops.convert_to_tensor([1.0]).__class__([1.0], requires_grad="no"),
     r"Tensor: requires_grad debe ser True o False y es 'no'"),
])
def test_training_flags_and_activation_options(call, message):
    with pytest.raises(ArgumentError, match=message):
        call()


@pytest.mark.parametrize("shape, error, message", [
    ((-1, 3), ArgumentError, r"GlorotUniform: shape\[0\] debe ser un entero >= 0 y es -1"),
    ((3, 2.5), ArgumentError, r"GlorotUniform: shape\[1\] .* y es 2.5"),
    (None, ArgumentError, r"GlorotUniform: shape debe ser una tupla de tamaños, p. ej. \(784, 16\), y es None"),
    ((10**7, 10**7), MemoryError, r"GlorotUniform: el array tendría forma \(10000000, 10000000\): "
                                  r"100 000 000 000 000 números"),
])
def test_calling_an_initializer_by_hand_checks_the_shape(shape, error, message):
    with pytest.raises(error, match=message):
        keras.initializers.GlorotUniform()(shape)
    assert keras.initializers.GlorotUniform(seed=1)((np.int64(4), 3)).shape == (4, 3)
