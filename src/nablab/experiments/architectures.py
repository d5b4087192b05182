"""The architectures an experiment's ``model.arch`` names: one registry, one entry each.

An entry says how to build the network from a ModelSpec (``build(m, input_shape, n_out, rng)``),
what one training step costs relative to the course's 784-40-20-10 MLP (seconds per step at
batch 100 on the project's 2-core machine, measured by the main job; the pool starts the
costliest tasks first), and whether it reads images row by row as a sequence (recurrent).

    >>> sorted(ARCHITECTURES)[:3]
    ['alexnet_small', 'deep_convnet', 'double_convnet']
    >>> ARCHITECTURES["lstm"].recurrent, ARCHITECTURES["deep_convnet"].step_cost
    (True, 150)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import models
from ..errors import ConfigError
from ..layers import GRU, LSTM, RNN, LastStep, Linear, Reshape, Sequential


@dataclass(frozen=True)
class Architecture:
    name: str
    build: Callable          # (ModelSpec, input_shape without the batch axis, n_out, rng) -> Sequential
    step_cost: float         # seconds per step relative to the course's MLP
    recurrent: bool = False  # images read row by row: T = height steps of width pixels


def mlp(m, input_shape, n_out, rng):
    return models.mlp(int(np.prod(input_shape)), m.hidden, n_out, activation=m.activation, init=m.init,
                      batchnorm=m.batchnorm, dropout=m.dropout, dropout_inverted=m.dropout_inverted, rng=rng)


def cnn(builder, **fields):
    """A CNN builder of models.py; ``fields`` maps its keywords to a ModelSpec → value function."""
    def build(m, input_shape, n_out, rng):
        kw = {name: get(m) for name, get in fields.items()}
        return builder(input_shape=tuple(input_shape), n_classes=n_out, init=m.init, rng=rng, **kw)
    return build


def cell(input_size: int, hidden: int, kind: str, *, nonlinearity="tanh", init="xavier", forget_bias=0.0,
         rng=None, dtype=np.float32):
    """nl.RNN, nl.LSTM or nl.GRU of ``kind`` ("rnn" | "lstm" | "gru")."""
    if kind == "rnn":
        return RNN(input_size, hidden, nonlinearity, init=init, rng=rng, dtype=dtype)
    if kind == "lstm":
        return LSTM(input_size, hidden, forget_bias=forget_bias, init=init, rng=rng, dtype=dtype)
    return GRU(input_size, hidden, init=init, rng=rng, dtype=dtype)


def sequence_classifier(m, input_shape, n_out, rng):
    """Images (N, 784) or (N, 1, 28, 28) read as sequences of rows: Reshape → cell → LastStep →
    Linear. A flat input must be a square image."""
    pixels = int(np.prod(input_shape))
    rows = input_shape[-2] if len(input_shape) >= 2 else math.isqrt(pixels)
    if rows * (pixels // rows) != pixels or (len(input_shape) == 1 and rows * rows != pixels):
        raise ConfigError(f"arch {m.arch}: cannot read inputs of shape {tuple(input_shape)} as rows of an image")
    cols = pixels // rows
    core = cell(cols, m.hidden[0], m.arch, nonlinearity=m.activation if m.arch == "rnn" else "tanh",
                init=m.init, forget_bias=m.forget_bias, rng=rng)
    return Sequential(Reshape((rows, cols)), core, LastStep(), Linear(m.hidden[0], n_out, rng=rng))


def first_hidden(m):
    return m.hidden[0]


def step_memory(m, input_shape, n_out: int, batch: int) -> float:
    """Rough bytes one training step of ``m`` holds (8 per number): weights with their gradients and
    up to two optimizer states (4 copies), and 3 arrays per activation kept for backward. A CNN is
    bounded by 64 channels at a quarter of the input's positions before its hidden layer. For the
    dry pass's memory check (`model.hidden=[100000, 100000]` is 80 GB), not an exact count."""
    pixels, h = math.prod(input_shape), list(m.hidden)
    if m.arch == "mlp":
        widths = [pixels, *h, n_out]
        weights, acts = sum(a * b for a, b in zip(widths, widths[1:])), batch * sum(widths)
    elif ARCHITECTURES[m.arch].recurrent:
        rows = math.isqrt(pixels)
        weights, acts = 4 * h[0] * (pixels // max(rows, 1) + h[0]) + h[0] * n_out, batch * rows * 8 * h[0]
    else:
        flat = 64 * pixels // 4
        weights, acts = flat * h[0] + h[0] * n_out + 6 * 64 * 64 * 9, batch * pixels * 64 * 2
    return 8.0 * (4 * weights + 3 * acts)


ARCHITECTURES: dict[str, Architecture] = {a.name: a for a in (
    Architecture("mlp", mlp, 1),
    Architecture("simple_convnet", cnn(models.simple_convnet, hidden=first_hidden), 25),
    Architecture("double_convnet", cnn(models.double_convnet, hidden=first_hidden,
                                       arranged=lambda m: m.arranged), 65),
    Architecture("deep_convnet", cnn(models.deep_convnet, hidden=first_hidden, dropout=lambda m: m.dropout,
                                     dropout_inverted=lambda m: m.dropout_inverted), 150),
    Architecture("lenet", cnn(models.lenet), 20),
    Architecture("alexnet_small", cnn(models.alexnet_small, dropout=lambda m: m.dropout,
                                      global_pool=lambda m: m.global_pool), 180),
    Architecture("rnn", sequence_classifier, 8, recurrent=True),
    Architecture("lstm", sequence_classifier, 25, recurrent=True),
    Architecture("gru", sequence_classifier, 25, recurrent=True),
)}
