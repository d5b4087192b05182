"""`nablab drill`: the bank is proven (and a planted bad question is caught), the quiz asks and
records, --answers scores, --list, --export (in headless Chromium), --code/--grade, bad input."""

import json
import re
from collections import Counter

import pytest

from nablab.cli import main
from nablab.drill import bank, exam, export, figures, grade, quiz
from nablab.errors import NablabError
from helpers import run_chromium


@pytest.fixture(autouse=True)
def own_progress(tmp_path, monkeypatch):
    """Each test keeps its drill progress in its own XDG data folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def test_the_bank_is_proven(capsys):
    questions = bank.load()
    sections = Counter(q.section for q in questions)
    assert len(questions) >= 40 and min(sections.values()) >= 5 and len(sections) == 6, sections
    assert main(["drill", "--check-bank"]) == 0
    assert "every code and numeric answer proven" in capsys.readouterr().out


PLANTED = '''
section = "x"
name = { ja = "試験", en = "Test" }

[[question]]
id = "planted"
kind = "code"
title = { ja = "SGD", en = "SGD" }
text = { ja = "(ア) に入るものは？", en = "?" }
code = """
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr
    def update(self, params, grads):
        for key in params:
            params[key] -= ____
"""
choices = ["self.lr * grads[key]", "grads[key] * self.lr", "grads[key]"]
answer = "a"
explanation = { ja = "w ← w − ηg", en = "w ← w − ηg" }
check = { kind = "optimizer", define = "SGD" }
'''


def test_a_planted_distractor_that_is_correct_fails_the_check(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "x.toml").write_text(PLANTED, encoding="utf-8")
    problems = bank.verify(bank.load(folder))
    assert len(problems) == 1
    assert re.fullmatch(r"planted: the distractor \([abc]\) 'grads\[key\] \* self.lr' passes: SGD \(SGD optimizer "
                        r"\(update\(params, grads\)\)\): equal to nablab's verified implementation \(15 results\)",
                        problems[0]), problems
    monkeypatch.setattr(bank, "BANK", folder)
    assert main(["drill", "--check-bank"]) == 1
    assert "PROBLEM planted: the distractor (" in capsys.readouterr().err


@pytest.mark.parametrize("change, message", [
    (('answer = "a"', 'answer = "z"'), r"x.toml: question 1 \(planted\): answer must be one of the letters"),
    (('kind = "code"', 'kind = "essay"'), "kind must be one of"),
    (('define = "SGD"', 'define = "SGDX"'), "check must name a known proof"),
    (("    def __init__", "    def __init__ ____"), "with 2 blanks every choice must be a list of 2 code fragments"),
    (('kind = "code"', 'kind = "code"\nformat = "essay"'), "format must be one of"),
    (('section = "x"', 'section = 3'), "x.toml: section must be a non-empty string"),
    (("[[question]]", "[[question]"), "not a readable TOML bank file"),
])
def test_a_malformed_bank_file_names_the_file_and_field(change, message, tmp_path):
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "x.toml").write_text(PLANTED.replace(*change), encoding="utf-8")
    with pytest.raises(NablabError, match=message):
        bank.load(folder)


def wrong_letter(q):
    return next(letter for letter in q.letters if letter != q.answer)


def test_answers_score_and_record_then_missed_come_first(capsys):
    first = quiz.select(bank.load(), "4", 3, seed=1)          # section 4: code and numeric only
    answers = [first[0].answer, wrong_letter(first[1]), first[2].answer]
    assert main(["drill", "--section", "4", "--seed", "1", "--answers", ",".join(answers), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "2 / 3 right" in out and f"Wrong. The answer is ({first[1].answer})" in out
    assert f"Your choice ({answers[1]}) when run:" in out     # what the wrong choice does when run
    assert f"Wrong. The answer is ({first[1].answer}) {first[1].shown(first[1].answer, 'en')}" in out
    lines = [json.loads(x) for x in quiz.progress_file().read_text().splitlines()]
    assert [x["right"] for x in lines] == [True, False, True]
    missed = lines[1]["id"]
    again = quiz.select(bank.load(), "4", None, seed=5)
    assert again[0].id == missed                              # missed last time: asked first
    assert {q.id for q in again[-2:]} == {lines[0]["id"], lines[2]["id"]}   # right ones last


def test_interactive_quiz_reads_letters_and_stops_cleanly_on_eof():
    questions = quiz.select(bank.load(), "flow", 3, seed=0)
    typed = iter(["x", "", questions[0].answer])              # two invalid inputs, then a letter

    def read(prompt):
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    class Out(list):
        def write(self, s):
            self.append(s)

        def isatty(self):
            return False

        def flush(self):
            pass
    out = Out()
    assert quiz.play(questions, "ja", read=read, out=out) == (1, 1)
    text = "".join(out)
    assert "正解！" in text and "中断しました" in text and "1 / 1 問正解" in text
    assert len(quiz.progress_file().read_text().splitlines()) == 1     # kept after the stop


def test_ctrl_c_in_the_quiz_keeps_progress():
    questions = quiz.select(bank.load(), "3", 2, seed=0)
    answers = iter([questions[0].answer])

    def read(prompt):
        for a in answers:
            return a
        raise KeyboardInterrupt
    import io
    assert quiz.play(questions, "en", read=read, out=io.StringIO()) == (1, 1)
    assert json.loads(quiz.progress_file().read_text())["right"] is True


def test_list_is_tab_separated(capsys):
    assert main(["drill", "--list", "--lang", "en"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == len(bank.load()) and all(len(r) == 5 for r in rows)
    assert ["s2-momentum", "2", "code", "standard", "The Momentum update"] in rows


def test_export_sheet_in_headless_chromium(tmp_path):
    sheet = tmp_path / "sheet.html"
    assert main(["drill", "--export", str(sheet), "--lang", "en"]) == 0
    html = sheet.read_text(encoding="utf-8")
    n = len(bank.load())
    assert f"Q{n}." in html and "Answers and explanations" in html
    result = run_chromium(["--dump-dom", sheet.as_uri()], tmp_path)
    assert result.returncode == 0 and f"Q{n}." in result.stdout, result.stderr[-500:]
    assert re.search(r"<h3[^>]*>Q1\.", result.stdout).start() < \
        re.search(r"<h2[^>]*>Answers and explanations", result.stdout).start()


SOLUTIONS = {      # a learner's right and wrong update, and the mistake `nablab check` names for the wrong one
    "adagrad": ('''
    def update(self, params, grads):
        if self.h is None:
            self.h = {k: np.zeros_like(v) for k, v in params.items()}
        for key in params:
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
''', '''
    def update(self, params, grads):
        for key in params:
            h = grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(h) + 1e-7)
''', "adagrad-h-reset"),
    "momentum": ('''
    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]
''', '''
    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] + self.lr * grads[key]
            params[key] += self.v[key]
''', "momentum-sign"),
}


@pytest.mark.parametrize("name", sorted(SOLUTIONS))
def test_code_then_grade_right_and_wrong(name, tmp_path, monkeypatch, capsys):
    """--code writes `nablab check --template`'s skeleton; --grade is `nablab check`: same diagnosis."""
    monkeypatch.chdir(tmp_path)
    assert main(["drill", "--code", name]) == 0
    path = tmp_path / f"{name}.py"
    skeleton = path.read_text()
    assert main(["drill", "--grade", str(path)]) == 1                 # not written yet
    assert "NotImplementedError が発生しました" in capsys.readouterr().out
    right, wrong, mistake = SOLUTIONS[name]
    body = skeleton[:skeleton.index("    def update")]
    path.write_text(body + right)
    assert main(["drill", "--grade", str(path)]) == 0
    assert "すべて合格です" in capsys.readouterr().out
    path.write_text(body + wrong)
    assert main(["drill", "--grade", str(path), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "first difference: step " in out and f"known mistake, '{mistake}'" in out


def test_the_class_exercises_are_the_courses_classes(tmp_path):
    """dropout and batchnorm-backward are the course's Dropout / BatchNormalization classes now."""
    from nablab.checker import course
    import inspect
    for name, cls in (("dropout", course.Dropout), ("batchnorm-backward", course.BatchNormalization)):
        path = grade.write_skeleton(name, tmp_path / f"{name}.py")
        assert f"class {cls.__name__}" in path.read_text()
        path.write_text("import numpy as np\n\n" + inspect.getsource(cls))
        passed, lines = grade.grade(path)
        assert passed, lines


@pytest.mark.parametrize("args, message", [
    (["drill", "--section", "9"], "unknown section '9'"),
    (["drill", "--n", "0"], "--n must be >= 1"),
    (["drill", "--section", "2", "--answers", "a,z"], "answer 2 must be one of"),
    (["drill", "--code", "nope"], "unknown exercise 'nope'"),
    (["drill", "--export", "{tmp}/sheet.txt"], "expects a .html file name"),
    (["drill", "--list", "--check-bank"], "choose one of"),
    (["drill", "--grade", "{tmp}/missing.py"], "cannot read"),
    (["drill", "--grade", "{tmp}/plain.py"], "コースの部品が見つかりません"),
    (["drill", "--grade", "{tmp}/broken.py"], "構文エラー（SyntaxError）: 2 行目"),
])
def test_bad_input_is_one_clear_line(args, message, tmp_path, capsys):
    (tmp_path / "plain.py").write_text("x = 1\n")
    (tmp_path / "broken.py").write_text("# exercise: adagrad\nclass AdaGrad(:\n")
    code = main([a.format(tmp=tmp_path) for a in args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    if "{tmp}/plain" in args[-1] or "{tmp}/broken" in args[-1]:   # graded as failing, with the reason
        assert code == 1 and message in captured.out, captured.out
    else:
        assert code == 2 and message in captured.err, captured.err


def test_wrong_name_defined_is_said(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("class Momentun:\n    pass\n")
    passed, lines = grade.grade(path)
    assert not passed and "コースの部品が見つかりません" in lines[0] and "Momentum" in lines[0]


def test_bank_files_are_in_the_package():
    assert bank.BANK.is_dir() and len(list(bank.BANK.glob("*.toml"))) == 6


def test_the_command_reads_stdin_and_quits_on_q(tmp_path):
    """`nablab drill` as a learner runs it, answers typed on stdin (bounded by a timeout)."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    q = quiz.select(bank.load(), "5", 1, seed=3)[0]
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run([str(Path(sys.executable).with_name("nablab")), "drill", "--section", "5",
                             "--seed", "3", "--lang", "en"], input=f"{q.answer}\nq\n", capture_output=True,
                            text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "Right!" in result.stdout and "Stopped (every answer so far is saved)" in result.stdout
    assert "1 / 1 right" in result.stdout


HOSTILE = {     # at the file's top level, while it is loaded (checker tests cover them inside a component)
    "an infinite loop": ("while True:\n    pass\n", "ファイルの読み込みが 2 秒で終わりません"),
    "a 50 GB allocation": ("big = np.zeros(50 * 10**9 // 8)\n", "メモリの上限"),
    "100 MB of prints": ("for _ in range(10**7):\n    print('x' * 10)\n", "出力が多すぎます"),
    "sys.exit(0)": ("import sys\nsys.exit(0)\n", "プロセスを終了させました"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_file_ends_its_grading_with_a_message_and_never_touches_nablab(case, tmp_path):
    """The learner's file runs in a child process with a time, memory and output limit:
    each of these ends with its message (Japanese by default) within 20 s, and this process lives on
    (the time limit is 2 s here, 10 s by default)."""
    import time
    from nablab.checker import check_file
    code, message = HOSTILE[case]
    path = grade.write_skeleton("momentum", tmp_path / "momentum.py")
    path.write_text(path.read_text().replace("import numpy as np\n", "import numpy as np\n" + code, 1))
    start = time.monotonic()
    report = check_file(path, seconds=2)
    lines = report.lines()
    assert not report.passed and len(lines) == 1 and message in lines[0] and str(path) in lines[0], lines
    assert time.monotonic() - start < 20


def answer_lines(q):
    """The lines of q's code that hold a blank, with the right answer filled in."""
    filled = q.filled(q.answer).strip("\n").splitlines()
    return [f.strip() for f, line in zip(filled, q.code.strip("\n").splitlines()) if bank.BLANK in line]


def test_every_code_question_shows_the_blank_its_text_names(capsys):
    """The quiz and the sheet show each blank as the label the Japanese text asks about: (カ) is (カ)."""
    import io
    for q in bank.load():
        if q.kind != "code":
            continue
        named = bank.LABEL.findall(q.text["ja"])
        assert len(named) == q.code.count(bank.BLANK) and list(q.labels) == named, q.id
        out = io.StringIO()
        quiz.show(q, "ja", 1, 1, out, color=False)
        shown = out.getvalue()
        assert all(f"({label})" in shown for label in named) and bank.BLANK not in shown, q.id
        assert "(ア)" not in shown or "ア" in named, q.id


def defines(q) -> set:
    return set(re.findall(r"^(?:class|def) (\w+)", q.code, flags=re.M))


def test_no_question_gives_another_away():
    """No code question shows, as a line of its code, the answer line of another question about the
    same definition (two AdaGrad questions, each showing the other's answer, were one such pair)."""
    code_questions = [q for q in bank.load() if q.kind == "code"]
    for q in code_questions:
        lines = {line.strip() for line in q.code.splitlines()}
        for other in code_questions:
            if other.id != q.id and defines(other) & defines(q) - {"f"}:
                shown = [line for line in answer_lines(other) if line in lines]
                assert not shown, f"{q.id} shows {other.id}'s answer: {shown}"


def test_each_session_shuffles_the_choices_and_a_seed_repeats_it():
    questions = bank.load()
    one, same, other = (quiz.select(questions, None, None, seed=s) for s in (7, 7, 8))
    order = lambda qs: {q.id: q.choices for q in qs}                       # noqa: E731
    assert order(one) == order(same)
    assert sum(order(one)[i] != order(other)[i] for i in order(one)) > len(questions) // 2
    for a, b in zip(sorted(one, key=lambda q: q.id), sorted(other, key=lambda q: q.id)):
        assert a.choice(a.answer) == b.choice(b.answer)                    # the key follows the order


def test_answers_are_all_checked_before_anything_is_recorded():
    chosen = quiz.select(bank.load(), "4", 3, seed=1)
    with pytest.raises(NablabError, match="answer 3 must be one of"):
        quiz.play(chosen, "ja", [chosen[0].answer, chosen[1].answer, "z"])
    assert not quiz.progress_file().exists()


def test_a_wrong_code_choice_gets_japanese_feedback(capsys):
    """The right choice's text, the explanation and what the chosen code does, all in Japanese."""
    q = next(q for q in quiz.select(bank.load(), "2", None, seed=0) if q.id == "s2-momentum")
    wrong = wrong_letter(q)
    quiz.play([q], "ja", [wrong])
    out = capsys.readouterr().out
    assert f"不正解。正解は ({q.answer}) {q.choice(q.answer)}" in out
    assert f"あなたの選んだ ({wrong}) を実行すると: 最初の食い違い: step 1: params['W'] の [0, 0]" in out
    assert "differs" not in out and "equal to" not in out


def test_a_mock_exam_on_stdin_marks_at_the_end_and_stats_count_it():
    """--exam: questions from every section, no feedback until the end, then per-section scores and
    the missed questions; --stats reads the same progress file."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    questions = bank.load()
    chosen = exam.choose(questions, 6, seed=2)
    assert len({q.section for q in chosen}) == 6                            # one from each section
    typed = "\n".join(q.answer if i % 2 == 0 else wrong_letter(q) for i, q in enumerate(chosen)) + "\n"
    env = dict(os.environ, XDG_DATA_HOME=str(quiz.progress_file().parents[1]))
    exe = str(Path(sys.executable).with_name("nablab"))
    result = subprocess.run([exe, "drill", "--exam", "--n", "6", "--seed", "2", "--minutes", "5"], input=typed,
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    before_marking = out.split("分野別の得点")[0]
    assert "正解！" not in before_marking and "不正解" not in before_marking     # no feedback during the exam
    assert "模擬試験: 6 問、5 分" in out and "残り " in out and "3 / 6 問正解" in out
    assert out.count(" / 1") == 6 and "間違えた問題" in out and "あなたの答え (" in out
    stats = subprocess.run([exe, "drill", "--stats"], capture_output=True, text=True, timeout=120, env=env)
    rows = [line.split("\t") for line in stats.stdout.splitlines()[1:]]
    assert len(rows) == 6 and sum(int(r[2]) for r in rows) == 6 and sum(int(r[3]) for r in rows) == 3


def test_the_exam_stops_when_time_is_up():
    import io
    chosen = exam.choose(bank.load(), 4, seed=0)
    ticks = iter([0.0, 0.0, 30.0, 200.0, 200.0])                              # seconds: the third question is late
    out = io.StringIO()
    right, total = exam.run_exam(chosen, "en", 3.0, [q.answer for q in chosen], out=out, clock=lambda: next(ticks))
    assert "Time is up." in out.getvalue() and (right, total) == (2, 4)


def test_the_bank_is_exam_sized_with_every_question_type():
    from collections import Counter
    questions = bank.load()
    sections, formats = Counter(q.section for q in questions), Counter(q.format for q in questions)
    assert len(questions) >= 90 and min(sections.values()) >= 12, sections
    assert all(formats[f] >= 4 for f in bank.FORMATS if f != "standard"), formats
    assert all(q.figure in figures.FIGURES for q in questions if q.format == "figure")


def test_figure_questions_are_drawn_for_the_sheet_and_told_in_words(tmp_path):
    """The sheet embeds each figure (a PNG from nablab's own numbers); the terminal gets the same
    numbers in words."""
    import io
    questions = [q for q in bank.load() if q.format == "figure"]
    path = export.export(questions, tmp_path / "figures.html", "ja")
    html = path.read_text(encoding="utf-8")
    assert html.count('<img src="data:image/png;base64,') == len(questions) == 4
    out = io.StringIO()
    quiz.show(next(q for q in questions if q.figure == "learning-rates"), "ja", 1, 1, out, color=False)
    assert "［図］" in out.getvalue() and "(C) 25, 64.844, 168.187, 1131.48" in out.getvalue()


def test_check_bank_flags_choices_that_differ_only_in_spacing(tmp_path):
    folder = tmp_path / "bank"
    folder.mkdir()
    (folder / "x.toml").write_text(PLANTED.replace('"grads[key] * self.lr"', '"self.lr*grads[key]"'), encoding="utf-8")
    problems = bank.verify(bank.load(folder))
    assert any("differ only in spacing" in p for p in problems), problems


def test_the_japanese_sheet_says_what_each_wrong_choice_does(tmp_path):
    q = next(q for q in bank.load() if q.id == "s2-momentum")
    html = export.export([q], tmp_path / "one.html", "ja").read_text(encoding="utf-8")
    assert html.count("を実行すると: 最初の食い違い") == len(q.choices) - 1 and "differs" not in html
