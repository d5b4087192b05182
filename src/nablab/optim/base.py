"""Optimizer base class: validation, the parameter loop, state dicts."""

from __future__ import annotations

import numpy as np

from ..checks import number, positive
from ..errors import ConfigError
from ..parameter import Parameter


class Optimizer:
    """Holds parameters and per-parameter state; ``step()`` applies ``self.rule``.

    Subclasses set ``defaults`` (their hyperparameters) and ``rule`` (a function
    from optim/functional.py taking ``(w, g, state, **hyper)``).
    """

    rule = None

    def __init__(self, params, **hyper):
        if hasattr(params, "parameters"):
            params = params.parameters()
        self.params: list[Parameter] = list(params)
        name = type(self).__name__
        if not self.params:
            raise ConfigError(f"{name}: got an empty parameter list")
        for p in self.params:
            if not isinstance(p, Parameter):
                raise ConfigError(f"{name}: expected Parameter objects; got {type(p).__name__}")
        positive(f"{name}: lr", hyper.get("lr"))
        number(f"{name}: weight_decay", hyper.get("weight_decay", 0.0), low=0)
        if "eps" in hyper:
            number(f"{name}: eps", hyper["eps"], low=0)
        self.hyper = hyper
        self.state: list[dict] = [{} for _ in self.params]
        self.steps = 0

    def step(self) -> None:
        """Update every parameter in place from its gradient."""
        rule = type(self).rule
        for p, s in zip(self.params, self.state):
            rule(p.data, p.grad, s, **self.hyper)
        self.steps += 1

    def zero_grad(self) -> None:
        for p in self.params:
            p.zero_grad()

    def state_dict(self) -> dict:
        """Hyperparameters, step count and copies of every state array (PyTorch's key names)."""
        return {"type": type(self).__name__, "hyper": dict(self.hyper), "steps": self.steps,
                "state": [{k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in s.items()}
                          for s in self.state]}

    def load_state_dict(self, state: dict) -> None:
        name = type(self).__name__
        if state.get("type") != name or len(state.get("state", ())) != len(self.params):
            raise ConfigError(f"{name}.load_state_dict: expected a {name} state for "
                              f"{len(self.params)} parameters; got {state.get('type')} for "
                              f"{len(state.get('state', ()))}")
        self.hyper = dict(state["hyper"])
        self.steps = int(state["steps"])
        self.state = [{k: (np.array(v) if isinstance(v, np.ndarray) else v) for k, v in s.items()}
                      for s in state["state"]]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyper.items())
        return f"{type(self).__name__}({args})"
