"""Planted files: the course's code with known mistakes put in, packed so that one child process checks
many mistakes at once (a round holds at most one mistake per component, and none in a component another
mistake of the round depends on)."""

from __future__ import annotations

from nablab.checker import catalogue
from nablab.checker.components import BY_NAME


def uses(component: str) -> set[str]:
    """The course.py definitions a component's behaviour depends on (its own and its helpers', transitively)."""
    seen, todo = set(), [component]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += list(BY_NAME[name].shows) if name in BY_NAME else []
    if component == "SoftmaxWithLoss" or "SoftmaxWithLoss" in seen:
        seen |= {"softmax", "cross_entropy_error"}
    if "Sigmoid" in seen:
        seen.add("sigmoid")
    return seen


def rounds() -> list[list[catalogue.Mistake]]:
    """The mistakes, packed into rounds (one planted file each)."""
    out: list[list[catalogue.Mistake]] = []
    for mk in catalogue.CATALOGUE:
        if mk.accepted:
            continue
        changed = {d for d, _, _ in mk.changes}
        for r in out:
            clash = any(other.component == mk.component or changed & uses(other.component)
                        or {d for d, _, _ in other.changes} & uses(mk.component) for other in r)
            if not clash:
                r.append(mk)
                break
        else:
            out.append([mk])
    return out


def source(mistakes) -> str:
    text = catalogue.course_source()
    for mk in mistakes:
        text = catalogue.mutate(text, mk.changes)
    return text
