"""What ``fit`` does around each step, as small hook objects (the callback idea of Keras and
Lightning, kept tiny).

A hook has these moments, each optional; ``logs`` is a dict of the values just logged:

    on_fit_start(loop)                  before the first iteration (a checkpoint may move loop.start)
    on_step_start(loop, it)             before step ``it`` (the batch is ``loop.batch``)
    on_after_backward(loop, it)         the gradients are in each p.grad, before the update
    on_evaluate(loop, it, logs)         an evaluation just ended: logs = the point added to the history
                                        (iteration, epoch, loss, train_acc, test_acc or test_loss, time_s)
    on_step_end(loop, it, logs)         step ``it`` is over (and evaluated, when due): logs = {"loss"}
    on_fit_end(loop, logs)              once, when the loop stops: logs = {"status"}

No hook reads another hook's state, and none depends on the order of the others: evaluation is
the loop's (an :class:`Evaluate`), and every hook is told its values through ``on_evaluate``.
``loop`` is the :class:`Loop`: the model, optimizer, history, sampler, random generator and
clock of one ``fit`` call.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..files import remove_stale_parts
from .checkpoint import load_checkpoint, save_checkpoint
from .history import History
from .sampling import BatchSampler

CHECKPOINT = "checkpoint.npz"


@dataclass
class Loop:
    """Where one training loop stands; what the hooks read and move."""
    model: object
    optimizer: object
    total: int                            # the last iteration
    rng: np.random.Generator
    batches: BatchSampler
    history: History
    start: int = 0                        # the loop continues after this iteration (resume)
    elapsed: float = 0.0                  # seconds spent in earlier sessions
    iteration: int = 0                    # the last finished iteration
    batch: tuple = ()                     # (x, t) of the last step
    t0: float = field(default_factory=time.perf_counter)

    def seconds(self) -> float:
        return self.elapsed + time.perf_counter() - self.t0


class Hook:
    """The moments of a training loop; a hook overrides the ones it needs."""

    def on_fit_start(self, loop: Loop) -> None:
        pass

    def on_step_start(self, loop: Loop, it: int) -> None:
        pass

    def on_after_backward(self, loop: Loop, it: int) -> None:
        pass

    def on_evaluate(self, loop: Loop, it: int, logs: dict) -> None:
        pass

    def on_step_end(self, loop: Loop, it: int, logs: dict) -> None:
        pass

    def on_fit_end(self, loop: Loop, logs: dict) -> None:
        pass


def accuracy(model, x, y, batch: int = 500) -> float:
    """Share of argmax(scores) == class, in evaluation mode (dropout off, BN running stats)."""
    was_training = model.training
    model.eval()
    ids = y.argmax(axis=1) if y.ndim == 2 else y
    hits = sum(int((model.forward(x[i:i + batch]).argmax(axis=1) == ids[i:i + batch]).sum())
               for i in range(0, len(x), batch))
    model.train(was_training)
    return hits / max(len(x), 1)


class Evaluate:
    """Every ``every`` iterations and at the last: the loss, the metric on the training and test
    data, the time — one point of the history. Called by the loop, which then tells every hook.

    metric "accuracy": train_acc and test_acc. train_acc_on: "subset" (a fixed random ``samples`` of
    the training set, drawn now from ``rng``), "batch" (the current mini-batch, as the course's
    2_2–2_4 notebooks) or "full". test_samples: test accuracy on a fixed random subset of that many
    test images (drawn from ``test_rng``, so the training stream is unchanged), except at the last
    iteration: the whole set. metric "loss": test_loss, the training loss function on the whole test
    set in evaluation mode (regression, the adding problem).
    """

    def __init__(self, data: tuple, every: int, train_acc_on: str, samples: int, rng,
                 test_samples: int | None = None, test_rng=None, metric: str = "accuracy", loss=None):
        self.x_train, self.y_train, self.x_test, self.y_test = data
        self.every, self.on, self.metric, self.loss = every, train_acc_on, metric, loss
        n = len(self.x_train) if self.x_train is not None else 0
        self.fixed = rng.choice(n, min(samples, n), replace=False) if train_acc_on == "subset" and n else None
        # test accuracy between evaluations on a fixed subset; the whole test set at the last one
        m = len(self.y_test)
        self.test_subset = (test_rng.choice(m, test_samples, replace=False)
                            if test_samples is not None and test_samples < m else None)

    def due(self, loop: Loop, it: int) -> bool:
        return it % self.every == 0 or it == loop.total

    def training_set(self, loop: Loop) -> tuple:
        if self.on == "batch" or self.x_train is None:
            return loop.batch
        if self.fixed is not None:
            return self.x_train[self.fixed], self.y_train[self.fixed]
        return self.x_train, self.y_train

    def __call__(self, loop: Loop, it: int) -> dict:
        point = {"iteration": it}
        if self.x_train is not None:
            point["epoch"] = round(it * loop.batches.batch_size / len(self.x_train), 4)
        point["loss"] = loop.history.losses[-1]
        if self.metric == "loss":
            was_training = loop.model.training
            point["test_loss"] = float(self.loss.forward(loop.model.eval().forward(self.x_test), self.y_test))
            loop.model.train(was_training)
        else:
            size = loop.batches.batch_size            # training-sized batches: Conv2d reuses buffers
            x, t = self.training_set(loop)
            x_test, y_test = self.x_test, self.y_test
            if self.test_subset is not None and it != loop.total:
                x_test, y_test = x_test[self.test_subset], y_test[self.test_subset]
            point.update(train_acc=accuracy(loop.model, x, t, size),
                         test_acc=accuracy(loop.model, x_test, y_test, size))
        point["time_s"] = round(loop.seconds(), 4)
        return point


class ProgressBar(Hook):
    """A tqdm bar on a terminal (nothing when stderr is not a TTY or ``show`` is False)."""

    def __init__(self, show: bool):
        self.show = show

    def on_fit_start(self, loop: Loop) -> None:
        from tqdm import tqdm
        self.bar = tqdm(total=loop.total, initial=loop.start, desc="train", leave=False,
                        disable=not (self.show and sys.stderr.isatty()))

    def on_evaluate(self, loop: Loop, it: int, logs: dict) -> None:
        shown = {k: f"{logs[k]:.3f}" for k in ("loss", "test_acc", "test_loss") if k in logs}
        self.bar.set_postfix(**shown)

    def on_step_end(self, loop: Loop, it: int, logs: dict) -> None:
        self.bar.update(1)

    def on_fit_end(self, loop: Loop, logs: dict) -> None:
        self.bar.close()


class Checkpoints(Hook):
    """checkpoint.npz in ``folder``: resumed at start (when ``resume``), written every
    ``every`` iterations and when the loop ends. Each write is atomic (SIGKILL-safe)."""

    def __init__(self, folder, every: int, resume: bool = True, fingerprint: dict | None = None):
        self.path = Path(folder) / CHECKPOINT if folder else None
        self.every, self.resume, self.fingerprint = every, resume, fingerprint

    def on_fit_start(self, loop: Loop) -> None:
        if self.path is None:
            return
        remove_stale_parts(self.path.parent, CHECKPOINT)        # left by a killed process only
        if self.resume and self.path.exists():
            meta = load_checkpoint(self.path, model=loop.model, optimizer=loop.optimizer,
                                   expect=self.fingerprint)
            if meta["iteration"] > loop.total:
                raise ConfigError(f"{self.path} is at iteration {meta['iteration']}, beyond the "
                                  f"{loop.total} asked for; ask for at least as many, or delete it")
            loop.start = loop.iteration = meta["iteration"]
            loop.elapsed = meta["elapsed_s"]
            loop.history = History.from_dict(meta["history"])
            loop.rng.bit_generator.state = meta["rng"]
            loop.batches.restore(meta["sampler"])

    def save(self, loop: Loop) -> None:
        save_checkpoint(self.path, model=loop.model, optimizer=loop.optimizer, meta={
            "fingerprint": self.fingerprint, "iteration": loop.iteration, "elapsed_s": loop.seconds(), "rng": loop.rng.bit_generator.state,
            "sampler": loop.batches.state(), "history": loop.history.to_dict()})

    def on_step_end(self, loop: Loop, it: int, logs: dict) -> None:
        if self.path is not None and it % self.every == 0 and it < loop.total:
            self.save(loop)

    def on_fit_end(self, loop: Loop, logs: dict) -> None:
        if self.path is not None:
            self.save(loop)
