"""nablab check: the course's own code passes against nablab's verified layers; every catalogue mistake,
planted, is named with its line; learner-written files get the same diagnoses; syntax errors, exceptions,
infinite loops, huge allocations and floods of prints each end with their message; nothing the learner's
code patches changes a verdict."""

import inspect
import re
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import nablab as nl
from nablab.checker import catalogue, check_file, course
from nablab.checker.components import COMPONENTS
from nablab.checker.judge import first_departure
from nablab.cli import main

sys.path.insert(0, str(Path(__file__).parent))
import planted  # noqa: E402



# -- the reference ----------------------------------------------------------------------------------

@pytest.mark.parametrize("comp", COMPONENTS, ids=lambda c: c.name)
def test_the_course_code_equals_nablabs_verified_layers_result_by_result(comp):
    """course.py (the course's code as written) against reference.py (nablab's layers in the course's
    interface), every probe result: the chain learner → course → nablab → PyTorch."""
    ours, theirs = catalogue.behaviour(comp.name), catalogue.expected(comp.name)
    assert len(theirs.order) >= 4 and not theirs.errors, theirs.errors
    assert first_departure(ours, theirs, comp.rtol) is None


def test_the_course_code_as_a_learners_file_passes_with_no_finding(tmp_path):
    path = tmp_path / "common_layers.py"
    path.write_text(catalogue.course_source(), encoding="utf-8")
    report = check_file(path)
    assert report.passed, str(report)
    assert len(report.results) == len(COMPONENTS) == 21
    assert all(r.variant is None and r.mistake is None for r in report.results.values())
    assert "すべて合格です" in str(report)


def test_every_mistake_departs_from_nablab_and_no_two_behave_alike():
    mistakes = [mk for mk in catalogue.CATALOGUE if not mk.accepted]
    assert len(mistakes) >= 30 and len({mk.id for mk in mistakes}) == len(mistakes)
    assert {mk.component for mk in mistakes} == {c.name for c in COMPONENTS}     # every component has some
    for mk in mistakes:
        rtol = catalogue.BY_NAME[mk.component].rtol
        assert first_departure(catalogue.behaviour(mk.component, mk.id), catalogue.expected(mk.component), rtol), mk.id
        for other in catalogue.of(mk.component):
            if other.id != mk.id:
                assert first_departure(catalogue.behaviour(mk.component, mk.id),
                                       catalogue.behaviour(mk.component, other.id), rtol), (mk.id, other.id)


# -- planted mistakes ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def planted_reports(tmp_path_factory):
    """Every catalogue mistake planted in a copy of the course's code, checked (9 files, 9 children)."""
    out = {}
    for i, mistakes in enumerate(planted.rounds()):
        path = tmp_path_factory.mktemp("planted") / f"round{i}.py"
        text = planted.source(mistakes)
        path.write_text(text, encoding="utf-8")
        report = check_file(path, only=[mk.component for mk in mistakes])
        for mk in mistakes:
            out[mk.id] = (report, text.splitlines())
    return out


@pytest.mark.parametrize("mistake", [mk for mk in catalogue.CATALOGUE if not mk.accepted], ids=lambda mk: mk.id)
def test_a_planted_mistake_is_named_with_its_line(mistake, planted_reports):
    report, lines = planted_reports[mistake.id]
    verdict = report.results[mistake.component]
    assert not verdict.ok and verdict.mistake is mistake and verdict.certain, str(report)
    changed = [n for n, line in enumerate(lines, 1)
               for _, _, new in mistake.changes for part in new.strip().splitlines()
               if part.strip() and part.strip() in line]
    if changed:                                            # the line shown is the changed one (or next to it)
        assert min(abs(verdict.line - n) for n in changed) <= 2, (verdict.line, changed)
    else:                                                  # a removed line: shown inside its definition
        first, last = catalogue.spans("\n".join(lines))[mistake.changes[0][0]]
        assert first <= verdict.line <= last
    text = "\n".join(report.lines())
    assert f"「{mistake.id}」" in text and mistake.ja in text and f"{verdict.line} 行目" in text


# -- learners' own files: written differently from the catalogue's mutations ---------------------------

