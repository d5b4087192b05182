"""The example challenges (例題チャレンジ) as blocks: the question's code with its blank, then
every choice of nablab's drill question filled in and run, with what it did."""

from __future__ import annotations

from ..document import Code, Paragraph, Table


def blocks(T: dict, proof: dict, note: bool = True) -> list:
    """Code with the blank ____, the note on where the choices come from (``note``), a table —
    choice | code | when run: ✓ right / ✗ wrong, with what the run showed (in the page's language) —
    and the drill's explanation."""
    rows = [(c["letter"], f"`{c['code']}`",
             T["run_verdict"][c["ok"]] + f": {c['detail'] if T['lang'] == 'en' else c.get('detail_ja', c['detail'])}")
            for c in proof["choices"]]
    return [Code(proof["code"]), *([Paragraph(T["drill_note"])] if note else []),
            Table((T["choice"], T["code"], T["when_run"]), rows), Paragraph(proof["explanation"][T["lang"]])]
