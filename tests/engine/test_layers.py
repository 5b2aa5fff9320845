"""Layers in float64: every backward pass against centred differences, the fast convolution
against the loop reference, and (where torch is installed) against torch on the same weights."""

import numpy as np
import pytest

from engine.conv import conv2d, conv2d_naive, conv_backward, conv_backward_naive, conv_forward
from engine.conv_layers import AvgPool2D, Conv2D, MaxPool2D
from engine.estimator import NotFittedError
from engine.gradcheck import numerical_gradient_array, rel_error
from engine.layers import Activation, Dense, Dropout, Flatten, dropout_backward, dropout_forward, layer_names
from engine.sequential import Sequential

TOL = 1e-6


def _built(layer, shape, seed=0):
    layer.build(shape, np.random.default_rng(seed), np.float64, "gaussian_scaled")
    return layer


def _distinct(rng, shape):
    """Values at least 1/size apart, so a 1e-4 nudge never changes which entry is a window's max."""
    n = int(np.prod(shape))
    return (rng.permutation(n).reshape(shape) - n / 2) / n * 4


def check_layer(layer, x, seed=1):
    """Every gradient of ``sum(layer(x) * dout)``: input and parameters."""
    rng = np.random.default_rng(seed)
    out = layer.forward(x)
    dout = rng.normal(size=out.shape)
    layer.forward(x)
    dx = layer.backward(dout)
    assert rel_error(numerical_gradient_array(lambda v: layer.forward(v), x, dout), dx) < TOL
    grads = [g.copy() for g in layer.grads]
    for p, g in zip(layer.params, grads):
        assert rel_error(numerical_gradient_array(lambda _: layer.forward(x), p, dout), g) < TOL


CONV_CASES = [
    # (input shape C, H, W), filters, kernel, stride, padding
    ((1, 5, 5), 2, 3, 1, 0),
    ((1, 6, 6), 2, 3, 1, 1),
    ((3, 6, 5), 2, 3, 2, 0),
    ((3, 7, 7), 4, 3, 2, 1),
    ((3, 7, 6), 2, (3, 5), 1, "same"),
    ((1, 8, 8), 3, 2, 2, 0),
    ((3, 5, 8), 2, (1, 3), 3, (1, 0)),
    ((1, 4, 4), 1, 4, 1, 0),
    ((2, 7, 6), 2, (2, 4), 1, "same"),  # even kernels: the odd pixel padded after
    ((1, 9, 8), 2, 3, (2, 1), 1),
]


@pytest.mark.parametrize("shape,filters,kernel,stride,padding", CONV_CASES)
def test_conv2d_gradients(shape, filters, kernel, stride, padding):
    layer = _built(Conv2D(filters, kernel, stride, padding), shape)
    x = np.random.default_rng(0).normal(size=(2, *shape))
    check_layer(layer, x)


@pytest.mark.parametrize("shape,filters,kernel,stride,padding", CONV_CASES)
def test_conv_fast_paths_match_the_loops(shape, filters, kernel, stride, padding):
    layer = _built(Conv2D(filters, kernel, stride, padding), shape)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, *shape))
    out = layer.forward(x)
    assert out.shape == (3, *layer.output_shape(shape))
    rows, cols = layer._pad
    for xi, oi in zip(x, out):
        xp = np.pad(xi, ((0, 0), rows, cols))
        assert np.allclose(oi, conv2d_naive(xp, layer.W, stride, 0, bias=layer.b))
    dout = rng.normal(size=out.shape)
    fast = conv_backward(dout, layer.cache)
    slow = conv_backward_naive(dout, x, layer.W, layer._stride, layer._pad)
    for a, b in zip(fast, slow):
        assert np.allclose(a, b, rtol=1e-12, atol=1e-12)


def test_same_padding_keeps_the_size_of_rectangular_kernels():
    assert Conv2D(4, (3, 5), padding="same").output_shape((2, 9, 7)) == (4, 9, 7)
    assert Conv2D(4, (1, 7), padding="same").output_shape((2, 9, 7)) == (4, 9, 7)
    assert Conv2D(4, 5, stride=2, padding=2).output_shape((1, 28, 28)) == (4, 14, 14)
    # one "same" rule with the convolutions page: an even kernel pads f - 1 in all, the odd pixel after
    assert Conv2D(4, (2, 4), padding="same").output_shape((2, 9, 7)) == (4, 9, 7)
    assert _built(Conv2D(1, (2, 4), padding="same"), (1, 5, 5))._pad == ((0, 1), (1, 2))


