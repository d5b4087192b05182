"""Fully connected layer (the course's Affine)."""

from __future__ import annotations

import numpy as np

from ..checks import as_rng, positive_int
from ..init import resolve
from ..parameter import Parameter
from .base import Layer, check_dy, check_input


class Linear(Layer):
    """y = x W + b, with W of shape (in_features, out_features) as in the course.

    Forward:  y = x W + b                      x: (N, in), y: (N, out)
    Backward: ∂L/∂W += xᵀ dy,  ∂L/∂b += Σ_n dy,  ∂L/∂x = dy Wᵀ

    The input is cast to the parameters' dtype, so a float32 layer keeps
    float32 activations whatever it is fed. (PyTorch's nn.Linear stores Wᵀ.)

    >>> layer = Linear(3, 2, init=0.01, rng=0)
    >>> layer.forward(np.ones((4, 3), np.float32)).shape
    (4, 2)
    """

    def __init__(self, in_features: int, out_features: int, *, init="he", rng=None,
                 dtype=np.float32):
        super().__init__()
        self.in_features = positive_int("Linear: in_features", in_features)
        self.out_features = positive_int("Linear: out_features", out_features)
        self.init = init
        weights = resolve(init)((in_features, out_features), rng=as_rng(rng), dtype=dtype)
        self.W = Parameter(weights, "W", is_weight=True)
        self.b = Parameter(np.zeros(out_features, dtype=dtype), "b")

    def forward(self, x: np.ndarray) -> np.ndarray:
        check_input(self, x, (None, self.in_features))
        x = x.astype(self.W.data.dtype, copy=False)
        self._cache = x
        y = x @ self.W.data          # (N, out)
        y += self.b.data
        return y

    def backward(self, dy: np.ndarray) -> np.ndarray:
        x = self.cached()            # (N, in)
        dy = check_dy(self, dy, (x.shape[0], self.out_features))   # (N, out)
        self.W.grad += x.T @ dy      # (in, N) @ (N, out) = (in, out)
        self.b.grad += dy.sum(axis=0)
        return dy @ self.W.data.T    # (N, out) @ (out, in) = (N, in)

    def config(self) -> dict:
        return {"in_features": self.in_features, "out_features": self.out_features,
                "init": self.init, "dtype": np.dtype(self.W.data.dtype).name}
