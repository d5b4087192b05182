"""Classification experiments: each variant × seed trained with nl.fit, then summarised.

TOML: ``[defaults]`` (a RunSpec) and ``[[variants]]`` laid over it; see experiments/spec.py.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

from ...document import Items, Table
from ...errors import ConfigError
from ...layers import SoftmaxCrossEntropy
from ...rundir import folder_name
from ...train import History, TrainingDiverged, fit
from ..architectures import ARCHITECTURES, step_memory
from ..builders import build
from ..classify_figures import accuracy_figure, comparison_figure, panels_figure, probe_figures
from ..datasets import data_for
from ...verdict import versus_course
from ..spec import RunSpec
from ...validate import SET, build as build_spec, deep_merge, nested
from ...checks import refuse, require
from .base import Kind

CHECKPOINTS = (100, 300, 500, 1000, 2000)       # docs/curriculum.md §2b
MAX_VARIANTS = 1000
QUICK_ITERS = 60


@dataclass(frozen=True)
class ClassifyParams:
    runs: tuple[RunSpec, ...] = ()


def quick_run(run: dict) -> dict:
    """Shrink a run to seconds: few iterations, small data subsets."""
    train = run.setdefault("train", {})
    cnn = run.get("model", {}).get("arch", "mlp") != "mlp"
    iters = min(train.get("iters", 2000), QUICK_ITERS // 3 if cnn else QUICK_ITERS)
    train["iters"] = iters
    train["eval_every"] = max(1, iters // (2 if cnn else 6))
    if train.get("probe_at"):
        train["probe_at"] = sorted({min(i, iters) for i in train["probe_at"]})
    data = run.setdefault("data", {})
    n_train, n_test = (300, 200) if cnn else (1000, 500)
    data["n_train"] = min(data.get("n_train") or n_train, n_train)
    data["n_test"] = min(data.get("n_test") or n_test, n_test)
    return run


def last_100(hs: list[History], iters: int) -> float | None:
    """The mean test accuracy of the evaluations in the last 100 iterations, over seeds: a final
    number that one lucky or unlucky evaluation moves less (None where none was recorded)."""
    values = [p["test_acc"] for h in hs for p in h.points
              if p["iteration"] > iters - 100 and p.get("test_acc") is not None]
    return number(np.mean(values)) if values else None


def optimizer_settings(name: str) -> list[str]:
    """The keyword settings an optimizer class accepts (besides its parameters)."""
    from ...optim import OPTIMIZERS
    return [p for p in inspect.signature(OPTIMIZERS[name]).parameters if p != "params"]


def number(x) -> float | None:
    """A float for JSON, or None where training diverged (JSON has no NaN)."""
    return float(x) if np.isfinite(x) else None


def first_grad_norms(h: History) -> dict:
    """‖∂L/∂W‖ of each layer (input first) at seed 0's first probed iteration, when it was probed."""
    norms = [r for r in h.probes if r["probe"] == "grad_norms"]
    if not norms:
        return {}
    it = norms[0]["iteration"]
    return {"grad_norms_start": {"iteration": it, "norms": [r["norm"] for r in norms if r["iteration"] == it]}}


