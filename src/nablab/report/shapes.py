"""Shape tables of the course's CNNs, computed: one 28×28 image is passed through each layer of
the nablab model and its output shape and parameter count are read off (Section 5).

Each row: the layer (filters FN@FH×FW with stride and padding, pooling window, sizes of a dense
layer), its output shape (C, H, W) or (features,), and its parameters (FN·C·FH·FW + FN for a
convolution, in·out + out for a dense layer). The shapes follow OH = (H + 2P − FH)/S + 1.
"""

from __future__ import annotations

import numpy as np

from .. import models
from ..document import Heading, Paragraph, Table

MODELS = (("LeNet-5", models.lenet, "lenet", "lenet"),
          ("DoubleConvNet (2_7)", models.double_convnet, "double-cnn", "double"),
          ("DeepConvNet (2_8)", models.deep_convnet, "deep-cnn", "deep"))          # (title, model, run, variant)

TEXT = {
    "en": {"h": "Layer shapes of LeNet-5, DoubleConvNet and DeepConvNet (computed)",
           "intro": "One 28×28 image passed through each nablab model, layer by layer.",
           "header": ("layer", "output shape", "parameters"), "total": "total (the run above: {run:,})"},
    "ja": {"h": "LeNet-5・DoubleConvNet・DeepConvNet の各層の形（計算値）",
           "intro": "28×28 の画像 1 枚を nablab のモデルに通し、層ごとの出力の形とパラメータ数を読み取った。",
           "header": ("層", "出力の形", "パラメータ数"), "total": "合計（上の実行のモデル: {run:,}）"},
}


WORDS = {"en": {"conv": "conv", "pool": "max pool", "dense": "dense", "sep": ", "},
         "ja": {"conv": "畳み込み", "pool": "最大プーリング", "dense": "全結合", "sep": "、"}}


def describe(layer, lang: str = "en") -> str:
    """'conv 6@5×5, S1 P2', 'max pool 2×2, S2', 'dense 400 → 120' (Japanese: 畳み込み, 最大プーリング,
    全結合), or the layer's class name."""
    name, w = type(layer).__name__, WORDS[lang]
    if name == "Conv2d":
        fn, c, fh, fw = layer.W.data.shape
        return f"{w['conv']} {fn}@{fh}×{fw}{w['sep']}S{layer.stride} P{layer.padding}"
    if name == "MaxPool2d":
        return f"{w['pool']} {layer.kernel_size}×{layer.kernel_size}{w['sep']}S{layer.stride}"
    if name == "Linear":
        return f"{w['dense']} {layer.W.data.shape[0]} → {layer.W.data.shape[1]}"
    return name


def rows(model, input_shape=(1, 28, 28), lang: str = "en") -> list[list]:
    """[[layer, output shape, parameters], ...] and a total row, from one forward pass in eval mode."""
    model.eval()
    x = np.zeros((1, *input_shape), dtype=np.float32)
    out, total = [], 0
    for layer in model.layers:
        x = layer.forward(x)
        n = layer.num_parameters()
        total += n
        out.append([describe(layer, lang), "(" + ", ".join(map(str, x.shape[1:])) + ")", f"{n:,}" if n else ""])
    return out + [["", "", f"{total:,}"]]


def blocks(lang: str, runs: dict) -> list:
    """The heading, and a table per model whose total row names the trained run's count beside it."""
    S = TEXT[lang]
    out = [Heading(3, S["h"]), Paragraph(S["intro"])]
    for title, build, run, key in MODELS:
        table = rows(build(rng=np.random.default_rng(0)), lang=lang)
        table[-1][0] = f"**{title}** " + S["total"].format(run=runs[run].variant(key).parameters)
        out += [Paragraph(f"**{title}**"), Table(S["header"], table)]
    return out
