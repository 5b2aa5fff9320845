"""Issue 22, engine: layers refuse junk when made, estimators when fitted (scikit-learn's rule, the
house style), and the calls that used to fail with AttributeError, MemoryError or NaN say why.

Hypothesis draws junk for every parameter of every layer constructor and estimator: each either
works or raises ValueError/TypeError with a message (``works_or_refuses``), never anything else."""

import inspect
import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import (
    MLP,
    Activation,
    AvgPool2D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    LinearRegressionGD,
    LogisticRegressionGD,
    MaxPool2D,
    ModelFileError,
    Sequential,
    SoftmaxRegressionGD,
    critical_learning_rate,
    get_optimizer,
    load_mnist,
    load_weights,
    lr_range_test,
    save_weights,
    train_test_split,
    weights_bytes,
)
from tests.engine.test_properties import FAST, works_or_refuses
from tests.hostile.idx import mnist_files

RNG = np.random.default_rng(0)
X4 = RNG.normal(size=(24, 4))
Y2 = (X4[:, 0] > 0).astype(int)


def _mlp():
    return MLP([4, 5, 2], epochs=1).initialize()


BAD = [
    (lambda: load_weights(None), TypeError, "file must be bytes, a path or a binary file"),
    (lambda: load_weights(5), TypeError, "got int"),
    (lambda: load_weights("/no/such/weights.npz"), ModelFileError, "no weights file at the path given"),
    (lambda: load_weights("/"), ModelFileError, "a folder"),
    (lambda: save_weights(_mlp(), None), TypeError, "file must be a path"),
    (lambda: save_weights("model", "x.npz"), TypeError, "model must be an MLP"),
    (lambda: load_mnist(files=[]), TypeError, "files must map"),
    (lambda: load_mnist(files={**mnist_files(n_train=3, n_test=2), "t10k-labels-idx1-ubyte.gz": None}), TypeError,
     "must be bytes"),
    (lambda: load_mnist(folder=5), TypeError, "folder must be a path"),
    (lambda: load_mnist(scale="no"), TypeError, "scale must be True or False"),
    (lambda: MLP([4, 5, 2], seed=2**64).fit(X4, Y2), ValueError, "seed must be >= 0 and <= 4294967295"),
    (lambda: train_test_split(X4, Y2, seed=2**64), ValueError, "seed must be"),
    (lambda: MLP([4, 5, 2], lr=2**2000).fit(X4, Y2), ValueError, "lr must be a finite number"),
    (lambda: MLP([4, 5, 2]).fit(X4.astype("timedelta64[s]"), Y2), TypeError, "real numbers"),
    (lambda: train_test_split(X4.astype("timedelta64[s]"), Y2), TypeError, "real numbers"),
    (lambda: train_test_split(X4.astype(str), Y2), TypeError, "real numbers"),
    (lambda: train_test_split(X4, Y2, stratify="yes"), TypeError, "stratify must be True or False"),
    (lambda: get_optimizer("sgd", -1), ValueError, "lr must be > 0"),
    (lambda: get_optimizer("adam", float("nan")), ValueError, "lr must be a finite number"),
    (lambda: get_optimizer(3), TypeError, "optimizer must be a name"),
    (lambda: lr_range_test(MLP([4, 5, 2]), X4, Y2, lr_max=1e308), ValueError, "lr_max must be .* <= 1000"),
]


