"""The report's Day 3 preview, an appendix: vanishing gradients through time (RNN, LSTM, GRU).

Not Day 2 content (the course puts RNNs and gradient clipping in Day 3, docs/curriculum.md §3), so
it comes after Section 5; it is Section 1's problem one axis over: depth becomes time.
Every number comes from the runs gradients-through-time, adding-problem, sequential-mnist and
lstm-cell; the text of both languages is here, beside the code that fills it.
"""

from __future__ import annotations

import math

from ..document import Figure, Heading, Items, Paragraph, Table
from ..verdict import binomial_se
from .runs import Run

EXPERIMENTS = ("gradients-through-time", "adding-problem", "sequential-mnist", "lstm-cell")

TEXT = {
    "en": {
        "h": "Appendix — Day 3 preview: vanishing gradients through time (RNN, LSTM, GRU)",
        "intro": "Not part of Day 2 (the course teaches RNNs, LSTM and gradient clipping on Day 3): an appendix "
                 "after Section 5 — Section 1's vanishing gradient again, with time in place of depth.",
        "points": [
            "An RNN applies the same layer at every step: h_t = tanh(x_t W_x + h_{t−1} W_h + b). "
            "Backpropagation through time (BPTT) multiplies the gradient by W_hᵀ and by tanh′ = 1 − h² ≤ 1 "
            "once per step back, so what reaches step t shrinks (or, with large W_h, grows) geometrically with "
            "the distance to the loss: the vanishing / exploding gradient through time.",
            "Gradient clipping rescales all gradients together when their joint norm passes a threshold "
            "(`nl.optim.clip_grad_norm`): it caps an exploding step, it cannot revive a vanished gradient.",
            "LSTM carries a cell state c_t = f ⊙ c_{t−1} + i ⊙ g (input gate i, forget gate f, output gate o, "
            "candidate g); back along c the gradient is multiplied by f alone — no W_h, no squashing derivative — "
            "so it survives many steps when f stays near 1.",
            "GRU mixes the old state and a candidate with an update gate z, h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}, "
            "with a reset gate r inside n: two gates, three weight blocks instead of the LSTM's four.",
        ],
        "gtt_caption": "‖∂L/∂h_t‖ against t when the loss reads only the last of 100 steps (at initialisation), "
                       "and the parameters' gradient norm before and after clip_grad_norm(1)",
        "gtt_disc": ("At initialisation the tanh RNN (Xavier) passes back to step 1 only {rnn:.1e} of the gradient "
                     "that entered at step {T} (the ratio ‖∂L/∂h_1‖ / ‖∂L/∂h_{T}‖); with weights of std 0.5 the "
                     "ratio is {big:.1e} instead — the exploding case — and clip_grad_norm(1) brings that "
                     "network's parameter gradient from {before:.3g} to {after:.3g}. The LSTM with forget bias 0 "
                     "gives {l0:.1e}: at initialisation its cell path multiplies by f ≈ σ(0) = 0.5 per step. With forget bias 1 the ratio is {l1:.1e}, with 3 it is {l3:.2g}: the cell path "
                     "carries the gradient only while the forget gate is near 1. The GRU starts at {gru:.1e}."),
        "add_caption": "The adding problem: test MSE against iterations for T = 50 and 100 (gray: the 0.167 "
                       "baseline of always answering 1)",
        "add_header": ("cell", "T", "test MSE", "against the baseline 0.167"),
        "add_disc": ("On the adding problem the tanh RNN ends at {rnn:.3f} for T = {T}, {rnn_verdict} The LSTM "
                     "ends at {lstm:.4f} and the GRU at {gru:.4f} after {iters} iterations, {factor:.0f}× or more "
                     "below the baseline. An LSTM with the forget bias used here (1) passed only {l1:.1e} of the "
                     "gradient back over {gtt_T} steps at initialisation in the experiment above (random inputs), "
                     "so that ratio alone does not decide: the gates are learned."),
        "rnn_at_baseline": "at the baseline: it never learns to carry the first marked number across the sequence.",
        "rnn_below": "below the 0.167 baseline: at this length it learns part of the task.",
        "verdict": {"solved": "solved", "learning": "partly", "baseline": "at the baseline"},
        "seq_caption": "Sequential MNIST (each image as 28 steps of 28 pixels): test accuracy of RNN, LSTM, GRU",
        "seq_disc": ("Read row by row, MNIST reaches {rnn:.4f} with the tanh RNN, {lstm:.4f} with the LSTM and "
                     "{gru:.4f} with the GRU after {iters} iterations (hidden size 64 for all three). Twenty-eight "
                     "steps are short enough for the plain RNN to learn; {order}"),
        "gated_higher": "the gated cells end higher, by more than twice the test set's sampling error.",
        "gated_within_noise": ("the gated cells end higher, but by less than twice the test set's sampling error "
                               "on one seed: not a difference this run can show."),
        "gated_not_higher": "here the gated cells do not end higher.",
        "cell_caption": "One LSTM step traced by hand: A = x W_x + h W_h + b split into the gates i, f, g, o, "
                        "then c and h — the values and shapes of the \"LSTM reference card\"",
        "cell_disc": ("The traced step is recomputed from the formulas and matches nl.LSTM's own h_t to 1e-12; "
                      "i, f and o lie in (0, 1) as sigmoid outputs, g and h in (−1, 1)."),
    },
    "ja": {
        "h": "付録 — Day 3 予習：時間方向の勾配消失（RNN・LSTM・GRU）",
        "intro": "Day 2 の範囲外（講座では RNN・LSTM・勾配クリッピングは Day 3 で扱う）ため、Section 5 の後に付録として"
                 "置いた。Section 1 の勾配消失を、深さを時間に置き換えてもう一度見る。",
        "points": [
            "RNN は各時刻に同じ層を使う：h_t = tanh(x_t W_x + h_{t−1} W_h + b)。時間方向の誤差逆伝播（BPTT）では"
            "1 ステップ戻るごとに勾配へ W_hᵀ と tanh′ = 1 − h² ≤ 1 が掛かるため、時刻 t に届く勾配は損失からの"
            "距離に応じて指数的に小さく（W_h が大きければ大きく）なる。時間方向の勾配消失・勾配爆発である。",
            "勾配クリッピングは、全勾配のノルムが閾値を超えたときに全体をまとめて縮める"
            "（`nl.optim.clip_grad_norm`）。爆発は抑えられるが、消えた勾配は戻せない。",
            "LSTM はセル状態 c_t = f ⊙ c_{t−1} + i ⊙ g（入力ゲート i・忘却ゲート f・出力ゲート o・候補 g）を持つ。"
            "c を通って戻る勾配には f だけが掛かり、W_h も活性化関数の微分も掛からないので、f が 1 に近い間は"
            "多くのステップを越えて届く。",
            "GRU は更新ゲート z で古い状態と候補を混ぜる：h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}（候補 n の中にリセット"
            "ゲート r）。ゲートは 2 つで、重みのブロックは LSTM の 4 つに対して 3 つ。",
        ],
        "gtt_caption": "損失が 100 ステップの最後だけを見るときの ‖∂L/∂h_t‖（初期状態）と、clip_grad_norm(1) の前後の"
                       "パラメータ勾配のノルム",
        "gtt_disc": ("初期状態の tanh RNN（Xavier）では、ステップ {T} で入った勾配のうちステップ 1 まで届くのは "
                     "{rnn:.1e} 倍だけだった（‖∂L/∂h_1‖ / ‖∂L/∂h_{T}‖）。重みの標準偏差を 0.5 にするとこの比は "
                     "{big:.1e} になり（勾配爆発）、clip_grad_norm(1) はそのネットワークのパラメータ勾配を {before:.3g} "
                     "から {after:.3g} に抑えた。忘却ゲートのバイアス 0 の LSTM は {l0:.1e} だった。"
                     "初期状態ではセルの経路で毎ステップ f ≈ σ(0) = 0.5 が掛かるからである。バイアス 1 では "
                     "{l1:.1e}、3 では {l3:.2g} となり、セルの経路が勾配を運ぶのは忘却ゲートが 1 に近い間だけだと"
                     "わかる。GRU は初期状態で {gru:.1e} だった。"),
        "add_caption": "加算問題：T = 50 と 100 でのテスト MSE の推移（灰色：常に 1 と答えたときの 0.167）",
        "add_header": ("セル", "T", "テスト MSE", "基準 0.167 との比較"),
        "add_disc": ("加算問題で tanh RNN は T = {T} で {rnn:.3f} に終わった。{rnn_verdict}LSTM は {lstm:.4f}、GRU は "
                     "{gru:.4f} で、{iters} 回の反復で基準の {factor:.0f} 分の 1 以下になった。ここと同じ忘却ゲートの"
                     "バイアス 1 の LSTM は、上の実験（ランダムな入力）の初期状態で {gtt_T} ステップ先へ勾配の "
                     "{l1:.1e} 倍しか届けていなかった。初期の比だけで結果は決まらず、ゲートも学習される。"),
        "rnn_at_baseline": "基準のままで、最初の印の数を系列の後ろまで運ぶことを学べていない。",
        "rnn_below": "基準 0.167 より下で、この長さなら課題の一部は学べている。",
        "verdict": {"solved": "解けた", "learning": "途中", "baseline": "基準のまま"},
        "seq_caption": "Sequential MNIST（画像を 28 ピクセル × 28 ステップとして読む）：RNN・LSTM・GRU のテスト正答率",
        "seq_disc": ("行ごとに読ませた MNIST は、{iters} 回の反復で tanh RNN が {rnn:.4f}、LSTM が {lstm:.4f}、GRU が "
                     "{gru:.4f} だった（隠れ状態の大きさはいずれも 64）。28 ステップなら単純な RNN でも学習できる。"
                     "{order}"),
        "gated_higher": "ゲート付きのセルのほうが、テストデータの標本誤差の 2 倍を超えて高い正答率で終わった。",
        "gated_within_noise": ("ゲート付きのセルのほうが高い正答率で終わったが、その差は 1 シードでのテストデータの"
                               "標本誤差の 2 倍より小さく、この実行から差があるとは言えない。"),
        "gated_not_higher": "ここではゲート付きのセルのほうが高いとは言えなかった。",
        "cell_caption": "LSTM の 1 ステップを手で追ったもの：A = x W_x + h W_h + b をゲート i, f, g, o に分け、c と h "
                        "を求める。各値と形状（\"LSTM reference card\"）",
        "cell_disc": ("式から計算し直した 1 ステップは nl.LSTM 自身の h_t と 1e-12 まで一致した。i, f, o はシグモイドの"
                      "出力なので (0, 1)、g と h は (−1, 1) に入っている。"),
    },
}


