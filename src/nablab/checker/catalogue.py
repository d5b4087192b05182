"""The known mistakes (mistakes/) put to work: the course's code (course/) with a mistake's lines
changed, run through a component's probe, gives that mistake's behaviour.

A learner's component that behaves *exactly* like one of these (every probe result equal, judge.py) is
told which mistake it is; one that departs where a mistake departs, with the same value, is told it
is probably that mistake. Entries marked ``accepted`` are not mistakes but other correct forms (the
inverted dropout): they pass.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import numpy as np

from . import course
from .components import BY_NAME
from .mistakes import Mistake, all_mistakes
from .recorder import Recorder, Stop

CATALOGUE: tuple[Mistake, ...] = all_mistakes()

BY_ID = {mistake.id: mistake for mistake in CATALOGUE}


# -- the course's code and its mutations ----------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def course_source() -> str:
    """The course package as one module's text (its files in order, their imports of each other
    dropped), so that a mistake in ``softmax`` reaches the SoftmaxWithLoss that calls it."""
    parts = ["import numpy as np\n"]
    for name in course.FILES:
        text = (Path(course.__file__).parent / name).read_text(encoding="utf-8")
        parts.append("".join(line for line in text.splitlines(keepends=True)
                             if not line.startswith(("import ", "from "))))
    return "\n".join(parts)


def spans(source: str) -> dict[str, tuple[int, int]]:
    """Top-level definition name → (first line, last line) in ``source`` (1-based, inclusive)."""
    tree = ast.parse(source)
    return {n.name: (n.lineno, n.end_lineno) for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}


def mutate(source: str, changes) -> str:
    """``source`` with each (definition, old, new) applied inside that definition (old must occur once)."""
    for definition, old, new in changes:
        lines = source.splitlines(keepends=True)
        first, last = spans(source)[definition]
        body = "".join(lines[first - 1:last])
        if body.count(old) != 1:
            raise ValueError(f"catalogue: {old!r} occurs {body.count(old)} times in {definition}")
        if not new and old.endswith("\n"):                  # a whole line removed, with its indentation
            body = re.sub(r"^[ \t]*" + re.escape(old), "", body, flags=re.M)
        else:
            body = body.replace(old, new)
        source = "".join(lines[:first - 1]) + body + "".join(lines[last:])
    return source


@functools.lru_cache(maxsize=None)
def namespace(mistake_id: str | None) -> dict:
    """course/ run as it is (None) or with one mistake's changes."""
    source = course_source() if mistake_id is None else mutate(course_source(), BY_ID[mistake_id].changes)
    ns: dict = {"__name__": f"nablab.checker.course[{mistake_id}]"}
    exec(compile(source, f"<course {mistake_id or ''}>", "exec"), ns)
    return ns


@functools.lru_cache(maxsize=None)
def behaviour(component: str, mistake_id: str | None = None) -> Recorder:
    """What the probe of ``component`` records for the course's code, or for one mistake of it."""
    return probe(component, namespace(mistake_id)[component])


@functools.lru_cache(maxsize=None)
def expected(component: str) -> Recorder:
    """What the probe of ``component`` records for nablab's verified implementation (reference.py)."""
    from . import reference, reference_training
    for module in (reference, reference_training):
        if hasattr(module, component):
            return probe(component, getattr(module, component))
    raise KeyError(f"no reference for {component}")


def probe(component: str, obj) -> Recorder:
    rec = Recorder()
    state = np.random.get_state()
    np.random.seed(0)
    try:
        BY_NAME[component].probe(obj, rec)
    except Stop:
        pass
    finally:
        np.random.set_state(state)
    return rec


def of(component: str) -> list[Mistake]:
    return [mk for mk in CATALOGUE if mk.component == component]


def template(name: str) -> str:
    """The course's skeleton for one component: its definitions with each body replaced by a
    ``raise NotImplementedError`` (docstrings and __init__ kept), its helpers in full."""
    comp = BY_NAME[name]
    source = course_source()
    lines = source.splitlines()
    span = spans(source)
    parts = ['"""nablab check: write the course\'s ' + name + ', then run `nablab check FILE.py`."""',
             "import numpy as np", ""]
    for helper in comp.shows:
        first, last = span[helper]
        parts += lines[first - 1:last] + ["", ""]
    parts += _skeleton(source, name)
    return "\n".join(parts).rstrip() + "\n"


def _skeleton(source: str, name: str) -> list[str]:
    tree = ast.parse(source)
    lines = source.splitlines()
    node = next(n for n in tree.body if getattr(n, "name", None) == name)
    out = []
    funcs = [node] if isinstance(node, ast.FunctionDef) else [n for n in node.body if isinstance(n, ast.FunctionDef)]
    if isinstance(node, ast.ClassDef):
        out.append(lines[node.lineno - 1])
        doc = ast.get_docstring(node)
        if doc:
            out.append(f'    """{doc}"""')
            out.append("")
    for fn in funcs:
        indent = " " * fn.col_offset
        out += lines[fn.lineno - 1:fn.body[0].lineno - 1] if not ast.get_docstring(fn) else \
            lines[fn.lineno - 1:fn.body[0].end_lineno]
        if fn.name == "__init__":
            first = fn.body[1] if ast.get_docstring(fn) else fn.body[0]
            out += lines[first.lineno - 1:fn.end_lineno]
        else:
            out.append(f"{indent}    raise NotImplementedError  # ここを書く / write this")
        out.append("")
    return out
