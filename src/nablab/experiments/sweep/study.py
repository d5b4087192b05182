"""The client side of a sweep: an Optuna study in a database, trials asked here, run on a
backend (this process, a process pool, or a Dask cluster: backends.py), told back here.

Storage: by default an SQLite file in the sweep's run directory; any Optuna RDB URL
(``postgresql://user@host/db``) instead, which several ``nablab sweep`` processes — on several
machines — share: each asks for trials of the same study, so their trial counts add up.

Pruning: the median rule (Optuna's MedianPruner). A worker that reaches the study's database
reports each validation accuracy to its trial and stops when the pruner says so. A worker of a
remote Dask scheduler may not reach an SQLite file on this machine; its trials then run to the end
and their curves are reported here afterwards.
"""

from __future__ import annotations

import contextlib
import math
import time

from ...credentials import PASSWORD_ENV, redact
from ...errors import ConfigError
from ..backends import drain
from .trial import METRICS, median_pruner, run_trial, storage_for

INSTALL = 'pip install -e ".[distributed]"'


def import_optuna():
    try:
        import optuna
    except ImportError:
        raise ConfigError(f"nablab sweep needs Optuna: {INSTALL}") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


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
    """The study ``name`` in ``url``: created, or loaded when it is there (more trials). A study holds
    one search: a second sweep with another --param on the same storage is refused, not mixed in."""
    optuna = import_optuna()
    if url.startswith("sqlite") and (url.rstrip("/") in ("sqlite:", "sqlite:/") or ":memory:" in url):
        raise ConfigError(f"--storage {url}: an in-memory SQLite database lives in one process — the "
                          "trials' workers and a resume would never see it; give a file: sqlite:///study.db")
    for attempt in range(5):
        try:
            storage = storage_for(url)
            break
        except Exception as e:          # a URL SQLAlchemy cannot parse, a driver not installed, no server
            problem = e
            # several workers starting at once race to create the tables: the losers try again
            if "ArgumentError" in type(e).__name__ or "NoSuchModule" in type(e).__name__ or attempt == 4:
                raise ConfigError(f"--storage {redact(url)}: Optuna cannot open it ({type(problem).__name__}"
                                  f": {redact(str(problem))[:300]}); expected an RDB URL such as "
                                  "sqlite:///study.db or postgresql://user@host/db (a password is never "
                                  f"stored: give it in {PASSWORD_ENV}, or the database's own PGPASSWORD "
                                  "or ~/.pgpass)") from None
            time.sleep(0.5 * (attempt + 1))
    study = optuna.create_study(storage=storage, study_name=name, direction=METRICS[metric],
                                sampler=sampler_for(sampler, dists, seed), pruner=median_pruner(warmup),
                                load_if_exists=True)
    if study.direction.name.lower() != METRICS[metric]:
        raise ConfigError(f"the study {name!r} in {redact(url)} is to {study.direction.name.lower()}; "
                          f"--metric {metric} is to {METRICS[metric]}")
    space, held = sorted(map(str, dists)), study.user_attrs.get("space")
    if held is None:
        study.set_user_attr("space", space)
    elif held != space:
        raise ConfigError(f"the study {name!r} in {redact(url)} searches {', '.join(held)}; this sweep "
                          f"searches {', '.join(space)} — a study holds one search: give the same --param, "
                          "or another --storage")
    return study


