"""The browser protocol (ui.live.protocol) against the canvas that reads it (static/live/) and the pages
that write it (ui.setups): every field the JS reads is declared, every declared field is read, and
every page's layout and snapshots keep to the declarations.  One palette on both sides."""

import re
from dataclasses import fields

import pytest

from tests.app.conftest import ROOT
from ui.charts import palette
from ui.live import frames, protocol
from ui.live.harness import LiveRun
from ui.live.pacing import Governor
from ui.live.protocol import PANELS, Snapshot, Spec
from ui.setups import cnn as cs
from ui.setups import mnist as ms
from ui.setups import playground as pg
from ui.setups import regression as rs

LIVE = ROOT / "static" / "live"


def code(path) -> str:
    """A JS module without its imports and comments (a comment's ``frame.boot`` is not a read)."""
    text = re.sub(r"^import .*$", "", path.read_text(), flags=re.M)
    return re.sub(r"(^|\s)//.*$", "", text, flags=re.M)


def reads(text: str, *names: str) -> set[str]:
    """The properties read off any of the variables ``names`` (``spec.title`` -> ``title``)."""
    return set(re.findall(rf"\b(?:{'|'.join(names)})\.(\w+)", text))


def declared(cls) -> set[str]:
    return {f.name for f in fields(cls)}


BASE = declared(Spec) | {"type"}


def own(kind) -> set[str]:
    return declared(kind) - declared(Spec)


# --------------------------------------------------------------------------- the canvas
def test_the_base_panel_reads_exactly_the_fields_every_spec_declares():
    assert reads(code(LIVE / "panels" / "panel.js"), "spec", "s") == BASE


@pytest.mark.parametrize("kind", PANELS.values(), ids=PANELS)
def test_each_panel_module_reads_exactly_its_declared_spec_and_updates(kind):
    js = code(LIVE / "panels" / f"{kind.type}.js")
    spec_reads = reads(js, "spec", "s")
    assert spec_reads - BASE == own(kind), "spec fields read by the JS vs declared in ui/live/protocol.py"
    assert reads(js, "data") == set(kind.updates), "snapshot update keys read by the JS vs declared"


# the parts of a spec or an update that have parts of their own, and the names the JS reads them by
NESTED = [
    ("field", "p", protocol.Points),
    ("field", "line", protocol.Line),
    ("field", "m", protocol.Mark),
    ("field", r"classStyle\([^()]*\)", protocol.ClassStyle),
    ("curves", "sr", protocol.Series),
    ("arith", "a", protocol.Arith),
]


@pytest.mark.parametrize(("module", "name", "cls"), NESTED, ids=[c.__name__ for _, _, c in NESTED])
def test_nested_parts_are_read_as_declared(module, name, cls):
    assert reads(code(LIVE / "panels" / f"{module}.js"), name) == declared(cls)


def test_the_view_reads_exactly_the_declared_frame():
    js = code(LIVE / "live.js")
    assert reads(js, "frame") == declared(protocol.Header)
    assert reads(js, "snap") == declared(protocol.Snapshot)
    assert reads(js, "layout") == declared(protocol.Layout)
    assert reads(js, "status") == declared(protocol.Status)
    assert reads(js, "update") == declared(protocol.CurveUpdate)
    assert reads(js, "spec") <= BASE


def test_the_view_sends_the_declared_command():
    js = code(LIVE / "live.js")
    sent = re.search(r"this\.send\('cmd', \{(.*)\}\);", js).group(1)
    assert {item.split(":")[0].strip() for item in sent.split(",")} == declared(protocol.Command)
    have = re.search(r"const have = (\{.*\});", js).group(1)
    assert set(re.findall(r"(\w+):", have)) == declared(protocol.Have)


def _keys(obj: str) -> set[str]:
    """The keys of a JS object literal's text (``a: f(x, y), b`` -> a, b)."""
    items, depth, start = [], 0, 0
    for k, ch in enumerate(obj + ","):
        depth += ch in "([" and 1 or ch in ")]" and -1 or 0
        if ch == "," and depth == 0:
            items.append(obj[start:k].strip())
            start = k + 1
    return {re.match(r"\w+", item).group() for item in items if item}


def test_the_canvas_sends_each_edit_with_its_declared_details():
    js = "".join(code(path) for path in sorted((LIVE / "panels").glob("*.js")))
    sent = re.findall(r"command\('(\w+)'(?:, \{([^}]*)\})?\)", js)
    kinds = {**protocol.EDITS, **protocol.ASKS}
    assert {what for what, _ in sent} == set(kinds)  # every edit has its control, and nothing else is sent
    for what, obj in sent:
        assert _keys(obj) == declared(kinds[what]), what


def test_edits_are_parsed_defensively():
    def parse(do, arg):
        return protocol.Command.parse({"do": do, "id": 1, "arg": arg}).arg

    assert parse("weight", {"layer": 1, "i": 0, "j": 2, "value": -1.5}) == protocol.Weight(layer=1, i=0, j=2, value=-1.5)
    assert parse("point", {"x": 0.5, "y": -2, "label": 1}) == protocol.Point(x=0.5, y=-2.0, label=1)
    assert parse("layers", {"sizes": [4, 2]}) == protocol.Hidden(sizes=[4, 2])
    assert parse("clear", None) == protocol.Clear()
    for do, arg in [("weight", {"layer": -1, "i": 0, "j": 0, "value": 1}), ("weight", {"layer": 0, "i": 0, "j": 0}),
                    ("weight", {"layer": 0, "i": 0, "j": True, "value": 1}), ("point", {"x": "1", "y": 0, "label": 0}),
                    ("point", {"x": float("nan"), "y": 0, "label": 0}), ("layers", {"sizes": [4, 0]}),
                    ("layers", {"sizes": "4,2"}), ("layers", {"sizes": [1] * 65}), ("weight", [1, 2])]:
        assert parse(do, arg) is None, (do, arg)
    assert protocol.Command.parse({"do": "tick", "id": 1, "arg": {"sizes": [1]}}).arg is None  # only edits have details


