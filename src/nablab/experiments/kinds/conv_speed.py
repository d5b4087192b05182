"""im2col three ways — naive loops, the book's kernel-offset loop, sliding windows — timed,
with their peak memory (tracemalloc) and a check that they give the same matrix."""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

from ...document import Table
from ...im2col import im2col, im2col_book, im2col_naive
from ...plotting import pyplot, save, tight
from ...validate import at
from ...checks import require
from .base import SingleRun

METHODS = {"naive loops": im2col_naive, "book (kernel-offset loop)": im2col_book,
           "sliding windows": im2col}


@dataclass(frozen=True)
class ConvSpeedParams:
    """im2col by naive loops, the book's method and sliding windows: time, memory, equality."""
    shapes: tuple[tuple[int, int, int, int], ...] = ((100, 1, 28, 28), (100, 16, 28, 28))
    kernel: int = 3
    padding: int = 1
    repeats: int = 5
    naive_max_samples: int = 10        # the naive loops run on this many samples and are scaled

    def check(self, where):
        require(self.repeats >= 1, at(where, "repeats"), ">= 1", self.repeats)
        require(len(self.shapes) > 0 and all(d >= 1 for s in self.shapes for d in s), at(where, "shapes"), "non-empty, sizes >= 1", [list(s) for s in self.shapes])
        require(self.kernel >= 1, at(where, "kernel"), ">= 1", self.kernel)
        require(self.padding >= 0, at(where, "padding"), ">= 0", self.padding)
        require(self.naive_max_samples >= 1, at(where, "naive_max_samples"), ">= 1", self.naive_max_samples)
        for s in self.shapes:
            require(self.kernel <= min(s[2:]) + 2 * self.padding, at(where, "kernel"), f"at most the padded input size of {list(s)}", self.kernel)


def measure(fn, x, k, p, repeats) -> tuple[float, float]:
    """(median seconds, peak MiB allocated during one call)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(x, k, k, 1, p)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn(x, k, k, 1, p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return float(np.median(times)), peak / 2**20


class ConvSpeed(SingleRun):
    name = "conv-speed"
    Params = ConvSpeedParams
    quick = {"shapes": [[20, 1, 28, 28], [20, 8, 14, 14]], "repeats": 1, "naive_max_samples": 2}

    def compute(self, p, progress):
        rows = []
        for shape in p.shapes:
            x = np.random.default_rng(0).random(shape, dtype=np.float32)
            reference = im2col(x, p.kernel, p.kernel, 1, p.padding)
            for name, fn in METHODS.items():
                sample, scale = x, 1.0
                if name == "naive loops" and shape[0] > p.naive_max_samples:
                    sample = x[:p.naive_max_samples]          # loops are slow: time fewer, scale up
                    scale = shape[0] / p.naive_max_samples
                seconds, peak = measure(fn, sample, p.kernel, p.padding, p.repeats)
                result = fn(sample, p.kernel, p.kernel, 1, p.padding)
                rows.append({"shape": list(shape), "method": name, "seconds": seconds * scale,
                             "peak_mib": peak * scale, "scaled_from": int(sample.shape[0]),
                             "equal": bool(np.array_equal(result, reference[:len(result)]))})
        return {"kernel": p.kernel, "padding": p.padding, "rows": rows}

    def summary(self, results):
        rows = []
        for row in results["rows"]:
            note = f" (timed on {row['scaled_from']}, scaled)" if row["scaled_from"] != row["shape"][0] else ""
            rows.append((tuple(row["shape"]), f"{row['method']}{note}", f"{row['seconds'] * 1e3:.2f}",
                         f"{row['peak_mib']:.1f}", "yes" if row["equal"] else "NO"))
        return [Table(("input", "method", "ms per call", "peak MiB", "equal to sliding windows"), rows)]

    def figures(self, results, run):
        rows = results["rows"]
        shapes = sorted({tuple(r["shape"]) for r in rows}, key=lambda s: s[1])
        methods = list(dict.fromkeys(r["method"] for r in rows))
        fig, (ax1, ax2) = pyplot().subplots(1, 2, figsize=(9.2, 4))
        width = 0.8 / len(methods)
        for m, method in enumerate(methods):
            by_shape = {tuple(r["shape"]): r for r in rows if r["method"] == method}
            pos = np.arange(len(shapes)) + m * width
            ax1.bar(pos, [by_shape[s]["seconds"] * 1e3 for s in shapes], width, label=method)
            ax2.bar(pos, [by_shape[s]["peak_mib"] for s in shapes], width, label=method)
        for ax, label in ((ax1, "ms per call (log)"), (ax2, "peak MiB")):
            ax.set_xticks(np.arange(len(shapes)) + 0.4 - width / 2, [str(s) for s in shapes], fontsize=9)
            ax.set_ylabel(label)
            ax.grid(alpha=0.3, axis="y")
        ax1.set_yscale("log")
        # one key below both panels: inside either, where the bars are depends on the measured times
        fig.legend(*ax1.get_legend_handles_labels(), loc="lower center", ncol=len(methods), fontsize=9,
                   frameon=False)
        fig.suptitle(f"im2col, {results['kernel']}×{results['kernel']} kernel, padding {results['padding']}")
        tight(fig, rect=(0, 0.45 / fig.get_figheight(), 1, 1))
        return [save(fig, run.figures_dir, "conv_speed")]


KIND = ConvSpeed()
