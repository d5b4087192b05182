"""Invariants of the maths (conv/pool sizes, im2col adjoint, softmax, BN, dropout), checked on random inputs with Hypothesis."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import nablab as nl

floats = st.floats(-100, 100, allow_nan=False, width=64)


@given(x=arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(1, 5)), elements=floats),
       gamma=st.floats(0.1, 3), beta=st.floats(-2, 2))
def test_batchnorm_training_output_is_standardised_per_feature(x, gamma, beta):
    bn = nl.BatchNorm(x.shape[1], dtype=np.float64)
    bn.gamma.data[:] = gamma
    bn.beta.data[:] = beta
    y = bn.forward(x)
    spread = x.var(axis=0)
    varied = spread > 1e-3                        # constant features normalise to exactly beta
    np.testing.assert_allclose(y.mean(axis=0), beta, atol=1e-9)
    np.testing.assert_allclose(y.var(axis=0)[varied], gamma**2 * spread[varied] / (spread[varied] + 1e-5),
                               rtol=1e-9)


@given(shape=st.tuples(st.integers(2, 4), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4)),
       seed=st.integers(0, 1000))
def test_batchnorm_4d_is_standardised_per_channel(shape, seed):
    x = np.random.default_rng(seed).normal(3, 2, shape)
    y = nl.BatchNorm(shape[1], dtype=np.float64).forward(x)
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-9)
    v = x.var(axis=(0, 2, 3))
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), v / (v + 1e-5), rtol=1e-9)


@given(x=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=floats),
       p=st.floats(0, 0.95), inverted=st.booleans())
def test_dropout_eval_is_identity_or_course_scaling(x, p, inverted):
    drop = nl.Dropout(p, inverted=inverted, rng=0).eval()
    expected = x if inverted else x * (1 - p)
    np.testing.assert_array_equal(drop.forward(x), expected)
    np.testing.assert_array_equal(drop.backward(np.ones_like(x)), np.ones_like(x) * (1 if inverted else 1 - p))


@given(x=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=floats),
       seed=st.integers(0, 1000), p=st.floats(0.05, 0.9))
def test_dropout_training_keeps_or_zeroes_each_entry(x, seed, p):
    y = nl.Dropout(p, rng=seed).forward(x)
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / (1 - p))


@given(x=arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(2, 6)), elements=floats))
def test_relu_backward_never_touches_dy(x):
    relu = nl.ReLU()
    relu.forward(x)
    dy = np.ones_like(x)
    relu.backward(dy)
    assert np.all(dy == 1)
