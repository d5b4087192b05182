"""Mini-batch index samplers: epochs of shuffled data, or the course's draws with replacement."""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError

SAMPLERS = ("epoch", "replacement")


class BatchSampler:
    """``next()`` returns the indices of one mini-batch.

    "epoch": a fresh permutation each epoch, consecutive slices of it; the last,
             incomplete slice is dropped (every batch has ``batch_size`` samples).
    "replacement": ``rng.choice(n, batch_size)`` each time, as the course's notebooks —
             a sample can appear twice in a batch and some never in an "epoch".
    """

    def __init__(self, n: int, batch_size: int, kind: str, rng: np.random.Generator):
        if kind not in SAMPLERS:
            raise ConfigError(f"sampler must be one of {list(SAMPLERS)}; got {kind!r}")
        self.n, self.batch_size, self.kind, self.rng = n, batch_size, kind, rng
        self.perm, self.pos = None, 0

    def next(self) -> np.ndarray:
        if self.kind == "replacement":
            return self.rng.choice(self.n, self.batch_size)
        if self.perm is None or self.pos + self.batch_size > self.n:
            self.perm, self.pos = self.rng.permutation(self.n), 0
        idx = self.perm[self.pos:self.pos + self.batch_size]
        self.pos += self.batch_size
        return idx

    def state(self) -> dict:
        return {"perm": None if self.perm is None else self.perm.tolist(), "pos": self.pos}

    def restore(self, state: dict) -> None:
        self.perm = None if state["perm"] is None else np.asarray(state["perm"], dtype=np.int64)
        self.pos = state["pos"]
