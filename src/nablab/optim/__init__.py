"""Optimizers (最適化手法) and weight penalties."""

from .adaptive import AdaGrad, Adam, AdamW, RMSProp
from .base import Optimizer
from .clip import clip_grad_norm
from .regularizers import L1, L2
from .sgd import SGD, Momentum, Nesterov

OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "nesterov": Nesterov, "adagrad": AdaGrad,
              "rmsprop": RMSProp, "adam": Adam, "adamw": AdamW}


def create(name: str, params, **kwargs) -> Optimizer:
    """An optimizer from its name (case-insensitive), e.g. ``create("adam", net, lr=1e-3)``."""
    key = name.lower() if isinstance(name, str) else name
    if key not in OPTIMIZERS:
        from ..errors import ConfigError
        raise ConfigError(f"unknown optimizer {name!r}; expected one of {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[key](params, **kwargs)


__all__ = ["AdaGrad", "Adam", "AdamW", "L1", "L2", "Momentum", "Nesterov", "OPTIMIZERS",
           "Optimizer", "RMSProp", "SGD", "clip_grad_norm", "create"]
