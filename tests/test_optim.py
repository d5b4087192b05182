"""Optimizers follow torch.optim step for step; settings are validated."""

import numpy as np
import pytest
import torch

import nablab as nl
from nablab.optim import OPTIMIZERS

# (nablab class, nablab kwargs, torch class, torch kwargs)
CASES = {
    "sgd": (nl.optim.SGD, dict(lr=0.1), torch.optim.SGD, dict(lr=0.1)),
    "sgd-wd": (nl.optim.SGD, dict(lr=0.1, weight_decay=0.05), torch.optim.SGD,
               dict(lr=0.1, weight_decay=0.05)),
    "momentum": (nl.optim.Momentum, dict(lr=0.05, momentum=0.9), torch.optim.SGD,
                 dict(lr=0.05, momentum=0.9)),
    "momentum-wd": (nl.optim.Momentum, dict(lr=0.05, momentum=0.5, weight_decay=0.1),
                    torch.optim.SGD, dict(lr=0.05, momentum=0.5, weight_decay=0.1)),
    "nesterov": (nl.optim.Nesterov, dict(lr=0.05, momentum=0.9), torch.optim.SGD,
                 dict(lr=0.05, momentum=0.9, nesterov=True)),
    "adagrad": (nl.optim.AdaGrad, dict(lr=0.1), torch.optim.Adagrad, dict(lr=0.1)),
    "adagrad-course": (nl.optim.AdaGrad, dict(lr=0.1, eps=1e-7, initial_accumulator_value=1e-4),
                       torch.optim.Adagrad, dict(lr=0.1, eps=1e-7, initial_accumulator_value=1e-4)),
    "rmsprop": (nl.optim.RMSProp, dict(lr=0.01), torch.optim.RMSprop, dict(lr=0.01)),
    "rmsprop-course": (nl.optim.RMSProp, dict(lr=0.01, alpha=0.9, eps=1e-7, weight_decay=0.01),
                       torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-7, weight_decay=0.01)),
    "adam": (nl.optim.Adam, dict(), torch.optim.Adam, dict()),
    "adam-wd": (nl.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
                torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    "adamw": (nl.optim.AdamW, dict(lr=0.01, weight_decay=0.1), torch.optim.AdamW,
              dict(lr=0.01, weight_decay=0.1)),
}


def gradient(w: np.ndarray, i: int) -> np.ndarray:
    """A deterministic, non-trivial gradient field: g = w³ − sin(w) + noise(i)."""
    return w**3 - np.sin(w) + 0.1 * np.random.default_rng(i).standard_normal(w.shape)


def trajectories(case, steps=50, shapes=((4, 3), (3,))):
    ours_cls, ours_kw, torch_cls, torch_kw = CASES[case]
    rng = np.random.default_rng(0)
    start = [rng.standard_normal(s) for s in shapes]
    params = [nl.Parameter(w.copy(), f"p{i}") for i, w in enumerate(start)]
    tparams = [torch.tensor(w.copy(), requires_grad=True) for w in start]
    opt, topt = ours_cls(params, **ours_kw), torch_cls(tparams, **torch_kw)
    for i in range(steps):
        for k, (p, tp) in enumerate(zip(params, tparams)):
            g = gradient(p.data, 100 * i + k)
            p.grad[...] = g
            tp.grad = torch.from_numpy(gradient(tp.detach().numpy(), 100 * i + k))
        opt.step()
        topt.step()
        opt.zero_grad()
    return start, params, tparams


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_torch_over_50_steps(case):
    start, params, tparams = trajectories(case)
    for w0, p, tp in zip(start, params, tparams):
        ref = tp.detach().numpy()
        assert np.abs(ref - w0).max() > 1e-3          # the optimizer really moved the weights
        np.testing.assert_allclose(p.data, ref, rtol=1e-9, atol=1e-12)


def test_every_optimizer_is_tested_against_torch():
    tested = {CASES[c][0] for c in CASES}
    assert set(OPTIMIZERS.values()) <= tested


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_state_dict_resumes_exactly(name):
    p = nl.Parameter(np.linspace(-1, 1, 6), "W", is_weight=True)
    kw = {} if name in ("adagrad", "rmsprop", "adam", "adamw") else {"lr": 0.1}
    opt = nl.optim.create(name, [p], **kw)

    def run(o, prm, start, n):
        for i in range(start, start + n):
            prm.grad[...] = gradient(prm.data, i)
            o.step()
            o.zero_grad()

    run(opt, p, 0, 5)
    saved_w, saved = p.data.copy(), opt.state_dict()
    run(opt, p, 5, 5)
    q = nl.Parameter(saved_w, "W", is_weight=True)
    other = nl.optim.create(name, [q], **kw)
    other.load_state_dict(saved)
    run(other, q, 5, 5)
    np.testing.assert_array_equal(q.data, p.data)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("lr", [0, -0.1])
