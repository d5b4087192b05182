"""Model builders: each returns a plain Sequential the learner can print and index."""

from __future__ import annotations

import numpy as np

from .checks import as_rng, probability
from .init import resolve
from .layers import (BatchNorm, Conv2d, Dropout, Flatten, GlobalAvgPool2d, Linear, MaxPool2d, ReLU,
                     Sequential)
from .layers.activations import activation as make_activation


# The course's (and the book's) BatchNormalization: eps 10e-7 = 1e-6, running statistics the course's way.
# It decides results at small weight scales: a 5×100 ReLU net at init std 1e-4 learns with 1e-6 and not
# with PyTorch's 1e-5 (issue 25; tests/test_models.py).
COURSE_BN_EPS = 1e-6


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
    probability("mlp: dropout", dropout)
    rng = as_rng(rng)
    layers = []
    sizes = [input_size, *hidden]
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers.append(Linear(n_in, n_out, init=init, rng=rng, dtype=dtype))
        if batchnorm:
            layers.append(BatchNorm(n_out, eps=COURSE_BN_EPS, convention="course", dtype=dtype))
        layers.append(make_activation(activation))
        if dropout > 0:
            layers.append(Dropout(dropout, inverted=dropout_inverted, rng=rng))
    layers.append(Linear(sizes[-1], output_size, init=init, rng=rng, dtype=dtype))
    return Sequential(*layers)



# -- convolutional networks (Sections 4–5) -------------------------------------------------

def _flat_size(layers, input_shape, dtype) -> int:
    """Features after the convolutional part, found by passing one blank image through it."""
    x = np.zeros((1, *input_shape), dtype=dtype)
    for layer in layers:
        x = layer.forward(x)
    return int(np.prod(x.shape[1:]))


def _classifier(features, hidden, n_classes, *, init, rng, dtype, dropout=0.0, inverted=True,
                dropout_after_output=False):
    """Linear → ReLU → [Dropout] → ... → Linear(n_classes) → [Dropout]."""
    layers, sizes = [], [features, *hidden]
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [Linear(n_in, n_out, init=init, rng=rng, dtype=dtype), ReLU()]
        if dropout:
            layers.append(Dropout(dropout, inverted=inverted, rng=rng))
    layers.append(Linear(sizes[-1], n_classes, init=init, rng=rng, dtype=dtype))
    if dropout_after_output:
        layers.append(Dropout(dropout, inverted=inverted, rng=rng))
    return layers


def simple_convnet(*, input_shape=(1, 28, 28), filters: int = 30, kernel_size: int = 5,
                   hidden: int = 100, n_classes: int = 10, init=0.01, rng=None,
                   dtype=np.float32) -> Sequential:
    """The course's SimpleConvNet (2_6): conv 30@5×5 → ReLU → max-pool 2 → 100 → ReLU → 10.

    For (1, 28, 28) inputs: 24×24×30 → 12×12×30 = 4,320 → 100 → 10; 433,890 parameters.

    >>> simple_convnet(rng=0).num_parameters()
    433890
    """
    rng = as_rng(rng)
    conv = [Conv2d(input_shape[0], filters, kernel_size, init=init, rng=rng, dtype=dtype), ReLU(),
            MaxPool2d(2)]
    flat = _flat_size(conv, input_shape, dtype)
    return Sequential(*conv, Flatten(), *_classifier(flat, [hidden], n_classes, init=init, rng=rng,
                                                      dtype=dtype))


def double_convnet(*, input_shape=(1, 28, 28), hidden: int = 100, n_classes: int = 10, init=0.01,
                   arranged: bool = False, rng=None, dtype=np.float32) -> Sequential:
    """The course's DoubleConvNet (2_7): conv 10@7×7 P1 → ReLU → pool → conv 20@3×3 P1 → ReLU →
    pool → 100 → 10. ``arranged=True`` is the notebook's exercise without the first pool."""
    rng = as_rng(rng)
    conv = [Conv2d(input_shape[0], 10, 7, padding=1, init=init, rng=rng, dtype=dtype), ReLU()]
    if not arranged:
        conv.append(MaxPool2d(2))
    conv += [Conv2d(10, 20, 3, padding=1, init=init, rng=rng, dtype=dtype), ReLU(), MaxPool2d(2)]
    flat = _flat_size(conv, input_shape, dtype)
    return Sequential(*conv, Flatten(), *_classifier(flat, [hidden], n_classes, init=init, rng=rng,
                                                      dtype=dtype))


