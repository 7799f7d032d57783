"""Optimizadores: los vectores de oro de Keras, cada ecuación contra NumPy, formas antiguas y recorte."""
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_es import Tensor
from tinygrad_es.keras import optimizers
from tinygrad_es.keras.optimizers import SGD, Adadelta, Adagrad, Adam, Adamax, Nadam, RMSprop

X0 = [1.0, 2.0, 3.0, 4.0]
G = [1.0, 6.0, 7.0, 2.0]


def run(opt, grads, x0, dtype="float32"):
    """Aplica los gradientes uno tras otro y devuelve x tras cada paso."""
    x = Tensor(np.array(x0), dtype=dtype)
    data = x.data
    history = []
    for g in grads:
        opt.apply([np.asarray(g, dtype=dtype)], [x])
        history.append(x.data.copy())
    assert x.data is data, "la actualización debe ser en su sitio"
    return history


# ---------------------------------------------------------------- vectores de oro de Keras (Apéndice A)
@pytest.mark.parametrize("cls, expected", [
    (SGD, [0.5, -1.0, -0.5, 3.0]),
    (RMSprop, [-0.5811, 0.4189, 1.4189, 2.4189]),
    (Adagrad, [0.5233, 1.5007, 2.5005, 3.5061]),
    (Adadelta, [0.9993, 1.9993, 2.9993, 3.9993]),
    (Adam, [0.5, 1.5, 2.5, 3.5]),
    (Adamax, [0.5, 1.5, 2.5, 3.5]),
    (Nadam, [0.4686, 1.4686, 2.4686, 3.4686]),
])
def test_single_step_golden(cls, expected):
    (x,) = run(cls(learning_rate=0.5), [G], X0)
    np.testing.assert_allclose(x, expected, rtol=1e-4, atol=1e-4)


def _tile(column):
    return np.tile(np.array(column)[:, None], (1, 10))


GOLDEN = {
    "rmsprop_centered": (lambda: RMSprop(centered=True), _tile([0.9967, 0.9933, 0.9908, 0.9885, 0.9864])),
    "adadelta": (lambda: Adadelta(learning_rate=1.0, rho=0.8, epsilon=1e-6),
                 _tile([0.9978, 0.9947, 0.9915, 0.9882, 0.9849])),
    "adam_amsgrad": (lambda: Adam(amsgrad=True), _tile([0.999, 0.9982, 0.9974, 0.9965, 0.9955])),
    "adagrad": (lambda: Adagrad(learning_rate=0.2, initial_accumulator_value=0.3, epsilon=1e-6), np.array([
        [0.9963] * 10,
        [0.9604, 0.9278, 0.9003, 0.8784, 0.8615, 0.8487, 0.8388, 0.8313, 0.8255, 0.8209],
        [0.9251, 0.8629, 0.8137, 0.7768, 0.7497, 0.7298, 0.7151, 0.704, 0.6956, 0.6891],
        [0.8903, 0.8012, 0.7342, 0.6862, 0.6521, 0.6277, 0.6099, 0.5967, 0.5867, 0.579],
        [0.856, 0.7422, 0.6604, 0.6037, 0.5644, 0.5367, 0.5168, 0.5021, 0.491, 0.4825]])),
    "adamax": (lambda: Adamax(learning_rate=0.2, beta_1=0.85, beta_2=0.95, epsilon=1e-6), np.array([
        [0.8] * 10,
        [0.6827, 0.6873, 0.6888, 0.6896, 0.6901, 0.6904, 0.6906, 0.6908, 0.6909, 0.691],
        [0.5333, 0.5407, 0.5431, 0.5444, 0.5451, 0.5456, 0.546, 0.5462, 0.5464, 0.5466],
        [0.368, 0.3773, 0.3804, 0.382, 0.3829, 0.3835, 0.384, 0.3843, 0.3846, 0.3848],
        [0.1933, 0.204, 0.2076, 0.2094, 0.2105, 0.2112, 0.2117, 0.2121, 0.2124, 0.2126]])),
    "nadam": (lambda: Nadam(learning_rate=0.5, beta_1=0.5, beta_2=0.67, epsilon=1e-5), np.array([
        [0.4281] * 10,
        [-0.1738, -0.1731, -0.1726, -0.1723, -0.1721, -0.172, -0.1719, -0.1718, -0.1718, -0.1717],
        [-0.7115, -0.7103, -0.7096, -0.7092, -0.709, -0.7088, -0.7086, -0.7085, -0.7085, -0.7084],
        [-1.2335, -1.2322, -1.2313, -1.2309, -1.2306, -1.2304, -1.2302, -1.2301, -1.23, -1.2299],
        [-1.7492, -1.7478, -1.7469, -1.7464, -1.7461, -1.7459, -1.7457, -1.7456, -1.7455, -1.7454]])),
}


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_correctness_with_golden(case):
    make, golden = GOLDEN[case]
    first, rest = np.full(10, 0.01), np.arange(0.1, 1.1, 0.1)
    history = run(make(), [first] + [rest] * 4, np.ones(10))
    np.testing.assert_allclose(np.array(history), golden, rtol=5e-4, atol=5e-4)


