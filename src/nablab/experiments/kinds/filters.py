"""First-layer filters of SimpleConvNet before and after training, and the feature maps of
one test image — what the 30 filters learned to look for."""

from __future__ import annotations

from ... import models, optim
from ...layers import SoftmaxCrossEntropy
from ...train import accuracy, fit
from ..common import data_for
from . import single
from .single import done, summarize, tasks  # noqa: F401


def run_task(spec, task, out, progress: bool = False) -> str:
    p = spec.params
    ds = data_for(p.data)
    net = models.simple_convnet(input_shape=ds.x_train.shape[1:], n_classes=len(ds.classes), rng=0)
    before = net[0].W.data[:, 0].copy()                      # (30, 5, 5)
    fit(net, SoftmaxCrossEntropy(), optim.Adam(net.parameters(), lr=p.lr), ds, iters=p.iters,
        eval_every=p.iters, seed=0, progress=progress)
    image = ds.x_test[:1]
    net.eval()
    maps = net[1].forward(net[0].forward(image))[0]          # after ReLU: (30, 24, 24)
    return single.save(out, {"before": before.tolist(), "after": net[0].W.data[:, 0].tolist(),
                             "image": image[0, 0].tolist(), "label": ds.classes[int(ds.y_test[0])],
                             "maps": maps.tolist(), "test_acc": accuracy(net, ds.x_test, ds.y_test),
                             "iters": p.iters})
