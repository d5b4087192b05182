"""The main job until the experiment runner lands: the course's 2_2_2 "ReLU - He" network
on real data, with a learning-curve figure, a saved model and a results file.

    nablab demo [--dataset mnist|fashion-mnist|digits] [--iters 2000] [--quick] [--out runs/demo]
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from . import data, models, optim
from .layers import SoftmaxCrossEntropy
from .saving import save


def accuracy(net, x, y, batch: int = 2000) -> float:
    net.eval()
    hits = sum(int((net.forward(x[i:i + batch]).argmax(axis=1) == y[i:i + batch]).sum())
               for i in range(0, len(x), batch))
    net.train()
    return hits / len(x)


def run(dataset: str = "mnist", iters: int = 2000, batch_size: int = 100, lr: float = 0.1,
        seed: int = 0, out: str | Path = "runs/demo", quick: bool = False, log=print) -> dict:
    """Train 784-40-20-10 (ReLU, He init, plain SGD lr 0.1, batch 100) as notebook 2_2_2."""
    if quick:
        iters = min(iters, 200)
    ds = data.load(dataset)
    log(f"data: {ds.source}")
    rng = np.random.default_rng(seed)
    net = models.mlp(ds.x_train.shape[1], [40, 20], len(ds.classes), activation="relu",
                     init="he", rng=rng)
    loss_fn = SoftmaxCrossEntropy()
    opt = optim.SGD(net.parameters(), lr=lr)
    curve = []
    start = time.perf_counter()
    eval_every = max(iters // 20, 1)
    for i in range(1, iters + 1):
        idx = rng.choice(len(ds.x_train), batch_size)     # with replacement, as the course
        loss = loss_fn.forward(net.forward(ds.x_train[idx]), ds.y_train[idx])
        net.backward(loss_fn.backward())
        opt.step()
        opt.zero_grad()
        if not np.isfinite(loss):
            raise FloatingPointError(f"loss became {loss} at iteration {i}")
        if i % eval_every == 0 or i == iters:
            point = {"iteration": i, "loss": loss, "train_acc": accuracy(net, ds.x_train, ds.y_train),
                     "test_acc": accuracy(net, ds.x_test, ds.y_test)}
            curve.append(point)
            log(f"iter {i:5d}  loss {loss:.4f}  train acc {point['train_acc']:.4f}  "
                f"test acc {point['test_acc']:.4f}")
    seconds = time.perf_counter() - start
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results = {"experiment": "demo: 2_2_2 ReLU-He", "dataset": {"name": ds.name, "source": ds.source},
               "settings": {"layers": [ds.x_train.shape[1], 40, 20, len(ds.classes)],
                            "activation": "relu", "init": "he", "optimizer": "SGD", "lr": lr,
                            "batch_size": batch_size, "iters": iters, "seed": seed},
               "test_acc": curve[-1]["test_acc"], "train_acc": curve[-1]["train_acc"],
               "wall_time_s": round(seconds, 2), "curve": curve}
    (out / "results.json").write_text(json.dumps(results, indent=2))
    save(net, out / "model.npz")
    plot(curve, out / "accuracy.png", f"{ds.name}: 784-40-20-10 ReLU-He, SGD lr {lr}")
    log(f"final test accuracy {results['test_acc']:.4f} after {iters} iterations "
        f"({seconds:.1f} s); wrote {out}/results.json, accuracy.png, model.npz")
    return results


def plot(curve: list[dict], path: Path, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    its = [p["iteration"] for p in curve]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(its, [p["train_acc"] for p in curve], label="training set")
    ax.plot(its, [p["test_acc"] for p in curve], label="test set")
    ax.set(xlabel="iteration", ylabel="accuracy", ylim=(0, 1), title=title)
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
