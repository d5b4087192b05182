"""Run an experiment into a run directory (RunDir); resume one that was stopped.

run(spec, out) creates the directory (spec.json, once), runs every task of the spec's kind
(in ``jobs`` processes), then writes results.json, the kind's figures and summary.md.
resume(out) reads spec.json back and runs only the tasks that are not done.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import platform
import time
from pathlib import Path

import numpy as np

from .. import memory, plotting
from ..document import Figure, Heading, Paragraph, to_markdown
from ..credentials import redact
from ..errors import DataError, NablabError
from ..files import write_text
from ..rundir import RunDir, find_runs
from ..version import __version__
from . import executor, kinds
from .datasets import describe
from .registry import departures, from_json, resolve, to_json
from .spec import ExperimentSpec


class RunInterrupted(NablabError):
    """A run stopped by Ctrl-C before it finished (its directory can be resumed)."""


class RunFailed(NablabError):
    """A run with tasks that raised; their tracebacks are in its failures/ (it can be resumed)."""


def versions() -> dict:
    import matplotlib
    return {"nablab": __version__, "numpy": np.__version__, "matplotlib": matplotlib.__version__,
            "python": platform.python_version(), "machine": f"{platform.machine()}, "
            f"{multiprocessing.cpu_count()} cores, {platform.system()}"}


def quiet(*args) -> None:
    """A log function that says nothing (``--quiet``)."""


def summary_blocks(results: dict, meta: dict, kind_blocks: list, figures: list[Path]) -> list:
    """summary.md: what ran, on what data, what came out (the kind's tables), its figures."""
    r, v = results, meta["versions"]
    lines = [f"Course notebook: `{r['notebook']}` (section {r['section']})" if r.get("notebook") else "",
             f"{'Course result' if r.get('notebook') else 'Expected'}: {r['expect']}" if r.get("expect") else "",
             f"Data: {r['dataset']['source']}" if r.get("dataset") else "",
             "Settings changed for this run: " + ", ".join(f"`--set {o}`" for o in r["overrides"])
             if r.get("overrides") else "",
             f"Not the catalogue's {r['experiment']}: " + "; ".join(f"`{d}`" for d in r["departures"])
             if r.get("departures") else "",
             f"Seeds: {r['seeds']}{' (quick run)' if r.get('quick') else ''}; nablab {v['nablab']}, "
             f"numpy {v['numpy']}, {v['machine']}"]
    return [Heading(1, f"{r['experiment']}: {r['title']}"), Paragraph("  \n".join(x for x in lines if x)),
            *kind_blocks, *(Figure(f, f.stem) for f in figures)]


def finish(spec: ExperimentSpec, run: RunDir, log=print) -> dict:
    """Figures, summary.md and results.json from the files in the run directory. results.json comes
    last: a run holding it is finished, so a Ctrl-C while the figures are drawn leaves a run that
    `--resume` (or the report) finishes, never one that only looks finished."""
    kind = kinds.get(spec.kind)
    meta = run.spec()
    results = {"experiment": spec.name, "title": spec.title, "kind": spec.kind,
               "section": spec.section, "notebook": spec.notebook, "expect": spec.expect,
               "dataset": meta.get("dataset"), "seeds": spec.seeds, "quick": meta.get("quick", False),
               "overrides": meta.get("overrides", []),
               "departures": departures(spec, meta.get("overrides", []), meta.get("quick", False)),
               "versions": meta.get("versions"),
               "wall_time_s": round(run.wall_time(), 2),
               **kind.summarize(spec, run)}
    run.check_results(results)
    with plotting.vector(not results["quick"]):            # a quick preview: PNGs only
        figures = kind.figures(results, run)
    write_text(run.summary_file, to_markdown(summary_blocks(results, meta, kind.summary(results), figures),
                                             "figures"))
    run.write_results(results)
    log(f"wrote {run.results_file}, {run.summary_file} and {len(figures)} figure(s)")
    return results


def create(spec: ExperimentSpec, out: str | Path, *, quick: bool = False, command: str = "",
           overrides=()) -> RunDir:
    """A new run directory for ``spec`` (spec.json, written once; call ``check`` first, and hold
    the directory); refuses a directory that holds a run or an earlier run's files."""
    run_dir = RunDir(out)
    data = kinds.get(spec.kind).dataset(spec.params)
    run_dir.create({"spec": to_json(spec), "versions": versions(),
                    "dataset": describe(data) if data is not None else None, "quick": quick,
                    "overrides": [redact(o) for o in overrides], "command": redact(command),
                    "created": time.strftime("%Y-%m-%d %H:%M:%S")})
    return run_dir


def dry_pass(spec: ExperimentSpec, jobs: int = 1) -> None:
    """Before anything is written: the memory the tasks need at once (the kind's estimate × the tasks
    running together) against what this machine has, then the kind's own checks (which build models,
    so they come second: `model.hidden=[10**30]` is refused by its estimate, not by an allocation)."""
    kind = kinds.get(spec.kind)
    together = max(1, min(jobs, len(kind.tasks(spec))))
    memory.require(kind.memory(spec) * together, f"{spec.name} ({together} task(s) at once)")
    kind.check(spec)


def run(spec: ExperimentSpec, out: str | Path, *, jobs: int = 1, quick: bool = False,
        command: str = "", overrides=(), log=print, where: str | None = None, session=None) -> dict:
    """Create a run directory for ``spec`` at ``out`` and run it; return results.json's dict.
    ``session``: the spec this session runs, where it differs from the one recorded (a sweep on a
    shared study runs its own count of trials)."""
    dry_pass(spec, jobs)                          # before the directory exists
    with RunDir(out).owned(command) as run_dir:
        create(spec, out, quick=quick, command=command, overrides=overrides)
        log(f"{spec.name}: {spec.title} → {run_dir.path}")
        execute_and_finish([(session or spec, run_dir)], jobs, log, where)
        return run_dir.results()


def load_spec(run_dir: RunDir) -> ExperimentSpec:
    """The run's spec, refused if spec.json was edited after tasks ran with it."""
    spec = from_json(run_dir.spec().get("spec"), str(run_dir.spec_file))
    run_dir.check_spec_unchanged()
    return spec


def draw_figures(run_dir: RunDir, lang: str, folder: str | Path) -> list[Path]:
    """A finished run's figures drawn again from its results.json with their text in ``lang``
    (plotting.language), into ``folder``; the run itself is not touched. The report calls this for
    its Japanese page. LookupError where this machine has no font for ``lang``."""
    spec = load_spec(run_dir)
    results = run_dir.results()
    with plotting.language(lang), plotting.vector(not results.get("quick")):
        return kinds.get(spec.kind).figures(results, run_dir.drawing_into(folder))


def check_finished(run_dir: RunDir) -> RunDir:
    """A finished run about to be reused: its results.json must be what its own files give
    (the report trusts it), else a DataError that says how to rebuild it."""
    spec = load_spec(run_dir)
    results = run_dir.results()
    expected = kinds.get(spec.kind).summarize(spec, run_dir)
    differs = [k for k in expected if json.dumps(results.get(k)) != json.dumps(expected[k])]
    if results["experiment"] != spec.name:
        differs.insert(0, "experiment")
    if differs:
        raise DataError(f"{run_dir.results_file}: does not match the run's own files "
                        f"({', '.join(differs)}); delete it and run `nablab run --resume "
                        f"{run_dir.path}` to rebuild it")
    return run_dir


def resume(out: str | Path, *, jobs: int = 1, log=print, where: str | None = None, session=None,
           command: str = "") -> dict:
    """Continue a stopped run: only the tasks that are not done run. ``session(spec)``: the spec this
    session runs instead of the recorded one (a sweep's more trials)."""
    run_dir = RunDir(out)
    spec = load_spec(run_dir)
    spec = session(spec) if session else spec
    with run_dir.owned(command or f"nablab run --resume {run_dir.path}"):
        log(f"{spec.name}: resuming {run_dir.path}")
        execute_and_finish([(spec, run_dir)], jobs, log, where)
        return run_dir.results()


def execute_and_finish(items, jobs: int, log, where: str | None = None) -> None:
    """Run what is left of every (spec, RunDir); each one that completes gets its results,
    figures and summary at once. If any was interrupted (Ctrl-C) or had a task fail,
    RunInterrupted / RunFailed says how to continue each — after the others have finished or
    been stopped."""
    def on_done(spec, run_dir, statuses, seconds):
        ended = next((s for s in ("failed", "interrupted") if s in statuses.values()), "finished")
        run_dir.add_session(seconds, ended)
        if ended == "finished":
            finish(spec, run_dir, log)
    try:
        executor.execute(items, jobs, on_done, log, progress=log is not quiet, where=where)
    except KeyboardInterrupt:
        pass                                   # reported below, with what is left to resume
    unfinished = [run for _, run in items if not run.has_results()]
    failed = [(run, f) for run in unfinished for f in run.failures()]
    resume = "; ".join(f"nablab run --resume {run.path}" for run in unfinished)
    if failed:
        causes = "; ".join(f"{f.parent.name} ({f.stem}): {last_line(f)}" for _, f in failed[:3])
        causes += f"; and {len(failed) - 3} more" if len(failed) > 3 else ""
        folders = ", ".join(sorted({str(run.failures_dir) for run, _ in failed}))
        raise RunFailed(f"{len(failed)} task(s) failed — {causes} (tracebacks in {folders}); the other "
                        f"tasks are kept. Once the cause is fixed, continue with: {resume}")
    if unfinished:
        raise RunInterrupted(f"interrupted; the finished tasks are kept. Continue with: {resume}")


def last_line(failure: Path) -> str:
    """The error a traceback ends with, without the module path of its class."""
    lines = failure.read_text(encoding="utf-8", errors="replace").strip().splitlines() or ["no message"]
    kind, sep, rest = lines[-1].partition(": ")
    return f"{kind.rsplit('.', 1)[-1]}{sep}{rest}"


def ensure_runs(names, folder: str | Path, *, quick: bool = False, reuse=(), jobs: int = 1,
                command: str = "", log=print, where: str | None = None) -> dict[str, RunDir]:
    """{name: finished RunDir} for each experiment: a run from ``reuse`` (run directories or
    folders of them), else ``folder/<name>`` — reused when finished, resumed when stopped, run
    when missing. All their tasks share one pool. Returns only when every run has results."""
    reused = find_runs(reuse)
    runs, items = {}, []
    with contextlib.ExitStack() as held:
        for name in names:
            if name in reused:
                log(f"reusing {reused[name].path}")
                runs[name] = check_finished(reused[name])
                continue
            target, spec = RunDir(Path(folder) / name), resolve(name, quick=quick)
            checked = not target.exists()
            if checked:
                dry_pass(spec, jobs)                       # before the directory exists
            runs[name] = held.enter_context(target.owned(command))
            if target.has_results():
                log(f"reusing {target.path}")
                check_finished(target)
            elif target.exists():
                items.append((load_spec(target), target))
            else:
                if not checked:
                    dry_pass(spec, jobs)
                items.append((spec, create(spec, target.path, quick=quick, command=command)))
        try:
            execute_and_finish(items, jobs, log, where)
        except (RunInterrupted, RunFailed) as e:
            raise type(e)(f"{e} — or run the same command again") from None
    return runs
