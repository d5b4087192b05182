"""Activation functions (活性化関数): ReLU, Sigmoid, Tanh, LeakyReLU.

They have no parameters and keep their input's dtype and shape.
"""

from __future__ import annotations

import numpy as np

from ..checks import probability
from ..errors import ConfigError
from ..functional import sigmoid
from .base import Layer, check_dy


class ReLU(Layer):
    """y = max(0, x);  ∂L/∂x = dy · [x > 0]  (the derivative at 0 is taken as 0)."""

    def forward(self, x):
        self._cache = x > 0
        return np.maximum(x, 0)

    def backward(self, dy):
        mask = self.cached()
        return check_dy(self, dy, mask.shape) * mask     # a new array: dy is never written into


class Sigmoid(Layer):
    """y = σ(x) = 1 / (1 + e^{−x});  ∂L/∂x = dy · y (1 − y).  σ' is at most 0.25 (at x = 0)."""

    def forward(self, x):
        y = sigmoid(x)
        self._cache = y
        return y

    def backward(self, dy):
        y = self.cached()
        dx = 1 - y
        dx *= y
        dx *= check_dy(self, dy, y.shape)
        return dx


class Tanh(Layer):
    """y = tanh(x);  ∂L/∂x = dy · (1 − y²)."""

    def forward(self, x):
        y = np.tanh(x)
        self._cache = y
        return y

    def backward(self, dy):
        y = self.cached()
        return check_dy(self, dy, y.shape) * (1 - y * y)


class LeakyReLU(Layer):
    """y = x if x > 0 else a·x;  ∂L/∂x = dy if x > 0 else a·dy."""

    def __init__(self, negative_slope: float = 0.01):
        super().__init__()
        self.negative_slope = probability("LeakyReLU: negative_slope", negative_slope)

    def forward(self, x):
        positive = x > 0
        self._cache = positive
        return np.where(positive, x, x * self.negative_slope)

    def backward(self, dy):
        positive = self.cached()
        dy = check_dy(self, dy, positive.shape)
        return np.where(positive, dy, dy * self.negative_slope)

    def config(self):
        return {"negative_slope": self.negative_slope}


ACTIVATIONS = {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh, "leaky_relu": LeakyReLU}


def activation(name: str) -> Layer:
    """A new activation layer from its name (case-insensitive)."""
    key = name.lower() if isinstance(name, str) else name
    if key not in ACTIVATIONS:
        raise ConfigError(f"unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[key]()
