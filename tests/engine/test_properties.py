"""Property tests: any input to these functions either works or raises ValueError/TypeError with a
message (the modules' own errors are ValueError subclasses), never IndexError, broadcast or matmul errors."""

import io
import re

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import weights_bytes
from engine.conv import conv2d, conv2d_naive
from engine.digits import preprocess_digit
from engine.features import feature_map
from engine.idx import load_idx_files, parse_idx
from engine.mlp import MLP
from engine.pooling import global_pool, pool2d
from engine.preprocess import MaxScaler, StandardScaler, mesh_grid, train_test_split
from engine.serialize import load_weights
from tests.hostile.idx import idx_bytes, mnist_files

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_NUMPY_FAILURE = re.compile(
    r"broadcast|matmul|out of bounds|zip\(\)|could not convert|too many indices", re.I
)


def works_or_refuses(call):
    """The call's result, or None when it refused with a ValueError/TypeError worth reading."""
    try:
        return call()
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        assert msg.strip() and not _NUMPY_FAILURE.search(msg), f"{type(exc).__name__}: {msg}"
        return None


def small_arrays(ndims=(1, 4), side=6, finite=False, dtype=np.float64):
    elements = st.floats(-1e3, 1e3) if finite else st.floats(allow_nan=True, allow_infinity=True, width=64)
    return st.integers(*ndims).flatmap(
        lambda n: hnp.arrays(
            dtype, hnp.array_shapes(min_dims=n, max_dims=n, min_side=0, max_side=side), elements=elements
        )
    )


ODD_INTS = st.one_of(st.integers(-2, 5), st.floats(-2, 5), st.booleans(), st.text(max_size=3), st.none())


@FAST
@given(
    x=small_arrays((2, 4), finite=True),
    w=small_arrays((3, 5), side=4, finite=True),
    stride=ODD_INTS,
    padding=st.one_of(st.integers(-1, 3), st.sampled_from(["same", "valid", "full", "1"]), st.floats(0, 2)),
    bias=st.one_of(st.none(), small_arrays((1, 2), side=4, finite=True)),
    pad_mode=st.sampled_from(["zero", "replicate", "mirror"]),
)
def test_conv2d_works_or_refuses(x, w, stride, padding, bias, pad_mode):
    out = works_or_refuses(lambda: conv2d(x, w, stride, padding, pad_mode, bias=bias))
    if out is not None:
        assert out.ndim == 3 and out.shape[0] == w.shape[0]
        assert np.allclose(out, conv2d_naive(x, w, stride, padding, pad_mode, bias=bias), atol=1e-6)


@FAST
@given(x=small_arrays((1, 4)), size=ODD_INTS, stride=ODD_INTS, mode=st.sampled_from(["max", "sum", "median"]))
def test_pooling_works_or_refuses(x, size, stride, mode):
    out = works_or_refuses(lambda: pool2d(x, size, stride, mode))
    if out is not None:
        assert out.ndim == 3 and out.shape[0] == x.shape[0]
    works_or_refuses(lambda: global_pool(x, mode))


@FAST
@given(
    X=small_arrays((1, 3), side=12),
    y=st.one_of(
        small_arrays((1, 2), side=12), hnp.arrays(np.int64, st.integers(0, 12), elements=st.integers(-3, 3))
    ),
    test_size=st.one_of(st.floats(allow_nan=True), st.integers(-1, 2), st.text(max_size=2)),
    stratify=st.booleans(),
)
def test_split_keeps_every_row_or_refuses(X, y, test_size, stratify):
    parts = works_or_refuses(lambda: train_test_split(X, y, test_size, 0, stratify))
    if parts is not None:
        X_tr, X_te, y_tr, y_te = parts
        assert (
            len(X_tr) + len(X_te) == len(X) == len(y) and len(X_tr) == len(y_tr) and len(X_te) and len(X_tr)
        )


@FAST
@given(
    X=small_arrays((1, 3)), other=small_arrays((1, 3)), scaler=st.sampled_from([MaxScaler, StandardScaler])
)
def test_scalers_work_or_refuse(X, other, scaler):
    fitted = works_or_refuses(lambda: scaler().fit(X))
    if fitted is not None:
        assert np.isfinite(fitted.transform(X)).all()
        works_or_refuses(lambda: fitted.transform(other))


@FAST
@given(img=small_arrays((1, 4), side=40), threshold=st.floats(-1, 2), min_ink=st.integers(-1, 20))
def test_digit_preprocessing_works_or_refuses(img, threshold, min_ink):
    digit = works_or_refuses(lambda: preprocess_digit(img, threshold, min_ink))
    if digit is not None:
        assert digit.shape == (28, 28) and 0 <= digit.min() and digit.max() <= 1


@FAST
@given(
    X2=small_arrays((1, 3)),
    names=st.lists(st.sampled_from(["x1", "x2", "x1x2", "sinx1", "nope"]), max_size=3),
    n=st.integers(-1, 50),
)
def test_features_and_grids_work_or_refuse(X2, names, n):
    works_or_refuses(lambda: feature_map(X2, names))
    grid = works_or_refuses(lambda: mesh_grid(X2, n))
    if grid is not None:
        assert grid[2].shape == (n * n, 2)


# ------------------------------------------------------------------ files from random bytes

IDX_HEADER = st.builds(
    lambda t, dims: bytes([0, 0, t, len(dims)]) + np.array(dims, ">u4").tobytes(),
    st.sampled_from([8, 8, 8, 9, 12]),
    st.lists(st.integers(0, 2**32 - 1) | st.integers(0, 40), max_size=4),
)


@FAST
@given(head=st.one_of(st.just(b""), IDX_HEADER, st.just(b"\x1f\x8b")), body=st.binary(max_size=300))
def test_idx_parsing_from_random_bytes(head, body):
    arr = works_or_refuses(lambda: parse_idx(head + body, "x.idx"))
    if arr is not None:
        assert arr.dtype == np.uint8 and arr.size == len(head + body) - len(head)


@FAST
@given(data=st.data())
def test_idx_sets_with_random_damage(data):
    files = mnist_files(n_train=3, n_test=2, gz=data.draw(st.booleans()))
    name = data.draw(st.sampled_from(sorted(files)))
    raw = bytearray(files[name])
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(raw)))
    files[name] = bytes(raw[:cut] if data.draw(st.booleans()) else raw)
    out = works_or_refuses(lambda: load_idx_files(files))
    if out is not None:
        assert out[0].shape[1:] == (28, 28) and len(out[0]) == len(out[1]) and out[1].max() <= 9


VALID_WEIGHTS = weights_bytes(MLP([4, 5, 3], activation="tanh").initialize())


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_load_weights_from_damaged_or_random_bytes(data):
    if data.draw(st.booleans()):
        raw = data.draw(st.binary(max_size=400))
    else:
        raw = bytearray(VALID_WEIGHTS)
        for _ in range(data.draw(st.integers(1, 6))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        raw = bytes(raw)
    model = works_or_refuses(lambda: load_weights(raw))
    if model is not None:
        assert model.predict_proba(np.zeros((2, model.layer_sizes[0]))).shape == (2, model.layer_sizes[-1])


def test_valid_weight_and_idx_files_stay_valid():
    """The corpora the properties damage start out good."""
    assert load_weights(io.BytesIO(VALID_WEIGHTS)).layer_sizes == [4, 5, 3]
    assert parse_idx(idx_bytes(np.zeros((2, 3)))).shape == (2, 3)
    assert load_idx_files(mnist_files(n_train=3, n_test=2))[0].shape == (5, 28, 28)
