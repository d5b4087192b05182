"""Judging, in nablab's own process: the learner's recorded behaviour against the course's (which
tests/checker proves equal to nablab's verified layers), the first place they part, and the known
mistake (catalogue.py) the learner's behaviour matches."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from . import catalogue
from .components import BY_NAME, FLOAT32_RTOL
from .recorder import Recorder


@dataclass(frozen=True)
class Departure:
    """Where a behaviour first parts from the expected one."""
    key: str                              # the probe result (in probe order)
    kind: str                             # value, shape, nonfinite, error, missing, flag
    index: tuple = ()
    expected: object = None
    got: object = None
    error: dict | None = None             # the learner's raised error (kind "error")


@dataclass
class Verdict:
    component: str
    ok: bool
    departure: Departure | None = None
    mistake: catalogue.Mistake | None = None
    certain: bool = False                 # the whole behaviour equals the mistake's, not just its first departure
    line: int | None = None               # the learner's line the mistake most likely sits on
    variant: catalogue.Mistake | None = None   # an accepted other form the learner wrote
    notes: list[str] = field(default_factory=list)


def first_departure(got: Recorder, want: Recorder, rtol: float) -> Departure | None:
    """The first result (in ``want``'s order) where ``got`` differs, or None when all agree."""
    for key in want.order:
        if key in want.errors:
            if key not in got.errors or got.errors[key]["type"] != want.errors[key]["type"]:
                return Departure(key, "missing" if key not in got.errors else "error", error=got.errors.get(key))
            continue
        if key in got.errors:
            return Departure(key, "error", error=got.errors[key])
        if key not in got.values:
            raised = next(iter(got.errors.items()), None)     # the probe stopped at an earlier call
            return Departure(raised[0], "error", error=raised[1]) if raised else Departure(key, "missing")
        d = compare(key, got.values[key], want.values[key], rtol)
        if d is not None:
            return d
    return None


def compare(key: str, got: np.ndarray, want: np.ndarray, rtol: float) -> Departure | None:
    if got.shape != want.shape:
        return Departure(key, "shape", expected=want.shape, got=got.shape)
    if want.dtype.kind in "bUS" or got.dtype.kind in "bUS":
        if want.dtype.kind != got.dtype.kind or not np.array_equal(got, want):
            kind = "flag" if want.dtype.kind == "b" else "value"
            return Departure(key, kind, expected=want.tolist(), got=got.tolist())
        return None
    got, want = got.astype(float), want.astype(float)
    tol = FLOAT32_RTOL if "float32" in key else rtol
    atol = 1e-6 if "float32" in key else 1e-8
    if "share" in key:                                  # a share of random draws: within 0.01
        tol, atol = 0.0, 0.01
    close = np.isclose(got, want, rtol=tol, atol=atol, equal_nan=True)
    if close.all():
        return None
    bad = ~np.isfinite(got) & np.isfinite(want)
    if bad.any():
        at = tuple(int(i) for i in np.argwhere(bad)[0])
        return Departure(key, "nonfinite", at, float(want[at]), float(got[at]))
    gap = np.where(close, 0.0, np.abs(got - want))
    gap = np.where(np.isnan(gap), np.inf, gap)
    at = tuple(int(i) for i in np.unravel_index(int(np.argmax(gap)), gap.shape)) if gap.ndim else ()
    first = tuple(int(i) for i in np.argwhere(~close)[0]) if gap.ndim else ()
    return Departure(key, "value", first, float(want[first]), float(got[first]))


def judge(name: str, got: Recorder, source_lines: dict | None = None) -> Verdict:
    """The verdict on one component. ``source_lines``: {definition name: (first, last, lines)} of the
    learner's file, for the line a matched mistake points at."""
    comp = BY_NAME[name]
    want = catalogue.expected(name)
    departure = first_departure(got, want, comp.rtol)
    if departure is None:
        return Verdict(name, True)
    for variant in (mk for mk in catalogue.of(name) if mk.accepted):
        if first_departure(got, catalogue.behaviour(name, variant.id), comp.rtol) is None:
            return Verdict(name, True, variant=variant)
    verdict = Verdict(name, False, departure)
    mistakes = [mk for mk in catalogue.of(name) if not mk.accepted]
    for mk in mistakes:                               # the whole behaviour is the mistake's
        if first_departure(got, catalogue.behaviour(name, mk.id), comp.rtol) is None:
            verdict.mistake, verdict.certain = mk, True
            break
    else:
        for mk in mistakes:                           # it parts where the mistake parts, the same way
            theirs = first_departure(catalogue.behaviour(name, mk.id), want, comp.rtol)
            if theirs is not None and same_departure(departure, theirs):
                verdict.mistake = mk
                break
    if verdict.mistake is not None and source_lines:
        verdict.line = locate(verdict.mistake, name, source_lines)
    return verdict


def same_departure(a: Departure, b: Departure) -> bool:
    if a.key != b.key or a.kind != b.kind:
        return False
    if a.kind == "error":
        return (a.error or {}).get("type") == (b.error or {}).get("type")
    if a.kind in ("value", "nonfinite"):
        return a.index == b.index and bool(np.isclose(a.got, b.got, rtol=1e-6, equal_nan=True))
    return a.got == b.got


def locate(mistake: catalogue.Mistake, name: str, source_lines: dict) -> int | None:
    """The learner's line a mistake most likely sits on: the first line matching its pattern inside the
    definition it changes (else inside the component), else that definition's first line."""
    comp = BY_NAME[name]
    changed = {d for d, _, _ in mistake.changes}
    wanted = [n for d in changed for n in (BY_NAME[d].names if d in BY_NAME else (d,))] + list(comp.names)
    for definition in wanted:
        if definition not in source_lines:
            continue
        first, last, lines = source_lines[definition]
        if mistake.where:
            matches = [n for n in range(first, last + 1) if re.search(mistake.where, lines[n - 1])]
            working = [n for n in matches if n not in setup_lines(lines, first, last)]
            if working or matches:
                return (working or matches)[0]
        return first
    return None


def setup_lines(lines: list[str], first: int, last: int) -> set[int]:
    """Lines that only set things up — ``def`` lines, ``__init__`` bodies, ``x = None`` — where a
    mistake's pattern may match but the mistake seldom sits."""
    out, init_indent = set(), None
    for n in range(first, last + 1):
        text = lines[n - 1]
        indent = len(text) - len(text.lstrip())
        if init_indent is not None and text.strip() and indent <= init_indent:
            init_indent = None
        if re.match(r"\s*def __init__\b", text):
            init_indent = indent
        if init_indent is not None or re.match(r"\s*def\s", text) or re.search(r"=\s*None\s*$", text):
            out.add(n)
    return out
