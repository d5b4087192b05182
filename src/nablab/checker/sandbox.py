"""The learner's code runs here, in a child process, never in nablab's own.

The child (``child_main``) loads the learner's file (or the objects ``nl.check`` pickled), runs each
component's probe and writes what it recorded: ``<component>.json`` (the keys in order and any errors)
and ``<component>.npz`` (the arrays, read back with ``allow_pickle=False``). Judging happens in the
parent (judge.py), with nablab's own numpy: nothing the learner's code patches can change a verdict.

Limits on the child: an address space of MEMORY_MB, files (its printed output) of at most OUTPUT_MB,
SECONDS per component (the parent kills the whole process group). When a component overruns or the
child dies, the parent records why and starts a fresh child for the components that are left, so one
infinite loop costs one component, not the check.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .recorder import Recorder

SECONDS = 10              # per component, and for loading the file
MEMORY_MB = 2048          # address space of the child (numpy and nablab take about 1 GB of it)
OUTPUT_MB = 1             # what the learner's code may print
LOAD = "<load>"           # the progress name of loading the learner's file
SHIM = Path(__file__).parent / "shim"


@dataclass
class Failure:
    """A component (or the file's loading) that ended without results: ``why`` is one of time,
    memory, output, exit, crash, syntax, load; ``error`` the raised error's record where there is one."""
    why: str
    error: dict | None = None


CHILD = "import sys; from nablab.checker.sandbox import child_main; child_main(sys.argv[1])"


def limits(memory_mb: int, output_mb: int, seconds: int):
    """What the child sets on itself before it runs anything (preexec_fn)."""
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
        resource.setrlimit(resource.RLIMIT_FSIZE, (output_mb << 20, output_mb << 20))
        resource.setrlimit(resource.RLIMIT_CPU, (seconds * 4 + 30,) * 2)   # a backstop to the wall clock
    return apply


def run(source: dict, names: list[str], *, seconds: int = SECONDS, memory_mb: int = MEMORY_MB,
        output_mb: int = OUTPUT_MB) -> dict[str, Recorder | Failure]:
    """Probe the components ``names`` of ``source`` ({"file": path} or {"pickle": path}) in child
    processes; a Recorder or a Failure per name, or {LOAD: Failure} when the file cannot be loaded."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    results: dict[str, Recorder | Failure] = {}
    remaining = list(names)
    with tempfile.TemporaryDirectory(prefix="nablab-check-") as tmp:
        for attempt in range(len(names) + 1):                # each round ends at least one component
            if not remaining:
                break
            work = Path(tmp) / f"round{attempt}"
            work.mkdir()
            spec = work / "request.json"
            spec.write_text(json.dumps({**source, "components": remaining, "out": str(work)}), encoding="utf-8")
            current, code = _watch(work, spec, env, seconds, memory_mb, output_mb)
            loaded = _collect(work, remaining, results)
            load_error = work / "load.json"
            if load_error.exists():
                return {LOAD: Failure(_failure_kind(read_json(load_error)), read_json(load_error))}
            if code == 0 and not remaining:
                break
            if current is None or current == LOAD:
                why = _why(code, work, output_mb)
                if current == LOAD:
                    return {LOAD: Failure(why)}
                if not loaded:                                # no progress at all: give up on the first
                    results[remaining.pop(0)] = Failure(why)
                continue
            if current in remaining:
                remaining.remove(current)
                results[current] = Failure(_why(code, work, output_mb))
    return results


def _watch(work: Path, spec: Path, env: dict, seconds: int, memory_mb: int, output_mb: int):
    """Run one child until it exits or its current component overruns; (current component, exit code)."""
    progress = work / "progress.txt"
    with open(work / "printed.txt", "wb") as printed:
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(spec)], stdin=subprocess.DEVNULL,
                                 stdout=printed, stderr=subprocess.STDOUT, env=env, cwd=work,
                                 start_new_session=True, preexec_fn=limits(memory_mb, output_mb, seconds))
        current, started, seen = None, time.monotonic(), 0
        while True:
            try:
                code = child.wait(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                pass
            lines = _lines(progress)
            if len(lines) != seen:
                seen, started = len(lines), time.monotonic()
                current = _current(lines)
            if time.monotonic() - started > seconds + (5 if current is None else 0):   # +5: the child's start
                code = "time"
                break
        with contextlib.suppress(ProcessLookupError):         # the learner's own processes too, whatever ended it
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    return _current(_lines(progress)), code


def _lines(progress: Path) -> list[str]:
    try:
        return progress.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []


def _current(lines: list[str]) -> str | None:
    """The component started and not finished, from progress lines 'start NAME' / 'done NAME'."""
    if not lines:
        return None
    verb, _, name = lines[-1].partition(" ")
    return name if verb == "start" else None


def _why(code, work: Path, output_mb: int) -> str:
    if code == "time":
        return "time"
    if code in (-signal.SIGXFSZ, 128 + signal.SIGXFSZ, 3) or (work / "printed.txt").stat().st_size >= output_mb << 20:
        return "output"
    tail = (work / "printed.txt").read_bytes()[-4000:].decode("utf-8", "replace")
    if "MemoryError" in tail or code in (-signal.SIGKILL, -signal.SIGSEGV):
        return "memory"
    return "crash" if isinstance(code, int) and code < 0 else "exit"


def _failure_kind(error: dict) -> str:
    if error.get("errno") == 27:
        return "output"
    if error.get("type") == "MemoryError":
        return "memory"
    if error.get("type") == "SystemExit":
        return "exit"
    return "syntax" if error.get("type") in ("SyntaxError", "IndentationError", "TabError") else "load"


def _collect(work: Path, remaining: list[str], results: dict) -> bool:
    """Read back the components the child finished (removing them from ``remaining``)."""
    found = False
    for name in list(remaining):
        meta, arrays = work / f"{name}.json", work / f"{name}.npz"
        if not (meta.exists() and arrays.exists()):
            continue
        rec = load_recorder(meta, arrays)
        if rec is None:
            continue
        results[name] = rec
        remaining.remove(name)
        found = True
        error = next(iter(rec.errors.values()), None)
        if error and error.get("errno") == 27:                # EFBIG: the print cap was hit
            results[name] = Failure("output", error)
        elif error and error.get("type") == "MemoryError":
            results[name] = Failure("memory", error)
    return found


def read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_recorder(meta: Path, arrays: Path) -> Recorder | None:
    """A Recorder from the child's files, or None when they are not what a child writes."""
    data = read_json(meta)
    order, errors = data.get("order"), data.get("errors")
    if not (isinstance(order, list) and all(isinstance(k, str) for k in order) and isinstance(errors, dict)):
        return None
    rec = Recorder()
    try:
        with np.load(arrays, allow_pickle=False) as npz:
            values = {f"k{i}": npz[f"k{i}"] for i in range(len(npz.files))}
    except (OSError, ValueError, KeyError):
        return None
    keys = [k for k in order if k not in errors]
    if len(keys) != len(values):
        return None
    rec.order = order
    rec.values = {k: values[f"k{i}"] for i, k in enumerate(keys)}
    rec.errors = {k: v for k, v in errors.items() if isinstance(v, dict)}
    return rec


# -- the child ----------------------------------------------------------------------------------------

def child_main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    out = Path(spec["out"])
    progress = open(out / "progress.txt", "a", encoding="utf-8", buffering=1)
    progress.write(f"start {LOAD}\n")
    namespace, learner_file = _load(spec, out)
    if namespace is None:
        return
    progress.write(f"done {LOAD}\n")
    from .components import BY_NAME
    from . import finder
    for name in spec["components"]:
        progress.write(f"start {name}\n")
        rec = Recorder(learner_file)
        obj = finder.pick(namespace, BY_NAME[name])
        np.random.seed(0)
        try:
            BY_NAME[name].probe(obj, rec)
        except Exception as e:                              # a Stop, or the probe tripped on odd output
            if type(e).__name__ != "Stop" and not rec.errors:
                rec.errors["probe"] = {"type": type(e).__name__, "message": str(e)[:300], "line": None}
                rec.order.append("probe")
        write_recorder(rec, out, name)
        progress.write(f"done {name}\n")
        if any(e.get("errno") == 27 for e in rec.errors.values()):
            os._exit(3)                                       # stdout is full: a fresh child for the rest


def write_recorder(rec: Recorder, out: Path, name: str) -> None:
    keys = [k for k in rec.order if k not in rec.errors]
    np.savez(out / f"{name}.npz", **{f"k{i}": rec.values[k] for i, k in enumerate(keys)})
    (out / f"{name}.json").write_text(json.dumps({"order": rec.order, "errors": rec.errors}), encoding="utf-8")


def _load(spec: dict, out: Path):
    """(namespace of the learner's definitions, the file's path) or (None, None) after writing load.json."""
    from .recorder import learner_line
    sys.path.append(str(SHIM))                                # `from common.layers import ...` works
    if "pickle" in spec:
        import cloudpickle  # noqa: F401  (objects pickled by value need it loaded)
        import pickle
        try:
            with open(spec["pickle"], "rb") as f:
                objects = pickle.load(f)
        except Exception as e:
            _write_load_error(out, {"type": type(e).__name__, "message": str(e)[:300], "line": None})
            return None, None
        return {"__objects__": objects}, spec.get("file")
    path = spec["file"]
    sys.path.insert(0, str(Path(path).resolve().parent))
    try:
        source = Path(path).read_text(encoding="utf-8")
        code = compile(source, path, "exec")
    except SyntaxError as e:
        _write_load_error(out, {"type": type(e).__name__, "message": str(e.msg), "line": e.lineno,
                                "text": (e.text or "").rstrip()[:200]})
        return None, None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        _write_load_error(out, {"type": type(e).__name__, "message": str(e)[:300], "line": None})
        return None, None
    import types
    module = types.ModuleType("learner")
    module.__file__ = path
    sys.modules["learner"] = module
    try:
        with np.errstate(all="ignore"):
            exec(code, module.__dict__)
    except (Exception, SystemExit) as e:
        _write_load_error(out, {"type": type(e).__name__, "message": str(e)[:300], "line": learner_line(e, path),
                                "errno": getattr(e, "errno", None)})
        return None, None
    return module.__dict__, path


def _write_load_error(out: Path, error: dict) -> None:
    (out / "load.json").write_text(json.dumps(error), encoding="utf-8")
