"""Run an experiment into a run directory; resume one that was stopped.

A run directory holds:
    spec.json         the resolved spec, library versions, machine, command, data source
    history/<variant>/seed<k>.json|.csv, or data.json (non-classification kinds)
    checkpoints/<variant>/seed<k>/checkpoint.npz
    results.json      {"experiment", "dataset", "variants": [{label, test_acc, ...}], ...}
    figures/*.png|svg and summary.md (drawn from the files above only)
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from .common import data_for, read_json, write_json
from .kinds import KIND_MODULES
from .spec import PARAMS, ExperimentSpec, RunSpec
from .validate import as_dict, build


def versions() -> dict:
    from .. import __version__
    import matplotlib
    return {"nablab": __version__, "numpy": np.__version__, "matplotlib": matplotlib.__version__,
            "python": platform.python_version(), "machine": f"{platform.machine()}, "
            f"{multiprocessing.cpu_count()} cores, {platform.system()}"}


def spec_to_json(spec: ExperimentSpec) -> dict:
    d = {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}
    d["runs"] = [as_dict(r) for r in spec.runs]
    d["params"] = as_dict(spec.params) if spec.params is not None else None
    return d


def spec_from_json(d: dict) -> ExperimentSpec:
    d = dict(d)
    d["runs"] = tuple(build(RunSpec, r, f"spec.json: runs[{i}]") for i, r in enumerate(d["runs"]))
    if d["params"] is not None:
        d["params"] = build(PARAMS[d["kind"]], d["params"], "spec.json: params")
    return ExperimentSpec(**d)


def dataset_info(spec: ExperimentSpec) -> dict | None:
    data = spec.runs[0].data if spec.runs else getattr(spec.params, "data", None)
    if data is None:
        return None
    ds = data_for(data)
    return {"name": ds.name, "source": ds.source, "n_train": len(ds.y_train), "n_test": len(ds.y_test)}


BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextlib.contextmanager
def single_threaded_blas():
    """Worker processes inherit one BLAS thread each: N jobs on N cores, not N × N threads."""
    saved = {k: os.environ.get(k) for k in BLAS_THREADS}
    os.environ.update({k: "1" for k in BLAS_THREADS})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _task(spec_json: dict, task, out: str, progress: bool):
    spec = spec_from_json(spec_json)
    return task, KIND_MODULES[spec.kind].run_task(spec, task, Path(out), progress=progress)


def quiet(*args) -> None:
    """A log function that says nothing (``--quiet``)."""


def execute(spec: ExperimentSpec, out: Path, jobs: int = 1, log=print) -> dict:
    """Run every task not yet done (in ``jobs`` processes); return {task: status}."""
    kind = KIND_MODULES[spec.kind]
    todo = [t for t in kind.tasks(spec) if not kind.done(spec, t, out)]
    statuses = {}
    if jobs > 1 and len(todo) > 1:
        ctx = multiprocessing.get_context("spawn")
        with single_threaded_blas(), ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            futures = [pool.submit(_task, spec_to_json(spec), t, str(out), False) for t in todo]
            for f in futures:
                task, status = f.result()
                statuses[task] = status
                log(f"  {task[0]} (seed {task[1]}): {status}")
    else:
        for t in todo:
            status = kind.run_task(spec, t, out, progress=log is not quiet)   # tqdm: TTYs only
            statuses[t] = status
            log(f"  {t[0]} (seed {t[1]}): {status}")
            if status == "interrupted":
                break
    return statuses


def finish(spec: ExperimentSpec, out: Path, log=print) -> dict:
    """results.json, figures and summary.md from the files in ``out``."""
    meta = read_json(out / "spec.json")
    results = {"experiment": spec.name, "title": spec.title, "kind": spec.kind,
               "section": spec.section, "notebook": spec.notebook, "expect": spec.expect,
               "dataset": meta.get("dataset"), "seeds": spec.seeds, "quick": meta.get("quick", False),
               **KIND_MODULES[spec.kind].summarize(spec, out)}
    write_json(out / "results.json", results)
    from ..report.plots import plot_run
    from ..report.summary import write_summary
    figures = plot_run(out)
    write_summary(out, figures)
    log(f"wrote {out / 'results.json'}, {out / 'summary.md'} and {len(figures)} figure(s)")
    return results


def run(spec: ExperimentSpec, out: str | Path, *, jobs: int = 1, quick: bool = False,
        command: str = "", log=print) -> dict:
    out = Path(out)
    if (out / "spec.json").exists():
        raise ConfigError(f"{out} already holds a run; use --resume {out} or another --out")
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    write_json(out / "spec.json", {"spec": spec_to_json(spec), "versions": versions(),
                                   "dataset": dataset_info(spec), "quick": quick, "command": command,
                                   "created": time.strftime("%Y-%m-%d %H:%M:%S")})
    log(f"{spec.name}: {spec.title} → {out}")
    return _execute_and_finish(spec, out, jobs, log, start)


def resume(out: str | Path, *, jobs: int = 1, log=print) -> dict:
    out = Path(out)
    if not (out / "spec.json").exists():
        raise ConfigError(f"{out}: no spec.json here, so nothing to resume")
    spec = spec_from_json(read_json(out / "spec.json")["spec"])
    log(f"{spec.name}: resuming {out}")
    return _execute_and_finish(spec, out, jobs, log, time.perf_counter())


def _execute_and_finish(spec, out: Path, jobs: int, log, start: float) -> dict:
    """Run what is left; unless interrupted, write the results and add this session's wall time."""
    statuses = execute(spec, out, jobs, log)
    if "interrupted" in statuses.values():
        log(f"interrupted; continue with: nablab run --resume {out}")
        return {}
    results = finish(spec, out, log)
    meta = read_json(out / "spec.json")
    meta.setdefault("wall_time_s", []).append(round(time.perf_counter() - start, 2))
    write_json(out / "spec.json", meta)
    return results
