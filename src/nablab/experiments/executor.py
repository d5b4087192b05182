"""Executors: where experiment tasks run — in this process, or in a pool of processes.

A work item is (spec, RunDir). An executor runs every pending task of every item and calls
``on_done(spec, run, statuses, seconds)`` once per item, as soon as its last task has ended —
so an experiment's results and figures are written while others still train. ``seconds`` is
the sum of that item's task times in this session.

``where`` (``--executor``) sends the tasks to a Dask cluster instead (cluster.py).

The pool is shared by all items: ``nablab report --jobs 2`` keeps both cores busy across
experiments (a one-task CNN experiment no longer leaves a core idle), longest tasks first.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from ..rundir import RunDir
from ..train.loop import hold_ctrl_c
from . import kinds
from .registry import from_json, to_json

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


def pending(spec, run: RunDir) -> list[tuple[str, int]]:
    kind = kinds.get(spec.kind)
    return [t for t in kind.tasks(spec) if not kind.done(spec, t, run)]


def timed_task(spec_json: dict, task, out: str, progress: bool):
    """One task in a worker process: (task, status, seconds)."""
    start = time.perf_counter()
    spec = from_json(spec_json)
    status = kinds.get(spec.kind).run_task(spec, task, RunDir(out), progress=progress)
    return task, status, time.perf_counter() - start


def run_here(items, on_done, log, progress: bool) -> None:
    """Every task in this process, in order; an interrupted task stops everything."""
    for spec, run in items:
        statuses, seconds = {}, 0.0
        for task in pending(spec, run):
            _, status, took = timed_task(to_json(spec), task, str(run.path), progress)
            statuses[task], seconds = status, seconds + took
            log(f"  {spec.name}: {task[0]} (seed {task[1]}): {status}")
            if status == "interrupted":
                break
        on_done(spec, run, statuses, seconds)
        if "interrupted" in statuses.values():
            return


def ignore_ctrl_c() -> None:
    """Pool workers do not stop on SIGINT: fit's handler stops a running training task at its next
    step (checkpointed); a Ctrl-C while the worker is idle or still loading a task's data is held
    (train.loop.hold_ctrl_c) and stops that task's training at its first step — an ignored one used
    to be lost, and the task trained to the end."""
    hold_ctrl_c()


class Tally:
    """The bookkeeping a shared pool or a cluster needs: which tasks of each item are still out,
    their statuses and seconds; ``on_done`` is called when an item's last task has ended (at once
    for an item with nothing left to run)."""

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

    def interrupt_rest(self) -> None:
        """Every item with tasks still out ends as interrupted (Ctrl-C)."""
        for i, todo in self.outstanding.items():
            if todo:
                self.on_done(*self.items[i], {**self.statuses[i], **dict.fromkeys(todo, "interrupted")},
                             self.seconds[i])


def run_pool(items, jobs: int, on_done, log) -> None:
    """Every task of every item in one pool of ``jobs`` spawned processes, costliest first.

    Ctrl-C (KeyboardInterrupt here): queued tasks are cancelled, running ones are told to stop
    (SIGINT) and collected, every unfinished item is reported interrupted, and the interrupt is
    raised again for the caller to say how to continue."""
    tally = Tally(items, on_done, log)

    def collect(futures):
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        for future in done:
            i = futures.pop(future)
            if not future.cancelled():
                tally.record(i, *future.result())

    ctx = multiprocessing.get_context("spawn")
    with single_threaded_blas(), ProcessPoolExecutor(max_workers=jobs, mp_context=ctx,
                                                     initializer=ignore_ctrl_c) as pool:
        futures = {pool.submit(timed_task, to_json(items[i][0]), t, str(items[i][1].path), False): i
                   for i, t in tally.order()}
        try:
            while futures:
                collect(futures)
        except KeyboardInterrupt:
            log("Ctrl-C: queued tasks cancelled; running ones stop at their next step")
            for future in futures:
                future.cancel()
            for pid in list(getattr(pool, "_processes", {}) or {}):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGINT)
            while futures:
                collect(futures)
            tally.interrupt_rest()
            raise


def execute(items, jobs: int, on_done, log, progress: bool = False, where: str | None = None) -> None:
    """Run the items' pending tasks here (``jobs`` 1, or only one task), in a shared pool, or
    on a Dask cluster (``where``: '' for a LocalCluster of ``jobs`` workers, else the scheduler's
    address; see cluster.py)."""
    if where is not None:
        from .cluster import client_for, run_dask
        with client_for(where, jobs) as client:
            run_dask(items, client, on_done, log)
    elif jobs > 1 and sum(len(pending(spec, run)) for spec, run in items) > 1:
        run_pool(items, jobs, on_done, log)
    else:
        run_here(items, on_done, log, progress)
