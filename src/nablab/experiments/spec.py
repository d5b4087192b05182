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
from .validate import fail, require

TRAINABLE = ("all", "course-keys", "hidden-layers")
ARCHS = ("mlp", "simple_convnet", "double_convnet", "deep_convnet", "lenet", "alexnet_small",
         "rnn", "lstm", "gru")
RECURRENT = ("rnn", "lstm", "gru")        # images read row by row: T = height steps of width pixels


def finite(v) -> bool:
    return isinstance(v, (int, float)) and math.isfinite(v)


def check_nets(where: str, activations, inits) -> None:
    """Every activation name and every init of a sweep must be known (and the lists non-empty)."""
    require(where, "activations", list(activations), len(activations) > 0, "a non-empty list")
    require(where, "inits", list(inits), len(inits) > 0, "a non-empty list")
    for a in activations:
        require(where, "activations", a, a in ACTIVATIONS, f"in {sorted(ACTIVATIONS)}")
    for init in inits:
        check_init(where, init)


def check_init(where: str, init) -> None:
    try:
        resolve(init)
    except ValueError as e:
        fail(f"{where}.init", str(e).replace("initializer", "init"))


@dataclass(frozen=True)
class DataSpec:
    name: str = "mnist"
    n_train: int | None = None
    n_test: int | None = None
    subset: str = "stratified"            # or "first" (the course's x_train[:300])
    flatten: bool = True

    def check(self, where):
        require(where, "name", self.name, self.name in SPECS, f"one of {sorted(SPECS)}")
        for k in ("n_train", "n_test"):
            v = getattr(self, k)
            require(where, k, v, v is None or v > 0, "a positive integer")
        require(where, "subset", self.subset, self.subset in ("stratified", "first"),
                "'stratified' or 'first'")


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
        require(where, "arch", self.arch, self.arch in ARCHS, f"one of {list(ARCHS)}")
        require(where, "hidden", self.hidden, len(self.hidden) > 0 and all(h > 0 for h in self.hidden),
                "a non-empty list of positive sizes")
        require(where, "activation", self.activation, self.activation in ACTIVATIONS,
                f"one of {sorted(ACTIVATIONS)}")
        check_init(where, self.init)
        require(where, "dropout", self.dropout, 0 <= self.dropout < 1, "in [0, 1)")
        if self.arch == "rnn":
            require(where, "activation", self.activation, self.activation in ("tanh", "relu"),
                    "'tanh' or 'relu' for arch rnn")
        require(where, "forget_bias", self.forget_bias, finite(self.forget_bias), "a finite number")


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
        require(where, "name", self.name, self.name in OPTIMIZERS, f"one of {sorted(OPTIMIZERS)}")
        require(where, "lr", self.lr, finite(self.lr) and self.lr > 0, "> 0")

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
        require(where, "iters", self.iters, self.iters >= 1, ">= 1")
        require(where, "batch_size", self.batch_size, self.batch_size >= 1, ">= 1")
        require(where, "eval_every", self.eval_every, self.eval_every >= 1, ">= 1")
        require(where, "eval_test_samples", self.eval_test_samples,
                self.eval_test_samples is None or self.eval_test_samples >= 1, ">= 1 (or none: the whole set)")
        require(where, "sampler", self.sampler, self.sampler in SAMPLERS, f"one of {list(SAMPLERS)}")
        require(where, "train_acc_on", self.train_acc_on, self.train_acc_on in ("subset", "batch", "full"),
                "one of ['subset', 'batch', 'full']")
        require(where, "regularizer", self.regularizer, self.regularizer in (None, "l1", "l2"),
                "'l1' or 'l2'")
        require(where, "lam", self.lam, finite(self.lam) and self.lam >= 0, ">= 0")
        require(where, "trainable", self.trainable, self.trainable in TRAINABLE, f"one of {list(TRAINABLE)}")
        unknown = sorted(set(self.probes) - set(PROBES))
        require(where, "probes", list(self.probes), not unknown, f"some of {list(PROBES)}")


@dataclass(frozen=True)
class RunSpec:
    """One variant of a classification experiment."""
    label: str = "run"
    key: str = ""                         # filled from the label when the TOML gives none
    course: float | tuple[float, float] | None = None   # the course's result: value or range
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
            require(where, "course", list(self.course), 0 <= lo <= hi <= 1, "[low, high] within [0, 1]")


CELLS = ("rnn", "lstm", "gru")


@dataclass(frozen=True)
class CellSpec:
    """One recurrent layer of a sequence experiment: nl.RNN (tanh or relu), nl.LSTM or nl.GRU."""
    label: str
    cell: str = "lstm"
    nonlinearity: str = "tanh"            # RNN only
    init: str | float = "xavier"          # a name ("xavier", "orthogonal", ...) or a float std
    forget_bias: float = 0.0              # LSTM only

    def check(self, where):
        require(where, "cell", self.cell, self.cell in CELLS, f"one of {list(CELLS)}")
        require(where, "nonlinearity", self.nonlinearity, self.nonlinearity in ("tanh", "relu"),
                "'tanh' or 'relu'")
        require(where, "forget_bias", self.forget_bias, finite(self.forget_bias), "a finite number")
        check_init(where, self.init)


def check_cells(where: str, cells) -> None:
    require(where, "cells", list(cells), len(cells) > 0, "a non-empty list")
    labels = [c.label for c in cells]
    require(where, "cells", labels, len(set(labels)) == len(labels), "labels without duplicates")


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
