"""Small matplotlib helpers shared by the experiment kinds' figures (Agg backend, files only)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np


def pyplot():
    """matplotlib.pyplot on the Agg backend (no display needed)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


LINESTYLES = ("-", "--", ":", "-.")


def series_style(k: int) -> dict:
    """The k-th series' colour and line style: ten colours, then the next line style, so no two
    series of one axes look alike (the batch-norm comparison has 11)."""
    return {"color": f"C{k % 10}", "ls": LINESTYLES[(k // 10) % len(LINESTYLES)]}


def save(fig, folder: Path, name: str) -> Path:
    """Write ``name``.png (for pages) and ``name``.svg (for print) into ``folder``; return the PNG."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / f"{name}.png", dpi=110)
    fig.savefig(folder / f"{name}.svg")
    pyplot().close(fig)
    return folder / f"{name}.png"


def grid(n: int, width: float = 3.2, height: float = 2.6, cols: int = 3):
    """A figure with ``n`` axes in rows of ``cols`` (unused cells hidden); returns (fig, axes)."""
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    fig, axes = pyplot().subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()


def histogram(ax, counts: list, value_range: list) -> None:
    """Bars of a recorded histogram: equal bins over value_range = [lo, hi]."""
    edges = np.linspace(*value_range, len(counts) + 1)
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge")
