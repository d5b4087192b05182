"""`nablab check ...`: what each option does (the parser is in nablab.cli)."""

from __future__ import annotations


from pathlib import Path

from ..errors import ConfigError
from ..files import write_new
from . import catalogue, check_file
from .components import COMPONENTS, find


def listing(lang: str) -> list[str]:
    """Every component: the course's name, the names looked for, what it is, its known mistakes."""
    out = []
    for comp in COMPONENTS:
        mistakes = [mk.id for mk in catalogue.of(comp.name) if not mk.accepted]
        what = comp.en if lang == "en" else comp.ja
        out.append(f"{comp.name:<20} {what}")
        out.append(f"{'':<20} {'names' if lang == 'en' else '探す名前'}: {', '.join(comp.names)}")
        if mistakes:
            label = "known mistakes" if lang == "en" else "既知の間違い"
            out.append(f"{'':<20} {label} ({len(mistakes)}): {', '.join(mistakes)}")
    total = sum(not mk.accepted for mk in catalogue.CATALOGUE)
    out.append(f"{len(COMPONENTS)} components, {total} known mistakes" if lang == "en"
               else f"{len(COMPONENTS)} 部品、既知の間違い {total} 種類")
    return out


def check_command(args) -> int:
    modes = [m for m in ("list", "template") if getattr(args, m)]
    if len(modes) + bool(args.file) != 1:
        raise ConfigError("check: give a FILE.py to check, or one of --list / --template NAME; got "
                          + (", ".join(["FILE"] * bool(args.file) + ["--" + m for m in modes]) or "none"))
    if args.list:
        print("\n".join(listing(args.lang)))
        return 0
    if args.template:
        comp = find(args.template)
        if comp is None:
            raise ConfigError(f"check --template: unknown component {args.template!r}; expected one of "
                              f"{', '.join(c.name for c in COMPONENTS)}")
        text = catalogue.template(comp.name)
        if args.out:
            path = write_new(Path(args.out), text, f"check it with `nablab check {args.out}`, or move it")
            print(f"wrote {path}; fill it in, then: nablab check {path}")
        else:
            print(text, end="")
        return 0
    report = check_file(args.file, only=args.only, lang=args.lang)
    print("\n".join(report.lines()))
    return 0 if report.passed else 1
