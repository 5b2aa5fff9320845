"""The walk-through of one training step (engine.backprop_trace, engine.cnn_trace): every number it
records is the engine's, the finite differences agree, the steps come in the engine's order."""

import numpy as np
import pytest

from engine.backprop_trace import PHASES, build_network, relative_error, set_weights, trace_step
from engine.cnn_trace import build_cnn, example_image, trace_cnn

NETWORKS = [
    ([(3, "sigmoid")], "mse"),
    ([(4, "tanh")], "bce"),
    ([(2, "relu"), (3, "sigmoid")], "cce"),
    ([(4, "tanh"), (3, "leaky_relu"), (2, "sigmoid")], "mse"),
    ([(3, "linear"), (4, "relu"), (2, "tanh")], "bce"),
    ([(4, "sigmoid"), (4, "sigmoid"), (4, "sigmoid")], "cce"),
]
XOR = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_LABELS = np.array([0, 1, 1, 0])


def targets(labels, loss):
    return np.eye(2)[labels] if loss == "cce" else labels[:, None].astype(float)


def walk(hidden, loss, n, seed=3, lr=0.5, X=XOR):
    net = build_network(hidden, 2, 2 if loss == "cce" else 1, loss, lr=lr, seed=seed)
    X, Y = X[:n], targets(XOR_LABELS[:n], loss)
    return net, X, Y, trace_step(net, X, Y)


@pytest.mark.parametrize("n", [1, 2, 4])
@pytest.mark.parametrize("hidden, loss", NETWORKS)
def test_every_number_is_the_engines(hidden, loss, n):
    twin = build_network(hidden, 2, 2 if loss == "cce" else 1, loss, lr=0.5, seed=3)
    _, X, Y, t = walk(hidden, loss, n)
    outputs = twin.layer_outputs(X)  # dense, activation, dense, activation, ..., dense, readout
    for i, lt in enumerate(t.layers):
        np.testing.assert_array_equal(lt.z, outputs[2 * i])
        np.testing.assert_array_equal(lt.a, outputs[2 * i + 1])
    loss_value, grads = twin.loss_and_grads(X, Y, loss_from="outputs")
    assert t.loss == loss_value
    for lt, dW, db in zip(t.layers, grads[::2], grads[1::2]):
        np.testing.assert_array_equal(lt.dW, dW)
        np.testing.assert_array_equal(lt.db, db)
        # the batch's gradient is the mean of each example's own
        np.testing.assert_allclose(lt.dW_each.mean(axis=0), dW, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(lt.db_each.mean(axis=0), db, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(lt.W_new, lt.W - 0.5 * dW)
        np.testing.assert_array_equal(lt.b_new, lt.b - 0.5 * db)
    twin.set_params(batch_size=n).partial_fit(X, XOR_LABELS[:n], 1)  # the engine's own step, one batch
    for lt, p in zip(t.layers, twin._param_layers):
        np.testing.assert_allclose(lt.W_new, p.W, rtol=1e-12, atol=1e-15)  # rows summed in shuffled order
    assert t.loss_after == pytest.approx(twin._loss.value(twin.forward(X), Y), rel=1e-12)


@pytest.mark.parametrize("hidden, loss", NETWORKS)
def test_finite_differences_agree_in_float64(hidden, loss):
    # inputs off (0, 0): there z = b = 0 on ReLU's kink, where a centred difference sees half a slope
    _, _, _, t = walk(hidden, loss, 4, X=0.8 * XOR + 0.1)
    for lt in t.layers:
        for numeric, analytic in ((lt.numeric_dW, lt.dW), (lt.numeric_db, lt.db)):
            for x, y in zip(numeric.ravel(), analytic.ravel()):
                assert relative_error(x, y) < 1e-6 or abs(x - y) < 1e-10


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_steps_visit_forward_loss_backward_update_in_order(depth):
    _, _, _, t = walk([(3, "tanh")] * depth, "mse", 2)
    phases = [s.phase for s in t.steps]
    assert [p for i, p in enumerate(phases) if i == 0 or phases[i - 1] != p] == list(PHASES)
    forward = [s.layer for s in t.steps if s.phase == "forward"]
    assert forward == sorted(forward) and set(forward) == set(range(1, depth + 2))
    backward = [s.layer for s in t.steps if s.phase == "backward"]
    assert backward == sorted(backward, reverse=True)
    for layer in range(depth + 1, 0, -1):  # within a layer: f'(z), delta, then its gradients
        kinds = [s.kind for s in t.steps if s.phase == "backward" and s.layer == layer and s.kind != "down"]
        order = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] != k]
        assert order[-4:] == ["fprime", "delta", "dW", "db"]
    for s in t.steps:  # each names the engine lines that computed it
        assert s.code.marked and all(i < len(s.code.lines) for i in s.code.marked)
        assert s.name and s.code.name.startswith("engine.")


