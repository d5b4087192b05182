"""A check's result as a learner reads it: one block per component, in the learner's language."""

from __future__ import annotations

from dataclasses import dataclass, field

from .components import BY_NAME
from .judge import Verdict
from .messages import number, say
from .sandbox import MEMORY_MB, OUTPUT_MB, SECONDS, Failure


@dataclass
class Report:
    file: str
    results: dict[str, Verdict | Failure] = field(default_factory=dict)
    load_failure: Failure | None = None
    looked_for: list[str] = field(default_factory=list)     # --only names the file lacks
    lines_of_file: list[str] = field(default_factory=list)
    lang: str = "ja"
    seconds: int = SECONDS                                   # the time limit per component

    @property
    def passed(self) -> bool:
        return (self.load_failure is None and bool(self.results) and not self.looked_for
                and all(isinstance(r, Verdict) and r.ok for r in self.results.values()))

    def mistakes(self) -> dict[str, str]:
        """component → the catalogue id of the mistake it was matched with."""
        return {n: r.mistake.id for n, r in self.results.items() if isinstance(r, Verdict) and r.mistake}

    def lines(self, lang: str | None = None) -> list[str]:
        lang = lang or self.lang
        if self.load_failure is not None:
            return [load_line(self.file, self.load_failure, lang, self.seconds)]
        out = []
        for names in self.looked_for:
            out.append(say(lang, "not_in_file", file=self.file, names=names, only=names.split(" / ")[0]))
        if not self.results:
            if not self.looked_for:
                from .components import COMPONENTS
                out.append(say(lang, "none", file=self.file, names=", ".join(c.name for c in COMPONENTS)))
            return out
        out.insert(0, say(lang, "header", file=self.file, n=len(self.results)))
        for name, result in self.results.items():
            out += component_lines(name, result, lang, self.lines_of_file, self.seconds)
        good = sum(isinstance(r, Verdict) and r.ok for r in self.results.values())
        out.append(say(lang, "summary", passed=good, total=len(self.results))
                   + (" " + say(lang, "all_pass") if self.passed else ""))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_pretty_(self, p, cycle):          # IPython shows the report, not the object
        p.text(str(self))


def what(name: str, lang: str) -> str:
    comp = BY_NAME[name]
    return comp.en if lang == "en" else comp.ja


def component_lines(name: str, result, lang: str, source: list[str], seconds: int = SECONDS) -> list[str]:
    if isinstance(result, Failure):
        return [say(lang, result.why if result.why in ("time", "memory", "output", "exit") else "crash",
                    name=name, seconds=seconds, mb=MEMORY_MB, out=OUTPUT_MB)]
    if result.ok:
        if result.variant is not None:
            text = result.variant.en if lang == "en" else result.variant.ja
            return [say(lang, "variant", name=name, what=what(name, lang), text=text)]
        from . import catalogue
        n = len(catalogue.expected(name).order)
        return [say(lang, "pass", name=name, what=what(name, lang), n=n)]
    out = [say(lang, "fail", name=name, what=what(name, lang))]
    d = result.departure
    if d.kind == "error":
        e = d.error or {}
        at = say(lang, "at", line=e["line"]) if e.get("line") else ""
        out.append(say(lang, "error", key=d.key, type=e.get("type", "?"), at=at, message=e.get("message", "")))
        if e.get("line") and 0 < e["line"] <= len(source):
            out.append(f"   {e['line']:>4} | {source[e['line'] - 1].rstrip()}")
    else:
        index = "[" + ", ".join(map(str, d.index)) + "]" if d.index else ("値" if lang != "en" else "value")
        out.append(say(lang, d.kind, key=d.key, index=index, expected=number(d.expected), got=number(d.got)))
    if result.mistake is not None:
        text = result.mistake.en if lang == "en" else result.mistake.ja
        out.append(say(lang, "certain" if result.certain else "likely", id=result.mistake.id, text=text))
        if result.line and 0 < result.line <= len(source):
            out.append(say(lang, "line", line=result.line, code=source[result.line - 1].strip()))
    return out


def load_line(file: str, failure: Failure, lang: str, seconds: int = SECONDS) -> str:
    e = failure.error or {}
    if failure.why == "syntax":
        msg = e.get("message", "")
        if e.get("text"):
            msg += f"\n    {e['text'].strip()}"
        return say(lang, "syntax", file=file, type=e.get("type", "SyntaxError"), line=e.get("line"), message=msg)
    if failure.why == "time":
        return say(lang, "load_time", file=file, seconds=seconds)
    if failure.why in ("memory", "output", "exit"):
        return say(lang, failure.why, name=file, seconds=seconds, mb=MEMORY_MB, out=OUTPUT_MB)
    at = say(lang, "at", line=e["line"]) if e.get("line") else ""
    return say(lang, "load", file=file, type=e.get("type", "?"), at=at, message=e.get("message", ""))