@pytest.mark.parametrize("call,error,pattern", BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_calls_say_why(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_a_network_too_big_is_refused_before_anything_is_allocated():
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"8,000,000,003 parameters: 59.6 GiB .* Use fewer units"):
            MLP([4, 10**9, 3]).fit(X4, Y2)  # (it used to ask NumPy for 29.8 GiB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10e6
    with pytest.raises(ValueError, match="parameters"):
        Sequential([Conv2D(10**5, 30), Flatten(), Dense(2)], (3, 32, 32)).initialize()


def test_the_critical_rate_is_never_nan():
    assert critical_learning_rate(X4) > 0
    assert critical_learning_rate(X4 * 1e200) == 0.0  # no positive float converges: its A'A overflowed before
    assert critical_learning_rate(np.zeros((3, 2))) == 2.0


@FAST
@given(scale=st.floats(-300, 300), l2=st.floats(0, 1e300))
def test_the_critical_rate_is_a_number_at_any_scale(scale, l2):
    lr = critical_learning_rate(X4 * 10.0**scale, l2)
    assert np.isfinite(lr) and lr >= 0


def test_a_run_that_ends_at_chance_level_says_so():
    y = np.arange(24) % 2  # labels the inputs say nothing about, and a rate too small to memorise them
    model = MLP([4, 5, 2], lr=1e-6, epochs=2, batch_size=24).fit(X4, y)
    assert model.status_ == "done" and "near chance level" in model.message_ and "0.50" in model.message_
    learned = MLP([4, 5, 2], lr=0.5, epochs=30).fit(X4, Y2)
    assert learned.status_ == "done" and learned.message_ == ""


def test_absurd_weights_are_refused_at_load():
    model = _mlp()
    model.weights_[0][0, 0] = 1e300
    with pytest.raises(ModelFileError, match=r"W0 holds values beyond ±1e\+06"):
        load_weights(weights_bytes(model))


# -------------------------------------------------------------- Hypothesis, every parameter
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 12), st.integers(2**62, 2**70), st.floats(allow_nan=True),
    st.text(max_size=4), st.sampled_from(["same", "valid", "relu", "he", "sgd", "adam", "yes"]),
    st.tuples(st.integers(-1, 4), st.integers(-1, 4)), st.lists(st.integers(0, 3), max_size=3),
)
LAYERS = [Dense, Activation, Dropout, Flatten, Conv2D, MaxPool2D, AvgPool2D]
SHAPES = {Dense: (4,), Activation: (4,), Dropout: (4,), Flatten: (1, 6, 6), Conv2D: (1, 6, 6),
          MaxPool2D: (1, 6, 6), AvgPool2D: (1, 6, 6)}


# what sets how long a fit runs: junk, but never 2**62 epochs of honest work
LONG = {"epochs", "n_iter"}
SHORT_JUNK = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True), st.text(max_size=2))


def _junk_kwargs(cls, data) -> dict:
    """Junk for some of ``cls``'s parameters (as get_params lists them: the MLP's include Sequential's)."""
    return {name: data.draw(SHORT_JUNK if name in LONG else JUNK, label=name)
            for name in cls._param_names() if data.draw(st.booleans())}


def _positional(cls) -> list[str]:
    return [n for n, p in inspect.signature(cls.__init__).parameters.items()
            if n != "self" and p.default is inspect.Parameter.empty]


@FAST
@given(cls=st.sampled_from(LAYERS), data=st.data())
def test_every_layer_refuses_junk_when_made_or_works(cls, data):
    kwargs = _junk_kwargs(cls, data)
    for name in _positional(cls):
        kwargs.setdefault(name, 2)
    layer = works_or_refuses(lambda: cls(**kwargs))
    if layer is None:
        return
    # made: its settings are good, so building it on an input it fits either works or says the input does not fit
    shape = SHAPES[cls]
    x = RNG.normal(size=(2, *shape))

    def run():
        layer.build(shape, RNG)
        out = layer.forward(x, training=True)
        return layer.backward(np.ones_like(out))

    works_or_refuses(run)


ESTIMATORS = [
    (lambda **kw: MLP(**{"layer_sizes": [4, 3, 2], "epochs": 1, **kw}), MLP, Y2),
    (lambda **kw: Sequential(**{"layers": [Dense(3), Activation("tanh"), Dense(2)], "input_shape": (4,),
                                "epochs": 1, **kw}), Sequential, Y2),
    (lambda **kw: LinearRegressionGD(**{"n_iter": 3, **kw}), LinearRegressionGD, X4[:, 0]),
    (lambda **kw: LogisticRegressionGD(**{"n_iter": 3, **kw}), LogisticRegressionGD, Y2),
    (lambda **kw: SoftmaxRegressionGD(**{"n_iter": 3, **kw}), SoftmaxRegressionGD, Y2),
]


@FAST
@given(which=st.sampled_from(ESTIMATORS), data=st.data())
def test_every_estimator_parameter_works_or_refuses_at_fit(which, data):
    make, cls, y = which
    kwargs = _junk_kwargs(cls, data)
    kwargs.pop("layers", None), kwargs.pop("input_shape", None)  # (the declaration has its own tests)
    if isinstance(kwargs.get("layer_sizes"), list):
        kwargs["layer_sizes"] = [4, *kwargs["layer_sizes"], 2]
    model = make(**kwargs)  # storing them is fine: scikit-learn's rule
    works_or_refuses(lambda: model.fit(X4, y).predict(X4))
