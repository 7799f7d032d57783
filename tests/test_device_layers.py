"""Las capas de Keras más allá del curso, en la GPU: las mismas salidas y gradientes que en la CPU.

Como tests/test_device.py, las pruebas marcadas `@cuda_kernel_test` corren en un subproceso
con el simulador de CUDA de Numba (lanzado por `test_capas_en_el_simulador`); con -m gpu, en una
GPU real. Para ejecutarlas directamente:

    NUMBA_ENABLE_CUDASIM=1 python -m pytest -q tests/test_device_layers.py

Cubren los caminos propios de estas capas: el bucle paso a paso de las recurrentes (máscaras,
recurrent_dropout, GRU con reset_after=False), las envolturas, las convoluciones por grupos,
traspuestas y separables, el remuestreo bilineal, las normalizaciones y los regularizadores y
restricciones de los pesos.
"""
import numpy as np
import pytest

import tinygrad_es
from cuda_sim import cuda_kernel_test, outside_cuda_process, run_pytest_in_subprocess
from tinygrad_es.runtime import cuda as tg_cuda

RNG = np.random.default_rng(0)


@outside_cuda_process
def test_capas_en_el_simulador():
    result = run_pytest_in_subprocess(__file__, simulator=True)
    assert result.returncode == 0, "capas en el simulador:\n" + result.stdout[-8000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "skipped" not in result.stdout, result.stdout[-2000:]


@outside_cuda_process
@pytest.mark.gpu
def test_capas_en_la_gpu_real():
    if tg_cuda.simulator_enabled() or not tg_cuda.is_available():
        pytest.skip("no hay una GPU NVIDIA real en esta máquina")
    result = run_pytest_in_subprocess(__file__, simulator=False)
    assert result.returncode == 0, "capas en la GPU:\n" + result.stdout[-8000:] + result.stderr[-2000:]


def _sequence_model(keras):
    return keras.Sequential([
        keras.Input(shape=(4, 2)), keras.layers.Conv1D(2, 2, padding="causal"), keras.layers.MaxPooling1D(1),
        keras.layers.Masking(), keras.layers.Bidirectional(keras.layers.LSTM(2, return_sequences=True)),
        keras.layers.TimeDistributed(keras.layers.Dense(2)), keras.layers.LayerNormalization(),
        keras.layers.GRU(2, reset_after=False, return_sequences=True, recurrent_dropout=0.3),
        keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(2),
    ])


def _image_model(keras):
    return keras.Sequential([
        keras.Input(shape=(3, 3, 2)), keras.layers.Rescaling(0.5), keras.layers.ZeroPadding2D(1),
        keras.layers.DepthwiseConv2D(3, depth_multiplier=2), keras.layers.Conv2D(2, 1, groups=2),
        keras.layers.SeparableConv2D(2, 2, padding="same"), keras.layers.UpSampling2D(interpolation="bilinear"),
        keras.layers.Conv2DTranspose(2, 2, strides=2), keras.layers.Cropping2D(1),
        keras.layers.SpatialDropout2D(0.2), keras.layers.GlobalMaxPooling2D(),
    ])


def _regularized_model(keras):
    """Penalizaciones (regularizadores, activity_regularizer) y restricciones tras cada paso."""
    R, C = keras.regularizers, keras.constraints
    return keras.Sequential([
        keras.Input(shape=(3,)),
        keras.layers.Dense(3, kernel_regularizer=R.L1L2(0.01, 0.02), activity_regularizer=R.L2(0.01),
                           kernel_constraint=C.MaxNorm(0.5), bias_constraint=C.NonNeg()),
        keras.layers.Dense(2, kernel_regularizer=R.OrthogonalRegularizer(0.1), kernel_constraint=C.UnitNorm()),
    ])


@cuda_kernel_test
@pytest.mark.parametrize("make, shape", [(_sequence_model, (2, 4, 2)), (_image_model, (2, 3, 3, 2)),
                                         (_regularized_model, (2, 3))])
def test_modelo_con_capas_nuevas_como_en_la_cpu(make, shape):
    """El mismo modelo (mismos pesos, mismo sorteo de dropout) en la CPU y en la GPU: mismas
    predicciones y mismos pesos tras un paso de entrenamiento (formas pequeñas: el simulador es lento)."""
    from tinygrad_es import keras

    x = RNG.standard_normal(shape).astype(np.float32)
    if len(shape) == 3:
        x[1, 3:] = 0.0  # pasos de relleno para Masking
    y = RNG.standard_normal((shape[0], 2)).astype(np.float32)
    results = {}
    for device in ("cpu", "cuda"):
        tinygrad_es.set_default_device(device)
        try:
            tinygrad_es.manual_seed(0)
            model = make(keras)
            model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
            predicted = model.predict(x, verbose=0)
            model.fit(x, y, batch_size=shape[0], epochs=1, verbose=0)
            results[device] = predicted, model.get_weights()
        finally:
            tinygrad_es.set_default_device("cpu")
    np.testing.assert_allclose(results["cuda"][0], results["cpu"][0], rtol=1e-4, atol=1e-5)
    for w_gpu, w_cpu in zip(results["cuda"][1], results["cpu"][1]):
        np.testing.assert_allclose(w_gpu, w_cpu, rtol=1e-4, atol=1e-5)
