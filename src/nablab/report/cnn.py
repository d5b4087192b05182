"""The reasoning of Sections 4 and 5's discussion (考察): why the CNN runs came out as they did,
each claim computed from the runs (what the filters learned, what the arranged DoubleConvNet
costs, how far DeepConvNet's seeds and GAP vs Flatten can be judged)."""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..document import Paragraph
from ..layers import Conv2d
from ..models import deep_convnet
from ..verdict import binomial_se
from .runs import Run, mean_std


def neighbour_correlation(filters: np.ndarray) -> float:
    """The correlation of horizontally and vertically adjacent weights over all filters (F, k, k),
    each filter's mean removed: ≈ 0 for noise, near 1 for smooth strokes and edges."""
    w = filters - filters.mean(axis=(1, 2), keepdims=True)
    pairs = [(w[:, :, :-1], w[:, :, 1:]), (w[:, :-1, :], w[:, 1:, :])]
    return float(np.mean([np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in pairs]))


def on_strokes(maps: np.ndarray, image: np.ndarray, k: int) -> tuple[float, float]:
    """(share of the feature maps' total activation, share of their area) at the output positions
    whose k×k window touches the digit (a pixel above 0.5)."""
    near = sliding_window_view(image > 0.5, (k, k)).any(axis=(2, 3))          # (OH, OW)
    return float(maps[:, near].sum() / max(maps.sum(), 1e-12)), float(near.mean())


def filters_paragraph(T, filt: Run) -> Paragraph:
    r = filt.numbers
    before, after = np.asarray(r.before, float), np.asarray(r.after, float)
    maps = np.asarray(r.maps, float)
    share, area = on_strokes(maps, np.asarray(r.image, float), before.shape[-1])
    return Paragraph(T["filters_disc"].format(
        corr_before=neighbour_correlation(before), corr_after=neighbour_correlation(after),
        std_before=before.std(), std_after=after.std(), iters=r.iters, share=share, area=area))


def receptive_field(layers) -> int:
    """The side of the input region one unit of the last convolution sees: r ← r + (k − 1)·j,
    j ← j·s over the convolutions and poolings (j: the distance of neighbouring units in pixels)."""
    r, j, last = 1, 1, 1
    for layer in layers:
        k, s = getattr(layer, "kernel_size", None), getattr(layer, "stride", None)
        if k is None or s is None:
            continue
        r, j = r + (k - 1) * j, j * s
        if isinstance(layer, Conv2d):
            last = r
    return last


def apart(a, b, n_test: int) -> bool:
    """Are two variants' mean test accuracies further apart than 2σ, σ the largest of their seeds'
    standard deviations and the binomial error of the difference on n test images?"""
    se = math.sqrt(binomial_se(a.test_acc, n_test) ** 2 + binomial_se(b.test_acc, n_test) ** 2)
    return abs(a.test_acc - b.test_acc) > 2 * max(a.test_acc_std or 0, b.test_acc_std or 0, se)


def seeds_text(T, n: int) -> str:
    """'1 seed' / '3 seeds' (English), '1 シード' (Japanese)."""
    if T["lang"] == "ja":
        return f"{n} シード"
    return f"{n} seed" if n == 1 else f"{n} seeds"


def n_test_of(run: Run) -> int:
    return run.results.dataset.n_test if run.results.dataset else 0


def section5_paragraphs(T, runs: dict[str, Run]) -> list[Paragraph]:
    double, deep, lenet, alex = (runs[k] for k in ("double-cnn", "deep-cnn", "lenet", "alexnet-style"))
    d, a = double.variant("double"), double.variant("arranged")
    deep_v, flat, gap = deep.variants[0], alex.variant("flatten"), alex.variant("gap")
    rise = {k: v.at["300"]["test_acc"] - v.at["100"]["test_acc"] if {"100", "300"} <= set(v.at) else float("nan")
            for k, v in (("flat", flat), ("gap", gap))}
    gap_key = "gap_higher" if gap.test_acc > flat.test_acc else "gap_slower"
    if gap.seeds > 1 and not apart(gap, flat, n_test_of(alex)):
        gap_key = "gap_within_noise"
    return [
        Paragraph(T["s5_double"].format(
            double=mean_std(d), arranged=mean_std(a), seeds_text=seeds_text(T, d.seeds),
            params=a.parameters / d.parameters, time=a.wall_time_s / max(d.wall_time_s, 1e-9),
            apart=T["apart_yes" if apart(a, d, n_test_of(double)) else "apart_no"])),
        Paragraph(T["s5_deep"].format(
            deep=mean_std(deep_v), seeds_text=seeds_text(T, deep_v.seeds), iters=deep_v.iters, seconds=deep_v.wall_time_s,
            rf=receptive_field(deep_convnet(rng=0).layers),
            lenet=mean_std(lenet.variants[0]), lenet_seeds_text=seeds_text(T, lenet.variants[0].seeds))),
        Paragraph(T["s5_gap"].format(
            iters=gap.iters, seeds_text=seeds_text(T, gap.seeds), flat=flat.test_acc, gap=gap.test_acc,
            flat_params=flat.parameters, gap_params=gap.parameters, cut=1 - gap.parameters / flat.parameters,
            flat_rise=rise["flat"], gap_rise=rise["gap"], verdict=T[gap_key])),
    ]
