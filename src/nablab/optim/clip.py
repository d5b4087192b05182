"""Gradient clipping (勾配クリッピング, the course's Day 3): rescale every gradient together when
their joint norm is too large, so one exploding step cannot throw the weights far away."""

from __future__ import annotations

import math

import numpy as np

from ..checks import positive
from ..errors import ConfigError
from ..parameter import Parameter


def clip_grad_norm(parameters, max_norm: float) -> float:
    """Scale all gradients by max_norm / (‖g‖ + 1e-6) when ‖g‖ > max_norm; return ‖g‖.

    ‖g‖ = sqrt(Σ_p Σ g_p²) over every parameter's gradient (their joint L2 norm, before
    clipping). The direction of the update is kept; only its length is capped. As
    ``torch.nn.utils.clip_grad_norm_`` (the same 1e-6, the same returned norm).

    >>> p = Parameter(np.zeros(2), "W"); p.grad[:] = [3.0, 4.0]
    >>> clip_grad_norm([p], 1.0), p.grad.round(6).tolist()
    (5.0, [0.6, 0.8])
    """
    params = list(parameters)
    if not all(isinstance(p, Parameter) for p in params):
        raise ConfigError("clip_grad_norm: expected Parameter objects (e.g. model.parameters())")
    max_norm = positive("clip_grad_norm: max_norm", max_norm)
    total = math.sqrt(sum(float(np.sum(p.grad.astype(np.float64) ** 2)) for p in params))
    scale = max_norm / (total + 1e-6)
    if scale < 1:
        for p in params:
            p.grad *= p.grad.dtype.type(scale)
    return total
