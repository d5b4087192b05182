"""Flatten: (N, C, H, W) → (N, C·H·W), and back in backward."""

from __future__ import annotations

import math

import numpy as np

from ..checks import positive_int
from ..errors import ConfigError, ShapeError, shape_str
from .base import Layer, check_dy


class Flatten(Layer):
    """y = x.reshape(N, −1);  ∂L/∂x = dy.reshape(x.shape). A view, no copy."""

    def forward(self, x):
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        shape = self.cached()
        return check_dy(self, dy, (shape[0], math.prod(shape[1:]))).reshape(shape)


class Reshape(Layer):
    """y = x.reshape(N, *shape);  ∂L/∂x = dy.reshape(x.shape). E.g. Reshape((28, 28)) reads a
    flat 784-pixel image as 28 time steps of 28 pixels (sequential MNIST)."""

    def __init__(self, shape):
        super().__init__()
        if not isinstance(shape, (tuple, list)) or not shape:
            raise ConfigError(f"Reshape: shape must be the shape of one sample, e.g. (28, 28); got {shape!r}")
        self.shape = tuple(positive_int("Reshape: shape", s) for s in shape)

    def forward(self, x):
        x = np.asarray(x)
        if x.ndim < 1 or math.prod(x.shape[1:]) != math.prod(self.shape):
            raise ShapeError(f"Reshape{self.shape} expected (N, ...) with {math.prod(self.shape)} values "
                             f"per sample; got {shape_str(x.shape)}")
        self._cache = x.shape
        return x.reshape(x.shape[0], *self.shape)

    def backward(self, dy):
        shape = self.cached()
        return check_dy(self, dy, (shape[0], *self.shape)).reshape(shape)

    def config(self):
        return {"shape": list(self.shape)}
