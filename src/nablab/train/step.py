"""One training step: the course's five lines (forward, loss, backward, update, clear)."""

from __future__ import annotations

import numpy as np

from ..optim.clip import clip_grad_norm


def train_step(model, loss, optimizer, x: np.ndarray, t: np.ndarray, regularizer=None, *,
               after_backward=None, clip: float | None = None) -> float:
    """Forward, loss, backward, optimizer step, zero_grad; return the loss value.

    L = loss(model(x), t) + regularizer.penalty(W)   (the penalty on weights only, L1/L2)
    ∂L/∂θ by backprop (plus the penalty's gradient), then θ ← optimizer.step(θ, ∂L/∂θ).
    If L is NaN or ±inf nothing is updated and the value is returned: the caller decides
    (``fit`` stops with TrainingDiverged). ``clip``: rescale the gradients to a joint norm of at
    most ``clip`` before the update (``nl.optim.clip_grad_norm``; recurrent nets). ``after_backward()``
    is called once the gradients are complete, before the update (fit's hooks: probes).

    >>> import nablab as nl
    >>> net = nl.models.mlp(4, [8], 3, rng=0)
    >>> opt = nl.optim.SGD(net.parameters(), lr=0.1)
    >>> x, t = np.ones((2, 4), np.float32), np.array([0, 2])
    >>> train_step(net, nl.SoftmaxCrossEntropy(), opt, x, t) > 0
    True
    """
    scores = model.forward(x)
    value = float(loss.forward(scores, t))
    if regularizer is not None:
        value += regularizer.penalty(model.parameters())
    if not np.isfinite(value):
        return value
    model.backward(loss.backward())
    if regularizer is not None:
        regularizer.add_gradient(model.parameters())
    if clip is not None:
        clip_grad_norm(model.parameters(), clip)
    if after_backward is not None:
        after_backward()
    optimizer.step()
    model.zero_grad()            # the model's, not only the optimizer's parameters
    return value
