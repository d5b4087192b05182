"""Argument checks, one message form everywhere: ``<subject> must be <expected>; got <value>``.

The subject names the owner and the argument the way a user wrote them:

    Conv2d: stride must be an int >= 1; got 0
    Adam: betas must be two numbers in [0, 1); got (0.9,)
    catalog/optimizers.toml: variants[1].optimizer.lr must be > 0; got -0.1
    --set optimizer.lr must be > 0; got -0.1

Layers, optimizers, initializers, the training loop and the experiment validator all
raise through these functions, so a learner sees one kind of sentence.

>>> positive_int("Conv2d: stride", 2)
2
>>> positive_int("Conv2d: stride", 0)
Traceback (most recent call last):
...
nablab.errors.ConfigError: Conv2d: stride must be an int >= 1; got 0
"""

from __future__ import annotations

import math

import numpy as np

from .errors import ConfigError


def fail(subject: str, expected: str, got) -> None:
    """Raise ConfigError('<subject> must be <expected>; got <got!r>')."""
    raise ConfigError(f"{subject} must be {expected}; got {got!r}")


def require(ok: bool, subject: str, expected: str, got) -> None:
    """Raise the ConfigError of :func:`fail` unless ``ok``."""
    if not ok:
        fail(subject, expected, got)


def refuse(subject: str, message: str) -> None:
    """Raise ConfigError('<subject> <message>') for what the must-be form cannot say
    ('variants[2].key must be unique …', 'lr is not a known field; expected one of …')."""
    raise ConfigError(f"{subject} {message}" if subject else message)


def is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def is_number(value) -> bool:
    """An int or float (numpy's too), not a bool."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def positive_int(subject: str, value, minimum: int = 1) -> int:
    """``value`` as an int, which must be >= ``minimum``."""
    require(is_int(value) and value >= minimum, subject, f"an int >= {minimum}", value)
    return int(value)


def _expected(value, text: str) -> str:
    """'> 0' for a bad number; 'a number > 0' for something else; 'finite and > 0' for inf/nan."""
    if not is_number(value):
        return f"a number {text}"
    return text if math.isfinite(value) else f"finite and {text}"


def number(subject: str, value, *, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False) -> float:
    """A finite number within [low, high] (an end is open with ``low_open`` / ``high_open``)."""
    if low is not None and high is not None:
        text = f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    elif low is not None:
        text = f"{'>' if low_open else '>='} {low:g}"
    else:
        text = f"{'<' if high_open else '<='} {high:g}" if high is not None else "finite"
    ok = is_number(value) and math.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value < high if high_open else value <= high
    require(ok, subject, _expected(value, text), value)
    return float(value)


def positive(subject: str, value) -> float:
    """A finite number > 0 (learning rates, eps, standard deviations)."""
    return number(subject, value, low=0, low_open=True)


def probability(subject: str, value, *, one: bool = False) -> float:
    """A number in [0, 1) (dropout rates, momentum), or [0, 1] with ``one=True``."""
    return number(subject, value, low=0, high=1, high_open=not one)


def one_of(subject: str, value, options) -> object:
    """``value`` if it is one of ``options`` (names from a set)."""
    options = list(options)
    known = any(value is o or (type(value) is type(o) and value == o) for o in options)
    require(known, subject, f"one of {options}", value)
    return value


FLOAT_DTYPES = ("float16", "float32", "float64")


def float_dtype(name: str, dtype) -> np.dtype:
    """``dtype`` (a numpy dtype, a type or its name) when it is float16, float32 or float64."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved is None or resolved.name not in FLOAT_DTYPES:
        fail(name, f"one of {', '.join(FLOAT_DTYPES)}", resolved.name if resolved is not None else dtype)
    return resolved


def as_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """A Generator from a Generator, a seed, or None (a fresh, unseeded one)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or is_int(rng):
        return np.random.default_rng(rng)
    raise ConfigError(f"rng must be a numpy Generator, an int seed or None; got {type(rng).__name__}")