LEARNER = '''import numpy as np

class Momentum:                                   # μ forgotten, written the learner's way
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None
    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(p) for k, p in params.items()}
        for k in params:
            self.v[k] = self.v[k] - self.lr * grads[k]
            params[k] = params[k] + self.v[k]

class Relu:
    def forward(self, x):
        out = x
        out[out < 0] = 0
        self.mask = out < 0
        return out
    def backward(self, dout):
        return dout * (~self.mask)

class BatchNormalization:                         # backward as if μ and σ² were constants
    def __init__(self, gamma, beta, momentum=0.9):
        self.gamma, self.beta, self.momentum = gamma, beta, momentum
        self.running_mean = self.running_var = None
    def forward(self, x, train_flg=True):
        if self.running_mean is None:
            self.running_mean, self.running_var = np.zeros(x.shape[1]), np.zeros(x.shape[1])
        if train_flg:
            mu, var = x.mean(0), x.var(0)
            self.std = np.sqrt(var + 1e-6)
            self.xn = (x - mu) / self.std
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
            return self.gamma * self.xn + self.beta
        return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var + 1e-6) + self.beta
    def backward(self, dout):
        self.dbeta = dout.sum(0)
        self.dgamma = (dout * self.xn).sum(0)
        return self.gamma * dout / self.std

def softmax(a):
    e = np.exp(a)
    return e / e.sum(axis=1, keepdims=True)

class SoftmaxWithLoss:
    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        n = len(x)
        idx = t.argmax(1) if t.ndim == 2 else t
        return -np.log(self.y[np.arange(n), idx] + 1e-7).sum() / n
    def backward(self, dout=1):
        n = len(self.y)
        d = self.y.copy()
        idx = self.t.argmax(1) if self.t.ndim == 2 else self.t
        d[np.arange(n), idx] -= 1
        return d / n

def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    N, C, H, W = input_data.shape
    oh, ow = (H + 2 * pad - filter_h) // stride + 1, (W + 2 * pad - filter_w) // stride + 1
    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    rows = []
    for n in range(N):
        for i in range(oh):
            for j in range(ow):
                patch = img[n, :, i * stride:i * stride + filter_h, j * stride:j * stride + filter_w]
                rows.append(patch.transpose(1, 2, 0).ravel())       # channel last: the wrong order
    return np.array(rows)

class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr
    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grad[key]
'''


@pytest.fixture(scope="module")
def learner_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("learner") / "my_layers.py"
    path.write_text(LEARNER, encoding="utf-8")
    return check_file(path), LEARNER.splitlines()


@pytest.mark.parametrize("component, mistake, code", [
    ("Momentum", "momentum-without-mu", "self.v[k] = self.v[k] - self.lr * grads[k]"),
    ("Relu", "relu-mask-after-change", "self.mask = out < 0"),
    ("BatchNormalization", "batchnorm-backward-without-mean-var-terms", "return self.gamma * dout / self.std"),
    ("SoftmaxWithLoss", "softmax-no-max", "e = np.exp(a)"),
    ("im2col", "im2col-wrong-transpose-order", None),
])
def test_a_learners_own_code_gets_the_catalogue_diagnosis(learner_report, component, mistake, code):
    report, lines = learner_report
    verdict = report.results[component]
    assert not verdict.ok and verdict.mistake.id == mistake, str(report)
    if code is not None:
        assert lines[verdict.line - 1].strip() == code, (verdict.line, lines[verdict.line - 1])


def test_an_exception_names_the_learners_line(learner_report):
    report, lines = learner_report
    text = "\n".join(report.lines())
    line = next(n for n, s in enumerate(lines, 1) if "grad[key]" in s and "grads" not in s)
    assert f"NameError が発生しました（{line} 行目）: name 'grad' is not defined" in text
    assert f"{line} |" in text and "self.lr * grad[key]" in text


def test_english_on_request(learner_report):
    report, _ = learner_report
    text = "\n".join(report.lines("en"))
    assert "it behaves exactly like a known mistake, 'momentum-without-mu'" in text
    assert "raised NameError (line" in text and "行目" not in text