def deep_convnet(*, input_shape=(1, 28, 28), hidden: int = 50, n_classes: int = 10,
                 dropout: float = 0.5, dropout_inverted: bool = False, init="he", rng=None,
                 dtype=np.float32) -> Sequential:
    """The course's DeepConvNet (2_8): three blocks conv-ReLU-conv-ReLU-pool with 3×3 filters
    16, 16 | 32, 32 (pad 2) | 64, 64, then 1024 → 50 → ReLU → Dropout → 10 → Dropout.

    Dropout defaults to the course's form (scaled at test time); it also follows the output
    layer, as in the book (docs/curriculum.md §4.7).
    """
    rng = as_rng(rng)
    conv, channels = [], input_shape[0]
    for filters, pads in ((16, (1, 1)), (32, (1, 2)), (64, (1, 1))):
        for p in pads:
            conv += [Conv2d(channels, filters, 3, padding=p, init=init, rng=rng, dtype=dtype), ReLU()]
            channels = filters
        conv.append(MaxPool2d(2))
    flat = _flat_size(conv, input_shape, dtype)
    return Sequential(*conv, Flatten(), *_classifier(flat, [hidden], n_classes, init=init, rng=rng,
                                                      dtype=dtype, dropout=dropout,
                                                      inverted=dropout_inverted,
                                                      dropout_after_output=True))


def lenet(*, input_shape=(1, 28, 28), n_classes: int = 10, init="he", rng=None,
          dtype=np.float32) -> Sequential:
    """LeNet-5 for 28×28 inputs: conv 6@5×5 P2 → ReLU → pool → conv 16@5×5 → ReLU → pool →
    120 → 84 → 10 (ReLU and max pooling in place of the original tanh and subsampling)."""
    rng = as_rng(rng)
    conv = [Conv2d(input_shape[0], 6, 5, padding=2, init=init, rng=rng, dtype=dtype), ReLU(),
            MaxPool2d(2), Conv2d(6, 16, 5, init=init, rng=rng, dtype=dtype), ReLU(), MaxPool2d(2)]
    flat = _flat_size(conv, input_shape, dtype)
    return Sequential(*conv, Flatten(), *_classifier(flat, [120, 84], n_classes, init=init, rng=rng,
                                                      dtype=dtype))


def alexnet_small(*, input_shape=(1, 28, 28), n_classes: int = 10, global_pool: bool = False,
                  dropout: float = 0.5, init="he", rng=None, dtype=np.float32) -> Sequential:
    """AlexNet's shape scaled to 28×28: 5 convs (32, 64, 96, 96, 64; 3×3, pools after the 1st,
    2nd and 5th) and 3 fully connected layers (256, 256, 10) with dropout.

    ``global_pool=True`` replaces Flatten (64·3·3 = 576 features) by global average pooling
    (64 features): the course's remark that GAP cuts the classifier's parameters.
    """
    rng = as_rng(rng)
    conv, channels = [], input_shape[0]
    for filters, pool in ((32, True), (64, True), (96, False), (96, False), (64, True)):
        conv += [Conv2d(channels, filters, 3, padding=1, init=init, rng=rng, dtype=dtype), ReLU()]
        if pool:
            conv.append(MaxPool2d(2))
        channels = filters
    head = GlobalAvgPool2d() if global_pool else Flatten()
    flat = _flat_size([*conv, head], input_shape, dtype)
    return Sequential(*conv, head, *_classifier(flat, [256, 256], n_classes, init=init, rng=rng,
                                                 dtype=dtype, dropout=dropout))

