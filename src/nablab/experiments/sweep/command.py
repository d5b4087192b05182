"""``nablab sweep``: a sweep's spec from the command line, run into a run directory.

    nablab sweep two-layer-net --param optimizer.lr=loguniform:1e-3:1 --trials 30 --jobs 2
    nablab sweep hyperparameter-search                # a catalogue sweep, its [params] as defaults
    nablab sweep --resume runs/two-layer-net-sweep-… --trials 20      # 20 more trials
    nablab sweep NAME ... --storage postgresql://user@host/db --out DIR   # one of several workers

NAME is a classify experiment (the sweep tunes its first variant, or --variant KEY) or a sweep
experiment of the catalogue. The run directory is an experiment run of kind "sweep": spec.json,
study.db (unless --storage), data.json, results.json, figures/ and summary.md.
"""

from __future__ import annotations

import dataclasses
import time

from ...errors import ConfigError
from ...rundir import RunDir
from .. import kinds
from ..backends import open_backend
from ..registry import from_dict, resolve
from ..runner import RunInterrupted, create, finish, load_spec
from .results import run_sweep

FLAGS = ("trials", "sampler", "metric", "storage", "variant")


def sweep_params(args) -> tuple[dict, dict]:
    """([experiment] table, [params] table) of the sweep the command line describes."""
    spec = resolve(args.name)
    if spec.kind == "sweep":
        params = dataclasses.asdict(spec.params)
        head = {"name": spec.name, "title": spec.title, "section": spec.section,
                "description": spec.description, "expect": spec.expect}
    elif hasattr(spec.params, "runs"):
        params = {"base": args.name}
        head = {"name": f"{spec.name}-sweep", "title": f"A sweep over {spec.name}", "section": spec.section,
                "description": f"Hyperparameters of {spec.name} searched on a validation split."}
    else:
        raise ConfigError(f"nablab sweep tunes a classify experiment or runs a sweep experiment; "
                          f"{args.name!r} is a {spec.kind} experiment")
    if args.param:
        params["space"] = list(args.param)
    params["sets"] = [*params.get("sets", ()), *args.set]
    params.update({k: getattr(args, k) for k in FLAGS if getattr(args, k) is not None})
    return {**head, "kind": "sweep", "seeds": 1}, params


def sweep_spec(args):
    head, params = sweep_params(args)
    spec = from_dict({"experiment": head, "params": params}, "nablab sweep", quick=args.quick)
    if args.trials is not None and args.quick:          # --trials wins over --quick's count
        spec = dataclasses.replace(spec, params=dataclasses.replace(spec.params, trials=args.trials))
    kinds.get("sweep").check(spec)
    return spec


def sweep(args, jobs: int, where: str | None, log) -> None:
    """Create (or --resume) the sweep's run directory, run its trials, write its results."""
    command = "nablab " + " ".join(args.argv)
    if args.resume:
        run_dir, more = RunDir(args.resume), args.trials
        spec = load_spec(run_dir)
        if spec.kind != "sweep":
            raise ConfigError(f"{args.resume}: holds a {spec.kind} run; nablab sweep --resume continues sweeps")
    else:
        spec = sweep_spec(args)
        more = spec.params.trials if spec.params.storage else None     # a shared study: trials of our own
        run_dir = RunDir(args.out or f"runs/{spec.name}-{time.strftime('%Y%m%d-%H%M%S')}")
    with run_dir.owned(command):
        if not args.resume:
            create(spec, run_dir.path, quick=args.quick, command=command, overrides=args.set)
        start = time.perf_counter()
        try:
            with open_backend(where, jobs) as backend:
                run_sweep(spec, run_dir, backend, log, more=more)
        except KeyboardInterrupt:
            run_dir.add_session(time.perf_counter() - start, "interrupted")
            raise RunInterrupted(f"interrupted; the finished trials are in the study. Continue with: "
                                 f"nablab sweep --resume {run_dir.path}") from None
        run_dir.add_session(time.perf_counter() - start, "finished")
        finish(spec, run_dir, log)
