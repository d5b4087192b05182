"""Optimizer paths on f(x, y) = x²/a + y² from a start point (the course's animation, drawn)."""

from __future__ import annotations

import numpy as np

from ... import optim
from ...parameter import Parameter
from . import single
from .single import done, summarize, tasks  # noqa: F401


def path(p, opt_spec) -> list[list[float]]:
    w = Parameter(np.array(p.start, dtype=np.float64), "W")
    opt = optim.create(opt_spec.name, [w], **opt_spec.kwargs())
    points = [w.data.tolist()]
    for _ in range(p.steps):
        x, y = w.data
        w.grad[:] = (2 * x / p.a, 2 * y)               # ∇f
        opt.step()
        opt.zero_grad()
        points.append(w.data.tolist())
    return points


def run_task(spec, task, out, progress: bool = False) -> str:
    p = spec.params
    paths = {o.label: path(p, o.optimizer) for o in p.optimizers}
    final = {k: float(v[-1][0] ** 2 / p.a + v[-1][1] ** 2) for k, v in paths.items()}
    return single.save(out, {"a": p.a, "start": list(p.start), "paths": paths, "final_f": final})
