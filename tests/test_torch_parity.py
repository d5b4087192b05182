"""Every layer and loss computes what torch.nn computes, forward and backward."""

import numpy as np
import pytest
import torch

import nablab as nl
from helpers import LAYERS, random_input
from torch_compare import TOL, assert_close, compare_with_torch

DTYPES = [np.float64, np.float32]
DETERMINISTIC = sorted(k for k in LAYERS if not k.startswith("Dropout") and k != "Sequential")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("name", DETERMINISTIC)
def test_layer_matches_torch(name, training, dtype):
    rng = np.random.default_rng(0)
    make, shape = LAYERS[name]
    layer = make(dtype)
    for p in layer.parameters():      # move γ, β away from 1, 0 so they matter
        p.data[...] += rng.standard_normal(p.data.shape).astype(dtype) * 0.5
    compare_with_torch(layer, random_input(shape, rng), dtype, rng, training=training)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("training", [True, False])
def test_mlp_with_batchnorm_matches_torch(training, dtype):
    rng = np.random.default_rng(1)
    net = nl.models.mlp(12, [10, 8, 6], 4, activation="relu", batchnorm=True, rng=rng, dtype=dtype)
    compare_with_torch(net, random_input((16, 12), rng), dtype, rng, training=training)


@pytest.mark.parametrize("dtype", DTYPES)
def test_batchnorm_running_statistics_over_many_steps(dtype):
    """Running mean/var follow torch over 20 training batches, then eval uses them."""
    rng = np.random.default_rng(2)
    bn = nl.BatchNorm(3, momentum=0.2, dtype=dtype)
    twin = nl.testing.torch_twin(bn)
    for _ in range(20):
        x = (rng.standard_normal((8, 3, 4, 4)) * 2 + 1).astype(dtype)
        bn.forward(x)
        twin(torch.from_numpy(x))
    assert_close(bn.running_mean.data, twin.running_mean, TOL[dtype], "running_mean")
    assert_close(bn.running_var.data, twin.running_var, TOL[dtype], "running_var")
    bn.eval()
    twin.eval()
    x = rng.standard_normal((5, 3, 4, 4)).astype(dtype)
    assert_close(bn.forward(x), twin(torch.from_numpy(x)), TOL[dtype], "eval forward")


@pytest.mark.parametrize("inverted", [True, False])
def test_dropout_train_and_eval(inverted):
    """Training: y is 0 or x·scale like torch's mask; eval: identity (inverted) or x·(1−p)."""
    p = 0.4
    drop = nl.Dropout(p, inverted=inverted, rng=0)
    x = np.random.default_rng(0).uniform(1, 2, (200, 50))
    y = drop.forward(x)
    scale = 1 / (1 - p) if inverted else 1.0
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] * scale)
    assert abs(kept.mean() - (1 - p)) < 0.02
    torch.manual_seed(0)
    yt = torch.nn.Dropout(p).train()(torch.from_numpy(x)).numpy()
    if inverted:       # torch keeps the same values with the same scale
        np.testing.assert_allclose(yt[yt != 0], x[yt != 0] * scale)
    dx = drop.backward(np.ones_like(x))
    np.testing.assert_array_equal(dx, kept * scale)
    drop.eval()
    expected = x if inverted else x * (1 - p)
    np.testing.assert_allclose(drop.forward(x), expected)
    np.testing.assert_allclose(nl.Dropout(p).eval().forward(x),
                               torch.nn.Dropout(p).eval()(torch.from_numpy(x)).numpy())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_cross_entropy_matches_torch(one_hot, dtype):
    rng = np.random.default_rng(3)
    scores = (rng.standard_normal((7, 5)) * 3).astype(dtype)
    ids = rng.integers(0, 5, 7)
    target = np.eye(5, dtype=dtype)[ids] if one_hot else ids
    loss = nl.SoftmaxCrossEntropy()
    value = loss.forward(scores, target)
    st = torch.from_numpy(scores).requires_grad_(True)
    tt = torch.from_numpy(target)
    ref = torch.nn.functional.cross_entropy(st, tt)
    ref.backward()
    assert abs(value - ref.item()) <= TOL[dtype] * abs(ref.item())
    assert_close(loss.backward(), st.grad, TOL[dtype], "dscores")


@pytest.mark.parametrize("dtype", DTYPES)
def test_mean_squared_error_matches_torch(dtype):
    rng = np.random.default_rng(4)
    y = rng.standard_normal((6, 3)).astype(dtype)
    t = rng.standard_normal((6, 3)).astype(dtype)
    loss = nl.MeanSquaredError()
    value = loss.forward(y, t)
    yt = torch.from_numpy(y).requires_grad_(True)
    ref = torch.nn.functional.mse_loss(yt, torch.from_numpy(t))
    ref.backward()
    assert abs(value - ref.item()) <= TOL[dtype] * abs(ref.item())
    assert_close(loss.backward(), yt.grad, TOL[dtype], "dy")


def test_float32_model_keeps_float32_end_to_end():
    rng = np.random.default_rng(5)
    net = nl.models.mlp(20, [16, 8], 3, activation="sigmoid", batchnorm=True, dropout=0.1, rng=rng)
    loss = nl.SoftmaxCrossEntropy()
    x = rng.standard_normal((10, 20))              # float64 data into a float32 model
    activations = []
    h = x
    for layer in net:
        h = layer.forward(h)
        activations.append(h.dtype)
    assert set(activations) == {np.dtype(np.float32)}
    loss.forward(h, rng.integers(0, 3, 10))
    d = loss.backward()
    assert d.dtype == np.float32
    for layer in reversed(net.layers):
        d = layer.backward(d)
        assert d.dtype == np.float32, type(layer).__name__
    assert {p.grad.dtype for p in net.parameters()} == {np.dtype(np.float32)}
    assert {p.data.dtype for p in net.parameters()} == {np.dtype(np.float32)}
