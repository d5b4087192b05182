"""Bad input is refused with a message naming the layer, the expectation and what came."""

import numpy as np
import pytest

import nablab as nl


def test_error_classes():
    assert issubclass(nl.ShapeError, ValueError) and issubclass(nl.ConfigError, ValueError)
    assert issubclass(nl.StateError, nl.NablabError)


@pytest.mark.parametrize("layer, x, message", [
    (nl.Linear(784, 10, rng=0), np.zeros((32, 28, 28)), r"Linear expected input \(N, 784\); got \(32, 28, 28\)"),
    (nl.Linear(784, 10, rng=0), np.zeros((32, 700)), r"Linear expected input \(N, 784\); got \(32, 700\)"),
    (nl.BatchNorm(40), np.zeros((5, 20)), r"BatchNorm expected input \(N, 40\) or \(N, 40, H, W\); got \(5, 20\)"),
    (nl.BatchNorm(4), np.zeros((1, 4)), "more than 1 value per channel"),
])
def test_wrong_input_shape(layer, x, message):
    with pytest.raises(nl.ShapeError, match=message):
        layer.forward(x)


def test_wrong_shape_inside_a_model_names_the_layer():
    net = nl.models.mlp(10, [5], 3, rng=0)
    with pytest.raises(nl.ShapeError, match=r"Linear expected input \(N, 10\); got \(2, 9\)"):
        net.forward(np.zeros((2, 9)))


@pytest.mark.parametrize("make, message", [
    (lambda: nl.Dropout(1.0), r"p must be in \[0, 1\); got 1.0"),
    (lambda: nl.Dropout(-0.1), r"p must be in \[0, 1\)"),
    (lambda: nl.Linear(0, 3), "Linear: in_features must be an int >= 1; got 0"),
    (lambda: nl.Linear(3, 2.5), "Linear: out_features must be an int >= 1; got 2.5"),
    (lambda: nl.BatchNorm(4, momentum=1.5), r"momentum must be in \[0, 1\]"),
    (lambda: nl.BatchNorm(4, eps=0), "eps must be > 0"),
    (lambda: nl.LeakyReLU(-1), "negative_slope"),
    (lambda: nl.models.mlp(4, [3], 2, activation="swish"),
     r"unknown activation 'swish'; expected one of \['leaky_relu', 'relu', 'sigmoid', 'tanh'\]"),
    (lambda: nl.models.mlp(4, [3], 2, init="lecun"), "unknown initializer 'lecun'"),
    (lambda: nl.models.mlp(4, [3], 2, dropout=1.2), r"dropout must be in \[0, 1\)"),
])
def test_bad_settings_at_construction(make, message):
    with pytest.raises(nl.ConfigError, match=message):
        make()


def test_load_state_dict_wrong_shape():
    layer = nl.Linear(3, 2, rng=0)
    with pytest.raises(nl.ShapeError, match=r"Linear.W: expected shape \(3, 2\); got \(2, 3\)"):
        layer.load_state_dict({"W": np.zeros((2, 3)), "b": np.zeros(2)})
    with pytest.raises(nl.ShapeError, match=r"Linear: state does not match this model; missing \['b'\]"):
        layer.load_state_dict({"W": np.zeros((3, 2))})


def test_sequential_rejects_non_layers():
    with pytest.raises(TypeError, match="Sequential expects Layer objects; got int"):
        nl.Sequential(nl.ReLU(), 3)
