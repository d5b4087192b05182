"""The experiment catalogue: TOML files in catalog/, resolved into ExperimentSpecs.

resolve(name, sets=["train.iters=500"], quick=True) reads the experiment's file (a name from
the catalogue, or a path to a .toml file of your own), lets its kind resolve the kind's tables
(``--quick`` shrinking, then the ``--set`` overrides), and checks every field before anything
trains. ``to_json`` / ``from_json`` carry a resolved spec through spec.json.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from pathlib import Path

from ..checks import is_int, positive_int
from ..errors import ConfigError, DataError, NablabError
from ..files import read_regular
from . import kinds
from .spec import ExperimentSpec
from ..validate import as_dict, at, build
from ..checks import refuse, require

CATALOG = Path(__file__).parent / "catalog"
EXPERIMENT_KEYS = ("name", "title", "kind", "section", "notebook", "description", "expect", "seeds")


def catalog_files() -> dict[str, Path]:
    """{experiment name: file}, names read from each file's [experiment] table."""
    out = {}
    for path in sorted(CATALOG.glob("*.toml")):
        out[load_toml(path).get("experiment", {}).get("name", path.stem)] = path
    return out


def names() -> list[str]:
    return list(catalog_files())


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
    path = key.strip().split(".")
    if not all(path):
        raise ConfigError(f"--set expects a dotted key such as optimizer.lr; got {key!r}")
    return path, value


MAX_KEY_PARTS = 32          # an experiment's deepest key has 4 (defaults.optimizer.lr); tomllib's time
                            # grows with the square of a dotted key's parts (20,000 parts: 7 s, 2.4 GB)


def too_deep(text: str, path: Path) -> None:
    """A ConfigError, before tomllib reads ``text``, for a key or table header of more than
    MAX_KEY_PARTS dotted parts (a line's text before its '=', or inside its brackets)."""
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        key = line.strip("[]").split("]")[0] if line.startswith("[") else line.split("=", 1)[0] if "=" in line else ""
        if key.count(".") >= MAX_KEY_PARTS:
            raise ConfigError(f"{path}: line {number}: a key of {key.count('.') + 1:,} dotted parts; an "
                              f"experiment's keys have at most {MAX_KEY_PARTS}")


def load_toml(path: Path) -> dict:
    """The TOML document at ``path``: a regular UTF-8 file of at most 1 MiB (a FIFO or /dev/zero is
    refused before reading), else a ConfigError naming it."""
    try:
        text = read_regular(path, limit=2**20).decode("utf-8")
        too_deep(text, path)
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path.name}: not valid TOML ({e})") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text (byte {e.start}); save the TOML file as UTF-8") from e
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML (nested too deeply)") from None
    except DataError as e:
        raise ConfigError(str(e)) from e
    except OSError as e:
        raise ConfigError(f"{path}: cannot read ({e.strerror})") from e


def resolve(name: str, sets=(), quick: bool = False, seeds: int | None = None) -> ExperimentSpec:
    """The spec of a catalogue experiment, or of a .toml file given by its path."""
    if str(name).endswith(".toml"):
        path = Path(name)
        return from_dict(load_toml(path), str(path), sets, quick, seeds)
    files = catalog_files()
    if name not in files:
        raise ConfigError(f"unknown experiment {name!r}; expected one of {sorted(files)} or a .toml file")
    return from_dict(load_toml(files[name]), f"catalog/{files[name].name}", sets, quick, seeds)


