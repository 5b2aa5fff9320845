"""What the live canvas (``static/live/``) reads, declared once: the frame, the layout, the panel specs.

Each frame's header is a :class:`Header`.  Its :class:`Layout`, sent once per series, lists the
panels as specs, one class per panel type (``field``, ``curves``, ``network``, ``tiles``,
``matrix``, ``bars``), each drawn by ``static/live/panels/<type>.js``; each :class:`Snapshot`
updates panels by id with the keys their type lists in ``updates``.  A field's name is the name the
canvas reads (``spec.<name>``, ``this.data.<name>``, ``frame.<name>``: hence the camelCase ones),
and None leaves it out of the frame, so the canvas uses its default.  Pages build specs from these
classes: a misspelt field is an error here, not a panel that quietly ignores it.
``tests/app/test_protocol.py`` holds every declaration against what the JS reads, both ways.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import numpy as np

from ui.charts.palette import SERIES_COLORS

Array = np.ndarray


@dataclass(kw_only=True, slots=True)
class Message:
    """A declared part of a frame; it travels as a dict of its fields that are set."""

    def wire(self) -> dict:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.name] = value
        return out


# ------------------------------------------------------------------ the browser's commands
def _number(value) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)
    return float(value) if ok else None


def _index(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


@dataclass(kw_only=True, slots=True)
class Weight:
    """``weight``: the learner typed weight ``value`` on the edge from neuron ``i`` of layer ``layer``
    to neuron ``j`` of the next (``panels/network.js``)."""

    layer: int
    i: int
    j: int
    value: float

    @classmethod
    def parse(cls, arg: dict) -> Weight | None:
        idx = [_index(arg.get(k)) for k in ("layer", "i", "j")]
        value = _number(arg.get("value"))
        return None if None in idx or value is None else cls(layer=idx[0], i=idx[1], j=idx[2], value=value)


@dataclass(kw_only=True, slots=True)
class Point:
    """``point``: the learner clicked the plane at ``(x, y)`` (its own units) to add a training point
    of class ``label`` (``panels/field.js``)."""

    x: float
    y: float
    label: int

    @classmethod
    def parse(cls, arg: dict) -> Point | None:
        x, y, label = _number(arg.get("x")), _number(arg.get("y")), _index(arg.get("label"))
        return None if None in (x, y, label) else cls(x=x, y=y, label=label)


@dataclass(kw_only=True, slots=True)
class Hidden:
    """``layers``: the hidden layer sizes the learner asked for with the diagram's +/- buttons
    (``panels/network.js``); the page applies them to its settings, so a new run starts."""

    sizes: list[int]

    @classmethod
    def parse(cls, arg: dict) -> Hidden | None:
        sizes = arg.get("sizes")
        ok = isinstance(sizes, list) and len(sizes) <= 64 and all((_index(n) or 0) >= 1 for n in sizes)
        return cls(sizes=list(sizes)) if ok else None


@dataclass(kw_only=True, slots=True)
class Clear:
    """``clear``: take away the points the learner added."""

    @classmethod
    def parse(cls, arg: dict) -> Clear:
        return cls()


RUN_COMMANDS = ("tick", "play", "pause", "step", "reset")
TRAINS = ("tick", "play", "step")  # the commands that train: a resend of one is never acted on twice
EDITS = {"weight": Weight, "point": Point, "clear": Clear}  # hands on the running model or its data
ASKS = {"layers": Hidden}  # settings for the page to apply
COMMANDS = (*RUN_COMMANDS, *EDITS, *ASKS)


@dataclass(kw_only=True, slots=True)
class Have:
    """What the canvas holds: the series it shows and how many points of each curve it has, so a
    frame carries only the points it lacks."""

    series: int | None = None
    curves: dict = field(default_factory=dict)  # curves panel id -> points


@dataclass(kw_only=True, slots=True)
class Command:
    """What the canvas sends (``live.js`` command()) as the trigger "cmd"."""

    do: str | None = None  # one of COMMANDS
    id: int | None = None  # increasing, kept when sent again: one already acted on is answered without acting
    seen: int | None = None  # the ack of the last frame the canvas had when it sent this
    have: Have = field(default_factory=Have)
    arg: Weight | Point | Hidden | Clear | None = None  # an edit's or an ask's details (None: malformed)
    shown: int | None = None  # the snapshot (its id) painted last: Pause and Step go back to its model

    @classmethod
    def parse(cls, value: Any) -> Command:
        """The command in a trigger's value; anything malformed reads as no command (a page rerun),
        and an edit or ask whose details are malformed has no ``arg``."""
        value = value if isinstance(value, dict) else {}
        have = value.get("have") if isinstance(value.get("have"), dict) else {}
        curves = have.get("curves")
        do = value.get("do") if value.get("do") in COMMANDS else None
        kind = EDITS.get(do) or ASKS.get(do)
        arg = value.get("arg")
        whole = {k: value.get(k) if isinstance(value.get(k), int) and not isinstance(value.get(k), bool) else None
                 for k in ("id", "seen")}
        return cls(do=do, **whole,
                   have=Have(series=have.get("series"), curves=curves if isinstance(curves, dict) else {}),
                   arg=kind.parse(arg if isinstance(arg, dict) else {}) if kind else None,
                   shown=_index(value.get("shown")))


# --------------------------------------------------------------------------- the frame
STOPS = ("info", "error")  # the status kinds that stop playing


@dataclass(kw_only=True, slots=True)
class Status(Message):
    kind: str  # "ok", "notice" (a run that looks stuck: said, training goes on), "info" (budget reached: pause;
    text: str  # or a Step the server cut short) or "error" (diverged: pause)


@dataclass(kw_only=True, slots=True)
class CurveUpdate(Message):
    """The points of one curves panel the canvas lacks, from index ``start`` on."""

    start: int
    x: Array
    y: dict[str, Array]  # series name -> values


@dataclass(kw_only=True, slots=True)
class Snapshot(Message):
    """The model as it is now (a task's ``snapshot()`` returns these keys as a dict)."""

    metrics: dict[str, str]  # label (one of the layout's) -> text
    panels: dict[str, dict] = field(default_factory=dict)  # panel id -> its update (that type's ``updates``)
    progress: float | None = None  # 0..1, when the layout has a progress bar
    n: dict[str, int] | None = None  # curves panel id -> points shown (the pictures play out in order)
    id: int | None = None  # the canvas reports the last one it painted (Command.shown)


@dataclass(kw_only=True, slots=True)
class Header(Message):
    boot: str  # the server process: frames from another one mean the run was lost
    series: int  # a new one (reset, new settings) starts the curves afresh
    ack: int  # the id of the last command acted on
    playing: bool
    status: Status
    interval: float  # s between ticks; the snapshots play spread over it
    # s from a tick's answer until the next tick is due: the browser asks a little before, and its
    # request waits at the server for its turn (ui.live.pacing.Turns.next_turn); other answers say
    # nothing, and the browser asks ``interval`` after its last request
    ask_in: float | None = None
    curves: dict[str, CurveUpdate]
    snaps: list[Snapshot]
    layout: Layout | None = None  # with the first frame of a series


@dataclass(kw_only=True, slots=True)
class Layout(Message):
    """A task's panels and metrics: sent once per series (and after a page rerun)."""

    panels: list[Spec]
    metrics: list[str]  # labels over the panels, in order
    rows: list | None = None  # rows of panel ids side by side; an inner list stacks a column (default: one row)
    progress: bool | None = None  # a progress bar under the metrics


# ------------------------------------------------------------------------ panel specs
@dataclass(kw_only=True, slots=True)
class Spec(Message):
    """What every panel reads (``panels/panel.js``): its id, title and size."""

    type: ClassVar[str]
    updates: ClassVar[tuple[str, ...]] = ()  # the keys of this panel's snapshot updates

    id: str
    title: str | None = None
    note: str | None = None  # a line of small print under the panel
    w: float | None = None  # share of the row's width (default 1)
    min: float | None = None  # narrowest width in px before the row wraps (default 260)
    h: float | None = None  # height in px (default 240) ...
    aspect: float | None = None  # ... or height = width * aspect,
    maxh: float | None = None  # at most this

    def wire(self) -> dict:
        # Message.wire by name: a slots dataclass is a new class, which a bare super() cannot find
        return {"type": self.type, **Message.wire(self)}


@dataclass(kw_only=True, slots=True)
class ClassStyle(Message):
    """How a plane shows one class: its name in tooltips, its colour on regions and points."""

    name: str
    color: str


@dataclass(kw_only=True, slots=True)
class Points(Message):
    """Points on a plane, drawn over its grid; each has a ``label`` (its class) or a ``value``."""

    x: Array
    y: Array
    label: Array | None = None  # uint8 class index
    value: Array | None = None  # a regression target, coloured on the orange-blue scale over ``range``
    test: Array | None = None  # 1: a test point (drawn as ◇, and a checkbox hides them)


@dataclass(kw_only=True, slots=True)
class Mark(Message):
    """A cross on a plane (the closed-form optimum on a loss surface)."""

    x: float
    y: float


@dataclass(kw_only=True, slots=True)
class Line(Message):
    """A straight or broken line over a plane (a snapshot's ``lines``), named in the legend."""

    x: Array
    y: Array
    color: str
    name: str | None = None
    dash: bool | None = None
    width: float | None = None


FIELD_MODES = ("binary", "classes", "scalar", "value")


@dataclass(kw_only=True, slots=True)
class Field(Spec):
    """A plane (``panels/field.js``): a grid painted under points, lines, marks and a path.

    ``mode`` says what a grid cell (0..255) means: ``binary`` P(second class); ``classes`` class * 32
    + confidence (from ``confLo`` to 1); ``scalar`` a value over ``range`` (``scale`` "log": of its
    log10), on a white-blue scale; ``value`` a regression's prediction over ``range``, orange-blue."""

    type = "field"
    updates = ("grid", "lines", "added")  # added: the Points the learner added (kept until the next)

    extent: list[float]  # x0, x1, y0, y1
    xlabel: str | None = None
    ylabel: str | None = None
    grid: int | None = None  # cells a side
    mode: str | None = None
    values: Array | None = None  # a fixed grid, when the snapshots send none
    range: list[float] | None = None
    scale: str | None = None
    confLo: float | None = None
    valueLabel: str | None = None
    classes: list[ClassStyle] | None = None
    points: Points | None = None
    marks: list[Mark] | None = None
    pathName: str | None = None  # the legend's name for the path (this panel id's curve)
    addable: bool | None = None  # a click adds a training point of a class the learner picks (command "point")

    def __post_init__(self):
        if self.mode not in (None, *FIELD_MODES):
            raise ValueError(f"field mode {self.mode!r}: one of {FIELD_MODES}")


@dataclass(kw_only=True, slots=True)
class Series(Message):
    name: str
    dash: bool | None = None
    color: str | None = None  # default: the palette's series colours in turn
    sparse: bool | None = None  # measured at some points only (NaN between): the line joins those it has


@dataclass(kw_only=True, slots=True)
class Curves(Spec):
    """Named series over epochs or steps (``panels/curves.js``); the points come in ``Header.curves``."""

    type = "curves"

    series: list[Series]
    xlabel: str | None = None
    ylabel: str | None = None
    log: bool | None = None
    ylim: list[float] | None = None  # the y axis shows at least this range
    percent: bool | None = None

    def wire(self) -> dict:
        out = Spec.wire(self)
        out["series"] = [Series(name=s.name, dash=s.dash, color=s.color or SERIES_COLORS[k % len(SERIES_COLORS)],
                                sparse=s.sparse) for k, s in enumerate(self.series)]
        return out


@dataclass(kw_only=True, slots=True)
class Network(Spec):
    """Layers of neurons, each a small map of its output over the plane (``panels/network.js``)."""

    type = "network"
    updates = ("weights", "maps")  # float32 (shown in, shown out) per layer; uint8 maps of the shown neurons

    layers: list[int]  # sizes
    shown: list[int]  # neurons drawn per layer
    acts: list[str]  # activation per layer after the inputs
    inputs: list[str]  # input names
    outputs: list[str]
    map: int  # cells a side of a neuron's map
    inputMaps: Array  # uint8 maps of the inputs
    editable: bool | None = None  # a click on an edge types its weight (command "weight")
    resize: list[int] | None = None  # [most hidden layers, most neurons a layer]: +/- buttons (command "layers")


@dataclass(kw_only=True, slots=True)
class Arith(Message):
    """How a feature map's pixels come from panel ``source``'s maps, for a hover (``panels/arith.js``): ``conv``
    (windows times ``weights``, plus ``bias``, then ReLU) or ``pool`` (each window by ``mode``)."""

    op: str
    source: str  # the panel id of the maps it reads
    size: int  # the window's side
    stride: int
    pad: int = 0  # zero pixels before the first row and column (conv)
    mode: str | None = None


@dataclass(kw_only=True, slots=True)
class Tiles(Spec):
    """Small images in a grid (``panels/tiles.js``): weights as pictures, misclassified digits, feature
    maps (with ``arith``, whose snapshots send the maps' exact ``values`` and a convolution's ``weights``
    and ``bias``: a hover shows how the pixel under it was computed)."""

    type = "tiles"
    updates = ("images", "captions", "values", "weights", "bias")

    tile: list[int]  # height, width
    cols: int | None = None
    count: int | None = None  # tiles to make room for
    captions: bool | None = None  # room under each tile for its caption's first line
    diverging: bool | None = None  # by sign (weights) instead of white-black (digits)
    itemName: str | None = None  # what a tile is, in its tooltip
    empty: str | None = None  # said when there are no tiles
    arith: Arith | None = None


@dataclass(kw_only=True, slots=True)
class Matrix(Spec):
    """A confusion matrix (``panels/matrix.js``): true class on rows, predicted on columns."""

    type = "matrix"
    updates = ("counts",)

    labels: list[str]
    recall: bool | None = None  # each row's share on the diagonal beside it
    xlabel: str | None = None
    ylabel: str | None = None


@dataclass(kw_only=True, slots=True)
class Bars(Spec):
    """One bar per class, the largest in blue (``panels/bars.js``)."""

    type = "bars"
    updates = ("values",)

    labels: list[str]


PANELS = {kind.type: kind for kind in (Field, Curves, Network, Tiles, Matrix, Bars)}
