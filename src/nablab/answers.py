"""Answers to the confirmation tests (確認テスト) and example challenges (例題チャレンジ),
computed by nablab where they can be: each function returns the numbers and the code run.
The one home of these computations: the report shows them (report/answers.py) and the drill's
numeric questions are proven with them (drill/values.py)."""

from __future__ import annotations

import numpy as np

from . import functional as F
from . import models, optim
from .layers import Conv2d, Dropout, SoftmaxCrossEntropy
from .parameter import Parameter
from .train import train_step


def chain_rule(x: float = 1.5, y: float = -0.5, h: float = 1e-6) -> dict:
    """z = t², t = x + y: dz/dx = 2t · 1 = 2(x + y), checked by a central difference."""
    z = lambda xx: (xx + y) ** 2                                   # noqa: E731
    numeric = (z(x + h) - z(x - h)) / (2 * h)
    return {"x": x, "y": y, "analytic": 2 * (x + y), "numeric": numeric,
            "code": f"y = {y}\nz = lambda x: (x + y) ** 2\n"
                    f"(z({x} + 1e-6) - z({x} - 1e-6)) / 2e-6  # → {numeric:.6f}"}


def sigmoid_derivative_max() -> dict:
    u = np.linspace(-10, 10, 200001)
    s = F.sigmoid(u)
    d = s * (1 - s)
    return {"max": float(d.max()), "at": float(u[d.argmax()]),
            "code": "u = np.linspace(-10, 10, 200001); s = nl.functional.sigmoid(u)\n"
                    f"d = s * (1 - s); d.max(), u[d.argmax()]  # → ({d.max():.6f}, {u[d.argmax()]:.4f})"}


DELTA_CODE = """\
z1 = sigmoid(x @ W1 + b1)                       # (N, 5)  forward, as in 1_3
y = softmax(z1 @ W2 + b2)                       # (N, 3)
delta2 = (y - np.eye(3)[d]) / len(x)            # δ⁽²⁾ = ∂E/∂u⁽²⁾ of softmax + cross-entropy (mean)
dW2, db2 = z1.T @ delta2, delta2.sum(axis=0)    # ∂E/∂W⁽²⁾ = z⁽¹⁾ᵀ δ⁽²⁾
delta1 = delta2 @ W2.T * z1 * (1 - z1)          # δ⁽¹⁾ = δ⁽²⁾ W⁽²⁾ᵀ ⊙ f′(u⁽¹⁾), f′ = z(1 − z)
dW1, db1 = x.T @ delta1, delta1.sum(axis=0)     # ∂E/∂W⁽¹⁾ = xᵀ δ⁽¹⁾
"""


def delta_recursion() -> dict:
    """Backpropagation written out with the δ recursion (DELTA_CODE, the course's 1_3 backward for
    a sigmoid net) against nablab's layers' backward on the same 4-5-3 net and batch: the largest
    difference over dW1, db1, dW2, db2."""
    rng = np.random.default_rng(0)
    x, d = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    net, loss = models.mlp(4, [5], 3, activation="sigmoid", rng=0, dtype=np.float64), SoftmaxCrossEntropy()
    loss.forward(net.forward(x), d)
    net.backward(loss.backward())
    first, second = net[0], net[2]
    ns = {"np": np, "x": x, "d": d, "sigmoid": F.sigmoid, "softmax": F.softmax,
          "W1": first.W.data, "b1": first.b.data, "W2": second.W.data, "b2": second.b.data}
    exec(DELTA_CODE, ns)                                            # the code shown in the report
    pairs = (("dW1", first.W), ("db1", first.b), ("dW2", second.W), ("db2", second.b))
    return {"code": DELTA_CODE, "max_diff": max(float(np.abs(ns[k] - p.grad).max()) for k, p in pairs)}


def dropout_scalings(p: float = 0.3, n: int = 1_000_000) -> dict:
    """The course's dropout (mask in training, × (1 − p) at test) and the inverted one (mask / (1 − p)
    in training, unchanged at test) on inputs of 1: the mean output in training and at test."""
    x = np.ones(n)
    out = {}
    for name, inverted in (("course", False), ("inverted", True)):
        layer = Dropout(p, inverted=inverted, rng=0)
        train = float(layer.forward(x).mean())
        out[name] = {"train": train, "test": float(layer.eval().forward(x).mean())}
    return {"p": p, **out, "code": "mask = rng.random(x.shape) >= p      # keep with probability 1 − p\n"
                                   "y = x * mask            # course: training;  y = x * (1 - p)  at test\n"
                                   "y = x * mask / (1 - p)  # inverted: training;  y = x          at test"}


