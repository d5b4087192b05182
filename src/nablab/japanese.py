"""English → Japanese words for the Japanese report: the catalogue's variant labels (in its
tables) and the text of the figures (titles, axis labels, legends), which the experiment kinds
write in English. One list of (English, 日本語) pairs each, replaced in order, so a longer phrase
comes before the words inside it. Names the course itself writes in Latin letters stay as they
are (ReLU, Xavier, He, SGD, AdaGrad, Adam, BN, LSTM, im2col, L1/L2, ...)."""

from __future__ import annotations

import re
import unicodedata

# catalogue labels, in the report's tables: (English, Japanese), replaced in this order
LABELS = [
    ("relu forward, sigmoid' backward (course code)", "順伝播 relu、逆伝播 sigmoid′（講座のコード）"),
    (" (correct backward)", "（正しい逆伝播）"),
    ("hidden layers only (course code)", "隠れ層のみ更新（講座のコード）"),
    ("W1–W3 only (course code)", "W1–W3 のみ更新（講座のコード）"),
    (" (+ L2 0.005 left over)", "（前のセルの L2 0.005 が残る）"), (", no BN", "、BN なし"), (", BN", "、BN あり"),
    ("no regularisation", "正則化なし"), ("all parameters", "全パラメータを更新"),
    ("no weight decay", "荷重減衰なし"), ("weight decay", "荷重減衰"), ("no dropout", "ドロップアウトなし"),
    (" epochs)", " エポック)"),
    ("all layers", "全層を更新"), ("10 layers", "10 層"), ("arranged (no first pool)", "改変版（最初のプーリングなし）"),
    ("global average pooling (64 features)", "グローバル平均プーリング（64 特徴）"),
    (" (576 features)", "（576 特徴）"), ("dropout", "ドロップアウト率"), ("no BN", "BN なし"),
    ("forget bias", "忘却ゲートのバイアス"), ("orthogonal", "直交初期化"), ("std ", "標準偏差 "),
    (" (after: lr", "（変更後: 学習率"), (" (lr ", "（学習率 "), (", μ ", "、μ "), (", h0 ", "、h0 "),
    (" (", "（"), (")", "）"), (", ", "、"),
]

