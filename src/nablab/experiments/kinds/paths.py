"""Optimizer paths on f(x, y) = x²/a + y² from a start point (the course's animation, drawn)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import optim
from ...document import Table
from ...parameter import Parameter
from ...plotting import grid, save, tight
from ...errors import ConfigError
from ..spec import OptimizerSpec, finite
from ...validate import at
from ...checks import require
from .base import SingleRun


@dataclass(frozen=True)
class PathOptimizer:
    label: str
    optimizer: OptimizerSpec


@dataclass(frozen=True)
class PathParams:
    """Optimizer paths on f(x, y) = x²/a + y² (the book's 2-D function), from a start point."""
    a: float = 20.0
    start: tuple[float, float] = (-7.0, 2.0)
    steps: int = 30
    optimizers: tuple[PathOptimizer, ...] = ()

    def check(self, where):
        require(finite(self.a) and self.a > 0, at(where, "a"), "> 0", self.a)
        require(all(map(finite, self.start)), at(where, "start"), "two finite numbers", list(self.start))
        require(self.steps >= 1, at(where, "steps"), ">= 1", self.steps)
        require(len(self.optimizers) > 0, at(where, "optimizers"), "non-empty", len(self.optimizers))
        labels = [o.label for o in self.optimizers]
        require(len(set(labels)) == len(labels), at(where, "optimizers"), "labels that differ", labels)
        for i, o in enumerate(self.optimizers):
            try:
                optim.create(o.optimizer.name, [Parameter(np.zeros(2), "W")], **o.optimizer.kwargs())
            except (TypeError, ConfigError) as e:
                raise ConfigError(f"{where}.optimizers[{i}] ({o.label}): {e}") from None


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


class OptimizerPaths(SingleRun):
    name = "optimizer-paths"
    Params = PathParams
    quick = {"steps": 10}

    def compute(self, p, progress):
        paths = {o.label: path(p, o.optimizer) for o in p.optimizers}
        final = {k: float(v[-1][0] ** 2 / p.a + v[-1][1] ** 2) for k, v in paths.items()}
        return {"a": p.a, "start": list(p.start), "paths": paths, "final_f": final}

    def summary(self, results):
        return [Table(("optimizer", "f at the last step"),
                      [(k, f"{v:.4g}") for k, v in results["final_f"].items()])]

    def figures(self, results, run):
        paths = results["paths"]
        fig, axes = grid(len(paths), width=3.0, height=2.6)
        xs, ys = np.meshgrid(np.linspace(-10, 10, 200), np.linspace(-5, 5, 200))
        zs = xs**2 / results["a"] + ys**2
        for ax, (label, pts) in zip(axes, paths.items()):
            pts = np.array(pts)
            ax.contour(xs, ys, zs, levels=15, linewidths=0.5, colors="gray")
            ax.plot(pts[:, 0], pts[:, 1], "o-", ms=3, color="tab:red", lw=1)
            ax.plot(0, 0, "+", color="black")
            ax.set(xlim=(-10, 10), ylim=(-5, 5), title=label)
            ax.tick_params(labelsize=9)
        fig.suptitle(f"optimizer paths on f(x, y) = x²/{results['a']:g} + y²")
        tight(fig)
        return [save(fig, run.figures_dir, "optimizer_paths")]


KIND = OptimizerPaths()
