"""Write the Day 2 report from finished run directories (``nablab report`` runs them first).

    out/index.html        self-contained (figures embedded), the first language
    out/index.en.html     the English page when both languages are written
    out/report.md, out/report.en.md  Markdown with figures/ beside them
    out/figures/*.png     copies of the run figures the report uses
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from ..document import Figure, to_html, to_markdown
from ..errors import ConfigError
from ..rundir import RunDir
from .answers import all_checks
from .compose import compose
from .curves import activation_figure
from .day3 import EXPERIMENTS as DAY3
from .runs import Run, figure_source
from .text import TEXT

EXPERIMENTS = ("sgd-regression", "two-layer-net", "vanishing-gradient", "init-histograms",
               "depth-gradients", "batch-norm", "optimizers", "optimizer-paths", "overfitting", "hyperparameter-search",
               "im2col-demo", "conv-speed", "filters", "simple-cnn", "double-cnn", "deep-cnn",
               "lenet", "alexnet-style", *DAY3)
LANGS = ("ja", "en")


def languages(lang: str) -> tuple[str, ...]:
    langs = {"both": LANGS, "ja": ("ja",), "en": ("en",)}.get(lang)
    if langs is None:
        raise ConfigError(f"--lang must be ja, en or both; got {lang!r}")
    return langs


def copy_figure(src: Path, folder: Path) -> Path:
    """Copy a run's figure to ``folder`` as <run directory>-<name>.png; return the copy."""
    dst = folder / f"{src.parent.parent.name}-{src.name}"
    shutil.copyfile(src, dst)
    return dst


def report_checks(out: Path) -> dict:
    """The computed answers (answers.all_checks) and the figure drawn from them, in out/computed/figures."""
    checks = all_checks()
    checks["activation_png"] = activation_figure(checks["activations"], Path(out) / "computed" / "figures")
    return checks


def write_report(out: str | Path, run_dirs: dict[str, RunDir], langs=LANGS) -> list[Path]:
    """index.html / report.md (and .en) in ``out`` from {experiment name: RunDir}."""
    out = Path(out)
    missing = [name for name in EXPERIMENTS if name not in run_dirs]
    if missing:
        raise ConfigError(f"the report needs runs of {missing}; run them first (nablab report does)")
    runs = {name: Run(run_dirs[name]) for name in EXPERIMENTS}
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    checks = report_checks(out)
    written = []
    by_dir = {r.path.resolve(): r for r in runs.values()}

    def sourced(b, lang):
        """A figure's caption ends with the run it is drawn from (figures the report draws have none)."""
        run = by_dir.get(Path(b.path).resolve().parents[1]) if isinstance(b, Figure) else None
        return dataclasses.replace(b, caption=b.caption + figure_source(TEXT[lang], run)) if run else b
    for i, lang in enumerate(langs):
        blocks = [sourced(b, lang) for b in compose(lang, runs, checks)]
        md_blocks = [dataclasses.replace(b, path=copy_figure(Path(b.path), figures))
                     if isinstance(b, Figure) else b for b in blocks]       # figures beside report.md
        suffix = "" if i == 0 else f".{lang}"
        others = [(other, "" if j == 0 else f".{other}") for j, other in enumerate(langs) if other != lang]
        links = " ".join(f'<p><a href="index{s}.html">{TEXT[lang]["other_lang"]}</a></p>' for _, s in others)
        md_links = "".join(f"[{TEXT[lang]['other_lang']}](report{s}.md)\n\n" for _, s in others)
        (out / f"report{suffix}.md").write_text(md_links + to_markdown(md_blocks, "figures"), encoding="utf-8")
        (out / f"index{suffix}.html").write_text(to_html(blocks, TEXT[lang]["title"], lang, links),
                                                 encoding="utf-8")
        written += [out / f"index{suffix}.html", out / f"report{suffix}.md"]
    return written
