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
