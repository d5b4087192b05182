"""Experiments declared as data (catalog/*.toml), run into reproducible run directories."""

from .registry import names, resolve
from .runner import resume, run

__all__ = ["names", "resolve", "resume", "run"]
