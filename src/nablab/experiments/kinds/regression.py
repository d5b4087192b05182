"""1_3: online SGD on f(x) = 3·x0 + 2·x1 with a 2-10-1 net — the backward review.

Shows the course code's quirk beside the correct run: its backward multiplies by the
sigmoid's derivative while the forward pass uses ReLU (CURRICULUM.md §8.2).
"""

from __future__ import annotations

import numpy as np

from ... import optim
from ...layers import Linear, MeanSquaredError, ReLU, Sequential, activation
from ...functional import sigmoid
from . import single
from .single import done, summarize, tasks  # noqa: F401 (the kind's interface)


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
    losses = []
    for i in rng.integers(0, p.samples, p.steps):      # online: one random sample per update
        losses.append(loss.forward(net.forward(x[i:i + 1]), d[i:i + 1]))
        net.backward(loss.backward())
        opt.step()
        opt.zero_grad()
    return losses


def run_task(spec, task, out, progress: bool = False) -> str:
    p = spec.params
    curves = {f"{p.activation} (correct backward)": train(p, activation(p.activation), seed=0)}
    if p.activation == "relu":
        curves["relu forward, sigmoid' backward (course code)"] = train(
            p, ReLUWithSigmoidDerivative(), seed=0)
    tail = max(1, p.steps // 10)
    return single.save(out, {"curves": curves, "final_loss": {k: float(np.mean(v[-tail:]))
                                                             for k, v in curves.items()}})