def from_dict(doc: dict, where: str, sets=(), quick: bool = False, seeds: int | None = None):
    """An ExperimentSpec from a parsed catalogue document (see resolve)."""
    head = dict(doc.get("experiment", {}))
    bad = sorted(set(head) - set(EXPERIMENT_KEYS))
    if bad:
        refuse(f"{where}: experiment.{bad[0]}", f"is not a known field; expected one of {list(EXPERIMENT_KEYS)}")
    for key in ("name", "title", "kind"):
        require(isinstance(head.get(key), str), at(f"{where}: experiment", key), "a string", head.get(key))
    # the name becomes a folder (runs/<name>-<time>): letters, digits, - and _ only, never a path
    require(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", head["name"]) is not None,
            at(f"{where}: experiment", "name"), "letters, digits, '-' and '_' (at most 64)", head["name"])
    kind = kinds.get(head["kind"]) if head["kind"] in kinds.KINDS else None
    require(kind is not None, at(f"{where}: experiment", "kind"), f"one of {sorted(kinds.KINDS)}", head["kind"])
    unknown = sorted(set(doc) - {"experiment", *kind.tables})
    if unknown:
        refuse(f"{where}: {unknown[0]}", f"is not a known table of a {kind.name} experiment; "
             f"expected experiment, {', '.join(kind.tables)}")
    overrides = [parse_set(s) for s in sets]
    asked = {p[0]: v for p, v in overrides if p == ["seeds"]}
    head.update(asked)
    if seeds is not None:
        head["seeds"] = positive_int("--seeds", seeds)
        check_seeds(seeds, "--seeds")
    elif quick and not asked:
        head["seeds"] = 1                      # a preview: one seed unless --seeds or --set seeds says otherwise
    check_seeds(head.get("seeds", 1), at(f"{where}: experiment", "seeds"))
    params = kind.resolve(doc, where, [(p, v) for p, v in overrides if p != ["seeds"]], quick)
    return ExperimentSpec(**head, params=params, source=where)


def departures(spec: ExperimentSpec, overrides=(), quick: bool = False) -> list[str]:
    """Where ``spec`` differs from the catalogue's experiment of the same name made with the same
    --set items and --quick ('params.runs[0].optimizer.lr: 0.9 (the catalogue's: 0.1)'): a run from a
    user's own TOML that takes a catalogue name says so. [] for a name the catalogue lacks; seeds and
    the source file are not compared (the results state the seeds)."""
    if spec.name not in names():
        return []
    try:
        theirs = to_json(resolve(spec.name, list(overrides), quick=quick))
    except NablabError:
        return [f"the catalogue's {spec.name} does not take these settings"]
    mine = to_json(spec)
    out: list[str] = []

    def walk(a, b, where):
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                walk(a.get(k), b.get(k), f"{where}.{k}" if where else k)
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{where}[{i}]")
        elif a != b:
            out.append(f"{where}: {json.dumps(a)[:60]} (the catalogue's: {json.dumps(b)[:60]})")
    walk({k: v for k, v in mine.items() if k not in ("seeds", "source")},
         {k: v for k, v in theirs.items() if k not in ("seeds", "source")}, "")
    return out


MAX_SEEDS = 1000          # each seed is a task of every variant: more is no experiment this machine finishes


def check_seeds(value, where: str) -> None:
    require(is_int(value) and 1 <= value <= MAX_SEEDS, where, f"an integer from 1 to {MAX_SEEDS:,}", value)


def to_json(spec: ExperimentSpec) -> dict:
    d = {f.name: getattr(spec, f.name) for f in dataclasses.fields(spec)}
    d["params"] = as_dict(spec.params)
    return d


def from_json(d: dict, where: str = "spec.json") -> ExperimentSpec:
    """The ExperimentSpec that ``to_json`` wrote, every field checked again."""
    if not isinstance(d, dict) or not isinstance(d.get("kind"), str):
        raise ConfigError(f"{where}: expected an experiment spec with a kind; got {type(d).__name__}")
    kind = kinds.get(d["kind"])
    head = {k: v for k, v in d.items() if k != "params"}
    bad = sorted(set(head) - {f.name for f in dataclasses.fields(ExperimentSpec)})
    if bad:
        refuse(f"{where}: {bad[0]}", "is not a field of an experiment spec")
    check_seeds(head.get("seeds", 1), f"{where}: seeds")
    return ExperimentSpec(**head, params=build(kind.Params, d.get("params") or {}, f"{where}: params"))
