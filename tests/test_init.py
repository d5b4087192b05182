"""Initializers: the course's names, their standard deviations, and errors."""

import numpy as np
import pytest

import nablab as nl

SHAPE = (400, 300)


@pytest.mark.parametrize("name, std", [
    ("he", np.sqrt(2 / 400)), ("relu", np.sqrt(2 / 400)), ("He", np.sqrt(2 / 400)),
    ("xavier", np.sqrt(1 / 400)), ("Xavier", np.sqrt(1 / 400)), ("sigmoid", np.sqrt(1 / 400)),
    ("glorot", np.sqrt(2 / 700)), (0.01, 0.01), (1, 1.0),
])
def test_standard_deviation(name, std):
    w = nl.init.resolve(name)(SHAPE, rng=0, dtype=np.float64)
    assert w.mean() == pytest.approx(0, abs=4 * std / np.sqrt(w.size))
    assert w.std() == pytest.approx(std, rel=0.02)


def test_conv_fan_in_is_channels_times_kernel():
    w = nl.init.he((64, 32, 3, 3), rng=0, dtype=np.float64)
    assert w.std() == pytest.approx(np.sqrt(2 / (32 * 9)), rel=0.02)


def test_dtype_and_seed():
    a = nl.init.xavier((5, 4), rng=7)
    b = nl.init.xavier((5, 4), rng=np.random.default_rng(7))
    assert a.dtype == np.float32 and np.array_equal(a, b)


@pytest.mark.parametrize("spec", ["lecun", "", None])
def test_unknown_name_lists_valid_ones(spec):
    with pytest.raises(nl.ConfigError, match=r"expected a float std or one of \['glorot', 'he'"):
        nl.init.resolve(spec)


@pytest.mark.parametrize("spec", [0, -0.1, True])
def test_bad_std(spec):
    with pytest.raises(nl.ConfigError):
        nl.init.resolve(spec)


def test_bad_rng():
    with pytest.raises(nl.ConfigError, match="rng must be a numpy Generator"):
        nl.init.he((2, 2), rng="seed")
