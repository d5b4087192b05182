"""fit's hooks: the moments Keras and Lightning settled on, each told the values just logged, and
no hook depending on another — the same run with the hooks in any order gives the same history."""

import random

import numpy as np
import pytest

import nablab as nl
from nablab.train import Hook


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((200, 6)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int)
    return x[:160], y[:160], x[160:], y[160:]


class Recorder(Hook):
    """Writes down every moment it is told, with its logs."""

    def __init__(self):
        self.seen = []

    def on_fit_start(self, loop):
        self.seen.append(("fit_start",))

    def on_step_start(self, loop, it):
        self.seen.append(("step_start", it))

    def on_after_backward(self, loop, it):
        grads = [float(np.abs(p.grad).sum()) for p in loop.model.parameters()]
        self.seen.append(("after_backward", it, all(g > 0 for g in grads[:1])))

    def on_evaluate(self, loop, it, logs):
        self.seen.append(("evaluate", it, sorted(logs)))

    def on_step_end(self, loop, it, logs):
        self.seen.append(("step_end", it, sorted(logs)))

    def on_fit_end(self, loop, logs):
        self.seen.append(("fit_end", logs["status"]))


def train(hooks, probes=(), **kw):
    net = nl.models.mlp(6, [8], 2, rng=0)
    return nl.fit(net, nl.SoftmaxCrossEntropy(), nl.optim.SGD(net.parameters(), lr=0.1), data(), iters=4,
                  batch_size=20, eval_every=2, progress=False, hooks=hooks, probes=probes, **kw)


def test_every_moment_in_order_with_its_logs():
    rec = Recorder()
    train([rec])
    step = lambda it: [("step_start", it), ("after_backward", it, True)]          # noqa: E731
    evaluated = ("evaluate", 2, ["epoch", "iteration", "loss", "test_acc", "time_s", "train_acc"])
    assert rec.seen == [("fit_start",), *step(1), ("step_end", 1, ["loss"]),
                        *step(2), evaluated, ("step_end", 2, ["loss"]),
                        *step(3), ("step_end", 3, ["loss"]),
                        *step(4), ("evaluate", 4, evaluated[2]), ("step_end", 4, ["loss"]), ("fit_end", "finished")]


class Pruner(Hook):
    """Stops the run after the first evaluation it is told about (as a sweep's Pruning does)."""

    def on_evaluate(self, loop, it, logs):
        raise StopIteration(logs["test_acc"])


def test_a_hook_sees_the_evaluation_even_when_it_comes_first():
    """The pruner reads the logged accuracy itself: placed before or after the built-in hooks it
    sees the same value (it used to read the history that Evaluate, a hook, had to fill first)."""
    with pytest.raises(StopIteration) as first:
        train([Pruner()])
    h = train([])
    assert first.value.args[0] == h.points[0]["test_acc"]


def test_hooks_in_any_order_give_the_same_history(tmp_path):
    base = train([Recorder()], probes=("grad_norms", "update_ratio"), probe_every=2)
    for k in range(3):
        hooks = [Recorder(), Recorder(), Hook()]
        random.Random(k).shuffle(hooks)
        again = train(hooks, probes=("grad_norms", "update_ratio"), probe_every=2)
        assert again.losses == base.losses and again.probes == base.probes
        assert [{k: v for k, v in p.items() if k != "time_s"} for p in again.points] == \
            [{k: v for k, v in p.items() if k != "time_s"} for p in base.points]


def test_fresh_batches_clip_and_the_loss_metric(tmp_path):
    """batches=…: a new batch each step (the adding problem's way); metric "loss": the test loss."""
    rng = np.random.default_rng(1)
    x_test = rng.standard_normal((50, 3))
    net = nl.Sequential(nl.Linear(3, 1, rng=0, dtype=np.float64))

    def batch(it):
        x = rng.standard_normal((16, 3))
        return x, x @ np.array([[1.0], [-2.0], [0.5]])
    h = nl.fit(net, nl.MeanSquaredError(), nl.optim.Adam(net.parameters(), lr=0.05),
               (x_test, x_test @ np.array([[1.0], [-2.0], [0.5]])), iters=300, batches=batch, clip=1.0,
               metric="loss", eval_every=100, progress=False)
    assert [p["iteration"] for p in h.points] == [100, 200, 300]
    assert h.points[-1]["test_loss"] < min(1e-3, h.points[0]["test_loss"]) and "test_acc" not in h.points[0]
    with pytest.raises(nl.ConfigError, match="checkpoint"):
        nl.fit(net, nl.MeanSquaredError(), nl.optim.SGD(net.parameters(), lr=0.1), (x_test, x_test[:, :1]),
               iters=2, batches=batch, checkpoint_dir=tmp_path, progress=False)
