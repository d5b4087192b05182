"""Helpers shared by the experiment kinds: data loading, slugs, JSON files."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from ..data import load as load_dataset
from ..files import atomic_write


@functools.lru_cache(maxsize=4)
def dataset(name: str, n_train, n_test, subset: str, flatten: bool, seed: int = 0):
    """The dataset for a run, loaded once per process (the cache makes later loads cheap)."""
    return load_dataset(name, n_train=n_train, n_test=n_test, subset=subset, flatten=flatten,
                        seed=seed, progress=False)


def data_for(spec_data):
    return dataset(spec_data.name, spec_data.n_train, spec_data.n_test, spec_data.subset,
                   spec_data.flatten)


def slug(label: str) -> str:
    """A folder name for a variant label: 'ReLU - He (course)' → 'relu-he-course'."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "run"


def write_json(path: Path, obj) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(obj, indent=2, ensure_ascii=False)
    atomic_write(path, lambda f: f.write(text.encode("utf-8")))
    return path


def read_json(path: Path):
    return json.loads(Path(path).read_text(encoding="utf-8"))
