"""One trial of a sweep, as a worker runs it: the experiment's variant with the drawn values,
trained on the training data minus a validation split, scored on that split.

The test set is never looked at while the sweep searches (the book's §6.5: tuning on test data
would overfit the hyperparameters to it). ``test=True`` — once, for the best trial — adds the
test accuracy of the same model (same values, seed and split: the same weights).

config (JSON, the same for every trial of a sweep):
    base, variant    the catalogue experiment and the key of the variant that is tuned
    sets             its --set overrides; quick: its --quick
    val_fraction     the share of the training images held out for validation
    seed             the split's seed and the model's
    metric           "val_acc" (the last validation accuracy, higher is better) or
                     "train_loss" (the mean training loss of the last tenth, lower is better)
"""

from __future__ import annotations

import time

import numpy as np

from ...credentials import with_password
from ...errors import ConfigError
from ...layers.losses import SoftmaxCrossEntropy
from ...train.hooks import Hook, accuracy
from ...train.loop import TrainingDiverged, fit
from ..builders import build
from ..datasets import data_for
from ..registry import resolve
from .space import as_set

METRICS = {"val_acc": "maximize", "train_loss": "minimize"}


class Pruned(Exception):
    """Raised inside fit by Pruning when Optuna's pruner stops the trial."""


class Pruning(Hook):
    """After each evaluation: the validation accuracy joins ``curve`` and goes to the Optuna
    trial, if there is one (its learning curve in the study), whose pruner decides whether the
    trial goes on."""

    def __init__(self, trial):
        self.trial, self.curve = trial, []

    def on_evaluate(self, loop, it, logs):
        self.curve.append([it, logs["test_acc"]])        # fit's "test" split is the validation split
        if self.trial is not None:
            self.trial.report(logs["test_acc"], it)
            if self.trial.should_prune():
                raise Pruned(it)


def variant_of(config: dict, values: dict):
    """The RunSpec of the tuned variant with the drawn values set."""
    sets = [*config.get("sets", []), *(as_set(k, v) for k, v in values.items())]
    spec = resolve(config["base"], sets, quick=config.get("quick", False))
    runs = {run.key: run for run in getattr(spec.params, "runs", ())}
    if not runs:
        raise ConfigError(f"a sweep tunes a classify experiment; {config['base']!r} is a {spec.kind} experiment")
    key = config.get("variant") or next(iter(runs))
    if key not in runs:
        raise ConfigError(f"{config['base']} has no variant {key!r}; expected one of {sorted(runs)}")
    return runs[key]


def split(ds, fraction: float, seed: int):
    """(x_train, y_train, x_val, y_val): a random ``fraction`` of the training images held out."""
    n = len(ds.y_train)
    n_val = int(round(fraction * n))
    if not 1 <= n_val < n:
        raise ConfigError(f"val_fraction {fraction} of {n} training images leaves no validation or "
                          "no training image; expected a share that holds out between 1 and n - 1")
    order = np.random.default_rng([seed, 65]).permutation(n)
    val, train = order[:n_val], order[n_val:]
    return ds.x_train[train], ds.y_train[train], ds.x_train[val], ds.y_train[val]


def storage_for(url: str):
    """An Optuna storage for ``url``; SQLite waits up to 60 s for a lock (several writers)."""
    import optuna
    kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}
    return optuna.storages.RDBStorage(with_password(url), engine_kwargs=kwargs)


def median_pruner(warmup: int):
    """Optuna's median rule: after 5 finished trials, stop a trial whose validation accuracy at an
    iteration past ``warmup`` is below the median of the earlier trials' at that iteration."""
    import optuna
    return optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=warmup)


def attach(report: dict | None):
    """The Optuna trial to report to, from the study's storage (None: no pruning here). The
    pruner is not stored with the study: each process that prunes builds the same one."""
    if not report:
        return None
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    storage = storage_for(report["storage"])
    study = optuna.load_study(study_name=report["study"], storage=storage, pruner=median_pruner(report["warmup"]))
    trial_id = storage.get_trial_id_from_study_id_trial_number(
        storage.get_study_id_from_name(report["study"]), report["trial_number"])
    return optuna.trial.Trial(study, trial_id)


def run_trial(config: dict, values: dict, report: dict | None = None, test: bool = False) -> dict:
    """Train one trial; return {state, value, curve [[iteration, val_acc], ...], seconds, note}
    (and test_acc when ``test``). state: "complete", "pruned", "fail" (diverged) or "interrupted"
    (Ctrl-C stopped its training: the value of a cut-short curve is no result)."""
    start = time.perf_counter()
    run = variant_of(config, values)
    ds = data_for(run.data)
    data = split(ds, config.get("val_fraction", 0.2), config.get("seed", 0))
    net, opt, reg = build(run, ds.x_train.shape[1:], len(ds.classes), config.get("seed", 0))
    hook, t = Pruning(attach(report)), run.train
    out = {"state": "complete", "note": ""}
    try:
        history = fit(net, SoftmaxCrossEntropy(), opt, data, iters=t.iters, batch_size=t.batch_size,
                      sampler=t.sampler, eval_every=t.eval_every, train_acc_on=t.train_acc_on,
                      regularizer=reg, seed=config.get("seed", 0), progress=False, hooks=[hook])
    except TrainingDiverged as e:
        out = {"state": "fail", "note": f"diverged at iteration {e.iteration}"}
    except Pruned as e:
        out = {"state": "pruned", "note": f"pruned at iteration {e.args[0]}"}
    if out["state"] == "complete" and history.status == "interrupted":       # Ctrl-C: not a result
        out = {"state": "interrupted", "note": f"interrupted at iteration {len(history.losses)}"}
    if out["state"] == "complete":
        tail = history.losses[-max(1, len(history.losses) // 10):]
        out["value"] = hook.curve[-1][1] if config.get("metric", "val_acc") == "val_acc" else float(np.mean(tail))
        if test:
            out["test_acc"] = accuracy(net, ds.x_test, ds.y_test)
    return {**out, "curve": hook.curve, "seconds": round(time.perf_counter() - start, 3)}
