"""History: what a training run recorded, saved as JSON (and CSV for spreadsheets)."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import DataError
from ..files import atomic_write, read_json

STATUSES = ("running", "finished", "interrupted", "diverged")


@dataclass
class History:
    """Evaluation points, every iteration's loss, probe records and how the run ended.

    points: [{"iteration", "epoch", "loss", "train_acc", "test_acc", "time_s"}, ...]
    losses: the training loss of every iteration (penalty included), in order
    probes: [{"iteration", "probe", "layer", ...values}, ...]
    status: "running" | "finished" | "interrupted" | "diverged"
    """

    points: list[dict] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    probes: list[dict] = field(default_factory=list)
    status: str = "running"
    info: dict = field(default_factory=dict)

    @property
    def final(self) -> dict:
        return self.points[-1] if self.points else {}

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "History":
        return cls(**{k: d[k] for k in ("points", "losses", "probes", "status", "info") if k in d})

    def save(self, path: str | Path) -> Path:
        """Write ``<path>.json`` (everything) and ``<path>.csv`` (the evaluation points)."""
        path = Path(path)
        text = json.dumps(self.to_dict())
        atomic_write(path.with_suffix(".json"), lambda f: f.write(text.encode("utf-8")))
        if self.points:
            keys = list(self.points[0])

            def write_csv(f):
                import io
                buf = io.StringIO()
                writer = csv.DictWriter(buf, fieldnames=keys)
                writer.writeheader()
                writer.writerows(self.points)
                f.write(buf.getvalue().encode("utf-8"))
            atomic_write(path.with_suffix(".csv"), write_csv)
        return path.with_suffix(".json")

    @classmethod
    def load(cls, path: str | Path) -> "History":
        """A saved History; a missing, damaged or foreign file is a DataError naming it."""
        path = Path(path).with_suffix(".json")
        d = read_json(path)
        if not isinstance(d, dict) or not isinstance(d.get("points"), list) or \
                not isinstance(d.get("losses"), list) or d.get("status") not in STATUSES:
            raise DataError(f"{path}: not a training history (points, losses, status); delete it to "
                            f"run that task again")
        if problem := contents_problem(d):
            raise DataError(f"{path}: {problem}; delete it to run that task again")
        return cls.from_dict(d)


def number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def contents_problem(d: dict) -> str | None:
    """What is wrong inside a history's lists, or None: every point a table whose iteration is an
    integer and whose numbers are numbers (None where not measured), every loss a number, probes
    tables, info a table."""
    for i, point in enumerate(d["points"]):
        if not isinstance(point, dict) or not isinstance(point.get("iteration"), int):
            return f"points[{i}] is not a table with an integer iteration (got {json.dumps(point)[:60]})"
        bad = [k for k, v in point.items() if k != "iteration" and v is not None and not number(v)]
        if bad:
            return f"points[{i}].{bad[0]} must be a number; got {json.dumps(point[bad[0]])[:40]}"
    if not all(number(x) for x in d["losses"]):
        first = next(x for x in d["losses"] if not number(x))
        return f"losses must be numbers; got {json.dumps(first)[:40]}"
    if not isinstance(d.get("probes", []), list) or not all(isinstance(r, dict) for r in d.get("probes", [])):
        return "probes must be a list of tables"
    if not isinstance(d.get("info", {}), dict):
        return f"info must be a table; got {json.dumps(d['info'])[:40]}"
    return None
