"""1_3: online SGD on f(x) = 3·x0 + 2·x1 with a 2-10-1 net — the backward review.

Shows the course code's quirk beside the correct run: its backward multiplies by the
sigmoid's derivative while the forward pass uses ReLU (docs/curriculum.md §4.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import optim
from ...document import Table
from ...functional import sigmoid
from ...layers import ACTIVATIONS, Linear, MeanSquaredError, ReLU, Sequential, activation
from ...plotting import pyplot, save, tight
from ...train import train_step
from ..spec import finite
from ...validate import at
from ...checks import require
from .base import SingleRun


@dataclass(frozen=True)
class RegressionParams:
    """1_3: online SGD on f(x) = 3·x0 + 2·x1 with a 2-10-1 net."""
    samples: int = 100000
    steps: int = 1000
    hidden: int = 10
    lr: float = 0.07
    activation: str = "relu"
    low: float = 0.0
    high: float = 1.0

    def check(self, where):
        for name in ("samples", "steps", "hidden"):
            require(getattr(self, name) >= 1, at(where, name), ">= 1", getattr(self, name))
        require(finite(self.lr) and self.lr > 0, at(where, "lr"), "> 0", self.lr)
        require(finite(self.low), at(where, "low"), "a finite number", self.low)
        require(self.activation in ACTIVATIONS, at(where, "activation"), f"one of {sorted(ACTIVATIONS)}", self.activation)
        require(finite(self.high) and self.high > self.low, at(where, "high"), "finite and > low", self.high)


class ReLUWithSigmoidDerivative(ReLU):
    """The course's 1_3 bug, kept for the comparison: forward max(0, u), backward dy·σ'(z)."""

    def forward(self, x):
        y = super().forward(x)
        self._z = y
        return y

    def backward(self, dy):
        self.cached()
        s = sigmoid(self._z)
        return dy * s * (1 - s)


def train(p, hidden_layer, seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(p.low, p.high, (p.samples, 2))
    d = (3 * x[:, 0] + 2 * x[:, 1])[:, None]
    net = Sequential(Linear(2, p.hidden, init=1.0, rng=rng, dtype=np.float64), hidden_layer,
                     Linear(p.hidden, 1, init=1.0, rng=rng, dtype=np.float64))
    loss = MeanSquaredError("course")                  # ½(y − d)², gradient y − d, one sample
    opt = optim.SGD(net.parameters(), lr=p.lr)
    # online: one random sample per update
    return [train_step(net, loss, opt, x[i:i + 1], d[i:i + 1]) for i in rng.integers(0, p.samples, p.steps)]


class Regression(SingleRun):
    name = "regression"
    Params = RegressionParams
    quick = {"steps": 100, "samples": 1000}

    def memory(self, spec):
        p = spec.params                         # x (samples, 2), the targets, the drawn step indices
        return 8.0 * (3 * p.samples + 2 * p.steps + 4 * p.hidden)

    def compute(self, p, progress):
        curves = {f"{p.activation} (correct backward)": train(p, activation(p.activation), seed=0)}
        if p.activation == "relu":
            curves["relu forward, sigmoid' backward (course code)"] = train(
                p, ReLUWithSigmoidDerivative(), seed=0)
        tail = max(1, p.steps // 10)
        return {"curves": curves, "final_loss": {k: float(np.mean(v[-tail:])) for k, v in curves.items()}}

    def summary(self, results):
        return [Table(("run", "final loss (mean of the last 10 % of steps)"),
                      [(k, f"{v:.4g}") for k, v in results["final_loss"].items()])]

    def figures(self, results, run):
        fig, ax = pyplot().subplots(figsize=(7, 4))
        for label, losses in results["curves"].items():
            ax.plot(losses, ".", ms=2, label=label, alpha=0.6)
        ax.set(yscale="log", xlabel="step (one sample each)", ylabel="loss ½(y − d)²",
               title="online SGD on f(x) = 3·x0 + 2·x1")
        ax.legend(fontsize=9)
        ax.grid(alpha=0.3)
        tight(fig)
        return [save(fig, run.figures_dir, "loss")]


KIND = Regression()
