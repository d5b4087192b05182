"""Adaptive learning rates: AdaGrad, RMSProp, Adam, AdamW."""

from __future__ import annotations

from ..checks import number, probability, require
from . import functional as F
from .base import Optimizer


class AdaGrad(Optimizer):
    """h ← h + g²;  w ← w − η g / (√h + eps).  PyTorch ``Adagrad`` (eps=1e-10, h₀ = 0).

    Course helper (common/optimizer.py): h₀ = 0, eps 1e-7 — the same as ``eps=1e-7``.
    Course notebook 2_4 _after: h = 1e-4 at the first step *without* adding that
    step's g², and no eps, so its first step is η g / 0.01 = 100 η g and h never
    holds g₁²; ``initial_accumulator_value=1e-4, eps=0`` differs from it
    (docs/conventions.md).
    """

    rule = staticmethod(F.adagrad)

    def __init__(self, params, lr=0.01, *, eps=1e-10, initial_accumulator_value=0.0,
                 weight_decay=0.0):
        number("AdaGrad: initial_accumulator_value", initial_accumulator_value, low=0)
        super().__init__(params, lr=lr, eps=eps, weight_decay=weight_decay,
                         initial_accumulator_value=initial_accumulator_value)


class RMSProp(Optimizer):
    """v ← αv + (1 − α)g²;  w ← w − η g / (√v + eps).  PyTorch ``RMSprop`` (α=0.99, eps=1e-8).

    Course: decay_rate 0.99, eps 1e-7, same placement.
    """

    rule = staticmethod(F.rmsprop)

    def __init__(self, params, lr=0.01, *, alpha=0.99, eps=1e-8, weight_decay=0.0):
        probability("RMSProp: alpha", alpha)
        super().__init__(params, lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay)


class Adam(Optimizer):
    """m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  w ← w − η m̂ / (√v̂ + eps).

    m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). PyTorch ``Adam`` (betas=(0.9, 0.999), eps=1e-8).
    Course: w ← w − η·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + 1e-7): eps added to √v, not √v̂,
    which equals PyTorch with eps' = eps/√(1−β₂ᵗ) (docs/conventions.md).
    """

    rule = staticmethod(F.adam)

    def __init__(self, params, lr=1e-3, *, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        name = type(self).__name__
        require(isinstance(betas, (tuple, list)) and len(betas) == 2, f"{name}: betas",
                "two numbers (beta1, beta2)", betas)
        beta1 = probability(f"{name}: betas[0]", betas[0])
        beta2 = probability(f"{name}: betas[1]", betas[1])
        super().__init__(params, lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                         weight_decay=weight_decay, decoupled=False)


class AdamW(Adam):
    """Adam with decoupled weight decay: w ← w − ηλw before the Adam step.

    PyTorch ``AdamW`` (weight_decay=0.01). Unlike L2 in the loss, the decay is not
    divided by √v̂, so every weight shrinks by the same factor 1 − ηλ.
    """

    def __init__(self, params, lr=1e-3, *, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        self.hyper["decoupled"] = True