def verdict(mse: float, baseline: float) -> str:
    return "solved" if mse < 0.1 * baseline else ("learning" if mse < 0.8 * baseline else "baseline")


def gated_order(acc: dict, n_test: int) -> str:
    """"gated_higher" only where both gated cells beat the RNN by more than chance allows: 2σ of the
    difference of two accuracies on the same n test images, σ = √(SE_a² + SE_b²) with the binomial
    SE √(p(1 − p)/n) of each (one seed shows no seed spread: this is the least noise there is)."""
    worst = min(acc["lstm"], acc["gru"])
    noise = 2 * math.sqrt(binomial_se(worst, n_test) ** 2 + binomial_se(acc["rnn"], n_test) ** 2)
    if worst - acc["rnn"] > noise:
        return "gated_higher"
    return "gated_within_noise" if worst > acc["rnn"] else "gated_not_higher"


def chapter(lang: str, T: dict, runs: dict[str, Run]) -> list:
    """The chapter's blocks; ``T`` is the report's text (headings shared with the sections)."""
    D = TEXT[lang]
    gtt, add, seq, cell = (runs[name] for name in EXPERIMENTS)
    cells = {c["label"]: c for c in gtt.numbers.cells}
    big = cells["RNN tanh, std 0.5"]
    runs_add = add.numbers.runs
    longest = max(r["seq_len"] for r in runs_add)
    final = {r["cell"]: r["final_mse"] for r in runs_add if r["seq_len"] == longest}
    baseline = add.numbers.baseline
    acc = {v.key: v.test_acc for v in seq.variants}
    n_test = seq.results.dataset.n_test if seq.results.dataset else 0
    order = gated_order(acc, n_test)
    return [
        Heading(2, D["h"]), Paragraph(D["intro"]), Heading(3, T["key_points"]), Items(D["points"]),
        Heading(3, T["results"]),
        Figure(gtt.figure("gradients_through_time"), D["gtt_caption"]),
        Table(D["add_header"], [(r["cell"], r["seq_len"], f"{r['final_mse']:.4f}",
                                 D["verdict"][verdict(r["final_mse"], baseline)]) for r in runs_add]),
        Figure(add.figure("adding_problem"), D["add_caption"]),
        Figure(seq.figure("accuracy"), D["seq_caption"]),
        Figure(cell.figure("lstm_cell"), D["cell_caption"]),
        Heading(3, T["discussion"]),
        Paragraph(D["gtt_disc"].format(
            T=gtt.numbers.seq_len, rnn=cells["RNN tanh, Xavier"]["first_over_last"],
            big=big["first_over_last"], before=big["param_grad_norm"], after=big["clipped_norm"],
            l0=cells["LSTM, forget bias 0"]["first_over_last"], l1=cells["LSTM, forget bias 1"]["first_over_last"],
            l3=cells["LSTM, forget bias 3"]["first_over_last"], gru=cells["GRU"]["first_over_last"])),
        Paragraph(D["add_disc"].format(
            T=longest, rnn=final["RNN tanh"], lstm=final["LSTM"], gru=final["GRU"],
            rnn_verdict=D["rnn_at_baseline" if verdict(final["RNN tanh"], baseline) == "baseline" else "rnn_below"],
            factor=baseline / max(final["LSTM"], final["GRU"]), iters=runs_add[0]["curve"][-1][0],
            gtt_T=gtt.numbers.seq_len, l1=cells["LSTM, forget bias 1"]["first_over_last"])),
        Paragraph(D["seq_disc"].format(rnn=acc["rnn"], lstm=acc["lstm"], gru=acc["gru"],
                                       iters=seq.variant("lstm").iters,
                                       order=D[order])),
        Paragraph(D["cell_disc"]),
    ]
