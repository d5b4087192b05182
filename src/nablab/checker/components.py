"""The components ``nablab check`` knows: the course's name for each (and the spellings learners
use), its probe, and the definitions of course/ its template shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import probes, probes_training


@dataclass(frozen=True)
class Component:
    name: str                       # the course's name, as in course/
    names: tuple[str, ...]          # the names looked for in a learner's file (the course's first)
    kind: str                       # "class" or "function"
    probe: Callable                 # probe(obj, recorder): runs obj the course's way (probes.py)
    ja: str                         # what it is, in the course's Japanese
    en: str
    rtol: float = 1e-5              # float64 keys; keys that name float32 use FLOAT32_RTOL
    shows: tuple[str, ...] = ()     # extra course/ definitions its template prints (helpers)


FLOAT32_RTOL = 1e-4

OPTIMIZER_ARGS = {
    "SGD": {"lr": 0.1},
    "Momentum": {"lr": 0.1, "momentum": 0.9},
    "Nesterov": {"lr": 0.1, "momentum": 0.9},
    "AdaGrad": {"lr": 0.1},
    "RMSprop": {"lr": 0.01, "decay_rate": 0.99},
    "Adam": {"lr": 0.01, "beta1": 0.9, "beta2": 0.999},
}

_OPT_JA = {"SGD": "確率的勾配降下法", "Momentum": "モメンタム", "Nesterov": "ネステロフの加速勾配法",
           "AdaGrad": "AdaGrad", "RMSprop": "RMSProp", "Adam": "Adam"}

COMPONENTS: tuple[Component, ...] = (
    Component("numerical_gradient", ("numerical_gradient",), "function", probes.numerical_gradient,
              "数値微分（中心差分）", "numerical gradient (central difference)"),
    Component("Affine", ("Affine",), "class", probes.affine, "Affine レイヤ（全結合層）", "Affine layer"),
    Component("Relu", ("Relu", "ReLU"), "class", probes.relu, "ReLU レイヤ", "ReLU layer"),
    Component("Sigmoid", ("Sigmoid",), "class", probes.sigmoid, "Sigmoid レイヤ", "Sigmoid layer",
              shows=("sigmoid",)),
    Component("SoftmaxWithLoss", ("SoftmaxWithLoss",), "class", probes.softmax_with_loss,
              "Softmax-with-Loss レイヤ（ソフトマックス + 交差エントロピー誤差）",
              "Softmax-with-Loss layer (softmax + cross-entropy)", shows=("softmax", "cross_entropy_error")),
    Component("BatchNormalization", ("BatchNormalization", "BatchNorm"), "class", probes.batch_normalization,
              "バッチ正規化レイヤ", "batch normalization layer"),
    Component("Dropout", ("Dropout",), "class", probes.dropout, "ドロップアウト", "dropout"),
    Component("l2_gradient", ("l2_gradient", "weight_decay_l2"), "function", probes.l2_gradient,
              "L2 正則化（荷重減衰）の勾配", "L2 weight-decay gradient"),
    Component("l1_gradient", ("l1_gradient", "weight_decay_l1"), "function", probes.l1_gradient,
              "L1 正則化の勾配", "L1 weight-decay gradient"),
    *(Component(name, (name, *({"RMSprop": ("RMSProp",), "AdaGrad": ("Adagrad",)}.get(name, ()))), "class",
                probes_training.optimizer(args), f"{_OPT_JA[name]}（update(params, grads)）",
                f"{name} optimizer (update(params, grads))")
      for name, args in OPTIMIZER_ARGS.items()),
    Component("im2col", ("im2col",), "function", probes.im2col, "im2col（画像 → 行列）", "im2col (image to columns)"),
    Component("col2im", ("col2im",), "function", probes.col2im, "col2im（行列 → 画像、重なりは加算）",
              "col2im (columns to image, overlaps summed)"),
    Component("Convolution", ("Convolution",), "class", probes.convolution, "畳み込みレイヤ",
              "convolution layer", shows=("im2col", "col2im")),
    Component("Pooling", ("Pooling",), "class", probes.pooling, "プーリングレイヤ（最大値）", "max-pooling layer",
              shows=("im2col", "col2im")),
    Component("TwoLayerNet", ("TwoLayerNet",), "class",
              probes_training.network((4, 5, 3), {"weight_init_std": 0.01}), "2 層ニューラルネットワーク",
              "two-layer network", rtol=1e-4, shows=("Affine", "Relu", "SoftmaxWithLoss")),
    Component("MultiLayerNet", ("MultiLayerNet",), "class",
              probes_training.network((4, [5, 4], 3), {"activation": "relu", "weight_init_std": "relu",
                                              "weight_decay_lambda": 0.1}),
              "多層ニューラルネットワーク（荷重減衰つき）", "multi-layer network (with weight decay)", rtol=1e-4,
              shows=("Affine", "Relu", "Sigmoid", "SoftmaxWithLoss")),
)

BY_NAME = {c.name: c for c in COMPONENTS}


def find(name: str) -> Component | None:
    """The component called ``name`` (any of its spellings, case-insensitive)."""
    low = name.lower()
    return next((c for c in COMPONENTS if low in (n.lower() for n in c.names)), None)
