"""Which course components a learner's file defines: read from its syntax tree in nablab's process
(nothing is run), picked from the loaded module in the child."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .components import COMPONENTS, Component


@dataclass(frozen=True)
class Definition:
    component: Component
    name: str             # the name the learner used (Relu or ReLU …)


def definitions(source: str) -> dict[str, tuple[int, int]]:
    """Top-level class and function names of ``source`` → (first line, last line). Raises SyntaxError."""
    tree = ast.parse(source)
    return {node.name: (node.lineno, node.end_lineno or node.lineno) for node in tree.body
            if isinstance(node, (ast.ClassDef, ast.FunctionDef))}


def found(defined) -> list[Definition]:
    """The components among the names ``defined``, in the catalogue's order."""
    out = []
    for comp in COMPONENTS:
        name = next((n for n in comp.names if n in defined), None)
        if name is not None:
            out.append(Definition(comp, name))
    return out


def pick(namespace: dict, comp: Component):
    """The learner's object for ``comp`` in the child's namespace (a loaded file, or the objects
    nl.check sent under "__objects__")."""
    pool = namespace.get("__objects__", namespace)
    for name in comp.names:
        obj = pool.get(name)
        if obj is not None and (pool is not namespace or getattr(obj, "__module__", None) == "learner"):
            return obj
    return None
