"""Lesson links: a page's settings with some of them locked, a title, a task and an optional goal.

A teacher sets a page up, ticks what learners may change and copies a link.  The link is plain URL
parameters, declared here as a Form (:func:`lesson_form`) and so parsed, clamped and cut like every
other setting.  The locked settings travel in one parameter of their own (``fix``, the page's own query
for them): a learner who edits ``lr=`` in the address changes nothing that is locked.

A goal is read off the history the page records anyway (a metric past a threshold, within an epoch
limit, with at most so many neurons): checking it trains nothing, so a goal costs the server no more
than the same settings by hand.

Pure Python (no streamlit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from ui.settings.form import Choice, Flag, Form, Layers, Number, Subset, Text

MAX_FIX = 2000  # characters of the locked settings' query: more than any page's settings need
# metric -> (what the page calls it, True if higher is better)
GOALS = {
    "test_acc": ("test accuracy", True),
    "train_acc": ("train accuracy", True),
    "test_loss": ("test loss", False),
    "train_loss": ("train loss", False),
}
LESSON_KEYS = ("lesson", "task", "open", "hide", "goal", "goal_at", "goal_units", "goal_epochs", "fix")


def lesson_form(page: Form) -> Form:
    """What a lesson link carries on a page with the settings ``page``.  Pages that train in epochs (they
    have an ``epochs`` setting) offer a goal; a neuron limit needs hidden layers to count."""
    settings = [
        Text("lesson", "", "title", "Shown at the top of the page, as plain text.", max_len=80),
        Text("task", "", "task", "What learners should do, e.g. 'Reach 90% test accuracy on the spiral with at "
             "most 6 neurons.' Shown as plain text.", max_len=400, widget="area"),
        Subset("open", list(page.settings), "learners may change",
               "The settings learners can change; the others are locked at this page's values.",
               options=tuple(page.settings), labels={k: s.label for k, s in page.settings.items()}, at_least=0),
        Flag("hide", False, "hide locked settings", "Leave locked settings out of the sidebar instead of showing "
             "them greyed out."),
    ]
    if "epochs" in page.settings:
        settings += [
            Choice("goal", "none", "goal", "A metric the page checks while the learner trains; it says when the "
                   "goal is met and at which epoch.", options=("none", *GOALS),
                   labels={"none": "no goal", **{k: v[0] for k, v in GOALS.items()}}),
            Number("goal_at", 0.9, "goal threshold", "Accuracy at least this (0.9 is 90%), or loss at most "
                   "this.", lo=0.0, hi=10.0, step=0.01, widget="number"),
            Number("goal_epochs", 0, "within epochs", "The goal counts only if met by this epoch (0: any).",
                   lo=0, hi=5000, widget="number"),
        ]
        if any(isinstance(s, Layers) for s in page):
            settings.append(Number("goal_units", 0, "at most neurons", "The goal counts only with at most this "
                                   "many hidden neurons in all (0: any).", lo=0, hi=2048, widget="number"))
    return Form(*settings)


def hidden_units(values: dict) -> int:
    return sum(n for n, _ in values.get("layers", ()))


@dataclass
class Lesson:
    """A lesson opened from a link: ``info`` holds its :func:`lesson_form` values, ``fixed`` the page's
    settings with the locked ones at the teacher's values."""

    page: Form
    info: dict
    fixed: dict

    @classmethod
    def from_query(cls, query: dict, page: Form) -> Lesson | None:
        """The lesson a URL's parameters describe, validated; None where they hold none (no ``open``)."""
        q = {k: (v[-1] if isinstance(v, list) and v else v) for k, v in dict(query).items()}
        if "open" not in q:
            return None
        fixed = page.from_query(dict(parse_qsl(str(q.get("fix", ""))[:MAX_FIX])))
        return cls(page, lesson_form(page).from_query(q), fixed)

    @staticmethod
    def link(page: Form, values: dict, info: dict) -> dict:
        """The URL parameters of a lesson on ``page`` set up as ``values`` (``info``: its lesson_form values)."""
        form = lesson_form(page)
        query = {**form.to_query(info), "open": ",".join(info["open"])}
        locked = [k for k in page.settings if k not in info["open"]]
        fix = page.to_query(values, only=locked)
        if fix:
            query["fix"] = urlencode(fix)
        return {**query, **page.to_query(values, only=info["open"])}

    def locked(self, key: str) -> bool:
        return key not in self.info["open"]

    @property
    def hides(self) -> bool:
        return self.info["hide"]

    def impose(self, values: dict) -> dict | None:
        """``values`` with the locked settings at the lesson's, made valid; None where the page's rules
        between settings cannot keep them so (an open setting chosen against a locked one)."""
        locks = {k: v for k, v in self.fixed.items() if self.locked(k)}
        out = self.page.clean({**values, **locks})
        return out if all(out[k] == v for k, v in locks.items()) else None

    def to_query(self, values: dict) -> dict:
        """The lesson's parameters and the open settings' values: what the page's address says."""
        return Lesson.link(self.page, values, self.info)

    # ------------------------------------------------------------------ the goal
    @property
    def goal(self) -> str | None:
        return None if self.info.get("goal", "none") == "none" else self.info["goal"]

    def goal_text(self) -> str:
        """The goal in words, or "" without one."""
        if not self.goal:
            return ""
        name, higher = GOALS[self.goal]
        at = self.info["goal_at"]
        text = f"{name} {'at least' if higher else 'at most'} {_metric(self.goal, at)}"
        if self.info.get("goal_units"):
            text += f" with at most {self.info['goal_units']} hidden neurons"
        if self.info.get("goal_epochs"):
            text += f" within {self.info['goal_epochs']} epochs"
        return text

    def check(self, history: dict, values: dict) -> tuple[bool, str]:
        """``(met, what to say)`` for a run with these settings and this history (``engine`` ``history_``)."""
        name, higher = GOALS[self.goal]
        units, most = hidden_units(values), self.info.get("goal_units", 0)
        if most and units > most:
            return False, f"🎯 Goal: {self.goal_text()}. This network has {units} hidden neurons: too many."
        limit = self.info.get("goal_epochs") or math.inf
        at = self.info["goal_at"]
        for epoch, x in zip(history.get("epoch", ()), history.get(self.goal, ())):
            if epoch > limit:
                break
            if math.isfinite(x) and (x >= at if higher else x <= at):
                return True, f"🎯 Goal met: {name} {_metric(self.goal, x)} at epoch {round(epoch, 2):g}."
        now = history.get(self.goal) or [math.nan]
        late = " (past the epoch limit: Reset and try again)" if history.get("epoch", [0])[-1] > limit else ""
        return False, f"🎯 Goal: {self.goal_text()}. Now {_metric(self.goal, now[-1])}{late}."


def _metric(key: str, x: float) -> str:
    if not math.isfinite(x):
        return "–"
    return f"{x:.1%}" if key.endswith("acc") else f"{x:.3g}"
