"""The adding problem (Hochreiter & Schmidhuber 1997): a long-range memory task.

Each input is a sequence of T steps with two features: a random number in [0, 1) and a marker,
1 at exactly two steps (one in each half), else 0. The target is the sum of the two marked
numbers. Predicting the mean, 1, scores MSE = Var(u₁ + u₂) = 2/12 ≈ 0.167 (the baseline): a
net beats it only by carrying the first marked number across up to T steps — which needs the
gradient to cross them too. Model: cell → LastStep → Linear(H, 1), MSE, Adam, clipping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...document import Table
from ...layers import LastStep, Linear, MeanSquaredError, Sequential
from ...optim import Adam
from ...plotting import grid, save, tight
from ...rundir import folder_name
from ...train import History, TrainingDiverged, fit
from ..builders import recurrent
from ..spec import CellSpec, check_cells, finite
from ...validate import at
from ...checks import require
from .base import Kind

BASELINE = 2 / 12                      # MSE of always answering 1 (the mean of u₁ + u₂)


@dataclass(frozen=True)
class AddingParams:
    """Cells × sequence lengths, trained on freshly drawn batches; MSE on a fixed test set."""
    seq_lens: tuple[int, ...] = (50, 100)
    hidden: int = 64
    batch: int = 64
    iters: int = 1500
    lr: float = 0.003
    clip: float = 1.0
    eval_every: int = 100
    test_size: int = 1000
    seeds: int = 1
    cells: tuple[CellSpec, ...] = field(default_factory=lambda: (
        CellSpec("RNN tanh", "rnn", init="orthogonal"), CellSpec("LSTM", "lstm", forget_bias=1.0),
        CellSpec("GRU", "gru")))

    def check(self, where):
        require(len(self.seq_lens) > 0 and
                all(t >= 2 for t in self.seq_lens), at(where, "seq_lens"), "a non-empty list of lengths >= 2", list(self.seq_lens))
        for name in ("hidden", "batch", "iters", "eval_every", "test_size", "seeds"):
            require(getattr(self, name) >= 1, at(where, name), ">= 1", getattr(self, name))
        for name in ("lr", "clip"):
            require(finite(getattr(self, name)) and getattr(self, name) > 0, at(where, name), "> 0", getattr(self, name))
        check_cells(where, self.cells)


def adding_batch(n: int, length: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """x (n, T, 2): [value, marker]; t (n, 1): the sum of the two marked values."""
    values = rng.random((n, length))
    first = rng.integers(0, length // 2, n)                   # one marker in each half
    second = rng.integers(length // 2, length, n)
    markers = np.zeros((n, length))
    markers[np.arange(n), first] = markers[np.arange(n), second] = 1
    x = np.stack([values, markers], axis=2)
    return x, (values * markers).sum(axis=1, keepdims=True)


def model_for(cell: CellSpec, hidden: int, seed: int) -> Sequential:
    rng = np.random.default_rng(seed)
    return Sequential(recurrent(cell, 2, hidden, rng), LastStep(), Linear(hidden, 1, rng=rng))  # float32


class AddingProblem(Kind):
    name = "adding-problem"
    Params = AddingParams
    quick = {"seq_lens": [10], "hidden": 16, "batch": 32, "iters": 300, "eval_every": 50, "test_size": 200}

    def check(self, spec):
        for cell in spec.params.cells:
            model_for(cell, spec.params.hidden, 0)

    def dataset(self, params):
        return None

    def key(self, cell: CellSpec, length: int) -> str:
        return f"{folder_name(cell.label)}-T{length}"

    def tasks(self, spec):
        p = spec.params
        return [(self.key(c, t), s) for t in p.seq_lens for c in p.cells for s in range(p.seeds)]

    def cost(self, spec, task):
        return float(task[0].rsplit("-T", 1)[1]) * (4 if task[0].startswith("lstm") else 1)

    def run_task(self, spec, task, run, progress=False):
        p = spec.params
        cell, length = next((c, t) for t in p.seq_lens for c in p.cells if self.key(c, t) == task[0])
        model, loss = model_for(cell, p.hidden, task[1]), MeanSquaredError()
        rng = np.random.default_rng([task[1], length])
        test = adding_batch(p.test_size, length, np.random.default_rng([10**6, length]))
        try:           # fresh batches every step; the test MSE every eval_every steps
            history = fit(model, loss, Adam(model.parameters(), lr=p.lr), test, iters=p.iters,
                          batches=lambda it: adding_batch(p.batch, length, rng), clip=p.clip,
                          metric="loss", eval_every=p.eval_every, progress=progress)
        except TrainingDiverged as e:
            history = e.history
        history.info.update(cell=cell.label, seq_len=length, key=task[0], seed=task[1])
        history.save(self.file(run, task))
        return history.status

    def file(self, run, task):
        return run.history_file(*task)

    def done(self, spec, task, run):
        path = self.file(run, task)
        return path.exists() and History.load(path).status == "finished"

    def summarize(self, spec, run):
        rows = []
        for key, seed in self.tasks(spec):
            h = History.load(self.file(run, (key, seed)))
            curve = [[point["iteration"], point["test_loss"]] for point in h.points]
            rows.append({"key": key, "seed": seed, "cell": h.info["cell"], "seq_len": h.info["seq_len"],
                         "curve": curve, "final_mse": curve[-1][1] if curve else None,
                         "seconds": round(h.points[-1]["time_s"] if h.points else 0.0, 1)})
        return {"baseline": BASELINE, "runs": rows}

    def summary(self, results):
        rows = [(r["cell"], r["seq_len"], r["seed"], f"{r['final_mse']:.4f}",
                 "solved" if r["final_mse"] < 0.1 * BASELINE else
                 ("learning" if r["final_mse"] < 0.8 * BASELINE else "at the baseline"))
                for r in results["runs"]]
        return [Table(("cell", "T", "seed", "test MSE", f"vs the baseline {BASELINE:.3f}"), rows)]

    def figures(self, results, run):
        lengths = sorted({r["seq_len"] for r in results["runs"]})
        fig, axes = grid(len(lengths), cols=len(lengths), width=5.5, height=4)
        for ax, length in zip(axes, lengths):
            for k, r in enumerate(r for r in results["runs"] if r["seq_len"] == length):
                its, mse = zip(*r["curve"])
                ax.plot(its, mse, color=f"C{k}", ls=["-", "--", ":", "-."][k % 4], label=r["cell"])
            ax.axhline(BASELINE, color="gray", lw=1, label=f"baseline {BASELINE:.3f}")
            ax.set(yscale="log", xlabel="iteration", ylabel="test MSE", title=f"Adding problem, T = {length}")
            ax.legend(fontsize=9)
            ax.grid(alpha=0.3)
        tight(fig)
        return [save(fig, run.figures_dir, "adding_problem")]


KIND = AddingProblem()
