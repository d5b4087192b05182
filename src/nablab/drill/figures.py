"""The figures that figure questions read: each drawn from nablab's own functions (a PNG for the
exported sheet) and described in words with the same numbers for the terminal.

A figure's panels are labelled A, B, C; a question asks which panel is which. The numbers in both the
picture and the words come from one computation, so the two never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import answers, layers, optim
from ..parameter import Parameter


@dataclass(frozen=True)
class FigureSpec:
    compute: Callable[[], dict]                       # the numbers (nablab)
    draw: Callable[[dict, object], None]              # (numbers, matplotlib axes array) → the picture
    describe: Callable[[dict, str], str]              # (numbers, lang) → the terminal's words
    panels: int


def optimizer_paths() -> dict:
    """f(x, y) = x²/20 + y² from (−7, 2), 30 steps: A = SGD (lr 0.95), B = Momentum (0.1, 0.9),
    C = AdaGrad (1.5) — the book's optimizer_compare_naive settings."""
    out = {}
    for label, (name, kw) in {"A": ("sgd", {"lr": 0.95}), "B": ("momentum", {"lr": 0.1, "momentum": 0.9}),
                              "C": ("adagrad", {"lr": 1.5})}.items():
        p = Parameter(np.array([-7.0, 2.0]), "W")
        opt = optim.create(name, [p], **kw)
        pts = [p.data.copy()]
        for _ in range(30):
            p.grad[...] = [p.data[0] / 10, 2 * p.data[1]]
            opt.step()
            pts.append(p.data.copy())
        pts = np.array(pts)
        out[label] = {"points": pts, "flips": int(np.sum(np.diff(np.sign(pts[:, 1])) != 0)),
                      "end": pts[-1].round(3).tolist(), "overshoot": float(pts[:, 0].max().round(2))}
    return out


def _draw_paths(d, axes):
    xs, ys = np.meshgrid(np.linspace(-10, 10, 120), np.linspace(-5, 5, 80))
    for ax, (label, r) in zip(axes, d.items()):
        ax.contour(xs, ys, xs ** 2 / 20 + ys ** 2, levels=12, linewidths=0.5)
        ax.plot(r["points"][:, 0], r["points"][:, 1], "o-", ms=2)
        ax.set_title(label)


def _describe_paths(d, lang):
    if lang == "en":
        rows = [f"({k}) y changes sign {r['flips']} times in 30 steps; largest x reached {r['overshoot']}; "
                f"ends at {r['end']}" for k, r in d.items()]
        return "Paths on f(x, y) = x²/20 + y² from (−7, 2), 30 steps:\n" + "\n".join(rows)
    rows = [f"（{k}）30 ステップで y の符号が {r['flips']} 回変わる。x の最大 {r['overshoot']}。終点 {r['end']}"
            for k, r in d.items()]
    return "f(x, y) = x²/20 + y² 上を (−7, 2) から 30 ステップ進んだ軌跡:\n" + "\n".join(rows)


def activation_derivatives() -> dict:
    """d(activation)/dx on [−6, 6] from nablab's layers' backward (ones in): A = ReLU, B = sigmoid, C = tanh."""
    x = np.linspace(-6, 6, 241)
    out = {}
    for label, layer in (("A", layers.ReLU()), ("B", layers.Sigmoid()), ("C", layers.Tanh())):
        layer.forward(x.copy())
        dy = layer.backward(np.ones_like(x))
        out[label] = {"x": x, "dy": dy, "max": round(float(dy.max()), 4), "at_5": round(float(dy[x == 5.0][0]), 4)}
    return out


def _draw_derivatives(d, axes):
    for ax, (label, r) in zip(axes, d.items()):
        ax.plot(r["x"], r["dy"])
        ax.set_ylim(-0.05, 1.1)
        ax.set_title(label)


def _describe_derivatives(d, lang):
    if lang == "en":
        return "Three activation functions' derivatives on [−6, 6]:\n" + "\n".join(
            f"({k}) maximum {r['max']}, value at x = 5: {r['at_5']}" for k, r in d.items())
    return "3 つの活性化関数の導関数（−6 ≤ x ≤ 6）:\n" + "\n".join(
        f"（{k}）最大値 {r['max']}、x = 5 での値 {r['at_5']}" for k, r in d.items())


