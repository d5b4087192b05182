"""Flatten: (N, C, H, W) → (N, C·H·W), and back in backward."""

from __future__ import annotations

import math

from .base import Layer, check_dy


class Flatten(Layer):
    """y = x.reshape(N, −1);  ∂L/∂x = dy.reshape(x.shape). A view, no copy."""

    def forward(self, x):
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        shape = self.cached()
        return check_dy(self, dy, (shape[0], math.prod(shape[1:]))).reshape(shape)
