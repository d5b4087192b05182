"""`nablab drill --export sheet.html`: a printable practice sheet — the questions first, then the
answers with their explanations (and, for code and numeric questions, what nablab computed)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..document import Code, Figure, Heading, Items, Paragraph, to_html
from ..errors import ConfigError
from ..files import write_text
from . import figures
from .bank import Question, outcome

RUNS = {"ja": "を実行すると", "en": "when run"}
TITLES = {"ja": ("E資格 Day 2 演習問題", "解答と解説", "nablab による確認"),
          "en": ("E-qualification Day 2 drill", "Answers and explanations", "Checked by nablab")}


def sheet(questions: list[Question], lang: str, figure_dir: Path) -> list:
    title, answers_h, checked = TITLES[lang]
    blocks = [Heading(1, title)]
    for n, q in enumerate(questions, 1):
        blocks += [Heading(3, f"Q{n}. {q.title[lang]}"), Paragraph(q.text[lang])]
        if q.figure:
            png = figure_dir / f"{q.figure}.png"
            if not png.exists():
                figures.draw(q.figure, png)
            blocks += [Figure(png, figures.describe(q.figure, lang).splitlines()[0])]
        if q.code:
            blocks.append(Code(q.with_blanks_labelled()))
        blocks.append(Items([f"({letter}) {q.shown(letter, lang)}" for letter in q.letters]))
    blocks.append(Heading(2, answers_h))
    for n, q in enumerate(questions, 1):
        blocks.append(Paragraph(f"**Q{n}. ({q.answer})** {q.shown(q.answer, lang)} — {q.explanation[lang]}"))
        proof = outcome(q, q.answer)
        if proof is not None:
            blocks.append(Paragraph(f"{checked}: {proof.text(lang)}"))
        if q.kind == "code":                              # what each wrong choice does when run
            blocks.append(Items([f"({letter}) {RUNS[lang]}: {outcome(q, letter).text(lang)}"
                                 for letter in q.letters if letter != q.answer]))
    return blocks


def export(questions: list[Question], path: str | Path, lang: str) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ConfigError(f"drill --export expects a .html file name; got {path}")
    with tempfile.TemporaryDirectory(prefix="nablab-sheet-") as tmp:          # the figures, embedded in the page
        write_text(path, to_html(sheet(questions, lang, Path(tmp)), TITLES[lang][0], lang))
    return path
