"""A sweep from start to data.json: the study opened, the missing trials run, the table written.

data.json (results.json's numbers; the figures and summary.md read only this):
    study, storage, metric, direction, space, sampler, val_fraction, n_train, n_val
    trials   [{number, state, value, params, curve [[iteration, val_acc], ...], seconds, note}]
    counts   {complete, pruned, fail, running}
    best     {number, params, value, test_acc} — test_acc measured once, after the search
    importance  {param: share of the metric's variance over the finished trials (fANOVA)} or None
"""

from __future__ import annotations

import math
import os

from ...credentials import redact
from ...errors import DataError
from ..datasets import data_for
from .space import parse_space
from ..backends import Dask, call
from .study import enqueue_grid, every_trial_failed, open_study, run_trials, sampler_for
from .trial import METRICS, run_trial, split, variant_of


def config_of(p) -> dict:
    """The JSON every trial gets (see trial.py)."""
    return {"base": p.base, "variant": p.variant, "sets": list(p.sets), "quick": p.quick,
            "val_fraction": p.val_fraction, "seed": p.seed, "metric": p.metric}


def storage_url(p, run) -> str:
    """The study's database: --storage, or study.db in the run directory."""
    return p.storage or f"sqlite:///{run.study_file.resolve()}"


def grid_size(dists) -> int:
    return math.prod(d.grid_size() for d in dists)


def run_sweep(spec, run, backend, log, *, more: int | None = None) -> dict:
    """Run what is missing of ``spec``'s trials (or ``more`` trials), then write data.json.
    (``nablab sweep`` with --storage passes more = --trials: each process sharing a study runs
    its own count, so the counts add up.)

    On a Dask backend the workers may not reach an SQLite file here: they then train without
    pruning and this process reports their curves (see study.py)."""
    p, url = spec.params, storage_url(spec.params, run)
    config, dists = config_of(p), parse_space(p.space)
    warmup = warmup_of(config)
    study = open_study(url, spec.name, p.metric, p.sampler, dists, p.seed, warmup)
    # a trial cut short by Ctrl-C is no result: a resume runs another in its place
    finished = sum(t.state.is_finished() and not str(t.user_attrs.get("note", "")).startswith("interrupted")
                   for t in study.trials)
    if study.trials:     # more trials: a sampler seeded anew, else it would draw the first ones again
        shared = os.getpid() if p.storage else 0        # several processes sharing one study
        study.sampler = sampler_for(p.sampler, dists, p.seed + len(study.trials) + shared)
    n = max(0, p.trials - finished) if more is None else more
    if p.sampler == "grid":
        n = enqueue_grid(study, dists, p.seed + len(study.trials), limit=n)
    remote = isinstance(backend, Dask) and not backend.local
    workers_reach = p.pruning and not (remote and url.startswith("sqlite"))
    if p.pruning and not workers_reach:
        log("  pruning needs a storage the workers reach (an RDB URL): trials run to the end")
    log(f"{spec.name}: {n} trial(s) of {', '.join(map(str, dists))} into {redact(url)}")
    run_trials(study, config, dists, n, backend, url if workers_reach else None, log, warmup)
    if failed := every_trial_failed(study):
        raise DataError(f"{failed}; nothing to report — fix the cause, then `nablab sweep --resume {run.path}`")
    best, test = None, {}
    if any(t.state.name == "COMPLETE" for t in study.trials):
        best = study.best_trial
        test = call(backend, run_trial, config, best.params, None, True)
        if test["state"] == "interrupted":
            raise KeyboardInterrupt
    data = sweep_data(study, spec, dists, url)          # the study as it stands now (shared: others' too)
    if best is not None:
        data["best"] = {"number": best.number, "params": best.params, "value": best.value,
                        "test_acc": test.get("test_acc")}
        log(f"  best trial {best.number}: {p.metric} {best.value:.4f}, test accuracy "
            f"{test.get('test_acc', float('nan')):.4f} (measured once, now) {best.params}")
    data["importance"] = importance(study)
    run.write_data(data)
    return data


def warmup_of(config: dict) -> int:
    """The pruner's warm-up: no trial is pruned in the first quarter of its iterations."""
    return variant_of(config, {}).train.iters // 4


def importance(study) -> dict | None:
    """Each parameter's share of the variance of the metric over the finished trials (Optuna's
    fANOVA, seeded; a second or two for 100 trials); None with fewer than 3 finished trials."""
    import optuna
    if sum(t.state.name == "COMPLETE" for t in study.trials) < 3:
        return None
    evaluator = optuna.importance.FanovaImportanceEvaluator(seed=0)
    return {k: round(float(v), 4) for k, v in optuna.importance.get_param_importances(study, evaluator=evaluator).items()}


def sweep_data(study, spec, dists, url: str) -> dict:
    p = spec.params
    run = variant_of(config_of(p), {})
    x_train, _, x_val, _ = split(data_for(run.data), p.val_fraction, p.seed)
    trials = [{"number": t.number, "state": t.state.name.lower(), "value": t.value, "params": t.params,
               "curve": [[int(k), v] for k, v in sorted(t.intermediate_values.items())],
               "seconds": t.user_attrs.get("seconds"), "note": t.user_attrs.get("note", "")}
              for t in study.trials]
    counts = {s: sum(t["state"] == s for t in trials) for s in ("complete", "pruned", "fail", "running")}
    return {"study": spec.name, "storage": redact(p.storage) if p.storage else "study.db (SQLite, in the run directory)",
            "metric": p.metric, "direction": METRICS[p.metric], "space": [str(d) for d in dists],
            "sampler": p.sampler, "val_fraction": p.val_fraction, "base": p.base, "variant": run.key,
            "variant_label": run.label, "iters": run.train.iters,
            "n_train": len(x_train), "n_val": len(x_val), "trials": trials, "counts": counts, "best": None}
