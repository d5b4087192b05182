"""Gradients through time (Day 3 preview): how much of ∂L/∂h_T reaches each earlier step.

For each cell (tanh RNN with two inits, ReLU RNN, LSTM with several forget biases, GRU), on one
batch of random sequences of length ``seq_len``: L = mean_n ⟨h_T, v⟩ for a fixed random v, so the
only gradient enters at the last step; backpropagation through time then gives ‖∂L/∂h_t‖ for
every t (the layer's ``grad_hidden``). Also the parameters' joint gradient norm, before and after
``clip_grad_norm(max_norm)``: clipping caps an exploding gradient, it cannot revive a vanished one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...document import Table
from ...optim import clip_grad_norm
from ...plotting import grid, save, tight
from ..builders import recurrent
from ..spec import CellSpec, check_cells, finite
from ...validate import at
from ...checks import require
from .base import SingleRun

DEFAULT_CELLS = (
    CellSpec("RNN tanh, Xavier", "rnn", "tanh", "xavier"),
    CellSpec("RNN tanh, std 0.5", "rnn", "tanh", 0.5),
    CellSpec("RNN ReLU, orthogonal", "rnn", "relu", "orthogonal"),
    CellSpec("LSTM, forget bias 0", "lstm", forget_bias=0.0),
    CellSpec("LSTM, forget bias 1", "lstm", forget_bias=1.0),
    CellSpec("LSTM, forget bias 3", "lstm", forget_bias=3.0),
    CellSpec("GRU", "gru"),
)


@dataclass(frozen=True)
class ThroughTimeParams:
    """‖∂L/∂h_t‖ against t for each cell, at initialisation, on random sequences."""
    seq_len: int = 100
    input_size: int = 8
    hidden: int = 32
    batch: int = 32
    max_norm: float = 1.0
    seed: int = 0
    cells: tuple[CellSpec, ...] = field(default_factory=lambda: DEFAULT_CELLS)

    def check(self, where):
        for name in ("seq_len", "input_size", "hidden", "batch"):
            require(getattr(self, name) >= 1, at(where, name), ">= 1", getattr(self, name))
        require(finite(self.max_norm) and self.max_norm > 0, at(where, "max_norm"), "> 0", self.max_norm)
        check_cells(where, self.cells)


def through_time(layer, x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """‖∂L/∂h_t‖ for t = 1..T (over the batch and the H units) for L = mean_n ⟨h_T, v⟩."""
    hs = layer.forward(x)                                     # (N, T, H)
    dhs = np.zeros_like(hs)
    dhs[:, -1] = v / len(x)                                   # ∂L/∂h_T; nothing enters elsewhere
    layer.zero_grad()
    layer.backward(dhs)
    return np.linalg.norm(layer.grad_hidden, axis=(0, 2))     # (T,)


class GradientsThroughTime(SingleRun):
    name = "gradients-through-time"

    def memory(self, spec):
        p = spec.params                         # the inputs and, per step, the states and gates kept for backward
        return 8.0 * p.batch * p.seq_len * (p.input_size + 8 * p.hidden) * 2
    Params = ThroughTimeParams
    quick = {"seq_len": 30, "batch": 8}

    def check(self, spec):
        p = spec.params
        for cell in p.cells:                                  # every layer can be built
            recurrent(cell, p.input_size, p.hidden, np.random.default_rng(0))

    def compute(self, p, progress):
        rng = np.random.default_rng(p.seed)
        x = rng.standard_normal((p.batch, p.seq_len, p.input_size))
        v = rng.standard_normal(p.hidden) / np.sqrt(p.hidden)
        cells = []
        for cell in p.cells:
            layer = recurrent(cell, p.input_size, p.hidden, np.random.default_rng(p.seed), np.float64)
            norms = through_time(layer, x, v)
            before = clip_grad_norm(layer.parameters(), p.max_norm)
            after = float(np.sqrt(sum(np.sum(q.grad ** 2) for q in layer.parameters())))
            cells.append({"label": cell.label, "cell": cell.cell, "grad_norms": norms.tolist(),
                          "first_over_last": float(norms[0] / norms[-1]),
                          "param_grad_norm": before, "clipped_norm": after})
        return {"seq_len": p.seq_len, "max_norm": p.max_norm, "cells": cells}

    def summary(self, results):
        rows = [(c["label"], f"{c['grad_norms'][0]:.3g}", f"{c['grad_norms'][-1]:.3g}",
                 f"{c['first_over_last']:.3g}", f"{c['param_grad_norm']:.3g}", f"{c['clipped_norm']:.3g}")
                for c in results["cells"]]
        return [Table(("cell", "‖∂L/∂h_1‖", f"‖∂L/∂h_{results['seq_len']}‖", "ratio", "‖∂L/∂θ‖",
                       f"after clip_grad_norm({results['max_norm']:g})"), rows)]

    def figures(self, results, run):
        fig, (left, right) = grid(2, cols=2, width=4.6, height=4.6)
        styles = ["-", "--", ":", "-."]
        for k, c in enumerate(results["cells"]):
            norms = np.maximum(c["grad_norms"], 1e-300)
            left.plot(range(1, len(norms) + 1), norms, ls=styles[k % 4], color=f"C{k}", label=c["label"])
        left.set(yscale="log", xlabel="time step t", ylabel="‖∂L/∂h_t‖",
                 title=f"Gradient reaching step t (loss at t = {results['seq_len']})")
        left.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
        left.grid(alpha=0.3)
        idx = np.arange(len(results["cells"]))[::-1]           # horizontal bars, the first cell on top:
        right.barh(idx + 0.2, [c["param_grad_norm"] for c in results["cells"]], 0.4, label="as computed")
        right.barh(idx - 0.2, [c["clipped_norm"] for c in results["cells"]], 0.4,   # labels read level
                   label=f"after clip_grad_norm({results['max_norm']:g})")
        right.set_yticks(idx, [c["label"] for c in results["cells"]], fontsize=9)
        right.set(xscale="log", xlabel="‖∂L/∂θ‖ (all parameters)", title="Gradient clipping")
        right.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=1)
        tight(fig)
        return [save(fig, run.figures_dir, "gradients_through_time")]


KIND = GradientsThroughTime()
