"""The catalogue of known mistakes, one file per area: each a change of one or two lines of the
course's code (course/), named in the course's Japanese and in English, with a pattern for the line of
a learner's file it most likely sits on. Entries marked ``accepted`` are other correct forms."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mistake:
    id: str
    component: str                              # a Component name
    changes: tuple[tuple[str, str, str], ...]   # (course/ definition, old text, new text)
    ja: str
    en: str
    where: str = ""                             # a regex for the learner's line ("" → the definition)
    accepted: bool = False                      # another correct form, not a mistake


def m(id, component, changes, ja, en, where="", accepted=False) -> Mistake:
    if isinstance(changes[0], str):
        changes = (changes,)
    return Mistake(id, component, tuple(changes), ja, en, where, accepted)


def all_mistakes() -> tuple[Mistake, ...]:
    from . import convolution, dense, optimizers
    return dense.MISTAKES + optimizers.MISTAKES + convolution.MISTAKES
