"""The reference, continued: nablab's optimizers stepping the course's dicts, and the course's networks
built from the reference layers (reference.py)."""

from __future__ import annotations

import numpy as np

from .. import optim
from ..parameter import Parameter
from .reference import Affine, Relu, Sigmoid, SoftmaxWithLoss


# -- optimizers: nablab's, stepping the course's dicts ---------------------------------------------------

class _Optimizer:
    name, settings = "", {}

    def __init__(self, **kwargs):
        self.kwargs, self.opt, self.params = kwargs, None, None

    def update(self, params, grads):
        if self.opt is None:
            self.params = {k: Parameter(np.array(v, dtype=float), k) for k, v in params.items()}
            self.opt = optim.create(self.name, list(self.params.values()), **self.settings(**self.kwargs))
        for k, p in self.params.items():
            p.data[...], p.grad[...] = params[k], grads[k]
        self.before_step()
        self.opt.step()
        for k, p in self.params.items():
            params[k][...] = p.data


    def before_step(self) -> None:
        pass


class SGD(_Optimizer):
    name = "sgd"
    settings = staticmethod(lambda lr=0.01: {"lr": lr})


class Momentum(_Optimizer):
    """PyTorch's heavy ball with a constant lr is the course's v ← μv − ηg; w ← w + v (docs/conventions.md)."""
    name = "momentum"
    settings = staticmethod(lambda lr=0.01, momentum=0.9: {"lr": lr, "momentum": momentum})


class AdaGrad(_Optimizer):
    name = "adagrad"
    settings = staticmethod(lambda lr=0.01: {"lr": lr, "eps": 1e-7})


class RMSprop(_Optimizer):
    name = "rmsprop"
    settings = staticmethod(lambda lr=0.01, decay_rate=0.99: {"lr": lr, "alpha": decay_rate, "eps": 1e-7})


class Adam(_Optimizer):
    """The course adds 1e-7 to √v before the bias correction, PyTorch adds eps after it: the same step
    when PyTorch's eps at step t is 1e-7 / √(1 − β₂ᵗ)."""
    name = "adam"
    settings = staticmethod(lambda lr=0.001, beta1=0.9, beta2=0.999: {"lr": lr, "betas": (beta1, beta2),
                                                                       "eps": 1e-7})

    def before_step(self) -> None:
        beta2 = self.opt.hyper["beta2"]
        self.opt.hyper["eps"] = 1e-7 / np.sqrt(1 - beta2 ** (self.opt.steps + 1))


class Nesterov:
    """The book's Nesterov, which nablab's (PyTorch's) is not (optim/sgd.py): with the velocity after
    this step's update, v ← μv − ηg; w ← w + μ²v − (1 + μ)ηg."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.mu, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(v, dtype=float) for k, v in params.items()}
        for k in params:
            self.v[k] = self.mu * self.v[k] - self.lr * grads[k]
            params[k] += self.mu ** 2 * self.v[k] - (1 + self.mu) * self.lr * grads[k]


# -- networks -------------------------------------------------------------------------------------------

class TwoLayerNet:
    """Affine → Relu → Affine → SoftmaxWithLoss from the wrappers above; params share their arrays."""

    hidden = (Relu,)

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, **_):
        self._build([input_size, hidden_size, output_size], weight_init_std, 0.0, Relu)

    def _build(self, sizes, std, lam, activation):
        self.lam, self.affines, self.acts, self.params = lam, [], [], {}
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            scale = {"relu": np.sqrt(2 / n_in), "he": np.sqrt(2 / n_in), "sigmoid": np.sqrt(1 / n_in),
                     "xavier": np.sqrt(1 / n_in)}.get(str(std).lower(), std)
            aff = Affine(scale * np.random.randn(n_in, n_out), np.zeros(n_out))
            self.affines.append(aff)
            self.params[f"W{i}"], self.params[f"b{i}"] = aff.W, aff.b
        self.acts = [activation() for _ in self.affines[:-1]]
        self.last = SoftmaxWithLoss()

    def predict(self, x, train_flg=False):
        for aff, act in zip(self.affines, self.acts + [None]):
            x = aff.forward(x)
            x = act.forward(x) if act is not None else x
        return x

    def loss(self, x, t, train_flg=False):
        decay = sum(0.5 * self.lam * np.sum(a.W ** 2) for a in self.affines)
        return self.last.forward(self.predict(x), t) + decay

    def accuracy(self, x, t):
        t = t.argmax(axis=1) if t.ndim != 1 else t
        return float(np.mean(self.predict(x).argmax(axis=1) == t))

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last.backward()
        for aff, act in reversed(list(zip(self.affines, self.acts + [None]))):
            dout = act.backward(dout) if act is not None else dout
            dout = aff.backward(dout)
        grads = {}
        for i, aff in enumerate(self.affines, start=1):
            grads[f"W{i}"], grads[f"b{i}"] = aff.dW + self.lam * aff.W, aff.db
        return grads


class MultiLayerNet(TwoLayerNet):
    def __init__(self, input_size, hidden_size_list, output_size, activation="relu", weight_init_std="relu",
                 weight_decay_lambda=0, **_):
        self._build([input_size, *hidden_size_list, output_size], weight_init_std, weight_decay_lambda,
                    {"relu": Relu, "sigmoid": Sigmoid}[activation])
