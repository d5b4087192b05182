"""Figures the report computes itself (no run behind them): the activation functions and their
derivatives, from answers.activation_derivatives (nablab's layers' forward and backward); the
L2 circle and L1 diamond against the error's contours, from answers.lasso_vs_ridge."""

from __future__ import annotations

from pathlib import Path

from ..plotting import PALETTE, pyplot, save, series_style


def activation_figure(data: dict, folder: Path) -> Path:
    """f(u) (left) and f′(u) (right) of sigmoid, tanh, ReLU and Leaky ReLU; dotted lines at the
    derivatives' maxima 0.25 and 1."""
    fig, (left, right) = pyplot().subplots(1, 2, figsize=(8.5, 3.8), layout="constrained")
    for k, (name, c) in enumerate(data["curves"].items()):
        style = {**series_style(k), "ls": "--"} if name.startswith("Leaky") else series_style(k)  # over ReLU for u > 0
        left.plot(data["u"], c["y"], lw=1.6, label=name, **style)
        right.plot(data["u"], c["dy"], lw=1.6, label=f"{name} (max {c['max_dy']:.2f})", **style)
    for level in (0.25, 1.0):
        right.axhline(level, color="0.55", lw=0.8, ls=":", label="_level")
    left.set(xlabel="u", ylabel="f(u)", title="activation f(u)", ylim=(-1.5, 3))
    right.set(xlabel="u", ylabel="f′(u)", title="derivative f′(u)", ylim=(-0.1, 1.2))
    for ax in (left, right):
        ax.grid(alpha=0.3)
    # one key for both panels, below them (inside, it would cover a curve of the narrow panels)
    fig.legend(*right.get_legend_handles_labels(), loc="outside lower center", ncol=4, fontsize=9, frameon=False)
    return save(fig, folder, "activation_functions")


def penalty_figure(lasso: dict, folder: Path) -> Path:
    """Confirmation test 7's figure, computed: contours of E(w) = (w₁ − 1)²/2 + (w₂ − 3)² with the
    L2 circle (left) and the L1 diamond (right) that pass through the penalised minimum ● that
    answers.lasso_vs_ridge found. The contour through ● touches the circle away from the axes and
    the diamond at its corner on the w₂ axis (w₁ = 0 exactly)."""
    import numpy as np
    w1, w2 = np.meshgrid(np.linspace(-3, 4, 281), np.linspace(-3, 5, 321))
    error = 0.5 * (w1 - 1) ** 2 + (w2 - 3) ** 2
    t = np.linspace(0, 2 * np.pi, 400)
    fig, axes = pyplot().subplots(1, 2, figsize=(8.5, 5.0), layout="constrained")
    for ax, name in zip(axes, ("L2 (Ridge)", "L1 (Lasso)")):
        w, l1 = lasso[name], name.startswith("L1")
        level = 0.5 * (w[0] - 1) ** 2 + (w[1] - 3) ** 2
        ax.contour(w1, w2, error, levels=sorted({level / 4, level / 2, level * 2, level * 4}),
                   colors="0.55", linewidths=0.8)
        ax.contour(w1, w2, error, levels=[level], colors=PALETTE[1], linewidths=1.8)
        r = float(np.abs(w).sum()) if l1 else float(np.hypot(*w))
        shape = (r * np.sign(np.cos(t)) * np.cos(t) ** 2, r * np.sign(np.sin(t)) * np.sin(t) ** 2) if l1 \
            else (r * np.cos(t), r * np.sin(t))                      # |w₁| + |w₂| = r, or w₁² + w₂² = r²
        ax.fill(*shape, color=PALETTE[2], alpha=0.35, label="the penalty's region")
        ax.plot([1], [3], "x", color="k", ms=8, label="minimum of E (1, 3)")
        ax.plot(*w, "o", color=PALETTE[5], ms=7, label="minimum with the penalty")
        ax.axhline(0, color="k", lw=0.6)
        ax.axvline(0, color="k", lw=0.6)
        region = f"|w₁| + |w₂| ≤ {r:.2f}" if l1 else f"‖w‖ ≤ {r:.2f}"
        ax.set(xlabel="w₁", ylabel="w₂", title=f"{name}: {region}\n● ({w[0]:.2f}, {w[1]:.2f})", aspect="equal",
               xlim=(-2.5, 4), ylim=(-2.5, 5))
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=3, fontsize=9, frameon=False)
    return save(fig, folder, "penalty_contours")
