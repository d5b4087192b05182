"""Datasets that work offline: MNIST, Fashion-MNIST and 8×8 digits (docs/data.md)."""

from .cache import cache_dir
from .datasets import Dataset, load
from .idx import parse_idx, read_idx
from .specs import SPECS

__all__ = ["Dataset", "SPECS", "cache_dir", "load", "parse_idx", "read_idx"]
