"""The course's own code (Day 2's ``common/`` package and ``lesson_2/multi_layer_net.py``, which follow
"ゼロから作る Deep Learning"), written out as the course writes it: layer classes with ``forward`` /
``backward``, parameters and gradients in dicts, ``optimizer.update(params, grads)``.

``nablab check`` measures a learner's code against nablab's verified layers (reference.py); this
package passes that check with no finding (tests/checker), and the catalogue of known mistakes
(mistakes/) is this code with one or two lines changed. ``nablab check --template NAME`` prints a
skeleton of one of these definitions; the lesson notebooks show them in full.

Shapes: x (N, D) for dense layers, (N, C, H, W) for images; W (D, M) for Affine, (FN, C, FH, FW) for
Convolution. Constants are the course's: 1e-7 in the log and in the optimizers, 10e-7 in BN.
The files follow the course's own: functions.py (common/functions.py and gradient.py), util.py,
layers.py and convolution.py (common/layers.py), optimizer.py, networks.py.
"""

from .convolution import Convolution, Pooling
from .functions import (cross_entropy_error, l1_gradient, l2_gradient, numerical_gradient, relu, sigmoid,
                        softmax)
from .layers import Affine, BatchNormalization, Dropout, Relu, Sigmoid, SoftmaxWithLoss
from .networks import MultiLayerNet, TwoLayerNet
from .optimizer import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from .util import col2im, im2col

FILES = ("functions.py", "util.py", "layers.py", "convolution.py", "optimizer.py", "networks.py")

__all__ = ["Affine", "AdaGrad", "Adam", "BatchNormalization", "Convolution", "Dropout", "Momentum",
           "MultiLayerNet", "Nesterov", "Pooling", "RMSprop", "Relu", "SGD", "Sigmoid", "SoftmaxWithLoss",
           "TwoLayerNet", "col2im", "cross_entropy_error", "im2col", "l1_gradient", "l2_gradient",
           "numerical_gradient", "relu", "sigmoid", "softmax"]
