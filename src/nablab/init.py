"""Weight initializers (重みの初期値).

Shapes follow the course: a Linear weight is (fan_in, fan_out); a Conv2d
filter bank is (C_out, C_in, kH, kW), whose fan-in is C_in·kH·kW.

=============  =============================  ===============================
name           std of N(0, std²)              note
=============  =============================  ===============================
gauss          given (course: 0.01)           ``weight_init_std=0.01``
xavier         sqrt(1 / fan_in)               the course's / book's "Xavier"
glorot         sqrt(2 / (fan_in + fan_out))   Glorot & Bengio (2010), PyTorch's
                                              ``xavier_normal_``
he             sqrt(2 / fan_in)               He et al. (2015), PyTorch's
                                              ``kaiming_normal_`` (fan_in, relu)
=============  =============================  ===============================
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .checks import as_rng, positive
from .errors import ConfigError


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of the given shape."""
    if len(shape) == 2:
        return shape[0], shape[1]  # Linear: (in, out)
    if len(shape) == 4:
        receptive = shape[2] * shape[3]
        return shape[1] * receptive, shape[0] * receptive  # Conv: (C_out, C_in, kH, kW)
    raise ConfigError(f"initializers expect a 2-D (in, out) or 4-D (C_out, C_in, kH, kW) shape; got {shape}")


def gauss(shape, std: float = 0.01, *, rng=None, dtype=np.float32) -> np.ndarray:
    """Samples from N(0, std²): the course's ``weight_init_std * randn``."""
    positive("gauss: std", std)
    return (as_rng(rng).standard_normal(tuple(shape)) * std).astype(dtype)


def xavier(shape, *, rng=None, dtype=np.float32) -> np.ndarray:
    """The course's Xavier: N(0, 1/fan_in), i.e. ``randn / sqrt(n_prev)``."""
    fan_in, _ = fans(tuple(shape))
    return gauss(shape, np.sqrt(1.0 / fan_in), rng=rng, dtype=dtype)


def glorot(shape, *, rng=None, dtype=np.float32) -> np.ndarray:
    """Glorot normal: N(0, 2/(fan_in + fan_out)), PyTorch's ``xavier_normal_``."""
    fan_in, fan_out = fans(tuple(shape))
    return gauss(shape, np.sqrt(2.0 / (fan_in + fan_out)), rng=rng, dtype=dtype)


def he(shape, *, rng=None, dtype=np.float32) -> np.ndarray:
    """He normal: N(0, 2/fan_in), i.e. ``randn / sqrt(n_prev) * sqrt(2)``."""
    fan_in, _ = fans(tuple(shape))
    return gauss(shape, np.sqrt(2.0 / fan_in), rng=rng, dtype=dtype)


def orthogonal(shape, *, rng=None, dtype=np.float32) -> np.ndarray:
    """A (semi-)orthogonal matrix: the Q of a Gaussian matrix's QR, signs fixed by R's diagonal.
    A square one keeps every vector's norm, so h ↦ h W_h neither shrinks nor grows the hidden
    state on its own (recurrent weights; PyTorch's ``orthogonal_``). Rows or columns orthonormal
    for a non-square shape, whichever are fewer."""
    if len(shape) != 2:
        raise ConfigError(f"orthogonal expects a 2-D shape (rows, cols); got {tuple(shape)}")
    rows, cols = tuple(shape)
    a = as_rng(rng).standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)                                  # q: (max, min), orthonormal columns
    q *= np.sign(np.diag(r))                                # a unique, uniformly random Q
    return np.ascontiguousarray(q if rows >= cols else q.T, dtype=dtype)


# The course's MultiLayerNet accepts 'relu'/'he' and 'sigmoid'/'xavier' (any case).
INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "he": he,
    "relu": he,
    "xavier": xavier,
    "sigmoid": xavier,
    "glorot": glorot,
    "orthogonal": orthogonal,
}


def resolve(spec: str | float) -> Callable[..., np.ndarray]:
    """Turn ``"he"``, ``"Xavier"``, ``"glorot"`` or a float std into ``f(shape, rng=, dtype=)``.

    >>> resolve(0.01).__name__, resolve("ReLU").__name__
    ('gauss_0.01', 'he')
    """
    if isinstance(spec, bool):
        raise ConfigError(f"init must be a name or a float std; got {spec!r}")
    if isinstance(spec, (int, float, np.floating)):
        std = positive("init std", spec)

        def fixed(shape, *, rng=None, dtype=np.float32):
            return gauss(shape, std, rng=rng, dtype=dtype)

        fixed.__name__ = f"gauss_{std:g}"
        return fixed
    if isinstance(spec, str) and spec.lower() in INITIALIZERS:
        return INITIALIZERS[spec.lower()]
    raise ConfigError(
        f"unknown initializer {spec!r}; expected a float std or one of {sorted(INITIALIZERS)}"
    )
