"""The ``nablab`` command.

    nablab demo [--dataset mnist] [--iters 2000] [--quick] [--out runs/demo]
    nablab data list
    nablab data fetch NAME
    nablab data info NAME [--show grid.png]
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from .errors import NablabError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nablab", description="Deep Learning Day 2, from scratch.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train the course's ReLU-He MLP on real data")
    demo.add_argument("--dataset", default="mnist", choices=["mnist", "fashion-mnist", "digits"])
    demo.add_argument("--iters", type=int, default=2000)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--quick", action="store_true", help="200 iterations, for a smoke test")
    demo.add_argument("--out", default="runs/demo")
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
        if args.command == "demo":
            from .demo import run
            run(args.dataset, iters=args.iters, seed=args.seed, out=args.out, quick=args.quick)
        elif args.command == "data":
            data_command(args)
    except NablabError as e:
        print(f"nablab: error: {e}", file=sys.stderr)
        return 2
    return 0


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
