"""Probes: what the checker asks of one component, and what it writes down.

A probe takes the learner's class or function, calls it the way the course's code does (fixed and
random inputs, float64 and float32, several steps, repeated calls) and records every result under a
key, in order: ``forward(x).out``, ``backward(dout).dx``, ``step 3: params['W']``,
``x unchanged by forward`` … The same probe runs on nablab's reference (reference.py) to give the
expected behaviour, and on each known mistake (catalogue.py) to recognise it; judge.py compares.

Probes run in the child process for the learner's code (sandbox.py) and here for nablab's own code.
Every input is made from a fixed seed, so the two sides see the same numbers; ``np.random`` is seeded
before each call for the code that draws from it (Dropout, the nets' initial weights).
"""

from __future__ import annotations

import numpy as np

from .recorder import Recorder, as_array, rng, unchanged


# -- functions ----------------------------------------------------------------------------------------

def numerical_gradient(fn, rec: Recorder) -> None:
    """f(x) = Σ c·x³ + Σ x (a gradient 3c·x² + 1 that a forward difference gets visibly wrong)."""
    for name, shape in (("x (3, 4)", (3, 4)), ("x (5,)", (5,))):
        x = rng(1).standard_normal(shape)
        c = np.linspace(0.5, 2.0, x.size).reshape(shape)
        before = x.copy()
        grad = rec.call(f"numerical_gradient(f, {name})", fn, lambda w: float(np.sum(c * w ** 3) + np.sum(w)), x)
        rec.put(f"numerical_gradient(f, {name})", as_array(grad))
        unchanged(rec, f"{name} restored after numerical_gradient", before, x)


def im2col(fn, rec: Recorder) -> None:
    for shape, k, s, p in (((2, 1, 4, 4), 3, 1, 0), ((2, 3, 5, 5), 3, 1, 1), ((1, 2, 6, 6), 2, 2, 0),
                           ((3, 2, 7, 7), 3, 2, 1)):
        x = rng(2).standard_normal(shape)
        before = x.copy()
        key = f"im2col(x {shape}, {k}, {k}, stride={s}, pad={p})"
        rec.put(key, as_array(rec.call(key, fn, x, k, k, s, p)))
        unchanged(rec, f"x unchanged by {key}", before, x)
    x32 = rng(2).standard_normal((2, 3, 5, 5)).astype(np.float32)
    key = "im2col(x float32 (2, 3, 5, 5), 3, 3, stride=1, pad=1)"
    rec.put(key, as_array(rec.call(key, fn, x32, 3, 3, 1, 1)))


def col2im(fn, rec: Recorder) -> None:
    for shape, k, s, p in (((2, 1, 4, 4), 3, 1, 0), ((2, 3, 5, 5), 3, 1, 1), ((1, 2, 6, 6), 2, 2, 0),
                           ((3, 2, 7, 7), 3, 2, 1)):
        n, c, h, w = shape
        oh, ow = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        col = rng(3).standard_normal((n * oh * ow, c * k * k))
        key = f"col2im(col {col.shape}, {shape}, {k}, {k}, stride={s}, pad={p})"
        rec.put(key, as_array(rec.call(key, fn, col, shape, k, k, s, p)))


def l2_gradient(fn, rec: Recorder) -> None:
    _penalty(fn, rec, "l2_gradient")


def l1_gradient(fn, rec: Recorder) -> None:
    _penalty(fn, rec, "l1_gradient")


def _penalty(fn, rec: Recorder, name: str) -> None:
    W, dW = rng(4).standard_normal((3, 4)), rng(5).standard_normal((3, 4))
    for lam in (0.1, 0.005):
        before = (W.copy(), dW.copy())
        key = f"{name}(W, dW, {lam})"
        rec.put(key, as_array(rec.call(key, fn, W, dW, lam)))
        unchanged(rec, f"W and dW unchanged by {key}", np.stack(before), np.stack((W, dW)))


# -- layers -------------------------------------------------------------------------------------------

def _layer_pass(rec: Recorder, layer, x, dout, label: str, *, forward_args=()) -> None:
    """forward(x) then backward(dout), with the output, dx and x's integrity recorded."""
    before = x.copy()
    rec.put(f"forward({label}).out", as_array(rec.call(f"forward({label})", layer.forward, x, *forward_args)))
    unchanged(rec, f"x unchanged by forward({label})", before, x)
    rec.put(f"backward(dout) after forward({label}).dx", as_array(
        rec.call(f"backward(dout) after forward({label})", layer.backward, dout.copy())))


