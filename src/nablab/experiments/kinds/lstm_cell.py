"""One LSTM step traced: every gate's value and shape, the "reference card" as a figure.

A 2-step sequence goes through nl.LSTM; step 2 is then recomputed by hand from x_2, h_1, c_1
(the formulas of the LSTM docstring) and every intermediate is kept: A = x W_x + h W_h + b, the
gates i, f, g, o, the new cell c and state h. The hand-made h_2 must equal the layer's output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...document import Table
from ...errors import NablabError
from ...layers import LSTM
from ...plotting import grid, save, tight
from ...validate import at
from ...checks import require
from .base import SingleRun

STEPS = [  # (name, formula, shape in words)
    ("x_t", "input at step t", "(N, D)"), ("h_prev", "h_{t−1}", "(N, H)"), ("c_prev", "c_{t−1}", "(N, H)"),
    ("A", "x_t W_x + h_{t−1} W_h + b", "(N, 4H)"), ("i", "σ(A_i)  input gate", "(N, H)"),
    ("f", "σ(A_f)  forget gate", "(N, H)"), ("g", "tanh(A_g)  candidate", "(N, H)"),
    ("o", "σ(A_o)  output gate", "(N, H)"), ("c", "f ⊙ c_{t−1} + i ⊙ g", "(N, H)"),
    ("h", "o ⊙ tanh(c_t)", "(N, H)"),
]


@dataclass(frozen=True)
class LstmCellParams:
    """Sizes of the traced step (small, so every number fits on the card)."""
    input_size: int = 3
    hidden: int = 4
    batch: int = 1
    forget_bias: float = 1.0
    seed: int = 0

    def check(self, where):
        for name, most in (("input_size", 8), ("hidden", 8), ("batch", 4)):
            v = getattr(self, name)
            require(1 <= v <= most, at(where, name), f"in [1, {most}] (every value is drawn)", v)


def trace(p) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(p.seed)
    layer = LSTM(p.input_size, p.hidden, forget_bias=p.forget_bias, rng=rng, dtype=np.float64)
    x = rng.standard_normal((p.batch, 2, p.input_size))
    hs = layer.forward(x)
    _, gates, cs, _, _ = layer.cached()                        # time-major: step 1 is index 0
    H = p.hidden
    a = x[:, 1] @ layer.Wx.data + hs[:, 0] @ layer.Wh.data + layer.b.data
    sig = lambda v: 1 / (1 + np.exp(-v))                       # noqa: E731
    i, f, g, o = sig(a[:, :H]), sig(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), sig(a[:, 3 * H:])
    c = f * cs[0] + i * g
    h = o * np.tanh(c)
    if not np.allclose(h, hs[:, 1], rtol=1e-12, atol=1e-14):
        raise NablabError("lstm-cell: the traced step does not reproduce nl.LSTM's output")
    return {"x_t": x[:, 1], "h_prev": hs[:, 0], "c_prev": cs[0], "A": a, "i": i, "f": f, "g": g,
            "o": o, "c": c, "h": h}


class LstmCell(SingleRun):
    name = "lstm-cell"
    Params = LstmCellParams

    def compute(self, p, progress):
        values = trace(p)
        return {"steps": [{"name": n, "formula": form, "shape": shape, "size": list(values[n].shape),
                           "values": values[n].tolist()} for n, form, shape in STEPS],
                "matches_layer": True}

    def summary(self, results):
        rows = [(s["name"], s["formula"], s["shape"], "×".join(map(str, s["size"])),
                 " ".join(f"{v:+.3f}" for v in s["values"][0])) for s in results["steps"]]
        return [Table(("name", "formula", "shape", "here", "values (first sample)"), rows)]

    def figures(self, results, run):
        steps = results["steps"]
        fig, axes = grid(len(steps), cols=1, width=8.5, height=1.1)
        for ax, s in zip(axes, steps):
            v = np.asarray(s["values"])
            ax.imshow(v, cmap="coolwarm", vmin=-1.5, vmax=1.5, aspect="auto")
            for (r, col), value in np.ndenumerate(v):
                ax.text(col, r, f"{value:.2f}", ha="center", va="center", fontsize=9)
            ax.set_title(f"{s['name']} = {s['formula']}   {s['shape']} = {'×'.join(map(str, s['size']))}",
                         fontsize=10, loc="left", pad=22 if s["name"] == "A" else 6)
            if s["name"] == "A":                                # the four gate blocks of A
                h = v.shape[1] // 4
                for k, gate in enumerate("ifgo"):
                    ax.axvline(k * h - 0.5, color="black", lw=1.5)
                    ax.text(k * h + h / 2 - 0.5, -0.62, f"A_{gate}", ha="center", va="bottom", fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
        tight(fig)
        return [save(fig, run.figures_dir, "lstm_cell")]


KIND = LstmCell()
