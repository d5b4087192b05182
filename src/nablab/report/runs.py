"""A finished run as the report reads it (through RunDir, never by rebuilding anything)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from ..rundir import RunDir


class Run:
    """A finished run as the report reads it: results.json by variant key, figures, spec."""

    def __init__(self, run_dir: RunDir | str | Path):
        self.dir = run_dir if isinstance(run_dir, RunDir) else RunDir(run_dir)
        self.results = self.dir.results()
        self.meta = self.dir.spec()

    @property
    def path(self) -> Path:
        return self.dir.path

    @property
    def variants(self) -> list[dict]:
        return self.results["variants"]

    def variant(self, key: str) -> dict:
        for v in self.variants:
            if v["key"] == key:
                return v
        raise ConfigError(f"{self.dir.path}: no variant with key {key!r}; the run has "
                          f"{[v['key'] for v in self.variants]}")

    def acc(self, key: str, field: str = "test_acc") -> float:
        value = self.variant(key)[field]
        return float("nan") if value is None else value

    def figure(self, name: str) -> Path:
        return self.dir.figure(name)

    def wall_time(self) -> float:
        return self.results.get("wall_time_s", 0.0)

    def majority_share(self) -> float:
        """The share of the most frequent class in this run's test set (the 'no learning' accuracy)."""
        return self.results["dataset"]["majority_share"]


def course_text(course) -> str:
    """The course's published result: '0.1135' or '0.91–0.92' (empty where none)."""
    if course is None:
        return ""
    if isinstance(course, (int, float)):
        return f"{course:g}"
    return f"{course[0]:g}–{course[1]:g}"


def mean_std(v: dict, key: str = "test_acc") -> str:
    """'0.9474 ± 0.0021' over seeds ('0.9474' for one seed, '—' where it diverged)."""
    if v[key] is None:
        return "—"
    return f"{v[key]:.4f}" + (f" ± {v[key + '_std']:.4f}" if v["seeds"] > 1 else "")


def best_of(T: dict, variants: list[dict]) -> tuple[dict, str]:
    """The variant with the highest mean test accuracy, and a note saying whether the seeds separate it
    from the next (more than two standard deviations apart) or not ("within noise")."""
    ranked = sorted(variants, key=lambda v: v["test_acc"] or 0, reverse=True)
    best, second = ranked[0], ranked[1]
    noise = 2 * max(best.get("test_acc_std") or 0, second.get("test_acc_std") or 0)
    key = "best_separated" if best["test_acc"] - (second["test_acc"] or 0) > noise else "best_within_noise"
    return best, T[key].format(second=second["label"], second_acc=mean_std(second))


def depth_without_bn(T: dict, nets: dict, share: float) -> str:
    """The sentence on depth-gradients' 10-layer sigmoid nets with Xavier and He, without BN: stuck at
    the no-learning share (within 0.05) or not, with ‖∂L/∂W₁‖/‖∂L/∂W₁₀‖ at initialisation."""
    values = {}
    for short, init in (("sx", "xavier"), ("sh", "he")):
        n = nets[("sigmoid", init, False)]
        values[f"{short}_ratio"] = n["grad_norm_init"][0] / n["grad_norm_init"][-1]
        values[f"{short}_acc"] = n["test_acc"]
    stuck = max(values["sx_acc"], values["sh_acc"]) < share + 0.05
    return T["depth_stuck" if stuck else "depth_learned"].format(**values)


def dg_share(run: "Run") -> float:
    """The no-learning accuracy of a run (its test set's majority share; 0.1 when not recorded)."""
    return (run.results.get("dataset") or {}).get("majority_share", 0.1)


def regularised_verdict(run: "Run", keys: tuple[str, str, str]) -> str:
    """"of_lower" / "of_higher" / "of_noise": whether both regularised variants (keys[1:]) ended below or
    above the unregularised one (keys[0]) by more than twice the largest seed spread."""
    base, *regs = (run.variant(k) for k in keys)
    noise = 2 * max(v.get("test_acc_std") or 0 for v in (base, *regs))
    if all(v["test_acc"] < base["test_acc"] - noise for v in regs):
        return "of_lower"
    if all(v["test_acc"] > base["test_acc"] + noise for v in regs):
        return "of_higher"
    return "of_noise"