def relu(cls, rec: Recorder) -> None:
    layer = rec.call("Relu()", cls)
    for seed, shape in ((6, (4, 5)), (7, (3, 2, 4))):          # a second call: a new mask
        x, dout = rng(seed).standard_normal(shape), rng(seed + 10).standard_normal(shape) + 2
        _layer_pass(rec, layer, x, dout, f"x {shape}")
    x32 = rng(8).standard_normal((4, 5)).astype(np.float32)
    rec.put("forward(x float32 (4, 5)).out", as_array(rec.call("forward(x float32)", layer.forward, x32)))


def sigmoid(cls, rec: Recorder) -> None:
    layer = rec.call("Sigmoid()", cls)
    for seed, shape in ((6, (4, 5)), (7, (3, 6))):
        x, dout = rng(seed).standard_normal(shape) * 3, rng(seed + 10).standard_normal(shape)
        _layer_pass(rec, layer, x, dout, f"x {shape}")
    x32 = (rng(8).standard_normal((4, 5)) * 3).astype(np.float32)
    rec.put("forward(x float32 (4, 5)).out", as_array(rec.call("forward(x float32)", layer.forward, x32)))


def affine(cls, rec: Recorder) -> None:
    for seed, xshape, wshape in ((9, (5, 3), (3, 2)), (10, (2, 2, 2, 2), (8, 3))):   # the second: a 4-D input
        W, b = rng(seed).standard_normal(wshape), rng(seed + 1).standard_normal(wshape[1])
        layer = rec.call("Affine(W, b)", cls, W, b)
        x = rng(seed + 2).standard_normal(xshape)
        dout = rng(seed + 3).standard_normal((xshape[0], wshape[1]))
        label = f"x {xshape}, W {wshape}"
        _layer_pass(rec, layer, x, dout, label)
        rec.attr(f"dW after backward ({label})", layer, "dW")
        rec.attr(f"db after backward ({label})", layer, "db")
    W, b = rng(9).standard_normal((3, 2)).astype(np.float32), np.zeros(2, np.float32)
    layer = rec.call("Affine(W float32, b float32)", cls, W, b)
    x32 = rng(11).standard_normal((5, 3)).astype(np.float32)
    rec.put("forward(x float32 (5, 3)).out", as_array(rec.call("forward(x float32)", layer.forward, x32)))


def softmax_with_loss(cls, rec: Recorder) -> None:
    layer = rec.call("SoftmaxWithLoss()", cls)
    x = rng(12).standard_normal((4, 3))
    ids = np.array([0, 2, 1, 2])
    for label, t in (("one-hot t", np.eye(3)[ids]), ("label t", ids)):
        rec.put(f"forward(x, {label}) loss", as_array(rec.call(f"forward(x, {label})", layer.forward, x, t)))
        rec.put(f"backward() after forward(x, {label}).dx", as_array(
            rec.call(f"backward() after forward(x, {label})", layer.backward)))
    big = np.array([[1000.0, 999.0, 998.0], [-1000.0, 0.0, 5.0]])       # large scores: exp overflows
    rec.put("forward(large x, label t) loss", as_array(
        rec.call("forward(large x, label t)", layer.forward, big, np.array([0, 2]))))
    far = np.array([[0.0, 800.0, 0.0], [3.0, 1.0, 0.0]])                # y[correct] is exactly 0
    rec.put("forward(x with y[n, t] = 0, label t) loss", as_array(
        rec.call("forward(x with y[n, t] = 0, label t)", layer.forward, far, np.array([0, 0]))))
    spread = np.array([[1000.0, 999.0, 998.0], [1.0, 2.0, 3.0]])        # rows far apart
    rec.put("forward(rows of different scale, label t) loss", as_array(
        rec.call("forward(rows of different scale, label t)", layer.forward, spread, np.array([0, 2]))))
    rec.put("backward() after forward(rows of different scale).dx", as_array(
        rec.call("backward() after forward(rows of different scale)", layer.backward)))


def dropout(cls, rec: Recorder) -> None:
    """Recorded as what any mask would show: the share kept, the scale of the kept values, what
    backward lets through and the test-time scale (the learner's mask need not be np.random.rand's)."""
    ratio = 0.3
    layer = rec.call(f"Dropout({ratio})", cls, ratio)
    x = np.ones((200, 500)) * 2.0
    np.random.seed(0)
    out = as_array(rec.call("forward(x, train_flg=True)", layer.forward, x, True))
    if out.shape != x.shape:
        rec.put("forward(x, train_flg=True).shape", np.array(out.shape))
        return
    kept = out != 0
    rec.put("forward(x, train_flg=True): share of units kept", kept.mean())
    rec.put("forward(x, train_flg=True): scale of the kept units", _scale(out[kept], x[kept]))
    dout = rng(13).standard_normal(x.shape) + 5
    dx = as_array(rec.call("backward(dout) after forward(train_flg=True)", layer.backward, dout.copy()))
    if dx.shape != x.shape:
        rec.put("backward(dout).shape", np.array(dx.shape))
        return
    rec.put("backward(dout): zero where forward dropped", bool(np.all(dx[~kept] == 0)))
    rec.put("backward(dout): scale where forward kept", _scale(dx[kept], dout[kept]))
    out2 = as_array(rec.call("forward(x, train_flg=True) again", layer.forward, x, True))
    rec.put("forward(x, train_flg=True) again: a new mask", bool(np.any((out2 != 0) != kept)))
    xt = rng(14).standard_normal((4, 5)) + 3
    test = as_array(rec.call("forward(x, train_flg=False)", layer.forward, xt, False))
    rec.put("forward(x, train_flg=False): scale", _scale(test, xt))


