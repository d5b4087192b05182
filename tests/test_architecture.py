"""The shape of the package: imports point down, functions and modules stay small, the
architecture page lists the kinds the registry has."""

import ast
import re
from pathlib import Path

import pytest

from nablab.experiments import KINDS

SRC = Path(__file__).resolve().parents[1] / "src" / "nablab"
DOCS = Path(__file__).resolve().parents[1] / "docs"

# floor → the floors it must never import (DESIGN.md §1: data flows one way, imports point down)
FORBIDDEN = {
    "layers": {"train", "experiments", "report", "cli", "testing", "data"},
    "optim": {"train", "experiments", "report", "cli", "testing", "data"},
    "data": {"layers", "optim", "train", "experiments", "report", "cli"},
    "train": {"experiments", "report", "cli"},
    "testing": {"train", "experiments", "report", "cli"},
    "experiments": {"report", "cli"},
    "report": {"experiments", "cli"},
    "rundir": {"experiments", "report", "train", "cli"},
    "document": {"experiments", "report", "train", "cli"},
    "checks": {"layers", "optim", "train", "experiments", "report", "cli", "data"},
}


def floor(module: str) -> str:
    """'nablab.experiments.kinds.classify' → 'experiments'; 'nablab.rundir' → 'rundir'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imports(path: Path) -> set[str]:
    """Every nablab module a file imports, at the top or inside a function."""
    module = "nablab." + ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("nablab")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("nablab"):
                found |= {target} | {f"{target}.{a.name}" for a in node.names}
    return found


FILES = sorted(SRC.rglob("*.py"))


def test_the_scan_sees_relative_and_lazy_imports():
    found = imports(SRC / "cli.py")
    assert "nablab.report.build" in found and "nablab.experiments.runner" in found
    assert floor("nablab.experiments.kinds.classify") == "experiments"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(SRC).as_posix())
def test_imports_point_down(path):
    own = floor("nablab." + ".".join(path.relative_to(SRC).with_suffix("").parts))
    bad = sorted(m for m in imports(path) if floor(m) in FORBIDDEN.get(own, set()))
    assert not bad, f"{path.relative_to(SRC)} ({own}) imports {bad}"


def function_lengths():
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield f"{path.relative_to(SRC)}:{node.name}", node.end_lineno - node.lineno + 1


def test_functions_are_short_and_fit_shorter():
    lengths = dict(function_lengths())
    assert lengths["train/loop.py:fit"] < 40
    long = {name: n for name, n in lengths.items() if n >= 60}
    assert not long, long


def test_modules_are_small():
    big = {p.relative_to(SRC).as_posix(): n for p in FILES
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300}
    assert not big, big


def test_architecture_page_lists_every_kind():
    text = (DOCS / "ARCHITECTURE.md").read_text(encoding="utf-8")
    table = text.split("<!-- kinds -->")[1]
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.M))
    assert listed == set(KINDS), (listed, set(KINDS))
