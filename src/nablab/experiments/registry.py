"""The experiment catalogue: TOML files in catalog/, resolved into ExperimentSpecs.

resolve(name, sets=["train.iters=500"], quick=True) merges each variant over
``[defaults]``, applies ``--quick`` shrinking, then the ``--set`` overrides, and checks every
field before anything trains.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

from ..errors import ConfigError
from .common import slug
from .spec import KINDS, PARAMS, ExperimentSpec, RunSpec
from .validate import build, fail, require

CATALOG = Path(__file__).parent / "catalog"
EXPERIMENT_KEYS = ("name", "title", "kind", "section", "notebook", "description", "expect", "seeds")
QUICK_ITERS = 60


def catalog_files() -> dict[str, Path]:
    """{experiment name: file}, names read from each file's [experiment] table."""
    out = {}
    for path in sorted(CATALOG.glob("*.toml")):
        with open(path, "rb") as f:
            name = tomllib.load(f).get("experiment", {}).get("name", path.stem)
        out[name] = path
    return out


def names() -> list[str]:
    return list(catalog_files())


def deep_merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def parse_set(item: str) -> tuple[list[str], object]:
    """'optimizer.lr=0.05' → (['optimizer', 'lr'], 0.05); values are read as TOML, else text;
    'none' means None (e.g. data.n_train=none: the whole training set)."""
    if "=" not in item:
        raise ConfigError(f"--set expects key=value; got {item!r}")
    key, text = item.split("=", 1)
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        value = None if text.strip().lower() in ("none", "null") else text
    return key.strip().split("."), value


def nested(path: list[str], value) -> dict:
    out = value
    for k in reversed(path):
        out = {k: out}
    return out


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


QUICK_PARAMS = {
    "regression": {"steps": 100, "samples": 1000},
    "init-histograms": {"samples": 200},
    "depth-gradients": {"train_iters": 20, "data": {"n_train": 500, "n_test": 200}},
    "optimizer-paths": {"steps": 10},
    "im2col-demo": {},
    "conv-speed": {"shapes": [[20, 1, 28, 28], [20, 8, 14, 14]], "repeats": 1, "naive_max_samples": 2},
    "filters": {"iters": 20, "data": {"n_train": 500, "n_test": 200}},
}


def load_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path.name}: not valid TOML ({e})") from e


def resolve(name: str, sets=(), quick: bool = False, seeds: int | None = None) -> ExperimentSpec:
    files = catalog_files()
    if name not in files:
        raise ConfigError(f"unknown experiment {name!r}; expected one of {sorted(files)}")
    return from_dict(load_toml(files[name]), f"catalog/{files[name].name}", sets, quick, seeds)


def from_dict(doc: dict, where: str, sets=(), quick: bool = False, seeds: int | None = None):
    """An ExperimentSpec from a parsed catalogue document (see resolve)."""
    unknown = sorted(set(doc) - {"experiment", "defaults", "variants", "params"})
    if unknown:
        fail(f"{where}: {unknown[0]}", "is not a known table; expected experiment, defaults, "
             "variants, params")
    head = dict(doc.get("experiment", {}))
    bad = sorted(set(head) - set(EXPERIMENT_KEYS))
    if bad:
        fail(f"{where}: experiment.{bad[0]}", f"is not a known field; expected one of {list(EXPERIMENT_KEYS)}")
    for key in ("name", "title", "kind"):
        require(f"{where}: experiment", key, head.get(key), isinstance(head.get(key), str), "a string")
    require(f"{where}: experiment", "kind", head["kind"], head["kind"] in KINDS, f"one of {list(KINDS)}")
    overrides = [parse_set(s) for s in sets]
    experiment_sets = {p[0]: v for p, v in overrides if p[0] == "seeds"}
    head.update(experiment_sets)
    if seeds is not None:
        head["seeds"] = seeds
    require(f"{where}: experiment", "seeds", head.get("seeds", 1),
            isinstance(head.get("seeds", 1), int) and head.get("seeds", 1) >= 1, "an integer >= 1")
    overrides = [(p, v) for p, v in overrides if p[0] != "seeds"]
    runs, params = (), None
    if head["kind"] == "classify":
        runs = resolve_runs(doc, where, overrides, quick)
    else:
        params = resolve_params(doc, where, head["kind"], overrides, quick)
    return ExperimentSpec(**{k: head[k] for k in head}, runs=runs, params=params, source=where)


def resolve_runs(doc, where, overrides, quick) -> tuple[RunSpec, ...]:
    defaults = doc.get("defaults", {})
    variants = doc.get("variants") or [{"label": "default"}]
    for path, value in overrides:                      # name --set mistakes as --set's
        build(RunSpec, deep_merge(defaults, nested(path, value)), "--set")
    runs, labels = [], set()
    for i, variant in enumerate(variants):
        merged = deep_merge(defaults, variant)
        if quick:
            merged = quick_run(merged)
        for path, value in overrides:
            merged = deep_merge(merged, nested(path, value))
        run = build(RunSpec, merged, f"{where}: variants[{i}]")
        if slug(run.label) in labels:                  # labels name the history folders
            fail(f"{where}: variants[{i}].label", f"must be unique (as a folder name "
                 f"{slug(run.label)!r}); {run.label!r} repeats an earlier label")
        labels.add(slug(run.label))
        runs.append(run)
    return tuple(runs)


def resolve_params(doc, where, kind, overrides, quick):
    params = doc.get("params", {})
    if quick:
        params = deep_merge(params, QUICK_PARAMS[kind])
    for path, value in overrides:
        path = path[1:] if path[0] == "params" else path
        build(PARAMS[kind], deep_merge(params, nested(path, value)), "--set")
        params = deep_merge(params, nested(path, value))
    return build(PARAMS[kind], params, f"{where}: params")
