"""The most one learner's action may allocate on the server, and the arithmetic that keeps it there.

A control that builds arrays (a convolution's working size, filters and stacked layers; a CSV's rows
under a loss surface) works out what its largest piece of work holds before allocating it, and does
the work in bands that fit the budget; when not even one band fits, the learner is told which setting
to lower.  A server holds up to 40 learners: one learner's action must not take gigabytes.
"""

from __future__ import annotations

BUDGET = 64 * 2**20  # bytes one action may hold at once, beyond what the page keeps
BAND = BUDGET // 4  # what a band of work takes of it: the rest is the page's own (its image, figures, copies)


class TooCostly(ValueError):
    """An action whose smallest piece exceeds the budget; the message names the setting to lower."""


def band_rows(bytes_per_row: int, rows: int, setting: str, budget: int = BAND) -> int:
    """How many of ``rows`` rows one band of the work may hold within ``budget`` (all when they fit).

    Raises :class:`TooCostly`, naming ``setting``, when a single row exceeds it.
    """
    if bytes_per_row > budget:
        raise TooCostly(
            f"This would need {bytes_per_row / 2**20:.0f} MB at once, more than one action may use on this "
            f"shared server ({budget / 2**20:.0f} MB). Lower the {setting}."
        )
    return max(1, min(rows, budget // max(1, bytes_per_row)))
