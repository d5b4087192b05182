"""The book's chapter 6 beside the course (ゼロから作る Deep Learning §6.1–6.4).

The course's Sections 1–3 grew out of this chapter; its four experiments run here with the book's
settings and constants (book-optimizers, book-init, book-batch-norm, book-overfitting in the
catalogue). Each row gives the book's conclusion and whether our runs show it — decided by a rule
on the runs' numbers, written out in the row. Losses: the book prints the mini-batch loss after
the update on that batch, nablab records it before (the loss of the forward pass that computed the
gradient); so both curves here are nablab's, compared with each other, not with the book's plot.
"""

from __future__ import annotations

import math

from ..document import Figure, Heading, Paragraph, Table
from .runs import Run

EXPERIMENTS = ("book-optimizers", "book-init", "book-batch-norm", "book-overfitting")
NO_LEARNING = 2.2          # a 10-class net that has learned nothing has loss ln 10 ≈ 2.303

TEXT = {
    "en": {
        "h": "The book's chapter 6 beside the course (ゼロから作る Deep Learning §6.1–6.4)",
        "intro": ("Sections 1–3 of the course follow chapter 6 of the book. Its four experiments, run with the book's "
                  "own settings (networks, batch sizes, iterations, learning rates, BatchNormalization's ε = 10e-7 "
                  "and running averages) over 3 seeds: the book's conclusion, what our runs measured, and whether "
                  "they show it. Losses are nablab's mini-batch losses before each update (the book prints them "
                  "after the update on the same batch), so loss curves compare our variants with each other."),
        "header": ["book", "the book's conclusion", "our runs (3 seeds)", "shown?"],
        "yes": "yes", "no": "no", "partly": "partly",
        "opt_book": "SGD learns the slowest; Momentum, AdaGrad and Adam faster (AdaGrad a little ahead).",
        "opt_ours": "final loss (last tenth of 2,000 iterations): {losses}; slowest: {slowest}, fastest: {fastest}",
        "init_book": "With std 0.01 the net does not learn at all; Xavier and He learn, He faster.",
        "init_ours": ("final loss std 0.01 {std:.3f} (no learning ≈ ln 10 = 2.303), Xavier {xavier:.3f}, He {he:.3f}; "
                      "test accuracy {std_acc:.4f} / {xavier_acc:.4f} / {he_acc:.4f}"),
        "bn_book": ("With BN learning is faster in almost every case; without BN the net does not learn unless the "
                    "weight scale is right."),
        "bn_ours": ("training accuracy after 20 epochs: BN higher by more than 2σ at {bn_wins} of {scales} scales, "
                    "no BN higher at {nobn_wins}; no BN stays below 0.2 at {stuck} scales (std {stuck_list}), BN at "
                    "{bn_stuck}"),
        "of_book": ("Without regularisation the training accuracy reaches 100% far above the test accuracy; weight "
                    "decay (λ 0.1) and dropout (0.2) narrow the gap and keep the training accuracy below 100%."),
        "of_ours": ("train − test gap: no decay {overfit_gap:.3f} (train {overfit_train:.3f}) → decay {decay_gap:.3f} "
                    "(train {decay_train:.3f}); no dropout {nodrop_gap:.3f} (train {nodrop_train:.3f}) → dropout "
                    "{drop_gap:.3f} (train {drop_train:.3f})"),
        "opt_caption": "The book's §6.1: the four optimizers on MNIST (batch 128, 2,000 iterations)",
        "init_caption": "The book's §6.2: initial weights std 0.01, Xavier, He (ReLU, SGD)",
        "bn_caption": "The book's §6.3: with and without BN at each of the 16 initial weight scales (1,000 images)",
        "of_caption": "The book's §6.4: weight decay and dropout on 300 images",
    },
    "ja": {
        "h": "書籍『ゼロから作る Deep Learning』第 6 章（§6.1〜6.4）との比較",
        "intro": ("講座の Section 1〜3 は書籍の第 6 章に沿っている。その 4 つの実験を書籍の設定（ネットワーク、バッチサイズ、"
                  "反復回数、学習率、BatchNormalization の ε = 10e-7 と移動平均）のまま 3 シードで実行し、書籍の結論、"
                  "nablab の測定値、それが結論を示すかを並べた。損失は nablab が各更新の前に記録したミニバッチの損失"
                  "（書籍は同じバッチでの更新後の値を表示する）なので、損失の曲線は nablab の条件どうしで比べる。"),
        "header": ["書籍", "書籍の結論", "nablab の結果（3 シード）", "示されたか"],
        "yes": "示された", "no": "示されない", "partly": "一部",
        "opt_book": "SGD の学習が最も遅く、Momentum・AdaGrad・Adam は速い（AdaGrad がやや先行）。",
        "opt_ours": "最終損失（2,000 回の最後の 1/10）: {losses}。最も遅いのは {slowest}、最も速いのは {fastest}",
        "init_book": "標準偏差 0.01 ではまったく学習しない。Xavier と He は学習し、He のほうが速い。",
        "init_ours": ("最終損失 標準偏差 0.01 {std:.3f}（学習しなければ ln 10 = 2.303）、Xavier {xavier:.3f}、He {he:.3f}。"
                      "テスト正答率 {std_acc:.4f} / {xavier_acc:.4f} / {he_acc:.4f}"),
        "bn_book": "BN を使うとほぼすべての場合で学習が速い。BN がないと、適切な初期値のスケールでなければ学習が進まない。",
        "bn_ours": ("20 エポック後の訓練正答率: BN ありが 2σ を超えて高いのは {scales} 通り中 {bn_wins} 通り、BN なしが高いのは "
                    "{nobn_wins} 通り。BN なしが 0.2 未満にとどまったのは {stuck} 通り（標準偏差 {stuck_list}）、BN ありは "
                    "{bn_stuck} 通り"),
        "of_book": ("正則化なしでは訓練正答率が 100% に達してテスト正答率を大きく上回る。荷重減衰（λ 0.1）とドロップアウト"
                    "（0.2）は差を縮め、訓練正答率は 100% に届かなくなる。"),
        "of_ours": ("訓練 − テストの差: 荷重減衰なし {overfit_gap:.3f}（訓練 {overfit_train:.3f}）→ あり {decay_gap:.3f}"
                    "（訓練 {decay_train:.3f}）、ドロップアウトなし {nodrop_gap:.3f}（訓練 {nodrop_train:.3f}）→ あり "
                    "{drop_gap:.3f}（訓練 {drop_train:.3f}）"),
        "opt_caption": "書籍 §6.1: MNIST での 4 つの最適化手法（バッチ 128、2,000 回）",
        "init_caption": "書籍 §6.2: 重みの初期値 標準偏差 0.01・Xavier・He（ReLU、SGD）",
        "bn_caption": "書籍 §6.3: 16 通りの重みの初期値ごとの BN あり・なし（訓練画像 1,000 枚）",
        "of_caption": "書籍 §6.4: 300 枚での荷重減衰とドロップアウト",
    },
}


