"""Convolution and pooling: gradient checks, PyTorch parity over many settings, im2col twins."""

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import nablab as nl
from nablab import im2col as I
from nablab.testing import check_layer, gradcheck
from helpers import random_input
from torch_compare import compare_with_torch

DTYPES = [np.float64, np.float32]

# (in, out, kernel, stride, padding, input shape)
CONV_CASES = [
    (1, 3, 3, 1, 0, (2, 1, 6, 6)),
    (3, 4, 3, 1, 1, (2, 3, 7, 6)),          # full-convolution backward (F ≤ 2C)
    (2, 5, 2, 1, 1, (2, 2, 6, 6)),          # the 確認テスト shape class: P1, k2 → grows by 1
    (3, 4, 3, 1, 2, (2, 3, 5, 5)),          # padding 2 (DeepConvNet's conv4)
    (2, 3, 3, 2, 1, (2, 2, 7, 8)),          # stride 2: block-wise col2im
    (1, 8, 5, 1, 0, (2, 1, 9, 9)),          # widening 1 → 8 (SimpleConvNet's conv)
    (2, 2, 4, 3, 2, (1, 2, 9, 10)),
    (3, 2, 1, 1, 0, (2, 3, 4, 4)),          # 1×1 convolution
]


@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"c{c[0]}f{c[1]}k{c[2]}s{c[3]}p{c[4]}")
def test_conv_contract_and_gradcheck(case):
    c, f, k, s, p, shape = case
    check_layer(lambda dt: nl.Conv2d(c, f, k, stride=s, padding=p, init=0.5, rng=1, dtype=dt), shape)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"c{c[0]}f{c[1]}k{c[2]}s{c[3]}p{c[4]}")
def test_conv_matches_torch(case, dtype):
    c, f, k, s, p, shape = case
    rng = np.random.default_rng(0)
    layer = nl.Conv2d(c, f, k, stride=s, padding=p, rng=rng, dtype=dtype)
    layer.b.data[:] = rng.standard_normal(f)
    compare_with_torch(layer, rng.standard_normal(shape), dtype, rng)


@given(c=st.integers(1, 3), f=st.integers(1, 4), k=st.integers(1, 4), s=st.integers(1, 3),
       p=st.integers(0, 2), h=st.integers(4, 8), w=st.integers(4, 8), seed=st.integers(0, 10**6))
def test_conv_matches_torch_random_settings(c, f, k, s, p, h, w, seed):
    rng = np.random.default_rng(seed)
    layer = nl.Conv2d(c, f, k, stride=s, padding=p, rng=rng, dtype=np.float64)
    compare_with_torch(layer, rng.standard_normal((2, c, h, w)), np.float64, rng)


POOLS = [
    ("max", 2, None, 0, (2, 3, 6, 6)),
    ("max", 3, 2, 1, (2, 2, 7, 6)),
    ("max", 3, 1, 0, (1, 2, 5, 5)),         # overlapping windows
    ("avg", 2, None, 0, (2, 3, 6, 4)),
    ("avg", 3, 2, 1, (2, 2, 7, 7)),
]


def make_pool(kind, k, s, p):
    cls = nl.MaxPool2d if kind == "max" else nl.AvgPool2d
    return lambda dt: cls(k, s, p)


@pytest.mark.parametrize("case", POOLS, ids=str)
def test_pool_contract_and_gradcheck(case):
    kind, k, s, p, shape = case
    check_layer(make_pool(kind, k, s, p), shape, make_input=lambda g, sh: random_input(sh, g))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", POOLS, ids=str)
def test_pool_matches_torch(case, dtype):
    kind, k, s, p, shape = case
    rng = np.random.default_rng(0)
    compare_with_torch(make_pool(kind, k, s, p)(dtype), rng.standard_normal(shape), dtype, rng)


def test_global_average_pool():
    check_layer(lambda dt: nl.GlobalAvgPool2d(), (2, 3, 4, 5))
    rng = np.random.default_rng(0)
    compare_with_torch(nl.GlobalAvgPool2d(), rng.standard_normal((2, 3, 4, 5)), np.float64, rng)


def test_max_pool_ties_go_to_the_first_maximum_like_torch():
    """After ReLU whole windows are 0: the gradient goes to the window's top-left entry only."""
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 2, 3] = x[0, 0, 3, 2] = 5.0                       # a tie inside one window
    pool = nl.MaxPool2d(2)
    pool.forward(x)
    dx = pool.backward(np.ones((1, 1, 2, 2)))
    xt = torch.tensor(x, requires_grad=True)
    torch.nn.MaxPool2d(2)(xt).sum().backward()
    np.testing.assert_array_equal(dx, xt.grad.numpy())
    assert dx[0, 0, 0, 0] == 1 and dx[0, 0, 2, 3] == 1 and dx[0, 0, 3, 2] == 0


@given(n=st.integers(1, 3), c=st.integers(1, 3), h=st.integers(3, 8), w=st.integers(3, 8),
       k=st.integers(1, 4), s=st.integers(1, 3), p=st.integers(0, 2), seed=st.integers(0, 1000))
def test_im2col_fast_book_and_naive_agree(n, c, h, w, k, s, p, seed):
    if h + 2 * p < k or w + 2 * p < k:
        return
    x = np.random.default_rng(seed).standard_normal((n, c, h, w))
    naive = I.im2col_naive(x, k, k, s, p)
    np.testing.assert_array_equal(I.im2col(x, k, k, s, p), naive)
    np.testing.assert_array_equal(I.im2col_book(x, k, k, s, p), naive)
    y = np.random.default_rng(seed + 1).standard_normal(naive.shape)
    np.testing.assert_allclose(I.col2im(y, x.shape, k, k, s, p),
                               I.col2im_naive(y, x.shape, k, k, s, p), rtol=1e-12, atol=1e-12)


