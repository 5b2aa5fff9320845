"""The backprop page's pictures: the network with the walk's numbers on its neurons and connections,
and the tiny CNN's maps.  Forward quantities in one colour family, backward ones in the other
(``palette.FORWARD``, ``palette.BACKWARD``); the quantity of the current step ringed.

Pure plotly (no streamlit): the walk (``ui.setups.backprop.Walk``) in, figures out.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.charts.palette import BACKWARD, FORWARD, GREY, NEGATIVE

FORWARD_KINDS = {"z": "z", "a": "a", "W": "new w", "b": "new b"}
BACKWARD_KINDS = {"dA": "∂L/∂a", "down": "∂L/∂a", "fprime": "f′(z)", "delta": "δ", "dW": "∂L/∂w", "db": "∂L/∂b"}
HIDDEN = "?"  # a number the learner is predicting


def _short(x: float) -> str:
    return f"{x + 0.0:.3g}"  # + 0.0: no "-0"


def _positions(sizes) -> list:
    tallest = max(sizes)
    return [[(li, (n - 1) / 2 - u if tallest > 1 else 0.0) for u in range(n)] for li, n in enumerate(sizes)]


def _node_states(walk, index: int, ex: int) -> dict:
    """What each neuron shows at step ``index``: ``{(layer, unit): (kind, value)}``, the latest known."""
    state = {(0, u): ("x", float(walk.trace.X[ex, u])) for u in range(walk.sizes[0])}
    for step in walk.trace.steps[: index + 1]:
        if step.kind in FORWARD_KINDS or step.kind in BACKWARD_KINDS:
            if step.inp is None:
                state[step.layer, step.unit] = (step.kind, step.number(ex))
    return state


def _node_hover(walk, layer: int, unit: int, ex: int, index: int) -> str:
    """Everything known about a neuron by step ``index``, each with the rule that gave it."""
    lines = [f"<b>{'input' if layer == 0 else f'layer {layer}'}, unit {unit + 1}</b>"]
    if layer == 0:
        return "<br>".join(lines + [f"x = {_short(walk.trace.X[ex, unit])} (example {ex + 1}'s input)"])
    for step in walk.trace.steps[: index + 1]:
        if step.layer == layer and step.unit == unit and step.inp is None and step.kind not in ("loss", "after"):
            what = {**FORWARD_KINDS, **BACKWARD_KINDS}[step.kind]
            lines.append(f"{what} = {_short(step.number(ex))} · {step.code.name.removeprefix('engine.')}")
    return "<br>".join(lines)


def diagram(walk, index: int, ex: int, hidden: bool = False, height: int = 380) -> go.Figure:
    """The network at step ``index`` for example ``ex``: the latest number on every neuron, the
    weights on the connections into the step's unit, the step's quantity ringed (``hidden``: shown
    as "?", the learner is predicting it)."""
    step = walk.trace.steps[index]
    pos = _positions(walk.sizes)
    fig = go.Figure()
    layers = walk.trace.layers
    wmax = max(float(np.abs(lt.W).max()) for lt in layers) or 1.0
    for li, lt in enumerate(layers):
        for i, j in np.ndindex(lt.W.shape):
            (x0, y0), (x1, y1) = pos[li][i], pos[li + 1][j]
            fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="skip", showlegend=False,
                                     line=dict(color=GREY, width=0.6 + 3 * abs(lt.W[i, j]) / wmax), opacity=0.45))
    # the connections' numbers: hover on each one's middle; on screen those into the step's unit
    xs, ys, texts, hovers, colours = [], [], [], [], []
    for li, lt in enumerate(layers, start=1):
        for i, j in np.ndindex(lt.W.shape):
            (x0, y0), (x1, y1) = pos[li - 1][i], pos[li][j]
            known = [s for s in walk.trace.steps[: index + 1] if s.layer == li and s.inp == i and s.unit == j]
            hover = [f"<b>w from unit {i + 1} into layer {li} unit {j + 1}</b>", f"w = {_short(lt.W[i, j])}"]
            hover += [f"{FORWARD_KINDS.get(s.kind) or BACKWARD_KINDS[s.kind]} = {_short(s.number())}"
                      f" · {s.code.name.removeprefix('engine.')}" for s in known]
            xs.append(x0 + 0.62 * (x1 - x0))
            ys.append(y0 + 0.62 * (y1 - y0))
            hovers.append("<br>".join(hover))
            # the weights into the step's unit: its operands for z, its own number for a weight's steps
            on_screen = step.layer == li and step.unit == j and (step.inp is not None or step.kind == "z")
            value = known[-1].number() if known else lt.W[i, j]
            focus = on_screen and i == step.inp
            texts.append((HIDDEN if hidden and focus else _short(value)) if on_screen and (known or not hidden) else "")
            colours.append(BACKWARD if known and known[-1].kind == "dW" else FORWARD)
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers+text", text=texts, textposition="top center",
                             textfont=dict(color=colours, size=12), marker=dict(size=9, color=colours, opacity=0.35),
                             hovertext=hovers, hoverinfo="text", showlegend=False, name="connections"))
    # the neurons, in the colour of the family of what they show
    state = _node_states(walk, index, ex)
    for family, colour, name in (("forward", FORWARD, "forward: x, z, a, new w, b"),
                                 ("backward", BACKWARD, "backward: ∂L/∂a, f′, δ, ∂L/∂w")):
        keys = [k for k, (kind, _) in state.items() if (kind not in BACKWARD_KINDS) == (family == "forward")]
        is_focus = [step.inp is None and step.unit is not None and k == (step.layer, step.unit) for k in keys]
        # an empty family keeps its legend entry through one point plotly leaves out (the legend explains both)
        xs, ys = [pos[li][u][0] for li, u in keys] or [None], [pos[li][u][1] for li, u in keys] or [None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="markers", name=name, legendgroup=family,
                                 marker=dict(size=22, color=colour, line=dict(color="white", width=1.5)),
                                 hovertext=[_node_hover(walk, li, u, ex, index) for li, u in keys], hoverinfo="text"))
        # the numbers above the neurons, clear of the ring around the step's one
        fig.add_trace(go.Scatter(
            x=xs, y=[None if y is None else y + 0.36 for y in ys], mode="text", showlegend=False, legendgroup=family, hoverinfo="skip",
            text=[HIDDEN if hidden and f else f"{FORWARD_KINDS.get(state[k][0], BACKWARD_KINDS.get(state[k][0], 'x'))}"
                  f"={_short(state[k][1])}" for k, f in zip(keys, is_focus)],
            textfont=dict(color=colour, size=12)))
    family = FORWARD if step.kind in FORWARD_KINDS else BACKWARD
    if step.inp is not None:
        (x0, y0), (x1, y1) = pos[step.layer - 1][step.inp], pos[step.layer][step.unit]
        fx, fy, mode = [x0, x1], [y0, y1], "lines"
    elif step.unit is not None:
        (fx, fy), mode = ([c] for c in pos[step.layer][step.unit]), "markers"
    else:  # the loss: the whole output layer
        fx, fy, mode = [p[0] for p in pos[-1]], [p[1] for p in pos[-1]], "markers"
    fig.add_trace(go.Scatter(x=fx, y=fy, mode=mode, name=f"now: {step.name}", hoverinfo="skip",
                             line=dict(color=family, width=6),
                             marker=dict(size=38, symbol="circle-open", color=family, line=dict(width=4))))
    for li in range(len(walk.sizes)):
        label = "input" if li == 0 else ("output" if li == len(walk.sizes) - 1 else f"hidden {li}")
        fig.add_annotation(x=li, y=-(max(walk.sizes) - 1) / 2 - 0.75, text=label, showarrow=False)
    fig.update_xaxes(visible=False, range=[-0.45, len(walk.sizes) - 0.55])
    top = (max(walk.sizes) - 1) / 2
    fig.update_yaxes(visible=False, range=[-top - 1.0, top + 0.8])
    fig.update_layout(height=height, dragmode=False, margin=dict(l=4, r=4, t=10, b=10),
                      legend=dict(orientation="h", yanchor="top", y=-0.02, x=0))
    return fig


def grid(values, title: str, family: str = "forward", boxes=(), rings=(), height: int = 260, what: str = "value"):
    """A small map with its numbers in the cells; ``boxes`` ``(row, col, size)`` outlined (the filter's
    window), ``rings`` ``(row, col)`` circled (the pool's switches)."""
    values = np.asarray(values, dtype=float)
    colour = FORWARD if family == "forward" else BACKWARD
    top = float(np.abs(values).max()) or 1.0
    scale = [[0, "#ffffff"], [1, colour]] if values.min() >= 0 else [[0, NEGATIVE], [0.5, "#ffffff"], [1, colour]]
    fig = go.Figure(go.Heatmap(
        z=values, zmin=0 if values.min() >= 0 else -top, zmax=top, colorscale=scale, showscale=False,
        text=[[f"{v + 0.0:.2g}" for v in row] for row in values], texttemplate="%{text}",
        textfont=dict(size=11), hovertemplate=f"row %{{y}}, column %{{x}}: {what} %{{z:.4g}}<extra></extra>",
        xgap=1, ygap=1))
    for r, c, size in boxes:
        fig.add_shape(type="rect", x0=c - 0.5, x1=c + size - 0.5, y0=r - 0.5, y1=r + size - 0.5,
                      line=dict(color=colour, width=3))
    for r, c in rings:
        fig.add_shape(type="circle", x0=c - 0.42, x1=c + 0.42, y0=r - 0.42, y1=r + 0.42, line=dict(color=GREY, width=3))
    fig.update_yaxes(autorange="reversed", visible=False, scaleanchor="x")
    fig.update_xaxes(visible=False, constrain="domain")
    fig.update_layout(title=dict(text=title, x=0, font=dict(size=13)), height=height, dragmode=False,
                      margin=dict(l=4, r=4, t=34, b=4))
    return fig
