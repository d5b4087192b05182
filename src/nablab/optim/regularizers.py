"""L1 and L2 penalties on weights (重み減衰), as the course's weight_decay_lambda.

They act only on parameters with ``is_weight`` (Linear / Conv2d ``W``), never on
biases or batch-norm γ, β. Use: add ``penalty(params)`` to the loss value you
report, and call ``add_gradient(params)`` after ``model.backward``.
"""

from __future__ import annotations

import numpy as np

from ..checks import number


class Regularizer:
    def __init__(self, lam: float):
        self.lam = number(f"{type(self).__name__}: lam", lam, low=0)

    @staticmethod
    def weights(params) -> list:
        if hasattr(params, "parameters"):
            params = params.parameters()
        return [p for p in params if p.is_weight]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.lam})"


class L2(Regularizer):
    """penalty = ½ λ Σ W²;  ∂penalty/∂W = λ W  (the course's MultiLayerNet)."""

    def penalty(self, params) -> float:
        return 0.5 * self.lam * float(sum(np.sum(p.data * p.data) for p in self.weights(params)))

    def add_gradient(self, params) -> None:
        for p in self.weights(params):
            p.grad += self.lam * p.data


class L1(Regularizer):
    """penalty = λ Σ |W|;  ∂penalty/∂W = λ sign(W)  (sign(0) = 0, a subgradient)."""

    def penalty(self, params) -> float:
        return self.lam * float(sum(np.sum(np.abs(p.data)) for p in self.weights(params)))

    def add_gradient(self, params) -> None:
        for p in self.weights(params):
            p.grad += self.lam * np.sign(p.data)