class Classify(Kind):
    name = "classify"
    Params = ClassifyParams
    tables = ("defaults", "variants")

    def resolve(self, doc, where, sets, quick):
        defaults = doc.get("defaults", {})
        for path, value in sets:                           # name --set mistakes as --set's
            build_spec(RunSpec, deep_merge(defaults, nested(path, value)), SET)
        runs, keys = [], {}
        variants = doc.get("variants") or [{"label": "default"}]
        require(len(variants) <= MAX_VARIANTS, f"{where}: variants", f"at most {MAX_VARIANTS:,} variants",
                f"{len(variants):,}")
        for i, variant in enumerate(variants):
            variant = dict(variant)
            preview = variant.pop("preview", True)           # false: left out of --quick previews
            require(isinstance(preview, bool), f"{where}: variants[{i}].preview", "true or false", preview)
            if quick and not preview:
                continue
            merged = deep_merge(defaults, variant)
            merged.setdefault("key", folder_name(str(merged.get("label", "run"))))
            merged = quick_run(merged) if quick else merged
            for path, value in sets:
                merged = deep_merge(merged, nested(path, value))
            run = build_spec(RunSpec, merged, f"{where}: variants[{i}]")
            if folder_name(run.key) in keys:                # keys name the history folders
                refuse(f"{where}: variants[{i}].key", f"must be unique (as a folder name "
                     f"{folder_name(run.key)!r}); {run.key!r} repeats variants[{keys[folder_name(run.key)]}]")
            keys[folder_name(run.key)] = i
            runs.append(run)
        return ClassifyParams(tuple(runs))

    def dataset(self, params):
        return params.runs[0].data

    def memory(self, spec):
        """The dataset as trained on (float32) and the largest variant's step (step_memory)."""
        return max(run_memory(run) for run in spec.params.runs)

    def check(self, spec):
        """Build every variant's model, optimizer and regularizer on its data's shapes, and
        check the batch fits the training set — before spec.json exists."""
        for i, run in enumerate(spec.params.runs):
            where = f"{spec.source}: variants[{i}] ({run.label})"
            ds = data_for(run.data)
            try:
                build(run, ds.x_train.shape[1:], len(ds.classes), 0)
            except TypeError as e:                 # a setting the optimizer does not take
                refuse(f"{where}.optimizer", f"has a setting {run.optimizer.name} does not take ({e}); "
                     f"it takes {optimizer_settings(run.optimizer.name)}")
            except ConfigError as e:
                raise ConfigError(f"{where}: {e}") from None
            if run.train.batch_size > len(ds.y_train):
                refuse(f"{where}.train.batch_size", f"must be at most the {len(ds.y_train):,} training "
                     f"images; got {run.train.batch_size}")

    def tasks(self, spec):
        return [(run.key, seed) for run in spec.params.runs for seed in range(spec.seeds)]

    def cost(self, spec, task):
        """Iterations × the architecture's cost per step relative to the course's MLP."""
        run = next(r for r in spec.params.runs if r.key == task[0])
        return run.train.iters * ARCHITECTURES[run.model.arch].step_cost

    def run_task(self, spec, task, run_dir, progress=False):
        key, seed = task
        run = next(r for r in spec.params.runs if r.key == key)
        ds = data_for(run.data)
        net, opt, reg = build(run, ds.x_train.shape[1:], len(ds.classes), seed)
        t = run.train
        try:
            history = fit(net, SoftmaxCrossEntropy(), opt, ds, iters=t.iters, batch_size=t.batch_size,
                          sampler=t.sampler, eval_every=t.eval_every, train_acc_on=t.train_acc_on,
                          eval_test_samples=t.eval_test_samples,
                          regularizer=reg, probes=t.probes, probe_at=t.probe_at, seed=seed,
                          progress=progress, checkpoint_dir=run_dir.checkpoint_dir(key, seed))
        except TrainingDiverged as e:       # a result too: e.g. no BN with weight std 1
            history = e.history
            history.info["diverged_at"] = e.iteration
        history.info.update(label=run.label, key=key, seed=seed, parameters=net.num_parameters())
        history.save(run_dir.history_file(key, seed))
        return history.status

    def done(self, spec, task, run_dir):
        path = run_dir.history_file(*task)
        return path.exists() and History.load(path).status in ("finished", "diverged")

    def summarize(self, spec, run_dir):
        """Means (and standard deviations) over seeds of each variant's final numbers."""
        return {"variants": [self.variant(run, [History.load(run_dir.history_file(run.key, s))
                                                for s in range(spec.seeds)]) for run in spec.params.runs]}

    def variant(self, run, hs: list[History]) -> dict:
        finals = [h.final or {"train_acc": np.nan, "test_acc": np.nan, "time_s": 0.0} for h in hs]
        tail = max(1, len(hs[0].losses) // 10)

        def stat(key):
            values = np.array([f[key] for f in finals], dtype=float)
            return number(values.mean()), number(values.std())

        (test, test_std), (train, train_std) = stat("test_acc"), stat("train_acc")
        seeds = [number(f["test_acc"]) for f in finals]
        verdict = versus_course(seeds, run.course, len(data_for(run.data).y_test))
        curve = {}
        for it in CHECKPOINTS:
            pts = [next((p for p in h.points if p["iteration"] == it), None) for h in hs]
            if all(pts):
                curve[str(it)] = {"train_acc": float(np.mean([p["train_acc"] for p in pts])),
                                  "test_acc": float(np.mean([p["test_acc"] for p in pts]))}
        return {"label": run.label, "key": run.key, "course": run.course,
                "versus_course": verdict.verdict if verdict else None, "note": run.note,
                **({"noise": verdict.noise, "noise_from": verdict.noise_from} if verdict else {}),
                **({"course_at": dict(run.course_at)} if run.course_at else {}),
                "test_acc": test, "test_acc_std": test_std, "train_acc": train, "train_acc_std": train_std,
                "test_acc_seeds": seeds, "test_acc_last100": last_100(hs, run.train.iters),
                "final_loss": number(np.mean([np.mean(h.losses[-tail:]) for h in hs])),
                "diverged_at": [h.info.get("diverged_at") for h in hs if h.status == "diverged"],
                "seeds": len(hs), "iters": run.train.iters, "parameters": hs[0].info.get("parameters"),
                "eval_test_samples": run.train.eval_test_samples,
                "n_train": run.data.n_train, "n_test": run.data.n_test,        # the variant's own subset (None: all)
                "wall_time_s": float(np.mean([f["time_s"] for f in finals])), "at": curve,
                **({"panel": run.panel} if run.panel else {}), **first_grad_norms(hs[0])}

    # -- summary.md and figures ------------------------------------------------------------
    def summary(self, results):
        course = any(v.get("course") is not None for v in results["variants"])
        rows = []
        for v in results["variants"]:
            std = f" ± {fmt(v['test_acc_std'])}" if v["seeds"] > 1 else ""
            its = f"diverged at {v['diverged_at'][0]}" if v.get("diverged_at") else v["iters"]
            rows.append((v["label"], f"{fmt(v['test_acc'])}{std}", fmt(v["train_acc"]), fmt(v["final_loss"]),
                         its, f"{v['wall_time_s']:.1f}",
                         *((course_text(v.get("course")), v.get("versus_course") or "") if course else ())))
        header = ("variant", "test acc", "train acc", "final loss", "iterations", "seconds",
                  *(("course", "nablab vs course") if course else ()))
        notes = [f"**{v['label']}**: {v['note']}" for v in results["variants"] if v.get("note")]
        return [Table(header, rows), *([Items(notes)] if notes else [])]

    def figures(self, results, run_dir):
        variants = results["variants"]
        alone = [v for v in variants if not v.get("panel")]
        # one panel per variant: for a dozen at most (a weight-scale sweep is read from its panels)
        per_variant = [accuracy_figure(results, run_dir)] if len(variants) <= 12 else []
        return [*per_variant, *([comparison_figure(results, run_dir, alone)] if alone else []),
                *([panels_figure(results, run_dir)] if len(alone) < len(variants) else []),
                *probe_figures(run_dir, variants)]


def course_text(course) -> str:
    """The course's published result: '0.1135' or '0.91–0.92' (empty where none)."""
    if course is None:
        return ""
    return f"{course:g}" if isinstance(course, (int, float)) else f"{course[0]:g}–{course[1]:g}"


def fmt(x, digits: int = 4) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def run_memory(run) -> float:
    """Bytes one task of ``run`` holds: its data (float32) and one training step (step_memory)."""
    ds = data_for(run.data)
    data = 4.0 * (ds.x_train.size + ds.x_test.size)
    return data + step_memory(run.model, ds.x_train.shape[1:], len(ds.classes), run.train.batch_size)


KIND = Classify()
