"""Gradient checks in float64: every activation, loss, the dense layer and a 3-layer MLP."""

import numpy as np
import pytest

from engine import ACTIVATIONS, LOSSES, MLP, get_activation, get_loss, one_hot
from engine.gradcheck import numerical_gradient, numerical_gradient_array, rel_error
from engine.layers import dense_backward, dense_forward
from engine.optimizers import SGD, Adam, Momentum, RMSprop, get_optimizer

TOL = 1e-6


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_backward(name):
    rng = np.random.default_rng(0)
    act = get_activation(name)
    z = rng.normal(size=(5, 4))
    z[np.abs(z) < 1e-3] = 0.5  # keep away from the ReLU kink
    dout = rng.normal(size=(5, 4))
    num = numerical_gradient_array(act.value, z, dout)
    ana = act.backward(dout, z, act.value(z))
    assert rel_error(num, ana) < TOL


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_elementwise_derivative_matches_backward(name):
    act = get_activation(name)
    z = np.linspace(-3, 3, 12).reshape(3, 4) + 0.01
    assert np.allclose(act.derivative(z), act.backward(np.ones_like(z), z, act.value(z)))


def test_softmax_is_stable():
    # (its backward is checked against centred differences above; Softmax.jacobian, which only this
    # test used, is gone)
    p = get_activation("softmax").value(np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1000.0, -1000.0]]))
    assert np.all(np.isfinite(p)) and np.allclose(p.sum(axis=1), 1)


def test_sigmoid_extreme_values_are_finite():
    s = get_activation("sigmoid").value(np.array([[-1000.0, 0.0, 1000.0]]))
    assert np.allclose(s, [[0, 0.5, 1]])


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_grad(name):
    rng = np.random.default_rng(0)
    loss = get_loss(name)
    a = rng.uniform(0.2, 0.9, size=(6, 3))  # away from 0 and 1, where log curves sharply
    y = one_hot(rng.integers(0, 3, 6), 3)
    num = numerical_gradient(lambda: loss.value(a, y), a)
    assert rel_error(num, loss.grad(a, y)) < TOL


@pytest.mark.parametrize(
    "loss_name,act_name",
    [
        ("cce", "softmax"),
        ("bce", "sigmoid"),
        ("mse", "sigmoid"),
        ("mse", "linear"),
        ("bce", "softmax"),
        ("cce", "sigmoid"),
    ],
)
def test_loss_delta_wrt_preactivation(loss_name, act_name):
    rng = np.random.default_rng(3)
    loss, act = get_loss(loss_name), get_activation(act_name)
    z = rng.normal(size=(6, 3))
    y = one_hot(rng.integers(0, 3, 6), 3)
    num = numerical_gradient(lambda: loss.value_from_logits(z, act.value(z), y, act), z)
    assert rel_error(num, loss.delta(z, act.value(z), y, act)) < TOL


def test_fused_softmax_delta_is_p_minus_y_over_n():
    z = np.array([[1.0, 2.0, 0.5]])
    act, loss = get_activation("softmax"), get_loss("cce")
    p = act.value(z)
    y = np.array([[0.0, 1.0, 0.0]])
    assert np.allclose(loss.delta(z, p, y, act), (p - y) / 1)


def test_dense_layer():
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(4, 5)), rng.normal(size=(5, 3)), rng.normal(size=3)
    dout = rng.normal(size=(4, 3))
    _, cache = dense_forward(x, W, b)
    dx, dW, db = dense_backward(dout, cache)
    assert rel_error(numerical_gradient_array(lambda v: dense_forward(v, W, b)[0], x, dout), dx) < TOL
    assert rel_error(numerical_gradient_array(lambda v: dense_forward(x, v, b)[0], W, dout), dW) < TOL
    assert rel_error(numerical_gradient_array(lambda v: dense_forward(x, W, v)[0], b, dout), db) < TOL


