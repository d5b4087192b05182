"""The same networks in nablab and in PyTorch (same weights, via torch_twin), for timing."""

from __future__ import annotations

import numpy as np

import nablab as nl
from nablab.testing import torch_twin as to_torch  # noqa: F401 (re-exported for run.py)


def build_nablab(kind: str, rng: np.random.Generator):
    if kind == "mlp-sigmoid":
        return nl.models.mlp(784, [40, 20], 10, activation="sigmoid", init="xavier", rng=rng)
    if kind == "mlp-bn":
        return nl.models.mlp(784, [100] * 5, 10, activation="relu", init="he", batchnorm=True, rng=rng)
    if kind == "simple-convnet":
        return nl.models.simple_convnet(rng=rng)
    if kind == "deep-convnet":
        return nl.models.deep_convnet(rng=rng, dropout=0.0)   # dropout masks differ per framework
    raise ValueError(f"unknown workload {kind!r}")


def nablab_step(net, lr):
    loss = nl.SoftmaxCrossEntropy()
    opt = nl.optim.SGD(net.parameters(), lr=lr)

    def step(x, t):
        nl.train.train_step(net, loss, opt, x, t)
    return step


def torch_step(model, lr):
    import torch

    loss = torch.nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr)

    def step(x, t):
        opt.zero_grad()
        loss(model(x), t).backward()
        opt.step()
    return step
