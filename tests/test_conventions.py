"""Every claim of docs/conventions.md: where the course (and the book) and PyTorch agree or differ.

The course's formulas are written out here as small reference functions, from
docs/curriculum.md §1–2; nablab and torch are compared against them.
"""

import numpy as np
import pytest
import torch

import nablab as nl


def grad_field(w, i):
    return np.tanh(w) + 0.3 * np.cos(3 * w) + 0.05 * np.random.default_rng(i).standard_normal(w.shape)


def run_nablab(opt_cls, steps=50, **kw):
    p = nl.Parameter(np.linspace(-2, 2, 7), "W", is_weight=True)
    opt = opt_cls([p], **kw)
    for i in range(steps):
        p.grad[...] = grad_field(p.data, i)
        opt.step()
        opt.zero_grad()
    return p.data


def run_course(update, steps=50):
    w = np.linspace(-2, 2, 7)
    state = {}
    for i in range(steps):
        update(w, grad_field(w, i), state, i)
    return w


# --- Optimizers ---------------------------------------------------------------------------

def course_momentum(w, g, s, i, lr=0.05, mu=0.9):
    v = s.setdefault("v", np.zeros_like(w))
    v *= mu
    v -= lr * g                    # v = μv − εg
    w += v                         # w += v


def course_nesterov(w, g, s, i, lr=0.05, mu=0.9):
    v = s.setdefault("v", np.zeros_like(w))
    v *= mu
    v -= lr * g
    w += mu * mu * v               # uses the *new* v
    w -= (1 + mu) * lr * g


def bengio_nesterov(w, g, s, i, lr=0.05, mu=0.9):
    v = s.setdefault("v", np.zeros_like(w))
    w += mu * mu * v - (1 + mu) * lr * g       # the old v
    v *= mu
    v -= lr * g


def course_adagrad_helper(w, g, s, i, lr=0.1):
    h = s.setdefault("h", np.zeros_like(w))
    h += g * g
    w -= lr * g / (np.sqrt(h) + 1e-7)


def course_adagrad_after(w, g, s, i, lr=0.1):
    if i == 0:
        s["h"] = np.full_like(w, 1e-4)           # no g² on the first step
    else:
        s["h"] += g * g
    w -= lr * g / np.sqrt(s["h"])


def course_rmsprop(w, g, s, i, lr=0.01, decay=0.99):
    h = s.setdefault("h", np.zeros_like(w))
    h *= decay
    h += (1 - decay) * g * g
    w -= lr * g / (np.sqrt(h) + 1e-7)


def course_adam(w, g, s, i, lr=0.01, b1=0.9, b2=0.999, eps=1e-7):
    m = s.setdefault("m", np.zeros_like(w))
    v = s.setdefault("v", np.zeros_like(w))
    t = i + 1
    lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
    m += (1 - b1) * (g - m)
    v += (1 - b2) * (g * g - v)
    w -= lr_t * m / (np.sqrt(v) + eps)


def test_momentum_course_form_equals_pytorch_form():
    ours = run_nablab(nl.optim.Momentum, lr=0.05, momentum=0.9)
    np.testing.assert_allclose(ours, run_course(course_momentum), rtol=1e-10)


def test_nesterov_book_form_differs_from_pytorch_but_bengio_form_agrees():
    ours = run_nablab(nl.optim.Nesterov, lr=0.05, momentum=0.9)
    np.testing.assert_allclose(ours, run_course(bengio_nesterov), rtol=1e-10)
    assert np.abs(ours - run_course(course_nesterov)).max() > 1e-3


def test_adagrad_course_helper_is_pytorch_with_eps_1e7():
    ours = run_nablab(nl.optim.AdaGrad, lr=0.1, eps=1e-7)
    np.testing.assert_allclose(ours, run_course(course_adagrad_helper), rtol=1e-10)


def test_adagrad_course_after_notebook_differs():
    ours = run_nablab(nl.optim.AdaGrad, lr=0.1, eps=0.0, initial_accumulator_value=1e-4)
    course = run_course(course_adagrad_after)
    assert np.abs(ours - course).max() > 1e-2
    first = run_course(course_adagrad_after, steps=1)       # the 100·η·g first step
    g0 = grad_field(np.linspace(-2, 2, 7), 0)
    np.testing.assert_allclose(first, np.linspace(-2, 2, 7) - 0.1 * g0 / 0.01)


def test_rmsprop_course_is_pytorch_with_eps_1e7():
    ours = run_nablab(nl.optim.RMSProp, lr=0.01, alpha=0.99, eps=1e-7)
    np.testing.assert_allclose(ours, run_course(course_rmsprop), rtol=1e-10)


