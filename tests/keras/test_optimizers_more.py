"""Lo que rodea al paso de los optimizadores (tasas programadas o funciones, use_ema, weight_decay
con exclusiones, optimizer.variables) y los errores de los optimizadores nuevos.

Los números de Keras están en test_optimizers_vs_keras.py; aquí, el comportamiento y los mensajes.
"""
import numpy as np
import pytest

from tinygrad_es import Tensor, keras
from tinygrad_es.keras import optimizers
from tinygrad_es.keras.optimizers import SGD, Adafactor, Adam, AdamW, Ftrl, Lion, schedules


def test_a_function_as_learning_rate_is_called_each_step():
    rates = iter([0.5, 0.25])
    w = Tensor(np.ones(2, np.float32))
    opt = SGD(learning_rate=lambda: next(rates))
    opt.apply([np.ones(2, np.float32)], [w])
    opt.apply([np.ones(2, np.float32)], [w])
    np.testing.assert_allclose(w.numpy(), 1 - 0.5 - 0.25)
    assert len(opt.variables) == 1  # como Keras: sin variable learning_rate
    with pytest.raises(ValueError, match="no puede guardar una función como learning_rate"):
        opt.get_config()


def test_schedule_is_evaluated_at_iterations_and_cannot_be_set():
    schedule = schedules.InverseTimeDecay(1.0, decay_steps=1, decay_rate=1.0)
    opt = SGD(learning_rate=schedule)
    w = Tensor(np.zeros(1, np.float32))
    for _ in range(3):
        opt.apply([np.ones(1, np.float32)], [w])
    np.testing.assert_allclose(w.numpy(), -(1 + 1 / 2 + 1 / 3), rtol=1e-6)
    assert opt.learning_rate == 0.25 and opt.iterations == 3
    with pytest.raises(TypeError, match="programa de tasas \\(InverseTimeDecay\\).*no se puede fijar a mano"):
        opt.learning_rate = 0.1
    opt.learning_rate = schedules.ExponentialDecay(0.1, 10, 0.5)  # otro programa sí
    assert opt.learning_rate == pytest.approx(0.1 * 0.5**0.3)


def test_learning_rate_and_argument_errors_say_what_to_use():
    with pytest.raises(ValueError, match="learning_rate debe ser un número decimal \\(float\\), un programa"):
        Adam(learning_rate=1)
    with pytest.raises(ValueError, match="gradient_accumulation_steps no está disponible.*batch_size 4 veces mayor"):
        SGD(gradient_accumulation_steps=4)
    with pytest.raises(ValueError, match=r"ema_momentum .* debe estar en \[0, 1\]; es 1.5"):
        SGD(use_ema=True, ema_momentum=1.5)
    with pytest.raises(ValueError, match="ema_overwrite_frequency debe ser None o un entero >= 1"):
        SGD(use_ema=True, ema_overwrite_frequency=0)
    with pytest.raises(ValueError, match="AdamW: weight_decay debe ser un número.*usa Adam"):
        AdamW(weight_decay=None)
    with pytest.raises(ValueError, match=r"Lion: beta_1 \(.*con 0 sería SignSGD.*\) debe ser un número en \(0, 1\] y es 0.0"):
        Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="Ftrl: learning_rate_power .* debe ser un número <= 0 y es 0.5"):
        Ftrl(learning_rate_power=0.5)
    with pytest.raises(ValueError, match="Ftrl: l1_regularization_strength debe ser un número >= 0 y es -1.0"):
        Ftrl(l1_regularization_strength=-1.0)
    with pytest.raises(ValueError, match=r"ExponentialDecay: decay_steps \(el número de pasos .*\) debe ser un número > 0 y es 0"):
        schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5)
    with pytest.raises(ValueError, match="hace falta un valor más que límites"):
        schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5])
    with pytest.raises(ValueError, match="'ExponentialDecy'.*'ExponentialDecay'"):
        schedules.deserialize({"class_name": "ExponentialDecy", "config": {}})


def test_exclude_from_weight_decay_by_variable_and_by_name():
    kernel = keras.Variable(np.ones(2, np.float32), name="kernel")
    bias = keras.Variable(np.ones(2, np.float32), name="bias")
    zeros = [np.zeros(2, np.float32)] * 2
    opt = SGD(learning_rate=0.5, weight_decay=0.1)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply(zeros, [kernel, bias])
    np.testing.assert_allclose([kernel.numpy(), bias.numpy()], [[0.95, 0.95], [1.0, 1.0]], rtol=1e-6)
    opt.exclude_from_weight_decay(var_list=[kernel])
    opt.apply(zeros, [kernel, bias])
    np.testing.assert_allclose([kernel.numpy(), bias.numpy()], [[0.95, 0.95], [0.95, 0.95]], rtol=1e-6)


