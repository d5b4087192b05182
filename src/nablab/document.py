"""A tiny typed document model, rendered to Markdown and to one self-contained HTML page.

Blocks: Heading(level, text), Paragraph(text), Items([text, ...]), Table(header, rows),
Figure(path, caption), Code(text), Math(latex, label). Inline markup in text: `code` and **bold**.
A formula is LaTeX: ``$$ … $$`` in Markdown, MathML in HTML (converted when the page is built by
latex2mathml — no JavaScript, no network).
Run summaries (summary.md) and the Day 2 report are both lists of these blocks, so one
table renderer serves HTML, Markdown and summary.md.

>>> print(to_markdown([Heading(2, "Results"), Table(("variant", "acc"), [("a", "0.9")])], "figures"))
## Results
<BLANKLINE>
| variant | acc |
|---|---|
| a | 0.9 |
<BLANKLINE>
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Heading:
    level: int                  # 1, 2 or 3
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...] | list[str]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...] | list[str]
    rows: list                  # each row: a sequence of cells, shown with str()


@dataclass(frozen=True)
class Figure:
    path: Path                  # a PNG file
    caption: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Math:
    latex: str                  # one display formula, e.g. r"w \leftarrow w - \eta \nabla E"
    label: str = ""             # what it is, shown before it


Block = Heading | Paragraph | Items | Table | Figure | Code | Math

# a table column whose every cell starts with a number (or is "—") is right-aligned; text is left-aligned
NUMBER = re.compile(r"^\s*(—|[−\-+±]?\.?\d)")
NUM = ' class="num"'
INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*")


def inline_html(text: str) -> str:
    out, pos = [], 0
    for m in INLINE.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        out.append(f"<code>{html.escape(m.group(1))}</code>" if m.group(1) is not None
                   else f"<strong>{html.escape(m.group(2))}</strong>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def md_cell(value) -> str:
    """A table cell for Markdown: one line, its "|" escaped, and no HTML tag a viewer would run
    (a label "a|b" or "<script>" from a user's TOML must not break the table or the page)."""
    text = " ".join(str(value).split("\n"))
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text.replace("|", "\\|"))


def markdown_block(b: Block, figure_dir: str) -> list[str]:
    match b:
        case Heading(level, text):
            return ["#" * level + " " + text, ""]
        case Paragraph(text):
            return [text, ""]
        case Items(items):
            return [f"- {item}" for item in items] + [""]
        case Table(header, rows):
            return ["| " + " | ".join(md_cell(h) for h in header) + " |", "|" + "|".join("---" for _ in header) + "|",
                    *("| " + " | ".join(md_cell(c) for c in row) + " |" for row in rows), ""]
        case Figure(path, caption):
            return [f"![{caption}]({figure_dir}/{Path(path).name})", "", f"*{caption}*", ""]
        case Code(text):
            return ["```python", text.rstrip(), "```", ""]
        case Math(latex, label):
            return [*([f"{label}:", ""] if label else []), "$$", latex, "$$", ""]
    raise TypeError(f"not a document block: {b!r}")


def to_markdown(blocks: list[Block], figure_dir: str) -> str:
    """Markdown; figures link to ``figure_dir/<file name>``."""
    return "\n".join(line for b in blocks for line in markdown_block(b, figure_dir))


class Anchors:
    """Unique HTML ids from heading texts: a repeated heading gets -2, -3, ..."""

    def __init__(self):
        self.seen: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        base = "s-" + (re.sub(r"\W+", "-", text.lower()).strip("-") or "section")
        self.seen[base] = self.seen.get(base, 0) + 1
        return base if self.seen[base] == 1 else f"{base}-{self.seen[base]}"


