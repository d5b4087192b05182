"""Write the Day 2 report from finished run directories (``nablab report`` runs them first).

    out/index.html        self-contained (figures embedded), the first language
    out/index.en.html     the English page when both languages are written
    out/report.md, out/report.en.md  Markdown with figures/ beside them
    out/figures/*.png     copies of the run figures the report uses (<run>-<name>.ja.png: in Japanese)
    out/drawn/ja/         the runs' figures drawn again with Japanese text, for the Japanese page
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from .. import plotting
from ..document import Figure, to_html, to_markdown
from ..errors import ConfigError
from ..files import atomic_write, refuse_links, write_text
from ..rundir import RunDir
from .answers import all_checks
from .book import EXPERIMENTS as BOOK
from .compose import compose
from .curves import activation_figure, penalty_figure
from .day3 import EXPERIMENTS as DAY3
from .runs import Run, figure_source
from .text import TEXT

EXPERIMENTS = ("sgd-regression", "two-layer-net", "vanishing-gradient", "init-histograms",
               "depth-gradients", "batch-norm", "optimizers", "optimizer-paths", "overfitting", "hyperparameter-search",
               "im2col-demo", "conv-speed", "filters", "simple-cnn", "double-cnn", "deep-cnn",
               "lenet", "alexnet-style", *BOOK, *DAY3)
LANGS = ("ja", "en")


def languages(lang: str) -> tuple[str, ...]:
    langs = {"both": LANGS, "ja": ("ja",), "en": ("en",)}.get(lang)
    if langs is None:
        raise ConfigError(f"--lang must be ja, en or both; got {lang!r}")
    return langs


def check_out(out: Path) -> None:
    """The report's folder holds no symbolic link: index.html, a figure or computed/ linked elsewhere
    would be written outside it (the same rule as run directories)."""
    refuse_links(out, "the report writes only into its own folder — remove the link, or choose another --out")


def copy_figure(src: Path, folder: Path, tag: str = "") -> Path:
    """Copy a run's figure (<run>/figures/<name>.png) to ``folder`` as <run>-<name><tag>.png."""
    dst = folder / f"{src.parent.parent.name}-{src.stem}{tag}.png"
    atomic_write(dst, lambda f: f.write(src.read_bytes()))
    return dst


def check_figures(checks: dict, folder: Path) -> dict:
    """The figures the report draws from its computed answers (no run behind them), in ``folder``."""
    return {"activation_png": activation_figure(checks["activations"], folder),
            "penalty_png": penalty_figure(checks["lasso"], folder)}


def report_checks(out: Path) -> dict:
    """The computed answers (answers.all_checks) and the figures drawn from them, in out/computed/figures."""
    checks = all_checks()
    return {**checks, **check_figures(checks, Path(out) / "computed" / "figures")}


def localised(out: Path, runs: dict[str, Run], checks: dict, lang: str, draw, log) -> tuple[dict, dict]:
    """The runs and checks of the ``lang`` page: for a language other than English, every figure
    drawn again with its text in ``lang`` (``draw(run_dir, lang, folder)``, the experiments'
    draw_figures) into out/drawn/<lang>/<run>/figures. Without ``draw``, or without a font for
    ``lang`` on this machine, the figures stay English (and the log says so)."""
    if lang == "en" or draw is None:
        return runs, checks
    folder = out / "drawn" / lang
    try:
        with plotting.language(lang):
            pngs = check_figures(checks, folder / "computed" / "figures")
        drawn = {}
        for name, run in runs.items():
            target = run.dir.drawing_under(folder)
            draw(run.dir, lang, target.figures_dir)
            drawn[name] = Run(target)
    except LookupError as e:
        log(f"report: the {lang} page keeps the English figures ({e}; the setup installs fonts-noto-cjk)")
        return runs, checks
    return drawn, {**checks, **pngs}


def write_report(out: str | Path, run_dirs: dict[str, RunDir], langs=LANGS, draw=None, log=print) -> list[Path]:
    """index.html / report.md (and .en) in ``out`` from {experiment name: RunDir}; ``draw``
    redraws a run's figures in another language (see localised)."""
    out = Path(out)
    missing = [name for name in EXPERIMENTS if name not in run_dirs]
    if missing:
        raise ConfigError(f"the report needs runs of {missing}; run them first (nablab report does)")
    runs = {name: Run(run_dirs[name]) for name in EXPERIMENTS}
    check_out(out)
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    checks = report_checks(out)
    written = []
    for i, lang in enumerate(langs):
        page_runs, page_checks = localised(out, runs, checks, lang, draw, log)
        by_folder = {r.dir.figures_dir.resolve(): r for r in page_runs.values()}

        def sourced(b):
            """A figure's caption ends with the run it is drawn from (figures the report draws have none)."""
            run = by_folder.get(Path(b.path).resolve().parent) if isinstance(b, Figure) else None
            return dataclasses.replace(b, caption=b.caption + figure_source(TEXT[lang], run)) if run else b
        blocks = [sourced(b) for b in compose(lang, page_runs, page_checks)]
        tag = "" if page_runs is runs else f".{lang}"           # figures drawn in this language
        md_blocks = [dataclasses.replace(b, path=copy_figure(Path(b.path), figures, tag))
                     if isinstance(b, Figure) else b for b in blocks]       # figures beside report.md
        suffix = "" if i == 0 else f".{lang}"
        others = [(other, "" if j == 0 else f".{other}") for j, other in enumerate(langs) if other != lang]
        links = " ".join(f'<p><a href="index{s}.html">{TEXT[lang]["other_lang"]}</a></p>' for _, s in others)
        md_links = "".join(f"[{TEXT[lang]['other_lang']}](report{s}.md)\n\n" for _, s in others)
        write_text(out / f"report{suffix}.md", md_links + to_markdown(md_blocks, "figures"))
        write_text(out / f"index{suffix}.html", to_html(blocks, TEXT[lang]["title"], lang, links))
        written += [out / f"index{suffix}.html", out / f"report{suffix}.md"]
    return written
