"""Pruebas de las capas sin estado: Conv1D, pooling 1D y global, formas (Permute, RepeatVector,
ZeroPadding2D, Cropping2D, UpSampling2D), LayerNormalization, Rescaling, Masking y el ruido.

Los valores se comparan con Keras en test_layers_vs_keras.py; aquí van el gradcheck en float64
con formas de Hypothesis, lo aleatorio (dropout y ruido) y cada error con su mensaje.
"""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tinygrad_es import Tensor, gradcheck, manual_seed
from tinygrad_es.keras.layers import (AveragePooling1D, Conv1D, Conv2D, Conv2DTranspose, Cropping2D, Dense,
                                      DepthwiseConv2D, Embedding, Flatten, SeparableConv2D,
                                      GaussianNoise, GlobalAveragePooling1D, GlobalMaxPooling1D, LayerNormalization,
                                      Masking, MaxPooling1D, Permute, RepeatVector, Rescaling, SpatialDropout1D,
                                      SpatialDropout2D, UpSampling2D, ZeroPadding2D)

from layer_helpers import built, gradcheck_layer, output

rng = np.random.default_rng(1)
F64 = {"dtype": "float64"}
FEW = settings(deadline=None, max_examples=6)


# ---------------------------------------------------------------- gradcheck con formas de Hypothesis
# steps >= 5: la ventana dilatada más grande (kernel 3, dilation 2) abarca 5 pasos; con menos, "valid" queda vacía.
@FEW
@given(steps=st.integers(5, 8), channels=st.integers(1, 3), filters=st.integers(1, 3), kernel=st.integers(1, 3),
       padding=st.sampled_from(["valid", "same", "causal"]), dilation=st.integers(1, 2))
def test_conv1d_gradcheck(steps, channels, filters, kernel, padding, dilation):
    assume(padding != "valid" or steps >= dilation * (kernel - 1) + 1)  # con 'valid', la ventana debe caber
    x = rng.normal(size=(2, steps, channels))
    layer = built(Conv1D(filters, kernel, padding=padding, dilation_rate=dilation, activation="tanh", **F64),
                  x.shape)
    gradcheck_layer(layer, x)


@FEW
@given(h=st.integers(2, 4), w=st.integers(2, 4), groups=st.sampled_from([1, 2]), kernel=st.integers(1, 2),
       padding=st.sampled_from(["valid", "same"]), strides=st.integers(1, 2))
def test_conv2d_groups_and_transpose_gradcheck(h, w, groups, kernel, padding, strides):
    x = rng.normal(size=(2, h, w, 2))
    gradcheck_layer(built(Conv2D(2, kernel, padding=padding, strides=strides, groups=groups, **F64), x.shape), x)
    layer = Conv2DTranspose(2, kernel + 1, strides=strides, padding=padding, activation="tanh", **F64)
    gradcheck_layer(built(layer, x.shape), x)


@FEW
@given(h=st.integers(3, 4), multiplier=st.integers(1, 2), padding=st.sampled_from(["valid", "same"]),
       dilation=st.integers(1, 2), use_bias=st.booleans())
def test_depthwise_and_separable_gradcheck(h, multiplier, padding, dilation, use_bias):
    x = rng.normal(size=(1, h, 3, 2))
    options = dict(padding=padding, dilation_rate=dilation, depth_multiplier=multiplier, use_bias=use_bias, **F64)
    gradcheck_layer(built(DepthwiseConv2D(2, **options), x.shape), x)
    gradcheck_layer(built(SeparableConv2D(3, 2, **options), x.shape), x)


@FEW
@given(steps=st.integers(3, 7), pool=st.integers(1, 3), stride=st.integers(1, 2),
       padding=st.sampled_from(["valid", "same"]), kind=st.sampled_from([MaxPooling1D, AveragePooling1D]))
def test_pooling1d_gradcheck(steps, pool, stride, padding, kind):
    x = np.arange(2 * steps * 2, dtype=np.float64).reshape(2, steps, 2) * 0.37 % 1.9  # sin empates para el máximo
    gradcheck_layer(kind(pool, strides=stride, padding=padding, **F64), x)


