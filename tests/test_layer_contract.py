"""Every layer keeps the layer protocol (docs/ARCHITECTURE.md) and passes the gradient check."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nablab as nl
from nablab.testing import check_layer, gradcheck
from helpers import LAYERS, random_input


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_contract(name):
    make, shape = LAYERS[name]
    errors = check_layer(make, shape, make_input=lambda g, s: random_input(s, g))
    assert max(errors.values()) < 1e-6


@given(n=st.integers(2, 6), d_in=st.integers(1, 6), d_out=st.integers(1, 5),
       act=st.sampled_from(["relu", "sigmoid", "tanh", "leaky_relu"]), seed=st.integers(0, 10**6))
def test_gradcheck_random_shapes_mlp_parts(n, d_in, d_out, act, seed):
    rng = np.random.default_rng(seed)
    x = random_input((n, d_in), rng)
    layer = nl.Sequential(nl.Linear(d_in, d_out, rng=rng, dtype=np.float64),
                          nl.layers.activation(act))
    assert gradcheck(layer, x, rng=seed) < 1e-6


@given(n=st.integers(2, 5), c=st.integers(1, 4), hw=st.integers(1, 3), four_d=st.booleans(),
       training=st.booleans(), seed=st.integers(0, 10**6))
def test_gradcheck_random_shapes_batchnorm(n, c, hw, four_d, training, seed):
    # Two values per channel in training normalise to exactly ±1 whatever they are: ∂y/∂x is 0 in
    # exact arithmetic and the check would compare round-off with round-off. Use at least 3.
    if training and n * (hw * hw if four_d else 1) < 3:
        n = 3
    rng = np.random.default_rng(seed)
    shape = (n, c, hw, hw) if four_d else (n, c)
    bn = nl.BatchNorm(c, dtype=np.float64)
    bn.gamma.data[:] = rng.uniform(0.5, 2, c)
    bn.beta.data[:] = rng.standard_normal(c)
    bn.running_mean.data[:] = rng.standard_normal(c)
    bn.running_var.data[:] = rng.uniform(0.5, 2, c)
    bn.train(training)
    assert gradcheck(bn, random_input(shape, rng) * 3 + 1, rng=seed) < 1e-6


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_backward_before_forward_raises(name):
    make, shape = LAYERS[name]
    with pytest.raises(nl.StateError, match="before forward"):
        make(np.float32).backward(np.zeros(shape, np.float32))


def test_gradcheck_catches_a_wrong_backward():
    """The checker itself must fail on a broken layer."""
    class BrokenSigmoid(nl.Sigmoid):
        def backward(self, dy):
            return dy * self.cached()        # forgot (1 - y)
    x = random_input((3, 4), np.random.default_rng(0))
    assert gradcheck(BrokenSigmoid(), x) > 1e-2
    assert gradcheck(nl.Sigmoid(), x) < 1e-8


def test_gradcheck_refuses_float32():
    with pytest.raises(nl.ConfigError, match="float64"):
        gradcheck(nl.Linear(2, 2, rng=0), np.ones((1, 2)))


def test_gradcheck_max_elements_samples_large_arrays():
    rng = np.random.default_rng(0)
    layer = nl.Linear(50, 40, rng=0, dtype=np.float64)
    errs = gradcheck(layer, rng.standard_normal((8, 50)), max_elements=30, return_all=True)
    assert set(errs) == {"x", "0.W", "1.b"} and max(errs.values()) < 1e-6