def enqueue_grid(study, dists, seed: int, limit: int) -> int:
    """Put up to ``limit`` grid points not tried yet in the study's queue, drawn at random without
    replacement; return how many are queued. The grid is never listed whole (three int:1:1000
    ranges are 10⁹ points): point k is decoded from its index, digit by digit. (Optuna's
    GridSampler stops the study from inside ``tell``, which only works under ``study.optimize``;
    a queue works with ask and tell.)"""
    import random
    keys = [d.key for d in dists]
    sizes = [d.grid_size() for d in dists]
    total = math.prod(sizes)
    tried = {tuple(t.params.get(k) for k in keys) for t in study.trials}
    want = max(0, min(limit, total - len(tried)))

    def point(index: int) -> tuple:
        values = []
        for d, size in zip(reversed(dists), reversed(sizes)):
            index, i = divmod(index, size)
            values.append(d.grid_value(i))
        return tuple(reversed(values))

    picked = []
    for index in random.Random(seed).sample(range(total), min(total, want + len(tried))):
        candidate = point(index)
        if candidate not in tried:
            picked.append(candidate)
            if len(picked) == want:
                break
    for values in picked:
        study.enqueue_trial(dict(zip(keys, values)))
    return len(picked)


def tell(study, trial, result: dict, reported: bool) -> None:
    """Record a worker's result; a curve the worker could not report is reported now."""
    optuna = import_optuna()
    for step, value in [] if reported else result.get("curve", []):
        trial.report(value, step)
    trial.set_user_attr("seconds", result.get("seconds", 0.0))
    trial.set_user_attr("note", result.get("note", ""))
    state = {"complete": optuna.trial.TrialState.COMPLETE, "pruned": optuna.trial.TrialState.PRUNED,
             "fail": optuna.trial.TrialState.FAIL, "interrupted": optuna.trial.TrialState.FAIL}[result["state"]]
    study.tell(trial, result.get("value") if result["state"] == "complete" else None, state=state)


def run_trials(study, config: dict, dists, n: int, backend, url: str | None, log, warmup: int = 0) -> None:
    """Ask ``n`` trials, one as each of the backend's slots frees up; each is told back as it
    ends. A trial whose call failed (an error, a worker killed on every try) is told FAIL with
    the error's last line, not raised. Ctrl-C — raised here, or stopping a training in this process
    (its trial comes back "interrupted") — tells every trial out FAIL ("interrupted"), never
    COMPLETE with a cut-short value nor left RUNNING, and raises KeyboardInterrupt."""
    space, asked, stopped = {d.key: d.optuna() for d in dists}, {}, []

    def work():
        for _ in range(n):
            if stopped:                      # a training in this process took the Ctrl-C
                raise KeyboardInterrupt
            trial = study.ask(space)
            asked[trial.number] = trial
            # the worker finds this trial in the storage by the study's name and the trial's number
            report = ({"storage": url, "study": study.study_name, "trial_number": trial.number,
                       "warmup": warmup} if url else None)
            yield trial.number, run_trial, (config, trial.params, report)

    def on_outcome(number, outcome):
        trial = asked.pop(number)
        result = outcome.value if outcome.ok else {
            "state": "fail", "note": f"the worker failed: {outcome.error.strip().splitlines()[-1]}"}
        tell(study, trial, result, reported=url is not None)
        if result["state"] == "interrupted":
            stopped.append(number)
        value = f"{result['value']:.4f}" if result["state"] == "complete" else result["note"]
        log(f"  trial {trial.number}: {result['state']} ({value}) {trial.params}")

    try:
        drain(backend, work(), on_outcome)
        if stopped:
            raise KeyboardInterrupt
    except BaseException:
        for trial in asked.values():          # Ctrl-C or a broken pool: no trial is left "running"
            with contextlib.suppress(Exception):
                trial.set_user_attr("note", "interrupted")
                study.tell(trial, state=import_optuna().trial.TrialState.FAIL)
        raise


def every_trial_failed(study) -> str | None:
    """Why no trial of ``study`` came to an end with a value, when none did but some failed (a sweep
    that ends so is an error, not a result); None otherwise."""
    states = [t.state.name for t in study.trials]
    if "COMPLETE" in states or "FAIL" not in states:
        return None
    notes = sorted({t.user_attrs.get("note", "") or "no message" for t in study.trials if t.state.name == "FAIL"})
    return (f"all {states.count('FAIL')} trial(s) of the study failed: {'; '.join(notes[:3])}"
            f"{f'; and {len(notes) - 3} more reasons' if len(notes) > 3 else ''}")
