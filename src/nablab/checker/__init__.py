"""``nablab check``: the learner's own implementation of the course's code, checked and diagnosed.

    nablab check my_layers.py [--only Affine] [--lang en]      # from a shell
    nl.check(Momentum)   nl.check(globals())   nl.check("my_layers.py")   # in a notebook

Each course component the file defines (components.py) is probed in a child process (sandbox.py),
judged here against nablab's verified layers in the course's interface (reference.py) and, where it
departs, matched against the catalogue of known mistakes (mistakes/, catalogue.py): the course's own
code (course/) with one or two lines changed. Messages are
Japanese by default (messages.py).
"""

from __future__ import annotations

import inspect
import linecache
import pickle
import sys
import tempfile
import types
from pathlib import Path

from ..errors import ConfigError, DataError
from . import finder, judge, sandbox
from .components import BY_NAME, COMPONENTS, find
from .report import Report

__all__ = ["check", "check_file", "Report", "COMPONENTS"]


def _only(only) -> list[str] | None:
    if only is None:
        return None
    names = [only] if isinstance(only, str) else list(only)
    out = []
    for name in names:
        comp = find(name)
        if comp is None:
            raise ConfigError(f"check --only: unknown component {name!r}; expected one of "
                              f"{', '.join(c.name for c in COMPONENTS)}")
        out.append(comp.name)
    return out


def check_file(path: str | Path, *, only=None, lang: str = "ja", seconds: int = sandbox.SECONDS) -> Report:
    """Check the course components defined in the learner's file ``path``."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"check: cannot read {path} ({e.__class__.__name__}: {e}); expected a Python file "
                        f"of the course's code") from None
    report = Report(str(path), lang=lang, lines_of_file=source.splitlines(), seconds=seconds)
    try:
        defined = finder.definitions(source)
    except SyntaxError as e:
        report.load_failure = sandbox.Failure("syntax", {"type": type(e).__name__, "message": e.msg,
                                                         "line": e.lineno, "text": (e.text or "").rstrip()})
        return report
    spans = {name: (first, last, report.lines_of_file) for name, (first, last) in defined.items()}
    return _run(report, {"file": str(path.resolve())}, finder.found(defined), spans, only, seconds)


def _run(report: Report, source: dict, found, spans, only, seconds) -> Report:
    wanted = _only(only)
    if wanted is not None:
        have = {d.component.name for d in found}
        report.looked_for = [" / ".join(BY_NAME[n].names) for n in wanted if n not in have]
        found = [d for d in found if d.component.name in wanted]
    if not found:
        return report
    names = [d.component.name for d in found]
    results = sandbox.run(source, names, seconds=seconds)
    if sandbox.LOAD in results:
        report.load_failure = results[sandbox.LOAD]
        return report
    for name in names:
        got = results.get(name, sandbox.Failure("crash"))
        report.results[name] = got if isinstance(got, sandbox.Failure) else judge.judge(name, got, spans)
    return report


def check(*objects, only=None, lang: str = "ja", seconds: int = sandbox.SECONDS, **named) -> Report:
    """``nl.check``: check classes and functions (``nl.check(Affine, Relu)``), one under the course's name
    (``nl.check(Momentum=MyMomentum)``), a dict of them (``nl.check(globals())``), a module or a file
    path. Defined in a notebook, they are sent by value (cloudpickle) to a child process; nothing of
    them runs in this one."""
    if len(objects) == 1 and not named and isinstance(objects[0], (str, Path)):
        return check_file(objects[0], only=only, lang=lang, seconds=seconds)
    if len(objects) == 1 and not named and isinstance(objects[0], types.ModuleType):
        module = objects[0]
        if getattr(module, "__file__", None):
            return check_file(module.__file__, only=only, lang=lang, seconds=seconds)
        objects = (vars(module),)
    pool = _pool(objects, named)
    found = finder.found({name for name, obj in pool.items() if _learners(obj)})
    files = {getattr(sys.modules.get(pool[d.name].__module__), "__file__", None) for d in found}
    if not named and len(files) == 1 and None not in files and all(pool[d.name].__module__ != "__main__"
                                                                   for d in found):
        names = [d.component.name for d in found]            # defined in a file: check that file
        return check_file(files.pop(), only=[n for n in names if not only or n in _only(only)], lang=lang,
                          seconds=seconds)
    objs = {d.name: pool[d.name] for d in found}
    cell, lines = _cell_of(objs.values())
    spans = {name: (1, len(lines), lines) for name in objs} if lines else {}
    report = Report("<notebook>", lang=lang, lines_of_file=lines, seconds=seconds)
    import cloudpickle
    with tempfile.TemporaryDirectory(prefix="nablab-check-") as tmp:
        blob = Path(tmp) / "objects.pkl"
        try:
            blob.write_bytes(cloudpickle.dumps(objs))
        except (pickle.PicklingError, TypeError, AttributeError) as e:
            raise ConfigError(f"check: cannot send {', '.join(objs)} to the child process ({e}); "
                              f"save them in a .py file and run nl.check('file.py')") from None
        return _run(report, {"pickle": str(blob), "file": cell}, found, spans, only, seconds)


def _pool(objects, named) -> dict:
    pool: dict = {}
    for obj in [*objects, *named.values()]:
        if not (isinstance(obj, dict) or inspect.isclass(obj) or inspect.isfunction(obj)):
            raise ConfigError(f"check: expected classes, functions, a dict such as globals(), a module or a "
                              f"file path; got {type(obj).__name__}")
    for obj in objects:
        if isinstance(obj, dict):
            pool.update({k: v for k, v in obj.items() if inspect.isclass(v) or inspect.isfunction(v)})
        else:
            pool[obj.__name__] = obj
    for name, obj in named.items():
        if find(name) is None:
            raise ConfigError(f"check: {name}= is not a course component; expected one of "
                              f"{', '.join(c.name for c in COMPONENTS)}")
        pool[find(name).name] = obj
    return pool


def _cell_of(objs) -> tuple[str | None, list[str]]:
    """The file (a notebook cell's, in Jupyter) that defines the objects, and its lines — for the
    line a mistake or an error points at. (None, []) when they come from different places."""
    files = set()
    for obj in objs:
        funcs = [obj] if inspect.isfunction(obj) else [f for f in vars(obj).values() if inspect.isfunction(f)]
        files |= {f.__code__.co_filename for f in funcs}
    if len(files) != 1:
        return None, []
    name = files.pop()
    return name, [line.rstrip("\n") for line in linecache.getlines(name)]


def _learners(obj) -> bool:
    """Whether obj is the learner's own (not nablab's course code, not a library's)."""
    module = getattr(obj, "__module__", "") or ""
    return not module.startswith(("nablab", "numpy", "common"))
