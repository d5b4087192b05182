"""SGD, Momentum and Nesterov (確率的勾配降下法, モメンタム)."""

from __future__ import annotations

from . import functional as F
from ..checks import number, probability
from .base import Optimizer


class SGD(Optimizer):
    """w ← w − η (g + λw).  PyTorch: ``torch.optim.SGD(params, lr, weight_decay=λ)``.

    Course: ``w -= lr * grad``.

    >>> import numpy as np, nablab as nl
    >>> p = nl.Parameter(np.array([1.0]), "W"); p.grad[:] = 2.0
    >>> SGD([p], lr=0.1).step(); p.data.tolist()
    [0.8]
    """

    rule = staticmethod(F.sgd)

    def __init__(self, params, lr, *, weight_decay=0.0):
        super().__init__(params, lr=lr, weight_decay=weight_decay)


class Momentum(Optimizer):
    """PyTorch heavy ball: b ← μb + g;  w ← w − ηb  (``SGD(momentum=μ)``).

    Course form: v ← μv − ηg;  w ← w + v.  With a constant η, v = −ηb at every
    step, so the two give the same trajectory (docs/conventions.md).
    """

    rule = staticmethod(F.sgd)

    def __init__(self, params, lr, momentum=0.9, *, weight_decay=0.0):
        probability("Momentum: momentum", momentum)
        super().__init__(params, lr=lr, momentum=momentum, weight_decay=weight_decay)


class Nesterov(Optimizer):
    """PyTorch Nesterov: b ← μb + g;  w ← w − η (g + μb)  (``SGD(momentum=μ, nesterov=True)``).

    With v = −ηb this is Bengio's reformulation w ← w + μ²v_old − (1 + μ)ηg.
    The course's / book's class updates v first and then uses the *new* v
    (w ← w + μ²v_new − (1 + μ)ηg = w + μ³v_old − (1 + μ + μ²)ηg), which is a
    different trajectory (docs/conventions.md).
    """

    rule = staticmethod(F.sgd)

    def __init__(self, params, lr, momentum=0.9, *, weight_decay=0.0):
        number("Nesterov: momentum", momentum, low=0, high=1, low_open=True, high_open=True)
        super().__init__(params, lr=lr, momentum=momentum, nesterov=True, weight_decay=weight_decay)
