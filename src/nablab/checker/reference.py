"""The reference the checker judges by: nablab's own verified layers and optimizers (each checked by
float64 gradient checks and against PyTorch), dressed in the course's interface — ``forward`` /
``backward``, ``dW`` / ``db`` attributes, ``update(params, grads)`` on dicts, ``network.params``.

Where the course's definition differs from PyTorch's, the course's is what a learner is asked to
write, so the wrapper follows the course and says so: the 1e-7 inside the log, BN's eps 10e-7 and its
running variance (biased, 0.9·old + 0.1·new), dropout scaled at test time, Nesterov in the book's
form, Adam's 1e-7 added to √v before the bias correction.
"""

from __future__ import annotations

import numpy as np

from .. import im2col as unfold
from .. import layers, optim
from ..functional import softmax
from ..parameter import Parameter


def _grads_zeroed(layer) -> None:
    for p in layer.parameters():
        p.grad[...] = 0


# -- functions ----------------------------------------------------------------------------------------

def numerical_gradient(f, x):
    """nablab.testing's central differences (h = 1e-6 here; the course's 1e-4 agrees to 1e-8)."""
    from ..testing.gradcheck import central_differences
    idx = np.arange(x.size)
    return central_differences(lambda: f(x), x, idx, 1e-6).reshape(x.shape)


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    return unfold.im2col(input_data, filter_h, filter_w, stride, pad)


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    return unfold.col2im(col, tuple(input_shape), filter_h, filter_w, stride, pad)


def _penalty(reg, W, dW):
    p = Parameter(W.copy(), "W", is_weight=True)
    p.grad[...] = dW
    reg.add_gradient([p])
    return p.grad


def l2_gradient(W, dW, weight_decay_lambda):
    return _penalty(optim.L2(weight_decay_lambda), W, dW)


def l1_gradient(W, dW, weight_decay_lambda):
    return _penalty(optim.L1(weight_decay_lambda), W, dW)


# -- layers -------------------------------------------------------------------------------------------

class Relu:
    def forward(self, x):
        self.layer = layers.ReLU()
        return self.layer.forward(x)

    def backward(self, dout):
        return self.layer.backward(dout)


class Sigmoid(Relu):
    def forward(self, x):
        self.layer = layers.Sigmoid()
        return self.layer.forward(x)


class Affine:
    """nablab's Linear with the course's W (D, M) and b (M,); a 4-D input is flattened as the course does."""

    def __init__(self, W, b):
        self.lin = layers.Linear(W.shape[0], W.shape[1], dtype=W.dtype, rng=0)
        self.lin.W.data[...], self.lin.b.data[...] = W, b
        self.W, self.b = self.lin.W.data, self.lin.b.data         # the same arrays (network.params share them)
        self.dW = self.db = None

    def forward(self, x):
        self.x_shape = x.shape
        return self.lin.forward(x.reshape(x.shape[0], -1))

    def backward(self, dout):
        _grads_zeroed(self.lin)
        dx = self.lin.backward(dout)
        self.dW, self.db = self.lin.W.grad.copy(), self.lin.b.grad.copy()
        return dx.reshape(self.x_shape)


class SoftmaxWithLoss:
    """nablab's softmax; the loss the course's way, −mean log(y[n, t_n] + 1e-7); dx = (y − t)/N."""

    def forward(self, x, t):
        self.y = softmax(np.asarray(x, dtype=float))
        self.ids = t.argmax(axis=1) if t.size == self.y.size else t
        self.t_shape = t.shape
        n = self.y.shape[0]
        return -np.sum(np.log(self.y[np.arange(n), self.ids] + 1e-7)) / n

    def backward(self, dout=1):
        loss = layers.SoftmaxCrossEntropy()
        loss.forward(np.log(np.maximum(self.y, 1e-300)), self.ids)    # the same softmax again: log y
        return loss.backward() * dout


class Dropout:
    """nablab's Dropout in the course's form (inverted=False): a share 1 − p kept, ×(1 − p) at test."""

    def __init__(self, dropout_ratio=0.5):
        self.ratio = dropout_ratio

    def forward(self, x, train_flg=True):
        self.layer = layers.Dropout(self.ratio, inverted=False, rng=np.random.randint(2**31))
        self.layer.train() if train_flg else self.layer.eval()
        return self.layer.forward(x)

    def backward(self, dout):
        return self.layer.backward(dout)


class BatchNormalization:
    """nablab's BatchNorm as the course builds it: eps 10e-7, momentum 0.9 on the old value (PyTorch's
    0.1), ``convention="course"`` (running_var starts at 0 and averages the biased σ²)."""

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None):
        self.gamma, self.beta, self.momentum, self.bn = gamma, beta, momentum, None

    @property
    def running_mean(self):
        return None if self.bn is None else self.bn.running_mean.data.copy()

    @property
    def running_var(self):
        return None if self.bn is None else self.bn.running_var.data.copy()

    def forward(self, x, train_flg=True):
        self.shape = x.shape
        x2 = x.reshape(x.shape[0], -1)                              # the course: per activation
        if self.bn is None:
            self.bn = layers.BatchNorm(x2.shape[1], eps=10e-7, momentum=1 - self.momentum, convention="course",
                                       dtype=np.float64)
        self.bn.gamma.data[...], self.bn.beta.data[...] = self.gamma, self.beta
        self.bn.train() if train_flg else self.bn.eval()
        return self.bn.forward(x2).reshape(self.shape)

    def backward(self, dout):
        _grads_zeroed(self.bn)
        dx = self.bn.backward(dout.reshape(dout.shape[0], -1))
        self.dgamma, self.dbeta = self.bn.gamma.grad.copy(), self.bn.beta.grad.copy()
        return dx.reshape(self.shape)


class Convolution:
    def __init__(self, W, b, stride=1, pad=0):
        fn, c, fh, fw = W.shape
        self.conv = layers.Conv2d(c, fn, fh, stride=stride, padding=pad, dtype=W.dtype, rng=0)
        self.conv.W.data[...], self.conv.b.data[...] = W, b

    def forward(self, x):
        return self.conv.forward(x)

    def backward(self, dout):
        _grads_zeroed(self.conv)
        dx = self.conv.backward(dout)
        self.dW, self.db = self.conv.W.grad.copy(), self.conv.b.grad.copy()
        return dx


class Pooling:
    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool = layers.MaxPool2d(pool_h, stride=stride, padding=pad)

    def forward(self, x):
        return self.pool.forward(x)

    def backward(self, dout):
        return self.pool.backward(dout)
