"""The client side of a sweep: an Optuna study in a database, trials asked here, run by an
executor (this process, a process pool, or a Dask cluster), told back here.

Storage: by default an SQLite file in the sweep's run directory; any Optuna RDB URL
(``postgresql://user@host/db``) instead, which several ``nablab sweep`` processes — on several
machines — share: each asks for trials of the same study, so their trial counts add up.

Pruning: the median rule (Optuna's MedianPruner). A worker that reaches the study's database
reports each validation accuracy to its trial and stops when the pruner says so. A worker of a
remote Dask scheduler may not reach an SQLite file on this machine; its trials then run to the end
and their curves are reported here afterwards.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import multiprocessing
import re
import time

from ...errors import ConfigError
from .trial import METRICS, median_pruner, run_trial, storage_for

INSTALL = 'pip install -e ".[distributed]"'


def import_optuna():
    try:
        import optuna
    except ImportError:
        raise ConfigError(f"nablab sweep needs Optuna: {INSTALL}") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def hide_password(url: str) -> str:
    """'postgresql://me:secret@host/db' → 'postgresql://me:***@host/db' (what files may show)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def sampler_for(name: str, dists, seed: int):
    optuna = import_optuna()
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "grid":      # the grid's points are enqueued (enqueue_grid); this draws nothing
        return optuna.samplers.RandomSampler(seed=seed)
    raise ConfigError(f"--sampler expects tpe, random or grid; got {name!r}")


def open_study(url: str, name: str, metric: str, sampler: str, dists, seed: int, warmup: int):
    """The study ``name`` in ``url``: created, or loaded when it is there (more trials)."""
    optuna = import_optuna()
    for attempt in range(5):
        try:
            storage = storage_for(url)
            break
        except Exception as e:          # a URL SQLAlchemy cannot parse, a driver not installed, no server
            problem = e
            # several workers starting at once race to create the tables: the losers try again
            if "ArgumentError" in type(e).__name__ or "NoSuchModule" in type(e).__name__ or attempt == 4:
                raise ConfigError(f"--storage {hide_password(url)}: Optuna cannot open it ({type(problem).__name__}"
                                  f": {hide_password(str(problem))[:300]}); expected an RDB URL such as "
                                  "sqlite:///study.db or postgresql://user@host/db") from None
            time.sleep(0.5 * (attempt + 1))
    study = optuna.create_study(storage=storage, study_name=name, direction=METRICS[metric],
                                sampler=sampler_for(sampler, dists, seed), pruner=median_pruner(warmup),
                                load_if_exists=True)
    if study.direction.name.lower() != METRICS[metric]:
        raise ConfigError(f"the study {name!r} in {hide_password(url)} is to {study.direction.name.lower()}; "
                          f"--metric {metric} is to {METRICS[metric]}")
    return study


def enqueue_grid(study, dists, seed: int) -> int:
    """Put every grid point not tried yet in the study's queue, in a shuffled order; return
    how many are queued. (Optuna's GridSampler stops the study from inside ``tell``, which only
    works under ``study.optimize``; a queue works with ask and tell.)"""
    import itertools
    import random
    keys = [d.key for d in dists]
    tried = {tuple(t.params.get(k) for k in keys) for t in study.trials}
    points = [p for p in itertools.product(*(d.grid() for d in dists)) if p not in tried]
    random.Random(seed).shuffle(points)
    for point in points:
        study.enqueue_trial(dict(zip(keys, point)))
    return len(points)


class Inline:
    """Runs each submitted call at once, here (``--jobs 1``); its future is already done."""

    def submit(self, fn, *args):
        future = concurrent.futures.Future()
        try:
            future.set_result(fn(*args))
        except Exception as e:
            future.set_exception(e)
        return future

    def wait_any(self, futures):
        return set(futures)

    def slots(self, jobs: int) -> int:
        return 1


class Processes:
    """A pool of spawned single-threaded processes (``--jobs N``)."""

    def __init__(self, pool):
        self.pool = pool

    def submit(self, fn, *args):
        return self.pool.submit(fn, *args)

    def wait_any(self, futures):
        return concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_COMPLETED)[0]

    def slots(self, jobs: int) -> int:
        return jobs


class Cluster:
    """A Dask client (``--executor dask[=ADDRESS]``)."""

    def __init__(self, client):
        self.client = client

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)

    def wait_any(self, futures):
        import distributed
        return distributed.wait(list(futures), return_when="FIRST_COMPLETED").done

    def slots(self, jobs: int) -> int:
        """Trials in flight: one per worker thread of the cluster (at least --jobs)."""
        return max(jobs, sum(self.client.nthreads().values()))


@contextlib.contextmanager
def trial_pool(where: str | None, jobs: int):
    """Where trials run: a Dask cluster (``where`` not None), a process pool, or here."""
    from ..executor import ignore_ctrl_c, single_threaded_blas
    if where is not None:
        from ..cluster import client_for
        with client_for(where, jobs) as client:
            yield Cluster(client)
    elif jobs > 1:
        with single_threaded_blas(), concurrent.futures.ProcessPoolExecutor(
                max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                initializer=ignore_ctrl_c) as pool:
            yield Processes(pool)
    else:
        yield Inline()


def tell(study, trial, result: dict, reported: bool) -> None:
    """Record a worker's result; a curve the worker could not report is reported now."""
    optuna = import_optuna()
    for step, value in [] if reported else result.get("curve", []):
        trial.report(value, step)
    trial.set_user_attr("seconds", result.get("seconds", 0.0))
    trial.set_user_attr("note", result.get("note", ""))
    state = {"complete": optuna.trial.TrialState.COMPLETE, "pruned": optuna.trial.TrialState.PRUNED,
             "fail": optuna.trial.TrialState.FAIL}[result["state"]]
    study.tell(trial, result.get("value") if result["state"] == "complete" else None, state=state)


def run_trials(study, config: dict, dists, n: int, pool, jobs: int, url: str | None, log, warmup: int = 0) -> None:
    """Ask ``n`` trials, at most ``jobs`` at a time; each is told back as it ends. A trial whose
    worker failed (killed on every try, an error) is told FAIL with the reason, not raised."""
    space = {d.key: d.optuna() for d in dists}
    running, asked = {}, 0
    try:
        while asked < n or running:
            while asked < n and len(running) < jobs:
                trial, asked = study.ask(space), asked + 1
                # the worker reports to this trial by its id (ask-and-tell has no other handle for it)
                report = ({"storage": url, "study": study.study_name, "trial_id": trial._trial_id,
                           "warmup": warmup} if url else None)
                running[pool.submit(run_trial, config, trial.params, report)] = trial
            for future in pool.wait_any(list(running)):
                trial = running.pop(future)
                try:
                    result = future.result()
                except Exception as e:
                    result = {"state": "fail", "note": f"the worker failed: {e!r}"}
                tell(study, trial, result, reported=url is not None)
                value = f"{result['value']:.4f}" if result["state"] == "complete" else result["note"]
                log(f"  trial {trial.number}: {result['state']} ({value}) {trial.params}")
    except BaseException:
        for trial in running.values():        # Ctrl-C or a broken pool: no trial is left "running"
            with contextlib.suppress(Exception):
                study.tell(trial, state=import_optuna().trial.TrialState.FAIL)
        raise
