"""A hyperparameter sweep as a catalogue experiment (the book's §6.5 hyperparameter-search).

[params] names a classify experiment (``base``) and the variant it tunes, the search space as
``KEY=DIST`` items (sweep/space.py), how many trials, the sampler and the metric. One task runs
the whole study in this process; ``nablab sweep`` runs the same study with trials on a process
pool or a Dask cluster (sweep/command.py). The figures and the summary read data.json only.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...document import Paragraph, Table
from ...credentials import move_password
from ...errors import ConfigError
from ...plotting import save
from ..sweep.figures import best_curves, keys_of, metric_vs_params, summary_rows
from ..sweep.trial import METRICS
from ...validate import at
from ...checks import require
from ..backends import Here
from .base import SingleRun


@dataclass(frozen=True)
class SweepParams:
    """What ``nablab sweep`` takes on its command line, as a [params] table."""
    base: str = ""                       # a classify experiment of the catalogue (or a .toml file)
    variant: str = ""                    # its variant's key ("" = the first)
    space: tuple[str, ...] = ()          # "optimizer.lr=loguniform:1e-6:1e-2", ...
    sets: tuple[str, ...] = ()           # --set overrides of the base experiment
    trials: int = 20
    sampler: str = "tpe"                 # "tpe" | "random" | "grid"
    metric: str = "val_acc"              # "val_acc" | "train_loss"
    val_fraction: float = 0.2            # the share of the training images held out for validation
    pruning: bool = True                 # Optuna's median rule on the validation curve
    storage: str = ""                    # an Optuna RDB URL; "" = study.db in the run directory
    seed: int = 0                        # the sampler's, the split's and the models' seed
    quick: bool = False                  # the base experiment with --quick
    quick_trials: int = 8                # --quick: this many trials ...
    quick_sets: tuple[str, ...] = ()     # ... and these --set items after ``sets``
    more_trials: int | None = None       # this session only: run this many more trials, whatever the study
                                         # holds (`nablab sweep --resume --trials N`, a shared --storage run)

    def check(self, where):
        require(bool(self.base), at(where, "base"), "a classify experiment's name", self.base)
        require(self.trials >= 1, at(where, "trials"), ">= 1", self.trials)
        require(self.quick_trials >= 1, at(where, "quick_trials"), ">= 1", self.quick_trials)
        require(self.sampler in ("tpe", "random", "grid"), at(where, "sampler"), "tpe, random or grid", self.sampler)
        require(self.metric in METRICS, at(where, "metric"), f"one of {sorted(METRICS)}", self.metric)
        require(0 < self.val_fraction < 1, at(where, "val_fraction"), "between 0 and 1", self.val_fraction)
        require(self.more_trials is None or self.more_trials >= 1, at(where, "more_trials"), ">= 1", self.more_trials)


class Sweep(SingleRun):
    name = "sweep"
    Params = SweepParams

    def resolve(self, doc, where, sets, quick):
        from dataclasses import replace
        params = super().resolve(doc, where, sets, False)
        params = replace(params, storage=move_password(params.storage))     # the password: never in a file
        if not quick:
            return params
        return replace(params, quick=True, trials=params.quick_trials, sets=(*params.sets, *params.quick_sets))

    def dataset(self, params):
        from ..sweep.results import config_of
        from ..sweep.trial import variant_of
        return variant_of(config_of(params), {}).data

    def memory(self, spec):
        """A trial's: the tuned variant's data and step (classify's run_memory), at the space's defaults."""
        from ..sweep.results import config_of
        from ..sweep.trial import variant_of
        from .classify import run_memory
        return run_memory(variant_of(config_of(spec.params), {}))

    def check(self, spec):
        """Optuna is there; the space parses; each end of each range (each choice) is a value
        the base experiment takes; a grid sampler has only finite ranges."""
        from ..sweep.results import config_of, grid_size
        from ..sweep.space import parse_space
        from ..sweep.study import import_optuna
        from ..sweep.trial import variant_of
        from ..datasets import data_for
        import_optuna()
        dists, config = parse_space(spec.params.space), config_of(spec.params)
        for d in dists:
            for value in d.ends():
                try:
                    run = variant_of(config, {d.key: value})
                except ConfigError as e:
                    raise ConfigError(f"--param {d}: {e}") from None
                n = len(data_for(run.data).y_train)
                n -= int(round(spec.params.val_fraction * n))            # held out for validation
                if run.train.batch_size > n:
                    raise ConfigError(f"--param {d}: a batch of {run.train.batch_size:,} is more than the {n:,} "
                                      "training images a trial trains on")
        if spec.params.sampler == "grid":
            grid_size(dists)
        if spec.params.storage:            # reachable, and holding no other search: before anything is written
            from ..sweep.study import open_study
            from ..sweep.results import warmup_of
            open_study(spec.params.storage, spec.name, spec.params.metric, spec.params.sampler, dists,
                       spec.params.seed, warmup_of(config))

    in_process = True             # asks Optuna for trials here and runs them on the backend

    def run_task(self, spec, task, run, progress=False, backend=None):
        from ..sweep.results import run_sweep
        run_sweep(spec, run, backend or Here(), print if progress else (lambda *a: None),
                  more=spec.params.more_trials)
        return "finished"

    def done(self, spec, task, run):
        return super().done(spec, task, run) and spec.params.more_trials is None

    def figures(self, results, run):
        return [save(metric_vs_params(results), run.figures_dir, "metric_vs_params"),
                save(best_curves(results), run.figures_dir, "best_curves")]

    def summary(self, r):
        c, best = r["counts"], r.get("best")
        lines = [f"Tuned: `{r['base']}`, variant `{r['variant']}` ({r['variant_label']}), {r['iters']} iterations "
                 f"per trial, on {r['n_train']} training images; scored on {r['n_val']} held-out validation "
                 f"images ({r['metric']}, {r['direction']}). Search: {', '.join(f'`{s}`' for s in r['space'])}, "
                 f"{r['sampler']} sampler, study `{r['study']}` in {r['storage']}.",
                 f"Trials: {len(r['trials'])} — {c['complete']} finished, {c['pruned']} pruned (median rule), "
                 f"{c['fail']} failed" + (f", {c['running']} still running" if c["running"] else "") + "."]
        if best:
            lines.append(f"Best trial {best['number']}: {r['metric']} {best['value']:.4f} with "
                         + ", ".join(f"{k} = {v:.3g}" if isinstance(v, float) else f"{k} = {v}"
                                     for k, v in best["params"].items())
                         + f"; its test accuracy, measured once after the search: {best['test_acc']:.4f}.")
        if r.get("importance"):
            lines.append("Importance (fANOVA, share of the variance of the metric over the finished trials): "
                         + ", ".join(f"{k} {v:.2f}" for k, v in r["importance"].items()) + ".")
        return [Paragraph(" ".join(lines)),
                Table(["trial", *keys_of(r), r["metric"], "seconds"], summary_rows(r))]


KIND = Sweep()
