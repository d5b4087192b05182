"""An experiment's tasks as calls a backend can run: here or in a pool process against the run
directory itself, or on a Dask worker that never sees it.

A Dask worker needs no access to the run directory: a task is sent the files it resumes from
(its checkpoint folder) as bytes, runs in a temporary folder of its own, and sends back every
file it wrote; this machine checks the names and writes them into the run directory.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path, PurePosixPath

from ..errors import DataError
from ..files import atomic_write
from ..rundir import RunDir
from . import kinds
from .registry import from_json


def pending(spec, run: RunDir) -> list[tuple[str, int]]:
    """The spec's tasks whose output is not in ``run`` yet."""
    kind = kinds.get(spec.kind)
    return [t for t in kind.tasks(spec) if not kind.done(spec, t, run)]


def timed_task(spec_json: dict, task, out: str, progress: bool):
    """One task against the run directory ``out``: (task, status, seconds)."""
    start = time.perf_counter()
    spec = from_json(spec_json)
    status = kinds.get(spec.kind).run_task(spec, tuple(task), RunDir(out), progress=progress)
    return tuple(task), status, time.perf_counter() - start


def pack(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``: {relative POSIX path: bytes}."""
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def unpack(files: dict[str, bytes], folder: Path) -> None:
    """Write what a worker sent into ``folder`` (each file atomically); a name that would leave
    the folder (absolute, '..', empty parts) is refused before anything is written."""
    for name in files:
        parts = PurePosixPath(name).parts
        if not parts or PurePosixPath(name).is_absolute() or any(p in ("", ".", "..") for p in parts):
            raise DataError(f"a Dask worker sent a file named {name!r}; expected a path inside the run directory")
    for name, data in files.items():
        atomic_write(folder / name, lambda f, data=data: f.write(data))


def remote_task(spec_json: dict, task, inputs: dict[str, bytes]):
    """On a worker: run one task in a temporary run directory seeded with ``inputs``;
    return (task, status, seconds, {path: bytes} of every file it wrote or changed)."""
    with tempfile.TemporaryDirectory(prefix="nablab-task-") as tmp:
        unpack(inputs, Path(tmp))
        task, status, took = timed_task(spec_json, task, tmp, False)
        outputs = {k: v for k, v in pack(Path(tmp)).items() if inputs.get(k) != v}
    return task, status, took, outputs


def task_inputs(run: RunDir, task) -> dict[str, bytes]:
    """The files a task resumes from: its checkpoint folder, named relative to the run."""
    folder = run.checkpoint_dir(*task)
    return {f"{folder.relative_to(run.path).as_posix()}/{k}": v for k, v in pack(folder).items()}
