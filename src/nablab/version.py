"""nablab's version, read from the installed package's metadata (pyproject.toml is its one home)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nablab")
except PackageNotFoundError:        # run from a source tree that was never installed
    __version__ = "0+unknown"