@FEW
@given(steps=st.integers(1, 5), keepdims=st.booleans())
def test_global_pooling1d_gradcheck_with_and_without_mask(steps, keepdims):
    x = rng.permutation(3 * steps * 2).reshape(3, steps, 2) / 7.0
    mask = np.ones((3, steps), bool)
    mask[0, -1] = mask[2, 0] = steps == 1  # las filas 0 y 2 pierden un paso (si hay más de uno)
    gradcheck_layer(GlobalMaxPooling1D(keepdims=keepdims, **F64), x)
    gradcheck_layer(GlobalAveragePooling1D(keepdims=keepdims, **F64), x, mask=mask)
    masked = output(GlobalAveragePooling1D(), x, mask=mask)
    expected = np.stack([x[i][mask[i]].mean(axis=0) for i in range(3)])
    np.testing.assert_allclose(masked.reshape(3, 2), expected, rtol=1e-5)


@FEW
@given(h=st.integers(2, 4), w=st.integers(2, 4), size=st.tuples(st.integers(1, 3), st.integers(1, 3)),
       interpolation=st.sampled_from(["nearest", "bilinear"]))
def test_up_sampling2d_gradcheck(h, w, size, interpolation):
    gradcheck_layer(UpSampling2D(size, interpolation=interpolation, **F64), rng.normal(size=(1, h, w, 2)))


@FEW
@given(pads=st.lists(st.integers(0, 2), min_size=4, max_size=4))
def test_padding_and_cropping_gradcheck_and_are_inverse(pads):
    top, bottom, left, right = pads
    x = rng.normal(size=(2, 3, 2, 2))
    padded = ZeroPadding2D(((top, bottom), (left, right)), **F64)
    gradcheck_layer(padded, x)
    crop = Cropping2D(((top, bottom), (left, right)), **F64)
    np.testing.assert_array_equal(output(crop, output(padded, x)), x)
    gradcheck_layer(crop, output(padded, x))


def test_permute_and_repeat_vector_gradcheck():
    gradcheck_layer(Permute((3, 1, 2), **F64), rng.normal(size=(2, 2, 3, 4)))
    gradcheck_layer(RepeatVector(3, **F64), rng.normal(size=(2, 4)))


@FEW
@given(shape=st.tuples(st.integers(1, 3), st.integers(2, 4), st.integers(2, 4)),
       axis=st.sampled_from([-1, 1, [1, 2]]), center=st.booleans(), scale=st.booleans())
def test_layer_normalization_gradcheck(shape, axis, center, scale):
    x = rng.normal(size=shape)
    layer = built(LayerNormalization(axis=axis, center=center, scale=scale, **F64), shape)
    gradcheck_layer(layer, x)
    if not (center or scale):
        axes = tuple(np.atleast_1d(axis))
        mean, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
        np.testing.assert_allclose(output(layer, x), (x - mean) / np.sqrt(var + 1e-3), rtol=1e-10)


def test_layer_normalization_rms_scaling_warns_and_gradchecks():
    with pytest.warns(UserWarning, match=r"rms_scaling=True\) está obsoleto"):
        layer = LayerNormalization(rms_scaling=True, **F64)
    gradcheck_layer(built(layer, (None, 5)), rng.normal(size=(2, 5)))
    assert [w.shape for w in layer.weights] == [(5,)]  # solo gamma, como Keras


def test_rescaling_masking_and_noise_layers_gradcheck():
    gradcheck_layer(Rescaling([0.5, -2.0], offset=0.1, **F64), rng.normal(size=(2, 3, 2)))
    x = rng.normal(size=(2, 4, 3))
    gradcheck_layer(Masking(**F64), x)  # sin pasos enmascarados: la máscara depende del valor exacto
    x[0, 1] = 0.0
    t = Tensor(x, requires_grad=True)
    Masking(**F64)(t).sum().backward()
    assert (t.grad.data[0, 1] == 0).all() and (t.grad.data[1] == 1).all()  # un paso enmascarado no recibe nada
    manual_seed(3)
    gradcheck_layer(GaussianNoise(0.3, **F64), x)  # en inferencia, la identidad