def test_adam_eps_placement():
    """Equal when eps = 0; with eps the course adds it to √v, PyTorch to √v̂."""
    same = run_nablab(nl.optim.Adam, lr=0.01, eps=0.0)
    np.testing.assert_allclose(same, run_course(lambda *a: course_adam(*a, eps=0.0)), rtol=1e-10)
    big_eps = dict(eps=0.5)
    ours = run_nablab(nl.optim.Adam, lr=0.01, **big_eps)
    assert np.abs(ours - run_course(lambda *a: course_adam(*a, **big_eps))).max() > 1e-4


# --- Weight decay: L2 in the loss vs weight_decay vs AdamW ---------------------------------

def two_param_model():
    w = nl.Parameter(np.linspace(-1, 1, 6).reshape(2, 3), "W", is_weight=True)
    b = nl.Parameter(np.array([0.5, -0.5, 0.2]), "b")
    return [w, b]


def train(opt, params, reg=None, steps=30):
    for i in range(steps):
        for k, p in enumerate(params):
            p.grad[...] = grad_field(p.data, 10 * i + k)
        if reg is not None:
            reg.add_gradient(params)
        opt.step()
        opt.zero_grad()
    return [p.data for p in params]


def torch_train(make_opt, weight_decay, steps=30):
    """torch with weight_decay on the weight only (a param group), as the course's L2."""
    params = [torch.tensor(p.data.copy()) for p in two_param_model()]
    opt = make_opt([{"params": [params[0]], "weight_decay": weight_decay},
                    {"params": [params[1]], "weight_decay": 0.0}])
    for i in range(steps):
        for k, p in enumerate(params):
            p.grad = torch.from_numpy(grad_field(p.numpy(), 10 * i + k))
        opt.step()
    return [p.numpy() for p in params]


def test_l2_in_the_loss_equals_sgd_weight_decay_on_weights():
    params = two_param_model()
    ours = train(nl.optim.SGD(params, lr=0.1), params, nl.optim.L2(0.05))
    ref = torch_train(lambda g: torch.optim.SGD(g, lr=0.1), 0.05)
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def test_l2_with_adam_equals_adam_weight_decay_but_not_adamw():
    params = two_param_model()
    ours = train(nl.optim.Adam(params, lr=0.01), params, nl.optim.L2(0.1))
    coupled = torch_train(lambda g: torch.optim.Adam(g, lr=0.01), 0.1)
    decoupled = torch_train(lambda g: torch.optim.AdamW(g, lr=0.01), 0.1)
    np.testing.assert_allclose(ours[0], coupled[0], rtol=1e-10)
    assert np.abs(ours[0] - decoupled[0]).max() > 1e-4


def test_adamw_matches_torch_adamw():
    params = two_param_model()
    ours = train(nl.optim.AdamW(params[:1], lr=0.01, weight_decay=0.1), params[:1])
    ref = torch_train(lambda g: torch.optim.AdamW(g, lr=0.01), 0.1)
    np.testing.assert_allclose(ours[0], ref[0], rtol=1e-10)


# --- Dropout -------------------------------------------------------------------------------

def test_dropout_forms_differ_by_one_minus_p_and_agree_in_expectation():
    p = 0.3
    x = np.random.default_rng(0).uniform(0.5, 1.5, (400, 300))
    inverted, course = nl.Dropout(p, rng=1), nl.Dropout(p, inverted=False, rng=1)
    np.testing.assert_allclose(course.forward(x), inverted.forward(x) * (1 - p))   # same mask
    # expectation: inverted keeps E[y] = x in training and uses x at test time
    assert inverted.forward(x).mean() == pytest.approx(x.mean(), rel=0.01)
    # course: E[y_train] = (1 − p)x, matched at test time by y = (1 − p)x
    assert course.forward(x).mean() == pytest.approx(course.eval().forward(x).mean(), rel=0.01)


# --- Initializers --------------------------------------------------------------------------

def test_course_xavier_is_fan_in_only_not_torch_xavier():
    fan_in, fan_out = 400, 100
    ours = nl.init.xavier((fan_in, fan_out), rng=0, dtype=np.float64).std()
    torch.manual_seed(0)
    theirs = torch.nn.init.xavier_normal_(torch.empty(fan_out, fan_in, dtype=torch.float64)).std().item()
    glorot = nl.init.glorot((fan_in, fan_out), rng=0, dtype=np.float64).std()
    assert ours == pytest.approx(np.sqrt(1 / fan_in), rel=0.02)
    assert theirs == pytest.approx(glorot, rel=0.02)
    assert abs(ours - theirs) / theirs > 0.2


def test_he_is_torch_kaiming_normal_fan_in():
    torch.manual_seed(0)
    theirs = torch.nn.init.kaiming_normal_(torch.empty(100, 400, dtype=torch.float64),
                                          nonlinearity="relu").std().item()
    assert nl.init.he((400, 100), rng=0, dtype=np.float64).std() == pytest.approx(theirs, rel=0.02)


# --- Batch normalisation -------------------------------------------------------------------

