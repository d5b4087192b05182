"""Run an experiment into a run directory (RunDir); resume one that was stopped.

run(spec, out) creates the directory (spec.json, once), runs every task of the spec's kind
(in ``jobs`` processes), then writes results.json, the kind's figures and summary.md.
resume(out) reads spec.json back and runs only the tasks that are not done.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from ..document import Figure, Heading, Paragraph, to_markdown
from ..errors import ConfigError, NablabError
from ..rundir import RunDir, find_runs
from . import kinds
from .datasets import describe
from .registry import from_json, resolve, to_json
from .spec import ExperimentSpec


class RunInterrupted(NablabError):
    """A run stopped by Ctrl-C before it finished (its directory can be resumed)."""


def versions() -> dict:
    from .. import __version__
    import matplotlib
    return {"nablab": __version__, "numpy": np.__version__, "matplotlib": matplotlib.__version__,
            "python": platform.python_version(), "machine": f"{platform.machine()}, "
            f"{multiprocessing.cpu_count()} cores, {platform.system()}"}


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
    spec = from_json(spec_json)
    return task, kinds.get(spec.kind).run_task(spec, task, RunDir(out), progress=progress)


def quiet(*args) -> None:
    """A log function that says nothing (``--quiet``)."""


def execute(spec: ExperimentSpec, run: RunDir, jobs: int = 1, log=print) -> dict:
    """Run every task not yet done (in ``jobs`` processes); return {task: status}."""
    kind = kinds.get(spec.kind)
    todo = [t for t in kind.tasks(spec) if not kind.done(spec, t, run)]
    statuses = {}
    if jobs > 1 and len(todo) > 1:
        ctx = multiprocessing.get_context("spawn")
        with single_threaded_blas(), ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            futures = [pool.submit(_task, to_json(spec), t, str(run.path), False) for t in todo]
            for f in futures:
                task, status = f.result()
                statuses[task] = status
                log(f"  {task[0]} (seed {task[1]}): {status}")
    else:
        for t in todo:
            status = kind.run_task(spec, t, run, progress=log is not quiet)   # tqdm: TTYs only
            statuses[t] = status
            log(f"  {t[0]} (seed {t[1]}): {status}")
            if status == "interrupted":
                break
    return statuses


def summary_blocks(results: dict, meta: dict, kind_blocks: list, figures: list[Path]) -> list:
    """summary.md: what ran, on what data, what came out (the kind's tables), its figures."""
    r, v = results, meta["versions"]
    lines = [f"Course notebook: `{r['notebook']}` (section {r['section']})" if r.get("notebook") else "",
             f"Course result: {r['expect']}" if r.get("expect") else "",
             f"Data: {r['dataset']['source']}" if r.get("dataset") else "",
             f"Seeds: {r['seeds']}{' (quick run)' if r.get('quick') else ''}; nablab {v['nablab']}, "
             f"numpy {v['numpy']}, {v['machine']}"]
    return [Heading(1, f"{r['experiment']}: {r['title']}"), Paragraph("  \n".join(x for x in lines if x)),
            *kind_blocks, *(Figure(f, f.stem) for f in figures)]


def finish(spec: ExperimentSpec, run: RunDir, log=print) -> dict:
    """results.json, figures and summary.md from the files in the run directory."""
    kind = kinds.get(spec.kind)
    meta = run.spec()
    results = {"experiment": spec.name, "title": spec.title, "kind": spec.kind,
               "section": spec.section, "notebook": spec.notebook, "expect": spec.expect,
               "dataset": meta.get("dataset"), "seeds": spec.seeds, "quick": meta.get("quick", False),
               "overrides": meta.get("overrides", []), "wall_time_s": round(run.wall_time(), 2),
               **kind.summarize(spec, run)}
    run.write_results(results)
    figures = kind.figures(results, run)
    text = to_markdown(summary_blocks(results, meta, kind.summary(results), figures), "figures")
    run.summary_file.write_text(text, encoding="utf-8")
    log(f"wrote {run.path / run.RESULTS}, {run.summary_file} and {len(figures)} figure(s)")
    return results


def run(spec: ExperimentSpec, out: str | Path, *, jobs: int = 1, quick: bool = False,
        command: str = "", overrides=(), log=print) -> dict:
    """Create a run directory for ``spec`` at ``out`` and run it; return results.json's dict."""
    run_dir = RunDir(out)
    start = time.perf_counter()
    data = kinds.get(spec.kind).dataset(spec.params)
    run_dir.create({"spec": to_json(spec), "versions": versions(),
                    "dataset": describe(data) if data is not None else None, "quick": quick,
                    "overrides": list(overrides), "command": command,
                    "created": time.strftime("%Y-%m-%d %H:%M:%S")})
    log(f"{spec.name}: {spec.title} → {run_dir.path}")
    return _execute_and_finish(spec, run_dir, jobs, log, start)


def resume(out: str | Path, *, jobs: int = 1, log=print) -> dict:
    """Continue a stopped run: only the tasks that are not done run."""
    run_dir = RunDir(out)
    if not run_dir.exists():
        raise ConfigError(f"{run_dir.path}: no spec.json here, so nothing to resume")
    spec = from_json(run_dir.spec().get("spec"), str(run_dir.path / run_dir.SPEC))
    log(f"{spec.name}: resuming {run_dir.path}")
    return _execute_and_finish(spec, run_dir, jobs, log, time.perf_counter())


def _execute_and_finish(spec, run_dir: RunDir, jobs: int, log, start: float) -> dict:
    """Run what is left; record this session's wall time; unless interrupted, write the results."""
    statuses = execute(spec, run_dir, jobs, log)
    interrupted = "interrupted" in statuses.values()
    run_dir.add_session(time.perf_counter() - start, "interrupted" if interrupted else "finished")
    if interrupted:
        log(f"interrupted; continue with: nablab run --resume {run_dir.path}")
        return {}
    return finish(spec, run_dir, log)


def ensure_runs(names, folder: str | Path, *, quick: bool = False, reuse=(), jobs: int = 1,
                command: str = "", log=print) -> dict[str, RunDir]:
    """{name: finished RunDir} for each experiment: a run from ``reuse`` (run directories or
    folders of them), else ``folder/<name>`` — reused when finished, resumed when stopped,
    run when missing. Returns only when every run has its results."""
    reused = find_runs(reuse)
    runs = {}
    for name in names:
        if name in reused:
            log(f"reusing {reused[name].path}")
            runs[name] = reused[name]
            continue
        target = RunDir(Path(folder) / name)
        if target.has_results():
            log(f"reusing {target.path}")
        elif target.exists():
            resume(target.path, jobs=jobs, log=log)
        else:
            run(resolve(name, quick=quick), target.path, jobs=jobs, quick=quick, command=command, log=log)
        if not target.has_results():          # a task was interrupted (Ctrl-C): stop here
            raise RunInterrupted(f"{name} was interrupted; the same command continues it")
        runs[name] = target
    return runs
