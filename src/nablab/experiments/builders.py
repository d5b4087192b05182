"""From specs to objects: the network, optimizer and regularizer a RunSpec describes."""

from __future__ import annotations

import numpy as np

from .. import optim
from ..layers import Linear
from .architectures import ARCHITECTURES, cell


def build_model(m, input_shape: tuple, n_out: int, rng):
    """The network of a ModelSpec for inputs of ``input_shape`` (without the batch axis)."""
    return ARCHITECTURES[m.arch].build(m, input_shape, n_out, rng)


def build(run, input_shape: tuple, n_out: int, seed: int):
    """(model, optimizer, regularizer or None) of a RunSpec."""
    net = build_model(run.model, input_shape, n_out, np.random.default_rng(seed))
    params = net.parameters()
    linears = [m for m in net.modules() if isinstance(m, Linear)]
    if run.train.trainable == "course-keys":
        # 2_2_2–2_4 update only W1..W3, b1..b3: later layers and BN's γ, β stay as initialised
        params = [p for layer in linears[:3] for p in layer.parameters()]
    elif run.train.trainable == "hidden-layers":
        # 2_5's L2 and dropout + L1 cells loop over the hidden layers: the output layer stays
        params = [p for layer in linears[:-1] for p in layer.parameters()]
    opt = optim.create(run.optimizer.name, params, **run.optimizer.kwargs())
    reg = {"l1": optim.L1, "l2": optim.L2}[run.train.regularizer](run.train.lam) \
        if run.train.regularizer else None
    return net, opt, reg


def recurrent(spec, input_size: int, hidden: int, rng, dtype=np.float32):
    """The nl.RNN / LSTM / GRU a CellSpec describes."""
    return cell(input_size, hidden, spec.cell, nonlinearity=spec.nonlinearity, init=spec.init,
                forget_bias=spec.forget_bias, rng=rng, dtype=dtype)
