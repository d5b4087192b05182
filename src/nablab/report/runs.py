"""A finished run as the report reads it (through RunDir, never by rebuilding anything)."""

from __future__ import annotations

import math
from pathlib import Path

from .. import japanese
from ..errors import ConfigError
from ..verdict import binomial_se
from ..results import Variant
from ..rundir import RunDir


class Run:
    """A finished run as the report reads it: its typed results (nablab.results) by variant key,
    and its figures."""

    def __init__(self, run_dir: RunDir | str | Path):
        self.dir = (run_dir if isinstance(run_dir, RunDir) else RunDir(run_dir)).check_links()
        self.results = self.dir.typed_results()      # a link inside the run is refused first

    @property
    def path(self) -> Path:
        return self.dir.path

    @property
    def numbers(self):
        """The kind's own numbers (one of nablab.results.KINDS)."""
        return self.results.numbers

    @property
    def variants(self) -> tuple[Variant, ...]:
        return self.results.numbers.variants

    def variant(self, key: str) -> Variant:
        for v in self.variants:
            if v.key == key:
                return v
        raise ConfigError(f"{self.dir.path}: no variant with key {key!r}; the run has "
                          f"{[v.key for v in self.variants]}")

    def acc(self, key: str, field: str = "test_acc") -> float:
        value = getattr(self.variant(key), field)
        return float("nan") if value is None else value

    def figure(self, name: str) -> Path:
        return self.dir.figure(name)

    def wall_time(self) -> float:
        return self.results.wall_time_s

    def majority_share(self) -> float:
        """The share of the most frequent class in this run's test set (the 'no learning' accuracy)."""
        return self.results.dataset.majority_share


def course_text(course) -> str:
    """The course's published result: '0.1135' or '0.91–0.92' (empty where none)."""
    if course is None:
        return ""
    if isinstance(course, (int, float)):
        return f"{course:g}"
    return f"{course[0]:g}–{course[1]:g}"


def mean_std(v: Variant, key: str = "test_acc") -> str:
    """'0.9474 ± 0.0021' over seeds ('0.9474' for one seed, '—' where it diverged)."""
    mean, std = getattr(v, key), getattr(v, key + "_std")
    if mean is None:
        return "—"
    return f"{mean:.4f}" + (f" ± {std:.4f}" if v.seeds > 1 else "")


def best_of(T: dict, variants) -> tuple[Variant, str]:
    """The variant with the highest mean test accuracy, and a note saying whether the seeds separate it
    from the next (more than two standard deviations apart) or not ("within noise")."""
    ranked = sorted(variants, key=lambda v: v.test_acc or 0, reverse=True)
    best, second = ranked[0], ranked[1]
    noise = 2 * max(best.test_acc_std or 0, second.test_acc_std or 0)
    key = "best_separated" if best.test_acc - (second.test_acc or 0) > noise else "best_within_noise"
    return best, T[key].format(second=second.label, second_acc=mean_std(second))


def depth_without_bn(T: dict, nets: dict, share: float, steps: int | None) -> str:
    """The sentence on depth-gradients' 10-layer sigmoid nets with Xavier and He, without BN: stuck at
    the no-learning share (within 0.05) or not, with ‖∂L/∂W₁‖/‖∂L/∂W₁₀‖ at initialisation."""
    values = {}
    for short, init in (("sx", "xavier"), ("sh", "he")):
        n = nets[("sigmoid", init, False)]
        values[f"{short}_ratio"] = n["grad_norm_init"][0] / n["grad_norm_init"][-1]
        values[f"{short}_acc"] = n["test_acc"]
    stuck = max(values["sx_acc"], values["sh_acc"]) < share + 0.05
    return T["depth_stuck" if stuck else "depth_learned"].format(steps=steps or "?", **values)


def dg_share(run: "Run") -> float:
    """The no-learning accuracy of a run (its test set's majority share; 0.1 when not recorded)."""
    ds = run.results.dataset
    return ds.majority_share if ds and ds.majority_share is not None else 0.1


def regularised_verdict(run: "Run", keys: tuple[str, str, str]) -> str:
    """"of_lower" / "of_higher" / "of_noise": whether both regularised variants (keys[1:]) ended below or
    above the unregularised one (keys[0]) by more than twice the largest seed spread."""
    base, *regs = (run.variant(k) for k in keys)
    noise = 2 * max(v.test_acc_std or 0 for v in (base, *regs))
    if all(v.test_acc < base.test_acc - noise for v in regs):
        return "of_lower"
    if all(v.test_acc > base.test_acc + noise for v in regs):
        return "of_higher"
    return "of_noise"


def label(T: dict, text: str) -> str:
    """A catalogue label in the report's language: each (English, local) pair of
    T["label_words"] replaced in order (the Japanese report; English keeps the label)."""
    return japanese.label(text, T.get("label_words", ()))