def html_block(b: Block, ids: dict[int, str]) -> str:
    match b:
        case Heading(level, text):
            return f'<h{level} id="{ids[id(b)]}">{inline_html(text)}</h{level}>'
        case Paragraph(text):
            return f"<p>{inline_html(text)}</p>"
        case Items(items):
            return "<ul>" + "".join(f"<li>{inline_html(i)}</li>" for i in items) + "</ul>"
        case Table(header, rows):
            numeric = [all(NUMBER.match(str(row[i])) for row in rows if i < len(row) and str(row[i]))
                       and any(i < len(row) and str(row[i]) for row in rows) for i in range(len(header))]
            head = "".join(f"<th{NUM if numeric[i] else ''}>{inline_html(h)}</th>" for i, h in enumerate(header))
            body = "".join("<tr>" + "".join(f"<td{NUM if i < len(numeric) and numeric[i] else ''}>"
                                            f"{inline_html(str(c))}</td>" for i, c in enumerate(row)) + "</tr>"
                           for row in rows)
            # a wide table scrolls inside its own box, never the page (a phone's 400 px)
            return f'<div class="table"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
        case Figure(path, caption):
            data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
            return (f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(caption)}">'
                    f"<figcaption>{inline_html(caption)}</figcaption></figure>")
        case Code(text):
            return f"<pre><code>{html.escape(text.rstrip())}</code></pre>"
        case Math(latex, label):
            from latex2mathml.converter import convert
            head = f'<span class="math-label">{inline_html(label)}</span>' if label else ""
            # an HTML page needs no namespace on <math> (and the page names no http:// address at all)
            mathml = convert(latex, display="block").replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "")
            return f'<div class="math">{head}{mathml}</div>'
    raise TypeError(f"not a document block: {b!r}")


STYLE = """
body { font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif;
       max-width: 980px; margin: 2em auto; padding: 0 1em; line-height: 1.65; color: #222; }
p, li, figcaption, h1, h2, h3 { overflow-wrap: anywhere; }
h1 { border-bottom: 3px solid #345; padding-bottom: .2em; }
h2 { border-bottom: 1px solid #aab; margin-top: 2.2em; }
h3 { margin-top: 1.6em; color: #234; }
div.table { overflow-x: auto; margin: 1em 0; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.92em; }
th, td { border: 1px solid #bbc; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #eef1f6; }
.num { text-align: right; }
figure { margin: 1.2em 0; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; border: 1px solid #dde; }
figcaption { font-size: .9em; color: #555; }
code { background: #f3f3f6; padding: 0 .25em; border-radius: 3px; }
pre { background: #f6f6f9; padding: .8em; overflow-x: auto; max-width: 100%; }
nav { background: #f7f8fb; padding: .6em 1em; border: 1px solid #dde; overflow-wrap: anywhere; }
nav ul { margin: 0; }
nav ul ul { font-size: .88em; padding-left: 1.4em; }
nav ul ul li { display: inline; }
nav ul ul li:not(:last-child)::after { content: " · "; color: #889; }
.math { display: flex; flex-wrap: wrap; align-items: center; gap: .2em 1em; margin: .4em 0 .4em 1em;
        overflow-x: auto; max-width: 100%; }
.math-label { min-width: 9em; color: #345; font-size: .92em; }
math { font-size: 1.1em; }
@media (max-width: 600px) { body { margin: 1em auto; padding: 0 .6em; } .math { margin-left: 0; }
                            .math-label { min-width: 0; } }
@media print { body { max-width: none; } nav { display: none; } h2 { page-break-before: always; }
               div.table { overflow: visible; } }
"""


def contents(blocks: list[Block], ids: dict[int, str]) -> str:
    """The table of contents: every h2, and under it its h3 subsections on one line."""
    sections = []                                   # [(h2, [h3, ...]), ...]
    for b in blocks:
        if isinstance(b, Heading) and b.level == 2:
            sections.append((b, []))
        elif isinstance(b, Heading) and b.level == 3 and sections:
            sections[-1][1].append(b)

    def link(b):
        return f'<a href="#{ids[id(b)]}">{inline_html(b.text)}</a>'
    return "".join(f"<li>{link(h)}" + (f"<ul>{''.join(f'<li>{link(x)}</li>' for x in subs)}</ul>" if subs else "")
                   + "</li>" for h, subs in sections)


def to_html(blocks: list[Block], title: str, lang: str, links: str = "") -> str:
    """One self-contained page: figures as data URIs, a table of contents after the h1."""
    anchors = Anchors()
    ids = {id(b): anchors(b.text) for b in blocks if isinstance(b, Heading)}
    toc = contents(blocks, ids)
    body = []
    for b in blocks:
        body.append(html_block(b, ids))
        if isinstance(b, Heading) and b.level == 1:
            body += [links, f"<nav><ul>{toc}</ul></nav>"]
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")
