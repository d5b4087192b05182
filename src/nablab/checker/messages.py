"""What a learner reads from ``nablab check``, in Japanese (the default, the course's terms) and English."""

from __future__ import annotations

TEXT = {
    "ja": {
        "header": "nablab check {file}: {n} 個の部品を検査します（nablab の検証済み実装と照合）",
        "none": "{file} にコースの部品が見つかりません。探している名前: {names}（一覧: nablab check --list）",
        "not_in_file": "{file} に {names} がありません（--only {only}）",
        "pass": "✓ {name}（{what}）: nablab の検証済み実装と一致しました（{n} 項目）",
        "variant": "✓ {name}（{what}）: 正しい別の形です — {text}",
        "fail": "✗ {name}（{what}）",
        "value": "   最初の食い違い: {key} の {index}: 期待値 {expected}、あなたのコード {got}",
        "nonfinite": "   最初の食い違い: {key} の {index} が {got} です（期待値 {expected}）",
        "shape": "   最初の食い違い: {key} の形が {got} です（期待する形 {expected}）",
        "flag": "   最初の食い違い: 「{key}」が {got} です（期待 {expected}）",
        "missing": "   {key} の結果がありません",
        "error": "   {key} で {type} が発生しました{at}: {message}",
        "at": "（{line} 行目）",
        "certain": "   既知の間違い「{id}」と同じ振る舞いです: {text}",
        "likely": "   おそらく既知の間違い「{id}」です（同じ場所で同じ値になります）: {text}",
        "line": "   {line} 行目が怪しいです:  {code}",
        "time": "✗ {name}: {seconds} 秒以内に終わりませんでした（無限ループではありませんか）。この部品の検査を打ち切り、残りを続けます。",
        "memory": "✗ {name}: メモリの上限 {mb} MB を超えて確保しようとしました（巨大な配列ではありませんか）。この部品の検査を打ち切りました。",
        "output": "✗ {name}: 出力が多すぎます（print が {out} MB を超えました）。この部品の検査を打ち切りました。",
        "exit": "✗ {name}: 検査の途中でプロセスを終了させました（sys.exit や exit がありませんか）。",
        "crash": "✗ {name}: 検査中にプロセスが異常終了しました。",
        "syntax": "✗ {file}: 構文エラー（{type}）: {line} 行目: {message}",
        "load": "✗ {file}: ファイルの読み込み中に {type} が発生しました{at}: {message}",
        "load_time": "✗ {file}: ファイルの読み込みが {seconds} 秒で終わりません。学習ループなどは if __name__ == \"__main__\": の下に置いてください。",
        "summary": "合格 {passed} / {total} 部品",
        "all_pass": "すべて合格です。",
    },
    "en": {
        "header": "nablab check {file}: checking {n} component(s) (against nablab's verified implementation)",
        "none": "{file} defines none of the course's components; looked for: {names} (see nablab check --list)",
        "not_in_file": "{file} defines no {names} (--only {only})",
        "pass": "✓ {name} ({what}): equal to nablab's verified implementation ({n} results)",
        "variant": "✓ {name} ({what}): another correct form — {text}",
        "fail": "✗ {name} ({what})",
        "value": "   first difference: {key} at {index}: expected {expected}, your code {got}",
        "nonfinite": "   first difference: {key} at {index} is {got} (expected {expected})",
        "shape": "   first difference: {key} has shape {got} (expected {expected})",
        "flag": "   first difference: '{key}' is {got} (expected {expected})",
        "missing": "   {key}: no result",
        "error": "   {key} raised {type}{at}: {message}",
        "at": " (line {line})",
        "certain": "   it behaves exactly like a known mistake, '{id}': {text}",
        "likely": "   probably the known mistake '{id}' (it parts at the same place with the same value): {text}",
        "line": "   look at line {line}:  {code}",
        "time": "✗ {name}: did not finish within {seconds} s (an infinite loop?); this component's check was stopped, the rest go on.",
        "memory": "✗ {name}: tried to allocate beyond the {mb} MB memory limit (a huge array?); this component's check was stopped.",
        "output": "✗ {name}: printed too much (over {out} MB); this component's check was stopped.",
        "exit": "✗ {name}: ended the process during the check (sys.exit or exit?).",
        "crash": "✗ {name}: the process died during the check.",
        "syntax": "✗ {file}: syntax error ({type}) at line {line}: {message}",
        "load": "✗ {file}: loading the file raised {type}{at}: {message}",
        "load_time": "✗ {file}: loading did not finish within {seconds} s; put training loops under if __name__ == \"__main__\":.",
        "summary": "passed {passed} of {total} component(s)",
        "all_pass": "all passed.",
    },
}


def say(lang: str, msg: str, **kw) -> str:
    return TEXT.get(lang, TEXT["ja"])[msg].format(**kw)


def number(x) -> str:
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)
