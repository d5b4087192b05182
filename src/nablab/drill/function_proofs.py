"""The proofs of function blanks: each takes the filled-in function and compares what it returns with
nablab's own layer, optimizer or formula on fixed inputs (proofs.py holds Outcome and the comparison)."""

from __future__ import annotations

import numpy as np

from .. import init, layers, optim
from ..functional import softmax
from ..im2col import im2col
from ..parameter import Parameter
from .proofs import Outcome, differs, run


# -- functions: a filled-in function against nablab's layer or formula --------------------------

def _rng():
    return np.random.default_rng(1)


def softmax_loss_backward(f) -> Outcome:
    scores = _rng().standard_normal((4, 3))
    t = np.eye(3)[[0, 2, 1, 2]]
    loss = layers.SoftmaxCrossEntropy()
    loss.forward(scores, t)
    got = run(lambda: f(softmax(scores), t), "f(y, t)")
    return got if isinstance(got, Outcome) else differs(got, loss.backward(), "dx")


def _linear_case():
    rng = _rng()
    lin = layers.Linear(3, 2, dtype=np.float64, rng=0)
    x, dout = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    lin.forward(x)
    dx = lin.backward(dout)
    return lin, x, dout, dx


def affine_dw(f) -> Outcome:
    lin, x, dout, _ = _linear_case()
    got = run(lambda: f(x, lin.W.data, dout), "f(x, W, dout)")
    return got if isinstance(got, Outcome) else differs(got, lin.W.grad, "dW")


def affine_db(f) -> Outcome:
    lin, x, dout, _ = _linear_case()
    got = run(lambda: f(x, lin.W.data, dout), "f(x, W, dout)")
    return got if isinstance(got, Outcome) else differs(got, lin.b.grad, "db")


def affine_dx(f) -> Outcome:
    lin, x, dout, dx = _linear_case()
    got = run(lambda: f(x, lin.W.data, dout), "f(x, W, dout)")
    return got if isinstance(got, Outcome) else differs(got, dx, "dx")


def layer_backward(layer, x, dout):
    layer.forward(x)
    return layer.backward(dout)


def relu_backward(f) -> Outcome:
    x, dout = _rng().standard_normal((4, 5)), _rng().standard_normal((4, 5)) + 2
    got = run(lambda: f(x, dout.copy()), "f(x, dout)")
    return got if isinstance(got, Outcome) else differs(got, layer_backward(layers.ReLU(), x, dout), "dx")


def sigmoid_backward(f) -> Outcome:
    x, dout = _rng().standard_normal((4, 5)), _rng().standard_normal((4, 5))
    got = run(lambda: f(x, dout), "f(x, dout)")
    return got if isinstance(got, Outcome) else differs(got, layer_backward(layers.Sigmoid(), x, dout), "dx")


def _std_of(f, name: str, want) -> Outcome:
    for n in (50, 200, 784):
        got = run(lambda: f(n), f"f({n})")
        if isinstance(got, Outcome):
            return got
        sample = want((n, 4000), rng=0, dtype=np.float64)
        out = differs(got, float(sample.std()), f"the std for n = {n} (nablab's {name} draws std "
                                                  f"{float(sample.std()):.4f})", rtol=0.03,
                      ja=f"n = {n} の標準偏差（nablab の {name} は {float(sample.std()):.4f}）")
        if not out.ok:
            return out
    return Outcome(True, f"the std of nablab's {name} for n = 50, 200, 784", f"n = 50, 200, 784 で nablab の {name} の標準偏差と一致")


def xavier_std(f) -> Outcome:
    return _std_of(f, "xavier", init.xavier)


def he_std(f) -> Outcome:
    return _std_of(f, "he", init.he)


def batchnorm_forward(f) -> Outcome:
    x = _rng().standard_normal((6, 3)) * 3 + 1
    bn = layers.BatchNorm(3, eps=1e-7, dtype=np.float64)
    got = run(lambda: f(x, 1e-7), "f(x, eps)")
    return got if isinstance(got, Outcome) else differs(got, bn.forward(x), "xn")


def batchnorm_backward(f) -> Outcome:
    rng = _rng()
    x, dout = rng.standard_normal((6, 3)) * 2, rng.standard_normal((6, 3))
    bn = layers.BatchNorm(3, eps=1e-7, dtype=np.float64)
    bn.gamma.data[...] = [0.5, 2.0, -1.0]
    want = layer_backward(bn, x, dout)
    got = run(lambda: f(x, bn.gamma.data.copy(), dout, 1e-7), "f(x, gamma, dout, eps)")
    return got if isinstance(got, Outcome) else differs(got, want, "dx")