def _net(activation, output="softmax", l1=0.0, l2=0.0):
    model = MLP(
        [4, 5, 6, 3], activation=activation, output=output, l1=l1, l2=l2, init="gaussian_scaled", seed=1
    )
    return model.initialize()


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "leaky_relu", ["relu", "tanh"]])
@pytest.mark.parametrize("output,l1,l2", [("softmax", 0, 0), ("sigmoid", 0, 0.3), ("softmax", 0.2, 0.1)])
def test_three_layer_mlp_gradients(activation, output, l1, l2):
    model = _net(activation, output, l1, l2)
    rng = np.random.default_rng(4)
    X = rng.normal(size=(7, 4))
    Y = one_hot(rng.integers(0, 3, 7), 3)
    _, grads = model.loss_and_grads(X, Y)
    for p, g in zip(model.parameters(), grads):
        num = numerical_gradient(lambda: model.loss_and_grads(X, Y)[0], p)
        assert rel_error(num, g) < TOL


def test_penalty_counts_in_loss():
    X = np.ones((2, 4))
    Y = one_hot(np.array([0, 1]), 3)
    plain = _net("tanh").loss_and_grads(X, Y)[0]
    assert _net("tanh", l2=1.0).loss_and_grads(X, Y)[0] > plain


@pytest.mark.parametrize("opt", [SGD(0.1), Momentum(0.1, 0.9), RMSprop(0.01, 0.9), Adam(0.01)])
def test_first_optimizer_step_by_hand(opt):
    model = _net("sigmoid")
    rng = np.random.default_rng(5)
    X, Y = rng.normal(size=(6, 4)), one_hot(rng.integers(0, 3, 6), 3)
    _, grads = model.loss_and_grads(X, Y)
    # the gradients themselves are right ...
    for p, g in zip(model.parameters(), grads):
        assert rel_error(numerical_gradient(lambda: model.loss_and_grads(X, Y)[0], p), g) < TOL
    before = [p.copy() for p in model.parameters()]
    opt.step(model.parameters(), grads)
    for p0, p1, g in zip(before, model.parameters(), grads):
        # ... and the first step is the textbook formula
        if isinstance(opt, SGD):
            expected = p0 - 0.1 * g
        elif isinstance(opt, Momentum):
            expected = p0 - 0.1 * (0.9 * 0 + g)
        elif isinstance(opt, RMSprop):
            s = 0.1 * g * g
            expected = p0 - 0.01 * g / (np.sqrt(s) + 1e-8)
        else:
            m_hat = (0.1 * g) / (1 - 0.9)
            v_hat = (0.001 * g * g) / (1 - 0.999)
            expected = p0 - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-8)
        assert np.allclose(p1, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["sgd", "momentum", "rmsprop", "adam"])
def test_a_new_learning_rate_sets_the_very_next_step(name):
    # momentum used to keep the rate inside its velocity (v = mu v - lr g): after a live change it
    # stepped at about the old size for ~1/(1 - mu) steps
    rng = np.random.default_rng(0)
    grads = [[rng.normal(size=(3, 2)), rng.normal(size=2)] for _ in range(6)]
    steps = {}
    for factor in (1, 10):
        opt, params = get_optimizer(name, 0.01), [np.zeros((3, 2)), np.zeros(2)]
        for g in grads[:5]:
            opt.step(params, g)
        before = [p.copy() for p in params]
        opt.lr *= factor
        opt.step(params, grads[5])
        steps[factor] = [p - p0 for p, p0 in zip(params, before)]
    for small, large in zip(steps[1], steps[10]):
        assert np.allclose(large, 10 * small, rtol=1e-12, atol=0)


def test_momentum_takes_the_same_steps_as_before_at_a_fixed_rate():
    rng = np.random.default_rng(1)
    opt, p, old_p, old_v = Momentum(0.05, 0.9), np.zeros(4), np.zeros(4), np.zeros(4)
    for _ in range(20):
        g = rng.normal(size=4)
        opt.step([p], [g])
        old_v = 0.9 * old_v - 0.05 * g  # the velocity that held the rate
        old_p += old_v
    assert np.allclose(p, old_p, rtol=1e-12, atol=1e-15)
