"""A tiny document model rendered to Markdown and to one self-contained HTML page.

Blocks: ("h1" | "h2" | "h3", text), ("p", text), ("list", [text, ...]), ("table", header, rows),
("figure", png_path, caption), ("code", text). Inline markup in text: `code` and **bold**.
"""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path

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


def anchor(text: str) -> str:
    return "s-" + re.sub(r"\W+", "-", text.lower()).strip("-")


def to_markdown(blocks: list, figure_dir: str) -> str:
    lines = []
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            lines += ["#" * int(kind[1]) + " " + b[1], ""]
        elif kind == "p":
            lines += [b[1], ""]
        elif kind == "list":
            lines += [f"- {item}" for item in b[1]] + [""]
        elif kind == "table":
            header, rows = b[1], b[2]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "|".join("---" for _ in header) + "|")
            lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
            lines.append("")
        elif kind == "figure":
            lines += [f"![{b[2]}]({figure_dir}/{Path(b[1]).name})", "", f"*{b[2]}*", ""]
        elif kind == "code":
            lines += ["```python", b[1].rstrip(), "```", ""]
    return "\n".join(lines)


STYLE = """
body { font-family: "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", sans-serif;
       max-width: 980px; margin: 2em auto; padding: 0 1em; line-height: 1.65; color: #222; }
h1 { border-bottom: 3px solid #345; padding-bottom: .2em; }
h2 { border-bottom: 1px solid #aab; margin-top: 2.2em; }
h3 { margin-top: 1.6em; color: #234; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
th, td { border: 1px solid #bbc; padding: .25em .6em; }
th { background: #eef1f6; }
td:not(:first-child) { text-align: right; }
figure { margin: 1.2em 0; page-break-inside: avoid; }
figure img { max-width: 100%; border: 1px solid #dde; }
figcaption { font-size: .9em; color: #555; }
code { background: #f3f3f6; padding: 0 .25em; border-radius: 3px; }
pre { background: #f6f6f9; padding: .8em; overflow-x: auto; }
nav { background: #f7f8fb; padding: .6em 1em; border: 1px solid #dde; }
nav ul { margin: 0; }
@media print { body { max-width: none; } nav { display: none; } h2 { page-break-before: always; } }
"""


def to_html(blocks: list, title: str, lang: str, links: str = "") -> str:
    toc = [f'<li><a href="#{anchor(b[1])}">{inline_html(b[1])}</a></li>' for b in blocks if b[0] == "h2"]
    body = []
    for b in blocks:
        kind = b[0]
        if kind in ("h1", "h2", "h3"):
            body.append(f'<{kind} id="{anchor(b[1])}">{inline_html(b[1])}</{kind}>')
            if kind == "h1":
                body.append(links)
                body.append('<nav><ul>' + "".join(toc) + '</ul></nav>')
        elif kind == "p":
            body.append(f"<p>{inline_html(b[1])}</p>")
        elif kind == "list":
            body.append("<ul>" + "".join(f"<li>{inline_html(i)}</li>" for i in b[1]) + "</ul>")
        elif kind == "table":
            head = "".join(f"<th>{inline_html(h)}</th>" for h in b[1])
            rows = "".join("<tr>" + "".join(f"<td>{inline_html(str(c))}</td>" for c in row) + "</tr>"
                           for row in b[2])
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif kind == "figure":
            data = base64.b64encode(Path(b[1]).read_bytes()).decode("ascii")
            body.append(f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(b[2])}">'
                        f"<figcaption>{inline_html(b[2])}</figcaption></figure>")
        elif kind == "code":
            body.append(f"<pre><code>{html.escape(b[1].rstrip())}</code></pre>")
    return (f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")
