"""The confusion matrix (engine.metrics.confusion); R² is checked beside the regressions."""

import numpy as np
import pytest

from engine.metrics import confusion


def test_confusion_matches_a_plain_count():
    rng = np.random.default_rng(0)
    t, p = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    slow = np.zeros((4, 4), int)
    for a, b in zip(t, p):
        slow[a, b] += 1
    assert np.array_equal(confusion(t, p, 4), slow)


def test_confusion_counts_rows_true_columns_predicted():
    cm = confusion([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 0, 1], 3)
    assert cm.tolist() == [[2, 1, 0], [1, 1, 0], [0, 1, 0]]
    assert confusion([], [], 2).sum() == 0


@pytest.mark.parametrize("t,p,k,pattern", [
    ([0, 3], [0, 1], 3, "y_true must hold class labels 0..2"),
    ([0, 1], [0, 1, 1], 2, "y_pred must hold 2 class labels"),
    ([0, 1], [0, -1], 2, "y_pred must hold class labels"),
    ([0, 1], [0, 1], 0, "k must be >= 1"),
])
def test_bad_labels_are_named(t, p, k, pattern):
    with pytest.raises(ValueError, match=pattern):
        confusion(t, p, k)
