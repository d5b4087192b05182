"""Experiments declared as data (catalog/*.toml), run into reproducible run directories."""

from .kinds import KINDS, Kind, SingleRun, register
from .registry import names, resolve
from .runner import resume, run

__all__ = ["KINDS", "Kind", "SingleRun", "names", "register", "resolve", "resume", "run"]
