"""Bad arguments get a ValueError or TypeError that names them; never an IndexError or a NumPy
broadcast/matmul error.  Explicit cases first, then Hypothesis over the public entry points."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from engine import (
    MLP,
    LinearRegressionGD,
    LinearRegressionOLS,
    LogisticRegressionGD,
    NotFittedError,
    SoftmaxRegressionGD,
    one_hot,
    validation,
)
from engine.conv import conv2d
from engine.conv_layers import AvgPool2D, Conv2D, MaxPool2D
from engine.layers import Activation, Dense, Dropout, Flatten
from engine.pooling import pool2d
from engine.regression import critical_learning_rate
from engine.sequential import Sequential
from engine.validation import check_number

OK_ERRORS = (ValueError, TypeError)


def test_one_hot_refuses_bad_labels():
    assert one_hot([2, 0], 3).tolist() == [[0, 0, 1], [1, 0, 0]]
    assert one_hot(np.array([1.0, 0.0]), 2).tolist() == [[0, 1], [1, 0]]  # whole floats are labels
    for bad, match in (([3], "0..2"), ([-1], "label -1"), ([0.5], "whole-number"), ([[0, 1]], "flat"),
                       (["a"], "whole-number")):
        with pytest.raises(OK_ERRORS, match=match):
            one_hot(bad, 3)
    with pytest.raises(ValueError, match="k must be >= 1"):
        one_hot([0], 0)


@pytest.mark.parametrize(
    "X,y,match",
    [
        (np.ones((5, 3)), np.zeros(5, int), r"shape \(N, 4\)"),
        (np.ones(4), np.zeros(1, int), r"shape \(N, 4\)"),
        (np.ones((0, 4)), np.zeros(0, int), "empty"),
        ([[1, 2, 3, 4], [1, 2]], [0, 1], "rectangular"),
        (np.full((2, 4), np.inf), [0, 1], "NaN or infinite"),
        (np.array([["a"] * 4]), [0], "numbers"),
        (np.ones((3, 4)) * 1j, [0, 1, 2], "real"),
        (np.ones((3, 4)), [0, 1], "3 class labels"),
        (np.ones((3, 4)), [0, 1, 3], "0..2"),
        (np.ones((3, 4)), [0, -1, 2], "label -1"),
        (np.ones((3, 4)), [0, 1.5, 2], "whole-number"),
        (np.ones((3, 4)), [[0, 1, 2]], "flat"),
    ],
)
def test_mlp_refuses_bad_data(X, y, match):
    with pytest.raises(OK_ERRORS, match=match):
        MLP([4, 5, 3]).fit(X, y)


def test_int_and_bool_inputs_are_cast():
    X = np.arange(24).reshape(6, 4) % 3
    y = np.array([0, 1, 2, 0, 1, 2])
    assert MLP([4, 5, 3], epochs=2).fit(X, y).predict(X).dtype.kind == "i"
    assert MLP([4, 3], epochs=1).fit(X > 1, y).status_ == "done"


def test_changing_y_in_place_is_seen():
    # the validation used to be cached by object identity: an in-place change slipped through
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 4)), rng.integers(0, 3, 20)
    model = MLP([4, 5, 3]).partial_fit(X, y, 1)
    y[3] = 7
    with pytest.raises(ValueError, match="label 7"):
        model.partial_fit(X, y, 1)
    y[3] = 0
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.partial_fit(X, y, 1)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(lr=-1), "lr must be > 0"),
        (dict(lr="0.1"), "lr must be a number"),
        (dict(lr=float("inf")), "lr must be a finite number"),
        (dict(batch_size=2.5), "batch_size must be a whole number"),
        (dict(epochs=-3), "epochs must be >= 0"),
        (dict(l1=-0.1), "l1 must be >= 0"),
        (dict(l2=-100), "l2 must be >= 0"),
        (dict(output="relu"), "output must be one of"),
        (dict(loss="hinge"), "loss must be one of"),
        (dict(init="zeros"), "init must be one of"),
        (dict(optimizer="adagrad"), "optimizer must be one of"),
        (dict(dtype="int32"), "dtype must be one of"),
        (dict(seed=-1), "seed must be >= 0"),
        (dict(monitor_every=0), "monitor_every must be >= 1"),
        (dict(eval_max_rows=0), "eval_max_rows must be >= 1"),
        (dict(divergence_factor=1), "divergence_factor must be > 1"),
        (dict(layer_sizes=[4, 0, 3]), "layer_sizes must be >= 1"),
        (dict(layer_sizes="4,3"), "layer_sizes needs"),
        (dict(activation=["relu"] * 2), "2 activations for 1 hidden"),
        (dict(activation=3), "activation must be a name"),
    ],
)
def test_mlp_refuses_bad_settings_at_fit(kwargs, match):
    X, y = np.ones((4, 4)), np.array([0, 1, 2, 0])
    model = MLP(**{"layer_sizes": [4, 5, 3], **kwargs})  # storing them is fine ...
    with pytest.raises(OK_ERRORS, match=match):  # ... using them is not
        model.fit(X, y)


def test_one_rule_for_whole_numbers():
    # engine.checks used to refuse 2.0 where engine.validation took it: now every count refuses a float
    X, y = np.ones((4, 4)), np.array([0, 1, 2, 0])
    image, kernels = np.ones((1, 6, 6)), np.ones((1, 1, 3, 3))
    for call in (
        lambda: MLP([4, 3], batch_size=2.0).fit(X, y),
        lambda: Sequential([Conv2D(2, 3, stride=2.0)], (1, 6, 6)).fit(X, y),
        lambda: conv2d(image, kernels, 2.0),
        lambda: pool2d(image, 2.0),
        lambda: check_number("n", np.float64(2), integer=True),
    ):
        with pytest.raises(TypeError, match="must be a whole number"):
            call()
    assert check_number("n", np.int64(2), 1, integer=True) == 2
    assert type(check_number("n", np.int8(2), integer=True)) is int
    for bad in (True, np.bool_(True), None, "2"):
        with pytest.raises(TypeError, match="n must be a whole number"):
            check_number("n", bad, integer=True)


def test_calls_before_fit_and_bad_call_arguments():
    model = MLP([4, 3])
    for call in (lambda: model.predict(np.ones((1, 4))), lambda: model.score(np.ones((1, 4)), [0]),
                 lambda: model.layer_outputs(np.ones((1, 4))), lambda: model.parameters()):
        with pytest.raises(NotFittedError, match="initialize"):
            call()
    X, y = np.ones((4, 4)), np.array([0, 1, 2, 0])
    model.partial_fit(X, y, 1)
    for kwargs, match in ((dict(n_batches=-1), "n_batches"), (dict(n_batches=1.5), "n_batches"),
                          (dict(time_budget=-1), "time_budget"), (dict(X_test=np.ones((2, 4))), "y_test")):
        with pytest.raises(OK_ERRORS, match=match):
            model.partial_fit(X, y, **kwargs)
    with pytest.raises(ValueError, match="Y must be one-hot"):
        model.loss_and_grads(X, np.ones((4, 2)))
    with pytest.raises(ValueError, match="lr must be > 0"):
        model.set_params(lr=0)


def test_sequential_refuses_bad_declarations():
    X, y = np.ones((2, 1, 6, 6)), [0, 1]
    for layers, shape, match in (
        ([Conv2D(2, 3)], (1, 6, 6), r"shape \(K,\)"),
        ([Dense(2)], (1, 6, 6), "Flatten"),
        (["dense"], (4,), "list of layers"),
        ([], (4,), "empty"),
        ([Flatten(), Dense(2)], "6x6", "input_shape"),
        ([Conv2D(2, 7), Flatten(), Dense(2)], (1, 6, 6), "larger"),
    ):
        with pytest.raises(OK_ERRORS, match=match):
            Sequential(layers, shape).fit(X, y)


# ------------------------------------------------------------- Hypothesis
def _junk_scalars():
    # sizes stay modest: asking for a 3e9-column array is a MemoryError, not a malformed argument
    floats = st.one_of(st.floats(-1e3, 1e3), st.sampled_from([np.nan, np.inf, -np.inf]))
    return st.one_of(
        st.none(), st.booleans(), st.text(max_size=3), st.integers(-3, 40), floats,
        st.lists(st.integers(0, 3), max_size=3),
    )


def _arrays():
    dtypes = st.sampled_from([np.float64, np.float32, np.int64, np.int8, np.bool_, np.complex128, np.str_])
    shapes = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5)
    return hnp.arrays(dtypes, shapes, elements=None)


def _labels():
    return st.one_of(_arrays(), st.lists(st.integers(-2, 12), max_size=6), st.lists(st.floats(), max_size=4))


def _works_or_says_why(call):
    try:
        call()
    except OK_ERRORS as exc:
        assert str(exc), "an error without a message"


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(X=_arrays(), y=_labels())
def test_mlp_with_any_data(X, y):
    _works_or_says_why(lambda: MLP([4, 3, 3], epochs=1).fit(X, y).predict(X))


@SETTINGS
@given(
    lr=_junk_scalars(), batch_size=_junk_scalars(), l2=_junk_scalars(), epochs=st.integers(-2, 2),
    sizes=st.lists(st.one_of(st.integers(-1, 4), st.floats(0, 4)), max_size=4),
)
def test_mlp_with_any_settings(lr, batch_size, l2, epochs, sizes):
    X = np.random.default_rng(0).normal(size=(6, len(sizes) and 3))
    y = np.array([0, 1, 0, 1, 0, 1])
    _works_or_says_why(
        lambda: MLP(sizes, lr=lr, batch_size=batch_size, l2=l2, epochs=epochs).fit(X, y).score(X, y)
    )


@SETTINGS
@given(y=_labels(), k=_junk_scalars())
def test_one_hot_with_anything(y, k):
    _works_or_says_why(lambda: one_hot(y, k))


LAYERS = st.sampled_from([
    lambda: Conv2D(2, 3), lambda: Conv2D(2, (2, 3), stride=2, padding="same"), lambda: Conv2D(1, 3, padding=1),
    lambda: MaxPool2D(2), lambda: AvgPool2D(3, 1), lambda: Flatten(), lambda: Dense(3), lambda: Activation("tanh"),
    lambda: Dropout(0.3),
])


@SETTINGS
@given(
    makers=st.lists(LAYERS, min_size=1, max_size=4),
    shape=st.lists(st.integers(0, 6), min_size=1, max_size=3).map(tuple),
    X=_arrays(),
    y=_labels(),
)
def test_sequential_with_any_layers_and_data(makers, shape, X, y):
    net = Sequential([make() for make in makers], shape, epochs=1)
    _works_or_says_why(lambda: net.fit(X, y).predict(X))


@SETTINGS
@given(make=LAYERS, shape=st.lists(st.integers(0, 6), max_size=3).map(tuple), X=_arrays())
def test_layers_with_any_input(make, shape, X):
    layer = make()

    def call():
        layer.build(shape)
        out = layer.forward(X, training=True)
        layer.backward(np.ones_like(out))

    _works_or_says_why(call)


ESTIMATORS = st.sampled_from([LinearRegressionGD, LinearRegressionOLS, LogisticRegressionGD, SoftmaxRegressionGD])


@SETTINGS
@given(cls=ESTIMATORS, X=_arrays(), y=_labels(), lr=_junk_scalars())
def test_regression_with_anything(cls, X, y, lr):
    est = cls() if cls is LinearRegressionOLS else cls(lr=lr, n_iter=3)
    _works_or_says_why(lambda: est.fit(X, y).predict(X))
    _works_or_says_why(lambda: critical_learning_rate(X, lr))


@SETTINGS
@given(
    makers=st.lists(LAYERS, min_size=1, max_size=5),
    shape=st.lists(st.integers(1, 7), min_size=1, max_size=3).map(tuple),
    n=st.integers(1, 4),
    data=st.data(),
)
def test_sequential_with_well_formed_data(makers, shape, n, data):
    """Rows of the declared shape (so that training really runs), any values and labels."""
    X = data.draw(hnp.arrays(np.float64, (n, *shape), elements=st.floats(-1e3, 1e3) | st.just(np.nan)))
    y = data.draw(hnp.arrays(np.int64, n, elements=st.integers(-1, 4)))
    net = Sequential([make() for make in makers], shape, epochs=2, batch_size=2)
    _works_or_says_why(lambda: net.fit(X, y).predict(X))


def test_data_that_cannot_change_is_checked_once_and_data_that_can_at_every_call(monkeypatch):
    """Issue 21: a network trained a piece at a time on the same data checks it at every call; a
    read-only array over read-only memory found finite once is not checked again."""
    passes = []  # the size of each array that got a full pass (and was found finite)
    real = validation.unchangeable
    monkeypatch.setattr(validation, "unchangeable", lambda a: passes.append(a.size) or real(a))
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 2)), rng.integers(0, 2, 40)
    net = MLP([2, 4, 2], epochs=1, seed=0)
    net.partial_fit(X, y, 2)
    net.partial_fit(X, y, 2)
    assert passes.count(X.size) == 2  # writeable: checked at each call
    X.flags.writeable = False
    passes.clear()
    for _ in range(3):
        net.partial_fit(X, y, 2)
    assert passes.count(X.size) == 1
    view = X[:30]  # a view of the frozen array is frozen too: its own first check, then none
    passes.clear()
    net.partial_fit(view, y[:30], 1)
    net.partial_fit(view, y[:30], 1)
    assert passes.count(view.size) == 1
    base = np.zeros((40, 2))
    frozen_view = base[:]
    frozen_view.flags.writeable = False  # read-only, but its memory can still change through base
    net.partial_fit(frozen_view, y, 1)
    base[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        net.partial_fit(frozen_view, y, 1)
