"""A sweep's search space: ``KEY=DIST`` items, checked before anything runs.

    optimizer.lr=loguniform:1e-5:1e-1     a float drawn uniformly in log space, 0 < low < high
    model.dropout=uniform:0:0.5           a float drawn uniformly, low < high
    train.batch_size=int:16:128           an integer, low <= high (both included)
    optimizer.name=choice:sgd,momentum,adam   one of the listed values (read as --set reads them)

KEY is a catalogue key as ``--set`` takes it; each end of a range (each choice) is tried on the
experiment with ``--set`` before the sweep starts, so a wrong key or a value the experiment
refuses is a ConfigError naming the item.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from ...errors import ConfigError
from ..registry import parse_set

FORMS = ("loguniform", "uniform", "int", "choice")


@dataclass(frozen=True)
class Dist:
    key: str                         # 'optimizer.lr'
    form: str                        # one of FORMS
    low: float | int | None = None
    high: float | int | None = None
    choices: tuple = ()

    def ends(self) -> list:
        """The values tried against the experiment before the sweep: both ends, or each choice."""
        return list(self.choices) if self.form == "choice" else [self.low, self.high]

    def optuna(self):
        """The matching Optuna distribution."""
        from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
        if self.form == "choice":
            return CategoricalDistribution(self.choices)
        if self.form == "int":
            return IntDistribution(self.low, self.high)
        return FloatDistribution(self.low, self.high, log=self.form == "loguniform")

    def grid_size(self) -> int:
        """How many values a grid sampler visits: the choices, or every integer of the range."""
        if self.form == "choice":
            return len(self.choices)
        if self.form == "int":
            return self.high - self.low + 1
        raise ConfigError(f"--sampler grid needs choice:... or int:... ranges; {self.key} is {self.form}")

    def grid_value(self, i: int):
        """The i-th of those values (0 ≤ i < grid_size), without listing them all."""
        return self.choices[i] if self.form == "choice" else self.low + i

    def __str__(self) -> str:
        if self.form == "choice":
            return f"{self.key}=choice:{','.join(map(str, self.choices))}"
        return f"{self.key}={self.form}:{self.low}:{self.high}"


def bad(item: str, expected: str):
    raise ConfigError(f"--param {item!r}: expected {expected}")


def number(item: str, text: str, integer: bool):
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        bad(item, f"{'an integer' if integer else 'a number'} for each end; got {text!r}")
    if not math.isfinite(value):
        bad(item, f"finite ends; got {text!r}")
    return value


def parse_param(item: str) -> Dist:
    """'optimizer.lr=loguniform:1e-5:1e-1' → Dist('optimizer.lr', 'loguniform', 1e-5, 0.1)."""
    if not isinstance(item, str) or "=" not in item:
        bad(str(item), "KEY=DIST, e.g. optimizer.lr=loguniform:1e-5:1e-1")
    key, dist = (part.strip() for part in item.split("=", 1))
    if not key or not all(key.split(".")):
        bad(item, "a dotted catalogue key before '=', such as optimizer.lr")
    form, _, rest = dist.partition(":")
    if form not in FORMS:
        bad(item, f"a distribution of the form {', '.join(f + ':...' for f in FORMS)}; got {dist!r}")
    if form == "choice":
        choices = tuple(parse_set(f"v={c.strip()}")[1] for c in rest.split(",") if c.strip())
        if len(choices) < 2 or len(set(map(json.dumps, choices))) < len(choices):
            bad(item, "two or more different values after choice:, separated by commas")
        return Dist(key, form, choices=choices)
    ends = rest.split(":")
    if len(ends) != 2:
        bad(item, f"{form}:LOW:HIGH")
    low, high = (number(item, t, form == "int") for t in ends)
    if form == "loguniform" and low <= 0:
        bad(item, f"0 < LOW for loguniform; got {low}")
    if low > high or (form != "int" and low == high):
        bad(item, f"LOW {'<=' if form == 'int' else '<'} HIGH; got {low} and {high}")
    return Dist(key, form, low, high)


def parse_space(items) -> list[Dist]:
    """Every --param item parsed; at least one, each key once."""
    dists = [parse_param(item) for item in items]
    if not dists:
        raise ConfigError("a sweep needs at least one --param KEY=DIST, e.g. optimizer.lr=loguniform:1e-5:1e-1")
    keys = [d.key for d in dists]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ConfigError(f"--param {twice[0]} is given twice; give each key once")
    return dists


def as_set(key: str, value) -> str:
    """A drawn value as a --set item that parse_set reads back to the same value."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = json.dumps(value) if isinstance(value, str) else repr(value)
    return f"{key}={text}"
