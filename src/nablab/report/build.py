"""`nablab report`: run (or reuse) the catalogue's experiments and write the Day 2 report.

    out/index.html        self-contained (figures embedded), Japanese when --lang ja or both
    out/index.en.html     the English page when --lang both
    out/report.md, out/report.en.md  Markdown with figures/ beside them
    out/figures/*.png     copies of the run figures the report uses
    out/runs/<name>/      run directories made for the report (reused ones stay where they are);
                          --quick runs go to out/runs-quick/<name>/, so they never stand in for full ones
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from ..errors import ConfigError
from ..experiments.common import read_json
from .checks import all_checks
from .compose import Run, compose
from .doc import to_html, to_markdown
from .text import TEXT

EXPERIMENTS = ("sgd-regression", "two-layer-net", "vanishing-gradient", "init-histograms",
               "depth-gradients", "batch-norm", "optimizers", "optimizer-paths", "overfitting",
               "im2col-demo", "conv-speed", "filters", "simple-cnn", "double-cnn", "deep-cnn",
               "lenet", "alexnet-style")
LANGS = ("ja", "en")


def find_reusable(paths) -> dict[str, Path]:
    """{experiment: run directory} from the given folders (run directories or their parents);
    with several runs of one experiment, the newest one wins."""
    found: dict[str, Path] = {}
    for p in map(Path, paths):
        if not p.is_dir():
            raise ConfigError(f"--reuse {p}: not a folder")
        candidates = [p] if (p / "results.json").exists() else sorted(p.iterdir())
        for d in candidates:
            if (d / "results.json").exists():
                name = read_json(d / "results.json")["experiment"]
                if name not in found or d.stat().st_mtime > found[name].stat().st_mtime:
                    found[name] = d
    return found


def collect_runs(out: Path, quick: bool, reuse=(), jobs: int = 1, log=print) -> dict[str, Run]:
    from ..experiments import registry, runner

    reused = find_reusable(reuse)
    runs = {}
    for name in EXPERIMENTS:
        if name in reused:
            log(f"reusing {reused[name]}")
            runs[name] = Run(reused[name])
            continue
        target = out / ("runs-quick" if quick else "runs") / name      # never mix the two
        if (target / "results.json").exists():
            log(f"reusing {target}")
        elif (target / "spec.json").exists():
            runner.resume(target, jobs=jobs, log=log)
        else:
            runner.run(registry.resolve(name, quick=quick), target, jobs=jobs, quick=quick,
                       command=f"nablab report{' --quick' if quick else ''}", log=log)
        runs[name] = Run(target)
    return runs


def copy_figure(src: Path, folder: Path) -> Path:
    """Copy a run's figure to ``folder`` as <run directory>-<name>.png; return the copy."""
    dst = folder / f"{src.parent.parent.name}-{src.name}"
    shutil.copyfile(src, dst)
    return dst


def write_report(out: Path, runs: dict[str, Run], langs=LANGS) -> list[Path]:
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    checks = all_checks()
    written = []
    for i, lang in enumerate(langs):
        blocks = compose(lang, runs, checks)
        md_blocks = [("figure", copy_figure(Path(b[1]), figures), b[2]) if b[0] == "figure" else b
                     for b in blocks]                          # figures beside report.md
        suffix = "" if i == 0 else f".{lang}"
        others = [(other, "" if j == 0 else f".{other}") for j, other in enumerate(langs) if other != lang]
        links = " ".join(f'<p><a href="index{s}.html">{TEXT[lang]["other_lang"]}</a></p>' for _, s in others)
        md_links = "".join(f"[{TEXT[lang]['other_lang']}](report{s}.md)\n\n" for _, s in others)
        (out / f"report{suffix}.md").write_text(md_links + to_markdown(md_blocks, "figures"), encoding="utf-8")
        (out / f"index{suffix}.html").write_text(to_html(blocks, TEXT[lang]["title"], lang, links),
                                                 encoding="utf-8")
        written += [out / f"index{suffix}.html", out / f"report{suffix}.md"]
    return written


def build_report(out: str | Path = "report", *, lang: str = "both", quick: bool = False, reuse=(),
                 jobs: int = 1, log=print) -> list[Path]:
    langs = {"both": LANGS, "ja": ("ja",), "en": ("en",)}.get(lang)
    if langs is None:
        raise ConfigError(f"--lang must be ja, en or both; got {lang!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    runs = collect_runs(out, quick, reuse, jobs, log)
    written = write_report(out, runs, langs)
    log(f"report written in {time.perf_counter() - start:.0f} s: " + ", ".join(str(p) for p in written))
    return written
