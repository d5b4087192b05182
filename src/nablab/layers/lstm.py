"""LSTM: a cell state c carried forward by multiplication with the forget gate, not by W_h."""

from __future__ import annotations

import numpy as np

from ..parameter import Parameter
from .base import check_dy
from .recurrent import Recurrent, sigmoid


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
        hh = self.hidden_size
        # Inside, time comes first — (T, N, ·) — so that each step's arrays are contiguous.
        ax = x.transpose(1, 0, 2) @ self.Wx.data + self.b.data    # (T, N, 4H): input part, all steps
        gates = np.empty_like(ax)                                 # i, f, g, o after σ / tanh
        cs = np.empty((t_max, n, hh), dtype=ax.dtype)             # c_t
        tanh_cs, hs = np.empty_like(cs), np.empty_like(cs)        # tanh(c_t), h_t
        h, c = np.zeros((n, hh), dtype=ax.dtype), np.zeros((n, hh), dtype=ax.dtype)
        for t in range(t_max):
            a = h @ self.Wh.data
            a += ax[t]                                            # A_t: (N, 4H)
            gate = gates[t]
            sigmoid(a[:, :2 * hh], out=gate[:, :2 * hh])          # i, f = σ(A_i), σ(A_f)
            np.tanh(a[:, 2 * hh:3 * hh], out=gate[:, 2 * hh:3 * hh])     # g = tanh(A_g)
            sigmoid(a[:, 3 * hh:], out=gate[:, 3 * hh:])          # o = σ(A_o)
            i, f, g, o = (gate[:, k * hh:(k + 1) * hh] for k in range(4))
            c = np.multiply(f, c, out=cs[t])
            c += i * g                                            # c_t = f ⊙ c_{t−1} + i ⊙ g: (N, H)
            np.tanh(c, out=tanh_cs[t])
            h = np.multiply(o, tanh_cs[t], out=hs[t])             # h_t = o ⊙ tanh(c_t)
        self._cache = (x, gates, cs, tanh_cs, hs)
        return hs.transpose(1, 0, 2).copy()                       # (N, T, H)

    def backward(self, dhs):
        x, gates, cs, tanh_cs, hs = self.cached()                 # time-major: (T, N, ·)
        t_max, n, hh = hs.shape
        dhs = check_dy(self, dhs, (n, t_max, hh)).transpose(1, 0, 2)             # (T, N, H)
        i, f, g, o = (gates[..., k * hh:(k + 1) * hh] for k in range(4))        # (T, N, H) each
        c_prev = np.concatenate([np.zeros_like(cs[:1]), cs[:-1]])
        # The factors of dA that do not depend on the gradient, for every step at once:
        # dA = [dc·g·i(1−i), dc·c_{t−1}·f(1−f), dc·i·(1−g²), dh·tanh(c)·o(1−o)]
        factor = np.concatenate([g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g * g),
                                 tanh_cs * o * (1 - o)], axis=2)                 # (T, N, 4H)
        cell_path = o * (1 - tanh_cs * tanh_cs)                   # ∂c_t/∂h_t's share: o·(1 − tanh²c)
        da = np.empty_like(gates)                                 # ∂L/∂A_t, (T, N, 4H)
        dh_all = np.empty_like(hs)
        dh_next = np.zeros((n, hh), dtype=hs.dtype)
        dc_next = np.zeros_like(dh_next)
        for t in reversed(range(t_max)):
            dh = np.add(dhs[t], dh_next, out=dh_all[t])           # from the output and from step t+1
            dc = dc_next + dh * cell_path[t]
            d = da[t].reshape(n, 4, hh)
            np.multiply(dc[:, None], factor[t, :, :3 * hh].reshape(n, 3, hh), out=d[:, :3])
            np.multiply(dh, factor[t, :, 3 * hh:], out=d[:, 3])
            dc_next = dc * f[t]                                   # the cell path: × f, no W_h
            dh_next = da[t] @ self.Wh.data.T
        h_prev = np.concatenate([np.zeros_like(hs[:1]), hs[:-1]])                # (T, N, H)
        x_tm = x.transpose(1, 0, 2).reshape(-1, x.shape[2])       # (T·N, D), time-major like da
        self.Wx.grad += x_tm.T @ da.reshape(-1, 4 * hh)
        self.Wh.grad += h_prev.reshape(-1, hh).T @ da.reshape(-1, 4 * hh)
        self.b.grad += da.sum(axis=(0, 1))
        self.grad_hidden = dh_all.transpose(1, 0, 2)              # (N, T, H)
        return (da @ self.Wx.data.T).transpose(1, 0, 2)           # (N, T, D)

    def config(self) -> dict:
        return {**super().config(), "forget_bias": self.forget_bias}
