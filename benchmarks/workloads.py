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
    if kind == "lstm":                         # sequential MNIST: 28 rows of 28 pixels, many-to-one
        return nl.Sequential(nl.LSTM(28, 128, rng=rng), nl.LastStep(), nl.Linear(128, 10, rng=rng))
    raise ValueError(f"unknown workload {kind!r}")


def nablab_step(net, lr, optimizer="sgd"):
    loss = nl.SoftmaxCrossEntropy()
    opt = nl.optim.create(optimizer, net.parameters(), lr=lr)

    def step(x, t):
        nl.train.train_step(net, loss, opt, x, t)
    return step


def torch_step(model, lr, optimizer="sgd"):
    import torch

    loss = torch.nn.CrossEntropyLoss()
    opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}[optimizer](model.parameters(), lr=lr)

    def step(x, t):
        opt.zero_grad()
        loss(model(x), t).backward()
        opt.step()
    return step
