"""common/functions.py and common/gradient.py of the course; the weight-decay gradients of 2_5."""

import numpy as np


# -- common/functions.py ----------------------------------------------------------------------------

def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def relu(x):
    return np.maximum(0, x)


def softmax(x):
    """exp(x − max) / Σ exp(x − max), row by row (the max keeps exp from overflowing)."""
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    """−(1/N) Σ log(y[n, t_n] + 1e-7); t one-hot or class ids."""
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:                  # one-hot → class ids
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


# -- common/gradient.py -----------------------------------------------------------------------------

def numerical_gradient(f, x):
    """Central difference (f(x + h) − f(x − h)) / 2h, h = 1e-4, one element of x at a time."""
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=['multi_index'], op_flags=['readwrite'])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2*h)
        x[idx] = tmp_val              # put the value back
        it.iternext()
    return grad


# -- 2_5: the weight-decay gradients the course's loop adds to dW -------------------------------------

def l2_gradient(W, dW, weight_decay_lambda):
    """∂/∂W of L + ½λΣW²:  dW + λW"""
    return dW + weight_decay_lambda * W


def l1_gradient(W, dW, weight_decay_lambda):
    """∂/∂W of L + λΣ|W|:  dW + λ sign(W)"""
    return dW + weight_decay_lambda * np.sign(W)
