"""Which classes a classifier gets right: the confusion matrix, per-class accuracy and precision.

Pure NumPy (no streamlit), for every page with classes (playground, iris, softmax regression).
A class with no examples has no accuracy, and one never predicted no precision: those are NaN,
for a page to show as "–" rather than a misleading 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.validation import check_labels, check_number


def confusion(y_true, y_pred, k: int) -> np.ndarray:
    """Counts ``(k, k)``: row = true class, column = predicted class."""
    k = check_number("k", k, 1, integer=True)
    t = check_labels(y_true, k=k, name="y_true")
    p = check_labels(y_pred, len(t), k, name="y_pred")
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k)


@dataclass
class ClassReport:
    """Per class (arrays of length K): ``support`` (true examples), ``correct``, ``recall`` (the
    class's accuracy: the share of its examples predicted as it) and ``precision`` (the share of
    the predictions of it that are right); ``matrix`` the confusion counts and ``accuracy`` overall."""

    names: list[str]
    matrix: np.ndarray
    support: np.ndarray
    correct: np.ndarray
    recall: np.ndarray
    precision: np.ndarray
    accuracy: float

    def rows(self) -> list[dict]:
        """One dict a class, ready for a table: class, examples, correct, accuracy, precision."""
        return [
            {"class": name, "examples": int(n), "correct": int(c), "accuracy": float(r), "precision": float(p)}
            for name, n, c, r, p in zip(self.names, self.support, self.correct, self.recall, self.precision)
        ]


def class_report(y_true, y_pred, names) -> ClassReport:
    """The report for labels ``0..K-1`` (``K = len(names)``) of true and predicted classes."""
    names = [str(n) for n in names]
    cm = confusion(y_true, y_pred, len(names))
    support, predicted, correct = cm.sum(axis=1), cm.sum(axis=0), np.diag(cm).copy()
    with np.errstate(invalid="ignore", divide="ignore"):  # 0 / 0: no examples, or never predicted
        recall = np.where(support > 0, correct / support, np.nan)
        precision = np.where(predicted > 0, correct / predicted, np.nan)
    total = int(support.sum())
    return ClassReport(names, cm, support, correct, recall, precision, correct.sum() / total if total else np.nan)