def course_batchnorm_train(x, running_mean, running_var, momentum=0.9, eps=1e-6):
    """The course's BatchNormalization.forward in training: a 4-D input becomes (N, C·H·W)."""
    x2 = x.reshape(x.shape[0], -1)
    mu, var = x2.mean(axis=0), x2.var(axis=0)                  # biased variance
    running_mean = momentum * running_mean + (1 - momentum) * mu
    running_var = momentum * running_var + (1 - momentum) * var
    return ((x2 - mu) / np.sqrt(var + eps)).reshape(x.shape), running_mean, running_var


def test_batchnorm_momentum_and_running_variance():
    """Course momentum 0.9 ≡ PyTorch 0.1 for the mean; the variance is biased in the
    course and unbiased (×m/(m−1)) in PyTorch."""
    x = np.random.default_rng(0).standard_normal((10, 4)) * 3
    bn = nl.BatchNorm(4, momentum=0.1, eps=1e-6, dtype=np.float64)
    y = bn.forward(x)
    y_course, rm, rv = course_batchnorm_train(x, np.zeros(4), np.ones(4))
    np.testing.assert_allclose(y, y_course, rtol=1e-12)
    np.testing.assert_allclose(bn.running_mean.data, rm, rtol=1e-12)
    m, biased = 10, x.var(axis=0)
    np.testing.assert_allclose(rv, 0.9 + 0.1 * biased, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var.data, 0.9 + 0.1 * biased * m / (m - 1), rtol=1e-12)


def test_batchnorm_4d_per_channel_vs_course_per_activation():
    x = np.random.default_rng(1).standard_normal((8, 2, 3, 3)) + np.arange(9).reshape(1, 1, 3, 3)
    per_channel = nl.BatchNorm(2, eps=1e-6, dtype=np.float64).forward(x)
    per_activation, _, _ = course_batchnorm_train(x, 0, 1)
    np.testing.assert_allclose(per_activation.reshape(8, -1).mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(per_channel.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    assert np.abs(per_channel - per_activation).max() > 0.5         # not the same statistics
    same = nl.BatchNorm(2 * 9, eps=1e-6, dtype=np.float64).forward(x.reshape(8, -1))
    np.testing.assert_allclose(same.reshape(x.shape), per_activation, rtol=1e-10)


# --- Losses --------------------------------------------------------------------------------

def test_cross_entropy_course_epsilon_caps_the_loss():
    scores = np.array([[50.0, 0.0, 0.0]])
    target = np.array([1])
    ours = nl.SoftmaxCrossEntropy().forward(scores, target)
    probs = nl.functional.softmax(scores)
    course = -np.log(probs[0, 1] + 1e-7)                         # common/functions.py
    assert ours == pytest.approx(50.0, rel=1e-9)
    assert course == pytest.approx(-np.log(1e-7), rel=1e-3)       # capped near 16.1


def test_mse_course_gradient_is_half_the_pytorch_one_per_element_count():
    y, t = np.array([[1.0, 2.0, 0.0]]), np.array([[0.0, 0.0, 0.0]])
    course, pytorch = nl.MeanSquaredError("course"), nl.MeanSquaredError()
    course.forward(y, t)
    pytorch.forward(y, t)
    np.testing.assert_allclose(course.backward(), (y - t) / 1)             # (y − d)/batch
    np.testing.assert_allclose(pytorch.backward(), 2 * (y - t) / y.size)


def test_batchnorm_course_convention_is_the_courses_layer():
    """BatchNorm(eps=1e-6, convention="course") equals the course's BatchNormalization step for step:
    outputs, dx, dγ/dβ and the running statistics (biased variance, starting at 0), then test time."""
    from nablab.checker.course import BatchNormalization
    rng = np.random.default_rng(0)
    gamma, beta = np.array([0.5, 2.0, -1.0]), np.array([0.1, 0.0, -0.3])
    course = BatchNormalization(gamma.copy(), beta.copy())
    ours = nl.BatchNorm(3, eps=1e-6, momentum=0.1, convention="course", dtype=np.float64)
    ours.gamma.data[...], ours.beta.data[...] = gamma, beta
    for step in range(3):
        x, dy = rng.normal(step, 2, (6, 3)), rng.standard_normal((6, 3))
        assert np.allclose(ours.forward(x), course.forward(x, train_flg=True))
        ours.zero_grad()
        assert np.allclose(ours.backward(dy), course.backward(dy.copy()))
        assert np.allclose(ours.gamma.grad, course.dgamma) and np.allclose(ours.beta.grad, course.dbeta)
        assert np.allclose(ours.running_mean.data, course.running_mean)
        assert np.allclose(ours.running_var.data, course.running_var)
    x = rng.normal(1, 2, (4, 3))
    assert np.allclose(ours.eval().forward(x), course.forward(x, train_flg=False))
    assert nl.BatchNorm(3).convention == "pytorch" and nl.BatchNorm(3).eps == 1e-5       # the defaults stay PyTorch's
