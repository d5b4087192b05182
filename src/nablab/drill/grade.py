"""Write it yourself: `nablab drill --code NAME` writes a skeleton; `--grade FILE` runs the learner's
file through the same proofs as the bank and says where it differs — which step, which array, by
how much — and, when the file behaves exactly like a known mistake, which one."""

from __future__ import annotations

import numpy as np
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, DataError
from . import proofs
from .bank import prove_code
from .isolated import grade_isolated

OPT = {"lr": 0.1}


@dataclass(frozen=True)
class Task:
    title: str
    skeleton: str
    checks: tuple[dict, ...]
    mistakes: tuple[tuple[str, str], ...] = field(default_factory=tuple)   # (what, the wrong class)


def optimizer_task(name: str, nablab: str, args: dict, nablab_args: dict, skeleton: str, mistakes=()):
    return Task(f"{name}.update", skeleton, ({"kind": "optimizer", "define": name, "args": args,
                                               "nablab": nablab, "nablab_args": nablab_args},), tuple(mistakes))


HEADER = '''"""nablab drill: {title}. Fill in the body, then run `nablab drill --grade {file}`.
numpy is imported as np; nothing else is needed."""
import numpy as np

'''

TASKS = {
    "momentum": optimizer_task("Momentum", "momentum", {"lr": 0.1, "momentum": 0.9},
                               {"lr": 0.1, "momentum": 0.9}, '''class Momentum:
    """v ← μ v − η ∂L/∂w;  w ← w + v  (one velocity per parameter, starting at 0)."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        raise NotImplementedError("write the update")
''', [("the step's sign is flipped (v = μv + η·g)", '''class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None
    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        for key in params:
            self.v[key] = self.momentum * self.v[key] + self.lr * grads[key]
            params[key] += self.v[key]
'''), ("the velocity is reset at every step (v = −η·g: plain SGD)", '''class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
    def update(self, params, grads):
        for key in params:
            params[key] -= self.lr * grads[key]
''')]),
    "adagrad": optimizer_task("AdaGrad", "adagrad", OPT, {"lr": 0.1, "eps": 1e-7}, '''class AdaGrad:
    """h ← h + g²;  w ← w − η g / (√h + 1e-7)  (h per parameter, starting at 0)."""

    def __init__(self, lr=0.01):
        self.lr, self.h = lr, None

    def update(self, params, grads):
        raise NotImplementedError("write the update")
''', [("h is reset at every step (h = g² instead of h += g²)", '''class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
    def update(self, params, grads):
        for key in params:
            h = grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(h) + 1e-7)
'''), ("the square root is missing (dividing by h + 1e-7, not √h + 1e-7)", '''class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr, self.h = lr, None
    def update(self, params, grads):
        if self.h is None:
            self.h = {k: np.zeros_like(v) for k, v in params.items()}
        for key in params:
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (self.h[key] + 1e-7)
''')]),
    "dropout": Task("Dropout forward, training and test (the course's form)", '''def train_forward(x, dropout_ratio):
    """Keep each value with probability 1 − dropout_ratio (np.random.rand), zero the rest."""
    raise NotImplementedError


def test_forward(x, dropout_ratio):
    """The course's test time: scale so the expected output matches training."""
    raise NotImplementedError
''', ({"kind": "function", "define": "train_forward", "reference": "dropout_keep_share"},
      {"kind": "function", "define": "test_forward", "reference": "dropout_test"})),
    "batchnorm-backward": Task("BatchNorm backward (training mode)", '''def backward(x, gamma, dout, eps):
    """∂L/∂x of y = γ (x − μ)/√(σ² + eps) + β, with μ, σ² over the batch (axis 0)."""
    raise NotImplementedError
''', ({"kind": "function", "define": "backward", "reference": "batchnorm_backward"},)),
    "im2col": Task("im2col in the course's layout", '''def im2col(x, fh, fw, stride, pad):
    """(N, C, H, W) → (N·OH·OW, C·fh·fw): one row per output position, the window flattened."""
    raise NotImplementedError
''', ({"kind": "function", "define": "im2col", "reference": "im2col_layout"},)),
}


def write_skeleton(name: str, path: str | Path | None = None) -> Path:
    if name not in TASKS:
        raise ConfigError(f"drill --code: unknown exercise {name!r}; expected one of {sorted(TASKS)}")
    path = Path(path or f"{name.replace('-', '_')}.py")
    if path.exists():
        raise ConfigError(f"drill --code: {path} exists; grade it with --grade {path}, or move it")
    task = TASKS[name]
    path.write_text(HEADER.format(title=task.title, file=path) + f"# exercise: {name}\n\n" + task.skeleton,
                    encoding="utf-8")
    return path


def grade(path: str | Path, lang: str = "ja") -> tuple[bool, list[str]]:
    """(passed, lines to print) for a learner's file; the exercise is named in its header. The file
    runs in a child process with a time, memory and output limit (isolated.py), never here."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"drill --grade: cannot read {path} ({e})") from None
    exercise(source, path)
    return grade_isolated(path, lang=lang)


def exercise(source: str, path) -> str:
    name = next((line.split(":", 1)[1].strip() for line in source.splitlines()
                 if line.startswith("# exercise:")), None)
    if name not in TASKS:
        raise DataError(f"drill --grade: {path} names no exercise (a '# exercise: NAME' line from "
                        f"`nablab drill --code NAME`; one of {sorted(TASKS)})")
    return name


def grade_source(source: str, path) -> tuple[bool, list[str]]:
    """The grading itself, in the child process: every check of the file's exercise, and the known
    mistake it behaves like where one fails."""
    task, lines, passed = TASKS[exercise(source, path)], [], True
    for check in task.checks:
        result = prove_code(source, check, str(path))
        passed &= result.ok
        lines.append(f"{'ok  ' if result.ok else 'FAIL'} {check['define']}: {result.detail}")
        if not result.ok and check["kind"] == "optimizer":
            lines += [f"     it behaves exactly like a known mistake: {what}"
                      for what, wrong in task.mistakes if behaves_like(source, wrong, check)]
    return passed, lines


def behaves_like(source: str, wrong: str, check: dict) -> bool:
    mine, theirs = {"np": np}, {"np": np}
    try:
        exec(compile(source, "<learner>", "exec"), mine)
        exec(compile(wrong, "<mistake>", "exec"), theirs)
    except Exception:
        return False
    name = check["define"]
    return name in mine and proofs.same_updates(mine[name], theirs[name], check.get("args", {}))
