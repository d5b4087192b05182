"""The course's formulas, shown under each section's key points (as MathML in the HTML, LaTeX
in the Markdown). Course content (the lecture and the book's chapters 5–8), written in the
notation of the course code: W (weights), b (bias), u = xW + b, z = f(u), E (the loss), η (the
learning rate).

FORMULAS maps a key-points key of text/{ja,en}.py to [(English label, Japanese label, LaTeX), ...];
a formula with words in it has a fourth element, its Japanese LaTeX.
"""

from __future__ import annotations

from ..document import Math

FORMULAS = {
    "flow_points": [
        ("Backward of an affine layer", "Affine レイヤの逆伝播",
         r"\frac{\partial E}{\partial W} = x^{\top} \frac{\partial E}{\partial u},\quad "
         r"\frac{\partial E}{\partial b} = \sum_{n} \frac{\partial E}{\partial u_n},\quad "
         r"\frac{\partial E}{\partial x} = \frac{\partial E}{\partial u} W^{\top}"),
        ("δ recursion (layer l from l + 1)", "δ の漸化式（l + 1 層から l 層へ）",
         r"\delta^{(l)} = \delta^{(l+1)} {W^{(l+1)}}^{\top} \odot f'(u^{(l)}),\quad "
         r"\frac{\partial E}{\partial W^{(l)}} = {z^{(l-1)}}^{\top} \delta^{(l)}"),
        ("Softmax with cross-entropy", "Softmax と交差エントロピー誤差",
         r"y_{nk} = \frac{e^{u_{nk}}}{\sum_j e^{u_{nj}}},\quad E = -\frac{1}{N}\sum_{n=1}^{N} \sum_k t_{nk} \log y_{nk},"
         r"\quad \frac{\partial E}{\partial u_{nk}} = \frac{y_{nk} - t_{nk}}{N}"),
    ],
    "s1_points": [
        ("Sigmoid and its derivative", "シグモイド関数とその微分",
         r"\sigma(u) = \frac{1}{1 + e^{-u}},\quad \sigma'(u) = \sigma(u)\,(1 - \sigma(u)) \le \frac{1}{4}"),
        ("tanh and its derivative", "tanh とその微分",
         r"\tanh'(u) = 1 - \tanh^2(u) \le 1"),
        ("ReLU, Leaky ReLU", "ReLU と Leaky ReLU",
         r"\mathrm{ReLU}(u) = \max(0, u),\quad \mathrm{LeakyReLU}(u) = \max(\alpha u, u)\ (\alpha = 0.1)"),
        ("Xavier and He initialisation (n inputs)", "Xavier と He の初期値（前層のノード数 n）",
         r"W \sim \mathcal{N}\!\left(0, \tfrac{1}{n}\right)\ \text{(Xavier)},\qquad "
         r"W \sim \mathcal{N}\!\left(0, \tfrac{2}{n}\right)\ \text{(He)}"),
        ("Batch normalisation (training)", "バッチ正規化（学習時）",
         r"\mu_B = \frac{1}{m}\sum_{i} x_i,\quad \sigma_B^2 = \frac{1}{m}\sum_i (x_i - \mu_B)^2,\quad "
         r"\hat{x}_i = \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \varepsilon}},\quad y_i = \gamma \hat{x}_i + \beta"),
    ],
    "s2_points": [
        ("SGD (g: the gradient)", "SGD（g は勾配）",
         r"g = \frac{\partial E}{\partial W},\quad W \leftarrow W - \eta\, g"),
        ("Momentum", "モメンタム", r"v \leftarrow \mu v - \eta\, g,\quad W \leftarrow W + v"),
        ("Nesterov (g at the look-ahead point)", "ネステロフ（先読みした点での勾配）",
         r"v \leftarrow \mu v - \eta\, g(W + \mu v),\quad W \leftarrow W + v"),
        ("AdaGrad", "AdaGrad",
         r"h \leftarrow h + g \odot g,\quad W \leftarrow W - \frac{\eta}{\sqrt{h} + \varepsilon} \odot g"),
        ("RMSProp", "RMSProp",
         r"h \leftarrow \rho h + (1 - \rho)\, g \odot g,\quad W \leftarrow W - \frac{\eta}{\sqrt{h} + \varepsilon} \odot g"),
        ("Adam (t: the step, from 1)", "Adam（t はステップ数、1 から）",
         r"m \leftarrow \beta_1 m + (1 - \beta_1) g,\quad v \leftarrow \beta_2 v + (1 - \beta_2)\, g \odot g,\quad "
         r"\hat{m} = \frac{m}{1 - \beta_1^{t}},\quad \hat{v} = \frac{v}{1 - \beta_2^{t}},\quad "
         r"W \leftarrow W - \frac{\eta\, \hat{m}}{\sqrt{\hat{v}} + \varepsilon}"),
    ],
    "s3_points": [
        ("L2 (weight decay)", "L2 正則化（荷重減衰）",
         r"E' = E + \frac{\lambda}{2} \sum W^2,\quad \frac{\partial E'}{\partial W} = \frac{\partial E}{\partial W} + \lambda W"),
        ("L1", "L1 正則化",
         r"E' = E + \lambda \sum |W|,\quad \frac{\partial E'}{\partial W} = \frac{\partial E}{\partial W} + \lambda\, \mathrm{sign}(W)"),
        ("Elastic Net", "Elastic Net",
         r"E' = E + \lambda_1 \sum |W| + \frac{\lambda_2}{2} \sum W^2"),
        ("Dropout, mask m with keep rate 1 − p", "ドロップアウト（マスク m、保持率 1 − p）",
         r"\text{course: } y = m \odot x \ \text{(training)},\ y = (1 - p)\, x \ \text{(test)};\quad "
         r"\text{inverted: } y = \frac{m \odot x}{1 - p},\ y = x",
         r"\text{講座: } y = m \odot x \ \text{（学習時）},\ y = (1 - p)\, x \ \text{（テスト時）};\quad "
         r"\text{inverted dropout: } y = \frac{m \odot x}{1 - p},\ y = x"),
    ],
    "s4_points": [
        ("Output size (padding P, stride S)", "出力サイズ（パディング P、ストライド S）",
         r"OH = \frac{H + 2P - FH}{S} + 1,\quad OW = \frac{W + 2P - FW}{S} + 1"),
        ("Filter of a convolution layer", "畳み込み層のフィルター",
         r"(FN, C, FH, FW),\quad \text{parameters } FN \cdot C \cdot FH \cdot FW + FN",
         r"(FN, C, FH, FW),\quad \text{パラメータ数 } FN \cdot C \cdot FH \cdot FW + FN"),
        ("im2col", "im2col",
         r"(N, C, H, W) \rightarrow (N \cdot OH \cdot OW,\ C \cdot FH \cdot FW),\quad "
         r"\text{then one product with } (C \cdot FH \cdot FW,\ FN)",
         r"(N, C, H, W) \rightarrow (N \cdot OH \cdot OW,\ C \cdot FH \cdot FW),\quad "
         r"\text{続いて } (C \cdot FH \cdot FW,\ FN) \text{ との行列積 1 回}"),
    ],
}


def blocks(T: dict, key: str) -> list[Math]:
    """The formulas under the key points ``key`` (none where there are none)."""
    ja = T.get("lang") == "ja"
    return [Math(latex[-1] if ja else latex[0], ja_label if ja else en_label)
            for en_label, ja_label, *latex in FORMULAS.get(key, [])]
