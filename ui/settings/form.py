"""Settings declared once.

A page lists its settings as a :class:`Form`; each declaration carries its URL key, default, range or
choices, label, help and whether a change applies to the running model (``live``) or starts it afresh.
The widgets (``ui.settings.widgets``), the URL round trip, the clamping and the reset key all come from it.
Settings that several pages offer are declared once in ``ui.settings.shared``; a page takes its own
default or range with :meth:`Setting.with_`.

Pure Python (no streamlit): tests and benchmarks build pages' models from exactly these values.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Callable

# One ladder each: pages take the stretch they need with :func:`ladder`.
LR_LADDER = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 3.0, 10.0, 30.0)
BATCH_LADDER = (1, 2, 5, 10, 20, 32, 50, 64, 100, 128, 256)


def ladder(values, lo, hi) -> tuple:
    """The rungs of a ladder between ``lo`` and ``hi`` (inclusive)."""
    return tuple(v for v in values if lo <= v <= hi)


def _number(text) -> float | None:
    try:
        x = float(text)
    except (TypeError, ValueError, OverflowError):
        return None
    return x if math.isfinite(x) else None


@dataclass(frozen=True)
class Setting:
    """One setting: ``key`` names it in the URL and in the session; subclasses know its type."""

    key: str
    default: Any
    label: str
    help: str = ""
    live: bool = False  # True: applied to the running model; False: a change starts a fresh one
    param: str | None = None  # the engine's name for a live setting it hands to the model (Form.training)
    aliases: tuple = ()  # former URL keys, still read from shared links (never written)

    def with_(self, note: str = "", **changes) -> Setting:
        """This setting with a page's own default, range or options, and ``note`` added to its help;
        key, label and help stay the ones declared once."""
        fixed = sorted({"key", "label", "help"} & set(changes))
        if fixed:
            raise TypeError(f"setting {self.key!r}: {', '.join(fixed)} come from its one declaration")
        if note:
            changes["help"] = f"{self.help} {note}"
        return replace(self, **changes)

    def parse(self, text: str):
        """The value a URL text stands for, brought into range; None if it stands for nothing valid."""
        raise NotImplementedError

    def encode(self, value) -> str:
        return str(value)

    def clean(self, value):
        """Any value (a widget's, a URL's) as a valid one: in range, or the default."""
        parsed = self.parse(self.encode(value))
        return self.default if parsed is None else parsed


@dataclass(frozen=True)
class Number(Setting):
    """A number in ``[lo, hi]``; whole if the default is an int.  ``widget``: "slider" or "number"."""

    lo: float = 0
    hi: float = 1
    step: float | None = None
    widget: str = "slider"
    fmt: str | None = None

    def parse(self, text):
        x = _number(text)
        if x is None:
            return None
        x = min(max(x, self.lo), self.hi)
        return int(round(x)) if isinstance(self.default, int) else float(x)


@dataclass(frozen=True)
class Choice(Setting):
    """One of ``options``.  Numeric options form a ladder: a number between rungs takes the nearest
    (on a log scale), so ``lr=0.05`` in a URL means 0.03 or 0.1, not the default.
    ``widget``: "select", "slider" (select_slider) or "radio"; ``labels`` maps options to display text."""

    options: tuple = ()
    widget: str = "select"
    labels: dict = field(default_factory=dict)

    def parse(self, text):
        for option in self.options:
            if str(option) == str(text):
                return option
        if all(isinstance(o, (int, float)) and o > 0 for o in self.options):
            x = _number(text)
            if x is not None and x > 0:
                return min(self.options, key=lambda o: abs(math.log(o) - math.log(x)))
        return None

    def label_of(self, option) -> str:
        return str(self.labels.get(option, option))


@dataclass(frozen=True)
class Flag(Setting):
    """On or off (``1``/``0`` in the URL)."""

    def parse(self, text):
        return {"1": True, "true": True, "0": False, "false": False}.get(str(text).strip().lower())

    def encode(self, value):
        return "1" if value else "0"


@dataclass(frozen=True)
class Subset(Setting):
    """Some of ``options`` (at least ``at_least``), comma-separated in the URL, kept in the options' order."""

    options: tuple = ()
    labels: dict = field(default_factory=dict)
    at_least: int = 1

    def parse(self, text):
        chosen = set(str(text).split(","))
        picked = [o for o in self.options if o in chosen]
        return picked if len(picked) >= self.at_least else None

    def encode(self, value):
        return ",".join(value)


