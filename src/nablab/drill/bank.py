"""The question bank: bank/<section>.toml, loaded and checked field by field.

Each file: ``section`` (its id, e.g. "2"), ``name = {ja, en}``, and ``[[question]]`` tables with
id, kind ("code" | "numeric" | "concept"), title/text/explanation ``{ja, en}``, choices (code
fragments, numbers or sentences), answer (the letter of the right one as listed; the quiz shows
the choices in an order drawn from the id, and each session shuffles them again), ``code`` for code
blanks (each blank is ``____``; the Japanese text names each blank's label, (ア), (イ), ... in order, and
a choice of a question with several blanks is a list, one fragment per blank — the exam's
combination question) and ``check`` for code and numeric questions (proofs.py); ``format`` — the
exam's question type (FORMATS) — and ``figure`` (a figure of figures.py the question reads).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..checker import course
from ..checker.components import OPTIMIZER_ARGS, find
from . import figures, function_proofs, proofs, values

BANK = Path(__file__).with_name("bank")
BLANK = "____"
KINDS = ("code", "numeric", "concept")
FORMATS = ("standard", "inappropriate", "combination", "formula", "figure", "trace")   # the exam's types
LANGS = ("ja", "en")
LABEL = re.compile(r"[（(]([ア-ンあ-ん])[)）]")


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    section_name: dict
    kind: str
    title: dict
    text: dict
    choices: tuple[str, ...]
    answer: str
    explanation: dict
    code: str = ""
    check: dict = field(default_factory=dict)
    format: str = "standard"
    labels: tuple[str, ...] = ()          # the blanks' labels, as the Japanese text names them
    figure: str = ""

    @property
    def letters(self) -> str:
        return string.ascii_lowercase[:len(self.choices)]

    def choice(self, letter: str):
        """What choice ``letter`` is: a code fragment (a tuple of them for several blanks), a number as
        text, or {ja, en} sentences."""
        return self.choices[self.letters.index(letter)]

    def shown(self, letter: str, lang: str) -> str:
        c = self.choice(letter)
        if isinstance(c, dict):
            return c[lang]
        if isinstance(c, tuple):
            return "　".join(f"({label}) {part}" for label, part in zip(self.labels, c))
        return c

    def filled(self, letter: str) -> str:
        """The code with choice ``letter`` in its blank(s)."""
        parts = self.choice(letter)
        code = self.code
        for part in (parts if isinstance(parts, tuple) else (parts,)):
            code = code.replace(BLANK, part, 1)
        return code

    def with_blanks_labelled(self) -> str:
        """The code as shown: each blank replaced by its label."""
        code = self.code.strip("\n")
        for label in self.labels:
            code = code.replace(BLANK, f"({label})", 1)
        return code

    def shuffled(self, rng) -> "Question":
        """The same question with its choices in the order ``rng`` draws (the answer letter follows)."""
        order = rng.permutation(len(self.choices))
        right = self.letters.index(self.answer)
        return dataclasses.replace(self, choices=tuple(self.choices[i] for i in order),
                                   answer=string.ascii_lowercase[int(np.flatnonzero(order == right)[0])])


def _text(where: str, table: dict, name: str) -> dict:
    value = table.get(name)
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) and value[k] for k in LANGS):
        raise DataError(f"{where}: {name} must be a table with non-empty ja and en texts; got {value!r}")
    return value


def parse(path: Path) -> list[Question]:
    """The questions of one bank file; DataError names the file, the question and the field."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise DataError(f"{path}: not a readable TOML bank file ({e})") from None
    section = doc.get("section")
    if not isinstance(section, str) or not section:
        raise DataError(f"{path}: section must be a non-empty string; got {section!r}")
    name = _text(str(path), doc, "name")
    tables = doc.get("question")
    if not isinstance(tables, list) or not tables:
        raise DataError(f"{path}: expected [[question]] tables")
    return [question(f"{path}: question {i + 1}", t, section, name) for i, t in enumerate(tables)]