@given(n=st.integers(1, 3), c=st.integers(1, 3), h=st.integers(3, 8), w=st.integers(3, 8),
       k=st.integers(1, 4), s=st.integers(1, 3), p=st.integers(0, 2), seed=st.integers(0, 1000))
def test_im2col_and_col2im_are_adjoint(n, c, h, w, k, s, p, seed):
    """<im2col(x), y> == <x, col2im(y)>, and likewise for the other two layouts."""
    if h + 2 * p < k or w + 2 * p < k:
        return
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w))
    for fwd, adj in ((I.im2col, I.col2im), (I.unfold, I.fold), (I.columns, I.columns_to_image)):
        cols = fwd(x, k, k, s, p)
        y = rng.standard_normal(cols.shape)
        assert np.sum(cols * y) == pytest.approx(np.sum(x * adj(y, x.shape, k, k, s, p)), rel=1e-10)


@given(c=st.integers(1, 3), h=st.integers(3, 7), k=st.integers(1, 3), s=st.integers(1, 2),
       p=st.integers(0, 1))
def test_unfold_and_fold_match_torch(c, h, k, s, p):
    x = np.random.default_rng(0).standard_normal((2, c, h, h))
    ours = I.unfold(x, k, k, s, p)
    theirs = torch.nn.functional.unfold(torch.from_numpy(x), k, padding=p, stride=s).numpy()
    np.testing.assert_allclose(ours, theirs)
    back = torch.nn.functional.fold(torch.from_numpy(ours), (h, h), k, padding=p, stride=s).numpy()
    np.testing.assert_allclose(I.fold(ours, x.shape, k, k, s, p), back, rtol=1e-12)


def test_course_im2col_demo_and_overlap_sum():
    """The course's demo: (2, 1, 4, 4) with a 3×3 filter → col (8, 9); col2im(im2col(x))
    counts each pixel once per window that covers it (the centre cells 4×)."""
    x = np.random.default_rng(0).integers(0, 100, (2, 1, 4, 4)).astype(float)
    col = I.im2col(x, 3, 3)
    assert col.shape == (8, 9)
    back = I.col2im(col, x.shape, 3, 3)
    counts = I.col2im(np.ones_like(col), x.shape, 3, 3)[0, 0]
    assert counts.tolist() == [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]]
    np.testing.assert_array_equal(back, x * counts)


@pytest.mark.parametrize("make, message", [
    (lambda: nl.Conv2d(0, 3, 3), "in_channels must be an int >= 1; got 0"),
    (lambda: nl.Conv2d(1, 3, 3, stride=0), "stride must be an int >= 1"),
    (lambda: nl.Conv2d(1, 3, 3, padding=-1), "padding must be an int >= 0"),
    (lambda: nl.MaxPool2d(2, padding=2), "padding must be at most kernel_size // 2"),
])
def test_bad_settings(make, message):
    with pytest.raises(nl.ConfigError, match=message):
        make()


@pytest.mark.parametrize("layer, x, message", [
    (nl.Conv2d(1, 4, 3, rng=0), np.zeros((32, 28, 28)), r"Conv2d expected input \(N, 1, \*, \*\); got \(32, 28, 28\)"),
    (nl.Conv2d(3, 4, 3, rng=0), np.zeros((2, 1, 8, 8)), r"Conv2d expected input \(N, 3, \*, \*\); got \(2, 1, 8, 8\)"),
    (nl.Conv2d(1, 4, 5, rng=0), np.zeros((2, 1, 3, 3)), r"Conv2d: window 5 does not fit input size 3"),
    (nl.MaxPool2d(2), np.zeros((2, 8, 8)), r"MaxPool2d expected input \(N, C, H, W\); got \(2, 8, 8\)"),
])
def test_wrong_input_shapes(layer, x, message):
    with pytest.raises(nl.ShapeError, match=message):
        layer.forward(x)


def test_confirmation_test_output_size():
    """確認テスト: 6×6 input, 2×2 filter, stride 1, padding 1 → 7×7, from an actual Conv2d."""
    y = nl.Conv2d(1, 1, 2, stride=1, padding=1, rng=0).forward(np.ones((1, 1, 6, 6), np.float32))
    assert y.shape == (1, 1, 7, 7)


def test_float32_stays_float32_through_a_cnn():
    net = nl.models.simple_convnet(rng=0)
    x = np.random.default_rng(0).random((4, 1, 28, 28))          # float64 in
    loss = nl.SoftmaxCrossEntropy()
    loss.forward(net.forward(x), np.arange(4))
    dx = net.backward(loss.backward())
    assert dx.dtype == np.float32
    assert {p.grad.dtype for p in net.parameters()} == {np.dtype(np.float32)}


def test_conv_gradcheck_of_a_small_cnn():
    net = nl.Sequential(nl.Conv2d(2, 3, 3, padding=1, rng=0, dtype=np.float64), nl.ReLU(),
                        nl.MaxPool2d(2), nl.Conv2d(3, 4, 2, stride=2, rng=1, dtype=np.float64),
                        nl.ReLU(), nl.GlobalAvgPool2d(), nl.Linear(4, 3, rng=2, dtype=np.float64))
    x = random_input((2, 2, 8, 8), np.random.default_rng(3))
    assert gradcheck(net, x) < 1e-6