def zero_initialization(steps: int = 50) -> dict:
    """All weights 0: every hidden unit gets the same gradient, so they stay identical."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 8))
    t = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0).astype(int)
    net = models.mlp(8, [6], 3, activation="sigmoid", rng=0, dtype=np.float64)
    for p in net.parameters():
        p.data[...] = 0.0
    loss, opt = SoftmaxCrossEntropy(), optim.SGD(net.parameters(), lr=0.5)
    for _ in range(steps):
        train_step(net, loss, opt, x, t)
    w1 = net[0].W.data                                             # (8 inputs, 6 hidden units)
    spread = float(np.abs(w1 - w1[:, :1]).max())                   # 0 ⇔ all columns equal
    moved = float(np.abs(w1).max())
    return {"steps": steps, "spread": spread, "moved": moved,
            "code": "net = nl.models.mlp(8, [6], 3, activation='sigmoid', dtype=np.float64)\n"
                    "for p in net.parameters(): p.data[...] = 0   # then 50 SGD steps\n"
                    f"W1 = net[0].W.data; abs(W1 - W1[:, :1]).max()  # → {spread:g} (weights moved up to {moved:.3f})"}


def ridge_shrinks(lams=(0.0, 1.0, 10.0, 100.0, 1e4)) -> dict:
    """Ridge regression w = (XᵀX + λI)⁻¹ Xᵀy: a larger λ pulls every weight towards 0."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 3))
    y = x @ np.array([2.0, -1.0, 0.5]) + 0.1 * rng.standard_normal(50)
    rows = [(lam, np.linalg.solve(x.T @ x + lam * np.eye(3), x.T @ y)) for lam in lams]
    return {"rows": [(lam, w.tolist(), float(np.linalg.norm(w))) for lam, w in rows]}


def lasso_vs_ridge(lam: float = 2.0, steps: int = 5000, lr: float = 0.01) -> dict:
    """Minimise (w₁ − 1)²·0.5 + (w₂ − 3)² + penalty: L1 puts w₁ exactly at 0, L2 only shrinks it."""
    target, scale = np.array([1.0, 3.0]), np.array([0.5, 1.0])
    out = {}
    for name, reg in (("L1 (Lasso)", optim.L1(lam)), ("L2 (Ridge)", optim.L2(lam))):
        w = Parameter(np.array([0.5, 0.5]), "W", is_weight=True)
        for _ in range(steps):
            w.grad[...] = 2 * scale * (w.data - target)
            if isinstance(reg, optim.L1):                          # proximal step: exact zeros
                w.data[...] -= lr * w.grad
                w.data[...] = np.sign(w.data) * np.maximum(np.abs(w.data) - lr * lam, 0)
            else:
                reg.add_gradient([w])
                w.data[...] -= lr * w.grad
        out[name] = w.data.tolist()
    return out


def conv_output_size() -> dict:
    y = Conv2d(1, 1, 2, stride=1, padding=1, rng=0).forward(np.zeros((1, 1, 6, 6), np.float32))
    return {"shape": list(y.shape[2:]), "formula": (6 + 2 * 1 - 2) // 1 + 1,
            "code": "nl.Conv2d(1, 1, 2, stride=1, padding=1).forward(np.zeros((1, 1, 6, 6))).shape\n"
                    f"# → {tuple(y.shape)}"}


def minibatch_slice(n: int = 10, batch_size: int = 4) -> dict:
    data_x, data_t = np.arange(n) * 10, np.arange(n)
    batches = []
    for i in range(0, n, batch_size):
        i_end = i + batch_size
        batch_x, batch_t = data_x[i:i_end], data_t[i:i_end]        # (き)
        batches.append((batch_x.tolist(), batch_t.tolist()))
    return {"batches": batches,
            "code": "for i in range(0, N, batch_size):\n    i_end = i + batch_size\n"
                    "    batch_x, batch_t = data_x[i:i_end], data_t[i:i_end]   # (き)"}


def regularizer_gradients(rate: float = 0.1) -> dict:
    """The example challenges' answers, `grad += rate * param` (L2) and `rate * np.sign(param)`
    (L1), equal nablab's L2 / L1 gradients."""
    param = np.array([[0.5, -2.0], [0.0, 1.5]])
    out = {}
    for name, reg, formula in (("L2", optim.L2(rate), rate * param),
                               ("L1", optim.L1(rate), rate * np.sign(param))):
        p = Parameter(param.copy(), "W", is_weight=True)
        reg.add_gradient([p])
        out[name] = {"nablab": p.grad.tolist(), "formula": formula.tolist(),
                     "equal": bool(np.allclose(p.grad, formula))}
    return out


def activation_derivatives(slope: float = 0.1) -> dict:
    """Each activation and its derivative on u ∈ [−5, 5], from nablab's layers (forward, then
    backward of ones), and each derivative's maximum: sigmoid 0.25, tanh 1, ReLU 1. The Leaky ReLU
    is drawn with slope 0.1 (instead of the usual 0.01) so that its slope is visible."""
    from .layers import LeakyReLU, ReLU, Sigmoid, Tanh
    u = np.linspace(-5, 5, 401)
    out = {"u": u.tolist(), "curves": {}}
    for name, layer in (("sigmoid", Sigmoid()), ("tanh", Tanh()), ("ReLU", ReLU()),
                        (f"Leaky ReLU ({slope})", LeakyReLU(slope))):
        y = layer.forward(u.copy())
        d = layer.backward(np.ones_like(u))
        out["curves"][name] = {"y": y.tolist(), "dy": d.tolist(), "max_dy": float(d.max())}
    return out
