"""Write it yourself: `nablab drill --code NAME` writes the course's skeleton of one component and
`--grade FILE` checks the file — both are `nablab check` (nablab.checker): the same child process,
the same verified reference, the same catalogue of named mistakes and the same Japanese messages.

The drill's exercise names are kept (momentum, adagrad, dropout, batchnorm-backward, im2col); any
component name of `nablab check --list` works too.
"""

from __future__ import annotations

from pathlib import Path

from ..checker import catalogue, check_file
from ..checker.components import COMPONENTS, find
from ..errors import ConfigError
from ..files import write_new

EXERCISES = {"momentum": "Momentum", "adagrad": "AdaGrad", "dropout": "Dropout",
             "batchnorm-backward": "BatchNormalization", "im2col": "im2col"}


def component_of(name: str) -> str:
    comp = find(EXERCISES.get(name, name))
    if comp is None:
        raise ConfigError(f"drill --code: unknown exercise {name!r}; expected one of {sorted(EXERCISES)} or a "
                          f"component: {', '.join(c.name for c in COMPONENTS)}")
    return comp.name


def write_skeleton(name: str, path: str | Path | None = None) -> Path:
    component = component_of(name)
    path = Path(path or f"{name.replace('-', '_')}.py")          # never over a file, never through a link
    return write_new(path, catalogue.template(component), f"grade it with `nablab drill --grade {path}`, or move it")


def grade(path: str | Path, lang: str = "ja") -> tuple[bool, list[str]]:
    """(passed, lines to print) for a learner's file: `nablab check FILE`."""
    report = check_file(path, lang=lang)
    return report.passed, report.lines()
