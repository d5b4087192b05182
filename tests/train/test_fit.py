"""nl.fit: conventions, divergence, interruption, checkpoints that resume exactly, probes."""

import os
import signal

import numpy as np
import pytest

import nablab as nl
from nablab.train import BatchSampler


def blobs(n=400, seed=0):
    """Four Gaussian blobs in 8-D: learnable in a few dozen steps."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(0, 3, (4, 8))
    y = np.arange(n) % 4
    x = (centers[y] + rng.normal(0, 1, (n, 8))).astype(np.float32)
    return x[:300], y[:300], x[300:], y[300:]


def setup(seed=0, **model_kw):
    net = nl.models.mlp(8, [16, 16], 4, rng=seed, **model_kw)
    return net, nl.SoftmaxCrossEntropy(), nl.optim.SGD(net.parameters(), lr=0.05)


def test_fit_learns_and_records():
    net, loss, opt = setup()
    h = nl.fit(net, loss, opt, blobs(), iters=120, batch_size=20, eval_every=30, progress=False)
    assert h.status == "finished" and len(h.losses) == 120
    assert [p["iteration"] for p in h.points] == [30, 60, 90, 120]
    assert h.final["test_acc"] > 0.9 and h.losses[-1] < h.losses[0]
    assert set(h.final) == {"iteration", "epoch", "loss", "train_acc", "test_acc", "time_s"}


@pytest.mark.parametrize("train_acc_on", ["subset", "batch", "full"])
def test_train_accuracy_conventions(train_acc_on):
    net, loss, opt = setup()
    h = nl.fit(net, loss, opt, blobs(), iters=20, batch_size=25, eval_every=20,
               train_acc_on=train_acc_on, train_acc_samples=50, progress=False)
    acc = h.final["train_acc"]
    step = {"subset": 1 / 50, "batch": 1 / 25, "full": 1 / 300}[train_acc_on]
    assert abs(acc / step - round(acc / step)) < 1e-9            # a share of that many samples


def test_same_seed_same_run_other_seed_other_run():
    runs = []
    for seed in (3, 3, 4):
        net, loss, opt = setup()
        runs.append(nl.fit(net, loss, opt, blobs(), iters=30, batch_size=20, seed=seed,
                           progress=False).losses)
    assert runs[0] == runs[1] and runs[0] != runs[2]


def test_samplers():
    rng = np.random.default_rng(0)
    epoch = BatchSampler(10, 3, "epoch", rng)
    seen = np.concatenate([epoch.next() for _ in range(3)])
    assert len(np.unique(seen)) == 9                          # one epoch: no repeats, tail dropped
    repl = BatchSampler(10, 8, "replacement", np.random.default_rng(1))
    assert any(len(np.unique(repl.next())) < 8 for _ in range(20))   # with replacement
    with pytest.raises(nl.ConfigError, match="sampler must be one of"):
        BatchSampler(10, 3, "random", rng)


def test_divergence_stops_with_the_iteration_and_keeps_history():
    net, loss, _ = setup()
    opt = nl.optim.SGD(net.parameters(), lr=1e6)
    with pytest.raises(nl.TrainingDiverged, match=r"diverged at iteration \d+") as info:
        nl.fit(net, loss, opt, blobs(), iters=200, batch_size=20, eval_every=1, progress=False)
    err = info.value
    assert err.history.status == "diverged"
    assert len(err.history.losses) == err.iteration and not np.isfinite(err.history.losses[-1])
    assert all(np.isfinite(err.history.losses[:-1]))


def test_bad_settings():
    net, loss, opt = setup()
    for kw, msg in [(dict(iters=10, epochs=1), "exactly one of iters or epochs"),
                    (dict(iters=0), "fit: iters must be an int >= 1; got 0"),
                        (dict(iters=5, eval_every=-1), "fit: eval_every must be an int >= 1; got -1"),
                    (dict(iters=5, batch_size=1000), r"fit: batch_size must be an int in \[1, 300\]"),
                    (dict(iters=5, train_acc_on="test"), "fit: train_acc_on must be one of"),
                    (dict(iters=5, probes=["nope"]), "unknown probe")]:
        with pytest.raises(nl.ConfigError, match=msg):
            nl.fit(net, loss, opt, blobs(), progress=False, **kw)


def test_epochs():
    net, loss, opt = setup()
    h = nl.fit(net, loss, opt, blobs(), epochs=2, batch_size=100, progress=False)
    assert len(h.losses) == 6 and h.final["epoch"] == 2.0


def run_with_dropout(tmp, iters, resume=True, checkpoint_every=None, seed=0):
    net, loss, _ = setup(dropout=0.2, batchnorm=True)
    opt = nl.optim.Adam(net.parameters(), lr=0.01)
    h = nl.fit(net, loss, opt, blobs(), iters=iters, batch_size=20, eval_every=10, seed=seed,
               progress=False, checkpoint_dir=tmp, checkpoint_every=checkpoint_every, resume=resume)
    return net, h


def strip_times(h):
    return [{k: v for k, v in p.items() if k != "time_s"} for p in h.points]


def test_checkpoint_resume_is_identical(tmp_path):
    """Train 50 iterations, then 'restart' with iters=90 from the checkpoint: same as 90 straight.
    Dropout's generator, the sampler's permutation, Adam's moments and BN statistics all resume."""
    full_net, full = run_with_dropout(tmp_path / "full", 90)
    run_with_dropout(tmp_path / "split", 50)
    net, resumed = run_with_dropout(tmp_path / "split", 90)
    assert resumed.losses == full.losses
    assert strip_times(resumed) == strip_times(full)
    for a, b in zip(net.state_dict().values(), full_net.state_dict().values()):
        np.testing.assert_array_equal(a, b)