@pytest.mark.parametrize("pool", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("size,stride,shape", [(2, None, (2, 6, 6)), (3, 2, (3, 7, 6)), ((2, 3), 1, (1, 5, 5)),
                                               (2, None, (1, 5, 7)), ((2, 3), None, (1, 6, 7)),
                                               (2, (1, 2), (2, 5, 6))])
def test_pooling_gradients(pool, size, stride, shape):
    layer = _built(pool(size, stride), shape)
    x = _distinct(np.random.default_rng(0), (2, *shape))
    check_layer(layer, x)


def test_maxpool_routes_to_the_argmax_and_avgpool_spreads_evenly():
    x = np.array([[[[1.0, 5.0], [3.0, 2.0]]]])
    mp, ap = _built(MaxPool2D(2), (1, 2, 2)), _built(AvgPool2D(2), (1, 2, 2))
    assert mp.forward(x).item() == 5 and ap.forward(x).item() == 2.75
    assert np.array_equal(mp.backward(np.ones((1, 1, 1, 1))), [[[[0, 1], [0, 0]]]])
    assert np.array_equal(ap.backward(np.ones((1, 1, 1, 1))), np.full((1, 1, 2, 2), 0.25))
    ties = np.zeros((1, 1, 2, 2))  # a tie gives the whole gradient to the first max, as torch does
    mp.forward(ties)
    assert mp.backward(np.ones((1, 1, 1, 1))).sum() == 1


def test_a_non_square_window_strides_by_its_own_size_on_each_axis():
    # as torch: the default stride is (kh, kw); it used to be kh on both axes
    x = np.arange(24.0).reshape(1, 1, 4, 6)
    layer = _built(MaxPool2D((2, 3)), (1, 4, 6))
    assert layer.output_shape((1, 4, 6)) == (1, 2, 2)
    assert layer.forward(x).tolist() == [[[[8, 11], [20, 23]]]]
    assert _built(AvgPool2D((1, 2)), (1, 4, 6)).forward(x).shape == (1, 1, 4, 3)


def test_maxpool_passes_nan_on_with_its_gradient_as_torch():
    # torch's max_pool2d: NaN is the max of a window holding it, and the gradient goes to the (last) NaN;
    # comparing with the NaN max used to match nothing, and the window's gradient was dropped
    x = np.array([[[[1.0, np.nan, 3.0, 4.0], [2.0, 0.0, np.nan, np.nan]]]])
    layer = _built(MaxPool2D(2), (1, 2, 4))
    out = layer.forward(x)
    assert np.isnan(out).all()
    dx = layer.backward(np.array([[[[5.0, 7.0]]]]))
    assert dx.tolist() == [[[[0, 5, 0, 0], [0, 0, 0, 7]]]]


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"])
def test_activation_layer_gradients(name):
    x = np.random.default_rng(0).normal(size=(4, 5))
    x[np.abs(x) < 1e-3] = 0.5  # away from the ReLU kink
    check_layer(_built(Activation(name), (5,)), x)


def test_activation_on_images_and_dense_and_flatten():
    rng = np.random.default_rng(0)
    check_layer(_built(Activation("tanh"), (2, 3, 3)), rng.normal(size=(2, 2, 3, 3)))
    check_layer(_built(Dense(4), (6,)), rng.normal(size=(3, 6)))
    flat = _built(Flatten(), (2, 3, 4))
    x = rng.normal(size=(5, 2, 3, 4))
    assert flat.output_shape((2, 3, 4)) == (24,) and np.array_equal(flat.forward(x)[1], x[1].ravel())
    check_layer(flat, x)


def test_dropout_trains_and_evaluates():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 50))
    layer = _built(Dropout(0.3), (50,))
    assert layer.forward(x) is x  # evaluation: the identity
    out = layer.forward(x, training=True)
    kept = out != 0
    assert 0.6 < kept.mean() < 0.8 and np.allclose(out[kept], x[kept] / 0.7)
    assert np.array_equal(layer.backward(np.ones_like(x)), np.where(kept, 1 / 0.7, 0))
    # the pure pair with a fixed mask is an ordinary linear map: check it numerically
    dout = rng.normal(size=(4, 3))
    xs = rng.normal(size=(4, 3))
    _, mask = dropout_forward(xs, 0.5, np.random.default_rng(1))
    num = numerical_gradient_array(lambda v: dropout_forward(v, 0.5, np.random.default_rng(1))[0], xs, dout)
    assert rel_error(num, dropout_backward(dout, mask)) < TOL


