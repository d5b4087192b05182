"""Losses: gradient checks, stability, and clear errors."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nablab as nl
from nablab.testing import gradcheck_loss


@given(n=st.integers(1, 6), k=st.integers(2, 6), seed=st.integers(0, 10**6),
       one_hot=st.booleans(), scale=st.floats(0.1, 30))
def test_cross_entropy_gradcheck(n, k, seed, one_hot, scale):
    rng = np.random.default_rng(seed)
    scores = rng.standard_normal((n, k)) * scale
    ids = rng.integers(0, k, n)
    target = np.eye(k)[ids] if one_hot else ids
    assert gradcheck_loss(nl.SoftmaxCrossEntropy(), scores, target) < 1e-6


@given(n=st.integers(1, 6), k=st.integers(1, 5), seed=st.integers(0, 10**6),
       form=st.sampled_from(["pytorch", "course"]))
def test_mse_gradcheck(n, k, seed, form):
    rng = np.random.default_rng(seed)
    y, t = rng.standard_normal((n, k)), rng.standard_normal((n, k))
    assert gradcheck_loss(nl.MeanSquaredError(form), y, t) < 1e-6


def test_cross_entropy_survives_huge_scores():
    loss = nl.SoftmaxCrossEntropy()
    value = loss.forward(np.array([[1e4, 0.0, -1e4]], np.float32), np.array([2]))
    assert value == pytest.approx(2e4)
    assert np.all(np.isfinite(loss.backward()))


def test_mse_course_form_is_half_sum_over_batch():
    y, t = np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[0.0, 2.0], [1.0, 5.0]])
    assert nl.MeanSquaredError("course").forward(y, t) == pytest.approx(0.5 * (1 + 4) / 2)
    assert nl.MeanSquaredError().forward(y, t) == pytest.approx((1 + 4) / 4)


def test_mse_accepts_class_ids():
    loss = nl.MeanSquaredError()
    assert loss.forward(np.eye(3)[[0, 2]], np.array([0, 2])) == 0.0


@pytest.mark.parametrize("scores, target, message", [
    (np.zeros((3, 4)), np.array([0, 1]), r"expected target of class ids \(3,\) or one-hot \(3, 4\); got \(2,\)"),
    (np.zeros((2, 4)), np.array([0, 4]), r"class ids in \[0, 4\); got values in \[0, 4\]"),
    (np.zeros((2, 4)), np.array([0.0, 1.0]), "integer class ids"),
    (np.zeros(4), np.array([0]), r"expected scores \(N, K\) with N, K >= 1; got \(4,\)"),
])
def test_cross_entropy_bad_targets(scores, target, message):
    with pytest.raises(nl.ShapeError, match=message):
        nl.SoftmaxCrossEntropy().forward(scores, target)


def test_loss_backward_before_forward():
    for loss in (nl.SoftmaxCrossEntropy(), nl.MeanSquaredError()):
        with pytest.raises(nl.StateError):
            loss.backward()


def test_mse_unknown_form():
    with pytest.raises(nl.ConfigError, match=r"expected one of \['pytorch', 'course'\]"):
        nl.MeanSquaredError("sum")
