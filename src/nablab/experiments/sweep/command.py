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
from .. import kinds
from ..registry import from_dict, resolve
from ..runner import resume, run

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


def more_trials(n: int | None):
    """The spec of a session that runs ``n`` more trials (None: the trials the spec still lacks)."""
    def session(spec):
        if spec.kind != "sweep":
            raise ConfigError(f"holds a {spec.kind} run; nablab sweep --resume continues sweeps")
        return dataclasses.replace(spec, params=dataclasses.replace(spec.params, more_trials=n)) if n else spec
    return session


def sweep(args, jobs: int, where: str | None, log) -> None:
    """A sweep through the runner, as any experiment: create (or --resume) its run directory, run
    its one task here — it asks Optuna for trials and runs them on the backend — write its results."""
    command = "nablab " + " ".join(args.argv)
    if args.resume:
        try:
            resume(args.resume, jobs=jobs, log=log, where=where, session=more_trials(args.trials), command=command)
        except ConfigError as e:
            raise ConfigError(f"{args.resume}: {e}") if str(e).startswith("holds a") else e from None
        return
    spec = sweep_spec(args)
    out = args.out or f"runs/{spec.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    shared = more_trials(spec.params.trials)(spec) if spec.params.storage else None   # trials of our own
    run(spec, out, jobs=jobs, quick=args.quick, command=command, overrides=args.set, log=log, where=where,
        session=shared)
