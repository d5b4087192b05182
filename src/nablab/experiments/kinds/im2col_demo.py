"""The course's im2col demo (2_6): a (2, 1, 4, 4) input and a 3×3 filter give a (8, 9) matrix;
col2im does not give the input back — overlapping windows are summed (centre cells 4×)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...document import Paragraph
from ...im2col import col2im, im2col
from ...plotting import pyplot, save, tight
from ...validate import at
from ...checks import require
from .base import SingleRun


@dataclass(frozen=True)
class Im2colParams:
    """The course's im2col demo: a (2, 1, 4, 4) input of integers 0–99 and a 3×3 filter."""
    shape: tuple[int, int, int, int] = (2, 1, 4, 4)
    kernel: int = 3
    stride: int = 1
    padding: int = 0
    seed: int = 0

    def check(self, where):
        require(all(d >= 1 for d in self.shape) and max(self.shape) <= 64, at(where, "shape"), "four sizes in [1, 64] (N, C, H, W)", list(self.shape))
        require(self.padding >= 0, at(where, "padding"), ">= 0", self.padding)
        require(1 <= self.kernel <= min(self.shape[2:]) + 2 * self.padding, at(where, "kernel"), "between 1 and the padded input size", self.kernel)
        require(self.stride >= 1, at(where, "stride"), ">= 1", self.stride)


class Im2colDemo(SingleRun):
    name = "im2col-demo"

    def memory(self, spec):
        n, c, h, w = spec.params.shape           # the columns: one row per output position, C·k·k wide, made
        k, pad = spec.params.kernel, spec.params.padding      # and compared by the fast and naive twins (10 copies)
        return 8.0 * 10 * n * (h + 2 * pad) * (w + 2 * pad) * c * k * k
    Params = Im2colParams

    def compute(self, p, progress):
        x = np.random.default_rng(p.seed).integers(0, 100, p.shape).astype(np.float64)
        col = im2col(x, p.kernel, p.kernel, p.stride, p.padding)
        back = col2im(col, x.shape, p.kernel, p.kernel, p.stride, p.padding)
        counts = col2im(np.ones_like(col), x.shape, p.kernel, p.kernel, p.stride, p.padding)
        return {"input_shape": list(x.shape), "kernel": p.kernel, "stride": p.stride, "padding": p.padding,
                "input": x.tolist(), "col": col.tolist(), "col_shape": list(col.shape),
                "col2im": back.tolist(), "counts": counts[0, 0].tolist(),
                "max_overlap": int(counts.max()),
                "col2im_equals_input_times_counts": bool(np.array_equal(back, x * counts))}

    def summary(self, r):
        same = "yes" if r["col2im_equals_input_times_counts"] else "no"
        return [Paragraph(f"Input {tuple(r['input_shape'])}, {r['kernel']}×{r['kernel']} filter, stride "
                          f"{r['stride']}, padding {r['padding']} → col {tuple(r['col_shape'])}. "
                          f"col2im(im2col(x)) = x × (number of windows covering each pixel): {same}.")]

    def figures(self, results, run):
        x = np.array(results["input"])[0, 0]
        col = np.array(results["col"])
        fig, axes = pyplot().subplots(1, 4, figsize=(11, 3.4), gridspec_kw={"width_ratios": [1, 2.2, 1, 1]})
        panels = [(x, "input x[0, 0]"), (col, f"im2col: {col.shape[0]}×{col.shape[1]}"),
                  (np.array(results["col2im"])[0, 0], "col2im(im2col(x))\n[0, 0]"),
                  (np.array(results["counts"]), "windows covering\neach pixel")]
        for ax, (a, title) in zip(axes, panels):
            ax.imshow(a, cmap="Blues")
            if a.size <= 120:
                for (i, j), v in np.ndenumerate(a):
                    ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=9)
            ax.set_title(title, fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
        tight(fig)
        return [save(fig, run.figures_dir, "im2col")]


KIND = Im2colDemo()
