"""Flatten: (N, C, H, W) → (N, C·H·W), and back in backward."""

from __future__ import annotations

from .base import Layer


class Flatten(Layer):
    """y = x.reshape(N, −1);  ∂L/∂x = dy.reshape(x.shape). A view, no copy."""

    def forward(self, x):
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        return dy.reshape(self.cached())
