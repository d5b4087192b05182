"""Experiments as data: frozen dataclasses loaded from catalog/*.toml and checked field by field.

Every experiment has an ``[experiment]`` table (ExperimentSpec) and the tables of its kind:
a classification experiment has ``[defaults]`` (a RunSpec) and ``[[variants]]`` overriding
some of its fields, each with a ``label`` (shown), a ``key`` (stable: folders, the report)
and, where the course publishes one, its ``course`` result (a value or a [low, high] range).
Other kinds have a ``[params]`` table of their own dataclass (in their module in kinds/).
The component specs here (data, model, optimizer, training) are shared by the kinds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..data.specs import SPECS
from ..init import resolve
from ..layers.activations import ACTIVATIONS
from ..optim import OPTIMIZERS
from ..train.probes import PROBES
from ..train.sampling import SAMPLERS
from ..checks import refuse, require
from .architectures import ARCHITECTURES
from ..validate import at

TRAINABLE = ("all", "course-keys", "hidden-layers")


def finite(v) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v)


def check_nets(where: str, activations, inits) -> None:
    """Every activation name and every init of a sweep must be known (and the lists non-empty)."""
    require(len(activations) > 0, at(where, "activations"), "a non-empty list", list(activations))
    require(len(inits) > 0, at(where, "inits"), "a non-empty list", list(inits))
    for a in activations:
        require(a in ACTIVATIONS, at(where, "activations"), f"in {sorted(ACTIVATIONS)}", a)
    for init in inits:
        check_init(where, init)


def check_init(where: str, init) -> None:
    try:
        resolve(init)
    except ValueError as e:
        refuse(f"{where}.init", str(e).replace("initializer", "init"))


@dataclass(frozen=True)
class DataSpec:
    name: str = "mnist"
    n_train: int | None = None
    n_test: int | None = None
    subset: str = "stratified"            # or "first" (the course's x_train[:300])
    flatten: bool = True

    def check(self, where):
        require(self.name in SPECS, at(where, "name"), f"one of {sorted(SPECS)}", self.name)
        for k in ("n_train", "n_test"):
            v = getattr(self, k)
            require(v is None or v > 0, at(where, k), "a positive integer", v)
        require(self.subset in ("stratified", "first"), at(where, "subset"), "'stratified' or 'first'", self.subset)


@dataclass(frozen=True)
class ModelSpec:
    """arch "mlp" uses every field; the CNN builders use hidden[0] (their hidden layer; not
    LeNet, whose sizes are fixed), init, dropout (deep_convnet, alexnet_small), arranged
    (double_convnet) and global_pool (alexnet_small); the recurrent ones ("rnn", "lstm", "gru":
    rows as time steps → the cell → last step → Linear) hidden[0] as H, init, activation (RNN:
    "tanh" or "relu") and forget_bias (LSTM)."""
    arch: str = "mlp"
    hidden: tuple[int, ...] = (40, 20)
    activation: str = "relu"
    init: str | float = "he"
    batchnorm: bool = False
    dropout: float = 0.0
    dropout_inverted: bool = True
    arranged: bool = False
    global_pool: bool = False
    forget_bias: float = 0.0

    def check(self, where):
        require(self.arch in ARCHITECTURES, at(where, "arch"), f"one of {list(ARCHITECTURES)}", self.arch)
        require(len(self.hidden) > 0 and all(h > 0 for h in self.hidden), at(where, "hidden"), "a non-empty list of positive sizes", self.hidden)
        require(self.activation in ACTIVATIONS, at(where, "activation"), f"one of {sorted(ACTIVATIONS)}", self.activation)
        check_init(where, self.init)
        require(0 <= self.dropout < 1, at(where, "dropout"), "in [0, 1)", self.dropout)
        if self.arch == "rnn":
            require(self.activation in ("tanh", "relu"), at(where, "activation"), "'tanh' or 'relu' for arch rnn", self.activation)
        require(finite(self.forget_bias), at(where, "forget_bias"), "a finite number", self.forget_bias)


@dataclass(frozen=True)
class OptimizerSpec:
    name: str = "sgd"
    lr: float = 0.1
    momentum: float | None = None
    alpha: float | None = None
    betas: tuple[float, float] | None = None
    eps: float | None = None
    weight_decay: float | None = None
    initial_accumulator_value: float | None = None

    def check(self, where):
        require(self.name in OPTIMIZERS, at(where, "name"), f"one of {sorted(OPTIMIZERS)}", self.name)
        require(finite(self.lr) and self.lr > 0, at(where, "lr"), "> 0", self.lr)

    def kwargs(self) -> dict:
        keys = ("momentum", "alpha", "betas", "eps", "weight_decay", "initial_accumulator_value")
        return {"lr": self.lr, **{k: getattr(self, k) for k in keys if getattr(self, k) is not None}}


@dataclass(frozen=True)
class TrainSpec:
    iters: int = 2000
    batch_size: int = 100
    sampler: str = "replacement"          # the course's np.random.choice
    train_acc_on: str = "batch"           # the course's 2_2–2_4 notebooks
    eval_every: int = 10
    eval_test_samples: int | None = None  # test accuracy on a fixed subset until the last evaluation
    regularizer: str | None = None        # "l1" | "l2"
    lam: float = 0.0
    trainable: str = "all"                # "course-keys": only W1–W3, b1–b3 (2_2_2–2_4 quirk);
                                          # "hidden-layers": all but the output layer (2_5 quirk)
    probes: tuple[str, ...] = ()
    probe_at: tuple[int, ...] = ()

    def check(self, where):
        require(self.iters >= 1, at(where, "iters"), ">= 1", self.iters)
        require(self.batch_size >= 1, at(where, "batch_size"), ">= 1", self.batch_size)
        require(self.eval_every >= 1, at(where, "eval_every"), ">= 1", self.eval_every)
        require(self.eval_test_samples is None or self.eval_test_samples >= 1, at(where, "eval_test_samples"), ">= 1 (or none: the whole set)", self.eval_test_samples)
        require(self.sampler in SAMPLERS, at(where, "sampler"), f"one of {list(SAMPLERS)}", self.sampler)
        require(self.train_acc_on in ("subset", "batch", "full"), at(where, "train_acc_on"), "one of ['subset', 'batch', 'full']", self.train_acc_on)
        require(self.regularizer in (None, "l1", "l2"), at(where, "regularizer"), "'l1' or 'l2'", self.regularizer)
        require(finite(self.lam) and self.lam >= 0, at(where, "lam"), ">= 0", self.lam)
        require(self.trainable in TRAINABLE, at(where, "trainable"), f"one of {list(TRAINABLE)}", self.trainable)
        unknown = sorted(set(self.probes) - set(PROBES))
        require(not unknown, at(where, "probes"), f"some of {list(PROBES)}", list(self.probes))


CHECKPOINT_KEYS = ("100", "300", "500", "1000", "2000")   # the curriculum's curve checkpoints (§7b)


@dataclass(frozen=True)
class RunSpec:
    """One variant of a classification experiment."""
    label: str = "run"
    key: str = ""                         # filled from the label when the TOML gives none
    course: float | tuple[float, float] | None = None   # the course's result: value or range
    course_at: dict = field(default_factory=dict)  # the course's test accuracy at checkpoints:
                                          # {"100": 0.88, "1000": [0.76, 0.81], ...} (curriculum §7b)
    note: str = ""
    panel: str = ""                       # variants given a panel are drawn as small multiples
                                          # (one axes per panel, figure "panels"), not on "comparison"
    data: DataSpec = field(default_factory=DataSpec)
    model: ModelSpec = field(default_factory=ModelSpec)
    optimizer: OptimizerSpec = field(default_factory=OptimizerSpec)
    train: TrainSpec = field(default_factory=TrainSpec)

    def check(self, where):
        if isinstance(self.course, tuple):
            lo, hi = self.course
            require(0 <= lo <= hi <= 1, at(where, "course"), "[low, high] within [0, 1]", list(self.course))
        for it, value in self.course_at.items():
            require(str(it) in CHECKPOINT_KEYS, at(where, "course_at"), f"keys among {list(CHECKPOINT_KEYS)}", it)
            lo, hi = value if isinstance(value, list) and len(value) == 2 else (value, value)
            require(all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1
                        for v in (lo, hi)) and lo <= hi,
                    at(where, f"course_at.{it}"), "an accuracy or [low, high] within [0, 1]", value)


CELLS = tuple(name for name, a in ARCHITECTURES.items() if a.recurrent)     # rnn, lstm, gru


@dataclass(frozen=True)
class CellSpec:
    """One recurrent layer of a sequence experiment: nl.RNN (tanh or relu), nl.LSTM or nl.GRU."""
    label: str
    cell: str = "lstm"
    nonlinearity: str = "tanh"            # RNN only
    init: str | float = "xavier"          # a name ("xavier", "orthogonal", ...) or a float std
    forget_bias: float = 0.0              # LSTM only

    def check(self, where):
        require(self.cell in CELLS, at(where, "cell"), f"one of {list(CELLS)}", self.cell)
        require(self.nonlinearity in ("tanh", "relu"), at(where, "nonlinearity"), "'tanh' or 'relu'", self.nonlinearity)
        require(finite(self.forget_bias), at(where, "forget_bias"), "a finite number", self.forget_bias)
        check_init(where, self.init)


def check_cells(where: str, cells) -> None:
    require(len(cells) > 0, at(where, "cells"), "a non-empty list", list(cells))
    labels = [c.label for c in cells]
    require(len(set(labels)) == len(labels), at(where, "cells"), "labels without duplicates", labels)


@dataclass(frozen=True)
class ExperimentSpec:
    name: str
    title: str
    kind: str
    section: str = ""
    notebook: str = ""
    description: str = ""
    expect: str = ""                      # the course's result, in words (for summaries)
    seeds: int = 1
    params: object = None                 # the kind's parameters (classification: ClassifyParams)
    source: str = ""                      # the catalog file it came from
