"""A tiny CNN's backward pass, written out: one 6x6 image, one 3x3 filter, 2x2 max pooling, one
sigmoid unit reading the pooled map (binary cross-entropy).

:func:`trace_cnn` runs the engine's own layers (``Conv2D``, ``MaxPool2D``, ``Flatten``, ``Dense`` in a
:class:`~engine.sequential.Sequential`) forward and back once and keeps what the backward pass does
that a dense network does not: the pool's *switches*, the one input of each window that won and alone
receives the window's gradient; and the filter's gradient as a sum over the positions the filter slid
over, each adding its input window times the gradient at that position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .backprop_trace import finite_difference
from .conv_layers import Conv2D, MaxPool2D
from .layers import Dense, Flatten
from .sequential import Sequential

SIZE, KERNEL, POOL = 6, 3, 2


@dataclass
class CnnTrace:
    image: np.ndarray  # (6, 6)
    kernel: np.ndarray  # (3, 3), before the step
    bias: float
    w_out: np.ndarray  # (4,) the readout's weights over the pooled map, row by row
    target: float
    conv: np.ndarray  # (4, 4) feature map
    pooled: np.ndarray  # (2, 2)
    switches: list  # per pooled cell (r, c): the (row, col) of the feature map that won its window
    z: float
    a: float
    loss: float
    delta: float  # dL/dz of the readout
    d_pooled: np.ndarray  # (2, 2)
    d_conv: np.ndarray  # (4, 4): the engine's pool backward, non-zero only at the switches
    windows: np.ndarray  # (4, 4, 3, 3): the input window under each filter position
    contributions: np.ndarray  # (4, 4, 3, 3): window times d_conv at each position
    running: np.ndarray  # (4, 4, 3, 3): the filter's gradient summed up to each position, row by row
    d_kernel: np.ndarray  # (3, 3), the engine's Conv2D gradient
    d_bias: float
    numeric_kernel: np.ndarray  # (3, 3) finite differences


def example_image() -> np.ndarray:
    """A bright diagonal stroke on a dark 6x6 ground: each pooling window has one clear winner."""
    img = np.full((SIZE, SIZE), 0.1)
    for i in range(SIZE):
        img[i, i] = 1.0
        if i + 1 < SIZE:
            img[i, i + 1] = 0.5
    return img


def build_cnn(kernel, bias: float, w_out, b_out: float, lr: float = 0.5) -> Sequential:
    """The tiny CNN with the given weights (a kernel (3, 3), readout weights (4,))."""
    net = Sequential([Conv2D(1, KERNEL), MaxPool2D(POOL), Flatten(), Dense(1)], input_shape=(1, SIZE, SIZE),
                     output="sigmoid", loss="bce", lr=lr, batch_size=1, optimizer="sgd").initialize()
    conv, dense = net.layers_[0], net.layers_[-1]
    conv.params[0][...] = np.asarray(kernel, dtype=float).reshape(1, 1, KERNEL, KERNEL)
    conv.params[1][...] = bias
    dense.params[0][...] = np.asarray(w_out, dtype=float).reshape(-1, 1)
    dense.params[1][...] = b_out
    return net


def trace_cnn(net: Sequential, image, target: float) -> CnnTrace:
    """Forward and backward once through the layers of :func:`build_cnn`'s network (weights unchanged)."""
    conv, pool, flat, dense = net.layers_
    x = np.asarray(image, dtype=float).reshape(1, 1, SIZE, SIZE)
    Y = np.array([[float(target)]])
    fmap = conv.forward(x, training=True)
    pooled = pool.forward(fmap, training=True)
    z = dense.forward(flat.forward(pooled, training=True), training=True)
    a = net._readout.value(z)
    loss = net._loss.value(a, Y)
    delta = net._loss.delta(z, a, Y, net._readout)
    d_pooled = flat.backward(dense.backward(delta))
    d_conv = pool.backward(d_pooled)
    conv.backward(d_conv)
    d_kernel, d_bias = conv.grads
    out = fmap.shape[-1]
    windows = np.array([[x[0, 0, r:r + KERNEL, c:c + KERNEL] for c in range(out)] for r in range(out)])
    contributions = windows * d_conv[0, 0][:, :, None, None]
    running = np.cumsum(contributions.reshape(out * out, KERNEL, KERNEL), axis=0).reshape(contributions.shape)
    switches = []
    for r in range(pooled.shape[2]):
        for c in range(pooled.shape[3]):
            window = fmap[0, 0, r * POOL:(r + 1) * POOL, c * POOL:(c + 1) * POOL]
            i, j = np.unravel_index(np.argmax(window), window.shape)  # the first maximum, as the engine
            switches.append((r * POOL + int(i), c * POOL + int(j)))
    numeric = finite_difference(net, x, Y, conv.params[0])[0, 0]
    return CnnTrace(
        image=x[0, 0], kernel=conv.W[0, 0].copy(), bias=float(conv.b[0]), w_out=dense.W[:, 0].copy(),
        target=float(target), conv=fmap[0, 0], pooled=pooled[0, 0], switches=switches, z=float(z[0, 0]),
        a=float(a[0, 0]), loss=loss, delta=float(delta[0, 0]), d_pooled=d_pooled[0, 0], d_conv=d_conv[0, 0],
        windows=windows, contributions=contributions, running=running, d_kernel=d_kernel[0, 0],
        d_bias=float(d_bias[0]), numeric_kernel=numeric,
    )
