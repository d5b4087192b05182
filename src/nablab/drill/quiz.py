"""`nablab drill`: the terminal quiz. Questions missed last time come first; every answer is saved
at once (XDG data dir, JSON lines, written atomically), so Ctrl-C or EOF loses nothing."""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

from ..errors import ConfigError, DataError
from ..files import atomic_write, read_regular
import numpy as np

from . import figures
from .bank import Question, outcome

WORDS = {
    "ja": {"right": "正解！", "wrong": "不正解。正解は ({answer}) {text}", "prompt": "答え ({letters}、q で終了): ",
           "score": "{right} / {total} 問正解", "stopped": "中断しました（ここまでの記録は保存済み）",
           "runs": "あなたの選んだ ({letter}) を実行すると: {detail}", "blank": "（空欄）",
           "figure": "［図］", "left": "残り {minutes} 分", "time_up": "時間切れです。",
           "exam": "模擬試験: {n} 問、{minutes} 分。答え合わせは最後にまとめて行います。",
           "per_section": "分野別の得点", "missed": "間違えた問題", "yours": "あなたの答え ({letter}) {text}",
           "stats_head": "分野\t問題数\t解いた\t直近で正解\t全回答の正答率",
           "no_progress": "まだ記録がありません（{path}）"},
    "en": {"right": "Right!", "wrong": "Wrong. The answer is ({answer}) {text}", "prompt": "Answer ({letters}, q to quit): ",
           "score": "{right} / {total} right", "stopped": "Stopped (every answer so far is saved)",
           "runs": "Your choice ({letter}) when run: {detail}", "blank": "(blank)",
           "figure": "[figure]", "left": "{minutes} min left", "time_up": "Time is up.",
           "exam": "Mock exam: {n} questions, {minutes} minutes. Answers are marked at the end.",
           "per_section": "Score per section", "missed": "Missed questions", "yours": "Your answer ({letter}) {text}",
           "stats_head": "section\tquestions\tanswered\tlast right\tall answers right",
           "no_progress": "No answers recorded yet ({path})"},
}


def progress_file() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "nablab" / "drill-progress.jsonl"


def progress_bytes(path: Path) -> bytes:
    """The progress file's bytes (b"" where there is none yet). A symbolic link, a FIFO or a device
    in its place is a DataError: nablab never copies another file into its progress."""
    if path.is_symlink():
        raise DataError(f"{path}: a symbolic link; the drill keeps its progress in a regular file (remove the link)")
    return read_regular(path) if path.exists() else b""


