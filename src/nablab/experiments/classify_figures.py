"""The classify kind's figures, drawn from results.json and the run's histories (through RunDir).

    accuracy      one panel per variant: training and test accuracy against iteration
    comparison    the test accuracy and training loss of every variant without a panel, the legend below
    panels        small multiples: one axes per panel (the batch-norm weight-scale sweep), its
                  variants' test accuracy in each
    grad_norms    ‖∂L/∂W‖ per layer at the probed iterations (vanishing-gradient)
    activations   activation histograms of up to four layers per variant
"""

from __future__ import annotations

import math
import textwrap

import numpy as np

from ..plotting import grid, histogram, pyplot, save, series_style, tight


def accuracy_figure(results, run_dir):
    variants = results["variants"]
    # a single panel gets room for the figure's title (in Japanese too)
    fig, axes = grid(len(variants), width=2.8 if len(variants) > 1 else 4.4, layout="constrained")
    for ax, v in zip(axes, variants):
        h = run_dir.history(v["key"], 0)
        its = [p["iteration"] for p in h["points"]]
        ax.plot(its, [p["train_acc"] for p in h["points"]], label="training set", lw=1, **series_style(0))
        ax.plot(its, [p["test_acc"] for p in h["points"]], label="test set", lw=1, **series_style(1))  # dashed: the
        # training curve shows through where the two coincide
        # the whole run on the x axis, also for a seed that diverged before its first evaluation
        ax.set(ylim=(0, 1), xlim=(0, v["iters"]), xlabel="iteration", ylabel="accuracy")
        if not its:
            ax.text(0.5, 0.5, diverged(v).strip() or "(no evaluation)", transform=ax.transAxes, ha="center",
                    fontsize=9)
        ax.set_title(textwrap.fill(v["label"], 26), fontsize=9, pad=9)   # a long label on two lines, clear of "1.0"
        ax.grid(alpha=0.3)
    fig.suptitle(f"{results['experiment']}: accuracy (seed 0)")
    # one key for every panel, below them: a legend inside would cover some panel's curves
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=2, fontsize=9, frameon=False)
    return save(fig, run_dir.figures_dir, "accuracy")


def mean_accuracy(run_dir, v) -> tuple[list, np.ndarray]:
    """(iterations, test accuracy averaged over seeds) of a variant, as far as every seed reached
    (a seed that diverged stops early)."""
    hs = run_dir.histories(v["key"])
    n = min(len(h["points"]) for h in hs)
    return ([p["iteration"] for p in hs[0]["points"][:n]],
            np.mean([[p["test_acc"] for p in h["points"][:n]] for h in hs], axis=0))


def diverged(v) -> str:
    return f" (diverged at {v['diverged_at'][0]})" if v.get("diverged_at") else ""


