"""`nablab drill --exam`: a mock exam — questions across every section, a time limit, no feedback
until the end, then the score per section and each missed question with its explanation; and
`nablab drill --stats`: per-section accuracy from the progress file."""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict

import numpy as np

from ..errors import ConfigError
from .bank import Question
from .quiz import WORDS, feedback, next_letter, progress_file, record, show, shuffle_choices, validated


def choose(questions: list[Question], n: int, seed: int | None) -> list[Question]:
    """``n`` questions spread over the sections (round robin over each section's shuffled list)."""
    if n < 1:
        raise ConfigError(f"drill --exam: --n must be >= 1; got {n}")
    rng = np.random.default_rng(seed)
    by_section = defaultdict(list)
    for q in questions:
        by_section[q.section].append(q)
    pools = [list(rng.permutation(len(qs))) for qs in by_section.values()]
    sections = list(by_section.values())
    chosen = []
    while len(chosen) < min(n, len(questions)):
        for pool, qs in zip(pools, sections):
            if pool and len(chosen) < n:
                chosen.append(qs[pool.pop()])
    return shuffle_choices(chosen, seed)


def run_exam(questions: list[Question], lang: str, minutes: float, answers: list[str] | None = None,
             read=input, out=None, clock=time.monotonic) -> tuple[int, int]:
    """Ask every question without feedback until time runs out; then mark. (right, total)."""
    if minutes <= 0:
        raise ConfigError(f"drill --exam: --minutes must be > 0; got {minutes}")
    out = sys.stdout if out is None else out
    w = WORDS[lang]
    answers = validated(questions, answers)
    print(w["exam"].format(n=len(questions), minutes=f"{minutes:g}"), file=out)
    start, given = clock(), {}
    for i, q in enumerate(questions):
        left = minutes - (clock() - start) / 60
        if left <= 0:
            print(w["time_up"], file=out)
            break
        print(w["left"].format(minutes=f"{left:.1f}"), file=out)
        show(q, lang, i + 1, len(questions), out, color=False)
        letter = next_letter(q, i, answers, w, read, out)
        if letter is None:
            break
        given[q.id] = letter
        record(q, letter, letter == q.answer)
    return mark(questions, given, lang, out)


def mark(questions: list[Question], given: dict, lang: str, out) -> tuple[int, int]:
    """The score per section (unanswered questions count as missed), then each missed question."""
    w = WORDS[lang]
    per = defaultdict(lambda: [0, 0])
    for q in questions:
        per[q.section_name[lang]][1] += 1
        per[q.section_name[lang]][0] += given.get(q.id) == q.answer
    print("\n" + w["per_section"], file=out)
    for name, (right, total) in per.items():
        print(f"  {name}: {right} / {total}", file=out)
    right = sum(r for r, _ in per.values())
    missed = [q for q in questions if given.get(q.id) != q.answer]
    if missed:
        print("\n" + w["missed"], file=out)
    for q in missed:
        print(f"\n— {q.title[lang]} ({q.id})", file=out)
        if q.id in given:
            print(w["yours"].format(letter=given[q.id], text=q.shown(given[q.id], lang)), file=out)
            feedback(q, given[q.id], lang, out)
        else:
            print(w["wrong"].format(answer=q.answer, text=q.shown(q.answer, lang)), file=out)
            print(q.explanation[lang], file=out)
    print("\n" + w["score"].format(right=right, total=len(questions)), file=out)
    return right, len(questions)


def stats(questions: list[Question], lang: str, out=None) -> dict:
    """Per section: questions in the bank, answered at least once, right at the last answer, and the
    share of all recorded answers that were right."""
    out = sys.stdout if out is None else out
    w = WORDS[lang]
    path = progress_file()
    section_of = {q.id: q.section for q in questions}
    names = {q.section: q.section_name[lang] for q in questions}
    last, tries = {}, defaultdict(lambda: [0, 0])
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                qid, right = str(entry["id"]), bool(entry["right"])
            except (ValueError, KeyError, TypeError):
                continue
            if qid in section_of:
                last[qid] = right
                tries[section_of[qid]][0] += right
                tries[section_of[qid]][1] += 1
    if not last:
        print(w["no_progress"].format(path=path), file=out)
    table = {}
    print(w["stats_head"], file=out)
    for section, name in names.items():
        ids = [q.id for q in questions if q.section == section]
        answered = [i for i in ids if i in last]
        right, total = tries[section]
        share = f"{right / total:.0%}" if total else "–"
        table[section] = {"questions": len(ids), "answered": len(answered),
                          "last_right": sum(last[i] for i in answered), "all_right": right, "all": total}
        print(f"{name}\t{len(ids)}\t{len(answered)}\t{table[section]['last_right']}\t{share}", file=out)
    return table