def test_interrupt_stops_cleanly_with_a_checkpoint(tmp_path):
    net, loss, _ = setup()
    opt = nl.optim.SGD(net.parameters(), lr=0.05)
    fired = []

    def press_ctrl_c(*_):
        if not fired:
            fired.append(1)
            os.kill(os.getpid(), signal.SIGINT)
    original = nl.optim.SGD.step

    def step_then_interrupt(self):
        original(self)
        if self.steps == 7:
            press_ctrl_c()
    nl.optim.SGD.step = step_then_interrupt
    try:
        h = nl.fit(net, loss, opt, blobs(), iters=100, batch_size=20, eval_every=5, progress=False,
                   checkpoint_dir=tmp_path)
    finally:
        nl.optim.SGD.step = original
    assert h.status == "interrupted" and len(h.losses) == 7
    assert (tmp_path / "checkpoint.npz").exists()
    net2, loss2, _ = setup()
    opt2 = nl.optim.SGD(net2.parameters(), lr=0.05)
    h2 = nl.fit(net2, loss2, opt2, blobs(), iters=100, batch_size=20, eval_every=5, progress=False,
                checkpoint_dir=tmp_path)
    assert h2.status == "finished" and len(h2.losses) == 100 and h2.losses[:7] == h.losses


HELD_BACK = """
import os, signal, sys
sys.path.insert(0, {tests!r})
import nablab as nl
import multiprocessing
from nablab.experiments.workers import start_worker
from train.test_fit import blobs, setup
start_worker()                                 # as a pool worker starts
os.kill(os.getpid(), signal.SIGINT)              # Ctrl-C while the task is still preparing
net, loss, opt = setup()
h = nl.fit(net, loss, opt, blobs(), iters=500, batch_size=20, progress=False)
print(h.status, len(h.losses))
"""


def test_a_ctrl_c_before_training_starts_is_not_lost():
    """A pool worker holds a Ctrl-C that arrives while its task is still loading data: the training
    stops at its first step instead of running to the end (the worker used to ignore SIGINT until
    fit installed its handler, so such a Ctrl-C was lost)."""
    import subprocess
    import sys
    from pathlib import Path
    tests = str(Path(__file__).resolve().parents[1])
    out = subprocess.run([sys.executable, "-c", HELD_BACK.format(tests=tests)], capture_output=True, text=True,
                         timeout=120, cwd=tests)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["interrupted", "1"], out.stdout


def test_probes_record_what_they_promise():
    net, loss, opt = setup(batchnorm=True)
    h = nl.fit(net, loss, opt, blobs(), iters=10, batch_size=20, progress=False,
               probes=["activations", "dead_relu", "grad_norms", "update_ratio", "bn_stats"],
               probe_at=[1, 10])
    kinds = {(r["probe"], r["iteration"]) for r in h.probes}
    assert kinds == {(p, i) for p in ("activations", "dead_relu", "grad_norms", "update_ratio",
                                      "bn_stats") for i in (1, 10)}
    grads = [r for r in h.probes if r["probe"] == "grad_norms" and r["iteration"] == 1]
    assert [r["layer"] for r in grads] == [0, 3, 6] and all(r["norm"] > 0 for r in grads)
    ratios = [r["ratio"] for r in h.probes if r["probe"] == "update_ratio"]
    assert all(0 < r < 1 for r in ratios)
    act = next(r for r in h.probes if r["probe"] == "activations")
    assert sum(act["hist"]) == 20 * 16


def test_probes_detect_dead_relus():
    net, loss, opt = setup()
    net[0].b.data[:] = -100.0                                 # every first-layer ReLU is dead
    h = nl.fit(net, loss, opt, blobs(), iters=1, batch_size=20, progress=False,
               probes=["dead_relu"], probe_at=[1])
    first = next(r for r in h.probes if r["layer"] == 1)
    assert first["dead_share"] == 1.0


def test_history_save_load(tmp_path):
    net, loss, opt = setup()
    h = nl.fit(net, loss, opt, blobs(), iters=20, batch_size=20, eval_every=10, progress=False)
    path = h.save(tmp_path / "h")
    again = nl.History.load(path)
    assert again == h
    csv = (tmp_path / "h.csv").read_text().splitlines()
    assert csv[0] == "iteration,epoch,loss,train_acc,test_acc,time_s" and len(csv) == 3


def test_a_test_subset_between_evaluations_leaves_training_alone():
    """eval_test_samples: intermediate test accuracy on a fixed subset, the last on the whole set;
    the training stream (batches, losses) is exactly the same as without it."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((400, 6)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    data = (x[:300], y[:300], x[300:], y[300:])

    def run(**kw):
        net = nl.models.mlp(6, [8], 2, rng=0)
        h = nl.fit(net, nl.SoftmaxCrossEntropy(), nl.optim.SGD(net.parameters(), lr=0.1), data, iters=40,
                   batch_size=10, eval_every=10, progress=False, **kw)
        return h, net

    full, _ = run()
    sub, net = run(eval_test_samples=30)
    assert sub.losses == full.losses
    assert sub.points[-1]["test_acc"] == full.points[-1]["test_acc"] == nl.train.accuracy(net, x[300:], y[300:])
    assert all(round(p["test_acc"] * 30) == p["test_acc"] * 30 for p in sub.points[:-1])     # k / 30
    with pytest.raises(nl.ConfigError, match="fit: eval_test_samples must be an int >= 1; got 0"):
        run(eval_test_samples=0)
