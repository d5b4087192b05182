"""Probes of what trains: the optimizers' update(params, grads) over several steps, and the networks'
loss, gradient (against the numerical gradient of the same loss) and accuracy."""

from __future__ import annotations

import numpy as np

from ..testing.gradcheck import central_differences
from .recorder import Recorder, as_array, rng, unchanged


# -- optimizers ---------------------------------------------------------------------------------------

def quadratic_grads(params: dict) -> dict:
    """∇ of Σ ½ a w² + 0.3 w with fixed a: gradients that depend on where w is."""
    return {k: np.linspace(0.5, 3, v.size).reshape(v.shape) * v + 0.3 for k, v in params.items()}


def optimizer(args: dict, steps: int = 5):
    """A probe for an optimizer class called with ``args``: ``steps`` updates of two parameters."""
    def probe(cls, rec: Recorder) -> None:
        params = {"W": rng(70).standard_normal((3, 4)), "b": rng(71).standard_normal(4)}
        opt = rec.call(f"({', '.join(f'{k}={v}' for k, v in args.items())})", cls, **args)
        for step in range(1, steps + 1):
            grads = quadratic_grads(params)
            before = {k: g.copy() for k, g in grads.items()}
            rec.call(f"update(params, grads) at step {step}", opt.update, params, grads)
            for k in params:
                rec.put(f"step {step}: params['{k}']", as_array(params[k]))
            unchanged(rec, f"grads unchanged by update at step {step}",
                      np.concatenate([g.ravel() for g in before.values()]),
                      np.concatenate([np.asarray(grads[k], dtype=float).ravel() for k in before]))
    return probe


# -- networks -----------------------------------------------------------------------------------------

def fixed(key: str, shape) -> np.ndarray:
    """The value the probe gives params[key] (set in place, so layers that share it see it too)."""
    seed = sum(map(ord, key))
    if key.startswith("gamma"):
        return 1 + 0.2 * rng(seed).standard_normal(shape)
    return rng(seed).standard_normal(shape) * (0.6 if key.startswith("W") else 0.1)


def numeric(f, x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences of f() with respect to every element of x (perturbed in place, restored):
    nablab.testing's, the one its own gradient checks use."""
    return central_differences(f, x, np.arange(x.size), h).reshape(x.shape)


def network(make_args: tuple, make_kwargs: dict, *, train_loss: bool = False):
    """A probe for a network class: loss, gradient (against the numerical gradient of the same loss)
    and accuracy with every parameter set to a fixed value."""
    def probe(cls, rec: Recorder) -> None:
        np.random.seed(1)
        net = rec.call("(" + ", ".join([*map(repr, make_args), *(f"{k}={v!r}" for k, v in make_kwargs.items())])
                       + ")", cls, *make_args, **make_kwargs)
        params = getattr(net, "params", None)
        if not isinstance(params, dict):
            rec.put("network.params is a dict", False)
            return
        rec.put("network.params keys", np.array(sorted(params)))
        for key, value in params.items():
            rec.call(f"params['{key}'][...] = a fixed value", np.copyto, value, fixed(key, np.shape(value)))
        x = rng(80).standard_normal((6, make_args[0]))
        ids = np.array([0, 1, 2, 1, 0, 2]) % make_args[-1]
        t = np.eye(make_args[-1])[ids]
        loss_args = {"train_flg": True} if train_loss else {}
        rec.put("loss(x, t)", as_array(rec.call("loss(x, t)", net.loss, x, t, **loss_args)))
        grads = rec.call("gradient(x, t)", net.gradient, x, t)
        for key in sorted(params):
            rec.put(f"gradient(x, t)['{key}']", as_array(grads.get(key) if isinstance(grads, dict) else None))
        for key in sorted(params):
            rec.put(f"numerical gradient of loss(x, t) for '{key}'", rec.call(
                f"loss(x, t) for the numerical gradient of '{key}'", numeric,
                lambda: float(net.loss(x, t, **loss_args)), params[key]))
        rec.put("accuracy(x, t) with one-hot t", as_array(rec.call("accuracy(x, t)", net.accuracy, x, t)))
        rec.put("accuracy(x, t) with label t", as_array(rec.call("accuracy(x, labels)", net.accuracy, x, ids)))
    return probe
