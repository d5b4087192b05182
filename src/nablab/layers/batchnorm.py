"""Batch normalisation (バッチ正規化) with PyTorch semantics."""

from __future__ import annotations

import numpy as np

from ..checks import one_of, positive, positive_int, probability
from ..errors import ShapeError, shape_str
from ..parameter import Buffer, Parameter
from .base import Layer, check_dy


class BatchNorm(Layer):
    """Normalise each feature (2-D input) or each channel (4-D input) over the batch.

    Training, per feature/channel c over the m = N (or N·H·W) values:
        μ = mean(x),  σ² = mean((x − μ)²)           (biased, as PyTorch normalises)
        x̂ = (x − μ) / sqrt(σ² + eps),  y = γ x̂ + β
        running_mean ← (1 − momentum)·running_mean + momentum·μ
        running_var  ← (1 − momentum)·running_var  + momentum·σ²·m/(m − 1)   (unbiased; "course": σ²)
    Evaluation: x̂ uses running_mean and running_var instead.
    Backward (training):
        ∂L/∂γ = Σ dy·x̂,  ∂L/∂β = Σ dy,
        ∂L/∂x = γ / sqrt(σ² + eps) · (dy − ∂L/∂β / m − x̂ · ∂L/∂γ / m)

    The course's momentum 0.9 (weight of the *old* value) is PyTorch's 0.1;
    the course normalises a 4-D input per activation, PyTorch per channel
    (docs/conventions.md). ``convention="course"`` keeps the running statistics as the
    course's (and the book's) BatchNormalization does: running_var starts at 0 and averages the
    biased σ² (no m/(m − 1)); with ``eps=1e-6`` (the course's 10e-7) it is the course's layer —
    nablab's models build it so, ``BatchNorm``'s own defaults stay PyTorch's.

    >>> bn = BatchNorm(3)
    >>> y = bn.forward(np.random.default_rng(0).normal(5, 2, (50, 3)).astype(np.float32))
    >>> bool(np.allclose(y.mean(axis=0), 0, atol=1e-5))
    True
    """

    def __init__(self, num_features: int, *, eps: float = 1e-5, momentum: float = 0.1,
                 convention: str = "pytorch", dtype=np.float32):
        super().__init__()
        self.num_features = positive_int("BatchNorm: num_features", num_features)
        self.eps = positive("BatchNorm: eps", eps)
        self.momentum = probability("BatchNorm: momentum", momentum, one=True)
        self.convention = one_of("BatchNorm: convention", convention, ("pytorch", "course"))
        self.gamma = Parameter(np.ones(num_features, dtype=dtype), "gamma")
        self.beta = Parameter(np.zeros(num_features, dtype=dtype), "beta")
        self.running_mean = Buffer(np.zeros(num_features, dtype=dtype), "running_mean")
        start = np.ones if convention == "pytorch" else np.zeros               # the course starts at 0
        self.running_var = Buffer(start(num_features, dtype=dtype), "running_var")

    def _layout(self, x):
        """Reduction axes and the broadcast shape of per-channel vectors."""
        c = self.num_features
        if x.ndim == 2 and x.shape[1] == c:
            return (0,), (1, c)
        if x.ndim == 4 and x.shape[1] == c:
            return (0, 2, 3), (1, c, 1, 1)
        raise ShapeError(f"BatchNorm expected input (N, {c}) or (N, {c}, H, W); "
                         f"got {shape_str(x.shape)}")

    def forward(self, x):
        axes, shape = self._layout(x)
        x = x.astype(self.gamma.data.dtype, copy=False)
        gamma, beta = self.gamma.data.reshape(shape), self.beta.data.reshape(shape)
        if self.training:
            m = x.size // self.num_features
            if m < 2:
                raise ShapeError(f"BatchNorm needs more than 1 value per channel in training; "
                                 f"got input {shape_str(x.shape)}")
            mean = x.mean(axis=axes, keepdims=True)
            xc = x - mean
            var = np.mean(xc * xc, axis=axes, keepdims=True)
            inv_std = 1 / np.sqrt(var + self.eps)
            mom = self.momentum
            self.running_mean.data *= 1 - mom
            self.running_mean.data += mom * mean.ravel()
            self.running_var.data *= 1 - mom
            unbiased = m / (m - 1) if self.convention == "pytorch" else 1.0
            self.running_var.data += (mom * unbiased) * var.ravel()
        else:
            xc = x - self.running_mean.data.reshape(shape)
            inv_std = 1 / np.sqrt(self.running_var.data.reshape(shape) + self.eps)
        x_hat = xc * inv_std
        self._cache = (x_hat, inv_std, axes, shape, self.training)
        return x_hat * gamma + beta

    def backward(self, dy):
        x_hat, inv_std, axes, shape, training = self.cached()
        dy = check_dy(self, dy, x_hat.shape)
        dbeta = dy.sum(axis=axes)
        dgamma = np.sum(dy * x_hat, axis=axes)
        self.beta.grad += dbeta
        self.gamma.grad += dgamma
        scale = self.gamma.data.reshape(shape) * inv_std         # γ / sqrt(σ² + eps)
        if not training:                                        # statistics are constants
            return dy * scale
        m = dy.size // self.num_features
        return scale * (dy - (dbeta.reshape(shape) + x_hat * dgamma.reshape(shape)) / m)

    def config(self):
        return {"num_features": self.num_features, "eps": self.eps, "momentum": self.momentum,
                "convention": self.convention, "dtype": np.dtype(self.gamma.data.dtype).name}