def comparison_figure(results, run_dir, variants):
    """Test accuracy (top) and training loss (bottom) of ``variants``, the legend below both; the
    loss axis spans the runs that did not diverge, a diverged run ends in a ▲ at the top edge."""
    rows = math.ceil(len(variants) / 2)                  # of the legend below the plots
    fig, (ax1, ax2) = pyplot().subplots(2, 1, figsize=(8.5, 6.4 + 0.22 * rows), sharex=True)
    finite = []
    for k, v in enumerate(variants):
        hs = run_dir.histories(v["key"])
        m = min(len(h["losses"]) for h in hs)            # average what every seed reached
        ax1.plot(*mean_accuracy(run_dir, v), label=v["label"] + diverged(v), lw=1.2, **series_style(k))
        losses = np.mean([h["losses"][:m] for h in hs], axis=0)
        w = max(1, len(losses) // 50)                    # moving-average window
        smooth = np.convolve(losses, np.ones(w) / w, mode="valid")
        ax2.plot(np.arange(w, len(losses) + 1), smooth, lw=1, **series_style(k))
        if not v.get("diverged_at"):
            finite += [x for x in smooth if np.isfinite(x) and x > 0]
    if finite:
        top = max(finite) * 2
        ax2.set_ylim(min(finite) / 2, top)
        for k, v in enumerate(variants):
            if v.get("diverged_at"):
                ax2.plot([v["diverged_at"][0]], [top], marker="^", ms=9, clip_on=False, ls="none",
                         color=series_style(k)["color"])
    ax1.set(ylim=(0, 1), ylabel="test accuracy", title=f"test accuracy (mean of {results['seeds']} seed(s))")
    # log scale needs a positive loss to show: every seed diverged at its first step has none
    ax2.set(xlabel="iteration", ylabel="training loss (moving avg.)", yscale="log" if finite else "linear",
            title="training loss")
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
    fig.legend(*ax1.get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=9, frameon=False)
    tight(fig, rect=(0, (0.22 * rows + 0.15) / fig.get_figheight(), 1, 1))
    return save(fig, run_dir.figures_dir, "comparison")


def panels_figure(results, run_dir):
    """One axes per panel (e.g. 'std 0.1'), in the catalogue's order, with the test accuracy of its
    variants; a variant is named without its panel ('std 0.1, BN' → 'BN'), and the k-th variant of
    every panel has the same colour and line style, so the panels read alike."""
    panels: dict[str, list] = {}
    for v in results["variants"]:
        if v.get("panel"):
            panels.setdefault(v["panel"], []).append(v)
    many = len(panels) > 4                            # e.g. the book's 16 weight scales: 4 per row
    cols = 4 if many else 2
    if many:                                          # shared axes: tick labels on the outer panels only
        rows = math.ceil(len(panels) / cols)
        fig, grid_axes = pyplot().subplots(rows, cols, figsize=(8.5, 2.2 * rows + 0.4), sharex=True, sharey=True,
                                           squeeze=False)
        axes = grid_axes.ravel()
        for ax in axes[len(panels):]:
            ax.set_visible(False)
    else:
        fig, axes = grid(len(panels), width=4.2, height=3.0, cols=cols)
    for i, (ax, (panel, vs)) in enumerate(zip(axes, panels.items())):
        for k, v in enumerate(vs):
            name = v["label"].removeprefix(panel).lstrip(", ") or v["label"]
            ax.plot(*mean_accuracy(run_dir, v), lw=1.4, label=name + diverged(v), **series_style(k))
        ax.set(ylim=(0, 1), title=panel)
        if i >= len(panels) - cols:                   # the bottom row names the x axis
            ax.set_xlabel("iteration")
        if not many or i == 0:                        # many panels: one key, in the first
            ax.legend(fontsize=9, loc="best")         # where it covers least: the curves differ per panel
        ax.grid(alpha=0.3)
    for ax in axes[::cols]:
        ax.set_ylabel("test accuracy")
    fig.suptitle(f"test accuracy (mean of {results['seeds']} seed(s))")
    tight(fig, rect=(0, 0, 1, 1 - 0.35 / fig.get_figheight()) if many else None)   # room for the title
    return save(fig, run_dir.figures_dir, "panels")


def probe_figures(run_dir, variants: list[dict]) -> list:
    records = {v["label"]: run_dir.history(v["key"], 0)["probes"] for v in variants}
    figs = []
    grads = {k: [r for r in v if r["probe"] == "grad_norms"] for k, v in records.items()}
    grads = {k: v for k, v in grads.items() if v}
    if grads:
        fig, axes = grid(len(grads), layout="constrained")
        for ax, (label, recs) in zip(axes, grads.items()):
            for it in sorted({r["iteration"] for r in recs}):
                norms = [r["norm"] for r in recs if r["iteration"] == it]
                ax.plot(range(1, len(norms) + 1), norms, marker="o", label=f"iteration {it}")
            positive = any(np.isfinite(r["norm"]) and r["norm"] > 0 for r in recs)
            ax.set(yscale="log" if positive else "linear", xlabel="layer (input → output)", ylabel="‖∂L/∂W‖")
            ax.set_title(textwrap.fill(label, 26), fontsize=9)
            ax.grid(alpha=0.3)
        fig.suptitle("gradient norm per layer")
        # the same iterations in every panel: one key, below them
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=2, fontsize=9,
                   frameon=False)
        figs.append(save(fig, run_dir.figures_dir, "grad_norms"))
    acts = {k: [r for r in v if r["probe"] == "activations"] for k, v in records.items()}
    acts = {k: [r for r in v if r["iteration"] == v[0]["iteration"]] for k, v in acts.items() if v}
    if acts:
        # at most four layers a row (first, last and evenly between), so the figure fits the page
        acts = {k: [v[i] for i in sorted({round(j * (len(v) - 1) / 3) for j in range(4)})] for k, v in acts.items()}
        cols = max(len(v) for v in acts.values())
        fig, axes = pyplot().subplots(len(acts), cols, figsize=(1.5 + 1.8 * cols, 1.9 * len(acts)), squeeze=False)
        for row, (label, recs) in zip(axes, acts.items()):
            row[0].set_ylabel(textwrap.fill(label, 20), fontsize=9)          # the variant, once a row
            for ax, r in zip(row, recs):
                histogram(ax, r["hist"], r["range"])
                ax.set_title(f"layer {r['layer']}", fontsize=9)
                ax.tick_params(labelsize=9)
            for ax in row[len(recs):]:
                ax.set_visible(False)
        first = next(iter(acts.values()))[0]["iteration"]
        fig.suptitle(f"activation distributions (iteration {first})")
        tight(fig, rect=(0, 0, 1, 0.985))
        figs.append(save(fig, run_dir.figures_dir, "activations"))
    return figs
