"""Activation distributions per layer at initialisation (the book's ch06 histograms).

A 5-layer × 100 net (no bias, no training) fed 1,000 N(0, 1) inputs, for each activation and
initial weight scale: with std 1 sigmoid saturates at 0 and 1 (勾配消失); with 0.01 everything
collapses to 0.5 (表現力の制限); Xavier keeps sigmoid/tanh spread, He keeps ReLU spread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...init import resolve
from ...layers import activation
from ...plotting import histogram, pyplot, save
from ...train.probes import histogram as counts_of
from ..spec import check_nets
from ...validate import at
from ...checks import require
from .base import SingleRun


@dataclass(frozen=True)
class InitHistParams:
    """Activation distributions of a deep net at initialisation (no training)."""
    layers: int = 5
    width: int = 100
    samples: int = 1000
    activations: tuple[str, ...] = ("sigmoid", "tanh", "relu")
    inits: tuple[str | float, ...] = (1.0, 0.01, "xavier", "he")

    def check(self, where):
        for name in ("layers", "width", "samples"):
            require(getattr(self, name) >= 1, at(where, name), ">= 1", getattr(self, name))
        check_nets(where, self.activations, self.inits)


class InitHistograms(SingleRun):
    name = "init-histograms"
    Params = InitHistParams
    quick = {"samples": 200}

    def memory(self, spec):
        p = spec.params                         # the samples' activations and one square weight
        return 8.0 * (3 * p.samples * p.width + p.width * p.width)

    def compute(self, p, progress):
        rng = np.random.default_rng(0)
        x0 = rng.standard_normal((p.samples, p.width))
        panels = []
        for act in p.activations:
            for init in p.inits:
                x, layers = x0, []
                for _ in range(p.layers):
                    w = resolve(init)((p.width, p.width), rng=rng, dtype=np.float64)
                    layer = activation(act)
                    x = layer.forward(x @ w)
                    counts, edges = counts_of(x, layer)
                    layers.append({"mean": float(x.mean()), "std": float(x.std()), "hist": counts,
                                   "range": edges, "saturated": float(np.mean((x < 0.01) | (x > 0.99)))
                                   if act == "sigmoid" else None})
                panels.append({"activation": act, "init": init if isinstance(init, str) else float(init),
                               "layers": layers})
        return {"panels": panels}

    def figures(self, results, run):
        from matplotlib.ticker import MaxNLocator
        panels = results["panels"]
        n_layers = len(panels[0]["layers"])
        fig, axes = pyplot().subplots(len(panels), n_layers, figsize=(1.7 * n_layers, 1.5 * len(panels)),
                                      squeeze=False)
        for row, panel in zip(axes, panels):
            for i, (ax, layer) in enumerate(zip(row, panel["layers"])):
                histogram(ax, layer["hist"], layer["range"])
                ax.set_ylim(0, max(layer["hist"]) * 1.45 or 1)    # a clear band above the tallest bar
                # each panel has its own x scale: its std says how wide the spread really is
                ax.text(0.97, 0.93, f"std {layer['std']:.2g}", transform=ax.transAxes, ha="right", va="top",
                        fontsize=9, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1})
                ax.set_yticks([])
                ax.xaxis.set_major_locator(MaxNLocator(3))      # "0.00000.00010.0002" ran together:
                ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 3))   # few ticks, ×10ⁿ apart
                ax.tick_params(labelsize=9)
                if i == 0:
                    ax.set_ylabel(f"{panel['activation']}\ninit {panel['init']}", fontsize=9)
                if panel is panels[0]:
                    ax.set_title(f"layer {i + 1}", fontsize=9)
        fig.suptitle("activation distributions at initialisation (x axes differ: see each panel's std)")
        # a regular grid of 60 small axes: fixed margins (tight_layout on it takes seconds)
        fig.subplots_adjust(left=0.09, right=0.99, bottom=0.35 / fig.get_figheight(),
                            top=1 - 1.0 / fig.get_figheight(), wspace=0.12, hspace=0.62)
        return [save(fig, run.figures_dir, "init_histograms")]


KIND = InitHistograms()
