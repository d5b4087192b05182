"""The shape of the package: imports point down, functions and modules stay small, the
architecture page lists the kinds the registry has."""

import ast
import re
from pathlib import Path

import pytest

from nablab.experiments import KINDS

SRC = Path(__file__).resolve().parents[1] / "src" / "nablab"
DOCS = Path(__file__).resolve().parents[1] / "docs"

# floor → the floors it must never import (docs/ARCHITECTURE.md: data flows one way, imports point down)
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


def module_of(path: Path) -> str:
    """src/nablab/train/loop.py → 'nablab.train.loop'; src/nablab/train/__init__.py → 'nablab.train'."""
    return ("nablab." + ".".join(path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")


def imports(path: Path) -> set[str]:
    """Every nablab module a file imports, at the top or inside a function."""
    module = module_of(path)
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


MODULES = {module_of(p): p for p in FILES}


def import_graph() -> dict[str, set[str]]:
    """module → the nablab modules it imports (top level or lazily inside a function), each
    import resolved to the most specific module; a module's own parent packages are left out
    (Python has already begun importing them when the module runs)."""
    graph = {}
    for module, path in MODULES.items():
        targets = set()
        for name in imports(path):
            while name not in MODULES:
                name = name.rsplit(".", 1)[0]
            if not (module + ".").startswith(name + ".") and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [a, b, …, a], or None (depth-first search with colours)."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None



def test_no_import_cycles_lazy_imports_included():
    cycle = find_cycle(import_graph())
    assert cycle is None, " → ".join(cycle)


ROOT = SRC.parents[1]
GENERATED = {"summary.md", "report.md", "report.en.md"}        # files nablab writes, not documents


def repository_texts():
    import subprocess
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.split()
    for name in listed:
        path = ROOT / name
        if path.suffix in {".py", ".md", ".toml", ".sh", ".ipynb", ".txt", ".cfg"} and path.is_file():
            yield path


def dangling(text: str, folder: Path) -> list[str]:
    """The documents ``text`` names that the repository does not hold (and any ../shared link)."""
    out = ["../shared"] if "../shared" in text else []
    for name in sorted(set(re.findall(r"[\w./-]*\w\.md\b", text))):
        base = name.split("/")[-1]
        found = [f.resolve() for where in (ROOT, ROOT / "docs", folder) for f in (where / name, where / base)
                 if f.exists()]
        if base not in GENERATED and not any(f.is_relative_to(ROOT.resolve()) for f in found):
            out.append(name)
    return out


def test_every_document_named_is_in_the_repository():
    """A newcomer can follow every link: each `something.md` a file names exists in the
    repository (root or docs/), and nothing points outside it (../shared, a design note)."""
    assert dangling("see DESIGN.md §2 and docs/curriculum.md", ROOT) == ["DESIGN.md"]
    assert dangling("../shared/STYLE.md", ROOT) == ["../shared", "../shared/STYLE.md"]
    me = Path(__file__).resolve()
    missing = {str(p.relative_to(ROOT)): d for p in repository_texts() if p.resolve() != me
               and (d := dangling(p.read_text(encoding="utf-8", errors="replace"), p.parent))}
    assert not missing, missing


def table_between(marker: str) -> str:
    text = (DOCS / "ARCHITECTURE.md").read_text(encoding="utf-8")
    return text.split(f"<!-- {marker} -->")[1].split(f"<!-- /{marker} -->")[0]


def test_architecture_page_lists_every_module_and_no_other():
    listed = set(re.findall(r"^\| `([\w/]+\.py)` \|", table_between("modules"), flags=re.M))
    modules = {p.relative_to(SRC).as_posix() for p in FILES
               if p.name != "__init__.py" or p.parent == SRC}
    assert listed == modules, {"not listed": sorted(modules - listed), "not a module": sorted(listed - modules)}


def test_architecture_page_lists_the_kind_protocol():
    from nablab.experiments.kinds.base import Kind
    listed = {m.split("(")[0] for m in re.findall(r"^\| `([\w(), ]+)` \|", table_between("protocol"), flags=re.M)}
    members = {name for name in vars(Kind) if not name.startswith("_")}
    assert listed == members, {"not listed": sorted(members - listed), "not members": sorted(listed - members)}


RUN_FILES = {"history", "checkpoints", "failures", "spec.json", "results.json", "sessions.json", "data.json",
             "summary.md", "study.db"}


def path_building(tree: ast.AST) -> list[int]:
    """Lines that build a path inside a run directory: ``<x>.path / …``, ``<x>.path.name / …`` or
    ``… / "results.json"`` (any of the run directory's own names)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            sides = [s.value if isinstance(s, ast.Attribute) and s.attr == "name" else s for s in (node.left, node.right)]
            named = any(isinstance(side, ast.Constant) and isinstance(side.value, str)
                        and side.value.split("/")[0] in RUN_FILES for side in sides)
            if named or any(isinstance(side, ast.Attribute) and side.attr == "path" for side in sides):
                lines.append(node.lineno)
    return lines


def test_only_rundir_builds_paths_inside_a_run_directory():
    assert path_building(ast.parse('x = run.path / "history"\ny = out / run.path.name / "figures"')) == [1, 2]
    found = {p.relative_to(SRC).as_posix(): lines for p in FILES if p.name != "rundir.py"
             and (lines := path_building(ast.parse(p.read_text(encoding="utf-8"))))}
    assert not found, found
