"""Recurrent layers (Day 3 preview): the vanilla RNN, and what every recurrent layer shares.

A recurrent layer reads a sequence x of shape (N, T, D) — N sequences, T time steps, D features —
and returns every hidden state, hs of shape (N, T, H). The initial state h_0 is zero. Its backward
runs backpropagation through time (BPTT): from t = T down to 1, the gradient reaching h_t is the
part from the output at t plus the part that flows back from h_{t+1}.

The weights follow the course (and CS231n): x_t W_x with W_x of shape (D, k·H) and h W_h with W_h of
shape (H, k·H), where k is the number of gates (RNN 1, GRU 3, LSTM 4), stacked along the last axis.
PyTorch stores the transposes: weight_ih = W_xᵀ, weight_hh = W_hᵀ.
"""

from __future__ import annotations

import numpy as np

from ..checks import as_rng, one_of, positive_int
from ..errors import ShapeError, shape_str
from ..init import resolve
from ..parameter import Parameter
from .base import Layer, check_dy


def sigmoid(a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(a) = 1 / (1 + e^{−a}), written into ``out`` when given (the gates are the hot loop of an
    LSTM: no new arrays). For a very negative, e^{−a} overflows to inf and σ = 1/inf = 0 exactly,
    so the overflow is silenced, not an error. Keeps the dtype.

    A non-contiguous ``out`` is filled from a contiguous result: NumPy 2.4's float32 ``exp`` written
    in place into a strided view whose rows hold one value (an LSTM's gate slice with hidden_size 1)
    returns numbers read from the wrong place (found by the PyTorch parity test; see
    test_recurrent.py::test_a_hidden_size_of_one_in_float32)."""
    if out is not None and not out.flags.c_contiguous:
        out[...] = sigmoid(a)
        return out
    with np.errstate(over="ignore"):
        s = np.negative(a, out=out)
        np.exp(s, out=s)
    s += 1
    return np.reciprocal(s, out=s)


class Recurrent(Layer):
    """Shared parts: sizes, the stacked weights W_x (D, k·H) and W_h (H, k·H), input checks.

    ``init`` as for Linear ("xavier" — N(0, 1/fan_in) — by default, "he", a float std) or
    "orthogonal"; each gate's (D, H) and (H, H) block is drawn on its own, so an orthogonal W_h
    is orthogonal gate by gate. After a backward, ``grad_hidden`` holds ∂L/∂h_t, shape (N, T, H):
    how much gradient reached each time step (the vanishing gradient through time).
    """

    GATES = 1

    def __init__(self, input_size: int, hidden_size: int, *, init="xavier", rng=None,
                 dtype=np.float32):
        super().__init__()
        name = type(self).__name__
        self.input_size = positive_int(f"{name}: input_size", input_size)
        self.hidden_size = positive_int(f"{name}: hidden_size", hidden_size)
        self.init = init
        make, rng = resolve(init), as_rng(rng)
        d, h, k = input_size, hidden_size, self.GATES
        self.Wx = Parameter(np.concatenate([make((d, h), rng=rng, dtype=dtype) for _ in range(k)], axis=1),
                            "Wx", is_weight=True)                                    # (D, k·H)
        self.Wh = Parameter(np.concatenate([make((h, h), rng=rng, dtype=dtype) for _ in range(k)], axis=1),
                            "Wh", is_weight=True)                                    # (H, k·H)
        self.grad_hidden = None

    def sequence(self, x) -> np.ndarray:
        """x as (N, T, D) in the parameters' dtype, or ShapeError."""
        x = np.asarray(x)
        if x.ndim != 3 or x.shape[2] != self.input_size or 0 in x.shape:
            raise ShapeError(f"{type(self).__name__} expected input (N, T, {self.input_size}) with "
                             f"N, T >= 1; got {shape_str(x.shape)}")
        return x.astype(self.Wx.data.dtype, copy=False)

    def config(self) -> dict:
        return {"input_size": self.input_size, "hidden_size": self.hidden_size, "init": self.init,
                "dtype": np.dtype(self.Wx.data.dtype).name}


class RNN(Recurrent):
    """The vanilla (Elman) RNN:  h_t = φ(x_t W_x + h_{t−1} W_h + b),  φ = tanh or ReLU.

    Shapes: x (N, T, D), W_x (D, H), W_h (H, H), b (H), hs (N, T, H).
    Backward (BPTT), with dh_t = ∂L/∂h_t (from the output at t and from h_{t+1}):
        da_t = dh_t ⊙ φ'(a_t)                  (tanh: 1 − h_t²;  ReLU: [a_t > 0])
        ∂L/∂W_x += x_tᵀ da_t,  ∂L/∂W_h += h_{t−1}ᵀ da_t,  ∂L/∂b += Σ_n da_t
        ∂L/∂x_t = da_t W_xᵀ,   the part of dh_{t−1} from step t = da_t W_hᵀ
    Each step back multiplies the gradient by W_hᵀ and by φ' ≤ 1: over many steps it vanishes
    (or, when W_h is large, explodes).
    """

    def __init__(self, input_size: int, hidden_size: int, nonlinearity: str = "tanh", *,
                 init="xavier", rng=None, dtype=np.float32):
        super().__init__(input_size, hidden_size, init=init, rng=rng, dtype=dtype)
        self.nonlinearity = one_of("RNN: nonlinearity", nonlinearity, ("tanh", "relu"))
        self.b = Parameter(np.zeros(hidden_size, dtype=dtype), "b")                  # (H,)

    def forward(self, x):
        x = self.sequence(x)                                     # (N, T, D)
        n, t_max, _ = x.shape
        a = x @ self.Wx.data + self.b.data                       # (N, T, H): the input part, all steps
        hs = np.empty_like(a)
        h = np.zeros((n, self.hidden_size), dtype=a.dtype)       # h_0 = 0
        for t in range(t_max):
            a[:, t] += h @ self.Wh.data                          # a_t = x_t W_x + b + h_{t−1} W_h
            h = np.tanh(a[:, t]) if self.nonlinearity == "tanh" else np.maximum(a[:, t], 0)
            hs[:, t] = h
        self._cache = (x, hs)
        return hs.copy()

    def backward(self, dhs):
        x, hs = self.cached()
        dhs = check_dy(self, dhs, hs.shape)                      # (N, T, H)
        n, t_max, h_size = hs.shape
        da = np.empty_like(hs)                                   # ∂L/∂a_t for every t
        dh_all = np.empty_like(hs)
        dh_next = np.zeros((n, h_size), dtype=hs.dtype)
        for t in reversed(range(t_max)):
            dh = dhs[:, t] + dh_next                             # from the output and from h_{t+1}
            dh_all[:, t] = dh
            da[:, t] = dh * (1 - hs[:, t] ** 2) if self.nonlinearity == "tanh" else dh * (hs[:, t] > 0)
            dh_next = da[:, t] @ self.Wh.data.T
        h_prev = np.concatenate([np.zeros_like(hs[:, :1]), hs[:, :-1]], axis=1)   # h_{t−1}: (N, T, H)
        self.Wx.grad += x.reshape(-1, x.shape[2]).T @ da.reshape(-1, h_size)
        self.Wh.grad += h_prev.reshape(-1, h_size).T @ da.reshape(-1, h_size)
        self.b.grad += da.sum(axis=(0, 1))
        self.grad_hidden = dh_all
        return da @ self.Wx.data.T                               # (N, T, D)

    def config(self) -> dict:
        return {**super().config(), "nonlinearity": self.nonlinearity}


class LastStep(Layer):
    """(N, T, H) → (N, H): the last hidden state, for many-to-one heads (classify a sequence).
    Backward: the gradient goes to step T only; every earlier step gets zero from here."""

    def forward(self, x):
        x = np.asarray(x)
        if x.ndim != 3:
            raise ShapeError(f"LastStep expected input (N, T, H); got {shape_str(x.shape)}")
        self._cache = x.shape
        return x[:, -1].copy()

    def backward(self, dy):
        shape = self.cached()
        dy = check_dy(self, dy, (shape[0], shape[2]))
        dx = np.zeros(shape, dtype=dy.dtype)
        dx[:, -1] = dy
        return dx