@pytest.mark.parametrize("make, after_1, after_2", [
    (lambda: SGD(0.1, momentum=0.9), [0.9, 1.4, 2.3, 3.8], [0.71, 0.26, 0.97, 3.42]),
    (lambda: SGD(0.1, momentum=0.9, nesterov=True), [0.81, 0.86, 1.67, 3.62], [0.539, -0.766, -0.227, 3.078]),
    (lambda: RMSprop(0.1, momentum=0.9), np.array(X0) - 0.316228, np.array(X0) - 0.830248),
])
def test_derived_two_step_vectors(make, after_1, after_2):
    h = run(make(), [G, G], X0, dtype="float64")
    np.testing.assert_allclose(h[0], after_1, atol=1e-5)
    np.testing.assert_allclose(h[1], after_2, atol=1e-5)


# ---------------------------------------------------------------- cada ecuación contra NumPy, varios pasos
DEFAULTS = {"momentum": 0.0, "nesterov": False, "rho": 0.9, "centered": False, "epsilon": 1e-7,
            "initial_accumulator_value": 0.1, "beta_1": 0.9, "beta_2": 0.999, "amsgrad": False}


def numpy_reference(name, hp, grads, x):
    """Las ecuaciones de la sección 1.3 de la referencia, escritas de nuevo en float64 a partir de cero."""
    hp = {**DEFAULTS, **({"rho": 0.95} if name == "adadelta" else {}), **hp}
    x = np.array(x, dtype=np.float64)
    lr, eps, rho, mu, b1, b2 = hp["lr"], hp["epsilon"], hp["rho"], hp["momentum"], hp["beta_1"], hp["beta_2"]
    z = np.zeros_like(x)
    s = {"m": z.copy(), "v": z.copy(), "a": z.copy(), "mom": z.copy(), "vhat": z.copy(), "u_product": 1.0,
         "acc": np.full_like(x, hp["initial_accumulator_value"])}
    out = []
    for i, g in enumerate(grads):
        t = i + 1
        if name == "sgd":
            s["v"] = mu * s["v"] - lr * g
            x = x + (mu * s["v"] - lr * g if hp["nesterov"] else s["v"])
        elif name == "rmsprop":
            s["v"] = rho * s["v"] + (1 - rho) * g**2
            denom = s["v"] + eps
            if hp["centered"]:
                s["a"] = rho * s["a"] + (1 - rho) * g
                denom = s["v"] - s["a"] ** 2 + eps
            inc = lr * g / np.sqrt(denom)
            s["mom"] = mu * s["mom"] + inc
            x = x - s["mom"]
        elif name == "adagrad":
            s["acc"] = s["acc"] + g**2
            x = x - lr * g / np.sqrt(s["acc"] + eps)
        elif name == "adadelta":
            s["m"] = rho * s["m"] + (1 - rho) * g**2
            dx = -np.sqrt(s["v"] + eps) * g / np.sqrt(s["m"] + eps)
            s["v"] = rho * s["v"] + (1 - rho) * dx**2
            x = x + lr * dx
        elif name == "adam":
            s["m"] = b1 * s["m"] + (1 - b1) * g
            s["v"] = b2 * s["v"] + (1 - b2) * g**2
            v = s["v"]
            if hp["amsgrad"]:
                s["vhat"] = np.maximum(s["vhat"], s["v"])
                v = s["vhat"]
            x = x - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * s["m"] / (np.sqrt(v) + eps)
        elif name == "adamax":
            s["m"] = b1 * s["m"] + (1 - b1) * g
            s["v"] = np.maximum(b2 * s["v"], np.abs(g))
            x = x - lr * s["m"] / ((1 - b1**t) * (s["v"] + eps))
        elif name == "nadam":
            u_t, u_t1 = b1 * (1 - 0.5 * 0.96**t), b1 * (1 - 0.5 * 0.96 ** (t + 1))
            s["u_product"] *= u_t
            s["m"] = b1 * s["m"] + (1 - b1) * g
            s["v"] = b2 * s["v"] + (1 - b2) * g**2
            m_hat = u_t1 * s["m"] / (1 - s["u_product"] * u_t1) + (1 - u_t) * g / (1 - s["u_product"])
            x = x - lr * m_hat / (np.sqrt(s["v"] / (1 - b2**t)) + eps)
        out.append(x.copy())
    return out


