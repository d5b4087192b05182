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


# -- convolutional models -------------------------------------------------------------------

from torch_compare import compare_with_torch  # noqa: E402

CNNS = {
    "simple_convnet": (lambda **kw: nl.models.simple_convnet(**kw), 433_890),
    "double_convnet": (lambda **kw: nl.models.double_convnet(**kw), 10 * 49 + 10 + 20 * 90 + 20 + 720 * 100 + 100 + 1010),
    "double_convnet_arranged": (lambda **kw: nl.models.double_convnet(arranged=True, **kw),
                                10 * 49 + 10 + 20 * 90 + 20 + 2880 * 100 + 100 + 1010),
    "deep_convnet": (lambda **kw: nl.models.deep_convnet(**kw),
                     16 * 9 + 16 + 16 * 144 + 16 + 32 * 144 + 32 + 32 * 288 + 32 + 64 * 288 + 64
                     + 64 * 576 + 64 + 1024 * 50 + 50 + 50 * 10 + 10),
    "lenet": (lambda **kw: nl.models.lenet(**kw), 6 * 25 + 6 + 16 * 150 + 16 + 400 * 120 + 120 + 120 * 84 + 84 + 850),
    "alexnet_small": (lambda **kw: nl.models.alexnet_small(**kw), None),
    "alexnet_small_gap": (lambda **kw: nl.models.alexnet_small(global_pool=True, **kw), None),
}


@pytest.mark.parametrize("name", sorted(CNNS))
def test_cnn_shapes_and_parameter_counts(name):
    make, count = CNNS[name]
    net = make(rng=0)
    assert net.forward(np.zeros((3, 1, 28, 28), np.float32)).shape == (3, 10)
    if count is not None:
        assert sum(p.data.size for p in net.parameters()) == count


def test_global_average_pooling_shrinks_alexnet_classifier():
    flat = sum(p.data.size for p in nl.models.alexnet_small(rng=0).parameters())
    gap = sum(p.data.size for p in nl.models.alexnet_small(global_pool=True, rng=0).parameters())
    assert flat - gap == (576 - 64) * 256


def test_deep_convnet_follows_the_course():
    net = nl.models.deep_convnet(rng=0)
    convs = [layer for layer in net if isinstance(layer, nl.Conv2d)]
    assert [c.out_channels for c in convs] == [16, 16, 32, 32, 64, 64]
    assert [c.padding for c in convs] == [1, 1, 1, 2, 1, 1]
    assert isinstance(net[-1], nl.Dropout) and not net[-1].inverted       # after the output
    fan_in = [c.W.data[0].size for c in convs]
    assert fan_in == [9, 144, 144, 288, 288, 576]


@pytest.mark.parametrize("name", ["simple_convnet", "deep_convnet", "lenet", "alexnet_small_gap"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_cnn_matches_torch(name, dtype):
    make, _ = CNNS[name]
    rng = np.random.default_rng(0)
    kw = {"dropout": 0.0} if name in ("deep_convnet", "alexnet_small_gap") else {}
    net = make(rng=rng, dtype=dtype, **kw)
    compare_with_torch(net, rng.random((4, 1, 28, 28)), dtype, rng)


def test_cnn_save_and_load(tmp_path):
    net = nl.models.deep_convnet(rng=0)
    x = np.random.default_rng(1).random((2, 1, 28, 28), dtype=np.float32)
    path = nl.save(net, tmp_path / "deep.npz")
    loaded = nl.load(path)
    np.testing.assert_array_equal(loaded.eval().forward(x), net.eval().forward(x))


def test_the_course_bn_eps_decides_a_small_init():
    """nablab's MLP builds the course's BatchNormalization (eps 10e-7): at the book's batch_norm_test
    setting — five 100-unit ReLU layers, initial std 1e-4, 1,000 images, 191 SGD steps — it learns, and
    with PyTorch's eps 1e-5 it does not (0.524 against 0.117 here)."""
    from nablab.layers import BatchNorm
    net = nl.models.mlp(784, [100] * 5, 10, init=1e-4, batchnorm=True, rng=0)
    bns = [layer for layer in net.leaves() if isinstance(layer, BatchNorm)]
    assert bns and all(b.eps == 1e-6 and b.convention == "course" for b in bns)
    ds = nl.data.load("mnist", n_train=1000, n_test=100, subset="first")
    final = {}
    for eps in (1e-6, 1e-5):
        net = nl.models.mlp(784, [100] * 5, 10, init=1e-4, batchnorm=True, rng=0)
        for b in (layer for layer in net.leaves() if isinstance(layer, BatchNorm)):
            b.eps = eps
        h = nl.fit(net, nl.SoftmaxCrossEntropy(), nl.optim.SGD(net.parameters(), lr=0.01), ds, iters=191,
                   batch_size=100, train_acc_on="full", eval_every=191, progress=False)
        final[eps] = h.final["train_acc"]
    assert final[1e-6] > 0.3 and final[1e-5] < 0.2, final
