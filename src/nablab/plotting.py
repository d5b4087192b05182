"""Small matplotlib helpers shared by the experiment kinds' figures (Agg backend, files only)."""

from __future__ import annotations

import contextlib
import contextvars
import math
import warnings
import weakref
from pathlib import Path

import numpy as np

from . import layout
from .files import atomic_write


# Okabe & Ito's colour-blind-safe palette (black first, yellow last: it is faint on white);
# "C0"…"C7" in any figure name these colours
PALETTE = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442")


def pyplot():
    """matplotlib.pyplot on the Agg backend (no display needed), with the colour-blind-safe PALETTE."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from cycler import cycler
    matplotlib.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)
    return plt


LINESTYLES = ("-", "--", ":", "-.")
DPI = 110                 # PNG pixels per inch (save)
PAGE_PX = 940             # the report's content width in CSS pixels (document.STYLE: 980px less padding);
                          # a wider PNG is scaled down to it, and its text with it


def series_style(k: int) -> dict:
    """The k-th series' colour and line style. Neighbours differ in both (solid, dashed, dash-dot,
    dotted in turn), so a curve lying on another still shows through its gaps (SGD under
    Momentum when both stay at chance); after the palette's eight colours the styles shift by
    one, so no two of the first 32 series look alike."""
    n = len(PALETTE)
    return {"color": PALETTE[k % n], "ls": LINESTYLES[(k + k // n) % len(LINESTYLES)]}


def fit_page(fig) -> float:
    """A figure wider than the report's column (PAGE_PX) is shown scaled down to it, and its text
    with it: enlarge every text by that factor first (and lay the figure out again), so that text
    drawn at 9 pt is still 9 pt on the page. Returns the factor (1: the figure fits)."""
    import matplotlib
    k = fig.get_figwidth() * DPI / PAGE_PX
    if k <= 1:
        return 1.0
    for ax in fig.axes:
        for name, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            labels = axis.get_ticklabels()
            if labels:
                ax.tick_params(axis=name, which="both", labelsize=labels[0].get_fontsize() * k)
    ticks = {id(t) for a in fig.axes for t in a.get_xticklabels() + a.get_yticklabels()}   # sized above
    for text in fig.findobj(matplotlib.text.Text):
        if id(text) not in ticks:
            text.set_fontsize(text.get_fontsize() * k)
    if fig.get_layout_engine() is None:
        with warnings.catch_warnings():             # a layout it cannot improve stays as it is
            warnings.simplefilter("ignore")
            fig.tight_layout()
    return k


# the language of the figures drawn now: "en" (as the kinds write them) or "ja" (see language)
LANGUAGE = contextvars.ContextVar("figure_language", default="en")
# whether save writes the SVG beside the PNG (for print); quick previews draw PNGs only (see vector)
VECTOR = contextvars.ContextVar("figure_vector", default=True)


@contextlib.contextmanager
def vector(on: bool):
    """Figures saved in this block get an SVG beside their PNG only if ``on``."""
    token = VECTOR.set(on)
    try:
        yield
    finally:
        VECTOR.reset(token)
JAPANESE_FONTS = ("Noto Sans CJK JP", "IPAexGothic", "IPAGothic", "Noto Sans JP", "TakaoGothic", "VL Gothic")


def japanese_font() -> str | None:
    """The first Japanese font matplotlib can find on this machine (None: there is none; the
    setup installs Debian's fonts-noto-cjk)."""
    from matplotlib import font_manager
    for family in JAPANESE_FONTS:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
            return family
        except ValueError:
            continue
    return None


@contextlib.contextmanager
def language(lang: str):
    """Figures drawn and saved in this block have their text in ``lang``. "ja": every text is
    put through japanese.figure_text as it is saved, and drawn in DejaVu Sans (Latin, Greek,
    maths) falling back to a Japanese font glyph by glyph. Raises LookupError where no
    Japanese font is installed (the caller keeps the English figures)."""
    import matplotlib
    if lang == "en":
        yield
        return
    if lang != "ja":
        raise LookupError(f"figures are drawn in 'en' or 'ja', not {lang!r}")
    family = japanese_font()
    if family is None:
        raise LookupError(f"no Japanese font for the figures (looked for {', '.join(JAPANESE_FONTS)})")
    token = LANGUAGE.set(lang)
    try:
        with matplotlib.rc_context({"font.family": ["DejaVu Sans", family]}):
            yield
    finally:
        LANGUAGE.reset(token)


def translate(fig) -> None:
    """Every text of the figure in the current LANGUAGE (nothing to do for English)."""
    if LANGUAGE.get() != "ja":
        return
    import matplotlib
    from .japanese import figure_text, width, wrap
    titles = {id(ax.title) for ax in fig.axes}
    for text in fig.findobj(matplotlib.text.Text):
        if text.get_text():
            english = text.get_text()
            japanese = figure_text(english)
            if id(text) in titles and width(japanese) > max(map(width, english.split("\n"))) > 24:
                japanese = wrap(japanese.replace("\n", " "), max(map(width, english.split("\n"))))
            text.set_text(japanese)
    for ax in fig.axes:                 # tick labels given as words are redrawn from their formatter
        for axis in (ax.xaxis, ax.yaxis):
            if isinstance(axis.get_major_locator(), matplotlib.ticker.FixedLocator):
                words = [t.get_text() for t in axis.get_majorticklabels()]
                if any(words):
                    axis.set_ticklabels([figure_text(w) for w in words])


RECTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()    # figure → its tight_layout rect


def tight(fig, rect=None) -> None:
    """``fig.tight_layout(rect=rect)``, remembered: save lays the figure out the same way again
    once its text has changed (translated, or enlarged for the page)."""
    RECTS[fig] = rect
    fig.tight_layout(rect=rect)


def save(fig, folder: Path, name: str) -> Path:
    """Write ``name``.png (for pages) and ``name``.svg (for print, unless VECTOR is off: quick
    previews) into ``folder``; return the PNG.
    Its text is put in the current LANGUAGE (translate), a figure wider than the report's
    column gets its text enlarged (fit_page), and a legend that covers data points is moved
    outside its axes (layout.clear_legends)."""
    import matplotlib.layout_engine
    translate(fig)
    enlarged = fit_page(fig) > 1
    if fig in RECTS and (enlarged or LANGUAGE.get() != "en"):      # the text changed: lay out again
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fig.tight_layout(rect=RECTS[fig])
    layout.clear_legends(fig)                # a legend over data moves to a free corner, or out
    engine = fig.get_layout_engine()
    if isinstance(engine, matplotlib.layout_engine.ConstrainedLayoutEngine):
        engine.execute(fig)                  # laid out once, not again for each file written
        fig.set_layout_engine("none")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # written beside, then renamed: never half a file, never through a hard link
    atomic_write(folder / f"{name}.png", lambda f: fig.savefig(f, format="png", dpi=DPI))
    if VECTOR.get():
        atomic_write(folder / f"{name}.svg", lambda f: fig.savefig(f, format="svg"))
    pyplot().close(fig)
    return folder / f"{name}.png"


def grid(n: int, width: float = 2.8, height: float = 2.6, cols: int = 3, layout: str | None = None):
    """A figure with ``n`` axes in rows of ``cols`` (unused cells hidden); returns (fig, axes).
    ``layout="constrained"``: matplotlib lays it out (room for a legend placed "outside")."""
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    fig, axes = pyplot().subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False, layout=layout)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    return fig, axes.ravel()


def histogram(ax, counts: list, value_range: list) -> None:
    """Bars of a recorded histogram: equal bins over value_range = [lo, hi]."""
    edges = np.linspace(*value_range, len(counts) + 1)
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color="C4")