def test_noise_layers_gradcheck_in_training_with_fixed_randomness():
    for layer, shape in ((SpatialDropout1D(0.4, **F64), (3, 4, 5)), (SpatialDropout2D(0.4, **F64), (2, 2, 3, 4)),
                         (GaussianNoise(0.5, **F64), (3, 4))):
        def fn(t, layer=layer):
            manual_seed(11)  # el mismo ruido en cada evaluación de las diferencias finitas
            return layer.call(t, training=True)

        gradcheck(fn, rng.normal(size=shape))


# ---------------------------------------------------------------- lo aleatorio
def test_spatial_dropout_drops_whole_channels_and_scales():
    manual_seed(0)
    x = np.ones((40, 6, 50))
    out = output(SpatialDropout1D(0.3), x, training=True)
    per_channel = out.reshape(40, 6, 50)
    assert np.all((per_channel == 0).all(axis=1) | (per_channel != 0).all(axis=1))
    np.testing.assert_allclose(out[out != 0], 1 / 0.7, rtol=1e-6)
    assert abs((out != 0).mean() - 0.7) < 0.03
    images = output(SpatialDropout2D(0.5), np.ones((30, 3, 4, 20)), training=True)
    flat = images.reshape(30, 12, 20)
    assert np.all((flat == 0).all(axis=1) | (flat != 0).all(axis=1))
    np.testing.assert_array_equal(output(SpatialDropout2D(0.5), np.ones((2, 3, 4, 5))), 1.0)  # inferencia


def test_gaussian_noise_only_when_training_with_its_stddev():
    manual_seed(0)
    x = np.zeros((200, 100))
    np.testing.assert_array_equal(output(GaussianNoise(0.3), x), x)
    noise = output(GaussianNoise(0.3), x, training=True)
    assert abs(noise.std() - 0.3) < 0.01 and abs(noise.mean()) < 0.01


# ---------------------------------------------------------------- máscaras
def test_masking_and_embedding_masks_reach_the_layers_that_use_them():
    x = rng.normal(size=(2, 4, 3))
    x[1, 2:] = 0.0
    masking = Masking()
    expected = np.array([[True] * 4, [True, True, False, False]])
    np.testing.assert_array_equal(masking.compute_mask(x), expected)
    assert masking.output_mask(x, None).tolist() == expected.tolist()
    pooled = output(GlobalAveragePooling1D(), output(masking, x), mask=masking.compute_mask(x))
    np.testing.assert_allclose(pooled[1], x[1, :2].mean(axis=0), rtol=1e-6, atol=1e-6)  # salida en float32
    ids = np.array([[3, 1, 0, 0], [2, 0, 0, 0]])
    embedding = Embedding(5, 2, mask_zero=True)
    np.testing.assert_array_equal(embedding.compute_mask(ids), ids != 0)
    assert Embedding(5, 2).compute_mask(ids) is None
    assert Dense(2).compute_mask(x, expected) is expected  # deja pasar la máscara, como Keras


def test_a_layer_without_masking_drops_the_mask_with_a_warning():
    with pytest.warns(UserWarning, match="'flatten_9' \\(Flatten\\) recibió una entrada con máscara.*la descarta"):
        assert Flatten(name="flatten_9").output_mask(np.zeros((2, 3, 1)), np.ones((2, 3), bool)) is None


