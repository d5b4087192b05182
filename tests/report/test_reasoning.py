"""The discussion's claims are computed, and say no more than the numbers show (issue 25, item 3)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from nablab.models import deep_convnet, simple_convnet
from nablab.report.cnn import neighbour_correlation, on_strokes, receptive_field
from nablab.report.day3 import gated_order
from nablab.report.runs import bn_versus_none
from nablab.report.search import late_rise
from nablab.report.text import TEXT


@pytest.mark.parametrize("acc, order", [
    ({"rnn": 0.900, "lstm": 0.960, "gru": 0.950}, "gated_higher"),        # 0.05 > 2σ ≈ 0.023 on 1,000
    ({"rnn": 0.940, "lstm": 0.950, "gru": 0.948}, "gated_within_noise"),  # 8 images: chance on 1,000
    ({"rnn": 0.950, "lstm": 0.960, "gru": 0.940}, "gated_not_higher"),
])
def test_gated_cells_are_called_higher_only_beyond_the_test_sets_noise(acc, order):
    assert gated_order(acc, 1000) == order


def test_late_rise_is_the_mean_gain_over_the_last_quarter():
    rising = [{"curve": [[50, 0.2], [100, 0.4], [150, 0.5], [200, 0.7]]},
              {"curve": [[50, 0.3], [100, 0.5], [150, 0.6], [200, 0.6]]}]
    assert late_rise(rising) == pytest.approx((0.2 + 0.0) / 2)     # from iteration 150 (≥ 0.75·200) to 200
    assert late_rise([{"curve": []}]) == 0.0


def test_filter_smoothness_and_where_maps_respond():
    rng = np.random.default_rng(0)
    noise = rng.standard_normal((30, 5, 5))
    ramp = np.tile(np.linspace(-1, 1, 5), (30, 5, 1)) * rng.choice([-1, 1], (30, 1, 1))
    assert abs(neighbour_correlation(noise)) < 0.15 and neighbour_correlation(ramp) > 0.4
    image = np.zeros((28, 28))
    image[10:18, 12:14] = 1.0                                     # a stroke
    maps = np.zeros((2, 24, 24))
    maps[:, 8:16, 10:14] = 1.0                                    # activation only around it
    share, area = on_strokes(maps, image, 5)
    assert share == 1.0 and 0 < area < 0.2


def test_receptive_fields_of_the_course_cnns():
    # DeepConvNet: 3 → 5 → pool 6 → 10 → 14 → pool 16 → 24 → 32 (the whole padded 28×28 image)
    assert receptive_field(deep_convnet(rng=0).layers) == 32
    assert receptive_field(simple_convnet(rng=0).layers) == 5


def fake_bn_run():
    return SimpleNamespace(results=SimpleNamespace(dataset=SimpleNamespace(n_test=10_000, majority_share=0.1135)))


def pairs(values: dict) -> list:
    return [(scale, SimpleNamespace(test_acc=a, test_acc_std=s), SimpleNamespace(test_acc=b, test_acc_std=t))
            for scale, ((a, s), (b, t)) in values.items()]


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_bn_paragraph_says_where_bn_loses_and_whether_it_is_a_tie(lang):
    T = TEXT[lang]
    out = bn_versus_none(T, fake_bn_run(), pairs({"std 1": ((0.53, 0.02), (0.1135, 0.0)),
                                                  "std 0.1": ((0.826, 0.004), (0.841, 0.009))}))
    assert (out["bn_learned"], out["nobn_learned"], out["scales"]) == (2, 1, 2)
    assert "std 0.1" in out["bn_loses"] and "0.8410" in out["bn_loses"]
    assert T["bn_within"].format(noise=0.0180) in out["bn_loses"]          # 2σ from the seeds: 2·0.009
    clear = bn_versus_none(T, fake_bn_run(), pairs({"std 1": ((0.53, 0.0), (0.60, 0.0)),
                                                    "std 0.1": ((0.9, 0.0), (0.8, 0.0))}))
    assert T["bn_apart"].split("{")[0] in clear["bn_loses"]
    never = bn_versus_none(T, fake_bn_run(), pairs({"std 1": ((0.9, 0.0), (0.8, 0.0))}))
    assert never["bn_loses"] == T["bn_never_loses"]


def test_the_books_batch_norm_row_follows_its_rule():
    from nablab.report.book import TEXT as BOOK, bn_row

    def v(key, panel, acc):
        return SimpleNamespace(key=key, panel=panel, train_acc=acc, train_acc_std=0.0)
    scales = [f"std {k}" for k in range(8)]
    variants = []
    for i, p in enumerate(scales):                         # BN ahead at 7 of 8; no BN stuck at 5
        variants += [v(f"s{i}-bn", p, 0.9), v(f"s{i}-no-bn", p, 0.95 if i == 0 else 0.5 if i < 3 else 0.1)]
    run = SimpleNamespace(variants=variants, results=SimpleNamespace(dataset=SimpleNamespace(n_train=1000)))
    row = bn_row(BOOK["en"], run)
    assert row[3] == "yes" and "at 7 of 8 scales" in row[2] and "no BN higher at 1" in row[2]
    for x in variants:                                     # no scale where the net without BN is stuck
        if x.key.endswith("no-bn"):
            x.train_acc = 0.5
    assert bn_row(BOOK["en"], run)[3] == "partly"
