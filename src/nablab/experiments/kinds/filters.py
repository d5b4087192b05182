"""First-layer filters of SimpleConvNet before and after training, and the feature maps of
one test image — what the 30 filters learned to look for."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ... import models, optim
from ...document import Paragraph
from ...layers import SoftmaxCrossEntropy
from ...plotting import grid, save, tight
from ...train import accuracy, fit
from ..datasets import data_for
from ..spec import DataSpec, finite
from ...validate import at
from ...checks import require
from .base import SingleRun


@dataclass(frozen=True)
class FiltersParams:
    """First-layer filters of SimpleConvNet before and after training, and one image's maps."""
    iters: int = 300
    lr: float = 0.001
    data: DataSpec = field(default_factory=lambda: DataSpec(n_train=5000, n_test=1000, flatten=False))

    def check(self, where):
        require(self.iters >= 1, at(where, "iters"), ">= 1", self.iters)
        require(finite(self.lr) and self.lr > 0, at(where, "lr"), "> 0", self.lr)


class Filters(SingleRun):
    name = "filters"
    Params = FiltersParams
    quick = {"iters": 20, "data": {"n_train": 500, "n_test": 200}}

    def compute(self, p, progress):
        ds = data_for(p.data)
        net = models.simple_convnet(input_shape=ds.x_train.shape[1:], n_classes=len(ds.classes), rng=0)
        before = net[0].W.data[:, 0].copy()                      # (30, 5, 5)
        fit(net, SoftmaxCrossEntropy(), optim.Adam(net.parameters(), lr=p.lr), ds, iters=p.iters,
            eval_every=p.iters, seed=0, progress=progress)
        image = ds.x_test[:1]
        net.eval()
        maps = net[1].forward(net[0].forward(image))[0]          # after ReLU: (30, 24, 24)
        return {"before": before.tolist(), "after": net[0].W.data[:, 0].tolist(),
                "image": image[0, 0].tolist(), "label": ds.classes[int(ds.y_test[0])],
                "maps": maps.tolist(), "test_acc": accuracy(net, ds.x_test, ds.y_test), "iters": p.iters}

    def summary(self, results):
        return [Paragraph(f"SimpleConvNet after {results['iters']} Adam steps: test accuracy "
                          f"{results['test_acc']:.4f}.")]

    def figures(self, results, run):
        figs = []
        for key, title in (("before", "before training"), ("after", "after training")):
            w = np.array(results[key])
            fig, axes = grid(len(w), width=0.9, height=0.9, cols=10)
            for ax, f in zip(axes, w):
                ax.imshow(f, cmap="gray_r")
                ax.set_xticks([])
                ax.set_yticks([])
            fig.suptitle(f"conv1 filters {title}", fontsize=9)
            tight(fig)
            figs.append(save(fig, run.figures_dir, f"filters_{key}"))
        maps = np.array(results["maps"])
        fig, axes = grid(len(maps) + 1, width=1.0, height=1.0, cols=8)
        axes[0].imshow(np.array(results["image"]), cmap="gray_r")
        axes[0].set_title(results["label"], fontsize=9)
        for ax, m in zip(axes[1:], maps):
            ax.imshow(m, cmap="viridis")
        for ax in axes:
            ax.set_xticks([])
            ax.set_yticks([])
        fig.suptitle("feature maps of one test image (after ReLU)", fontsize=9)
        tight(fig)
        figs.append(save(fig, run.figures_dir, "feature_maps"))
        return figs


KIND = Filters()