EQUATION_CASES = [
    ("sgd", {}), ("sgd", {"momentum": 0.5}), ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("rmsprop", {}), ("rmsprop", {"momentum": 0.3}), ("rmsprop", {"centered": True, "momentum": 0.5}),
    ("adagrad", {}), ("adadelta", {}), ("adam", {}), ("adam", {"amsgrad": True}), ("adamax", {}), ("nadam", {}),
]


@pytest.mark.parametrize("name, hp", EQUATION_CASES)
def test_each_optimizer_matches_its_equation_over_steps(name, hp):
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((3, 4))
    grads = [rng.standard_normal((3, 4)) * (1 + i) for i in range(6)]
    opt = optimizers.ALL[name](learning_rate=0.05, **hp)
    ours = run(opt, grads, x0, dtype="float64")
    expected = numpy_reference(name, {"lr": 0.05, **hp}, grads, x0)
    np.testing.assert_allclose(np.array(ours), np.array(expected), rtol=1e-10, atol=1e-12)
    assert opt.iterations == 6


unit = st.floats(0.05, 0.95)
HYPERPARAMETERS = {  # qué hiperparámetros acepta cada uno, para sortearlos todos
    "sgd": {"momentum": unit, "nesterov": st.booleans()},
    "rmsprop": {"rho": unit, "momentum": unit, "epsilon": st.floats(1e-7, 1e-3), "centered": st.booleans()},
    "adagrad": {"initial_accumulator_value": st.floats(0.01, 1.0), "epsilon": st.floats(1e-7, 1e-3)},
    "adadelta": {"rho": unit, "epsilon": st.floats(1e-7, 1e-3)},
    "adam": {"beta_1": unit, "beta_2": unit, "epsilon": st.floats(1e-7, 1e-3), "amsgrad": st.booleans()},
    "adamax": {"beta_1": unit, "beta_2": unit, "epsilon": st.floats(1e-7, 1e-3)},
    "nadam": {"beta_1": unit, "beta_2": unit, "epsilon": st.floats(1e-7, 1e-3)},
}


@settings(max_examples=40, deadline=None)
@given(st.data(), st.sampled_from(sorted(HYPERPARAMETERS)), hnp.array_shapes(min_dims=0, max_dims=3, max_side=4),
       st.floats(1e-3, 0.5), st.integers(1, 5))