def history() -> dict[str, bool]:
    """{question id: whether its last answer was right}; unreadable lines are skipped."""
    path, last = progress_file(), {}
    for line in progress_bytes(path).decode("utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
            last[str(entry["id"])] = bool(entry["right"])
        except (ValueError, KeyError, TypeError, RecursionError):
            continue
    return last


def record(q: Question, letter: str, right: bool) -> None:
    path = progress_file()
    old = progress_bytes(path)
    line = json.dumps({"id": q.id, "answer": letter, "right": right,
                       "time": time.strftime("%Y-%m-%d %H:%M:%S")}, ensure_ascii=False)
    atomic_write(path, lambda f: f.write(old + line.encode("utf-8") + b"\n"))


def select(questions: list[Question], section: str | None, n: int | None, seed: int | None) -> list[Question]:
    """The questions of ``section`` (all sections when None): missed last time first, then new ones,
    then those answered right; shuffled within each group by ``seed``, and each question's choices
    shuffled too (the same ``seed``, the same order; no seed, a new order each session)."""
    if section is not None:
        sections = sorted({q.section for q in questions})
        if section not in sections:
            raise ConfigError(f"drill: unknown section {section!r}; expected one of {sections}")
        questions = [q for q in questions if q.section == section]
    if n is not None and n < 1:
        raise ConfigError(f"drill: --n must be >= 1; got {n}")
    rng, last = random.Random(seed), history()
    groups = [[q for q in questions if last.get(q.id) is False], [q for q in questions if q.id not in last],
              [q for q in questions if last.get(q.id) is True]]
    for group in groups:
        rng.shuffle(group)
    ordered = [q for group in groups for q in group]
    return shuffle_choices(ordered[:n] if n else ordered, seed)


def shuffle_choices(questions: list[Question], seed: int | None) -> list[Question]:
    choices_rng = np.random.default_rng(seed)
    return [q.shuffled(choices_rng) for q in questions]


def show(q: Question, lang: str, number: int, total: int, out, color: bool) -> None:
    print(f"\n[{number}/{total}] {q.section_name[lang]} — {q.title[lang]}  ({q.id})", file=out)
    print(q.text[lang].replace("**", ""), file=out)                  # the sheet shows **…** in bold
    if q.figure:
        print(WORDS[lang]["figure"] + " " + figures.describe(q.figure, lang), file=out)
    if q.code:
        code = q.with_blanks_labelled()
        if color:
            for label in q.labels:
                code = code.replace(f"({label})", f"\033[7m ({label}) \033[0m", 1)
        print(code, file=out)
    for letter in q.letters:
        print(f"  {letter}) {q.shown(letter, lang)}", file=out)


def judge(q: Question, letter: str, lang: str, out) -> bool:
    right = letter == q.answer
    feedback(q, letter, lang, out)
    record(q, letter, right)
    return right


def feedback(q: Question, letter: str, lang: str, out) -> None:
    """Right, or: the right choice's text, the explanation and what the chosen code does when run."""
    w = WORDS[lang]
    right = letter == q.answer
    print(w["right"] if right else w["wrong"].format(answer=q.answer, text=q.shown(q.answer, lang)), file=out)
    print(q.explanation[lang], file=out)
    if not right:
        result = outcome(q, letter)
        if result is not None:
            print(w["runs"].format(letter=letter, detail=result.text(lang)), file=out)


def play(questions: list[Question], lang: str, answers: list[str] | None = None,
         read=input, out=None) -> tuple[int, int]:
    """Ask each question; ``answers`` (letters) instead of reading from the terminal. Returns
    (right, asked). Ctrl-C, EOF or "q" stop the quiz; what was answered is kept."""
    w, right, asked = WORDS[lang], 0, 0
    out = sys.stdout if out is None else out
    color = answers is None and out.isatty()
    answers = validated(questions, answers)
    total = len(questions) if answers is None else len(answers)
    for i, q in enumerate(questions[:total]):
        show(q, lang, i + 1, total, out, color)
        letter = next_letter(q, i, answers, w, read, out)
        if letter is None:
            break
        asked += 1
        right += judge(q, letter, lang, out)
    print("\n" + w["score"].format(right=right, total=asked), file=out)
    return right, asked


def next_letter(q: Question, i: int, answers: list[str] | None, w: dict, read, out) -> str | None:
    """The i-th answer: from --answers, or asked; None stops (q, Ctrl-C, EOF, or no answer left)."""
    if answers is not None:
        return answers[i] if i < len(answers) else None
    letter = ask(q, w, read)
    if letter is None:
        print(w["stopped"], file=out)
    return letter


def validated(questions: list[Question], answers: list[str] | None) -> list[str] | None:
    """--answers, every letter checked before anything is recorded."""
    if answers is None:
        return None
    if len(answers) > len(questions):
        raise ConfigError(f"drill: {len(answers)} answers for {len(questions)} questions")
    letters = [a.strip().lower() for a in answers]
    for i, (q, letter) in enumerate(zip(questions, letters)):
        if len(letter) != 1 or letter not in q.letters:
            raise ConfigError(f"drill: answer {i + 1} must be one of {list(q.letters)}; got {letter!r}")
    return letters


def ask(q: Question, w: dict, read) -> str | None:
    """A valid letter from the learner, or None to stop (q, Ctrl-C, end of input)."""
    while True:
        try:
            text = read(w["prompt"].format(letters="/".join(q.letters))).strip().lower()
        except (EOFError, KeyboardInterrupt):
            return None
        if text == "q":
            return None
        if len(text) == 1 and text in q.letters:
            return text
