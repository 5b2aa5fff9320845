"""The CNN page's feature-map panels carry what a hover needs to show a pixel's arithmetic: their exact
values, a convolution's kernels and biases, and an Arith spec that names the maps each reads and how."""

from engine.conv import conv_pixel
from engine.pooling import pool_pixel
from ui.setups import cnn as cs
from ui.setups import mnist as ms


def test_every_maps_panel_is_its_source_through_its_arith():
    task = cs.CnnTask(cs.FORM.defaults, ms.bundled_split())
    task.advance(20, None)
    specs = {p.id: p for p in task.layout().panels if p.id.startswith("maps")}
    panels = task.snapshot()["panels"]
    checked = 0
    for pid, spec in specs.items():
        a = spec.arith
        if a is None:
            continue
        own, src = panels[pid], panels[a.source]["values"]
        assert own["values"].shape == own["images"].shape
        for k, r, c in [(0, 0, 0), (len(own["values"]) - 1, *(n // 2 for n in own["values"].shape[1:]))]:
            if a.op == "conv":
                *_, total = conv_pixel(src, own["weights"], r, c, a.stride, a.pad, bias=own["bias"], k=k)
                assert abs(max(total, 0) - own["values"][k, r, c]) < 1e-5
            else:
                _, result, _ = pool_pixel(src, r, c, a.size, a.stride, a.mode, k)
                assert abs(result - own["values"][k, r, c]) < 1e-6
            checked += 1
    assert checked == 8  # two pixels of each of the four stages
