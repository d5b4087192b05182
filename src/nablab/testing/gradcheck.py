"""Numerical gradient check (勾配確認) by float64 central differences."""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import ConfigError
from ..checks import as_rng


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = 1e-3) -> float:
    """‖a − n‖ / max(‖a‖, ‖n‖, floor).

    The floor keeps a gradient that is zero in exact arithmetic (e.g. a bias
    just before batch norm) from dividing round-off noise (~1e-10) by ~0.
    """
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric), floor)
    return float(np.linalg.norm(analytic - numeric) / scale)


def gradcheck(layer, x: np.ndarray, *, eps: float = 1e-6, rng=0, max_elements: int | None = None,
              before_forward: Callable[[], None] | None = None, return_all: bool = False):
    """Compare a layer's backward with central differences of f(x, θ) = Σ forward(x) ⊙ dy.

    dy is a random upstream gradient (so errors in different outputs cannot
    cancel). Checks the input and every parameter; the layer and x must be float64.

    Parameters
    ----------
    layer : Layer (or Sequential)
    x : ndarray, float64 input
    eps : step h of (f(θ + h) − f(θ − h)) / 2h
    max_elements : check at most this many randomly chosen entries per array
    before_forward : called before every forward pass (e.g. to reseed dropout)
    return_all : return {"x": err, "0.W": err, ...} instead of the maximum

    Returns
    -------
    float, the largest ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖, 1e-3).

    >>> import nablab as nl
    >>> layer = nl.Linear(3, 2, rng=0, dtype=np.float64)
    >>> gradcheck(layer, np.random.default_rng(1).standard_normal((4, 3))) < 1e-6
    True
    """
    rng = as_rng(rng)
    x = np.array(x, copy=True)
    params = layer.parameters()
    for name, arr in [("x", x), *((p.name, p.data) for p in params)]:
        if arr.dtype != np.float64:
            raise ConfigError(f"gradcheck needs float64 arrays; {name} is {arr.dtype} "
                              f"(build the layer with dtype=np.float64)")

    def run() -> np.ndarray:
        if before_forward is not None:
            before_forward()
        return layer.forward(x)

    y = run()
    dy = rng.standard_normal(y.shape)
    layer.zero_grad()
    dx = layer.backward(dy.copy())
    names = ["x", *(f"{i}.{p.name}" for i, p in enumerate(params))]
    analytic = [dx, *(p.grad.copy() for p in params)]
    targets = [x, *(p.data for p in params)]
    errors = {}
    for name, arr, grad in zip(names, targets, analytic):
        idx = np.arange(arr.size)
        if max_elements is not None and arr.size > max_elements:
            idx = rng.choice(arr.size, max_elements, replace=False)
        numeric = central_differences(lambda: np.sum(run() * dy), arr, idx, eps)
        errors[name] = relative_error(grad.reshape(-1)[idx], numeric)
    return errors if return_all else max(errors.values())


def central_differences(f: Callable[[], float], arr: np.ndarray, idx: np.ndarray, eps: float) -> np.ndarray:
    """(f(a + h·e_i) − f(a − h·e_i)) / 2h for each flat index i in ``idx``, perturbing ``arr`` in place."""
    numeric = np.empty(len(idx))
    for j, i in enumerate(idx):
        at = np.unravel_index(i, arr.shape)    # C order, whatever the array's memory layout
        old = arr[at]
        arr[at] = old + eps
        f_plus = f()
        arr[at] = old - eps
        f_minus = f()
        arr[at] = old
        numeric[j] = (f_plus - f_minus) / (2 * eps)
    return numeric


def gradcheck_loss(loss, scores: np.ndarray, target, *, eps: float = 1e-6) -> float:
    """Compare ``loss.backward()`` with central differences of ``loss.forward(scores, target)``.

    >>> import nablab as nl
    >>> s = np.random.default_rng(0).standard_normal((4, 3))
    >>> gradcheck_loss(nl.SoftmaxCrossEntropy(), s, np.array([0, 2, 1, 1])) < 1e-6
    True
    """
    scores = np.array(scores, dtype=np.float64)
    loss.forward(scores, target)
    analytic = loss.backward()
    numeric = np.empty_like(scores)
    flat = scores.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = loss.forward(scores, target)
        flat[i] = old - eps
        down = loss.forward(scores, target)
        flat[i] = old
        numeric.flat[i] = (up - down) / (2 * eps)
    return relative_error(analytic, numeric)
