"""Build frozen dataclasses from TOML-like dicts, checking every field.

``build(cls, data, where)`` accepts exactly the dataclass's fields (unknown keys are
refused), checks each value against the field's type annotation (int, float, str,
bool, tuples of those, unions, nested dataclasses), then calls the class's own
``check(where)`` for ranges. Every error is a ConfigError naming the place:
``catalog/optimizers.toml: variants[1].optimizer.lr must be > 0; got -0.1`` (the form of
nablab.checks everywhere).
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing

from .checks import fail, refuse
from .errors import ConfigError

SET = "--set"                       # the place name of command-line overrides


def at(where: str, name: str) -> str:
    """The place of field ``name`` inside ``where``: 'variants[1].optimizer' + 'lr' →
    'variants[1].optimizer.lr'; under ``--set`` as the user typed it: '--set optimizer.lr'."""
    if not where:
        return name
    return f"{where} {name}" if where == SET else f"{where}.{name}"


def build(cls, data: dict, where: str):
    if not isinstance(data, dict):
        refuse(where, f"must be a table; got {type(data).__name__} {data!r}")
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(data) - set(names))
    if unknown:
        refuse(at(where, unknown[0]), f"is not a known field; expected one of {names}")
    values = {}
    for name in names:
        if name in data:
            values[name] = convert(hints[name], data[name], at(where, name))
    obj = cls(**values)
    if hasattr(obj, "check"):
        obj.check(where)
    return obj


def type_name(tp) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def convert(tp, value, where: str):
    """``value`` as type ``tp``, or ConfigError."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [t for t in typing.get_args(tp) if t is not type(None)]
        if value is None and len(options) < len(typing.get_args(tp)):
            return None
        if len(options) == 1:                  # X | None: X's own message (a field inside a table)
            return convert(options[0], value, where)
        for option in options:
            try:
                return convert(option, value, where)
            except ConfigError:
                continue
        fail(where, f"{' or '.join(type_name(t) for t in typing.get_args(tp))}", value)
    if tp is type(None):
        if value is None:
            return None
        fail(where, "None", value)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, (list, tuple)):
            fail(where, "a list", value)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(convert(args[0], v, f"{where}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            refuse(where, f"must have {len(args)} items; got {value!r}")
        return tuple(convert(a, v, f"{where}[{i}]") for i, (a, v) in enumerate(zip(args, value)))
    if tp is typing.Any:                    # deep numeric data (nested lists) kept as JSON gave it
        return value
    if dataclasses.is_dataclass(tp):
        return build(tp, value, where)
    if tp is bool:
        if isinstance(value, bool):
            return value
        fail(where, "true or false", value)
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        fail(where, "an integer", value)
    if tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        fail(where, "a number", value)
    if tp is str:
        if isinstance(value, str):
            return value
        fail(where, "a string", value)
    if tp is dict:
        if isinstance(value, dict):
            return value
        fail(where, "a table", value)
    raise TypeError(f"validate: unsupported annotation {tp!r} at {where}")


def as_dict(obj) -> dict:
    """A dataclass as plain nested dicts/lists (JSON-able)."""
    def plain(v):
        if dataclasses.is_dataclass(v):
            return {f.name: plain(getattr(v, f.name)) for f in dataclasses.fields(v)}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return v
    return plain(obj)


def deep_merge(base: dict, over: dict) -> dict:
    """``base`` with ``over`` laid on top, nested tables merged key by key (copies, no mutation)."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def nested(path: list[str], value) -> dict:
    """['optimizer', 'lr'], 0.05 → {'optimizer': {'lr': 0.05}}."""
    out = value
    for k in reversed(path):
        out = {k: out}
    return out
