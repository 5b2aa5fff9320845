"""Per-class accuracy, precision and the confusion matrix (ui.class_report)."""

import numpy as np
import pytest

from ui import mnist_setup
from ui.class_report import class_report, confusion


def test_confusion_matches_a_plain_count_and_the_mnist_helper():
    rng = np.random.default_rng(0)
    t, p = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    cm = confusion(t, p, 4)
    slow = np.zeros((4, 4), int)
    for a, b in zip(t, p):
        slow[a, b] += 1
    assert np.array_equal(cm, slow) and np.array_equal(cm, mnist_setup.confusion(t, p, 4))


def test_report_numbers():
    t = np.array([0, 0, 0, 1, 1, 2])
    p = np.array([0, 0, 1, 1, 0, 1])
    r = class_report(t, p, ["a", "b", "c"])
    assert r.matrix.tolist() == [[2, 1, 0], [1, 1, 0], [0, 1, 0]]
    assert r.support.tolist() == [3, 2, 1] and r.correct.tolist() == [2, 1, 0]
    assert r.recall[:2] == pytest.approx([2 / 3, 1 / 2]) and r.recall[2] == 0
    assert r.precision[:2] == pytest.approx([2 / 3, 1 / 3]) and np.isnan(r.precision[2])  # never predicted
    assert r.accuracy == pytest.approx(3 / 6)
    rows = r.rows()
    assert rows[0] == {"class": "a", "examples": 3, "correct": 2, "accuracy": pytest.approx(2 / 3),
                       "precision": pytest.approx(2 / 3)}


def test_a_class_without_examples_has_no_accuracy():
    r = class_report([0, 0, 1], [0, 1, 1], ["x", "y", "z"])
    assert np.isnan(r.recall[2]) and np.isnan(r.precision[2]) and r.support[2] == 0
    empty = class_report([], [], ["x", "y"])
    assert np.isnan(empty.accuracy) and empty.matrix.sum() == 0


@pytest.mark.parametrize("t,p,k,pattern", [
    ([0, 3], [0, 1], 3, "y_true must hold class labels 0..2"),
    ([0, 1], [0, 1, 1], 2, "y_pred must hold 2 class labels"),
    ([0, 1], [0, -1], 2, "y_pred must hold class labels"),
    ([0, 1], [0, 1], 0, "k must be >= 1"),
])
def test_bad_labels_are_named(t, p, k, pattern):
    with pytest.raises(ValueError, match=pattern):
        confusion(t, p, k)
