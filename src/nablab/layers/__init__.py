"""Layers: each writes its forward and backward side by side."""

from .activations import ACTIVATIONS, LeakyReLU, ReLU, Sigmoid, Tanh, activation
from .base import Layer, Sequential
from .batchnorm import BatchNorm
from .dropout import Dropout
from .flatten import Flatten
from .linear import Linear
from .losses import Loss, MeanSquaredError, SoftmaxCrossEntropy

__all__ = ["ACTIVATIONS", "BatchNorm", "Dropout", "Flatten", "Layer", "LeakyReLU", "Linear",
           "Loss", "MeanSquaredError", "ReLU", "Sequential", "Sigmoid", "SoftmaxCrossEntropy",
           "Tanh", "activation"]