def test_every_hyperparameter_reaches_the_equation(data, name, shape, lr, steps):
    hp = data.draw(st.fixed_dictionaries(HYPERPARAMETERS[name]))
    x0 = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
    grads = [data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-5, 5))) for _ in range(steps)]
    ours = run(optimizers.ALL[name](learning_rate=lr, **hp), grads, x0, dtype="float64")
    expected = numpy_reference(name, {"lr": lr, **hp}, grads, x0)
    np.testing.assert_allclose(np.array(ours), np.array(expected), rtol=1e-9, atol=1e-10)


def test_several_variables_keep_separate_state_and_shapes():
    w, b = Tensor(np.ones((2, 3))), Tensor(np.zeros(3))
    opt = Adam(learning_rate=0.1)
    for _ in range(3):
        opt.apply([np.full((2, 3), 2.0), np.full(3, -1.0)], [w, b])
    assert w.shape == (2, 3) and b.shape == (3,)
    assert np.all(w.data < 1) and np.all(b.data > 0)
    assert w.dtype == np.float32  # float64 no se cuela por los escalares de Python


def test_tensor_gradients_and_apply_gradients():
    x1, x2 = Tensor(np.array(X0)), Tensor(np.array(X0))
    SGD(0.5).apply([Tensor(np.array(G))], [x1])
    SGD(0.5).apply_gradients(zip([np.array(G)], [x2]))
    np.testing.assert_allclose(x1.data, [0.5, -1.0, -0.5, 3.0])
    np.testing.assert_allclose(x2.data, x1.data)


def test_learning_rate_is_settable_between_steps():
    opt = SGD(0.5)
    opt.learning_rate = 0.25
    assert isinstance(opt.learning_rate, float)
    (x,) = run(opt, [G], X0)
    np.testing.assert_allclose(x, np.array(X0) - 0.25 * np.array(G))


def test_weight_decay_like_keras():
    var = Tensor(np.array(2.0))
    for _ in range(3):
        Adam(learning_rate=1.0, weight_decay=0.004).apply([np.array(0.0)], [var])
    assert abs(var.item() - 1.9760959) < 1e-6


# ---------------------------------------------------------------- recorte
def test_clipnorm_clipvalue_global_clipnorm():
    g = [np.array([100.0, 100.0]), np.array([3.0, 4.0])]
    np.testing.assert_allclose(Adam(clipnorm=1).clip_gradients(g)[0], [2**0.5 / 2] * 2)
    np.testing.assert_allclose(Adam(clipnorm=10).clip_gradients(g)[1], [3.0, 4.0])  # norma 5 < 10: intacto
    np.testing.assert_allclose(Adam(clipvalue=1).clip_gradients(g)[0], [1.0, 1.0])
    clipped = Adam(global_clipnorm=1.0).clip_gradients(g)
    total = np.sqrt(sum(np.sum(c**2) for c in clipped))
    assert abs(total - 1.0) < 1e-9
    np.testing.assert_allclose(clipped[1] / clipped[0][0], g[1] / g[0][0])  # misma dirección


def test_clipping_is_applied_in_the_step():
    (x,) = run(SGD(1.0, clipvalue=0.5), [G], X0)
    np.testing.assert_allclose(x, np.array(X0) - 0.5)


def test_two_clipping_modes_raise():
    with pytest.raises(ValueError, match="Solo se puede usar uno de clipnorm, clipvalue y global_clipnorm"):
        SGD(clipnorm=1.0, clipvalue=1.0)


# ---------------------------------------------------------------- formas antiguas del curso
COURSE = [
    lambda: SGD(lr=0.01, momentum=0.0, decay=0.0, nesterov=False),
    lambda: RMSprop(lr=0.001, rho=0.9, epsilon=None, decay=0.0),
    lambda: Adagrad(lr=0.01, epsilon=None, decay=0.0),
    lambda: Adadelta(lr=1.0, rho=0.95, epsilon=None, decay=0.0),
    lambda: Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0),
    lambda: Adamax(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0),
    lambda: Nadam(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=None, decay=0.0),
]