def optimizers_row(S, run: Run) -> list:
    loss = {v.label: v.final_loss for v in run.variants}
    slowest, fastest = max(loss, key=loss.get), min(loss, key=loss.get)
    others = [x for k, x in loss.items() if k != "SGD"]
    shown = "yes" if slowest == "SGD" and loss["SGD"] > max(others) else "no"
    ours = S["opt_ours"].format(losses=", ".join(f"{k} {x:.3f}" for k, x in loss.items()),
                                slowest=slowest, fastest=fastest)
    return ["§6.1", S["opt_book"], ours, S[shown]]


def init_row(S, run: Run) -> list:
    v = {k: run.variant(k) for k in ("std001", "xavier", "he")}
    stuck = v["std001"].final_loss > NO_LEARNING
    learn = v["xavier"].final_loss < NO_LEARNING and v["he"].final_loss < NO_LEARNING
    faster = v["he"].final_loss < v["xavier"].final_loss
    shown = "yes" if stuck and learn and faster else "partly" if stuck and learn else "no"
    ours = S["init_ours"].format(std=v["std001"].final_loss, xavier=v["xavier"].final_loss, he=v["he"].final_loss,
                                 std_acc=v["std001"].test_acc, xavier_acc=v["xavier"].test_acc, he_acc=v["he"].test_acc)
    return ["§6.2", S["init_book"], ours, S[shown]]