def _penalty_grad(f, reg) -> Outcome:
    W, dW = _rng().standard_normal((3, 4)), _rng().standard_normal((3, 4))
    p = Parameter(W.copy(), "W", is_weight=True)
    p.grad[...] = dW
    reg.add_gradient([p])
    got = run(lambda: f(W, dW, reg.lam), "f(W, dW, lam)")
    return got if isinstance(got, Outcome) else differs(got, p.grad, "the gradient", ja="勾配")


def l2_gradient(f) -> Outcome:
    return _penalty_grad(f, optim.L2(0.1))


def l1_gradient(f) -> Outcome:
    return _penalty_grad(f, optim.L1(0.1))


def dropout_keep_share(f) -> Outcome:
    ratio = 0.3
    x = np.ones((200, 500))
    got = run(lambda: f(x, ratio), "f(x, dropout_ratio)")
    if isinstance(got, Outcome):
        return got
    kept = float(np.mean(np.asarray(got) != 0))
    drop = layers.Dropout(ratio, inverted=False, rng=0)
    want = float(np.mean(drop.forward(x) != 0))
    return differs(kept, want, f"the share of units kept ({kept:.3f}; nablab's Dropout({ratio}) keeps "
                               f"{want:.3f})", rtol=0.02,
                   ja=f"残るユニットの割合（{kept:.3f}、nablab の Dropout({ratio}) は {want:.3f}）")


def dropout_inverted_train(f) -> Outcome:
    """Inverted dropout at training time: a share 1 − p kept, each kept value scaled by 1/(1 − p), so
    the mean is unchanged (nablab's Dropout(p, inverted=True))."""
    ratio, x = 0.3, np.ones((200, 500))
    np.random.seed(0)
    got = run(lambda: f(x, ratio), "f(x, dropout_ratio)")
    if isinstance(got, Outcome):
        return got
    got = np.asarray(got, dtype=float)
    drop = layers.Dropout(ratio, inverted=True, rng=0)
    want = drop.forward(x)
    if got.shape != want.shape:
        return differs(got, want, "the output", ja="出力")
    scale = np.unique(np.round(got[got != 0], 9))
    ok_share = abs(np.mean(got != 0) - np.mean(want != 0)) < 0.01
    if ok_share and scale.size == 1 and np.isclose(scale[0], 1 / (1 - ratio)):
        return Outcome(True, f"a share {np.mean(got != 0):.3f} kept, scaled by 1/(1 − p) = {1 / (1 - ratio):.4f}, as "
                             f"nablab's inverted Dropout", f"残る割合 {np.mean(got != 0):.3f}、1/(1 − p) = "
                             f"{1 / (1 - ratio):.4f} 倍（nablab の逆ドロップアウトと同じ）")
    kept = f"{np.mean(got != 0):.3f}"
    scales = ", ".join(f"{v:.4g}" for v in scale[:3])
    return Outcome(False, f"a share {kept} kept, kept values scaled by {scales}; nablab's inverted Dropout keeps "
                          f"{np.mean(want != 0):.3f} and scales by {1 / (1 - ratio):.4f}",
                   f"残る割合 {kept}、残った値は {scales} 倍（nablab の逆ドロップアウトは {np.mean(want != 0):.3f} が残り "
                   f"{1 / (1 - ratio):.4f} 倍）")


def dropout_test(f) -> Outcome:
    x = _rng().standard_normal((4, 5))
    drop = layers.Dropout(0.3, inverted=False).eval()
    got = run(lambda: f(x, 0.3), "f(x, dropout_ratio)")
    return got if isinstance(got, Outcome) else differs(got, drop.forward(x), "the test-time output", ja="テスト時の出力")


def conv_output_size(f) -> Outcome:
    for h, k, s, p in ((28, 5, 1, 0), (7, 3, 2, 1), (32, 3, 1, 1), (10, 4, 3, 2)):
        conv = layers.Conv2d(1, 1, k, stride=s, padding=p, rng=0)
        want = conv.forward(np.zeros((1, 1, h, h), np.float32)).shape[2]
        got = run(lambda: f(h, k, s, p), f"f(H={h}, FH={k}, S={s}, P={p})")
        if isinstance(got, Outcome):
            return got
        if got != want:
            return Outcome(False, f"for H={h}, FH={k}, S={s}, P={p} it gives {got}; a real Conv2d outputs {want}",
                           f"H={h}, FH={k}, S={s}, P={p} で {got} になります（実際の Conv2d の出力は {want}）")
    return Outcome(True, "equal to a real Conv2d's output size in 4 cases", "4 通りすべてで実際の Conv2d の出力サイズと一致")


