"""Figures of a run directory, drawn only from its files (PNG for pages, SVG for print)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..experiments.common import read_json, slug


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def save(fig, out: Path, name: str) -> Path:
    folder = out / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    fig.savefig(folder / f"{name}.png", dpi=110)
    fig.savefig(folder / f"{name}.svg")
    _plt().close(fig)
    return folder / f"{name}.png"


def grid(n: int, width: float = 3.2, height: float = 2.6, cols: int = 3):
    plt = _plt()
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()


def histogram(ax, counts: list, value_range: list) -> None:
    """Bars of a recorded histogram: equal bins over value_range = [lo, hi]."""
    edges = np.linspace(*value_range, len(counts) + 1)
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge")


def histories(out: Path, label: str) -> list[dict]:
    folder = out / "history" / slug(label)
    return [read_json(p) for p in sorted(folder.glob("seed*.json"))]


def plot_run(out: str | Path) -> list[Path]:
    out = Path(out)
    results = read_json(out / "results.json")
    return PLOTTERS[results["kind"]](out, results)


def classify(out: Path, results: dict) -> list[Path]:
    variants = results["variants"]
    figs = []
    fig, axes = grid(len(variants))
    for ax, v in zip(axes, variants):
        h = histories(out, v["label"])[0]
        its = [p["iteration"] for p in h["points"]]
        ax.plot(its, [p["train_acc"] for p in h["points"]], label="training set", lw=1)
        ax.plot(its, [p["test_acc"] for p in h["points"]], label="test set", lw=1)
        ax.set(ylim=(0, 1), xlabel="iteration", ylabel="accuracy")
        ax.set_title(v["label"], fontsize=8)
        ax.legend(loc="lower right", fontsize=7)
        ax.grid(alpha=0.3)
    fig.suptitle(f"{results['experiment']}: accuracy (seed 0)")
    fig.tight_layout()
    figs.append(save(fig, out, "accuracy"))

    plt = _plt()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    for v in variants:
        hs = histories(out, v["label"])
        its = [p["iteration"] for p in hs[0]["points"]]
        test = np.mean([[p["test_acc"] for p in h["points"]] for h in hs], axis=0)
        ax1.plot(its, test, label=v["label"], lw=1.2)
        losses = np.mean([h["losses"] for h in hs], axis=0)
        k = max(1, len(losses) // 50)
        smooth = np.convolve(losses, np.ones(k) / k, mode="valid")
        ax2.plot(np.arange(k, len(losses) + 1), smooth, label=v["label"], lw=1)
    ax1.set(ylim=(0, 1), xlabel="iteration", ylabel="test accuracy",
            title=f"test accuracy (mean of {results['seeds']} seed(s))")
    ax2.set(xlabel="iteration", ylabel="training loss (moving average)", yscale="log", title="loss")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
    ax1.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    figs.append(save(fig, out, "comparison"))
    figs += probe_figures(out, variants)
    return figs


def probe_figures(out: Path, variants: list[dict]) -> list[Path]:
    records = {v["label"]: histories(out, v["label"])[0]["probes"] for v in variants}
    figs = []
    with_grads = {k: [r for r in v if r["probe"] == "grad_norms"] for k, v in records.items()}
    with_grads = {k: v for k, v in with_grads.items() if v}
    if with_grads:
        fig, axes = grid(len(with_grads))
        for ax, (label, recs) in zip(axes, with_grads.items()):
            for it in sorted({r["iteration"] for r in recs}):
                norms = [r["norm"] for r in recs if r["iteration"] == it]
                ax.plot(range(1, len(norms) + 1), norms, marker="o", label=f"iteration {it}")
            ax.set(yscale="log", xlabel="layer (input → output)", ylabel="‖∂L/∂W‖")
            ax.set_title(label, fontsize=8)
            ax.legend(fontsize=7)
            ax.grid(alpha=0.3)
        fig.suptitle("gradient norm per layer")
        fig.tight_layout()
        figs.append(save(fig, out, "grad_norms"))
    acts = {k: [r for r in v if r["probe"] == "activations"] for k, v in records.items()}
    acts = {k: v for k, v in acts.items() if v}
    if acts:
        first = {k: [r for r in v if r["iteration"] == v[0]["iteration"]] for k, v in acts.items()}
        cols = max(len(v) for v in first.values())
        plt = _plt()
        fig, axes = plt.subplots(len(first), cols, figsize=(2.6 * cols, 2.0 * len(first)),
                                 squeeze=False)
        for row, (label, recs) in zip(axes, first.items()):
            for ax, r in zip(row, recs):
                histogram(ax, r["hist"], r["range"])
                ax.set_title(f"{label}: layer {r['layer']} (it {r['iteration']})", fontsize=7)
                ax.tick_params(labelsize=6)
            for ax in row[len(recs):]:
                ax.set_visible(False)
        fig.suptitle("activation distributions")
        fig.tight_layout()
        figs.append(save(fig, out, "activations"))
    return figs


def regression(out: Path, results: dict) -> list[Path]:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, losses in results["curves"].items():
        ax.plot(losses, ".", ms=2, label=label, alpha=0.6)
    ax.set(yscale="log", xlabel="step (one sample each)", ylabel="loss ½(y − d)²",
           title="online SGD on f(x) = 3·x0 + 2·x1")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return [save(fig, out, "loss")]


def init_histograms(out: Path, results: dict) -> list[Path]:
    panels = results["panels"]
    n_layers = len(panels[0]["layers"])
    plt = _plt()
    fig, axes = plt.subplots(len(panels), n_layers, figsize=(1.9 * n_layers, 1.5 * len(panels)),
                             squeeze=False)
    for row, panel in zip(axes, panels):
        for i, (ax, layer) in enumerate(zip(row, panel["layers"])):
            histogram(ax, layer["hist"], layer["range"])
            ax.set_yticks([])
            ax.tick_params(labelsize=6)
            if i == 0:
                ax.set_ylabel(f"{panel['activation']}\ninit {panel['init']}", fontsize=7)
            if panel is panels[0]:
                ax.set_title(f"layer {i + 1}", fontsize=8)
    fig.suptitle("activation distributions at initialisation")
    fig.tight_layout()
    return [save(fig, out, "init_histograms")]


def depth_gradients(out: Path, results: dict) -> list[Path]:
    acts = sorted({n["activation"] for n in results["nets"]})
    fig, axes = grid(2 * len(acts), cols=2, width=5, height=3.6)
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
            ax.legend(fontsize=6)
            ax.grid(alpha=0.3)
    fig.tight_layout()
    return [save(fig, out, "depth_gradients")]


def optimizer_paths(out: Path, results: dict) -> list[Path]:
    paths = results["paths"]
    fig, axes = grid(len(paths), width=3.6, height=3.0)
    xs, ys = np.meshgrid(np.linspace(-10, 10, 200), np.linspace(-5, 5, 200))
    zs = xs**2 / results["a"] + ys**2
    for ax, (label, pts) in zip(axes, paths.items()):
        pts = np.array(pts)
        ax.contour(xs, ys, zs, levels=15, linewidths=0.5, colors="gray")
        ax.plot(pts[:, 0], pts[:, 1], "o-", ms=3, color="tab:red", lw=1)
        ax.plot(0, 0, "+", color="black")
        ax.set(xlim=(-10, 10), ylim=(-5, 5), title=label)
        ax.tick_params(labelsize=7)
    fig.suptitle(f"optimizer paths on f(x, y) = x²/{results['a']:g} + y²")
    fig.tight_layout()
    return [save(fig, out, "optimizer_paths")]


def im2col_demo(out: Path, results: dict) -> list[Path]:
    plt = _plt()
    x = np.array(results["input"])[0, 0]
    col = np.array(results["col"])
    counts = np.array(results["counts"])
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.4), gridspec_kw={"width_ratios": [1, 2.2, 1, 1]})
    panels = [(x, "input x[0, 0]"), (col, f"im2col: {col.shape[0]}×{col.shape[1]}"),
              (np.array(results["col2im"])[0, 0], "col2im(im2col(x))[0, 0]"),
              (counts, "windows covering each pixel")]
    for ax, (a, title) in zip(axes, panels):
        ax.imshow(a, cmap="Blues")
        if a.size <= 120:
            for (i, j), v in np.ndenumerate(a):
                ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=6)
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.tight_layout()
    return [save(fig, out, "im2col")]


def conv_speed(out: Path, results: dict) -> list[Path]:
    plt = _plt()
    rows = results["rows"]
    shapes = sorted({tuple(r["shape"]) for r in rows}, key=lambda s: s[1])
    methods = list(dict.fromkeys(r["method"] for r in rows))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8))
    width = 0.8 / len(methods)
    for m, method in enumerate(methods):
        secs = [next(r["seconds"] for r in rows if tuple(r["shape"]) == s and r["method"] == method)
                for s in shapes]
        mem = [next(r["peak_mib"] for r in rows if tuple(r["shape"]) == s and r["method"] == method)
               for s in shapes]
        pos = np.arange(len(shapes)) + m * width
        ax1.bar(pos, np.array(secs) * 1e3, width, label=method)
        ax2.bar(pos, mem, width, label=method)
    for ax, label in ((ax1, "ms per call (log)"), (ax2, "peak MiB")):
        ax.set_xticks(np.arange(len(shapes)) + 0.4 - width / 2, [str(s) for s in shapes], fontsize=7)
        ax.set_ylabel(label)
        ax.grid(alpha=0.3, axis="y")
    ax1.set_yscale("log")
    ax1.legend(fontsize=7)
    fig.suptitle(f"im2col, {results['kernel']}×{results['kernel']} kernel, padding {results['padding']}")
    fig.tight_layout()
    return [save(fig, out, "conv_speed")]


def filters(out: Path, results: dict) -> list[Path]:
    figs = []
    for key, title in (("before", "before training"), ("after", "after training")):
        w = np.array(results[key])
        fig, axes = grid(len(w), width=0.9, height=0.9, cols=10)
        for ax, f in zip(axes, w):
            ax.imshow(f, cmap="gray_r")
            ax.set_xticks([])
            ax.set_yticks([])
        fig.suptitle(f"conv1 filters {title}", fontsize=9)
        fig.tight_layout()
        figs.append(save(fig, out, f"filters_{key}"))
    maps = np.array(results["maps"])
    fig, axes = grid(len(maps) + 1, width=1.0, height=1.0, cols=8)
    axes[0].imshow(np.array(results["image"]), cmap="gray_r")
    axes[0].set_title(results["label"], fontsize=7)
    for ax, m in zip(axes[1:], maps):
        ax.imshow(m, cmap="viridis")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("feature maps of one test image (after ReLU)", fontsize=9)
    fig.tight_layout()
    figs.append(save(fig, out, "feature_maps"))
    return figs


PLOTTERS = {"classify": classify, "regression": regression, "init-histograms": init_histograms,
            "depth-gradients": depth_gradients, "optimizer-paths": optimizer_paths,
            "im2col-demo": im2col_demo, "conv-speed": conv_speed, "filters": filters}