def bn_row(S, run: Run) -> list:
    """Per weight scale: is BN's final training accuracy higher than no BN's by more than 2σ (σ the
    larger of the two seed spreads and the binomial error on 1,000 images)?"""
    scales: dict[str, dict] = {}
    for v in run.variants:
        scales.setdefault(v.panel, {})["bn" if v.key.endswith("-bn") and not v.key.endswith("no-bn") else "no"] = v
    n = run.results.dataset.n_train if run.results.dataset else 1000
    bn_wins = nobn_wins = 0
    stuck, bn_stuck = [], 0
    for panel, pair in scales.items():
        a, b = pair["bn"].train_acc or 0.0, pair["no"].train_acc or 0.0
        se = math.sqrt(sum(p * (1 - p) / n for p in (a, b)))
        noise = 2 * max(pair["bn"].train_acc_std or 0, pair["no"].train_acc_std or 0, se)
        bn_wins += a - b > noise
        nobn_wins += b - a > noise
        if b < 0.2:
            stuck.append(panel.removeprefix("std "))
        bn_stuck += a < 0.2
    # "almost every case": BN ahead beyond 2σ at three quarters of the scales or more, and scales where
    # the net without BN does not learn at all
    shown = "yes" if bn_wins >= 0.75 * len(scales) and stuck else "partly" if bn_wins > nobn_wins else "no"
    ours = S["bn_ours"].format(bn_wins=bn_wins, nobn_wins=nobn_wins, scales=len(scales), stuck=len(stuck),
                               stuck_list=", ".join(stuck) or "—", bn_stuck=bn_stuck)
    return ["§6.3", S["bn_book"], ours, S[shown]]


def overfitting_row(S, run: Run) -> list:
    v = {k: run.variant(k) for k in ("overfit", "decay", "no-dropout", "dropout")}
    gap = {k: (x.train_acc or 0) - (x.test_acc or 0) for k, x in v.items()}
    narrows = gap["decay"] < gap["overfit"] and gap["dropout"] < gap["no-dropout"]
    below = max(v["decay"].train_acc, v["dropout"].train_acc) < 1.0
    shown = "yes" if narrows and below else "partly" if narrows or below else "no"
    ours = S["of_ours"].format(overfit_gap=gap["overfit"], decay_gap=gap["decay"], nodrop_gap=gap["no-dropout"],
                               drop_gap=gap["dropout"], overfit_train=v["overfit"].train_acc,
                               decay_train=v["decay"].train_acc, nodrop_train=v["no-dropout"].train_acc,
                               drop_train=v["dropout"].train_acc)
    return ["§6.4", S["of_book"], ours, S[shown]]


def blocks(lang: str, T: dict, runs: dict[str, Run]) -> list:
    S = TEXT[lang]
    opt, init, bn, of = (runs[name] for name in EXPERIMENTS)
    rows = [optimizers_row(S, opt), init_row(S, init), bn_row(S, bn), overfitting_row(S, of)]
    return [Heading(2, S["h"]), Paragraph(S["intro"]), Table(S["header"], rows),
            Figure(opt.figure("comparison"), S["opt_caption"]), Figure(init.figure("comparison"), S["init_caption"]),
            Figure(bn.figure("panels"), S["bn_caption"]), Figure(of.figure("accuracy"), S["of_caption"])]