@pytest.mark.parametrize("make", COURSE)
def test_course_spellings_run_with_spanish_deprecation_warnings(make):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        opt = make()
    messages = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert any("lr=...) está obsoleto" in m and "learning_rate=" in m for m in messages)
    assert any("decay=...) está obsoleto" in m for m in messages)
    assert caught[0].filename == __file__  # el aviso señala la línea del alumno
    if hasattr(opt, "epsilon"):
        assert opt.epsilon == 1e-7
    run(opt, [G], X0)  # y funciona


def test_legacy_lr_sets_learning_rate():
    with pytest.warns(DeprecationWarning, match="learning_rate=0.3"):
        opt = SGD(lr=0.3)
    assert opt.learning_rate == 0.3


def test_legacy_decay_divides_learning_rate_by_one_plus_decay_times_iterations():
    with pytest.warns(DeprecationWarning, match="lr / \\(1 \\+ decay"):
        opt = SGD(learning_rate=1.0, decay=0.5)
    xs = run(opt, [[1.0]] * 3, [0.0], dtype="float64")
    # pasos de 1/(1+0), 1/(1+0.5), 1/(1+1)
    np.testing.assert_allclose(np.array(xs)[:, 0], [-1.0, -1.0 - 1 / 1.5, -1.0 - 1 / 1.5 - 0.5])


# ---------------------------------------------------------------- errores en español (como Keras)
def test_integer_learning_rate_raises_like_keras_3():
    with pytest.raises(ValueError, match="learning_rate debe ser un número decimal.*learning_rate=1.0"):
        Adam(learning_rate=1)


def test_integer_momentum_raises_like_keras_3():
    with pytest.raises(ValueError, match="momentum debe ser un float entre 0 y 1"):
        SGD(momentum=0)
    with pytest.raises(ValueError, match="momentum debe ser un float entre 0 y 1"):
        SGD(momentum=1.5)


def test_unknown_argument_raises():
    with pytest.raises(ValueError, match="no reconoce los argumentos \\['bet_1'\\]"):
        Adam(bet_1=0.9)


def test_optimizer_reused_on_other_variables_raises():
    opt = SGD(0.1)
    opt.apply([np.ones(2)], [Tensor(np.zeros(2))])
    with pytest.raises(ValueError, match="cada modelo necesita su propio optimizador"):
        opt.apply([np.ones(2)], [Tensor(np.zeros(2))])


def test_gradient_count_mismatch_raises():
    with pytest.raises(ValueError, match="1 gradientes para 2 pesos"):
        SGD(0.1).apply([np.ones(2)], [Tensor(np.zeros(2)), Tensor(np.zeros(2))])


# ---------------------------------------------------------------- por nombre y configuración
def test_get_by_name_instance_and_dict():
    assert isinstance(optimizers.get("adam"), Adam)
    assert isinstance(optimizers.get("RMSprop"), RMSprop)
    opt = SGD(0.2)
    assert optimizers.get(opt) is opt
    rebuilt = optimizers.get(optimizers.serialize(Adam(learning_rate=0.5, beta_1=0.8, amsgrad=True)))
    assert (rebuilt.learning_rate, rebuilt.beta_1, rebuilt.amsgrad) == (0.5, 0.8, True)


def test_unknown_name_suggests_closest():
    with pytest.raises(ValueError, match="Nombre de optimizador desconocido: 'adm'. ¿Quisiste decir 'adam'?"):
        optimizers.get("adm")
    with pytest.raises(ValueError, match="No se puede interpretar 3"):
        optimizers.get(3)


@pytest.mark.parametrize("cls", list(optimizers.ALL.values()))
def test_config_round_trip(cls):
    opt = cls(learning_rate=0.5, clipnorm=2.0)
    config = opt.get_config()
    again = cls.from_config(config)
    assert again.get_config() == config
    assert config["learning_rate"] == 0.5 and config["clipnorm"] == 2.0