def test_output_shapes_chain_through_a_cnn():
    layers = [Conv2D(8, 5), Activation(), MaxPool2D(2), Conv2D(16, 3), Activation(), MaxPool2D(2), Flatten(),
              Dense(10)]
    shape, shapes = (1, 28, 28), []
    for layer in layers:
        shape = layer.output_shape(shape)
        shapes.append(shape)
    assert shapes == [(8, 24, 24), (8, 24, 24), (8, 12, 12), (16, 10, 10), (16, 10, 10), (16, 5, 5), (400,),
                      (10,)]


def test_layer_names_for_people():
    cnn = Sequential([Conv2D(2, 3), Activation(), MaxPool2D(2), Conv2D(2, 2), Activation(), Flatten(), Dropout(0.1),
                      Dense(3)], (1, 8, 8)).initialize()
    assert layer_names(cnn.layers_) == ["conv 1", "conv 1", "conv 1", "conv 2", "conv 2", "conv 2", "conv 2",
                                        "dense 1"]
    assert cnn._dead_names() == ["conv 1", "conv 2"]  # what the guard says: the charts' names
    mlp = Sequential([Activation("tanh"), Dense(4), Activation(), Dense(4), Dense(2)], (3,)).initialize()
    assert layer_names(mlp.layers_) == ["input", "layer 1", "layer 1", "layer 2", "layer 3"]
    assert mlp._dead_names() == ["layer 1"]


def test_conv_kernels_take_one_gemm_shape_per_call():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 3, 6, 6)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    out, cache = conv_forward(x, w, b, (1, 1), ((1, 1), (1, 1)))
    dx, dw, db = conv_backward(np.ones_like(out), cache, need_dx=False)
    assert dx is None and dw.shape == w.shape and db.shape == b.shape


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: Conv2D(2, 3, stride=2.5), "stride"),
        (lambda: Conv2D(0, 3), "filters"),
        (lambda: Conv2D(2, (3, 3, 3)), "kernel_size"),
        (lambda: Conv2D(2, 3, padding="full"), "padding"),
        (lambda: Conv2D(2, 3, padding=-1), "padding"),
        (lambda: Conv2D(2, 3, init="zeros"), "init"),
        (lambda: AvgPool2D(0), "size"),
        (lambda: MaxPool2D(2, stride=0), "stride"),
        (lambda: Dense(-1), "units"),
        (lambda: Dense(3, init="ones"), "init"),
        (lambda: Dropout(1.5), "rate"),
        (lambda: Dropout(float("nan")), "rate"),
        (lambda: Activation("swish"), "activation"),
        (lambda: Activation(3), "name of an activation"),
    ],
)
def test_bad_layer_settings_are_refused_when_made(make, match):
    # (issue 22: these were stored and refused only at build, so a typo failed far from its line)
    with pytest.raises((ValueError, TypeError), match=match):
        make()


@pytest.mark.parametrize(
    "layer,shape,match",
    [
        (Conv2D(2, 9), (1, 8, 8), "larger"),
        (Conv2D(2, 3), (8, 8), r"\(C, H, W\)"),
        (MaxPool2D(2), (8, 8), r"\(C, H, W\)"),
        (Dense(3), (2, 4, 4), "Flatten"),
    ],
)
def test_layers_that_do_not_fit_their_input_are_refused_when_built(layer, shape, match):
    with pytest.raises((ValueError, TypeError), match=match):
        _built(layer, shape)


def test_settings_changed_after_making_are_checked_when_built():
    layer = Dense(3).set_params(units=0)
    with pytest.raises(ValueError, match="units"):
        _built(layer, (4,))


def test_backward_before_forward_says_so():
    for layer, shape in ((Dense(3), (4,)), (Activation(), (4,)), (Conv2D(2, 3), (1, 5, 5)), (MaxPool2D(2), (1, 4, 4)),
                         (Dropout(0.5), (4,))):
        for built in (False, True):
            if built:
                _built(layer, shape)
            with pytest.raises(NotFittedError, match="forward pass first"):
                layer.backward(np.ones((2, 3)))
    with pytest.raises(NotFittedError, match="forward pass first"):
        Flatten().backward(np.ones((2, 3)))


