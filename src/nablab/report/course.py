"""The report's "course vs nablab" table: every variant with a published course result, the
verdict with the noise it allowed for (experiments/verdict.py), the curve at the course's
checkpoints beside the course's, and the reason wherever ours falls outside."""

from __future__ import annotations

from ..document import Heading, Paragraph, Table
from ..results import Variant
from .runs import Run, course_text, label, mean_std

WIDE = 0.05                 # per-seed values are listed where they spread wider than this
CURVE_AT = ("100", "300", "500", "1000", "2000")


def course_comparison(T, runs: dict[str, Run]) -> list:
    """One row per variant with a course result: the course's value or range, our mean ± std
    (per seed where they differ widely, with the last 100 iterations' mean), the verdict with its
    2σ and where σ came from, both curves at the checkpoints, and the reason for any verdict
    other than "inside" / "within noise" (T["course_why"], or the one-seed sentence)."""
    rows = []
    for name, run in runs.items():
        if run.results.kind != "classify":
            continue
        acc = {v.key: v.test_acc for v in run.variants}
        n_test = run.results.dataset.n_test if run.results.dataset else 0
        for v in run.variants:
            if v.course is None:
                continue
            rows.append((name, label(T, v.label), course_text(v.course), ours(T, v), verdict(T, v),
                         curve(v), why(T, name, v, acc, n_test)))
    return [Heading(2, T["course_h"]), Paragraph(T["course_intro"]), Table(T["course_header"], rows)]


def ours(T, v: Variant) -> str:
    """'0.9577 ± 0.0005 (3)', with each seed and the last 100 iterations where the seeds differ widely."""
    text = f"{mean_std(v)} ({v.seeds})"
    seeds = [s for s in v.test_acc_seeds if s is not None]
    if len(seeds) > 1 and max(seeds) - min(seeds) > WIDE:
        text += T["per_seed"].format(seeds=" / ".join(f"{s:.2f}" for s in seeds))
        if v.test_acc_last100 is not None:
            text += T["last100"].format(acc=v.test_acc_last100)
    return text


def verdict(T, v: Variant) -> str:
    """'within noise (2σ = 0.0124, test set)'; the plain verdict where no noise was recorded."""
    text = T["verdicts"].get(v.versus_course, "")
    if v.noise is None or v.versus_course is None:
        return text
    return f"{text} (2σ = {v.noise:.4f}, {T['noise_from'][v.noise_from]})"


def curve(v: Variant) -> str:
    """Test accuracy at the course's checkpoints, ours / the course's: '@100 0.88 / 0.88 · …'."""
    parts = []
    for it in CURVE_AT:
        theirs, point = v.course_at.get(it), v.at.get(it)
        if theirs is None or point is None:
            continue
        parts.append(f"@{it} {point['test_acc']:.2f} / {course_text(tuple(theirs) if isinstance(theirs, list) else theirs)}")
    return " · ".join(parts) or "—"


def why(T, name: str, v: Variant, acc: dict, n_test: int) -> str:
    """The reason for an outside verdict: measured (T["course_why"]) or, for one seed, that it
    cannot be judged; then any note on the variant (T["course_notes"]). Empty for inside and within
    noise without a note."""
    note = T["course_notes"].get(f"{name}/{v.key}", "")
    if v.versus_course == "one seed":
        return " ".join(filter(None, (T["one_seed_why"], note)))
    if v.versus_course not in ("above", "below"):
        return note
    lo, hi = (v.course, v.course) if isinstance(v.course, (int, float)) else v.course
    gap = max(lo - v.test_acc, v.test_acc - hi, 0)
    reason = T["course_why"].get(f"{name}/{v.key}", T["no_reason"]).format(
        mean=v.test_acc, std=v.test_acc_std, acc=acc, gap=gap, images=round(gap * n_test), n_test=n_test,
        noise=v.noise or 0.0)
    return " ".join(filter(None, (reason, note)))
