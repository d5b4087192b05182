"""nl.fit: the training loop of the course's notebooks, with their conventions as options."""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np

from ..errors import ConfigError, NablabError
from .checkpoint import load_checkpoint, save_checkpoint
from .history import History
from .probes import ProbeSet, trace_forward
from .sampling import BatchSampler

TRAIN_ACC_ON = ("subset", "batch", "full")
CHECKPOINT = "checkpoint.npz"


class TrainingDiverged(NablabError):
    """The loss became NaN or infinite. ``.iteration`` says when; ``.history`` keeps the run so far."""

    def __init__(self, iteration: int, value: float, history: History):
        super().__init__(f"training diverged at iteration {iteration}: loss = {value}; "
                         f"try a smaller learning rate")
        self.iteration, self.history = iteration, history


def accuracy(model, x, y, batch: int = 500) -> float:
    """Share of argmax(scores) == class, in evaluation mode (dropout off, BN running stats)."""
    was_training = model.training
    model.eval()
    ids = y.argmax(axis=1) if y.ndim == 2 else y
    hits = sum(int((model.forward(x[i:i + batch]).argmax(axis=1) == ids[i:i + batch]).sum())
               for i in range(0, len(x), batch))
    model.train(was_training)
    return hits / max(len(x), 1)


def unpack(data):
    if hasattr(data, "x_train"):
        return data.x_train, data.y_train, data.x_test, data.y_test
    if len(data) == 4:
        return tuple(data)
    raise ConfigError("data must be a Dataset or a tuple (x_train, y_train, x_test, y_test)")


def check_settings(n: int, iters, epochs, batch_size, train_acc_on) -> int:
    """Validate fit's settings; return the number of iterations."""
    if (iters is None) == (epochs is None):
        raise ConfigError(f"give exactly one of iters or epochs; got iters={iters}, epochs={epochs}")
    if not isinstance(batch_size, int) or not 0 < batch_size <= n:
        raise ConfigError(f"batch_size must be an int in [1, {n}]; got {batch_size!r}")
    total = iters if iters is not None else epochs * (n // batch_size)
    if not isinstance(total, int) or total < 1:
        raise ConfigError(f"iters must be a positive int; got {total!r}")
    if train_acc_on not in TRAIN_ACC_ON:
        raise ConfigError(f"train_acc_on must be one of {list(TRAIN_ACC_ON)}; got {train_acc_on!r}")
    return total


class _StopFlag:
    """Ctrl-C sets a flag; the loop stops at the end of the iteration (a consistent state)."""

    def __init__(self):
        self.set = False
        self._old = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGINT, lambda *a: setattr(self, "set", True))
        return self

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)