def _scale(got: np.ndarray, base: np.ndarray) -> np.ndarray:
    """got / base when that ratio is one number (to 1e-9), else NaN (no single scale)."""
    if got.shape != base.shape or got.size == 0:
        return np.array(np.nan)
    ratio = got / base
    return np.array(round(float(ratio.mean()), 6) if np.ptp(ratio) < 1e-9 else np.nan)


def batch_normalization(cls, rec: Recorder) -> None:
    gamma, beta = np.array([0.5, 2.0, -1.0]), np.array([0.1, 0.0, -0.3])
    layer = rec.call("BatchNormalization(gamma, beta)", cls, gamma.copy(), beta.copy())
    for step in (1, 2, 3):
        x = rng(20 + step).standard_normal((6, 3)) * (step + 1) + step
        x[:, 2] *= 0.01                                     # a feature with a tiny variance: eps matters
        dout = rng(30 + step).standard_normal((6, 3))
        label = f"x step {step}, train_flg=True"
        before = x.copy()
        rec.put(f"forward({label}).out", as_array(rec.call(f"forward({label})", layer.forward, x, True)))
        unchanged(rec, f"x unchanged by forward({label})", before, x)
        rec.put(f"backward(dout) after forward({label}).dx", as_array(
            rec.call(f"backward(dout) after forward({label})", layer.backward, dout)))
        rec.attr(f"dgamma after step {step}", layer, "dgamma")
        rec.attr(f"dbeta after step {step}", layer, "dbeta")
        rec.attr(f"running_mean after step {step}", layer, "running_mean")
        rec.attr(f"running_var after step {step}", layer, "running_var")
    xt = rng(40).standard_normal((4, 3)) * 2 + 1
    rec.put("forward(x, train_flg=False).out", as_array(rec.call("forward(x, train_flg=False)", layer.forward,
                                                                  xt, False)))
    rec.attr("running_mean after a test-time forward", layer, "running_mean")
    x4 = rng(41).standard_normal((4, 1, 2, 2)) + 1                    # a 4-D input (after a Convolution)
    layer4 = rec.call("BatchNormalization(ones(4), zeros(4))", cls, np.ones(4), np.zeros(4))
    rec.put("forward(x (4, 1, 2, 2), train_flg=True).out", as_array(
        rec.call("forward(x (4, 1, 2, 2), train_flg=True)", layer4.forward, x4, True)))


# -- convolution layers -------------------------------------------------------------------------------

def convolution(cls, rec: Recorder) -> None:
    for seed, xshape, wshape, s, p in ((50, (2, 3, 5, 5), (4, 3, 3, 3), 1, 1), (51, (2, 2, 7, 7), (3, 2, 3, 3), 2, 0)):
        W, b = rng(seed).standard_normal(wshape), rng(seed + 1).standard_normal(wshape[0])
        layer = rec.call(f"Convolution(W {wshape}, b, stride={s}, pad={p})", cls, W, b, s, p)
        x = rng(seed + 2).standard_normal(xshape)
        oh = (xshape[2] + 2 * p - wshape[2]) // s + 1
        dout = rng(seed + 3).standard_normal((xshape[0], wshape[0], oh, oh))
        label = f"x {xshape}, W {wshape}, stride={s}, pad={p}"
        _layer_pass(rec, layer, x, dout, label)
        rec.attr(f"dW after backward ({label})", layer, "dW")
        rec.attr(f"db after backward ({label})", layer, "db")


def pooling(cls, rec: Recorder) -> None:
    for seed, xshape, k, s in ((60, (2, 3, 4, 4), 2, 2), (61, (1, 2, 5, 5), 3, 1)):
        layer = rec.call(f"Pooling({k}, {k}, stride={s})", cls, k, k, s)
        x = rng(seed).standard_normal(xshape)
        oh = (xshape[2] - k) // s + 1
        dout = rng(seed + 1).standard_normal((xshape[0], xshape[1], oh, oh))
        _layer_pass(rec, layer, x, dout, f"x {xshape}, {k}×{k}, stride={s}")
