"""Errors raised by nablab.

Every error names what was expected and what was received, so that a learner
can fix the call without reading the library's source.

    NablabError
    ├── ConfigError   (also a ValueError): a bad setting, e.g. ``lr=-0.1``
    ├── ShapeError    (also a ValueError): an array of the wrong shape
    ├── DataError:    a dataset file that is missing, truncated or corrupt
    └── StateError:   a call in the wrong order, e.g. backward before forward
"""


class NablabError(Exception):
    """Base class of every error nablab raises on purpose."""


class ConfigError(NablabError, ValueError):
    """A setting is invalid (unknown name, wrong type, out of range)."""


class ShapeError(NablabError, ValueError):
    """An array does not have the shape a layer or loss expects."""


class DataError(NablabError):
    """A dataset file or source is missing, truncated or corrupt."""


class StateError(NablabError, RuntimeError):
    """A method was called in the wrong order (e.g. backward before forward)."""


def shape_str(shape) -> str:
    """Format a shape the way the error messages print it: ``(32, 28, 28)``."""
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
