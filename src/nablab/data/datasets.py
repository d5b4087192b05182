"""nl.data.load: a dataset as arrays ready for training, with its provenance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..checks import fail, float_dtype, is_int
from ..errors import ConfigError
from .sources import locate, spec_for

SUBSETS = ("stratified", "first")


@dataclass
class Dataset:
    """x_train (N, D) or (N, 1, H, W); y_train (N,) ids or (N, K) one-hot; the same for test."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    classes: tuple[str, ...]
    source: str

    def __repr__(self) -> str:
        return (f"Dataset({self.name}: train {self.x_train.shape}, test {self.x_test.shape}, "
                f"{len(self.classes)} classes)\n  source: {self.source}")


def subset_indices(labels: np.ndarray, n: int, how: str, rng: np.random.Generator) -> np.ndarray:
    """Indices of n samples: the first n, or a seeded stratified sample (class shares kept)."""
    if how == "first":
        return np.arange(n)
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * n / len(labels)
    quota = np.floor(exact).astype(int)
    short = n - quota.sum()                           # largest remainders get one more each
    quota[np.argsort(-(exact - quota), kind="stable")[:short]] += 1
    perm = rng.permutation(len(labels))
    picked = [perm[labels[perm] == c][:q] for c, q in zip(classes, quota)]
    return np.sort(np.concatenate(picked))


def load(name: str, *, normalize: bool = True, flatten: bool = True, one_hot: bool = False,
         dtype=np.float32, data_dir=None, n_train: int | None = None, n_test: int | None = None,
         seed: int = 0, subset: str = "stratified", offline: bool | None = None,
         progress: bool = True) -> Dataset:
    """Load "mnist", "fashion-mnist" or "digits" from the first source that has it.

    normalize: divide pixel values by their maximum (255; 16 for digits) → [0, 1].
    flatten:   (N, H·W) if True, else (N, 1, H, W) for convolutional nets.
    one_hot:   (N, K) rows instead of class ids (N,).
    n_train / n_test: keep that many samples, chosen by ``subset``: "stratified"
        (seeded; each class keeps its share) or "first" (the course's ``[:300]``).
    ds.source says where the data came from, how many samples, and how it was checked.
    """
    if subset not in SUBSETS:
        raise ConfigError(f"subset must be one of {list(SUBSETS)}; got {subset!r}")
    dtype = float_dtype("data.load: dtype", dtype).type          # "float32" → np.float32
    if not is_int(seed):
        fail("data.load: seed", "an int", seed)
    spec = spec_for(name)
    raw = locate(name, data_dir=data_dir, offline=offline, progress=progress)
    rng = np.random.default_rng(seed)
    parts, notes = {}, []
    for split, n in (("train", n_train), ("test", n_test)):
        x, y = getattr(raw, f"x_{split}"), getattr(raw, f"y_{split}")
        if n is not None:
            if not isinstance(n, (int, np.integer)) or not 0 < n <= len(y):
                raise ConfigError(f"n_{split} must be an int in [1, {len(y)}]; got {n!r}")
            idx = subset_indices(y, int(n), subset, rng)
            x, y = x[idx], y[idx]
            notes.append(f"{split} subset {len(y):,} ({subset}" +
                         (f", seed {seed})" if subset == "stratified" else ")"))
        parts[split] = prepare(x, y, spec, normalize, flatten, one_hot, dtype)
    source = (f"{name}: {len(raw.y_train):,} train / {len(raw.y_test):,} test from {raw.source}"
              + ("; " + ", ".join(notes) if notes else ""))
    return Dataset(name, *parts["train"], *parts["test"], classes=spec.classes, source=source)


def prepare(x: np.ndarray, y: np.ndarray, spec, normalize, flatten, one_hot, dtype):
    n, (h, w) = len(x), spec.image_shape
    x = x.astype(dtype)                                # (N, H, W) uint8 → float copy
    if normalize:
        x *= dtype(1.0 / spec.max_value) if np.dtype(dtype).kind == "f" else 1
    x = x.reshape(n, h * w) if flatten else x.reshape(n, 1, h, w)
    y = y.astype(np.int64)
    if one_hot:
        y = np.eye(len(spec.classes), dtype=dtype)[y]
    return x, y
