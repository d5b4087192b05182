"""The contract every layer keeps, as one function users can run on their own layers.

    check_layer(lambda dtype: MyLayer(..., dtype=dtype), (4, 3))

raises AssertionError naming the broken promise, and returns the gradient-check
errors per array when all promises hold.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from ..errors import StateError
from .gradcheck import gradcheck


def _reseed(layer, seed: int) -> Callable[[], None]:
    """Make a random layer (one with an ``rng``) deterministic for finite differences."""
    def reset():
        for sub in layer.modules():
            if hasattr(sub, "rng"):
                sub.rng = np.random.default_rng(seed)
    return reset


def _backward_first_raises(fresh, input_shape: tuple) -> None:
    try:
        fresh.backward(np.ones(input_shape, np.float32))
    except StateError:
        return
    raise AssertionError(f"{type(fresh).__name__}.backward before forward did not raise StateError")


def check_layer(make_layer: Callable[[type], object], input_shape: tuple, *, seed: int = 0,
                tol: float = 1e-6, make_input: Callable[[np.random.Generator, tuple], np.ndarray] | None = None) -> dict:
    """Check the layer protocol (docs/ARCHITECTURE.md) on a layer built by ``make_layer(dtype)``."""
    rng = np.random.default_rng(seed)
    make_input = make_input or (lambda g, s: g.standard_normal(s))
    x64 = make_input(rng, input_shape).astype(np.float64)

    # 1. backward before forward raises
    _backward_first_raises(make_layer(np.float32), input_shape)

    # 2. float32 in, float32 everywhere; dy and x untouched; dx has x's shape
    layer = make_layer(np.float32)
    x32 = x64.astype(np.float32)
    x_before = x32.copy()
    reset = _reseed(layer, seed)
    reset()
    y = layer.forward(x32)
    dy = rng.standard_normal(y.shape).astype(np.float32)
    dy_before = dy.copy()
    layer.zero_grad()
    dx = layer.backward(dy)
    name = type(layer).__name__
    assert y.dtype == np.float32, f"{name}: float32 input gave {y.dtype} output"
    assert dx.dtype == np.float32, f"{name}: float32 input gave {dx.dtype} input gradient"
    assert dx.shape == x32.shape, f"{name}: input gradient {dx.shape} != input {x32.shape}"
    for p in layer.parameters():
        assert p.grad.dtype == np.float32, f"{name}.{p.name}: grad dtype {p.grad.dtype}"
    assert np.array_equal(dy, dy_before), f"{name}.backward wrote into dy"
    assert np.array_equal(x32, x_before), f"{name} changed its input"

    # 3. backward accumulates: a second backward doubles every parameter gradient
    first = [p.grad.copy() for p in layer.parameters()]
    layer.backward(dy)
    for p, g in zip(layer.parameters(), first):
        np.testing.assert_allclose(p.grad, 2 * g, rtol=1e-5, atol=1e-6,
                                   err_msg=f"{name}.{p.name}: backward does not accumulate")

    # 4. state_dict round trip reproduces the eval-mode output
    layer.eval()
    other = make_layer(np.float32)
    other.load_state_dict(layer.state_dict())
    other.eval()
    np.testing.assert_array_equal(other.forward(x32), layer.forward(x32),
                                  err_msg=f"{name}: state_dict round trip changed the output")

    # 5. float64 gradient check, training and evaluation mode
    errors = {}
    for mode in ("train", "eval"):
        layer = make_layer(np.float64)
        layer.train(mode == "train")
        err = gradcheck(layer, x64, rng=seed + 1,  # dy must not equal x (same seed)
                        before_forward=_reseed(layer, seed))
        assert err < tol, f"{name} ({mode}): gradient check error {err:.2e} >= {tol:.0e}"
        errors[mode] = err
    return errors
