"""Numeric answers, computed by nablab: a real layer's output shape, a real model's parameter
count, a derivative evaluated on a grid — never typed into the bank."""

from __future__ import annotations

import math

import numpy as np

from .. import answers, layers, models, optim
from ..functional import softmax
from ..im2col import im2col
from ..parameter import Parameter
from .proofs import Outcome


def conv_out(h, k, s, p) -> int:
    return layers.Conv2d(1, 1, k, stride=s, padding=p, rng=0).forward(np.zeros((1, 1, h, h), np.float32)).shape[2]


def sigmoid_derivative_max() -> float:
    return round(answers.sigmoid_derivative_max()["max"], 6)


def chain_rule(x: float, y: float) -> float:
    """dz/dx for z = t², t = x + y, by central differences (the confirmation test's example)."""
    return round(answers.chain_rule(x, y)["numeric"], 6)


def softmax_value(scores, k) -> float:
    return round(float(softmax(np.asarray(scores, dtype=float))[k]), 4)


def bn_output(values, k) -> float:
    """Training-mode BN of one feature (γ = 1, β = 0, the course's eps 10e-7): value k, to 4 places."""
    x = np.asarray(values, dtype=float).reshape(-1, 1)
    return round(float(layers.BatchNorm(1, eps=10e-7, dtype=np.float64).forward(x)[k, 0]), 4)


def momentum_steps(w, g, lr, mu, steps) -> float:
    """w after ``steps`` Momentum steps with a constant gradient g (nablab's optimizer)."""
    p = Parameter(np.array([float(w)]), "W")
    opt = optim.Momentum([p], lr=lr, momentum=mu)
    for _ in range(steps):
        p.grad[...] = g
        opt.step()
    return round(float(p.data[0]), 6)


def adam_first_step(w, g, lr) -> float:
    """w after Adam's first step (nablab's, the course's eps 1e-7): ≈ w − lr·sign(g) whatever |g|."""
    p = Parameter(np.array([float(w)]), "W")
    opt = optim.Adam([p], lr=lr, eps=1e-7)
    p.grad[...] = g
    opt.step()
    return round(float(p.data[0]), 6)


def l1_gradient(W, dW, lam) -> float:
    p = Parameter(np.array([float(W)]), "W", is_weight=True)
    p.grad[...] = dW
    optim.L1(lam).add_gradient([p])
    return round(float(p.grad[0]), 6)


def maxpool_value(grid, row, col) -> float:
    out = layers.MaxPool2d(2).forward(np.asarray(grid, dtype=float).reshape(1, 1, *np.shape(grid)))
    return float(out[0, 0, row, col])


def relu_backward_sum(x, dout) -> float:
    layer = layers.ReLU()
    layer.forward(np.asarray(x, dtype=float))
    return float(layer.backward(np.asarray(dout, dtype=float)).sum())


def sgd_square_step(w, lr) -> float:
    """w after one SGD step on L = w² (nablab's SGD)."""
    p = Parameter(np.array([float(w)]), "W")
    p.grad[...] = 2 * p.data
    optim.SGD([p], lr=lr).step()
    return round(float(p.data[0]), 6)


VALUES = {
    "relu_backward_sum": relu_backward_sum,
    "sgd_square_step": sgd_square_step,
    "softmax_value": softmax_value,
    "bn_output": bn_output,
    "momentum_steps": momentum_steps,
    "adam_first_step": adam_first_step,
    "l1_gradient_value": l1_gradient,
    "maxpool_value": maxpool_value,
    "mlp_params": lambda n_in, hidden, n_out: models.mlp(n_in, list(hidden), n_out, rng=0).num_parameters(),
    "simple_convnet_params": lambda: models.simple_convnet(rng=0).num_parameters(),
    "lenet_params": lambda: models.lenet(rng=0).num_parameters(),
    "conv_params": lambda c_in, c_out, k: layers.Conv2d(c_in, c_out, k, rng=0).num_parameters(),
    "conv_output_size": conv_out,
    "pool_output_size": lambda h, k, s: layers.MaxPool2d(k, stride=s).forward(np.zeros((1, 1, h, h))).shape[2],
    "im2col_rows": lambda n, c, h, k, s, p: im2col(np.zeros((n, c, h, h)), k, k, s, p).shape[0],
    "im2col_cols": lambda n, c, h, k, s, p: im2col(np.zeros((n, c, h, h)), k, k, s, p).shape[1],
    "flatten_size": lambda *shape: layers.Flatten().forward(np.zeros((1, *shape))).shape[1],
    "gap_size": lambda *shape: layers.GlobalAvgPool2d().forward(np.zeros((1, *shape))).shape[1],
    "sigmoid_derivative_max": sigmoid_derivative_max,
    "chain_rule": chain_rule,
    "l2_penalty": lambda lam, *w: optim.L2(lam).penalty([Parameter(np.asarray(w, dtype=float), "W",
                                                                   is_weight=True)]),
    "sigmoid_chain": lambda depth: round(sigmoid_derivative_max() ** depth, 12),
}


def compute_value(check: dict) -> float:
    return float(VALUES[check["value"]](*check.get("args", [])))


def prove_value(choice: str, check: dict) -> Outcome:
    value = compute_value(check)
    try:
        given = float(choice)
    except ValueError:
        return Outcome(False, f"{choice!r} is not a number", f"{choice!r} は数ではありません")
    ok = math.isclose(given, value, rel_tol=1e-6, abs_tol=1e-12)
    return Outcome(ok, f"nablab computes {value:g}" + ("" if ok else f", not {given:g}"),
                   f"nablab の計算では {value:g}" + ("" if ok else f"（{given:g} ではありません）"))
