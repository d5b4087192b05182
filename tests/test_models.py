"""models.mlp builds the course's MultiLayerNet."""

import numpy as np
import pytest

import nablab as nl


def names(net):
    return [type(layer).__name__ for layer in net]


def test_mlp_with_batchnorm_and_dropout_layer_order():
    net = nl.models.mlp(784, [40, 20], 10, activation="relu", batchnorm=True, dropout=0.15, rng=0)
    assert names(net) == ["Linear", "BatchNorm", "ReLU", "Dropout",
                          "Linear", "BatchNorm", "ReLU", "Dropout", "Linear"]
    assert [p.name for p in net.parameters()][:4] == ["W", "b", "gamma", "beta"]
    assert [p.data.shape for p in net.parameters() if p.name == "W"] == [(784, 40), (40, 20), (20, 10)]


def test_mlp_parameter_count():
    net = nl.models.mlp(784, [100] * 5, 10, rng=0)
    assert sum(p.data.size for p in net.parameters()) == 784 * 100 + 100 + 4 * (100 * 100 + 100) + 1010


def test_mlp_is_reproducible_from_seed():
    a, b = nl.models.mlp(8, [5], 3, rng=1), nl.models.mlp(8, [5], 3, rng=1)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)


def test_mlp_init_std_like_the_course():
    net = nl.models.mlp(1000, [500], 10, init=0.01, rng=0, dtype=np.float64)
    assert net[0].W.data.std() == pytest.approx(0.01, rel=0.02)
    net = nl.models.mlp(1000, [500], 10, init="sigmoid", rng=0, dtype=np.float64)
    assert net[0].W.data.std() == pytest.approx(np.sqrt(1 / 1000), rel=0.02)
    assert net[2].W.data.std() == pytest.approx(np.sqrt(1 / 500), rel=0.05)


def test_train_eval_reaches_every_layer():
    net = nl.models.mlp(4, [3], 2, batchnorm=True, dropout=0.5, rng=0)
    net.eval()
    assert not any(layer.training for layer in net)
    net.train()
    assert all(layer.training for layer in net)


def test_mlp_learns_a_separable_problem():
    """A small end-to-end check: loss falls and accuracy rises on two Gaussian blobs."""
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-1, 1, (200, 2)), rng.normal(1, 1, (200, 2))]).astype(np.float32)
    t = np.repeat([0, 1], 200)
    net = nl.models.mlp(2, [16], 2, activation="tanh", rng=rng)
    loss = nl.SoftmaxCrossEntropy()
    opt = nl.optim.Adam(net, lr=0.01)
    first = loss.forward(net.forward(x), t)
    for _ in range(200):
        loss.forward(net.forward(x), t)
        net.backward(loss.backward())
        opt.step()
        opt.zero_grad()
    last = loss.forward(net.forward(x), t)
    accuracy = (net.forward(x).argmax(1) == t).mean()
    assert last < first * 0.5 and accuracy > 0.9