# ---------------------------------------------------------------- errores
@pytest.mark.parametrize("make, message", [
    (lambda: Conv1D(2, 3, padding="full"), "padding debe ser 'valid' .*'same' .* o 'causal'"),
    (lambda: Conv1D(3, 2, groups=2), "filters=3 debe ser múltiplo de groups=2"),
    (lambda: Conv1D(2, 3, strides=2, dilation_rate=2), "strides > 1 y dilation_rate > 1"),
    (lambda: Conv2D(2, 3, data_format="channels_first"), "solo se admite data_format='channels_last'"),
    (lambda: Conv2DTranspose(2, 3, strides=2, output_padding=2), "cada output_padding debe ser menor que su stride"),
    (lambda: DepthwiseConv2D(3, depth_multiplier=0), "depth_multiplier debe ser un entero positivo"),
    (lambda: SeparableConv2D(0, 3), "filters debe ser un entero positivo"),
    (lambda: MaxPooling1D((2, 2)), r"pool_size debe ser un entero positivo o una tupla de 1"),
    (lambda: Permute((1, 3)), r"dims=\(1, 3\) debe nombrar cada eje"),
    (lambda: RepeatVector(0), "n \\(las repeticiones\\) debe ser un entero positivo"),
    (lambda: ZeroPadding2D((1, 2, 3)), "padding debe ser un entero >= 0, una pareja"),
    (lambda: Cropping2D(-1), "cropping debe ser un entero >= 0"),
    (lambda: UpSampling2D(interpolation="bicubic"), "interpolation='bicubic' no está disponible.*'nearest'"),
    (lambda: GaussianNoise(2.0), r"stddev .* debe ser un número en \[0, 1\] y es 2.0"),
    (lambda: SpatialDropout1D(1.5), r"rate .* debe ser un número en \[0, 1\] y es 1.5"),
    (lambda: Rescaling("x"), "scale debe ser un número"),
    (lambda: LayerNormalization(axis="last"), "axis debe ser un entero o una lista"),
])
def test_bad_arguments_say_what_to_do(make, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make()


@pytest.mark.parametrize("layer, shape, message", [
    (Conv1D(2, 3), (2, 5), r"exactamente 3 ejes \(lote, pasos, canales\).*x.reshape\(-1, 5, 1\)"),
    (Conv1D(2, 9), (2, 5, 1), "más pequeña que la ventana 9"),
    (MaxPooling1D(4), (2, 3, 1), "más pequeña que la ventana 4"),
    (Conv1D(4, 2, groups=2), (1, 5, 3), "3 canales, que no se reparten en groups=2"),
    (Cropping2D(((2, 2), (0, 0))), (1, 4, 4, 1), r"de una imagen de 4×4 no deja nada"),
    (LayerNormalization(axis=3), (2, 3, 4), r"axis=3 no vale para una entrada de 3 ejes"),
    (RepeatVector(2), (2, 3, 4), "exactamente 2 ejes"),
])
def test_bad_inputs_say_what_to_do(layer, shape, message):
    with pytest.raises(ValueError, match=message):
        layer(np.zeros(shape))


def test_conv_variants_weights_like_keras():
    depthwise = DepthwiseConv2D(3, depth_multiplier=2)
    assert depthwise.build_from_shape((None, 5, 5, 3)) == (None, 3, 3, 6)
    assert [w.shape for w in depthwise.weights] == [(3, 3, 3, 2), (6,)]
    separable = SeparableConv2D(4, 3)
    separable.build_from_shape((None, 5, 5, 3))
    assert separable.weight_names_in_order() == ["depthwise_kernel", "pointwise_kernel", "bias"]
    assert [w.shape for w in separable.weights] == [(3, 3, 3, 1), (1, 1, 3, 4), (4,)]
    transpose = Conv2DTranspose(4, 3, strides=2, padding="same")
    assert transpose.build_from_shape((None, 5, 6, 3)) == (None, 10, 12, 4)
    assert [w.shape for w in transpose.weights] == [(3, 3, 4, 3), (4,)]
    grouped = Conv2D(6, 3, groups=3)
    grouped.build_from_shape((None, 5, 5, 3))
    assert grouped.kernel.shape == (3, 3, 1, 6) and grouped.count_params() == 3 * 3 * 6 + 6


def test_conv1d_weights_and_params_like_keras():
    layer = Conv1D(8, 3)
    assert layer.build_from_shape((None, 12, 4)) == (None, 10, 8)
    assert [w.shape for w in layer.weights] == [(3, 4, 8), (8,)] and layer.count_params() == 104
    assert Conv1D(8, 3, padding="causal", strides=2).build_from_shape((None, 11, 4)) == (None, 6, 8)
    assert output(Conv1D(1, 1, kernel_initializer="ones"), np.ones((1, 2, 3))).tolist() == [[[3.0], [3.0]]]