def test_layers_check_their_input():
    with pytest.raises(NotFittedError, match="build"):
        Dense(3).forward(np.ones((2, 4)))
    layer = _built(Conv2D(2, 3), (1, 5, 5))
    with pytest.raises(ValueError, match="expects a batch of shape"):
        layer.forward(np.ones((2, 5, 5)))
    with pytest.raises(ValueError, match="expects a batch of shape"):
        _built(Dense(3), (4,)).forward(np.ones((2, 5)))


# ------------------------------------------------------------------ torch
def _torch():
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    return torch


@pytest.mark.parametrize("shape,filters,kernel,stride,padding", CONV_CASES)
def test_conv2d_matches_torch(shape, filters, kernel, stride, padding):
    torch = _torch()
    layer = _built(Conv2D(filters, kernel, stride, padding), shape)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, *shape))
    out = layer.forward(x)
    dout = rng.normal(size=out.shape)
    dx = layer.backward(dout)
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(layer.W, requires_grad=True)
    bt = torch.tensor(layer.b, requires_grad=True)
    (top, bottom), (left, right) = layer._pad  # torch takes one padding per axis: pad first
    xt_padded = torch.nn.functional.pad(xt, (left, right, top, bottom))
    ref = torch.nn.functional.conv2d(xt_padded, wt, bt, stride=stride)
    ref.backward(torch.tensor(dout))
    assert np.allclose(out, ref.detach().numpy())
    for mine, theirs in zip([dx, *layer.grads], [xt, wt, bt]):
        assert np.allclose(mine, theirs.grad.numpy())


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("kernel", [(2, 4), (3, 2), 5])
def test_same_padding_matches_torch(kernel):
    torch = _torch()
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(2, 7, 9)), rng.normal(size=(3, 2, *np.broadcast_to(kernel, 2)))
    ref = torch.nn.functional.conv2d(torch.tensor(x)[None], torch.tensor(w), padding="same")[0]
    assert np.allclose(conv2d(x, w, padding="same"), ref.numpy())


@pytest.mark.parametrize("pool", ["max", "avg"])
@pytest.mark.parametrize("size,stride", [(2, None), (3, 2), ((2, 3), 1), ((2, 3), None), (2, (1, 2))])
def test_pooling_matches_torch(pool, size, stride):
    torch = _torch()
    layer = _built((MaxPool2D if pool == "max" else AvgPool2D)(size, stride), (3, 7, 8))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 7, 8))
    out = layer.forward(x)
    dout = rng.normal(size=out.shape)
    dx = layer.backward(dout)
    xt = torch.tensor(x, requires_grad=True)
    fn = torch.nn.functional.max_pool2d if pool == "max" else torch.nn.functional.avg_pool2d
    ref = fn(xt, size, stride)
    ref.backward(torch.tensor(dout))
    assert np.allclose(out, ref.detach().numpy()) and np.allclose(dx, xt.grad.numpy())


def test_maxpool_with_nan_matches_torch():
    torch = _torch()
    x = np.random.default_rng(0).normal(size=(2, 3, 6, 6))
    x[0, 0, 0, 1] = x[0, 1, 2:4, 2:4] = x[1, 2, 5, 5] = np.nan
    layer = _built(MaxPool2D(2), (3, 6, 6))
    out = layer.forward(x)
    dout = np.random.default_rng(1).normal(size=out.shape)
    dx = layer.backward(dout)
    xt = torch.tensor(x, requires_grad=True)
    ref = torch.nn.functional.max_pool2d(xt, 2)
    ref.backward(torch.tensor(dout))
    assert np.allclose(out, ref.detach().numpy(), equal_nan=True) and np.array_equal(dx, xt.grad.numpy())


def test_dense_matches_torch_linear():
    torch = _torch()
    layer = _built(Dense(4), (6,))
    rng = np.random.default_rng(0)
    x, dout = rng.normal(size=(5, 6)), rng.normal(size=(5, 4))
    out = layer.forward(x)
    dx = layer.backward(dout)
    lin = torch.nn.Linear(6, 4)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(layer.W.T))  # torch keeps (out, in)
        lin.bias.copy_(torch.tensor(layer.b))
    xt = torch.tensor(x, requires_grad=True)
    ref = lin(xt)
    ref.backward(torch.tensor(dout))
    assert np.allclose(out, ref.detach().numpy()) and np.allclose(dx, xt.grad.numpy())
    assert np.allclose(layer.grads[0], lin.weight.grad.numpy().T) and np.allclose(layer.grads[1], lin.bias.grad)
