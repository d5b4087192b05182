"""Per-layer gradient norms against depth: why deep sigmoid nets do not learn (勾配消失).

For each activation × init × batch norm: a ``depth``-layer MLP of width ``width``; the norm of
∂L/∂W of every layer on one real batch at initialisation, and after ``train_iters`` SGD steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ... import models, optim
from ...document import Table
from ...layers import SoftmaxCrossEntropy
from ...plotting import grid, save, tight
from ...train import accuracy, fit
from ..datasets import data_for
from ..spec import DataSpec, check_nets, finite
from ...validate import at
from ...checks import require
from .base import SingleRun


@dataclass(frozen=True)
class DepthParams:
    """Per-layer gradient norms of deep nets on one real batch, at init and after training."""
    depth: int = 10
    width: int = 100
    batch_size: int = 100
    train_iters: int = 300
    lr: float = 0.1
    activations: tuple[str, ...] = ("sigmoid", "relu")
    inits: tuple[str | float, ...] = (0.01, "xavier", "he")
    batchnorm: tuple[bool, ...] = (False, True)
    data: DataSpec = field(default_factory=DataSpec)

    def check(self, where):
        require(self.depth >= 2, at(where, "depth"), ">= 2", self.depth)
        for name in ("width", "batch_size", "train_iters"):
            require(getattr(self, name) >= 1, at(where, name), ">= 1", getattr(self, name))
        require(finite(self.lr) and self.lr > 0, at(where, "lr"), "> 0", self.lr)
        require(len(self.batchnorm) > 0, at(where, "batchnorm"), "a non-empty list", list(self.batchnorm))
        check_nets(where, self.activations, self.inits)


def grad_norms(net, x, t) -> list[float]:
    """‖∂L/∂W‖ of every weight for one batch (no update)."""
    loss = SoftmaxCrossEntropy()
    net.zero_grad()
    loss.forward(net.forward(x), t)
    net.backward(loss.backward())
    norms = [float(np.linalg.norm(p.grad)) for p in net.parameters() if p.is_weight]
    net.zero_grad()
    return norms


class DepthGradients(SingleRun):
    name = "depth-gradients"

    def memory(self, spec):
        p = spec.params                         # the net's square weights (4 copies), its activations
        return 8.0 * (4 * p.depth * p.width * p.width + 3 * p.batch_size * p.depth * p.width)
    Params = DepthParams
    quick = {"train_iters": 20, "data": {"n_train": 500, "n_test": 200}}

    def compute(self, p, progress):
        ds = data_for(p.data)
        batch = np.random.default_rng(0).choice(len(ds.x_train), p.batch_size, replace=False)
        x, t = ds.x_train[batch], ds.y_train[batch]
        nets = []
        for act in p.activations:
            for init in p.inits:
                for bn in p.batchnorm:
                    net = models.mlp(ds.x_train.shape[1], [p.width] * (p.depth - 1), len(ds.classes),
                                     activation=act, init=init, batchnorm=bn, rng=np.random.default_rng(0))
                    before = grad_norms(net, x, t)
                    fit(net, SoftmaxCrossEntropy(), optim.SGD(net.parameters(), lr=p.lr), ds,
                        iters=p.train_iters, batch_size=p.batch_size, eval_every=p.train_iters, seed=0,
                        progress=False)
                    nets.append({"activation": act, "init": init if isinstance(init, str) else float(init),
                                 "batchnorm": bn, "grad_norm_init": before,
                                 "grad_norm_trained": grad_norms(net, x, t),
                                 "test_acc": accuracy(net, ds.x_test, ds.y_test)})
        return {"nets": nets, "train_iters": p.train_iters, "lr": p.lr}

    def summary(self, results):
        rows = []
        for n in results["nets"]:
            g = n["grad_norm_init"]
            ratio = g[0] / g[-1] if g[-1] else float("nan")
            rows.append((n["activation"], n["init"], "yes" if n["batchnorm"] else "no", f"{ratio:.3g}",
                         f"{n['test_acc']:.4f}"))
        return [Table(("activation", "init", "BN", "‖∂L/∂W₁‖ / ‖∂L/∂W_last‖ at init", "test acc"), rows)]

    def figures(self, results, run):
        acts = sorted({n["activation"] for n in results["nets"]})
        fig, axes = grid(2 * len(acts), cols=2, width=3.6, height=3.4)
        for a, act in enumerate(acts):
            for j, when in enumerate(("grad_norm_init", "grad_norm_trained")):
                ax = axes[2 * a + j]
                for net in (n for n in results["nets"] if n["activation"] == act):
                    norms = net[when]
                    ax.plot(range(1, len(norms) + 1), np.maximum(norms, 1e-30), marker=".",
                            ls="--" if net["batchnorm"] else "-",
                            label=f"{net['init']}{' + BN' if net['batchnorm'] else ''} "
                                  f"(acc {net['test_acc']:.2f})")
                ax.set(yscale="log", xlabel="layer (input → output)", ylabel="‖∂L/∂W‖",
                       title=f"{act}: {'at initialisation' if j == 0 else 'after training'}")
                if j == 1:                    # one key per row (the same nets), beside the row
                    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
                ax.grid(alpha=0.3)
        tight(fig)
        return [save(fig, run.figures_dir, "depth_gradients")]


KIND = DepthGradients()