# ---------------------------------------------------------------- todos los pesos a la vez, o uno a uno
def test_missing_gradient_leaves_that_weight_and_its_state_alone():
    w1, w2 = Tensor(np.ones(3)), Tensor(np.ones(2))
    opt = Adam(learning_rate=0.1)
    opt.apply([np.ones(3), np.ones(2)], [w1, w2])
    before = w2.data.copy(), opt.momentums[1].copy(), opt.velocities[1].copy()
    opt.apply([np.ones(3), None], [w1, w2])
    np.testing.assert_array_equal(w2.data, before[0])
    np.testing.assert_array_equal(opt.momentums[1], before[1])
    np.testing.assert_array_equal(opt.velocities[1], before[2])
    # w1 avanzó igual que con un optimizador que solo lo ve a él
    alone = Tensor(np.ones(3))
    other = Adam(learning_rate=0.1)
    for _ in range(2):
        other.apply([np.ones(3)], [alone])
    np.testing.assert_array_equal(w1.data, alone.data)


@pytest.mark.parametrize("name, hp", EQUATION_CASES)
def test_all_at_once_equals_one_by_one(name, hp):
    rng = np.random.default_rng(3)
    shapes = [(4, 3), (3,), (), (2, 2, 2)]
    grads = [[rng.standard_normal(s) for s in shapes] for _ in range(4)]
    together = [Tensor(np.ones(s)) for s in shapes]
    opt = optimizers.ALL[name](learning_rate=0.05, **hp)
    for g in grads:
        opt.apply(g, together)
    for i, s in enumerate(shapes):  # cada peso con su propio optimizador
        alone = Tensor(np.ones(s))
        single = optimizers.ALL[name](learning_rate=0.05, **hp)
        for g in grads:
            single.apply([g[i]], [alone])
        np.testing.assert_array_equal(together[i].data, alone.data)
    # opt.variables: como en Keras, iteration y learning_rate, y luego el estado (el mismo número de arrays
    # para cada peso, con su forma; Nadam añade al final su u_product)
    iteration, rate, *state = opt.variables
    assert iteration == 4 and iteration.dtype == np.int64 and rate == np.float32(0.05)
    state = state[:-1] if name == "nadam" else state
    per_weight = len(state) // len(shapes)
    assert Counter(x.shape for x in state) == Counter({s: per_weight for s in shapes})


def test_weights_replaced_between_steps_are_respected():
    w = Tensor(np.zeros(2))
    opt = SGD(1.0)
    opt.apply([np.ones(2)], [w])
    w.data = np.array([10.0, 10.0], dtype=np.float32)  # p. ej. set_weights que asigna un array nuevo
    opt.apply([np.ones(2)], [w])
    np.testing.assert_array_equal(w.data, [9.0, 9.0])


def test_no_variables_raises():
    with pytest.raises(ValueError, match="no recibió ningún peso"):
        SGD(0.1).apply([], [])


@pytest.mark.parametrize("name", sorted(optimizers.ALL))
def test_build_accepts_an_empty_list_and_builds_again_on_apply(name):
    """Keras 3 acepta opt.build([]) (Nadam incluido); el primer apply con pesos crea su estado."""
    opt = optimizers.get(name)
    opt.build([])
    w = Tensor(np.ones(3, dtype=np.float32))
    opt.apply([np.full(3, 0.5, dtype=np.float32)], [w])
    assert opt.iterations == 1 and (w.data < 1).all()


@pytest.mark.parametrize("typo, expected", [("adma", "adam"), ("rmsporp", "rmsprop"), ("sdg", "sgd"), ("nadma", "nadam")])
def test_unknown_optimizer_suggests_the_closest_typo(typo, expected):
    with pytest.raises(ValueError, match=rf"¿Quisiste decir '{expected}'\?"):
        optimizers.get(typo)
