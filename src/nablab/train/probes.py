"""Diagnostics that show *why* a network fails to learn, recorded at chosen iterations.

=============  ===============================================================  =============
probe          what it records, per layer                                       when
=============  ===============================================================  =============
activations    mean, std and a 20-bin histogram of each activation's output     after forward
dead_relu      share of ReLU units that are 0 for every sample of the batch     after forward
grad_norms     ‖∂L/∂W‖ of each weight (勾配消失 shows as norms shrinking        after backward
               towards the input)
update_ratio   ‖ΔW‖ / ‖W‖ of each weight for this step (≈1e-3 is healthy)       around the step
bn_stats       mean running mean / running var, mean γ and β of each BatchNorm   after backward
=============  ===============================================================  =============

A probe costs nothing at iterations it does not want: the :class:`Probes` hook asks
``wants(it)`` first and only then traces the step (fit adds it when ``probes`` are named).
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from ..layers import BatchNorm, LeakyReLU, ReLU, Sigmoid, Tanh
from .hooks import Hook

PROBES = ("activations", "dead_relu", "grad_norms", "update_ratio", "bn_stats")
ACTIVATION_TYPES = (ReLU, Sigmoid, Tanh, LeakyReLU)
BINS = 20


def histogram(a: np.ndarray, layer) -> tuple[list[int], list[float]]:
    """Counts over a fixed range for bounded activations, else [min, max]."""
    if isinstance(layer, Sigmoid):
        lo, hi = 0.0, 1.0
    elif isinstance(layer, Tanh):
        lo, hi = -1.0, 1.0
    else:
        lo, hi = float(a.min()), float(max(a.max(), a.min() + 1e-6))
    counts, _ = np.histogram(a, bins=BINS, range=(lo, hi))
    return counts.tolist(), [lo, hi]


class ProbeSet:
    """The probes asked for, and the iterations they run at (a list, or every N).

    ``watch(it)`` gives the observer of iteration ``it`` (the Probes hook drives it); its
    ``records`` are what that step measured.
    """

    def __init__(self, names, at=None, every: int | None = None):
        self.names = tuple(names)
        unknown = sorted(set(self.names) - set(PROBES))
        if unknown:
            raise ConfigError(f"unknown probe(s) {unknown}; expected some of {list(PROBES)}")
        self.at = set(at or ())
        self.every = every

    def wants(self, it: int) -> bool:
        return bool(self.names) and (it in self.at or bool(self.every and it % self.every == 0))

    def watch(self, it: int) -> "Watch":
        return Watch(self.names, it)


class Watch:
    """One step's observer: traced forward, gradients after backward, weights around the update.

    Layers are numbered as ``model.leaves()`` lists them (nested Sequentials and a learner's own
    blocks included); each leaf's output is recorded as the model's own forward calls it.
    """

    def __init__(self, names: tuple[str, ...], it: int):
        self.names, self.it = names, it
        self.records: list[dict] = []
        self._outputs: dict[int, np.ndarray] = {}
        self._before: dict[int, np.ndarray] = {}

    def trace(self, model) -> None:
        """Record each leaf layer's output as the model's own forward calls it (its ``forward``
        wrapped until ``untrace``)."""
        self._traced = model.leaves()
        for i, layer in enumerate(self._traced):
            def traced(x, i=i, inner=layer.forward):
                self._outputs[i] = out = inner(x)
                return out
            object.__setattr__(layer, "forward", traced)

    def untrace(self) -> None:
        for layer in getattr(self, "_traced", []):
            object.__delattr__(layer, "forward")
        self._traced = []

    def after_backward(self, model) -> None:
        for i, layer in enumerate(model.leaves()):
            if i in self._outputs:
                self.records += self.layer_records(i, layer, self._outputs[i])
        if "update_ratio" in self.names:
            self._before = {id(p): p.data.copy() for p in model.parameters() if p.is_weight}

    def layer_records(self, i: int, layer, out: np.ndarray) -> list[dict]:
        base = {"iteration": self.it, "layer": i, "kind": type(layer).__name__}
        records = []
        if "activations" in self.names and isinstance(layer, ACTIVATION_TYPES):
            counts, edges = histogram(out, layer)
            records.append(dict(base, probe="activations", mean=float(out.mean()),
                                std=float(out.std()), hist=counts, range=edges))
        if "dead_relu" in self.names and isinstance(layer, ReLU):
            alive = (out.reshape(len(out), -1) > 0).any(axis=0)
            records.append(dict(base, probe="dead_relu", dead_share=float(1 - alive.mean()),
                                zero_share=float((out <= 0).mean())))
        if "bn_stats" in self.names and isinstance(layer, BatchNorm):
            records.append(dict(base, probe="bn_stats",
                                running_mean=float(np.abs(layer.running_mean.data).mean()),
                                running_var=float(layer.running_var.data.mean()),
                                gamma=float(layer.gamma.data.mean()), beta=float(layer.beta.data.mean())))
        if "grad_norms" in self.names:
            records += [dict(base, probe="grad_norms", param=p.name, norm=float(np.linalg.norm(p.grad)))
                        for p in layer.parameters() if p.is_weight]
        return records

    def after_step(self, model) -> None:
        if "update_ratio" not in self.names:
            return
        for i, layer in enumerate(model.leaves()):
            for p in layer.parameters():
                if id(p) in self._before:
                    old = self._before[id(p)]
                    ratio = np.linalg.norm(p.data - old) / max(np.linalg.norm(old), 1e-12)
                    self.records.append({"iteration": self.it, "layer": i, "kind": type(layer).__name__,
                                         "probe": "update_ratio", "param": p.name, "ratio": float(ratio)})


class Probes(Hook):
    """A ProbeSet as an ordinary hook: at the iterations it wants, every leaf's output is traced
    during forward, gradients are read after backward, weights compared around the update, and
    the records join ``loop.history.probes`` when the step ends."""

    def __init__(self, probe_set: ProbeSet):
        self.set, self.watch = probe_set, None

    def on_step_start(self, loop, it: int) -> None:
        if self.set.wants(it):
            self.watch = self.set.watch(it)
            self.watch.trace(loop.model)

    def on_after_backward(self, loop, it: int) -> None:
        if self.watch is not None:
            self.watch.untrace()
            self.watch.after_backward(loop.model)

    def on_step_end(self, loop, it: int, logs: dict) -> None:
        if self.watch is not None:
            self.watch.after_step(loop.model)
            loop.history.probes += self.watch.records
            self.watch = None

    def on_fit_end(self, loop, logs: dict) -> None:
        if self.watch is not None:           # a step that diverged before its backward
            self.watch.untrace()
            self.watch = None
