"""Model builders: each returns a plain Sequential the learner can print and index."""

from __future__ import annotations

import numpy as np

from .errors import ConfigError
from .init import as_rng, resolve
from .layers import BatchNorm, Dropout, Linear, Sequential
from .layers.activations import activation as make_activation


def mlp(input_size: int, hidden_sizes, output_size: int, *, activation: str = "relu", init="he", batchnorm: bool = False, dropout: float = 0.0,
        dropout_inverted: bool = True, rng=None, dtype=np.float32) -> Sequential:
    """The course's MultiLayerNet: per hidden layer Linear → [BatchNorm] → activation → [Dropout],
    then a final Linear (scores; pair it with SoftmaxCrossEntropy).

    init: "he"/"relu" (std √(2/fan_in)), "xavier"/"sigmoid" (√(1/fan_in)), "glorot",
    or a float std such as 0.01 (the course's ``weight_init_std``), used for every Linear.
    Biases start at 0, BatchNorm at γ = 1, β = 0.

    >>> net = mlp(784, [40, 20], 10, activation="sigmoid", init="xavier", rng=0)
    >>> [type(layer).__name__ for layer in net]
    ['Linear', 'Sigmoid', 'Linear', 'Sigmoid', 'Linear']
    """
    hidden = list(hidden_sizes)
    resolve(init)                                   # fail early on a bad init name
    make_activation(activation)                     # ... and on a bad activation name
    if not (isinstance(dropout, (int, float)) and 0 <= dropout < 1):
        raise ConfigError(f"mlp: dropout must be in [0, 1); got {dropout!r}")
    rng = as_rng(rng)
    layers = []
    sizes = [input_size, *hidden]
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers.append(Linear(n_in, n_out, init=init, rng=rng, dtype=dtype))
        if batchnorm:
            layers.append(BatchNorm(n_out, dtype=dtype))
        layers.append(make_activation(activation))
        if dropout > 0:
            layers.append(Dropout(dropout, inverted=dropout_inverted, rng=rng))
    layers.append(Linear(sizes[-1], output_size, init=init, rng=rng, dtype=dtype))
    return Sequential(*layers)

