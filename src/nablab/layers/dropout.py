"""Dropout (ドロップアウト), inverted (PyTorch) or the course's test-time scaling."""

from __future__ import annotations

import numpy as np

from ..checks import as_rng, probability
from .base import Layer, check_dy


class Dropout(Layer):
    """Zero each activation with probability p during training.

    inverted=True (PyTorch, default):
        train: y = x · mask / (1 − p)      eval: y = x
    inverted=False (the course's / book's Dropout):
        train: y = x · mask                eval: y = x · (1 − p)
    mask ~ Bernoulli(1 − p), drawn from ``rng`` at every training forward.
    Backward multiplies dy by the same factor as forward.

    Both forms give the same expected activation at train and at test time;
    they differ by the constant 1 − p, which the next layer's weights absorb.
    """

    def __init__(self, p: float = 0.5, *, inverted: bool = True, rng=None):
        super().__init__()
        self.p, self.inverted = probability("Dropout: p", p), bool(inverted)
        self.rng = as_rng(rng)

    def forward(self, x):
        if self.training:
            keep = self.rng.random(x.shape, dtype=np.float32 if x.dtype == np.float32 else np.float64)
            keep = keep >= self.p
            factor = keep * np.asarray(1 / (1 - self.p) if self.inverted else 1, dtype=x.dtype)
        else:
            factor = np.asarray(1 if self.inverted else 1 - self.p, dtype=x.dtype)
        self._cache = factor, x.shape    # factor: (N, ...) in training, a scalar in eval
        return x * factor

    def backward(self, dy):
        factor, shape = self.cached()
        return check_dy(self, dy, shape) * factor

    def config(self):
        return {"p": self.p, "inverted": self.inverted}