def test_the_xor_walkthrough_output_delta():
    """The classic XOR walk-through (2-3-1 sigmoid, no biases, input (1, 1), target 0; hidden weights
    0.8 0.4 0.3 / 0.2 0.9 0.5, output weights 0.3 0.5 0.9): hidden sums 1, 1.3, 0.8, output about
    0.77, and a "delta output sum" S'(sum) (target - output) of about -0.13.  The engine's delta is
    dL/dz = (output - target) sigma'(z) with MSE's 1/2: the same size with the opposite sign (the
    walk-through adds its delta, gradient descent subtracts ours)."""
    net = build_network([(3, "sigmoid")], 2, 1, "mse", lr=1.0)
    set_weights(net, [([[0.8, 0.4, 0.3], [0.2, 0.9, 0.5]], [0, 0, 0]), ([[0.3], [0.5], [0.9]], [0])])
    t = trace_step(net, np.array([[1.0, 1.0]]), np.array([[0.0]]))
    np.testing.assert_allclose(t.layers[0].z[0], [1.0, 1.3, 0.8])
    assert t.layers[1].a[0, 0] == pytest.approx(0.77, abs=0.01)
    walkthrough = -0.1344  # S'(1.235) * (0 - 0.77), rounded as the walk-through rounds
    assert np.sign(t.layers[1].delta[0, 0]) == -np.sign(walkthrough)
    assert t.layers[1].delta[0, 0] == pytest.approx(-walkthrough, rel=0.02)
    assert t.loss_after < t.loss


@pytest.mark.parametrize("hidden, loss", NETWORKS[:4])
def test_agrees_with_torch(hidden, loss):
    torch = pytest.importorskip("torch")
    _, X, Y, t = walk(hidden, loss, 3)
    params = []
    a = torch.tensor(X, dtype=torch.float64)
    for lt in t.layers:
        W = torch.tensor(lt.W, requires_grad=True)
        b = torch.tensor(lt.b, requires_grad=True)
        params.append((W, b))
        z = a @ W + b
        name = type(lt.activation).__name__.lower()
        fns = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "linear": lambda v: v,
               "leakyrelu": lambda v: torch.nn.functional.leaky_relu(v, 0.01),
               "softmax": lambda v: torch.softmax(v, dim=1)}
        a = fns[name](z)
        np.testing.assert_allclose(a.detach().numpy(), lt.a, rtol=1e-12)
    y = torch.tensor(Y)
    if loss == "mse":
        value = 0.5 * ((a - y) ** 2).sum() / len(X)
    elif loss == "bce":
        value = torch.nn.functional.binary_cross_entropy(a, y, reduction="sum") / len(X)
    else:
        value = -(y * torch.log(a)).sum() / len(X)
    value.backward()
    assert value.item() == pytest.approx(t.loss, rel=1e-12)
    for (W, b), lt in zip(params, t.layers):
        np.testing.assert_allclose(W.grad.numpy(), lt.dW, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(b.grad.numpy(), lt.db, rtol=1e-10, atol=1e-14)


def tiny_cnn(seed=0, target=1):
    rng = np.random.default_rng(seed)
    net = build_cnn(rng.normal(0, 0.5, (3, 3)), 0.1, rng.normal(0, 1, 4), -0.2)
    return net, trace_cnn(net, example_image(), target)


@pytest.mark.parametrize("seed, target", [(0, 1), (1, 0), (2, 1)])
def test_cnn_switches_route_each_delta_and_positions_sum_to_the_filter_gradient(seed, target):
    net, t = tiny_cnn(seed, target)
    routed = np.zeros_like(t.d_conv)
    for (r, c), (sr, sc) in zip(np.ndindex(t.pooled.shape), t.switches):
        assert t.conv[sr, sc] == t.pooled[r, c]  # the switch is where the window's maximum was
        routed[sr, sc] = t.d_pooled[r, c]
    np.testing.assert_array_equal(t.d_conv, routed)  # the engine's pool backward: to the switch alone
    np.testing.assert_allclose(t.running[-1, -1], t.d_kernel, rtol=1e-12, atol=1e-15)
    for r, c in np.ndindex(t.conv.shape):
        np.testing.assert_array_equal(t.windows[r, c], t.image[r:r + 3, c:c + 3])
        np.testing.assert_array_equal(t.contributions[r, c], t.windows[r, c] * t.d_conv[r, c])
    assert t.d_bias == pytest.approx(t.d_conv.sum(), rel=1e-12)
    for x, y in zip(t.numeric_kernel.ravel(), t.d_kernel.ravel()):
        assert relative_error(x, y) < 1e-6
    np.testing.assert_array_equal(net.layers_[0].W[0, 0], t.kernel)  # the trace takes no step


def test_cnn_agrees_with_torch():
    torch = pytest.importorskip("torch")
    _, t = tiny_cnn(1, 0)
    x = torch.tensor(t.image)[None, None]
    k = torch.tensor(t.kernel, requires_grad=True)
    fmap = torch.nn.functional.conv2d(x, k[None, None]) + t.bias  # cross-correlation, as the engine
    pooled = torch.nn.functional.max_pool2d(fmap, 2).reshape(-1)
    z = pooled @ torch.tensor(t.w_out) - 0.2
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(t.target, dtype=torch.float64))
    loss.backward()
    np.testing.assert_allclose(k.grad.numpy(), t.d_kernel, rtol=1e-10)
