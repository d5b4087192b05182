"""`nablab drill ...`: what each option does (the parser is in nablab.cli)."""

from __future__ import annotations

import sys
from collections import Counter

from ..errors import ConfigError
from . import bank, exam, export, grade, quiz


def drill(args) -> int:
    """Run the mode the options ask for; return the exit code."""
    modes = [m for m in ("list", "check_bank", "export", "code", "grade", "exam", "stats") if getattr(args, m)]
    if len(modes) > 1:
        raise ConfigError(f"drill: choose one of --list, --check-bank, --export, --code, --grade, --exam, --stats; "
                          f"got {', '.join('--' + m.replace('_', '-') for m in modes)}")
    if args.code:
        path = grade.write_skeleton(args.code)
        print(f"wrote {path}; fill it in, then: nablab drill --grade {path}")
        return 0
    if args.grade:
        passed, lines = grade.grade(args.grade, args.lang)
        print("\n".join(lines))
        return 0 if passed else 1
    questions = bank.load()
    if args.check_bank:
        return check_bank(questions)
    if args.list:
        for q in questions:
            print("\t".join((q.id, q.section, q.kind, q.format, q.title[args.lang])))
        return 0
    if args.stats:
        exam.stats(questions, args.lang)
        return 0
    answers = args.answers.split(",") if args.answers is not None else None
    if args.exam:
        chosen = exam.choose(questions, args.n or 30, args.seed)
        exam.run_exam(chosen, args.lang, args.minutes, answers)
        return 0
    chosen = quiz.select(questions, args.section, args.n, args.seed)
    if args.export:
        print(f"wrote {export.export(chosen, args.export, args.lang)} ({len(chosen)} questions)")
        return 0
    quiz.play(chosen, args.lang, answers)
    return 0


def check_bank(questions) -> int:
    problems = bank.verify(questions)
    counts = Counter(q.section for q in questions)
    kinds = Counter(q.kind for q in questions)
    formats = Counter(q.format for q in questions)
    print(f"{len(questions)} questions: " + ", ".join(f"section {s} {n}" for s, n in sorted(counts.items()))
          + "; " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
          + "; " + ", ".join(f"{k} {n}" for k, n in sorted(formats.items())))
    for p in problems:
        print(f"PROBLEM {p}", file=sys.stderr)
    if problems:
        return 1
    print("every code and numeric answer proven: the answer passes its check and every distractor fails it")
    return 0
