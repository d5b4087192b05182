"""Small matplotlib helpers shared by the experiment kinds' figures (Agg backend, files only)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np


# Okabe & Ito's colour-blind-safe palette (black first, yellow last: it is faint on white);
# "C0"…"C7" in any figure name these colours
PALETTE = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442")


def pyplot():
    """matplotlib.pyplot on the Agg backend (no display needed), with the colour-blind-safe PALETTE."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from cycler import cycler
    matplotlib.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)
    return plt


LINESTYLES = ("-", "--", ":", "-.")
DPI = 110                 # PNG pixels per inch (save)
PAGE_PX = 940             # the report's content width in CSS pixels (document.STYLE: 980px less padding);
                          # a wider PNG is scaled down to it, and its text with it


def series_style(k: int) -> dict:
    """The k-th series' colour and line style: the palette's eight colours, then the next line
    style, so no two series of one axes look alike (the batch-norm comparison has 11)."""
    return {"color": PALETTE[k % len(PALETTE)], "ls": LINESTYLES[(k // len(PALETTE)) % len(LINESTYLES)]}


def fit_page(fig) -> float:
    """A figure wider than the report's column (PAGE_PX) is shown scaled down to it, and its text
    with it: enlarge every text by that factor first (and lay the figure out again), so that text
    drawn at 9 pt is still 9 pt on the page. Returns the factor (1: the figure fits)."""
    import warnings
    import matplotlib
    k = fig.get_figwidth() * DPI / PAGE_PX
    if k <= 1:
        return 1.0
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            labels = axis.get_ticklabels()
            if labels:
                ax.tick_params(axis=name, which="both", labelsize=labels[0].get_fontsize() * k)
    ticks = {id(t) for a in fig.axes for t in a.get_xticklabels() + a.get_yticklabels()}   # sized above
    for text in fig.findobj(matplotlib.text.Text):
        if id(text) not in ticks:
            text.set_fontsize(text.get_fontsize() * k)
    if fig.get_layout_engine() is None:
        with warnings.catch_warnings():             # a layout it cannot improve stays as it is
            warnings.simplefilter("ignore")
            fig.tight_layout()
    return k


def save(fig, folder: Path, name: str) -> Path:
    """Write ``name``.png (for pages) and ``name``.svg (for print) into ``folder``; return the PNG.
    A figure wider than the report's column gets its text enlarged first (fit_page)."""
    fit_page(fig)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / f"{name}.png", dpi=DPI)
    fig.savefig(folder / f"{name}.svg")
    pyplot().close(fig)
    return folder / f"{name}.png"


def grid(n: int, width: float = 2.8, height: float = 2.6, cols: int = 3):
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
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color="C4")
