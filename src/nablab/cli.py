"""The ``nablab`` command.

    nablab list
    nablab show NAME
    nablab run NAME [--set key=value]... [--seeds N] [--jobs N] [--quick] [--out DIR]
    nablab run --resume DIR [--jobs N]
    nablab report [--lang ja|en|both] [--quick] [--out DIR] [--reuse RUN_DIRS...] [--jobs N]
    nablab data list
    nablab data fetch NAME
    nablab data info NAME [--show grid.png]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from .errors import ConfigError, NablabError
from .experiments.runner import quiet


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nablab", description="Deep Learning Day 2, from scratch.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the experiment catalogue")
    show = sub.add_parser("show", help="an experiment's settings, variant by variant")
    show.add_argument("name")
    show.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    show.add_argument("--quick", action="store_true")
    run = sub.add_parser("run", help="run an experiment into a run directory")
    run.add_argument("name", nargs="?")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a setting of every variant, e.g. optimizer.lr=0.05")
    run.add_argument("--seeds", type=int, help="number of seeds (default: the experiment's)")
    run.add_argument("--jobs", type=int, default=1, help="processes for seeds and variants")
    run.add_argument("--quick", action="store_true", help="shrink to seconds (tests, previews)")
    run.add_argument("--out", help="run directory (default: runs/NAME-YYYYmmdd-HHMMSS)")
    run.add_argument("--resume", metavar="DIR", help="continue a stopped run")
    run.add_argument("--quiet", action="store_true", help="no progress bars or messages")
    report = sub.add_parser("report", help="the Day 2 report (HTML + Markdown) from real runs")
    report.add_argument("--lang", default="both", choices=["ja", "en", "both"])
    report.add_argument("--quick", action="store_true", help="shrunken runs: a preview in minutes")
    report.add_argument("--out", default="report")
    report.add_argument("--reuse", nargs="+", default=[], metavar="DIR",
                        help="run directories (or folders of them) to use instead of running")
    report.add_argument("--jobs", type=int, default=1)
    report.add_argument("--quiet", action="store_true", help="no progress bars or messages")
    data = sub.add_parser("data", help="datasets: list, fetch, info")
    dsub = data.add_subparsers(dest="action", required=True)
    dsub.add_parser("list", help="each dataset, whether it is available here, and from where")
    fetch = dsub.add_parser("fetch", help="bring a dataset into the cache")
    fetch.add_argument("name")
    info = dsub.add_parser("info", help="shapes, counts per class, source")
    info.add_argument("name")
    info.add_argument("--show", metavar="PNG", help="save a grid of sample images with labels")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command in ("list", "show", "run"):
            experiment_command(args, argv)
        elif args.command == "data":
            data_command(args)
        elif args.command == "report":
            from .report.build import build_report
            build_report(args.out, lang=args.lang, quick=args.quick, reuse=args.reuse, jobs=args.jobs,
                         log=quiet if args.quiet else print)
    except NablabError as e:
        print(f"nablab: error: {e}", file=sys.stderr)
        return 2
    return 0


def experiment_command(args, argv) -> None:
    import time

    from . import experiments
    from .experiments.registry import resolve

    if args.command == "list":
        for name in experiments.names():
            spec = resolve(name)
            print(f"{name:20s} {spec.section:14s} {spec.title}")
    elif args.command == "show":
        spec = resolve(args.name, args.set, quick=args.quick)
        print(f"{spec.name}: {spec.title}\n  kind: {spec.kind}; notebook: {spec.notebook or '-'}; "
              f"seeds: {spec.seeds}\n  {spec.description}\n  course result: {spec.expect}")
        from .experiments.validate import as_dict
        for run in spec.runs:
            print(f"  - {run.label}: {as_dict(run.model)}\n      optimizer {as_dict(run.optimizer)}"
                  f"\n      data {as_dict(run.data)}\n      train {as_dict(run.train)}")
        if spec.params is not None:
            print(f"  params: {as_dict(spec.params)}")
    elif args.resume:
        experiments.resume(args.resume, jobs=args.jobs, log=quiet if args.quiet else print)
    else:
        if not args.name:
            raise ConfigError("nablab run needs an experiment NAME or --resume DIR")
        spec = resolve(args.name, args.set, quick=args.quick, seeds=args.seeds)
        out = args.out or f"runs/{spec.name}-{time.strftime('%Y%m%d-%H%M%S')}"
        experiments.run(spec, out, jobs=args.jobs, quick=args.quick, log=quiet if args.quiet else print,
                        command="nablab " + " ".join(argv if argv is not None else sys.argv[1:]))


def data_command(args) -> None:
    from . import data
    from .data.fetch import fetch, list_datasets

    if args.action == "list":
        for name, title, ok, where in list_datasets():
            print(f"{name:14s} {'available' if ok else 'missing':9s} {title}\n    {where}")
    elif args.action == "fetch":
        print(fetch(args.name))
    elif args.action == "info":
        ds = data.load(args.name)
        print(ds)
        for split, y in (("train", ds.y_train), ("test", ds.y_test)):
            counts = np.bincount(y, minlength=len(ds.classes))
            print(f"  {split} per class: " + ", ".join(f"{c}={n}" for c, n in zip(ds.classes, counts)))
        if args.show:
            from .data.preview import save_grid
            print(f"  wrote {save_grid(ds, args.show)}")


if __name__ == "__main__":
    sys.exit(main())
