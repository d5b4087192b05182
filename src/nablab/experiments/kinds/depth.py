"""Per-layer gradient norms against depth: why deep sigmoid nets do not learn (勾配消失).

For each activation × init × batch norm: a ``depth``-layer MLP of width ``width``; the norm of
∂L/∂W of every layer on one real batch at initialisation, and after ``train_iters`` SGD steps.
"""

from __future__ import annotations

import numpy as np

from ... import models, optim
from ...layers import SoftmaxCrossEntropy
from ...train import accuracy, fit
from ..common import data_for
from . import single
from .single import done, summarize, tasks  # noqa: F401


def grad_norms(net, x, t) -> list[float]:
    loss = SoftmaxCrossEntropy()
    net.zero_grad()
    loss.forward(net.forward(x), t)
    net.backward(loss.backward())
    norms = [float(np.linalg.norm(p.grad)) for p in net.parameters() if p.is_weight]
    net.zero_grad()
    return norms


def run_task(spec, task, out, progress: bool = False) -> str:
    p = spec.params
    ds = data_for(p.data)
    rng = np.random.default_rng(0)
    batch = rng.choice(len(ds.x_train), p.batch_size, replace=False)
    x, t = ds.x_train[batch], ds.y_train[batch]
    nets = []
    for act in p.activations:
        for init in p.inits:
            for bn in p.batchnorm:
                net = models.mlp(ds.x_train.shape[1], [p.width] * (p.depth - 1), len(ds.classes),
                                 activation=act, init=init, batchnorm=bn, rng=np.random.default_rng(0))
                before = grad_norms(net, x, t)
                fit(net, SoftmaxCrossEntropy(), optim.SGD(net.parameters(), lr=p.lr), ds,
                    iters=p.train_iters, batch_size=p.batch_size, eval_every=p.train_iters, seed=0,
                    progress=False)
                nets.append({"activation": act, "init": init if isinstance(init, str) else float(init),
                             "batchnorm": bn, "grad_norm_init": before,
                             "grad_norm_trained": grad_norms(net, x, t),
                             "test_acc": accuracy(net, ds.x_test, ds.y_test)})
    return single.save(out, {"nets": nets})
