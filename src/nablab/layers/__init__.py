"""Layers: each writes its forward and backward side by side."""

from .activations import ACTIVATIONS, LeakyReLU, ReLU, Sigmoid, Tanh, activation
from .base import Layer, Sequential
from .batchnorm import BatchNorm
from .conv import Conv2d
from .dropout import Dropout
from .flatten import Flatten, Reshape
from .gru import GRU
from .linear import Linear
from .losses import Loss, MeanSquaredError, SoftmaxCrossEntropy
from .lstm import LSTM
from .pooling import AvgPool2d, GlobalAvgPool2d, MaxPool2d
from .recurrent import RNN, LastStep, Recurrent

__all__ = ["ACTIVATIONS", "AvgPool2d", "BatchNorm", "Conv2d", "Dropout", "GRU", "GlobalAvgPool2d",
           "LSTM", "LastStep", "RNN", "Recurrent", "Reshape",
           "MaxPool2d", "Flatten", "Layer", "LeakyReLU", "Linear",
           "Loss", "MeanSquaredError", "ReLU", "Sequential", "Sigmoid", "SoftmaxCrossEntropy",
           "Tanh", "activation"]