@dataclass(frozen=True)
class Text(Setting):
    """Free text, one line of at most ``max_len`` characters (control characters become spaces): text a
    page parses itself (typed numbers; what it cannot read it ignores and says so), or a lesson's title
    or task, which pages show through ``ui.shell.text.plain``, never as markup.  ``widget``: "line" or
    "area"."""

    max_len: int = 200
    placeholder: str = ""
    widget: str = "line"

    def parse(self, text):
        s = "".join(" " if unicodedata.category(c).startswith("C") else c for c in str(text))
        return " ".join(s.split())[: self.max_len]


@dataclass(frozen=True)
class Layers(Setting):
    """Hidden layers: sizes (URL key ``layers``) and one activation each (URL key ``acts``).

    The value is a list of ``(units, activation)`` pairs; bad sizes are dropped, sizes clamped to
    ``1..max_units``, unknown activations replaced by the first of ``activations``.
    """

    activations: tuple = ()
    max_layers: int = 6
    max_units: int = 256
    url_keys: tuple = ("layers", "acts")

    def parse(self, text):
        sizes_text, _, acts_text = str(text).partition("|")
        sizes = [_number(v) for v in sizes_text.split(",") if v.strip()]
        sizes = [int(min(max(round(v), 1), self.max_units)) for v in sizes if v is not None][: self.max_layers]
        acts = acts_text.split(",") if acts_text else []
        if not acts and self.default:  # sizes without activations: the default's activation for all
            acts = [self.default[0][1]]
        # layers beyond the listed activations repeat the last one; an unknown name gets the first choice
        fill = acts[-1] if acts and acts[-1] in self.activations else self.activations[0]
        return [
            (n, (acts[i] if acts[i] in self.activations else self.activations[0]) if i < len(acts) else fill)
            for i, n in enumerate(sizes)
        ]

    def encode(self, value):
        return ",".join(str(n) for n, _ in value) + "|" + ",".join(a for _, a in value)

    def split(self, value) -> dict:
        """The two URL parameters."""
        sizes, acts = self.encode(value).split("|")
        return {self.url_keys[0]: sizes, self.url_keys[1]: acts}


class Form:
    """A page's settings, in display order, with an optional ``fix`` for rules between settings
    (e.g. two different iris features), applied after every parse."""

    def __init__(self, *settings: Setting, fix: Callable[[dict], dict] | None = None):
        self.settings = {s.key: s for s in settings}
        self.fix = fix or (lambda values: values)

    def __getitem__(self, key) -> Setting:
        return self.settings[key]

    def __iter__(self):
        return iter(self.settings.values())

    @property
    def defaults(self) -> dict:
        return self.fix({k: s.default for k, s in self.settings.items()})

    def from_query(self, query) -> dict:
        """Values from URL query parameters: unknown keys ignored, bad values replaced by defaults,
        numbers clamped to their ranges.  Never raises."""
        q = {k: (v[-1] if isinstance(v, list) and v else v) for k, v in dict(query).items()}
        values = {}
        for key, s in self.settings.items():
            if isinstance(s, Layers):
                sizes_key, acts_key = s.url_keys
                text = None if sizes_key not in q else f"{q[sizes_key]}|{q.get(acts_key, '')}"
            else:
                text = next((q[k] for k in (key, *s.aliases) if k in q), None)
            parsed = None if text is None else s.parse(str(text))
            values[key] = s.default if parsed is None else parsed
        return self.fix(values)

    def clean(self, values: dict) -> dict:
        """Widget or stored values made valid (missing ones take the default)."""
        return self.fix({k: s.clean(values.get(k, s.default)) for k, s in self.settings.items()})

    def to_query(self, values: dict, only=None) -> dict:
        """The values that differ from the defaults, as URL query parameters (short strings); ``only``:
        those of these settings."""
        out = {}
        for key, s in self.settings.items():
            if values[key] == s.default or (only is not None and key not in only):
                continue
            out.update(s.split(values[key]) if isinstance(s, Layers) else {key: s.encode(values[key])})
        return out

    def training(self, values: dict) -> dict:
        """The live settings the model takes, by their engine names (``{"optimizer": ..., "lr": ...}``)."""
        return {s.param: values[k] for k, s in self.settings.items() if s.live and s.param}

    def reset_key(self, values: dict) -> tuple:
        """The values whose change needs a fresh model (every setting not declared ``live``)."""
        return tuple(
            (k, s.encode(values[k])) for k, s in self.settings.items() if not s.live
        )
