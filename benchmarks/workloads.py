"""The same networks in nablab and in PyTorch, with the same weights, for timing."""

from __future__ import annotations

import numpy as np

import nablab as nl


def build_nablab(kind: str, rng: np.random.Generator):
    if kind == "mlp-sigmoid":
        return nl.models.mlp(784, [40, 20], 10, activation="sigmoid", init="xavier", rng=rng)
    if kind == "mlp-bn":
        return nl.models.mlp(784, [100] * 5, 10, activation="relu", init="he", batchnorm=True, rng=rng)
    raise ValueError(f"unknown workload {kind!r}")


def to_torch(net):
    """An equal torch.nn.Sequential: same layers, weights copied (Linear stores Wᵀ)."""
    import torch

    modules = []
    for layer in net:
        if isinstance(layer, nl.Linear):
            m = torch.nn.Linear(layer.in_features, layer.out_features)
            with torch.no_grad():
                m.weight.copy_(torch.from_numpy(layer.W.data.T.copy()))
                m.bias.copy_(torch.from_numpy(layer.b.data))
        elif isinstance(layer, nl.BatchNorm):
            m = torch.nn.BatchNorm1d(layer.num_features, eps=layer.eps, momentum=layer.momentum)
        elif isinstance(layer, nl.Sigmoid):
            m = torch.nn.Sigmoid()
        elif isinstance(layer, nl.ReLU):
            m = torch.nn.ReLU()
        else:
            raise ValueError(f"no torch twin for {type(layer).__name__}")
        modules.append(m)
    return torch.nn.Sequential(*modules)


def nablab_step(net, lr):
    loss = nl.SoftmaxCrossEntropy()
    opt = nl.optim.SGD(net.parameters(), lr=lr)

    def step(x, t):
        loss.forward(net.forward(x), t)
        net.backward(loss.backward())
        opt.step()
        opt.zero_grad()
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