def test_a_syntax_error_names_its_line(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("import numpy as np\n\nclass Relu:\n    def forward(self, x)\n        return x\n", encoding="utf-8")
    report = check_file(path)
    assert not report.passed
    assert report.lines() == [f"✗ {path}: 構文エラー（SyntaxError）: 4 行目: expected ':'\n    def forward(self, x)"]


def test_an_error_while_loading_names_its_line(tmp_path):
    path = tmp_path / "loads.py"
    path.write_text("import numpy as np\nx = np.zeros(3)\ny = x[5]\n\ndef im2col(x, h, w, s=1, p=0):\n    return x\n",
                    encoding="utf-8")
    assert check_file(path).lines() == [f"✗ {path}: ファイルの読み込み中に IndexError が発生しました（3 行目）: "
                                        "index 5 is out of bounds for axis 0 with size 3"]


def test_inverted_dropout_is_another_correct_form(tmp_path):
    path = tmp_path / "dropout.py"
    path.write_text(catalogue.mutate(catalogue.course_source(), catalogue.BY_ID["dropout-inverted"].changes),
                    encoding="utf-8")
    report = check_file(path, only="Dropout")
    assert report.passed and report.results["Dropout"].variant.id == "dropout-inverted"
    assert "正しい別の形です" in str(report)


BOMBS = '''import numpy as np

class Relu:
    def forward(self, x):
        while True:
            pass
    def backward(self, dout):
        return dout

class Sigmoid:
    def forward(self, x):
        return np.ones((50_000, 125_000))        # 50 GB of float64

class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b
    def forward(self, x):
        for _ in range(1_000_000):
            print("x" * 100)                     # 100 MB
        return x

class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr
    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grads[key]
'''


def test_a_loop_a_huge_array_and_a_flood_of_prints_each_end_one_component(tmp_path):
    path = tmp_path / "bombs.py"
    path.write_text(BOMBS, encoding="utf-8")
    start = time.monotonic()
    report = check_file(path, seconds=2)
    assert time.monotonic() - start < 20
    text = str(report)
    assert "✗ Relu: 2 秒以内に終わりませんでした（無限ループではありませんか）" in text
    assert "✗ Sigmoid: メモリの上限 2048 MB を超えて" in text
    assert "✗ Affine: 出力が多すぎます（print が 1 MB を超えました）" in text
    assert report.results["SGD"].ok                      # the other components are still checked


def test_what_the_learners_code_patches_cannot_change_a_verdict(tmp_path):
    """The child only records; nablab's process judges with its own numpy."""
    path = tmp_path / "tamper.py"
    path.write_text('''import numpy as np
np.allclose = np.isclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True

class Relu:
    def forward(self, x):
        return x
    def backward(self, dout):
        return dout
''', encoding="utf-8")
    report = check_file(path)
    assert not report.passed and not report.results["Relu"].ok


# -- the command and nl.check ----------------------------------------------------------------------

def test_the_command_lists_writes_a_template_and_checks_it(tmp_path, capsys):
    assert main(["check", "--list", "--lang", "en"]) == 0
    listed = capsys.readouterr().out
    assert "21 components, 63 known mistakes" in listed
    assert "momentum-without-mu" in listed and "Relu, ReLU" in listed
    path = tmp_path / "momentum.py"
    assert main(["check", "--template", "momentum", "--out", str(path)]) == 0
    assert "class Momentum:" in path.read_text(encoding="utf-8")
    assert main(["check", str(path)]) == 1
    assert "NotImplementedError が発生しました" in capsys.readouterr().out
    body = inspect.getsource(course.Momentum.update)
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    def update(self, params, grads):\n        raise NotImplementedError  # ここを書く / write this\n", body),
        encoding="utf-8")
    assert main(["check", str(path)]) == 0
    assert "✓ Momentum" in capsys.readouterr().out
    assert main(["check", str(path), "--only", "Momentum2"]) == 2
    assert "unknown component 'Momentum2'" in capsys.readouterr().err
    assert main(["check", "--template", "Adam", "--out", str(path)]) == 2        # never overwrites
    assert "exists" in capsys.readouterr().err


def test_nl_check_sends_a_notebooks_classes_by_value():
    """A class defined in a notebook lives in __main__; nl.check pickles it (cloudpickle) to the child."""
    ns = {"__name__": "__main__", "np": np}
    exec(compile(inspect.getsource(course.Adam) + "\nclass SGD:\n    def __init__(self, lr=0.01):\n"
                 "        self.lr = lr\n    def update(self, params, grads):\n        for k in params:\n"
                 "            params[k] += self.lr * grads[k]\n", "<cell>", "exec"), ns)
    report = nl.check(ns["Adam"], ns["SGD"])
    assert report.results["Adam"].ok
    assert report.results["SGD"].mistake.id == "sgd-ascent"
    assert nl.check(ns).results.keys() == {"Adam", "SGD"}           # globals() works too
    renamed = nl.check(Momentum=ns["Adam"])                          # checked under the course's name
    assert renamed.results.keys() == {"Momentum"} and not renamed.passed


def test_the_docs_list_the_whole_catalogue():
    doc = (Path(__file__).parents[2] / "docs" / "checker.md").read_text(encoding="utf-8")
    table = doc.split("<!-- catalogue -->")[1].split("<!-- /catalogue -->")[0]
    listed = re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.M)
    assert listed == [mk.id for c in COMPONENTS for mk in catalogue.of(c.name)]
