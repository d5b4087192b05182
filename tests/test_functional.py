"""Properties of the stateless maths (softmax rows sum to 1, shift invariance)."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nablab import functional as F

finite = st.floats(-50, 50, allow_nan=False, width=64)
matrices = arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=finite)


@given(x=matrices)
def test_softmax_rows_sum_to_one(x):
    np.testing.assert_allclose(F.softmax(x).sum(axis=1), 1.0, rtol=1e-12)


@given(x=matrices, shift=st.floats(-1e3, 1e3))
def test_softmax_is_shift_invariant(x, shift):
    np.testing.assert_allclose(F.softmax(x + shift), F.softmax(x), rtol=1e-9, atol=1e-12)


@given(x=matrices)
def test_log_softmax_is_log_of_softmax(x):
    np.testing.assert_allclose(np.exp(F.log_softmax(x)), F.softmax(x), rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_stable_and_matches_torch(dtype):
    x = np.array([-1000, -100, -20, -1, 0, 1, 20, 100, 1000], dtype=dtype)
    y = F.sigmoid(x)                          # no overflow warning (errors raise in tests)
    assert y.dtype == dtype
    np.testing.assert_allclose(y, torch.sigmoid(torch.from_numpy(x)).numpy(), rtol=1e-6, atol=1e-30)


def test_sigmoid_derivative_peaks_at_a_quarter():
    """確認テスト: the sigmoid's derivative σ'(x) = σ(x)(1 − σ(x)) has its maximum 0.25 at 0."""
    x = np.linspace(-10, 10, 20001)
    s = F.sigmoid(x)
    d = s * (1 - s)
    assert d.max() == pytest.approx(0.25) and x[d.argmax()] == pytest.approx(0.0)


@given(size=st.integers(1, 40), kernel=st.integers(1, 7), stride=st.integers(1, 4),
       padding=st.integers(0, 3))
def test_conv_output_size_formula(size, kernel, stride, padding):
    if size + 2 * padding < kernel:
        with pytest.raises(ValueError, match="does not fit"):
            F.conv_output_size(size, kernel, stride, padding)
        return
    out = F.conv_output_size(size, kernel, stride, padding)
    ref = torch.nn.functional.conv2d(torch.zeros(1, 1, size, size), torch.zeros(1, 1, kernel, kernel),
                                     stride=stride, padding=padding).shape[-1]
    assert out == ref == (size + 2 * padding - kernel) // stride + 1


def test_cross_entropy_function():
    assert F.cross_entropy(np.zeros((3, 4)), np.array([0, 1, 2])) == pytest.approx(np.log(4))
