"""A model walked as a tree: a Dropout inside a nested Sequential keeps its random state in
checkpoints, so a run killed with SIGKILL resumes to the same weights, bit for bit."""

import json
import signal
import subprocess
import sys
import time

import numpy as np

import nablab as nl
from nablab.train.checkpoint import rng_layers

SCRIPT = """
import json, sys
import numpy as np, nablab as nl
out, iters = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
x = rng.standard_normal((2000, 20)).astype(np.float32)
y = (x[:, 0] + x[:, 1] > 0).astype(int)
net = nl.Sequential(nl.Linear(20, 256, rng=1), nl.ReLU(),
                    nl.Sequential(nl.Dropout(0.5, rng=2), nl.Linear(256, 2, rng=3)))
h = nl.fit(net, nl.SoftmaxCrossEntropy(), nl.optim.SGD(net.parameters(), lr=0.05),
           (x[:1500], y[:1500], x[1500:], y[1500:]), iters=iters, batch_size=100, eval_every=500,
           checkpoint_dir=out, checkpoint_every=100, progress=False)
nl.save(net, out + "/final.npz")
open(out + "/losses.json", "w").write(json.dumps(h.losses))
"""

ITERS = 6000


def nested():
    return nl.Sequential(nl.Linear(3, 4, rng=0), nl.Sequential(nl.ReLU(), nl.Sequential(nl.Dropout(0.5, rng=1))))


def test_modules_walks_the_whole_tree():
    net = nested()
    kinds = [type(m).__name__ for m in net.modules()]
    assert kinds == ["Sequential", "Linear", "Sequential", "ReLU", "Sequential", "Dropout"]
    assert [type(m).__name__ for m in net.leaves()] == ["Linear", "ReLU", "Dropout"]
    assert rng_layers(net) == [net[1][1][0]]
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def command(script, out, iters):
    return [sys.executable, str(script), str(out), str(iters)]


def finish(script, out, iters):
    done = subprocess.run(command(script, out, iters), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_sigkill_then_resume_is_bit_identical(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    finish(script, straight, ITERS)
    proc = subprocess.Popen(command(script, killed, ITERS), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    checkpoint = killed / "checkpoint.npz"
    deadline = time.time() + 120
    while not checkpoint.exists():
        assert proc.poll() is None and time.time() < deadline, "the run ended before its first checkpoint"
        time.sleep(0.005)
    time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    with np.load(checkpoint) as f:
        stopped_at = json.loads(bytes(f["__meta__"]).decode())["iteration"]
    assert 0 < stopped_at < ITERS and not (killed / "final.npz").exists()
    finish(script, killed, ITERS)
    a, b = nl.load(straight / "final.npz"), nl.load(killed / "final.npz")
    for (k, va), (_, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert np.array_equal(va, vb), k
    assert (straight / "losses.json").read_text() == (killed / "losses.json").read_text()
