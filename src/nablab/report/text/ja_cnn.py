"""日本語: the report text of Sections 4 and 5, the course comparison, the quirks and the provenance."""

TEXT = {
    # Section 4
    "s4_h": "Section4: 畳み込みニューラルネットワークの概念",
    "s4_points": [
        "畳み込み層は小さなフィルタを入力上で動かしながら計算し、全結合層では平坦化されて失われる空間的な構造"
        "（縦・横・チャンネルの関係）を保ったまま学習できる。パディングは出力が小さくならないよう周囲に値を足し、"
        "ストライドはフィルタの移動幅で、出力サイズは OH = (H + 2P − FH)/S + 1 となる。プーリング層（最大値・平均値）"
        "は重みを持たず、小さなずれに強い特徴を作る。出力サイズはウィンドウをフィルタとみなした同じ式で決まる"
        "（2×2、ストライド 2 なら 28×28 → 14×14）。",
        "im2col は入力の各窓を行列の 1 行（または 1 列）に並べ替え、畳み込み全体を 1 回の行列積にする高速化の工夫である。"
        "col2im は勾配の各要素を元の画素に足し戻す処理で、窓が重なる位置では足し合わされるため im2col の逆変換ではない。",
    ],
    "im2col_caption": "講座の (2, 1, 4, 4) の入力と 3×3 のフィルタでの im2col と col2im",
    "im2col_disc": ("(2, 1, 4, 4) の入力と 3×3 のフィルタから形状 {shape} の col ができる。col2im で戻すと、各画素は"
                    "それを覆う窓の数だけ倍になる（中央の 4 マスは ×{centre}）。"),
    "speed_caption": "ループ・『ゼロから作る Deep Learning』の方法・スライディングウィンドウによる im2col の比較",
    "speed_disc": ("{shape} の入力では、素朴なループが {naive:.1f} ms（{scaled} 枚で測ってバッチの枚数に換算）、"
                   "『ゼロから作る Deep Learning』のカーネル位置ごとのループが {book:.2f} ms、"
                   "スライディングウィンドウが {fast:.2f} ms で、3 つの結果は{equal}。これは列行列を作る時間だけで、"
                   "畳み込みそのものはその行列との 1 回の行列積になる。"),
    "equal_yes": "一致した", "equal_no": "一致しなかった",
    "filters_caption_before": "学習前の SimpleConvNet 第1層の 30 個のフィルタ",
    "filters_caption_after": "学習後の同じフィルタ",
    "maps_caption": "テスト画像 1 枚の特徴マップ",
    "simple_caption": "2_6: 5000 / 1000 のサブセットでの SimpleConvNet",
    "simple_disc": ("SimpleConvNet は {iters} 回（学習時間 {seconds:.0f} 秒）でテスト正答率 {test:.4f}、訓練正答率 {train:.4f} "
                    "に達した。講座の結果は約 0.96 / 0.995 である。"),
    "ct8_q": "サイズ 6×6 の入力画像を、サイズ 2×2 のフィルタで畳み込んだ時の出力画像のサイズを答えよ。ストライドとパディングは 1 とする。",
    "ct8_a": "7×7。(6 + 2·1 − 2)/1 + 1 = 7。",
    "ct8_c": "実際に `Conv2d(1, 1, 2, stride=1, padding=1)` に 6×6 を入力すると出力は {shape[0]}×{shape[1]}。",
    # Section 5
    "s5_h": "Section5: 最新の CNN（AlexNet）",
    "s5_points": [
        "AlexNet（Krizhevsky, Sutskever, Hinton, 2012）は ImageNet コンペティション（ILSVRC 2012）で top-5 誤り率 "
        "15.3 %（2 位は 26.2 %）と大差で優勝したモデルで、5 層の畳み込み層と 3 層の全結合層からなる。入力は 227×227×3（論文の図は 224×224 だが、(224 − 11)/4 + 1 = 54.25 は整数にならない。"
        "(227 − 11)/4 + 1 = 55 か、224 にパディング 2 で (224 + 4 − 11)/4 + 1 = 55）、第 1 層は 96 枚の 11×11 フィルタ（ストライド 4）で 55×55×96、以下 256・384・384・256 チャンネルと続き、"
        "第 1・2・5 層の後に 3×3・ストライド 2 の重なりのある Max プーリングを置く。ReLU、局所応答正規化（LRN）、"
        "2 つの 4096 ユニットの全結合層へのドロップアウト（0.5）、データ拡張、2 枚の GPU による学習を用い、パラメータは約 6,000 万個。",
        "畳み込み層から全結合層へは、第 5 層の出力 13×13×256 をプーリングした 6×6×256 = 9,216 個を Flatten で並べて"
        "全結合層 4096 に入れる（講座のスライドの 13·13·256 = 43,264 はプーリング前の数）。Global Average Pooling は"
        "チャンネルごとに平均をとって 256 個にまとめる手法で、AlexNet より後の NIN（2013）や GoogLeNet（2014）で広まった。"
        "全結合層の重みが大きく減るが、精度が上がるかどうかは場合による（下の測定）。",
    ],
    "double_caption": "2_7: DoubleConvNet と最初のプーリングを除いたアレンジ版（100 回）",
    "deep_caption": "2_8: DeepConvNet（畳み込み 6 層、He の初期値、ドロップアウト）",
    "lenet_caption": "28×28 に合わせた LeNet-5",
    "alex_caption": "AlexNet 型のネットワーク: Flatten と Global Average Pooling",
    "s5_disc": ("100 回の学習で DoubleConvNet は {double:.4f}、アレンジ版は {arranged:.4f} だった。DeepConvNet は "
                "{deep_iters} 回（{deep_seconds:.0f} 秒）で {deep:.4f}、LeNet-5 は {lenet:.4f}。28×28 に縮めた AlexNet 型は "
                "{alex_iters} 回の学習（シード 1 つ）で Flatten が {flat:.4f}（パラメータ {flat_params:,} 個）、"
                "Global Average Pooling が {gap:.4f}（{gap_params:,} 個、{cut:.0%} 減）だった。{gap_verdict}"),
    "gap_lower": "この実験では GAP の正答率は Flatten より低く、パラメータが減っても精度が上がるとは限らない。",
    "gap_higher": "この実験では GAP の正答率が Flatten を上回った（シード 1 つなので差は参考値）。",
    # 講座コードの癖
    "quirks_h": "結果を左右する講座コードの癖",
    "quirks": [
        "更新するキーが W1〜W3, b1〜b3 に固定されている（2_2_2, 2_3, 2_4）: 層を増やすと 4 層目以降は初期値のまま、BN の γ, β も"
        "学習されない。このレポートの測定: 10 層 ReLU-Xavier は講座のキーで {deep_course:.4f}、全層を学習すると "
        "{deep_all:.4f}。BN は {bn_course:.4f} と {bn_all:.4f}。",
        "1_3 の backward は ReLU のネットワークにシグモイドの微分を使っている: 最終誤差 {quirk:.2e}（正しくは {correct:.2e}）。",
        "2_2_1 は活性化後の値に d_sigmoid を適用している（σ'(σ(u))）。nablab の Sigmoid は自身の出力 y から y(1 − y) を使う。",
        "2_5 の L1/L2 のセルは隠れ層だけを更新し、L2 の正則化項を ΣW² ではなく √ΣW² で表示している。",
        "2_5 のドロップアウトのセルは前のセルの weight_decay_lambda = 0.005 を引き継ぐため L2 も有効になっている"
        "（「dropout 0.15 (+ L2 0.005 left over)」で再現）。",
        "2_2〜2_4 の訓練正答率はその時のミニバッチ 100 枚で測っており（0.01 刻み）、訓練データ全体ではない。",
        "2_4_after の AdaGrad は h を 1e-4 で始め、最初のステップの g² を足さず、ε もないので、最初のステップは η·g/0.01 = 100·η·g になる（PyTorch の Adagrad は h を 0 から始め ε を足す）。",
        "DeepConvNet は最後の Affine の後にも Dropout を置いている（『ゼロから作る Deep Learning』から継承）。",
        "col2im は im2col の逆変換ではない: 重なる要素が足し合わされる（デモの中央は ×{centre}）。",
    ],
    # 実行記録
    "prov_h": "実行記録",
    "prov_intro": ("nablab {nablab}、numpy {numpy}、Python {python}、{machine}。タスクの実行時間の合計 {total:.0f} 秒{quick}（各学習タスクの時間の和。タスクは並列に動いたので、実際の経過時間はこれより短い）。"
                   "各実験はカタログのファイルから実行し、設定は実行ディレクトリの spec.json にある。"),
    "prov_quick": "（クイックモード: 確認用に縮小した実行で、数値は講座の条件のものではない）",
    "prov_header": ["実験", "データ", "訓練 / テスト", "シード数", "タスク時間（秒）", "実行ディレクトリ", "変更した設定（--set）"],
}