def learning_rates() -> dict:
    """Loss w² from w = 5 with nablab's SGD: A = lr 0.01, B = lr 0.3, C = lr 1.05."""
    out = {}
    for label, lr in (("A", 0.01), ("B", 0.3), ("C", 1.05)):
        p = Parameter(np.array([5.0]), "W")
        opt = optim.SGD([p], lr=lr)
        losses = [float(p.data[0] ** 2)]
        for _ in range(20):
            p.grad[...] = 2 * p.data
            opt.step()
            losses.append(float(p.data[0] ** 2))
        out[label] = {"losses": losses, "at": {k: round(losses[k], 3) for k in (0, 5, 10, 20)}}
    return out


def _draw_rates(d, axes):
    for ax, (label, r) in zip(axes, d.items()):
        ax.plot(r["losses"], "o-", ms=2)
        ax.set_title(label)
        ax.set_xlabel("step")


def _describe_rates(d, lang):
    head = "Loss after 0, 5, 10, 20 steps:" if lang == "en" else "0, 5, 10, 20 ステップ後の損失:"
    return head + "\n" + "\n".join(f"({k}) " + ", ".join(f"{v:g}" for v in r["at"].values()) for k, r in d.items())


def penalties() -> dict:
    """The minimum of 0.5(w₁ − 1)² + (w₂ − 3)² + λ·penalty (λ = 2): A = L1, B = L2 (nablab.answers)."""
    r = answers.lasso_vs_ridge()
    return {"A": {"w": [round(v, 3) for v in r["L1 (Lasso)"]], "shape": "diamond"},
            "B": {"w": [round(v, 3) for v in r["L2 (Ridge)"]], "shape": "circle"}}


def _draw_penalties(d, axes):
    w1, w2 = np.meshgrid(np.linspace(-1, 3, 120), np.linspace(-1, 4, 120))
    for ax, (label, r) in zip(axes, d.items()):
        ax.contour(w1, w2, 0.5 * (w1 - 1) ** 2 + (w2 - 3) ** 2, levels=10, linewidths=0.5)
        level = abs(r["w"][0]) + abs(r["w"][1]) if r["shape"] == "diamond" else np.hypot(*r["w"])
        penalty = np.abs(w1) + np.abs(w2) if r["shape"] == "diamond" else np.hypot(w1, w2)
        ax.contour(w1, w2, penalty, levels=[level], colors="C3")
        ax.plot(*r["w"], "o", color="black")
        ax.axhline(0, lw=0.5, color="gray")
        ax.axvline(0, lw=0.5, color="gray")
        ax.set_title(label)


def _describe_penalties(d, lang):
    if lang == "en":
        return ("Contours of 0.5(w₁ − 1)² + (w₂ − 3)² and a penalty's boundary (λ = 2):\n"
                f"(A) a diamond |w₁| + |w₂| = const; the minimum sits at {d['A']['w']}\n"
                f"(B) a circle w₁² + w₂² = const; the minimum sits at {d['B']['w']}")
    return ("0.5(w₁ − 1)² + (w₂ − 3)² の等高線と罰則項の境界（λ = 2）:\n"
            f"（A）ひし形 |w₁| + |w₂| = 一定。最小点は {d['A']['w']}\n"
            f"（B）円 w₁² + w₂² = 一定。最小点は {d['B']['w']}")


FIGURES = {
    "optimizer-paths": FigureSpec(optimizer_paths, _draw_paths, _describe_paths, 3),
    "activation-derivatives": FigureSpec(activation_derivatives, _draw_derivatives, _describe_derivatives, 3),
    "learning-rates": FigureSpec(learning_rates, _draw_rates, _describe_rates, 3),
    "penalty-contours": FigureSpec(penalties, _draw_penalties, _describe_penalties, 2),
}


def describe(name: str, lang: str) -> str:
    spec = FIGURES[name]
    return spec.describe(spec.compute(), lang)


def draw(name: str, path) -> None:
    """The figure as a PNG at ``path`` (panels side by side, labelled A, B, C)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    spec = FIGURES[name]
    fig, axes = plt.subplots(1, spec.panels, figsize=(3.2 * spec.panels, 2.6))
    spec.draw(spec.compute(), np.atleast_1d(axes))
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