def fit(model, loss, optimizer, data, *, iters: int | None = None, epochs: int | None = None,
        batch_size: int = 100, sampler: str = "epoch", eval_every: int | None = None,
        train_acc_on: str = "subset", train_acc_samples: int = 1000, regularizer=None,
        probes=(), probe_at=None, probe_every: int | None = None, seed: int = 0,
        progress: bool = True, checkpoint_dir=None, checkpoint_every: int | None = None,
        resume: bool = True) -> History:
    """Train ``model`` and return its History.

    iters / epochs: how long (one of them). sampler: "epoch" (shuffle, then consecutive
    batches) or "replacement" (the course's ``np.random.choice(N, batch_size)``).
    eval_every: iterations between evaluations (default: iters // 50). train_acc_on:
    "subset" (a fixed random ``train_acc_samples`` of the training set), "batch" (the
    current mini-batch, as the course's 2_2–2_4 notebooks) or "full".
    regularizer: nl.optim.L1/L2 — its penalty is added to the loss, its gradient to the weights.
    probes: names from nl.train.probes.PROBES, recorded at ``probe_at`` iterations or every
    ``probe_every``. checkpoint_dir: write checkpoint.npz every ``checkpoint_every`` iterations
    (default: each evaluation) and at the end; an existing one is resumed when ``resume``.
    A NaN/inf loss raises TrainingDiverged; Ctrl-C stops cleanly with status "interrupted".
    """
    x_train, y_train, x_test, y_test = unpack(data)
    n = len(x_train)
    total = check_settings(n, iters, epochs, batch_size, train_acc_on)
    eval_every = eval_every or max(total // 50, 1)
    checkpoint_every = checkpoint_every or eval_every
    probe_set = ProbeSet(probes, probe_at, probe_every) if probes else None
    rng = np.random.default_rng(seed)
    batches = BatchSampler(n, batch_size, sampler, rng)
    fixed = rng.choice(n, min(train_acc_samples, n), replace=False) if train_acc_on == "subset" else None
    params = model.parameters()
    history, start, elapsed = History(info={"iters": total, "batch_size": batch_size,
                                            "sampler": sampler, "train_acc_on": train_acc_on}), 0, 0.0
    path = Path(checkpoint_dir) / CHECKPOINT if checkpoint_dir else None
    if path is not None:
        for stale in path.parent.glob(f".{CHECKPOINT}.*.part"):   # left by a killed process
            stale.unlink()
    if path is not None and resume and path.exists():
        meta = load_checkpoint(path, model=model, optimizer=optimizer)
        start, elapsed = meta["iteration"], meta["elapsed_s"]
        history = History.from_dict(meta["history"])
        rng.bit_generator.state = meta["rng"]
        batches.restore(meta["sampler"])

    def checkpoint(it):
        if path is not None:
            save_checkpoint(path, model=model, optimizer=optimizer, meta={
                "iteration": it, "elapsed_s": elapsed + time.perf_counter() - t0,
                "rng": rng.bit_generator.state, "sampler": batches.state(), "history": history.to_dict()})

    from tqdm import tqdm
    bar = tqdm(total=total, initial=start, disable=not (progress and sys.stderr.isatty()),
               desc="train", leave=False)
    t0 = time.perf_counter()
    model.train()
    it = start
    # Overflow inside a diverging step is reported once, as TrainingDiverged naming the
    # iteration (the loss check below), instead of as scattered numpy warnings.
    with _StopFlag() as stop, bar, np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for it in range(start + 1, total + 1):
            idx = batches.next()
            x, t = x_train[idx], y_train[idx]
            traced = probe_set is not None and probe_set.wants(it)
            scores, outputs = trace_forward(model, x) if traced else (model.forward(x), None)
            value = loss.forward(scores, t)
            if regularizer is not None:
                value += regularizer.penalty(params)
            if not np.isfinite(value):
                history.losses.append(float(value))
                history.status = "diverged"
                checkpoint(it - 1)
                raise TrainingDiverged(it, value, history)
            model.backward(loss.backward())
            if regularizer is not None:
                regularizer.add_gradient(params)
            if traced:
                history.probes += probe_set.after_backward(model, it, outputs)
                probe_set.before_step(model)
            optimizer.step()
            if traced:
                history.probes += probe_set.after_step(model, it)
            model.zero_grad()
            history.losses.append(float(value))
            if it % eval_every == 0 or it == total:
                # the course's "training accuracy" is the current batch's (train_acc_on="batch")
                train_x, train_y = ((x, t) if train_acc_on == "batch" else
                                    (x_train[fixed], y_train[fixed]) if fixed is not None else
                                    (x_train, y_train))
                point = {"iteration": it, "epoch": round(it * batch_size / n, 4), "loss": float(value),
                         # training-sized batches: layers reuse their buffers (Conv2d)
                         "train_acc": accuracy(model, train_x, train_y, batch_size),
                         "test_acc": accuracy(model, x_test, y_test, batch_size),
                         "time_s": round(elapsed + time.perf_counter() - t0, 4)}
                history.points.append(point)
                bar.set_postfix(loss=f"{value:.3f}", test_acc=f"{point['test_acc']:.3f}")
            bar.update(1)
            if stop.set:
                history.status = "interrupted"
                checkpoint(it)
                return history
            if it % checkpoint_every == 0 and it < total:
                checkpoint(it)
    history.status = "finished"
    checkpoint(total)
    return history