def max_pool_backward(f) -> Outcome:
    x = np.array([[[[0.3, 1.2], [-0.5, 0.9]]]])
    dout = np.array([[[[2.0]]]])
    want = layer_backward(layers.MaxPool2d(2), x, dout)
    got = run(lambda: f(x.reshape(-1), 2.0), "f(x, dout)")
    return got if isinstance(got, Outcome) else differs(np.asarray(got).reshape(x.shape), want, "dx")


def minibatch_slices(f) -> Outcome:
    """One epoch: shuffled with np.random.permutation (seed 0 here, on both sides), then consecutive
    batches of batch_size samples (the last one shorter), each sample once, features and labels kept
    together — 10 samples in batches of 4 → 4 | 4 | 2."""
    data_x, data_t = np.arange(10) * 10.0, np.arange(10)
    np.random.seed(0)
    got = run(lambda: f(data_x, data_t, 4), "f(data_x, data_t, batch_size=4)")
    if isinstance(got, Outcome):
        return got
    np.random.seed(0)
    order = np.random.permutation(10)
    want = [(data_x[order][i:i + 4], data_t[order][i:i + 4]) for i in range(0, 10, 4)]
    sizes = [len(np.atleast_1d(x)) for x, _ in got]
    if sizes != [len(x) for x, _ in want]:
        return Outcome(False, f"batches of {sizes} samples, where 10 samples in batches of 4 are 4, 4, 2",
                       f"バッチの大きさが {sizes} です（10 件を 4 件ずつなら 4, 4, 2）")
    for k, ((x, t), (wx, wt)) in enumerate(zip(got, want)):
        if not np.array_equal(np.asarray(x) / 10, np.asarray(t)):
            return Outcome(False, f"batch {k}: features {np.asarray(x).tolist()} with labels {np.asarray(t).tolist()} "
                                  f"— no longer each sample's own", f"{k} 番目のバッチ: 特徴量 {np.asarray(x).tolist()} と"
                                  f"ラベル {np.asarray(t).tolist()} が対応していません")
        if not (np.array_equal(x, wx) and np.array_equal(t, wt)):
            return Outcome(False, f"batch {k} holds samples {np.asarray(t).tolist()}, not {wt.tolist()}",
                           f"{k} 番目のバッチが {np.asarray(t).tolist()} です（正しくは {wt.tolist()}）")
    return Outcome(True, "batches 4, 4, 2 of the shuffled data: every sample once, features with their labels",
                   "並べ替えたデータの 4, 4, 2 件のバッチ: どのサンプルも 1 回ずつ、特徴とラベルが対応")


FUNCTIONS = {f.__name__: f for f in (
    softmax_loss_backward, affine_dw, affine_db, affine_dx, dropout_inverted_train, relu_backward, sigmoid_backward, xavier_std, he_std,
    batchnorm_forward, batchnorm_backward, l2_gradient, l1_gradient, dropout_keep_share, dropout_test,
    conv_output_size, max_pool_backward, minibatch_slices)}


def prove_function(ns: dict, check: dict) -> Outcome:
    fn = ns.get(check["define"])
    if not callable(fn):
        return Outcome(False, f"the code defines no function {check['define']}", f"コードに関数 {check['define']} がありません")
    return FUNCTIONS[check["reference"]](fn)


def im2col_layout(f) -> Outcome:
    rng = _rng()
    for shape, k, s, p in (((2, 3, 5, 5), 3, 1, 1), ((1, 2, 4, 4), 2, 2, 0), ((3, 1, 6, 6), 3, 2, 1)):
        x = rng.standard_normal(shape)
        got = run(lambda: f(x, k, k, s, p), f"im2col(x {shape}, {k}, {k}, stride={s}, pad={p})")
        if isinstance(got, Outcome):
            return got
        out = differs(got, im2col(x, k, k, s, p), f"im2col of x {shape} ({k}×{k}, stride {s}, pad {p})",
                      ja=f"x {shape} の im2col（{k}×{k}、ストライド {s}、パディング {p}）")
        if not out.ok:
            return out
    return Outcome(True, "equal to nablab's im2col (the course's layout) in 3 cases", "3 通りすべてで nablab の im2col（講座の並び）と一致")


FUNCTIONS["im2col_layout"] = im2col_layout