def test_layer_weights_are_named_variables():
    dense = keras.layers.Dense(2)
    dense.build_from_shape((None, 3))
    assert [w.name for w in dense.weights] == ["kernel", "bias"]
    assert isinstance(dense.kernel, keras.Variable) and isinstance(dense.kernel, Tensor)


def test_fit_with_ema_ends_with_the_moving_averages():
    keras.clear_session()
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile(optimizer=SGD(learning_rate=0.1, use_ema=True, ema_momentum=0.5), loss="mse")
    model.fit(np.ones((4, 2), np.float32), np.zeros((4, 1), np.float32), batch_size=4, epochs=3, verbose=0)
    w, b, average = 1.0, 0.0, {}
    for step in range(3):  # mse de pred = 2w + b: gradiente 2·pred para w (cada entrada) y para b
        gradient = 2 * (2 * w + b)
        w, b = w - 0.1 * gradient, b - 0.1 * gradient
        momentum = 0.5 if step else 0.0  # la media empieza en el peso del primer paso
        average = {"w": momentum * average.get("w", 0) + (1 - momentum) * w,
                   "b": momentum * average.get("b", 0) + (1 - momentum) * b}
    np.testing.assert_allclose(model.layers[0].kernel.numpy(), [[average["w"]], [average["w"]]], rtol=1e-6)
    np.testing.assert_allclose(model.layers[0].bias.numpy(), [average["b"]], rtol=1e-6)
    assert average["w"] != pytest.approx(w)


def test_summary_counts_optimizer_variables_like_keras(capsys):
    keras.clear_session()
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3)])
    model.compile(optimizer=Adam(learning_rate=schedules.ExponentialDecay(0.1, 3, 0.5)), loss="mse")
    model.fit(np.ones((8, 4)), np.ones((8, 3)), verbose=0)
    model.summary(line_length=76)
    assert " Optimizer params: 31 (128.00 B)" in capsys.readouterr().out  # Keras: sin learning_rate con un programa


@pytest.mark.parametrize("name", ["adamw", "lion", "ftrl", "adafactor"])
def test_new_optimizers_by_name_train_a_model(name):
    keras.clear_session()
    # pesos a cero: Ftrl recalcula el peso desde su acumulador, como si hubiera empezado en 0
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=name, loss="mse")
    x = np.random.default_rng(0).normal(size=(64, 3)).astype(np.float32)
    y = x.sum(axis=1, keepdims=True)
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=3, verbose=0)
    assert isinstance(model.optimizer, optimizers.ALL[name]) and model.evaluate(x, y, verbose=0) < first


def test_adafactor_factored_state_shapes_like_keras():
    opt = Adafactor()
    weights = [Tensor(np.ones((3, 4, 5), np.float32)), Tensor(np.ones(5, np.float32))]
    opt.build(weights)
    assert [v.shape for v in opt.variables] == [(), (), (3, 4), (3, 5), (3, 4, 5), (), (), (5,)]


def test_saved_model_keeps_schedule_and_optimizer_state(tmp_path):
    keras.clear_session()
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    model.compile(optimizer=optimizers.Nadam(learning_rate=schedules.CosineDecay(0.01, decay_steps=20)), loss="mse")
    x, y = np.ones((8, 3), np.float32), np.zeros((8, 2), np.float32)
    model.fit(x, y, batch_size=4, epochs=2, verbose=0)
    model.save(tmp_path / "programa.keras")
    loaded = keras.models.load_model(tmp_path / "programa.keras")
    assert isinstance(loaded.optimizer._learning_rate, schedules.CosineDecay)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    for mine, theirs in zip(loaded.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(mine, theirs)  # iteration, estado de cada peso y u_product de Nadam
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    loaded.fit(x, y, batch_size=4, epochs=1, verbose=0)
    np.testing.assert_allclose(loaded.get_weights()[0], model.get_weights()[0], rtol=1e-6)


def test_optimizer_set_weights_checks_shapes():
    opt = Adam()
    with pytest.raises(ValueError, match="aún no tiene estado; llama antes a optimizer.build"):
        opt.set_weights([])
    opt.build([Tensor(np.ones(2, np.float32))])
    with pytest.raises(ValueError, match=r"espera 4 arrays con las formas de optimizer.variables"):
        opt.set_weights([np.zeros(2)])
