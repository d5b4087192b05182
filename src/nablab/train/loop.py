"""nl.fit: the training loop of the course's notebooks, with their conventions as options."""

from __future__ import annotations

import signal
import threading

import numpy as np

from ..checks import is_int, one_of, positive_int, require
from ..errors import ConfigError, DataError, NablabError
from .checkpoint import plain
from .history import History
from .hooks import Checkpoints, Evaluate, Loop, ProgressBar
from .probes import Probes, ProbeSet
from .sampling import BatchSampler
from .step import train_step

TRAIN_ACC_ON = ("subset", "batch", "full")


class TrainingDiverged(NablabError):
    """The loss became NaN or infinite. ``.iteration`` says when; ``.history`` keeps the run so far."""

    def __init__(self, iteration: int, value: float, history: History):
        super().__init__(f"training diverged at iteration {iteration}: loss = {value}; "
                         f"try a smaller learning rate")
        self.iteration, self.history = iteration, history


SPLITS = ("x_train", "y_train", "x_test", "y_test")


def unpack(data) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x_train, y_train, x_test, y_test) as arrays (lists are converted), checked: numbers,
    as many labels as samples, a non-empty test set, no NaN or inf in the inputs."""
    if hasattr(data, "x_train"):
        data = tuple(getattr(data, name) for name in SPLITS)
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise ConfigError("fit: data must be a Dataset or a tuple (x_train, y_train, x_test, y_test)")
    arrays = []
    for name, a in zip(SPLITS, data):
        a = np.asarray(a)
        if a.dtype.kind not in "fiu" or a.ndim == 0 or len(a) == 0:
            raise ConfigError(f"fit: {name} must be a non-empty array of numbers; got "
                              f"{a.dtype} of shape {a.shape}")
        arrays.append(a)
    for split in ("train", "test"):
        x, y = arrays[SPLITS.index(f"x_{split}")], arrays[SPLITS.index(f"y_{split}")]
        if len(x) != len(y):
            raise ConfigError(f"fit: x_{split} holds {len(x):,} samples but y_{split} {len(y):,} labels")
        bad = np.flatnonzero(~np.isfinite(x).reshape(len(x), -1).all(axis=1)) if x.dtype.kind == "f" else []
        if len(bad):
            raise DataError(f"fit: x_{split} holds NaN or inf in {len(bad):,} sample(s), the first "
                            f"at index {bad[0]}; training on them would only diverge")
    return tuple(arrays)


def check_optimizer(model, optimizer) -> None:
    """The optimizer must update this model's parameters (not another model's)."""
    own = {id(p) for p in model.parameters()}
    foreign = [p for p in optimizer.params if id(p) not in own]
    if foreign:
        raise ConfigError(f"fit: the optimizer updates {len(foreign)} parameter(s) that are not this "
                          f"model's ({foreign[0]!r}, ...); build it over model.parameters()")


def check_settings(n: int, iters, epochs, batch_size, train_acc_on, eval_every) -> int:
    """Validate fit's settings; return the number of iterations."""
    if (iters is None) == (epochs is None):
        raise ConfigError(f"fit: give exactly one of iters or epochs; got iters={iters}, epochs={epochs}")
    require(is_int(batch_size) and 0 < batch_size <= n, "fit: batch_size",
            f"an int in [1, {n}] (the number of training samples)", batch_size)
    total = iters if iters is not None else (epochs * (n // batch_size) if is_int(epochs) else epochs)
    positive_int("fit: iters" if iters is not None else "fit: epochs × (samples // batch_size)", total)
    one_of("fit: train_acc_on", train_acc_on, TRAIN_ACC_ON)
    if eval_every is not None:
        positive_int("fit: eval_every", eval_every)
    return int(total)


class StopFlag:
    """Ctrl-C sets a flag; the loop stops at the end of the iteration (a consistent state).

    ``held``: a Ctrl-C that came while no training ran, in a process that holds it (hold_ctrl_c,
    the experiments' pool workers); the next fit takes it and stops at its first step."""
    held = False

    def __init__(self):
        self.set = False
        self._old = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._old = signal.signal(signal.SIGINT, lambda *a: setattr(self, "set", True))
            self.set, StopFlag.held = StopFlag.held, False
        return self

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)


def hold_ctrl_c() -> None:
    """In a worker process: a Ctrl-C outside fit does not stop the process, it is remembered
    (StopFlag.held) and stops the next training at its first step — so one that arrives while a
    task is still loading its data is not lost."""
    signal.signal(signal.SIGINT, lambda *a: setattr(StopFlag, "held", True))


def fit(model, loss, optimizer, data, *, iters: int | None = None, epochs: int | None = None,
        batch_size: int = 100, sampler: str = "epoch", eval_every: int | None = None,
        train_acc_on: str = "subset", train_acc_samples: int = 1000, eval_test_samples: int | None = None,
        regularizer=None, clip: float | None = None, batches=None, metric: str = "accuracy",
        probes=(), probe_at=None, probe_every: int | None = None, seed: int = 0,
        progress: bool = True, checkpoint_dir=None, checkpoint_every: int | None = None,
        resume: bool = True, hooks=()) -> History:
    """Train ``model`` with ``train_step`` for ``iters`` (or ``epochs``); return its History.

    sampler "epoch" | "replacement" (the course's np.random.choice); eval_every (default
    iters // 50), train_acc_on "subset" | "batch" | "full" and eval_test_samples (a fixed test
    subset until the last evaluation): see Evaluate; regularizer nl.optim.L1 / L2; clip: gradients'
    joint norm at most this; batches: ``it → (x, t)``, fresh data each step instead of the sampler
    (``data`` then may be ``(x_test, y_test)``; no checkpoints); metric "accuracy" or "loss" (on the
    test set); probes (PROBES) at ``probe_at`` or every ``probe_every``; checkpoint_dir: checkpoints
    every ``checkpoint_every`` (default eval_every), resumed when ``resume``; hooks: Hook objects
    (hooks.py). NaN/inf raises TrainingDiverged; Ctrl-C ends with status "interrupted"."""
    if batches is not None and isinstance(data, (tuple, list)) and len(data) == 2:
        data = (data[0][:1], data[1][:1], *data)         # no training set: batches come from ``batches``
    x_train, y_train, *_ = split = unpack(data)
    total = check_settings(len(x_train), iters, epochs, batch_size if batches is None else 1, train_acc_on, eval_every)
    check_optimizer(model, optimizer)
    check_options(seed, metric, batches, checkpoint_dir, eval_test_samples)
    eval_every = eval_every or max(total // 50, 1)
    rng = np.random.default_rng(seed)
    settings = {"batch_size": batch_size, "sampler": sampler, "eval_every": eval_every, "train_acc_on": train_acc_on,
                "train_acc_samples": train_acc_samples, "eval_test_samples": eval_test_samples,
                "probes": list(probes), "seed": seed}
    loop = Loop(model, optimizer, total, rng, BatchSampler(len(x_train), min(batch_size, len(x_train)), sampler, rng),
                History(info={"iters": total, **({k: settings[k] for k in ("batch_size", "sampler", "train_acc_on")}
                                                 if batches is None else {})}))
    evaluate = Evaluate(split if batches is None else (None, None, *split[2:]), eval_every, train_acc_on,
                        train_acc_samples, rng, eval_test_samples, np.random.default_rng([seed, 1]), metric, loss)
    hooks = [ProgressBar(progress), Checkpoints(checkpoint_dir, checkpoint_every or eval_every, resume,
                                                fingerprint(model, optimizer, split, regularizer, **settings)),
             *([Probes(ProbeSet(probes, probe_at, probe_every))] if probes else []), *hooks]
    return run_loop(loop, hooks, evaluate, loss, regularizer, clip, batches or sampled(loop, x_train, y_train))


def check_options(seed, metric, batches, checkpoint_dir, eval_test_samples) -> None:
    require(is_int(seed), "fit: seed", "an int", seed)
    one_of("fit: metric", metric, ("accuracy", "loss"))
    if batches is not None and checkpoint_dir is not None:
        raise ConfigError("fit: checkpoints resume fit's own sampler; with batches=… give no checkpoint_dir")
    if eval_test_samples is not None:
        positive_int("fit: eval_test_samples", eval_test_samples)


def sampled(loop: Loop, x_train: np.ndarray, y_train: np.ndarray):
    """Each step's batch from the loop's sampler: it → (x, t)."""
    def draw(it: int) -> tuple:
        idx = loop.batches.next()
        return x_train[idx], y_train[idx]
    return draw


def fingerprint(model, optimizer, data, regularizer, **settings) -> dict:
    """What produced a checkpoint: architecture, optimizer class and settings (and how many
    parameters it updates), fit's settings, the data's shapes. A resume must match it — except
    the number of iterations, which may grow (train a finished run for longer)."""
    from ..saving import architecture
    return plain({"model": architecture(model),
            "optimizer": {"type": type(optimizer).__name__, "hyper": dict(optimizer.hyper),
                          "parameters": len(optimizer.params)},
            "regularizer": repr(regularizer), "fit": settings,
            "data": {name: list(np.shape(a)) for name, a in zip(("x_train", "y_train", "x_test", "y_test"), data)}})


def run_loop(loop: Loop, hooks: list, evaluate, loss, regularizer, clip, draw) -> History:
    """The loop itself: draw a batch, ``train_step``, evaluate when due, telling every hook at
    each moment (hooks.py); stop on NaN or Ctrl-C."""
    for hook in hooks:
        hook.on_fit_start(loop)
    loop.model.train()
    # Overflow inside a diverging step is reported once, as TrainingDiverged naming the
    # iteration, instead of as scattered numpy warnings.
    with StopFlag() as stop, np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for it in range(loop.start + 1, loop.total + 1):
            loop.batch = draw(it)
            for hook in hooks:
                hook.on_step_start(loop, it)
            value = train_step(loop.model, loss, loop.optimizer, *loop.batch, regularizer, clip=clip,
                               after_backward=lambda: [h.on_after_backward(loop, it) for h in hooks])
            loop.history.losses.append(value)
            if not np.isfinite(value):
                end(loop, hooks, "diverged")
                raise TrainingDiverged(it, value, loop.history)
            loop.iteration = it
            if evaluate.due(loop, it):
                loop.history.points.append(point := evaluate(loop, it))
                for hook in hooks:
                    hook.on_evaluate(loop, it, dict(point))
            for hook in hooks:
                hook.on_step_end(loop, it, {"loss": value})
            if stop.set:
                return end(loop, hooks, "interrupted")
    return end(loop, hooks, "finished")


def end(loop: Loop, hooks: list, status: str) -> History:
    """Close the loop: the status into the history, then every hook's ``on_fit_end`` (checkpoint, bar)."""
    loop.history.status = status
    for hook in hooks:
        hook.on_fit_end(loop, {"status": status})
    return loop.history
