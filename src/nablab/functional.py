"""Stateless maths on bare arrays: activations, softmax, cross-entropy, sizes.

Everything here is numerically stable and keeps the input's floating dtype.
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError, ShapeError, shape_str


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + exp(−x)), computed without overflow for any x.

    For x ≥ 0 use 1 / (1 + e^{−x}); for x < 0 the equal form e^{x} / (1 + e^{x}).
    Both share e = exp(−|x|) ∈ (0, 1], which never overflows.

    >>> float(sigmoid(np.array(0.0)))
    0.5
    """
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """log softmax(x) = x − max(x) − log Σ exp(x − max(x)), stable for large scores."""
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax(x)_k = exp(x_k − max x) / Σ_j exp(x_j − max x); rows sum to 1.

    >>> softmax(np.array([[1000.0, 1000.0]])).tolist()
    [[0.5, 0.5]]
    """
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def class_ids(target: np.ndarray, n: int, k: int, who: str) -> np.ndarray:
    """Return class ids (N,) from ids (N,) or one-hot (N, K) targets, validating both."""
    target = np.asarray(target)
    if target.ndim == 2 and target.shape == (n, k):
        return target.argmax(axis=1)
    if target.ndim == 1 and target.shape[0] == n:
        if not np.issubdtype(target.dtype, np.integer):
            raise ShapeError(f"{who} expected integer class ids; got dtype {target.dtype}")
        if n and (target.min() < 0 or target.max() >= k):
            raise ShapeError(
                f"{who} expected class ids in [0, {k}); got values in "
                f"[{target.min()}, {target.max()}]"
            )
        return target
    raise ShapeError(
        f"{who} expected target of class ids ({n},) or one-hot ({n}, {k}); "
        f"got {shape_str(target.shape)}"
    )


def cross_entropy(scores: np.ndarray, target: np.ndarray) -> float:
    """Mean over the batch of −log softmax(scores)[n, t_n].

    scores: (N, K) unnormalised class scores; target: ids (N,) or one-hot (N, K).
    """
    n, k = scores.shape
    t = class_ids(target, n, k, "cross_entropy")
    return float(-log_softmax(scores)[np.arange(n), t].mean())


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output length of a convolution or pooling window: (H + 2P − FH) / S + 1.

    Raises ConfigError when the window does not fit or does not tile exactly.

    >>> conv_output_size(6, 2, stride=1, padding=1)
    7
    """
    span = size + 2 * padding - kernel
    if span < 0:
        raise ConfigError(
            f"window {kernel} does not fit input size {size} with padding {padding}"
        )
    return span // stride + 1
