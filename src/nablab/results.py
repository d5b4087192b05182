"""results.json as typed, frozen records: what every run reports (``Results``: the header) and,
per kind, its numbers (``Results.numbers``: one dataclass per kind, ``KINDS``).

RunDir validates a run's results field by field where they are written (``write_results``) and
where they are read (``typed_results``), so a kind that writes a wrong type fails at once, and the
report reads attributes — ``run.results.numbers.variants[0].test_acc`` — not the same strings in
two places. The file itself stays one flat JSON object (the header's fields and the kind's).

    >>> r = parse({"experiment": "toy", "title": "T", "kind": "optimizer-paths", "seeds": 1,
    ...            "a": 20, "start": [-7, 2], "paths": {}, "final_f": {}}, "results.json")
    >>> r.numbers.start, r.dataset
    ((-7.0, 2.0), None)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError, DataError
from .validate import build


@dataclass(frozen=True)
class DatasetInfo:
    """The data a run trained on, as spec.json describes it."""
    name: str
    source: str
    n_train: int
    n_test: int
    majority_share: float | None = None        # the test set's most frequent class: the "no learning" accuracy


@dataclass(frozen=True)
class GradNorms:
    """‖∂L/∂W‖ of each layer (input first) at one probed iteration."""
    iteration: int
    norms: tuple[float, ...]


@dataclass(frozen=True)
class Variant:
    """One classify variant over its seeds: means (None where training diverged) and spreads."""
    label: str
    key: str
    seeds: int
    iters: int
    test_acc: float | None
    test_acc_std: float | None
    train_acc: float | None
    train_acc_std: float | None
    final_loss: float | None
    wall_time_s: float
    course: float | tuple[float, float] | None = None      # the course's published value or range
    versus_course: str | None = None       # inside / within noise / above / below / one seed
    noise: float | None = None             # 2σ allowed for chance (experiments/verdict.py)
    noise_from: str | None = None          # σ from: "seeds", "test set" or "course"
    course_at: dict = field(default_factory=dict)          # the course's test accuracy at checkpoints
    note: str | None = None
    diverged_at: tuple[int, ...] = ()
    parameters: int | None = None
    eval_test_samples: int | None = None
    n_train: int | None = None                             # the variant's own subset (None: the dataset's)
    n_test: int | None = None
    test_acc_seeds: tuple[float | None, ...] = ()          # each seed's final test accuracy
    test_acc_last100: float | None = None  # mean over the evaluations in the last 100 iterations
    at: dict = field(default_factory=dict)                 # {"100": {"train_acc", "test_acc"}, ...}
    panel: str | None = None
    grad_norms_start: GradNorms | None = None


@dataclass(frozen=True)
class Classify:
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class Regression:
    curves: dict
    final_loss: dict


@dataclass(frozen=True)
class InitHistograms:
    panels: tuple[dict, ...]


@dataclass(frozen=True)
class DepthGradients:
    nets: tuple[dict, ...]
    train_iters: int | None = None           # the SGD steps between "init" and "trained"
    lr: float | None = None


@dataclass(frozen=True)
class OptimizerPaths:
    a: float
    start: tuple[float, float]
    paths: dict                 # {method: [[x, y], ...]}
    final_f: dict               # {method: f at the end}


@dataclass(frozen=True)
class Im2colDemo:
    input_shape: tuple[int, ...]
    kernel: int
    stride: int
    padding: int
    input: Any
    col: Any
    col_shape: tuple[int, ...]
    col2im: Any
    counts: Any
    max_overlap: int
    col2im_equals_input_times_counts: bool


@dataclass(frozen=True)
class ConvSpeed:
    kernel: int
    padding: int
    rows: tuple[dict, ...]


@dataclass(frozen=True)
class Filters:
    before: Any
    after: Any
    image: Any
    label: str
    maps: Any
    test_acc: float
    iters: int


@dataclass(frozen=True)
class AddingProblem:
    baseline: float
    runs: tuple[dict, ...]


@dataclass(frozen=True)
class LstmCell:
    steps: tuple[dict, ...]
    matches_layer: bool


@dataclass(frozen=True)
class ThroughTime:
    seq_len: int
    max_norm: float
    cells: tuple[dict, ...]


@dataclass(frozen=True)
class Sweep:
    study: str
    storage: str
    metric: str
    direction: str
    space: tuple[str, ...]
    sampler: str
    val_fraction: float
    base: str
    variant: str
    variant_label: str
    iters: int
    n_train: int
    n_val: int
    trials: tuple[dict, ...]
    counts: dict
    importance: dict | None = None           # fANOVA importance (None: too few finished trials)
    best: dict | None = None


KINDS: dict[str, type] = {
    "classify": Classify, "regression": Regression, "init-histograms": InitHistograms,
    "depth-gradients": DepthGradients, "optimizer-paths": OptimizerPaths, "im2col-demo": Im2colDemo,
    "conv-speed": ConvSpeed, "filters": Filters, "adding-problem": AddingProblem, "lstm-cell": LstmCell,
    "gradients-through-time": ThroughTime, "sweep": Sweep,
}


@dataclass(frozen=True)
class Results:
    """What every run's results.json says, and the kind's numbers (one of KINDS, or a plain dict
    for a kind of the user's own that declares none)."""
    experiment: str
    title: str
    kind: str
    seeds: int
    section: str | None = None
    notebook: str | None = None
    expect: str | None = None
    dataset: DatasetInfo | None = None
    quick: bool = False
    overrides: tuple[str, ...] = ()
    departures: tuple[str, ...] = ()       # where its spec differs from the catalogue's (a user's own TOML)
    versions: dict | None = None
    wall_time_s: float = 0.0
    numbers: Any = None


HEADER = [f.name for f in dataclasses.fields(Results) if f.name != "numbers"]


def parse(data: dict, where: str) -> Results:
    """A results.json object as Results, every field checked; DataError naming the file and field."""
    if not isinstance(data, dict):
        raise DataError(f"{where}: expected a JSON object; got {type(data).__name__}")
    head = {k: v for k, v in data.items() if k in HEADER}
    rest = {k: v for k, v in data.items() if k not in HEADER}
    try:
        kind = KINDS.get(data.get("kind"))
        numbers = build(kind, rest, "") if kind else rest
        return dataclasses.replace(build(Results, head, ""), numbers=numbers)
    except ConfigError as e:
        raise DataError(f"{where}: {e}") from None
    except TypeError as e:                     # a field without a default is missing
        missing = str(e).split("argument")[-1].strip(": ")
        raise DataError(f"{where}: {missing or e} missing") from None
