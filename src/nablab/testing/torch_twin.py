"""The same layer in PyTorch, with the same weights: for cross-checks and benchmarks.

Needs ``torch`` (``pip install torch==2.13.0``), imported only when called.
"""

from __future__ import annotations

import numpy as np

from .. import layers as L


def torch_twin(layer):
    """A torch.nn.Module computing what ``layer`` computes, weights copied, same dtype.

    nablab's Linear W is (in, out); torch's weight is (out, in), so W is transposed.

    >>> import nablab as nl
    >>> twin = torch_twin(nl.Linear(3, 2, rng=0))
    >>> tuple(twin.weight.shape)
    (2, 3)
    """
    import torch

    if isinstance(layer, L.Sequential):
        return torch.nn.Sequential(*(torch_twin(sub) for sub in layer))
    make = TWINS.get(type(layer))
    if make is None:
        raise TypeError(f"no PyTorch twin for {type(layer).__name__}; known: "
                        f"{sorted(c.__name__ for c in TWINS)}")
    return make(layer).train(layer.training)


def tensor(a: np.ndarray):
    import torch
    return torch.from_numpy(np.ascontiguousarray(a))


def torch_dtype(a: np.ndarray):
    import torch
    return {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}[a.dtype]


def _linear(layer):
    import torch
    m = torch.nn.Linear(layer.in_features, layer.out_features, dtype=torch_dtype(layer.W.data))
    with torch.no_grad():
        m.weight.copy_(tensor(layer.W.data.T))
        m.bias.copy_(tensor(layer.b.data))
    return m


def _batchnorm(layer):
    import torch

    class BatchNormAnyRank(torch.nn.BatchNorm1d):
        """BatchNorm1d takes (N, C), BatchNorm2d (N, C, H, W); the maths is the same."""
        def _check_input_dim(self, x):
            if x.dim() not in (2, 4):
                raise ValueError(f"expected 2-D or 4-D input (got {x.dim()}-D)")

    class CourseRunningStatistics(BatchNormAnyRank):
        """convention="course": torch's normalisation and autograd, running statistics the course's way
        (the biased batch variance, no m/(m − 1))."""
        def forward(self, x):
            if not self.training:
                return super().forward(x)
            dims = (0,) if x.dim() == 2 else (0, 2, 3)
            with torch.no_grad():
                self.running_mean.mul_(1 - self.momentum).add_(self.momentum * x.mean(dims))
                self.running_var.mul_(1 - self.momentum).add_(self.momentum * x.var(dims, unbiased=False))
            return torch.nn.functional.batch_norm(x, None, None, self.weight, self.bias, True, 0.0, self.eps)

    kind = CourseRunningStatistics if getattr(layer, "convention", "pytorch") == "course" else BatchNormAnyRank
    m = kind(layer.num_features, eps=layer.eps, momentum=layer.momentum, dtype=torch_dtype(layer.gamma.data))
    with torch.no_grad():
        for ours, theirs in ((layer.gamma, m.weight), (layer.beta, m.bias),
                             (layer.running_mean, m.running_mean), (layer.running_var, m.running_var)):
            theirs.copy_(tensor(ours.data))
    return m


def _conv(layer):
    import torch
    m = torch.nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size,
                        stride=layer.stride, padding=layer.padding, dtype=torch_dtype(layer.W.data))
    with torch.no_grad():
        m.weight.copy_(tensor(layer.W.data))           # the same (F, C, kH, kW) layout
        m.bias.copy_(tensor(layer.b.data))
    return m


def _global_avg(layer):
    import torch
    return torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())


def _recurrent(layer):
    """torch.nn.RNN / LSTM / GRU (batch_first) returning only the hidden states, like ours.
    weight_ih = W_xᵀ, weight_hh = W_hᵀ; RNN and LSTM: bias_ih = b, bias_hh = 0 (their sum is
    what counts); GRU: bias_ih = bx, bias_hh = bh (r multiplies h W_hn + bh_n)."""
    import torch

    class HiddenStates(torch.nn.Module):
        def __init__(self, rnn):
            super().__init__()
            self.rnn = rnn

        def forward(self, x):
            return self.rnn(x)[0]                                  # (N, T, H); drop the final state

    kind = type(layer).__name__
    extra = {"nonlinearity": layer.nonlinearity} if kind == "RNN" else {}
    m = getattr(torch.nn, kind)(layer.input_size, layer.hidden_size, batch_first=True,
                                dtype=torch_dtype(layer.Wx.data), **extra)
    b_ih, b_hh = (layer.bx.data, layer.bh.data) if kind == "GRU" else (layer.b.data, 0 * layer.b.data)
    with torch.no_grad():
        for theirs, ours in ((m.weight_ih_l0, layer.Wx.data.T), (m.weight_hh_l0, layer.Wh.data.T),
                             (m.bias_ih_l0, b_ih), (m.bias_hh_l0, b_hh)):
            theirs.copy_(tensor(ours))
    return HiddenStates(m)


def _last_step(layer):
    import torch

    class LastStep(torch.nn.Module):
        def forward(self, x):
            return x[:, -1]
    return LastStep()


def _reshape(layer):
    import torch

    class Reshape(torch.nn.Module):
        def forward(self, x):
            return x.reshape(x.shape[0], *layer.shape)
    return Reshape()


def _simple(name, *attrs):
    def make(layer):
        import torch
        return getattr(torch.nn, name)(*(getattr(layer, a) for a in attrs))
    return make


# {nablab layer class: function(layer) -> torch module}
TWINS = {
    L.Linear: _linear, L.BatchNorm: _batchnorm,
    L.ReLU: _simple("ReLU"), L.Sigmoid: _simple("Sigmoid"), L.Tanh: _simple("Tanh"),
    L.LeakyReLU: _simple("LeakyReLU", "negative_slope"), L.Flatten: _simple("Flatten"),
    L.Dropout: _simple("Dropout", "p"),
    L.Conv2d: _conv, L.GlobalAvgPool2d: _global_avg,
    L.RNN: _recurrent, L.LSTM: _recurrent, L.GRU: _recurrent, L.LastStep: _last_step, L.Reshape: _reshape,
    L.MaxPool2d: _simple("MaxPool2d", "kernel_size", "stride", "padding"),
    L.AvgPool2d: _simple("AvgPool2d", "kernel_size", "stride", "padding"),
}
