"""The CNN page's settings and live task: a small convolutional network learning its filters on the digits.

Pure Python + NumPy (no streamlit): tests and benchmarks use exactly what the page uses.
"""

from __future__ import annotations

import time

import numpy as np

from engine import MLP
from engine.cnn import DIGIT_SHAPE, default_cnn
from engine.conv import conv_padding
from engine.conv_layers import AvgPool2D, Conv2D, MaxPool2D
from engine.kernels import PRESETS
from engine.layers import Activation, layer_names
from engine.sequential import Sequential
from engine.validation import check_pair
from ui.charts import plots
from ui.charts.palette import GREY
from ui.live.digit_views import mistakes, mistakes_tiles
from ui.live.frames import to_u8
from ui.live.network_views import NetworkTask
from ui.live.protocol import Arith, Bars, Layout, Series, Tiles
from ui.settings.form import BATCH_LADDER, LR_LADDER, Choice, Form, Number, ladder
from ui.settings.shared import BATCH, EPOCHS, LR, OPTIMIZER, SEED, SPEED

FORM = Form(
    Number("c1", 8, "first layer: filters", "How many filters the first convolution learns.", lo=1, hi=16),
    Choice("k1", 5, "first layer: filter size", "Each filter sees a k x k patch of the digit.", options=(3, 5, 7),
           labels={3: "3 x 3", 5: "5 x 5", 7: "7 x 7"}),
    Number("c2", 16, "second layer: filters", "0 leaves out the second convolution.", lo=0, hi=32),
    Choice("k2", 3, "second layer: filter size", "Each filter sees k x k positions of every first-layer map.",
           options=(3, 5), labels={3: "3 x 3", 5: "5 x 5"}),
    Choice("pool", "max", "pooling", "Each 2 x 2 block of a map becomes its largest value, or its mean.",
           options=("max", "avg")),
    OPTIMIZER,
    LR.with_(default=0.003, options=ladder(LR_LADDER, 0.0001, 0.3)),
    BATCH.with_(default=32, options=ladder(BATCH_LADDER, 10, 256)),
    EPOCHS.with_(default=20, hi=50, note="By 20 the test accuracy has long stopped rising."),
    SPEED.with_(default=1.0, lo=0.1, hi=10.0, step=0.1),
    SEED,
    Number("digit", 0, "test digit to look inside", "Which of the 1000 test digits the feature maps show (or "
           "draw your own below).", lo=0, hi=999, widget="number", live=True),
)


def make_model(s: dict) -> Sequential:
    """The network of the settings (defaults: the engine's default CNN), fresh weights from ``seed``."""
    return default_cnn(s["c1"], s["k1"], s["c2"], s["k2"], s["pool"], **FORM.training(s), epochs=s["epochs"],
                       seed=s["seed"]).initialize()


def comparison_mlp(s: dict) -> MLP:
    """The MNIST page's default MLP (784-100-10), trained alongside on the same split."""
    return MLP([784, 100, 10], activation="relu", init="he", optimizer="adam", lr=0.001, batch_size=32,
               seed=s["seed"], dtype="float32", eval_max_rows=1000).initialize()


def n_params(model) -> int:
    return int(sum(p.size for p in model.parameters()))


