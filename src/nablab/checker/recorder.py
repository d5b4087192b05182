"""What a probe writes down: every result under a key, in order, and any error the probed code raised
(with the line of the learner's file it came from)."""

from __future__ import annotations

import traceback

import numpy as np


class Stop(Exception):
    """The probed code raised: the error is recorded and the probe ends there."""


class Recorder:
    """Ordered results of one probe: arrays under ``values``, raised errors under ``errors``."""

    def __init__(self, learner_file: str | None = None):
        self.values: dict[str, np.ndarray] = {}
        self.errors: dict[str, dict] = {}
        self.order: list[str] = []
        self.learner_file = learner_file

    def put(self, key: str, value) -> None:
        """A copy of ``value`` (the probed code may change its arrays later), as a plain array."""
        try:
            arr = np.array(value)
        except Exception as e:                          # ragged lists and the like
            arr, problem = None, f"{type(e).__name__}: {e}"
        else:
            problem = None if arr.dtype.kind in "biufcUS" else f"got {type(value).__name__}, not an array"
        if problem is not None:
            self.errors[key] = {"type": "TypeError", "message": problem[:300], "line": None}
        else:
            self.values[key] = arr.astype(float) if arr.dtype.kind in "iuf" else arr
        self.order.append(key)

    def call(self, key: str, fn, *args, **kwargs):
        """fn(*args), with an error recorded under ``key`` (and Stop raised) when it raises."""
        try:
            with np.errstate(all="ignore"):
                return fn(*args, **kwargs)
        except Stop:
            raise
        except (Exception, SystemExit) as e:            # learner code: anything can happen
            self.errors[key] = {"type": type(e).__name__, "message": str(e)[:300],
                                "line": learner_line(e, self.learner_file),
                                "errno": getattr(e, "errno", None)}
            self.order.append(key)
            raise Stop from None


    def attr(self, key: str, obj, name: str) -> None:
        """obj.name as an array under ``key``, or an AttributeError recorded (the probe goes on)."""
        if hasattr(obj, name):
            self.put(key, as_array(getattr(obj, name)))
        else:
            self.errors[key] = {"type": "AttributeError", "message": f"no attribute {name!r}", "line": None}
            self.order.append(key)


def learner_line(error: BaseException, learner_file: str | None) -> int | None:
    """The line of the learner's file where ``error`` was raised (the innermost frame in it)."""
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if learner_file is not None and frame.filename == learner_file:
            line = frame.lineno
    return line


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def unchanged(rec: Recorder, key: str, before: np.ndarray, after) -> None:
    rec.put(key, np.array_equal(before, after))


def as_array(value):
    return np.asarray(value, dtype=float)