def test_the_registry_maps_every_declared_type_to_its_module():
    js = (LIVE / "panels" / "index.js").read_text()
    modules = dict(re.findall(r"import \{ (\w+) \} from '\./(\w+)\.js';", js))
    registry = dict(re.findall(r"(\w+): (\w+Panel)", js))
    assert {t: modules[c] for t, c in registry.items()} == {t: t for t in PANELS}


def test_commands_are_parsed_defensively():
    assert protocol.Command.parse(None) == protocol.Command()
    cmd = protocol.Command.parse({"do": "tick", "id": 3, "have": {"series": 2, "curves": {"loss": 5}}})
    assert (cmd.do, cmd.id, cmd.have.series, cmd.have.curves) == ("tick", 3, 2, {"loss": 5})
    junk = protocol.Command.parse({"do": "rm -rf", "id": "3", "have": {"curves": [1]}})
    assert (junk.do, junk.id, junk.have.curves) == (None, None, {})


def test_a_misspelt_field_is_an_error():
    with pytest.raises(TypeError):
        protocol.Matrix(id="m", labels=["a"], recal=True)
    with pytest.raises(AttributeError):
        protocol.Curves(id="c", series=[]).titel = "Loss"
    with pytest.raises(ValueError):
        protocol.Field(id="f", extent=[0, 1, 0, 1], mode="clases")


# ----------------------------------------------------------------------------- palette
def hex_of(rgb: str) -> str:
    return "#" + "".join(f"{int(v):02x}" for v in rgb.split(","))


def test_the_canvas_draws_with_the_python_palette():
    js = (LIVE / "panels" / "palette.js").read_text()
    colours = {name: hex_of(rgb) for name, rgb in re.findall(r"export const (\w+) = \[([\d, ]+)\];", js)}
    shared = {name: getattr(palette, name) for name in colours if hasattr(palette, name)}
    assert {"ORANGE", "BLUE"} <= set(shared) and all(colours[name] == c for name, c in shared.items())
    css = re.sub(r"var\([^)]*\)", "", (LIVE / "live.css").read_text())  # the theme's fallbacks aside
    values = {palette.ORANGE, palette.BLUE, palette.GREEN, palette.RED, palette.GREY, *palette.CLASS_COLORS}
    assert set(re.findall(r"#[0-9a-f]{6}\b", css)) <= values


# -------------------------------------------------------------------------------- pages
MNIST = ms.bundled_split()
TASKS = {
    "playground": lambda: pg.PlaygroundTask(pg.FORM.defaults),
    "playground relu": lambda: pg.PlaygroundTask({**pg.FORM.defaults, "layers": [(8, "relu")]}),
    "playground regression": lambda: pg.PlaygroundTask({**pg.FORM.defaults, "problem": "regression",
                                                         "data": "multi_gaussian"}),
    "linear": lambda: rs.LinearTask(rs.LINEAR_FORM.defaults),
    "logistic": lambda: rs.LogisticTask(rs.LOGISTIC_FORM.defaults),
    "softmax": lambda: rs.SoftmaxTask(rs.SOFTMAX_FORM.defaults),
    "mnist": lambda: ms.MnistTask(ms.FORM.defaults, MNIST),
    "cnn": lambda: cs.CnnTask(cs.FORM.defaults, MNIST),
}


def placed(rows) -> list[str]:
    return [i for row in rows for item in row for i in (item if isinstance(item, list) else [item])]


@pytest.mark.parametrize("make", TASKS.values(), ids=TASKS)
def test_each_page_keeps_to_the_declared_protocol(make):
    task = make()
    task.advance(3, None)
    layout = task.layout()
    assert isinstance(layout, protocol.Layout) and all(isinstance(p, tuple(PANELS.values())) for p in layout.panels)
    ids = [p.id for p in layout.panels]
    assert len(set(ids)) == len(ids) and sorted(placed(layout.rows)) == sorted(ids)  # each panel shown once
    by_id = {p.id: p for p in layout.panels}

    snap = Snapshot(**task.snapshot("all"))  # a key not declared is a TypeError
    assert set(snap.metrics) <= set(layout.metrics)
    assert (snap.progress is not None) == bool(layout.progress)
    for pid, update in snap.panels.items():
        assert set(update) <= set(type(by_id[pid]).updates), pid

    for pid, (_, ys) in task.curves().items():
        spec = by_id[pid]  # a curves panel, or a field whose path it is
        if isinstance(spec, protocol.Curves):
            assert {s.name for s in spec.series} == set(ys), pid
        else:
            assert isinstance(spec, protocol.Field) and spec.pathName and len(ys) == 1, pid
    assert {p.id for p in layout.panels if isinstance(p, protocol.Curves)} <= set(task.curves())

    frame = frames.decode(LiveRun(lambda: task, "t", governor=Governor()).command(None))
    assert [p["type"] for p in frame["layout"]["panels"]] == [p.type for p in layout.panels]
    assert all(isinstance(s["color"], str) for p in frame["layout"]["panels"] for s in p.get("series", []))