def question(where: str, t: dict, section: str, name: dict) -> Question:
    if not isinstance(t, dict) or not isinstance(t.get("id"), str):
        raise DataError(f"{where}: id must be a string")
    where = f"{where} ({t['id']})"
    unknown = set(t) - {"id", "kind", "title", "text", "choices", "answer", "explanation", "code", "check",
                        "format", "figure"}
    if unknown:
        raise DataError(f"{where}: unknown field(s) {sorted(unknown)}")
    kind, choices, answer = t.get("kind"), t.get("choices"), t.get("answer")
    if kind not in KINDS:
        raise DataError(f"{where}: kind must be one of {list(KINDS)}; got {kind!r}")
    if kind == "concept" and isinstance(choices, list):      # sentences: {ja, en} each
        choices = [_text(f"{where}: choices[{i}]", {"c": c}, "c") for i, c in enumerate(choices)]
    blanks = t.get("code", "").count(BLANK) if isinstance(t.get("code", ""), str) else 0
    if kind == "code" and blanks > 1 and isinstance(choices, list):    # a combination: one fragment per blank
        if not all(isinstance(c, list) and len(c) == blanks and all(isinstance(x, str) for x in c) for c in choices):
            raise DataError(f"{where}: with {blanks} blanks every choice must be a list of {blanks} code fragments")
        choices = [tuple(c) for c in choices]
    if not isinstance(choices, list) or not 3 <= len(choices) <= 6 or \
            not all(isinstance(c, (str, int, float, dict, tuple)) for c in choices) or \
            len(set(map(str, choices))) < len(choices):
        raise DataError(f"{where}: choices must be 3 to 6 different strings or numbers; got {choices!r}")
    letters = string.ascii_lowercase[:len(choices)]
    if not isinstance(answer, str) or answer not in letters:
        raise DataError(f"{where}: answer must be one of the letters {list(letters)}; got {answer!r}")
    code, check = t.get("code", ""), t.get("check", {})
    if kind == "code" and (not isinstance(code, str) or code.count(BLANK) < 1):
        raise DataError(f"{where}: a code question needs code with at least one blank {BLANK}")
    fmt, figure = t.get("format", "standard"), t.get("figure", "")
    if fmt not in FORMATS:
        raise DataError(f"{where}: format must be one of {list(FORMATS)}; got {fmt!r}")
    if fmt == "figure" and not (isinstance(figure, str) and figure in figures.FIGURES):
        raise DataError(f"{where}: a figure question needs figure = one of {sorted(figures.FIGURES)}; got {figure!r}")
    if kind in ("code", "numeric") and not valid_check(kind, check):
        raise DataError(f"{where}: check must name a known proof; got {check!r}")
    text = _text(where, t, "text")
    labels = tuple(LABEL.findall(text["ja"]))
    if kind == "code" and len(labels) != code.count(BLANK):
        raise DataError(f"{where}: the Japanese text names the blanks {list(labels)}, the code has "
                        f"{code.count(BLANK)} blank(s); name each, in order, as (ア), (イ), ...")
    choices, answer = shuffled(t["id"], [c if isinstance(c, (dict, tuple)) else str(c) for c in choices],
                               letters.index(answer))
    return Question(t["id"], section, name, kind, _text(where, t, "title"), text,
                    choices, answer, _text(where, t, "explanation"), code, check, fmt, labels, figure)


def shuffled(qid: str, choices: list, right: int) -> tuple[tuple, str]:
    """The choices in an order drawn from the question's id (the same every time), and the new
    letter of the right one: where the answer sits is never a pattern to learn."""
    seed = int.from_bytes(hashlib.sha256(qid.encode()).digest()[:8], "big")
    order = np.random.default_rng(seed).permutation(len(choices))
    return tuple(choices[i] for i in order), string.ascii_lowercase[int(np.flatnonzero(order == right)[0])]


def valid_check(kind: str, check) -> bool:
    if not isinstance(check, dict):
        return False
    if kind == "numeric":
        return check.get("value") in values.VALUES
    if check.get("kind") in ("optimizer", "component"):   # judged by `nablab check`'s probe
        comp = find(check["define"]) if isinstance(check.get("define"), str) else None
        return comp is not None and (check["kind"] == "component" or comp.name in OPTIMIZER_ARGS)
    return check.get("kind") == "function" and check.get("reference") in function_proofs.FUNCTIONS \
        and isinstance(check.get("define"), str)


def load(folder: Path | None = None) -> list[Question]:
    """Every question of every bank file (of ``folder``, default the package's bank/), in file
    order; ids must be unique."""
    folder = Path(folder or BANK)
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise DataError(f"{folder}: no bank files (*.toml)")
    questions = [q for path in files for q in parse(path)]
    seen = set()
    for q in questions:
        if q.id in seen:
            raise DataError(f"{folder}: question id {q.id!r} appears twice")
        seen.add(q.id)
    return questions


def outcome(q: Question, letter: str) -> proofs.Outcome | None:
    """What choice ``letter`` does when run (None for a concept question: nothing to run)."""
    choice = q.choice(letter)
    if q.kind == "numeric":
        return values.prove_value(choice, q.check)
    if q.kind == "concept":
        return None
    return prove_code(q.filled(letter), q.check, f"<{q.id} ({letter})>")


def prove_code(source: str, check: dict, name: str) -> proofs.Outcome:
    namespace = {"np": np, "im2col": course.im2col, "col2im": course.col2im}   # as the course's common.util
    try:
        exec(compile(source, name, "exec"), namespace)         # the bank's own code, or a learner's file
    except Exception as e:
        return proofs.Outcome(False, f"the code does not run: {type(e).__name__}: {str(e)[:120]}",
                              f"コードが実行できません: {type(e).__name__}: {str(e)[:120]}")
    if check["kind"] in ("optimizer", "component"):
        return proofs.prove_component(namespace, check)
    return function_proofs.prove_function(namespace, check)


def verify(questions: list[Question]) -> list[str]:
    """Problems of the bank: a correct choice that fails its proof, a distractor that passes."""
    problems = []
    for q in questions:
        squeezed = ["".join(str(q.shown(letter, "ja")).split()) for letter in q.letters]
        if len(set(squeezed)) < len(squeezed):
            problems.append(f"{q.id}: two choices differ only in spacing (or not at all): {squeezed}")
        for letter in q.letters:
            result = outcome(q, letter)
            if result is None:
                continue
            if letter == q.answer and not result.ok:
                problems.append(f"{q.id}: the answer ({letter}) {q.choice(letter)!r} fails: {result.detail}")
            elif letter != q.answer and result.ok:
                problems.append(f"{q.id}: the distractor ({letter}) {q.choice(letter)!r} passes: {result.detail}")
    return problems
