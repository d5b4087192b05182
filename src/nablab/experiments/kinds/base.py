"""The protocol every experiment kind implements, and the base class of one-task kinds.

A kind is one module in kinds/ that binds ``KIND`` to an instance of a Kind subclass:

    name        the ``kind`` field of the TOML's [experiment] table
    Params      frozen dataclass of its [params] table (checked field by field)
    quick       overrides laid over [params] by ``--quick`` (seconds instead of minutes)
    check       a dry pass before anything is written (build models, optimizers...)
    tasks       the independent pieces of work: [(key, seed), ...] (run in parallel by --jobs)
    cost        a rough relative cost of a task (the pool starts the costliest first)
    run_task    do one task, writing what it produced into the RunDir; return its status
                ("finished", "interrupted", "diverged")
    done        whether a task's output is already there (so --resume skips it)
    summarize   results.json's numbers, read from the task outputs
    figures     PNG/SVG figures drawn from results (and the RunDir's files) only
    summary     the kind's blocks of summary.md (tables, sentences), from results only

Adding a kind = one module here + one TOML file in catalog/ (docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from pathlib import Path

from ...rundir import RunDir
from ...validate import SET, build, deep_merge, nested


class Kind:
    name: str = ""
    Params: type | None = None
    quick: dict = {}
    tables: tuple[str, ...] = ("params",)       # the TOML tables besides [experiment]
    in_process: bool = False    # its task runs in this process and is given the backend (a sweep's trials)

    def resolve(self, doc: dict, where: str, sets: list, quick: bool):
        """The parameters from the TOML document, ``--quick`` and ``--set`` overrides."""
        params = doc.get("params", {})
        if quick:
            params = deep_merge(params, self.quick)
        for path, value in sets:
            path = path[1:] if path[0] == "params" else path
            params = deep_merge(params, nested(path, value))
            build(self.Params, params, SET)              # a mistake is named as the --set
        return build(self.Params, params, f"{where}: params")

    def check(self, spec) -> None:
        """A dry pass before anything is written: build what the tasks will build and raise
        ConfigError for anything that would fail later. [params] is checked already."""

    def memory(self, spec) -> float:
        """Bytes one task holds at its peak, roughly — arithmetic on the settings only, nothing is
        allocated. The dry pass refuses a run whose tasks at once would not fit in this machine's
        available memory (nablab.memory), with this estimate in the message; 0: always small."""
        return 0.0

    def dataset(self, params):
        """The DataSpec this kind trains on, or None (results.json describes it)."""
        return getattr(params, "data", None)

    def tasks(self, spec) -> list[tuple[str, int]]:
        raise NotImplementedError

    def cost(self, spec, task: tuple[str, int]) -> float:
        """A rough relative cost of a task: a shared pool starts the costliest first."""
        return 1.0

    def run_task(self, spec, task: tuple[str, int], run: RunDir, progress: bool = False) -> str:
        raise NotImplementedError

    def done(self, spec, task: tuple[str, int], run: RunDir) -> bool:
        raise NotImplementedError

    def summarize(self, spec, run: RunDir) -> dict:
        raise NotImplementedError

    def figures(self, results: dict, run: RunDir) -> list[Path]:
        return []

    def summary(self, results: dict) -> list:
        return []


class SingleRun(Kind):
    """A kind that runs once and writes one data.json: subclasses write ``compute``."""

    def compute(self, params, progress: bool) -> dict:
        raise NotImplementedError

    def tasks(self, spec):
        return [("main", 0)]

    def run_task(self, spec, task, run, progress=False):
        run.write_data(self.compute(spec.params, progress))
        return "finished"

    def done(self, spec, task, run):
        return run.has_data()

    def summarize(self, spec, run):
        return run.data()
