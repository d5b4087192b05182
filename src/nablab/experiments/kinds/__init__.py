"""The experiment kinds: one registry, filled from the modules of this package.

Every module here (except base) binds ``KIND`` to a Kind; ``get(name)`` finds it. A kind
written elsewhere (a test, a user's own module) joins with ``register(kind)``.
"""

from __future__ import annotations

import importlib
import pkgutil

from ...errors import ConfigError
from .base import Kind, SingleRun

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind to the registry (by its ``name``); return it."""
    if not isinstance(kind, Kind) or not kind.name:
        raise ConfigError(f"register expects a Kind instance with a name; got {kind!r}")
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    if name not in KINDS:
        raise ConfigError(f"unknown experiment kind {name!r}; expected one of {sorted(KINDS)}")
    return KINDS[name]


for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        register(importlib.import_module(f"{__name__}.{_module.name}").KIND)

__all__ = ["KINDS", "Kind", "SingleRun", "get", "register"]
