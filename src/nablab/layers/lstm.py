"""LSTM: a cell state c carried forward by multiplication with the forget gate, not by W_h."""

from __future__ import annotations

import numpy as np

from ..functional import sigmoid
from ..parameter import Parameter
from .base import check_dy
from .recurrent import Recurrent


class LSTM(Recurrent):
    """Long short-term memory. With A = x_t W_x + h_{t−1} W_h + b, shape (N, 4H), split in
    PyTorch's order into four (N, H) blocks:

        i = σ(A_i)   input gate        f = σ(A_f)   forget gate
        g = tanh(A_g) candidate        o = σ(A_o)   output gate
        c_t = f ⊙ c_{t−1} + i ⊙ g      h_t = o ⊙ tanh(c_t)

    Shapes: x (N, T, D), W_x (D, 4H), W_h (H, 4H), b (4H), hs (N, T, H); c_0 = h_0 = 0.
    ``forget_bias`` is added to b's f block at the start (0 by default, as PyTorch; 1 is the
    classic advice: remember by default).

    Backward (BPTT), dh = ∂L/∂h_t, dc = ∂L/∂c_t coming from step t+1:
        do = dh ⊙ tanh(c_t)              dc += dh ⊙ o ⊙ (1 − tanh²(c_t))
        di = dc ⊙ g,  dg = dc ⊙ i,  df = dc ⊙ c_{t−1},  and dc_{t−1} = dc ⊙ f
        dA = [di·i(1−i), df·f(1−f), dg·(1−g²), do·o(1−o)],  dh_{t−1} = dA W_hᵀ
    The cell's path back, dc_{t−1} = dc ⊙ f, has no W_h and no squashing derivative: with f
    near 1 the gradient crosses many steps intact — why an LSTM remembers.
    """

    GATES = 4

    def __init__(self, input_size: int, hidden_size: int, *, forget_bias: float = 0.0,
                 init="xavier", rng=None, dtype=np.float32):
        super().__init__(input_size, hidden_size, init=init, rng=rng, dtype=dtype)
        self.forget_bias = float(forget_bias)
        b = np.zeros(4 * hidden_size, dtype=dtype)
        b[hidden_size:2 * hidden_size] = self.forget_bias
        self.b = Parameter(b, "b")                                            # (4H,)

    def forward(self, x):
        x = self.sequence(x)                                      # (N, T, D)
        n, t_max, _ = x.shape
        h_size = self.hidden_size
        ax = x @ self.Wx.data + self.b.data                       # (N, T, 4H): input part, all steps
        gates = np.empty_like(ax)                                 # i, f, g, o after σ / tanh
        cs = np.empty((n, t_max, h_size), dtype=ax.dtype)
        hs = np.empty_like(cs)
        h = np.zeros((n, h_size), dtype=ax.dtype)
        c = np.zeros_like(h)
        for t in range(t_max):
            a = ax[:, t] + h @ self.Wh.data                       # (N, 4H)
            i, f = sigmoid(a[:, :h_size]), sigmoid(a[:, h_size:2 * h_size])
            g, o = np.tanh(a[:, 2 * h_size:3 * h_size]), sigmoid(a[:, 3 * h_size:])
            c = f * c + i * g                                     # (N, H)
            h = o * np.tanh(c)
            gates[:, t] = np.concatenate([i, f, g, o], axis=1)
            cs[:, t], hs[:, t] = c, h
        self._cache = (x, gates, cs, hs)
        return hs.copy()

    def backward(self, dhs):
        x, gates, cs, hs = self.cached()
        dhs = check_dy(self, dhs, hs.shape)                       # (N, T, H)
        n, t_max, h_size = hs.shape
        da = np.empty_like(gates)                                 # ∂L/∂A_t, (N, T, 4H)
        dh_all = np.empty_like(hs)
        dh_next = np.zeros((n, h_size), dtype=hs.dtype)
        dc_next = np.zeros_like(dh_next)
        for t in reversed(range(t_max)):
            i, f, g, o = np.split(gates[:, t], 4, axis=1)
            c_prev = cs[:, t - 1] if t > 0 else np.zeros_like(dh_next)
            dh = dhs[:, t] + dh_next
            dh_all[:, t] = dh
            tanh_c = np.tanh(cs[:, t])
            dc = dc_next + dh * o * (1 - tanh_c ** 2)
            da[:, t] = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f),
                                       dc * i * (1 - g ** 2), dh * tanh_c * o * (1 - o)], axis=1)
            dc_next = dc * f
            dh_next = da[:, t] @ self.Wh.data.T
        h_prev = np.concatenate([np.zeros_like(hs[:, :1]), hs[:, :-1]], axis=1)   # (N, T, H)
        self.Wx.grad += x.reshape(-1, x.shape[2]).T @ da.reshape(-1, 4 * h_size)
        self.Wh.grad += h_prev.reshape(-1, h_size).T @ da.reshape(-1, 4 * h_size)
        self.b.grad += da.sum(axis=(0, 1))
        self.grad_hidden = dh_all
        return da @ self.Wx.data.T                                # (N, T, D)

    def config(self) -> dict:
        return {**super().config(), "forget_bias": self.forget_bias}
