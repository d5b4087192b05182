"""Pure update rules on bare arrays, one function per optimizer.

Each function updates ``w`` and the arrays in ``state`` in place, following
PyTorch's documented algorithm (torch.optim) step for step. ``g`` is never
written into. The classes in sgd.py / adaptive.py only validate settings and
call these.

Notation: w weight, g gradient, η lr, λ weight_decay, t step (1, 2, ...).
"""

from __future__ import annotations

import numpy as np


def sgd(w, g, state, *, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
    """g ← g + λw;  b ← μb + g (b = g at t = 1);  d = g + μb if nesterov else b;  w ← w − η d."""
    if weight_decay:
        g = g + weight_decay * w
    if momentum:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = g.copy()
        else:
            buf *= momentum
            buf += g
        g = g + momentum * buf if nesterov else buf
    w -= lr * g


def adagrad(w, g, state, *, lr, eps, initial_accumulator_value=0.0, weight_decay=0.0):
    """g ← g + λw;  h ← h + g² (h₀ = initial_accumulator_value);  w ← w − η g / (√h + eps)."""
    if weight_decay:
        g = g + weight_decay * w
    h = state.get("sum")
    if h is None:
        h = state["sum"] = np.full_like(w, initial_accumulator_value)
    h += g * g
    w -= lr * g / (np.sqrt(h) + eps)


def rmsprop(w, g, state, *, lr, alpha, eps, weight_decay=0.0):
    """g ← g + λw;  v ← αv + (1 − α) g² (v₀ = 0);  w ← w − η g / (√v + eps)."""
    if weight_decay:
        g = g + weight_decay * w
    v = state.get("square_avg")
    if v is None:
        v = state["square_avg"] = np.zeros_like(w)
    v *= alpha
    v += (1 - alpha) * (g * g)
    w -= lr * g / (np.sqrt(v) + eps)


def adam(w, g, state, *, lr, beta1, beta2, eps, weight_decay=0.0, decoupled=False):
    """Adam (decoupled=False) and AdamW (decoupled=True).

    Adam:  g ← g + λw.   AdamW: w ← w − ηλw (decay applied to the weight, not the gradient).
    m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;
    w ← w − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + eps).
    """
    t = state["step"] = state.get("step", 0) + 1
    if decoupled:
        w *= 1 - lr * weight_decay
    elif weight_decay:
        g = g + weight_decay * w
    m = state.get("exp_avg")
    if m is None:
        m = state["exp_avg"] = np.zeros_like(w)
        state["exp_avg_sq"] = np.zeros_like(w)
    v = state["exp_avg_sq"]
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * (g * g)
    denom = np.sqrt(v) / np.sqrt(1 - beta2**t) + eps
    w -= (lr / (1 - beta1**t)) * m / denom