def filter_pairs(kernels: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Each first-layer kernel ``(K, 1, k, k)`` beside the hand-made 3x3 preset it looks most like by cosine
    similarity (the preset centred in a k x k frame; a negative match is the preset with its sign flipped).

    Returns one tile a kernel, ``(K, k, 2k + 1)`` as 0..255 on the orange-blue scale: the kernel on the
    left, the preset on the right (each on its own scale), a white column between; and their captions
    (the preset's name and the similarity, then what the tile shows)."""
    k = kernels.shape[-1]
    names, frames = [], []
    for name, p in PRESETS.items():
        frame = np.zeros((k, k))
        if k >= 3:
            o = (k - 3) // 2
            frame[o : o + 3, o : o + 3] = p
        else:
            frame = np.asarray(p, float)[:k, :k]
        if name != "identity" and np.linalg.norm(frame):
            names.append(name)
            frames.append(frame)
    F = np.array([f.ravel() / np.linalg.norm(f) for f in frames])
    tiles, captions = [], []
    for j, w in enumerate(kernels.reshape(len(kernels), k, k).astype(np.float64), 1):
        cos = F @ (w.ravel() / (np.linalg.norm(w) or 1.0))
        i = int(np.argmax(np.abs(cos)))
        sign, minus = (-1.0, "−") if cos[i] < 0 else (1.0, "")
        made = sign * frames[i]
        halves = [x / max(float(np.abs(x).max()), 1e-12) for x in (w, made)]
        tiles.append(np.concatenate([halves[0], np.zeros((k, 1)), halves[1]], axis=1))
        captions.append(f"{minus}{names[i]} {abs(cos[i]):.2f}\nfilter {j} (left) beside the hand-made "
                        f"{minus}{names[i]} (right): cosine similarity {abs(cos[i]):.2f}")
    return to_u8(np.stack(tiles), -1.0, 1.0), captions


def map_images(maps: np.ndarray) -> np.ndarray:
    """Feature maps ``(C, h, w)`` after a ReLU as 0..255, each on its own scale (0 = white)."""
    top = np.maximum(maps.max(axis=(1, 2), keepdims=True), 1e-12)
    return to_u8(maps / top, 0.0, 1.0, 32)


class CnnTask(NetworkTask):
    """The CNN on the bundled digits, with the MNIST page's MLP trained alongside for comparison."""

    share = 0.7
    fine_curves = True  # ten points an epoch from the batches' running means
    KEPT = (*NetworkTask.KEPT, "train_seconds")

    def __init__(self, s: dict, data):
        self.settings = s
        X_tr, X_te, y_tr, y_te = data
        self.mlp = comparison_mlp(s)
        super().__init__(make_model(s), X_tr, y_tr, X_te, y_te, s["epochs"], also=[self.mlp])
        self.mlp.partial_fit(X_tr, y_tr, 0, X_te, y_te)
        self._mlp_checkpoint = None  # (the MLP's steps, its checkpoint): shared by marks while it waits
        self.train_seconds = 0.0
        self.probe = None  # a drawn digit (784,), else the chosen test digit

    def apply(self, s: dict) -> None:
        self.settings = s
        self.apply_training(FORM.training(s), s["epochs"])

    def rate(self) -> float:
        return self.settings["speed"] * self.step_units()

    record_every_piece = False  # a history point runs 2000 digits through the network: once a tick

    def advance(self, units, seconds, final=True):
        t0 = time.perf_counter()
        done = super().advance(units, seconds, final)
        self.train_seconds += time.perf_counter() - t0
        return done

    def train_piece(self, units, seconds, final) -> None:
        super().train_piece(units, seconds, final)
        if final:  # the MLP catches up to the CNN's epoch (it costs a third of the CNN's time)
            X, y, X_te, y_te = self.data
            left = self.mlp.batches_to(self.model.epoch_, len(X))
            if left:
                self.mlp.partial_fit(X, y, left, X_te, y_te)

    def checkpoint(self) -> dict:
        if self._mlp_checkpoint is None or self._mlp_checkpoint[0] != self.mlp.steps_:
            self._mlp_checkpoint = (self.mlp.steps_, self.mlp.checkpoint())
        return {**super().checkpoint(), "mlp": self._mlp_checkpoint[1]}

    def restore_checkpoint(self, cp: dict) -> None:
        super().restore_checkpoint(cp)
        self.mlp.restore(cp["mlp"])

    def probe_digit(self) -> np.ndarray:
        return self.probe if self.probe is not None else self.data[2][self.settings["digit"]]

    def curves(self) -> dict:
        out = super().curves()
        x, ys = out["acc"]
        hm = self.mlp.history_
        # the MLP's test accuracy where the CNN's was measured (it trains to the same epochs)
        mlp_acc = np.interp(x, hm["epoch"], hm["test_acc"]) if hm["epoch"] else np.full(len(x), np.nan)
        mlp_acc[np.isnan(ys["test"])] = np.nan
        out["acc"] = (x, {**ys, "MLP test": mlp_acc})
        return out

    def stages(self) -> list[tuple[str, int]]:
        """(title, index into layer_outputs) of each feature-map stage shown."""
        out = []
        for i, (name, layer) in enumerate(zip(layer_names(self.model.layers_), self.model.layers_)):
            if isinstance(layer, Activation):
                out.append((f"{name} + ReLU", i))
            elif isinstance(layer, (MaxPool2D, AvgPool2D)):
                out.append((f"{name}, {self.settings['pool']} pool", i))
        return out

    def arith(self, i: int) -> Arith:
        """How stage ``i``'s maps come from the maps shown before them: a convolution (the layer before a
        ReLU stage) over the input digit or a pooled stage, or a pooling of a ReLU stage."""
        layers = self.model.layers_
        if isinstance(layers[i], Activation):
            conv: Conv2D = layers[i - 1]
            k = conv.W.shape[-1]
            return Arith(op="conv", source=f"maps{i - 2}" if i > 1 else "maps-1", size=k,
                         stride=check_pair("stride", conv.stride, 1)[0], pad=conv_padding(conv.padding, k, k)[0][0])
        pool = layers[i]
        size = check_pair("size", pool.size, 1)[0]
        return Arith(op="pool", source=f"maps{i - 1}", size=size,
                     stride=size if pool.stride is None else check_pair("stride", pool.stride, 1)[0], mode=pool.mode)

    def layout(self) -> Layout:
        m = self.model
        curves = self.curve_specs()
        curves[1].series.append(Series(name="MLP test", dash=True, color=GREY, sparse=True))
        curves[1].title = "Accuracy (grey: the 784-100-10 MLP on the same digits)"
        for c in curves:
            c.w, c.min = 1, 280
        conv1 = m.layers_[0]
        k = conv1.W.shape[-1]
        panels = [
            *curves,
            Tiles(id="filters", diverging=True, tile=[k, 2 * k + 1], cols=min(4, conv1.filters),
                  count=conv1.filters, captions=True, itemName="filter", w=2, min=300,
                  title="First-layer filters as they learn (left) beside the hand-made filter "
                        "each resembles most (right)"),
            Bars(id="scores", title="Its reading of the digit", labels=[str(d) for d in range(10)], w=1, min=220, h=200),
        ]
        maps_rows = [[]]  # the input and the first convolution's maps, then a row for each further one
        for title, i in [("input digit", -1), *self.stages()]:
            c, h, w = DIGIT_SHAPE if i < 0 else m.layers_[i].output_shape(m.layers_[i].input_shape)
            cols = min(c, 4 if c <= 8 else 8)
            pid = f"maps{i}"
            # a panel's width follows its columns: every tile of a row is as wide, however few pixels
            # its map has (at one scale for all, the second layer's maps were tiles of ~25 px)
            panels.append(Tiles(id=pid, tile=[h, w], cols=cols, count=c, itemName="map",
                                title=f"{title} ({c} x {h} x {w})", w=cols, min=20 + 36 * cols,
                                arith=None if i < 0 else self.arith(i)))
            if i >= 0 and isinstance(m.layers_[i], Activation) and len(maps_rows[-1]) > 1:  # a further conv
                maps_rows.append([])
            maps_rows[-1].append(pid)
        panels.append(mistakes_tiles(cols=12))
        return Layout(
            metrics=["epoch", "examples / second", "CNN test accuracy", "MLP test accuracy", "parameters"],
            progress=True,
            panels=panels,
            rows=[["loss", "acc"], ["filters", "scores"], *maps_rows, ["mistakes"], [c.id for c in curves[2:]]],
        )

    def snapshot(self, detail: bool | str = "all") -> dict:
        m = self.model
        snap = {
            "metrics": {
                "epoch": self.epoch_text(2),
                "examples / second": f"{m.n_seen_ / self.train_seconds:,.0f}" if self.train_seconds else "–",
                "CNN test accuracy": f"{self.last('test_acc'):.3f}",
                "MLP test accuracy": f"{self.mlp.history_['test_acc'][-1]:.3f}",
                "parameters": f"CNN {n_params(m):,} · MLP {n_params(self.mlp):,}",
            },
            "progress": self.progress(),
            "panels": {},
        }
        if not detail:
            return snap
        pairs, captions = filter_pairs(m.layers_[0].W)
        outs = m.layer_outputs(self.probe_digit()[None])
        panels = {
            "filters": {"images": pairs, "captions": captions},
            "scores": {"values": outs[-1][0].astype(np.float32)},
            "maps-1": {"images": to_u8(self.probe_digit().reshape(1, 28, 28), 0.0, 1.0),
                       "values": self.probe_digit().reshape(1, 28, 28).astype(np.float32)},
        }
        for _, i in self.stages():
            # the exact values too, and a convolution's kernels: a hover shows how each pixel was computed
            panels[f"maps{i}"] = {"images": map_images(outs[i][0]), "values": outs[i][0].astype(np.float32)}
            if isinstance(m.layers_[i], Activation):
                W, b = m.layers_[i - 1].params
                panels[f"maps{i}"].update(weights=W.astype(np.float32), bias=b.astype(np.float32))
        X_te, y_te = self.data[2], self.data[3]
        images, captions = mistakes(m.predict_proba(X_te), X_te, y_te)
        panels["mistakes"] = {"images": images, "captions": captions}
        snap["panels"] = panels
        return snap

    def figures(self) -> list:
        h = self.model.history_
        return [
            ("loss", plots.curves(h["epoch"], {"train": h["train_loss"], "test": h["test_loss"]}, title="Loss",
                                   log_y=True)),
            ("accuracy", plots.curves(*self.curves()["acc"], title="Accuracy")),
        ]
