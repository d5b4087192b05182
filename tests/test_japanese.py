"""The Japanese words of the report's tables and figures (nablab.japanese, plotting.language)."""

import matplotlib.text
import pytest

from nablab import plotting
from nablab.japanese import figure_text, label


@pytest.mark.parametrize("english, japanese", [
    ("std 0.1, no BN", "標準偏差 0.1、BN なし"),
    ("std 0.1, BN", "標準偏差 0.1、BN あり"),
    ("L2 λ=0.1, hidden layers only (course code)", "L2 λ=0.1、隠れ層のみ更新（講座のコード）"),
    ("SGD (lr 0.95)", "SGD（学習率 0.95）"),
])
def test_table_labels(english, japanese):
    assert label(english) == japanese


@pytest.mark.parametrize("english, japanese", [
    ("std 0.1, no BN", "標準偏差 0.1, BN なし"),            # not "BN あり なし": ", BN" inside ", no BN"
    ("std 0.1, BN", "標準偏差 0.1, BN あり"),
    ("SGD (lr 0.95)", "SGD (学習率 0.95)"),                 # figures keep ASCII brackets and commas
    ("Momentum (after: lr 0.3)", "Momentum (変更後: 学習率 0.3)"),     # the label's phrase before " lr "
    ("#1 lr 0.0072, lam 3.4e-07", "#1 学習率 0.0072, λ 3.4e-07"),
    ("iteration", "反復"),
    ("test accuracy (mean of 3 seed(s))", "テスト正答率 (3 シードの平均)"),
    ("vanishing-gradient: accuracy (seed 0)", "vanishing-gradient: 正答率 (シード 0 の実行)"),
    ("relu\ninit 0.01", "relu\n初期化 0.01"),               # lines of their own stay lines
    ("ReLU-gauss\n[40,40,20], all\nlayers", "ReLU-gauss\n[40,40,20],\n全層を更新"),   # a wrapped label
    ("f(x, y) = x²/20 + y²", "f(x, y) = x²/20 + y²"),       # maths untouched
])
def test_figure_text(english, japanese):
    assert figure_text(english) == japanese


def test_language_translates_titles_legends_and_word_ticks(tmp_path):
    plt = plotting.pyplot()
    with plotting.language("ja"):
        fig, ax = plt.subplots()
        ax.bar([0, 1], [1, 2], label="as computed")
        ax.set_xticks([0, 1], ["std 1, no BN", "GRU"])
        ax.set(xlabel="iteration", title="training loss")
        ax.legend()
        plotting.translate(fig)
        fig.canvas.draw()
        texts = {t.get_text() for t in fig.findobj(matplotlib.text.Text)}
    assert {"反復", "訓練損失", "計算したまま", "標準偏差 1, BN なし", "GRU"} <= texts
    assert plotting.LANGUAGE.get() == "en"                 # the block ends, English again


def test_no_font_is_a_lookup_error(monkeypatch):
    monkeypatch.setattr(plotting, "japanese_font", lambda: None)
    with pytest.raises(LookupError, match="Noto Sans CJK JP"):
        with plotting.language("ja"):
            pass
    with pytest.raises(LookupError):
        with plotting.language("fr"):
            pass