def test_nonpositive_lr_is_refused(name, lr):
    with pytest.raises(ValueError, match=r"lr must be > 0; got"):
        nl.optim.create(name, [nl.Parameter(np.zeros(2), "W")], lr=lr)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_negative_weight_decay_is_refused(name):
    kw = {} if name in ("adagrad", "rmsprop", "adam", "adamw") else {"lr": 0.1}
    with pytest.raises(nl.ConfigError, match="weight_decay must be >= 0; got -0.01"):
        nl.optim.create(name, [nl.Parameter(np.zeros(2), "W")], weight_decay=-0.01, **kw)


@pytest.mark.parametrize("make, message", [
    (lambda p: nl.optim.Momentum(p, 0.1, momentum=1.0), "momentum must be in"),
    (lambda p: nl.optim.Nesterov(p, 0.1, momentum=0.0), "momentum must be in"),
    (lambda p: nl.optim.Adam(p, betas=(0.9, 1.0)), r"betas\[1\] must be in"),
    (lambda p: nl.optim.RMSProp(p, alpha=-0.5), "alpha must be in"),
    (lambda p: nl.optim.AdaGrad(p, eps=-1.0), "eps must be >= 0"),
    (lambda p: nl.optim.AdaGrad(p, initial_accumulator_value=-1), "initial_accumulator_value"),
    (lambda p: nl.optim.SGD([], 0.1), "empty parameter list"),
    (lambda p: nl.optim.SGD(p, "0.1"), "SGD: lr must be a number > 0; got '0.1'"),
    (lambda p: nl.optim.SGD(p, float("inf")), "SGD: lr must be finite and > 0; got inf"),
])
def test_bad_settings_are_refused(make, message):
    with pytest.raises(nl.ConfigError, match=message):
        make([nl.Parameter(np.zeros(2), "W")])


def test_unknown_optimizer_lists_the_valid_ones():
    with pytest.raises(nl.ConfigError, match=r"unknown optimizer 'adamax'.*'adagrad'.*'sgd'"):
        nl.optim.create("adamax", [nl.Parameter(np.zeros(2), "W")])


def test_optimizer_takes_a_model():
    net = nl.models.mlp(3, [2], 2, rng=0)
    assert len(nl.optim.SGD(net, lr=0.1).params) == 4


@pytest.mark.parametrize("reg_cls, penalty, grad", [
    (nl.optim.L2, lambda w, lam: 0.5 * lam * np.sum(w**2), lambda w, lam: lam * w),
    (nl.optim.L1, lambda w, lam: lam * np.sum(np.abs(w)), lambda w, lam: lam * np.sign(w)),
])
def test_regularizers_act_on_weights_only(reg_cls, penalty, grad):
    net = nl.models.mlp(4, [3], 2, batchnorm=True, rng=0, dtype=np.float64)
    for p in net.parameters():
        p.data[...] = np.random.default_rng(1).standard_normal(p.data.shape)
    reg = reg_cls(0.1)
    weights = [p for p in net.parameters() if p.name == "W"]
    assert reg.penalty(net) == pytest.approx(sum(penalty(p.data, 0.1) for p in weights))
    net.zero_grad()
    reg.add_gradient(net)
    for p in net.parameters():
        expected = grad(p.data, 0.1) if p.name == "W" else np.zeros_like(p.data)
        np.testing.assert_allclose(p.grad, expected)


def test_regularizer_gradient_is_the_derivative_of_its_penalty():
    w = nl.Parameter(np.array([[0.3, -1.2], [2.0, -0.4]]), "W", is_weight=True)
    for reg in (nl.optim.L2(0.3), nl.optim.L1(0.2)):
        w.zero_grad()
        reg.add_gradient([w])
        h = 1e-6
        for i in range(w.data.size):
            old = w.data.flat[i]
            w.data.flat[i] = old + h
            up = reg.penalty([w])
            w.data.flat[i] = old - h
            down = reg.penalty([w])
            w.data.flat[i] = old
            assert (up - down) / (2 * h) == pytest.approx(w.grad.flat[i], rel=1e-6)


@pytest.mark.parametrize("lam", [-1, "0.1", True])
def test_regularizer_refuses_bad_lambda(lam):
    with pytest.raises(nl.ConfigError, match=r"L2: lam must be (a number )?>= 0"):
        nl.optim.L2(lam)