def bn_versus_none(T: dict, bn: Run, pairs: list[tuple]) -> dict:
    """How many weight scales each side learned at (test accuracy more than 0.05 above the
    no-learning share), and where the net without BN ended higher than with it — beyond 2σ (the
    larger seed spread, or the test set's binomial error of the difference) or within it."""
    share = dg_share(bn)
    n_test = bn.results.dataset.n_test if bn.results.dataset else 0
    learned = {"bn": 0, "no-bn": 0}
    losses = []
    for s, with_bn, without in pairs:
        for side, v in (("bn", with_bn), ("no-bn", without)):
            learned[side] += (v.test_acc or 0) > share + 0.05
        if (without.test_acc or 0) > (with_bn.test_acc or 0):
            se = math.sqrt(sum(binomial_se(v.test_acc, n_test) ** 2 for v in (with_bn, without)))
            noise = 2 * max(with_bn.test_acc_std or 0, without.test_acc_std or 0, se)
            losses.append(T["bn_loss"].format(scale=s, nobn=without.test_acc, bn=with_bn.test_acc,
                                              noise=T["bn_apart" if without.test_acc - with_bn.test_acc > noise
                                                      else "bn_within"].format(noise=noise)))
    text = T["bn_loses"].format(where="; ".join(losses)) if losses else T["bn_never_loses"]
    return {"bn_learned": learned["bn"], "nobn_learned": learned["no-bn"], "scales": len(pairs),
            "bn_loses": text}


def path_features(results) -> dict:
    """What the optimizer-paths run shows of each method, by a number (the keys of T["paths_disc"]):
    the first step's x/y length ratio (SGD and Momentum keep the gradient's proportion, AdaGrad,
    RMSProp and Adam divide it out), Momentum's longest step over its first, AdaGrad's first and
    last step lengths; also ``steps`` and ``paths`` (f at the end, per method)."""
    out = {"steps": len(next(iter(results.paths.values()))) - 1,
           "paths": ", ".join(f"{k} {v:.3g}" for k, v in results.final_f.items())}
    for name, path in results.paths.items():
        key = name.split()[0].lower()                    # sgd, momentum, adagrad, rmsprop, adam
        steps = [math.dist(a, b) for a, b in zip(path, path[1:])]
        (x0, y0), (x1, y1) = path[0], path[1]
        out[f"{key}_ratio"] = abs(x1 - x0) / abs(y1 - y0) if y1 != y0 else float("inf")
        out[f"{key}_first"], out[f"{key}_last"] = steps[0], steps[-1]
        out[f"{key}_grow"] = max(steps) / steps[0] if steps[0] else float("nan")
    return out


def bn_pairs(bn: Run) -> list[tuple]:
    """(scale, with BN, without BN) for each panel of the book's weight-scale sweep, in order."""
    panels: dict[str, dict] = {}
    for v in bn.variants:
        if v.panel:
            panels.setdefault(v.panel, {})["no" if v.key.endswith("no-bn") else "bn"] = v
    return [(p, d["bn"], d["no"]) for p, d in panels.items() if {"bn", "no"} <= set(d)]


def bn_sweep(T: dict, bn: Run) -> dict:
    """The book's weight-scale sweep (book-batch-norm) as text: the test accuracy by initial std with
    BN and without ('1 0.53 · 0.5412 0.61 · …', '—' where it diverged), how many scales each side
    learned at, where BN loses, and the mean train − test gap of each (the runs that did not
    diverge): the overfitting BN is said to reduce, measured."""
    pairs = bn_pairs(bn)
    out = {}
    for name, side in (("bn", 1), ("nobn", 2)):
        parts, gaps = [], []
        for pair in pairs:
            v, scale = pair[side], pair[0].removeprefix("std ")
            if v.test_acc is None or v.test_acc != v.test_acc or v.diverged_at:
                parts.append(f"{scale} {T['diverged']}")
                continue
            parts.append(f"{scale} {v.test_acc:.2f}")
            gaps.append(v.train_acc - v.test_acc)
        out[f"{name}_range"] = " · ".join(parts)
        out[f"{name}_gap"] = sum(gaps) / len(gaps) if gaps else float("nan")
    out.update(bn_versus_none(T, bn, pairs))
    diff = out["bn_gap"] - out["nobn_gap"]
    out["gap_verdict"] = T["gap_verdicts"]["smaller" if diff < -0.01 else "larger" if diff > 0.01 else "same"]
    out["bn_images"] = pairs[0][1].n_train or (bn.results.dataset.n_train if bn.results.dataset else 0)
    out["bn_iters"] = pairs[0][1].iters
    return out


def data_sizes(T: dict, run: Run) -> str:
    """The training / test sizes a run's variants really used (a variant may use a subset of the
    dataset, as the book's batch-norm experiment's 1,000 images): one size, or each with its count."""
    ds = run.results.dataset
    counts: dict = {}
    for v in getattr(run.numbers, "variants", ()):
        size = (getattr(v, "n_train", None) or ds.n_train, getattr(v, "n_test", None) or ds.n_test)
        counts[size] = counts.get(size, 0) + 1
    if len(counts) <= 1:
        train, test = next(iter(counts), (ds.n_train, ds.n_test))
        return T["src_data"].format(train=train, test=test)
    return T["src_sep"].join(T["src_data"].format(train=a, test=b) + T["src_variants"].format(k=k)
                             for (a, b), k in counts.items())


def figure_source(T: dict, run: Run) -> str:
    """What a figure is drawn from, for its caption: ' — run `lenet`: 1 seed, 1000 iterations,
    5,000 / 1,000 images (quick)'. Iterations: the variants' (or the run's), where there are any."""
    r, n = run.results, run.numbers
    iters = sorted({v.iters for v in getattr(n, "variants", ())} | ({n.iters} if getattr(n, "iters", None) else set()))
    parts = [T["src_seeds"].format(n=r.seeds)]
    if iters:
        parts.append(T["src_iters"].format(n=" / ".join(map(str, iters))))
    if r.dataset:
        parts.append(data_sizes(T, run))
    return T["src"].format(name=r.experiment, details=T["src_sep"].join(parts),
                           quick=T["src_quick"] if r.quick else "")
