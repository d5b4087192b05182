"""The course-vs-nablab table: verdicts no stronger than the data, a reason for every outside one."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from nablab.document import Table
from nablab.verdict import versus_course
from nablab.report.course import course_comparison
from nablab.report.text import TEXT
from nablab.results import Variant


def planted(key, seeds, course, n_test, course_at=None, at=None, last100=None):
    values = [s for s in seeds if s is not None]
    mean = sum(values) / len(values)
    v = versus_course(seeds, course, n_test)
    return Variant(label=key, key=key, seeds=len(seeds), iters=1000, test_acc=mean, test_acc_std=0.01,
                   train_acc=1.0, train_acc_std=0.0, final_loss=0.1, wall_time_s=1.0, course=course,
                   versus_course=v.verdict, noise=v.noise, noise_from=v.noise_from, test_acc_seeds=tuple(seeds),
                   course_at=course_at or {}, at=at or {}, test_acc_last100=last100)


def table(lang, variants, n_test=1000, name="overfitting"):
    run = SimpleNamespace(results=SimpleNamespace(kind="classify", dataset=SimpleNamespace(n_test=n_test)),
                          variants=tuple(variants))
    blocks = course_comparison(TEXT[lang], {name: run})
    return next(b for b in blocks if isinstance(b, Table))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_outside_verdicts_always_carry_a_reason(lang):
    rows = table(lang, [planted("a", [0.85, 0.851, 0.852], 0.9, 10_000),     # below, no reason written
                        planted("b", [0.85], 0.9, 10_000),                     # one seed
                        planted("c", [0.9], 0.9, 10_000)]).rows              # inside
    verdicts = {r[1]: (r[4], r[-1]) for r in rows}
    T = TEXT[lang]
    assert verdicts["a"][0].startswith(T["verdicts"]["below"]) and verdicts["a"][1]
    assert verdicts["b"][0].startswith(T["verdicts"]["one seed"]) and verdicts["b"][1] == T["one_seed_why"]
    assert verdicts["c"][0].startswith(T["verdicts"]["inside"]) and verdicts["c"][1] == ""
    assert "2σ = " in verdicts["a"][0]


def test_wide_seeds_are_listed_with_the_last_100_iterations_and_the_curves_side_by_side():
    l1 = planted("l1", [0.36, 0.45, 0.73], (0.64, 0.70), 10_000, course_at={"500": 0.57, "1000": 0.70},
                 at={"500": {"train_acc": 0.9, "test_acc": 0.61}, "1000": {"train_acc": 0.9, "test_acc": 0.51}},
                 last100=0.55)
    tight = planted("none", [0.76, 0.761, 0.762], (0.7499, 0.7645), 10_000)
    rows = {r[1]: r for r in table("en", [l1, tight], n_test=10_000).rows}
    assert "seeds 0.36 / 0.45 / 0.73" in rows["l1"][3] and "last 100 iterations 0.5500" in rows["l1"][3]
    assert "seeds" not in rows["none"][3]
    assert rows["l1"][5] == "@500 0.61 / 0.57 · @1000 0.51 / 0.7" and rows["none"][5] == "—"
    assert "ten times" in rows["l1"][-1]                     # the learning-rate confound is named
