"""Experiment tasks on a backend (backends.py): here, in a pool of processes, or on a Dask cluster.

A work item is (spec, RunDir). ``execute`` runs every pending task of every item through the
one drain loop, costliest first, and calls ``on_done(spec, run, statuses, seconds)`` once per
item, as soon as its last task has ended — so an experiment's results and figures are written
while others still train. ``seconds`` is the sum of that item's task times in this session.

A task that raises ends as "failed" on every backend, its traceback written to
``failures/<key>/seed<k>.txt`` in the run directory; the other tasks go on, and the run stays
resumable (``nablab run --resume`` runs the failed task again).
"""

from __future__ import annotations

import time

from ..rundir import RunDir
from . import kinds
from .backends import Dask, Here, drain, guarded, open_backend
from .registry import to_json
from .tasks import pending, remote_task, task_inputs, timed_task, unpack


class Tally:
    """Which tasks of each item are still out, their statuses and seconds; ``on_done`` is called
    when an item's last task has ended (at once for an item with nothing left to run)."""

    def __init__(self, items, on_done, log):
        self.items, self.on_done, self.log = items, on_done, log
        self.outstanding = {i: set(pending(spec, run)) for i, (spec, run) in enumerate(items)}
        self.statuses = {i: {} for i in self.outstanding}
        self.seconds = dict.fromkeys(self.outstanding, 0.0)
        for i in [i for i, todo in self.outstanding.items() if not todo]:      # nothing left to run
            on_done(*items[i], {}, 0.0)

    def order(self) -> list[tuple[int, tuple[str, int]]]:
        """Every outstanding (item, task), costliest first."""
        costs = sorted(((kinds.get(self.items[i][0].kind).cost(self.items[i][0], t), i, t)
                        for i, todo in self.outstanding.items() for t in todo), key=lambda c: -c[0])
        return [(i, t) for _, i, t in costs]

    def record(self, i: int, task, status: str, took: float) -> None:
        self.statuses[i][task], self.seconds[i] = status, self.seconds[i] + took
        self.outstanding[i].discard(task)
        self.log(f"  {self.items[i][0].name}: {task[0]} (seed {task[1]}): {status}")
        if not self.outstanding[i]:
            self.on_done(*self.items[i], self.statuses[i], self.seconds[i])

    def interrupted(self) -> bool:
        return any("interrupted" in s.values() for s in self.statuses.values())

    def interrupt_rest(self) -> None:
        """Every item with tasks still out ends as interrupted (Ctrl-C)."""
        for i, todo in self.outstanding.items():
            if todo:
                self.on_done(*self.items[i], {**self.statuses[i], **dict.fromkeys(todo, "interrupted")},
                             self.seconds[i])


def in_process(tally: Tally, i: int) -> bool:
    return kinds.get(tally.items[i][0].kind).in_process


def work(tally: Tally, backend, progress: bool):
    """(key, fn, args) for each outstanding task, costliest first; none after a task was
    interrupted (Ctrl-C reached a training in this process: everything stops)."""
    for i, task in tally.order():
        if tally.interrupted():
            return
        if in_process(tally, i):                 # run_in_process, after the drain
            continue
        spec, run = tally.items[i]
        if isinstance(backend, Dask):            # the worker does not see the run directory
            yield (i, task), remote_task, (to_json(spec), task, task_inputs(run, task))
        else:
            yield (i, task), timed_task, (to_json(spec), task, str(run.path), progress and isinstance(backend, Here))


def record(tally: Tally, i: int, task, outcome) -> None:
    """One task's outcome into its run directory and the tally: files a Dask worker sent back are
    written; an error becomes status "failed" with its text in the run's failures/."""
    spec, run = tally.items[i]
    status, took, error = "failed", 0.0, outcome.error
    if outcome.ok:
        try:
            _, status, took, *outputs = outcome.value
            if outputs:
                unpack(outputs[0], run.path)
        except Exception as e:                # a worker that sent back a file outside the run
            status, error = "failed", f"{type(e).__name__}: {e}"
    if status == "failed":
        path = run.record_failure(*task, error or "the task reported failure")
        last = error.strip().splitlines()[-1] if error.strip() else "no message"
        tally.log(f"  {spec.name}: {task[0]} (seed {task[1]}) failed: {last} (traceback in {path})")
    else:
        run.clear_failure(*task)
    tally.record(i, task, status, took)


def run_in_process(tally: Tally, i: int, task, backend, progress: bool) -> None:
    """A task that drives the backend itself (a sweep: trials on the pool or the cluster), run
    here; its error is recorded as any task's."""
    spec, run = tally.items[i]

    def timed():
        start = time.perf_counter()
        status = kinds.get(spec.kind).run_task(spec, task, run, progress=progress, backend=backend)
        return task, status, time.perf_counter() - start
    record(tally, i, task, guarded(timed))


def execute(items: list[tuple[object, RunDir]], jobs: int, on_done, log, progress: bool = False,
            where: str | None = None) -> None:
    """Run the items' pending tasks: here (``jobs`` 1, or only one task), in a pool of ``jobs``
    processes, or on a Dask cluster (``where``: '' for a LocalCluster of ``jobs`` workers, else the
    scheduler's address). Ctrl-C: running tasks stop at their next step (checkpointed), every
    unfinished item is reported interrupted, and the KeyboardInterrupt is raised again."""
    tally = Tally(items, on_done, log)
    here = [(i, t) for i, t in tally.order() if in_process(tally, i)]
    if where is None and sum(len(todo) for todo in tally.outstanding.values()) <= 1 and not here:
        jobs = 1
    with open_backend(where, jobs) as backend:
        try:
            drain(backend, work(tally, backend, progress), lambda key, outcome: record(tally, *key, outcome))
            for i, task in here:
                if not tally.interrupted():
                    run_in_process(tally, i, task, backend, progress)
            if tally.interrupted():          # Ctrl-C reached a training in this process
                tally.interrupt_rest()
        except KeyboardInterrupt:
            log("Ctrl-C: queued tasks cancelled; running ones stop at their next step")
            tally.interrupt_rest()
            raise
