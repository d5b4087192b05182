"""The report's hyperparameter search (Section 3, the book's §6.5), from the hyperparameter-search run.

The book searches the learning rate and the weight decay of its overfitting net at random on a
validation split; the run does it with Optuna (TPE sampler, median pruner). Every number below
comes from the run's results.json; the text of both languages is here, beside the code.
"""

from __future__ import annotations

from ..document import Figure, Heading, Items, Paragraph
from .runs import Run

NAME = "hyperparameter-search"

TEXT = {
    "en": {
        "h": "Hyperparameter search on a validation split (the book's §6.5)",
        "points": [
            "Hyperparameters (learning rate, weight decay λ, layer sizes…) are chosen on validation data "
            "held out from the training data, never on the test data: a choice tuned on the test set fits "
            "the hyperparameters to it, and the test accuracy then overstates what the net does on new data.",
            "The book's recipe: draw values at random on a log scale (random search beats a grid when only a "
            "few hyperparameters matter), train briefly, narrow the range to where the best ones lie, repeat.",
            "A Bayesian sampler (Optuna's TPE) draws where earlier trials scored well; a pruner stops a trial "
            "whose validation curve falls below the median of earlier trials at the same iteration.",
        ],
        "text": ("{trials} trials of {iters} iterations each on {n_train} training images, scored on {n_val} "
                 "validation images: {complete} finished, {pruned} pruned by the median rule, {fail} failed. "
                 "The best (trial {best}) reached validation accuracy {val:.3f} with lr = {lr:.2g} and "
                 "λ = {lam:.1e}; its test accuracy, measured once after the search, is {test:.3f}. "
                 "The best {top} finished trials differ by at most {spread} of the {n_val} validation images, so "
                 "their order is noise; they have lr between {lr_lo:.2g} and {lr_hi:.2g} and λ between "
                 "{lam_lo:.1e} and {lam_hi:.1e}{edge}; the finished trials with lr below 10⁻⁴ reach at most {slow:.3f}. "
                 "Over the finished trials the learning rate explains {imp_lr:.0%} of the variance of the "
                 "validation accuracy and λ {imp_lam:.0%} (fANOVA). "
                 "The book reports good results for lr ≈ 0.001–0.01 and λ ≈ 10⁻⁸–10⁻⁶. {rising}"),
        "rising": ("The best {top} curves were still rising when the budget ended: over the last quarter of the "
                   "iterations they gained {rise:+.3f} on average — these are values at {iters} iterations, not "
                   "what the settings reach; a longer budget would rank them more reliably."),
        "flat": ("The best {top} curves had levelled off: over the last quarter of the iterations they moved "
                 "{rise:+.3f} on average."),
        "edge": " — the learning rates sit at the top of the searched range ({hi:g}): the next search should "
                "reach higher (the book narrows its range step by step; here the range first has to move up)",
        "none": "No trial finished ({pruned} pruned, {fail} failed), so there is no best trial to report.",
        "curves": "Validation accuracy against iteration of the best finished trials (pruned trials in grey)",
        "params": "Validation accuracy of every trial against lr and λ (log scales); the star is the best",
    },
    "ja": {
        "h": "検証データによるハイパーパラメータ探索（書籍 §6.5）",
        "points": [
            "ハイパーパラメータ（学習率、荷重減衰 λ、層のサイズなど）は訓練データから分けた検証データで選び、"
            "テストデータでは選ばない。テストデータで調整するとハイパーパラメータがテストデータに過学習し、"
            "テスト正答率は新しいデータでの性能を過大に示す。",
            "書籍の手順: 値を対数スケールでランダムに選び（効くハイパーパラメータが少ないとき、ランダム探索は"
            "グリッドより効率がよい）、短く学習し、良い値のある範囲に絞り込んで繰り返す。",
            "ベイズ的なサンプラー（Optuna の TPE）はそれまでの試行で良かった辺りから値を選ぶ。枝刈り（pruner）は、"
            "検証正答率の曲線が同じ反復での過去の試行の中央値を下回った試行を打ち切る。",
        ],
        "text": ("{n_train} 枚の訓練画像で各 {iters} 反復の試行を {trials} 回行い、{n_val} 枚の検証画像で評価した: "
                 "完了 {complete}、中央値規則による枝刈り {pruned}、失敗 {fail}。最良（試行 {best}）は lr = {lr:.2g}、"
                 "λ = {lam:.1e} で検証正答率 {val:.3f}。そのテスト正答率は探索の後に一度だけ測り {test:.3f} だった。"
                 "完了した試行の上位 {top} 個の差は検証画像 {n_val} 枚中 {spread} 枚以内で、その順位はノイズの範囲である。上位 {top} 個は lr が {lr_lo:.2g}〜{lr_hi:.2g}、λ が {lam_lo:.1e}〜{lam_hi:.1e} の範囲にある{edge}。"
                 "lr が 10⁻⁴ 未満の完了した試行は最高でも {slow:.3f} にとどまる。"
                 "完了した試行での検証正答率の分散のうち、学習率が {imp_lr:.0%}、λ が {imp_lam:.0%} を説明する（fANOVA）。"
                 "書籍は lr ≈ 0.001〜0.01、λ ≈ 10⁻⁸〜10⁻⁶ で学習がうまく進むとしている。{rising}"),
        "rising": ("上位 {top} 個の曲線は予算の終わりでもまだ上がっていた: 最後の 4 分の 1 の反復で平均 {rise:+.3f}。"
                   "これは {iters} 反復の時点の値で、その設定が到達する値ではない。予算を延ばせば順位はより確かになる。"),
        "flat": "上位 {top} 個の曲線は頭打ちになっていた: 最後の 4 分の 1 の反復での変化は平均 {rise:+.3f}。",
        "edge": "（学習率は探索範囲の上端 {hi:g} に集まっている。次の探索では範囲を上に広げるべきである。書籍は範囲を"
                "段階的に絞り込むが、ここではまず範囲を上へ動かす必要がある）",
        "none": "完了した試行がない（枝刈り {pruned}、失敗 {fail}）ため、最良の試行は示せない。",
        "curves": "検証正答率の推移（完了した試行の上位。灰色は枝刈りされた試行）",
        "params": "全試行の検証正答率と lr・λ（対数軸）。星印が最良",
    },
}


