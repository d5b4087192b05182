"""GRU: two gates, no separate cell; the new state mixes the old one and a candidate."""

from __future__ import annotations

import numpy as np

from ..parameter import Parameter
from .base import check_dy
from .recurrent import Recurrent, sigmoid


class GRU(Recurrent):
    """Gated recurrent unit, in PyTorch's form (gates r, z, n along the 3H axis):

        r = σ(x_t W_xr + bx_r + h_{t−1} W_hr + bh_r)          reset gate
        z = σ(x_t W_xz + bx_z + h_{t−1} W_hz + bh_z)          update gate
        n = tanh(x_t W_xn + bx_n + r ⊙ (h_{t−1} W_hn + bh_n))  candidate
        h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}

    The reset gate multiplies h W_hn + bh_n, after the product — so GRU needs two biases, bx and
    bh (3H each). The textbook form (Cho et al. 2014; d2l) applies r before: tanh(x W_xn +
    (r ⊙ h) W_hn + b_n); docs/conventions.md shows both, and a test shows they differ.
    Shapes: x (N, T, D), W_x (D, 3H), W_h (H, 3H), bx, bh (3H), hs (N, T, H).

    Backward, dh = ∂L/∂h_t (from the output and from step t+1), hn = h_{t−1} W_hn + bh_n:
        dn = dh ⊙ (1 − z),  dz = dh ⊙ (h_{t−1} − n),  dA_n = dn ⊙ (1 − n²)
        dr = dA_n ⊙ hn,  dA_r = dr ⊙ r(1−r),  dA_z = dz ⊙ z(1−z)
        input side: [dA_r, dA_z, dA_n];   hidden side: [dA_r, dA_z, dA_n ⊙ r]
        dh_{t−1} = dh ⊙ z + (hidden side) W_hᵀ
    """

    GATES = 3

    def __init__(self, input_size: int, hidden_size: int, *, init="xavier", rng=None,
                 dtype=np.float32):
        super().__init__(input_size, hidden_size, init=init, rng=rng, dtype=dtype)
        self.bx = Parameter(np.zeros(3 * hidden_size, dtype=dtype), "bx")      # (3H,)
        self.bh = Parameter(np.zeros(3 * hidden_size, dtype=dtype), "bh")      # (3H,)

    def forward(self, x):
        x = self.sequence(x)                                      # (N, T, D)
        n_seq, t_max, _ = x.shape
        hs_ = self.hidden_size
        ax = x @ self.Wx.data + self.bx.data                      # (N, T, 3H): input part, all steps
        gates = np.empty_like(ax)                                 # r, z, n
        hn_all = np.empty((n_seq, t_max, hs_), dtype=ax.dtype)    # h_{t−1} W_hn + bh_n
        hs = np.empty_like(hn_all)
        h = np.zeros((n_seq, hs_), dtype=ax.dtype)
        for t in range(t_max):
            ah = h @ self.Wh.data + self.bh.data                  # (N, 3H)
            gate = gates[:, t]
            gate[:, :2 * hs_] = sigmoid(ax[:, t, :2 * hs_] + ah[:, :2 * hs_])     # r, z
            r, z = gate[:, :hs_], gate[:, hs_:2 * hs_]
            hn_all[:, t] = ah[:, 2 * hs_:]
            gate[:, 2 * hs_:] = np.tanh(ax[:, t, 2 * hs_:] + r * hn_all[:, t])     # n
            h = gate[:, 2 * hs_:] + z * (h - gate[:, 2 * hs_:])   # (1 − z) n + z h
            hs[:, t] = h
        self._cache = (x, gates, hn_all, hs)
        return hs.copy()

    def backward(self, dhs):
        x, gates, hn_all, hs = self.cached()
        dhs = check_dy(self, dhs, hs.shape)                       # (N, T, H)
        n_seq, t_max, hs_ = hs.shape
        r, z, n = (gates[..., k * hs_:(k + 1) * hs_] for k in range(3))          # (N, T, H) each
        h_prev_all = np.concatenate([np.zeros_like(hs[:, :1]), hs[:, :-1]], axis=1)
        # Factors that do not depend on the gradient, for every step at once:
        to_an = (1 - z) * (1 - n * n)                             # dA_n = dh ⊙ (1 − z)(1 − n²)
        to_ar = hn_all * r * (1 - r)                              # dA_r = dA_n ⊙ hn ⊙ r(1 − r)
        to_az = (h_prev_all - n) * z * (1 - z)                    # dA_z = dh ⊙ (h_{t−1} − n) z(1 − z)
        dax = np.empty_like(gates)                                # input side [dA_r, dA_z, dA_n]
        dah = np.empty_like(gates)                                # hidden side [dA_r, dA_z, dA_n ⊙ r]
        dh_all = np.empty_like(hs)
        dh_next = np.zeros((n_seq, hs_), dtype=hs.dtype)
        for t in reversed(range(t_max)):
            dh = dhs[:, t] + dh_next                              # from the output and from step t+1
            dh_all[:, t] = dh
            dan = dh * to_an[:, t]
            dax[:, t, :hs_] = dah[:, t, :hs_] = dan * to_ar[:, t]
            dax[:, t, hs_:2 * hs_] = dah[:, t, hs_:2 * hs_] = dh * to_az[:, t]
            dax[:, t, 2 * hs_:] = dan
            dah[:, t, 2 * hs_:] = dan * r[:, t]
            dh_next = dh * z[:, t] + dah[:, t] @ self.Wh.data.T
        self.Wx.grad += x.reshape(-1, x.shape[2]).T @ dax.reshape(-1, 3 * hs_)
        self.Wh.grad += h_prev_all.reshape(-1, hs_).T @ dah.reshape(-1, 3 * hs_)
        self.bx.grad += dax.sum(axis=(0, 1))
        self.bh.grad += dah.sum(axis=(0, 1))
        self.grad_hidden = dh_all
        return dax @ self.Wx.data.T                               # (N, T, D)