# figure text: whole titles and sentences first; WORDS (after the labels) are phrases and words
FIGURE = [
    # titles and sentences
    ("minimum of E", "E の最小点"), ("minimum with the penalty", "正則化ありの最小点"),
    ("the penalty's region", "正則化の制約領域"),
    ("activation distributions at initialisation (x axes differ: see each panel's std)",
     "初期化直後の活性化の分布（横軸は図ごとに違う: 各図の標準偏差を参照）"),
    ("feature maps of one test image (after ReLU)", "テスト画像 1 枚の特徴マップ（ReLU の後）"),
    ("Gradient reaching step t (loss at t = ", "時刻 t に届く勾配（損失は t = "),
    ("online SGD on f(x) = 3·x0 + 2·x1", "f(x) = 3·x0 + 2·x1 のオンライン SGD"),
    ("step (one sample each)", "ステップ（1 回に 1 サンプル）"),
    ("optimizer paths on ", "最適化手法の軌跡: "),
    ("gradient norm per layer", "層ごとの勾配のノルム"),
    ("activation distributions (iteration ", "活性化の分布（反復 "),
    ("test accuracy (mean of ", "テスト正答率（"), (" seed(s))", " シードの平均）"), ("(seed 0)", "（シード 0 の実行）"),
    ("training loss (moving avg.)", "訓練損失（移動平均）"),
    ("layer (input → output)", "層（入力 → 出力）"),
    ("conv1 filters before training", "学習前の conv1 フィルタ"), ("conv1 filters after training", "学習後の conv1 フィルタ"),
    ("at initialisation", "初期化直後"), ("after training", "学習後"),
    ("Gradient clipping", "勾配クリッピング"), ("after clip_grad_norm(", "clip_grad_norm 後 ("),
    ("as computed", "計算したまま"), ("(all parameters)", "（全パラメータ）"),
    ("Adding problem, T = ", "加算問題、T = "),
    (" kernel, padding ", " カーネル、パディング "),
    ("activation f(u)", "活性化関数 f(u)"), ("derivative f′(u)", "導関数 f′(u)"),
    ("pruned in grey", "枝刈りは灰色"), ("at its last value", "最後の値で表示"),
    ("failed / diverged", "失敗 / 発散"), (" trials (", " 試行 ("), (" trials, #", " 試行、#"), (" of ", " / "), ("Best ", "上位 "),
    ("(diverged at ", "（発散: 反復 "), ("(no evaluation)", "（評価なし）"),
    ("windows covering each pixel", "各画素を覆う窓の数"), ("input x[", "入力 x["),
    ("forget gate", "忘却ゲート"), ("input gate", "入力ゲート"), ("output gate", "出力ゲート"),
    ("candidate", "候補"), ("input at step t", "時刻 t の入力"),
    ("book (kernel-offset loop)", "書籍（カーネル位置ごとのループ）"), ("sliding windows", "窓をずらすループ"),
    ("ms per call (log)", "1 回あたりの時間 ms（対数軸）"), ("peak MiB", "最大メモリ MiB"),
    ("(acc ", "(正答率 "), ("(max ", "(最大 "),
    (" in light blue", " は水色"), ("λ (weight decay)", "λ（荷重減衰）"), ("learning rate", "学習率"),
    ("momentum μ", "モメンタム μ"), ("batch size", "バッチサイズ"), ("dropout ratio", "ドロップアウト率"),
]
WORDS = [                                    # after the labels' words (which hold "after: lr", "std", ...)
    (" lr ", " 学習率 "), ("、lam ", "、λ "),           # label() has made ", " "、" by now
    ("validation accuracy", "検証正答率"), ("test accuracy", "テスト正答率"), ("training loss", "訓練損失"),
    ("training set", "訓練データ"), ("test set", "テストデータ"), ("test MSE", "テスト MSE"),
    ("time step t", "時刻 t"), ("accuracy", "正答率"), ("baseline ", "基準 "),
    # words
    ("iteration", "反復"), ("layer ", "層 "), ("loss", "損失"), ("init ", "初期化 "), ("seed ", "シード "),
    ("finished", "完了"), ("pruned", "枝刈り"), ("best", "最良"), (" vs ", " 対 "),
    ("before", "学習前"), ("after", "学習後"), ("naive loops", "素朴なループ"), ("naive loop", "素朴なループ"),
]


def label(text: str, pairs=LABELS) -> str:
    """A catalogue label in Japanese, as the report's tables show it: each (English, Japanese) pair
    replaced in order."""
    for english, japanese in pairs:
        text = text.replace(english, japanese)
    return text


def figure_text(text: str) -> str:
    """A figure's text in Japanese, line by line; a label wrapped over lines (textwrap) whose
    phrases cross the line ends is translated whole and wrapped again."""
    lines = text.split("\n")
    if len(lines) == 1:
        return line_text(text)
    by_line, whole = [line_text(line) for line in lines], line_text(" ".join(lines))
    if " ".join(by_line) == whole:
        return "\n".join(by_line)
    return wrap(whole, max(map(width, lines)))


def width(text: str) -> int:
    """Display width in Latin-letter units: a full-width (CJK) character counts 2."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, limit: int) -> str:
    """Lines of at most ``limit`` display units (``width``): broken at a space where the line has
    one, else between any two full-width characters (Japanese has no spaces to break at)."""
    lines, line = [], ""
    for ch in text:
        if width(line + ch) > limit and line:
            cut = line.rfind(" ")
            if cut > 0 and not (ch != " " and unicodedata.east_asian_width(ch) in "WF" and cut < len(line) // 2):
                lines.append(line[:cut])
                line = line[cut + 1:]
            else:
                lines.append(line.rstrip())
                line = ""
            if ch == " " and not line:
                continue
        line += ch
    return "\n".join(lines + [line])


def line_text(text: str) -> str:
    """One line of figure text in Japanese: FIGURE's titles, the labels' words (as the tables
    have them), then WORDS; full-width brackets and commas back to ASCII, as figures write them."""
    for english, japanese in FIGURE:
        text = text.replace(english, japanese)
    text = label(text)
    for english, japanese in WORDS:
        text = text.replace(english, japanese)
    return re.sub(r"\s*（", " (", text).replace("）", ")").replace("、", ", ").strip()