def lr_top(space: list[str]) -> float:
    """The upper end of the learning rate's range: 'optimizer.lr=loguniform:1e-06:0.01' → 0.01."""
    item = next(s for s in space if s.startswith("optimizer.lr="))
    return float(item.rsplit(":", 1)[1])


def numbers(run: Run, top: int = 10, lang: str = "en") -> dict:
    """The numbers of the paragraph, from results.json."""
    r = run.numbers
    done = sorted((t for t in r.trials if t["state"] == "complete"), key=lambda t: -t["value"])
    best, lr, lam = r.best, "optimizer.lr", "train.lam"
    head = done[:top]
    slow = [t["value"] for t in done if t["params"][lr] < 1e-4]
    return {"trials": len(r.trials), "iters": r.iters, "n_train": r.n_train, "n_val": r.n_val,
            **r.counts, "best": best["number"], "val": best["value"], "test": best["test_acc"],
            "lr": best["params"][lr], "lam": best["params"][lam], "top": len(head),
            "lr_lo": min(t["params"][lr] for t in head), "lr_hi": max(t["params"][lr] for t in head),
            "lam_lo": min(t["params"][lam] for t in head), "lam_hi": max(t["params"][lam] for t in head),
            "slow": max(slow) if slow else float("nan"),
            "spread": round((head[0]["value"] - head[-1]["value"]) * r.n_val),
            "edge": TEXT[lang]["edge"].format(hi=lr_top(r.space))
            if min(t["params"][lr] for t in head) > lr_top(r.space) / 2 else "",
            "imp_lr": (r.importance or {}).get(lr, float("nan")),
            "imp_lam": (r.importance or {}).get(lam, float("nan")),
            "rise": late_rise(head)}


def late_rise(trials: list[dict]) -> float:
    """The mean gain of the trials' validation curves over the last quarter of their iterations."""
    gains = []
    for t in trials:
        curve = t.get("curve") or []
        if len(curve) >= 2:
            end = curve[-1][0]
            start = next(v for it, v in curve if it >= 0.75 * end)
            gains.append(curve[-1][1] - start)
    return sum(gains) / len(gains) if gains else 0.0


def blocks(lang: str, T: dict, runs: dict[str, Run]) -> list:
    run, S = runs[NAME], TEXT[lang]
    if run.numbers.best:
        nums = numbers(run, lang=lang)
        # rising: more than two validation images' worth (1/n_val each) on average
        nums["rising"] = S["rising" if nums["rise"] > 2 / nums["n_val"] else "flat"].format(**nums)
        text = S["text"].format(**nums)
    else:
        text = S["none"].format(**run.numbers.counts)
    return [Heading(3, S["h"]), Items(S["points"]), Paragraph(text),
            Figure(run.figure("best_curves"), S["curves"]), Figure(run.figure("metric_vs_params"), S["params"])]
