"""nablab (∇ + lab): the Deep Learning Day 2 course as a verified NumPy library.

>>> import numpy as np, nablab as nl
>>> net = nl.models.mlp(4, [8], 3, rng=0)
>>> loss = nl.SoftmaxCrossEntropy()
>>> value = loss.forward(net.forward(np.ones((2, 4), np.float32)), np.array([0, 2]))
>>> net.backward(loss.backward()).shape
(2, 4)
"""

from . import data, functional, im2col, init, models, optim, testing, train
from .train import History, TrainingDiverged, fit
from .errors import ConfigError, DataError, NablabError, ShapeError, StateError
from .layers import (GRU, LSTM, RNN, AvgPool2d, BatchNorm, Conv2d, Dropout, Flatten,
                     GlobalAvgPool2d, LastStep, Layer, LeakyReLU, Linear, Loss, MaxPool2d,
                     MeanSquaredError, ReLU, Reshape, Sequential, Sigmoid, SoftmaxCrossEntropy, Tanh)
from .parameter import Buffer, Parameter
from .version import __version__
from .saving import load, save
from .checker import check

__all__ = [
    "AvgPool2d", "Conv2d", "GlobalAvgPool2d", "MaxPool2d", "im2col", "GRU", "LSTM", "LastStep", "RNN", "Reshape",
    "BatchNorm", "Buffer", "ConfigError", "DataError", "Dropout", "Flatten", "Layer", "LeakyReLU",
    "Linear", "Loss", "MeanSquaredError", "NablabError", "Parameter", "ReLU", "Sequential",
    "ShapeError", "Sigmoid", "SoftmaxCrossEntropy", "StateError", "Tanh", "data", "functional", "init",
    "load", "models", "__version__", "optim", "save", "testing", "train", "fit", "History", "TrainingDiverged", "check",
]
