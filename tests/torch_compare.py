"""Helpers to run a nablab layer and its PyTorch twin on the same numbers."""

import numpy as np
import torch

from nablab.testing import torch_twin

TOL = {np.float64: 1e-10, np.float32: 1e-4}


def assert_close(ours, theirs, tol, what=""):
    """Elementwise |a − b| ≤ tol · (|b| + scale), scale = max|b| (at least 1): relative,
    with an absolute part for entries far smaller than the rest."""
    theirs = theirs.detach().numpy() if isinstance(theirs, torch.Tensor) else np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} vs {theirs.shape}"
    scale = max(1.0, float(np.abs(theirs).max(initial=0)))
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol * scale, err_msg=what)


def torch_grad(param, tparam):
    """torch's gradient in nablab's layout (torch Linear stores Wᵀ)."""
    g = tparam.grad.detach().numpy()
    return g.T if param.name == "W" and param.data.ndim == 2 else g


def compare_with_torch(layer, x, dtype, rng, *, training=True, check_running=True):
    """Forward, input gradient and every parameter gradient, nablab vs torch."""
    tol = TOL[dtype]
    layer.train(training)
    twin = torch_twin(layer)
    x = x.astype(dtype)
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    y = layer.forward(x)
    yt = twin(xt)
    assert_close(y, yt, tol, f"{type(layer).__name__} forward")
    dy = rng.standard_normal(y.shape).astype(dtype)
    layer.zero_grad()
    dx = layer.backward(dy)
    (yt * torch.from_numpy(dy)).sum().backward()
    assert_close(dx, xt.grad, tol, "input gradient")
    tparams = list(twin.parameters())
    params = layer.parameters()
    assert len(params) == len(tparams)
    for p, tp in zip(params, tparams):
        assert_close(p.grad, torch_grad(p, tp), tol, f"gradient of {p.name}")
    if check_running:
        tbuffers = [b for name, b in twin.named_buffers() if "running" in name]
        for b, tb in zip(layer.buffers(), tbuffers):
            assert_close(b.data, tb, tol, f"buffer {b.name}")
