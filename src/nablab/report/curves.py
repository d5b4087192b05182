"""Figures the report computes itself (no run behind them): the activation functions and their
derivatives, from answers.activation_derivatives (nablab's layers' forward and backward)."""

from __future__ import annotations

from pathlib import Path

from ..plotting import pyplot, save, series_style


def activation_figure(data: dict, folder: Path) -> Path:
    """f(u) (left) and f′(u) (right) of sigmoid, tanh, ReLU and Leaky ReLU; dotted lines at the
    derivatives' maxima 0.25 and 1."""
    fig, (left, right) = pyplot().subplots(1, 2, figsize=(8.5, 3.4))
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
    left.legend(fontsize=9, loc="upper left")
    right.legend(fontsize=9, loc="upper left")
    fig.tight_layout()
    return save(fig, folder, "activation_functions")
