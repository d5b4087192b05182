"""Activation distributions per layer at initialisation (the book's ch06 histograms).

A 5-layer × 100 net (no bias, no training) fed 1,000 N(0, 1) inputs, for each activation and
initial weight scale: with std 1 sigmoid saturates at 0 and 1 (勾配消失); with 0.01 everything
collapses to 0.5 (表現力の制限); Xavier keeps sigmoid/tanh spread, He keeps ReLU spread.
"""

from __future__ import annotations

import numpy as np

from ...init import resolve
from ...layers import activation
from ...train.probes import histogram
from . import single
from .single import done, summarize, tasks  # noqa: F401


def run_task(spec, task, out, progress: bool = False) -> str:
    p = spec.params
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
                counts, edges = histogram(x, layer)
                layers.append({"mean": float(x.mean()), "std": float(x.std()), "hist": counts,
                               "range": edges, "saturated": float(np.mean((x < 0.01) | (x > 0.99)))
                               if act == "sigmoid" else None})
            panels.append({"activation": act, "init": init if isinstance(init, str) else float(init),
                           "layers": layers})
    return single.save(out, {"panels": panels})
