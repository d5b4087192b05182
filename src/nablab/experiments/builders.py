"""From specs to objects: the network, optimizer and regularizer a RunSpec describes."""

from __future__ import annotations

import math

import numpy as np

from .. import models, optim
from ..errors import ConfigError
from ..layers import GRU, LSTM, RNN, LastStep, Linear, Reshape, Sequential
from .spec import CellSpec


def build_model(m, input_shape: tuple, n_out: int, rng):
    """The network of a ModelSpec for inputs of ``input_shape`` (without the batch axis)."""
    if m.arch in ("rnn", "lstm", "gru"):
        return sequence_classifier(m, input_shape, n_out, rng)
    if m.arch == "mlp":
        return models.mlp(int(np.prod(input_shape)), m.hidden, n_out, activation=m.activation,
                          init=m.init, batchnorm=m.batchnorm, dropout=m.dropout,
                          dropout_inverted=m.dropout_inverted, rng=rng)
    kw = {"input_shape": tuple(input_shape), "n_classes": n_out, "init": m.init, "rng": rng}
    if m.arch in ("simple_convnet", "double_convnet", "deep_convnet"):
        kw["hidden"] = m.hidden[0]
    if m.arch == "double_convnet":
        kw["arranged"] = m.arranged
    if m.arch in ("deep_convnet", "alexnet_small"):
        kw["dropout"] = m.dropout
    if m.arch == "deep_convnet":
        kw["dropout_inverted"] = m.dropout_inverted
    if m.arch == "alexnet_small":
        kw["global_pool"] = m.global_pool
    return models.BUILDERS[m.arch](**kw)


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


def sequence_classifier(m, input_shape: tuple, n_out: int, rng):
    """Images (N, 784) or (N, 1, 28, 28) read as sequences of rows: Reshape → cell → LastStep →
    Linear. A flat input must be a square image."""
    pixels = int(np.prod(input_shape))
    rows = input_shape[-2] if len(input_shape) >= 2 else math.isqrt(pixels)
    if rows * (pixels // rows) != pixels or (len(input_shape) == 1 and rows * rows != pixels):
        raise ConfigError(f"arch {m.arch}: cannot read inputs of shape {tuple(input_shape)} as rows of an image")
    cols = pixels // rows
    cell = CellSpec(m.arch, m.arch, m.activation if m.arch == "rnn" else "tanh", m.init, m.forget_bias)
    return Sequential(Reshape((rows, cols)), recurrent(cell, cols, m.hidden[0], rng), LastStep(),
                      Linear(m.hidden[0], n_out, rng=rng))


def parameter_count(model) -> int:
    return int(sum(p.data.size for p in model.parameters()))


def recurrent(cell, input_size: int, hidden: int, rng, dtype=np.float32):
    """The nl.RNN / LSTM / GRU a CellSpec describes."""
    if cell.cell == "rnn":
        return RNN(input_size, hidden, cell.nonlinearity, init=cell.init, rng=rng, dtype=dtype)
    if cell.cell == "lstm":
        return LSTM(input_size, hidden, forget_bias=cell.forget_bias, init=cell.init, rng=rng, dtype=dtype)
    return GRU(input_size, hidden, init=cell.init, rng=rng, dtype=dtype)
