"""Experiments as data: frozen dataclasses loaded from catalog/*.toml and checked field by field.

A classification experiment has ``[defaults]`` (a RunSpec) and ``[[variants]]`` that override
some of its fields, each with a ``label``. Other kinds (regression, init-histograms,
depth-gradients, optimizer-paths) have a ``[params]`` table of their own dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..data.specs import SPECS
from ..init import resolve
from ..layers.activations import ACTIVATIONS
from ..optim import OPTIMIZERS
from ..train.probes import PROBES
from ..train.sampling import SAMPLERS
from .validate import fail, require

KINDS = ("classify", "regression", "init-histograms", "depth-gradients", "optimizer-paths",
         "im2col-demo", "conv-speed", "filters")
ARCHS = ("mlp", "simple_convnet", "double_convnet", "deep_convnet", "lenet", "alexnet_small")


def check_nets(where: str, activations, inits) -> None:
    """Every activation name and every init of a sweep must be known."""
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
    (double_convnet) and global_pool (alexnet_small)."""
    arch: str = "mlp"
    hidden: tuple[int, ...] = (40, 20)
    activation: str = "relu"
    init: str | float = "he"
    batchnorm: bool = False
    dropout: float = 0.0
    dropout_inverted: bool = True
    arranged: bool = False
    global_pool: bool = False

    def check(self, where):
        require(where, "arch", self.arch, self.arch in ARCHS, f"one of {list(ARCHS)}")
        require(where, "hidden", self.hidden, len(self.hidden) > 0 and all(h > 0 for h in self.hidden),
                "a non-empty list of positive sizes")
        require(where, "activation", self.activation, self.activation in ACTIVATIONS,
                f"one of {sorted(ACTIVATIONS)}")
        check_init(where, self.init)
        require(where, "dropout", self.dropout, 0 <= self.dropout < 1, "in [0, 1)")


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
        require(where, "lr", self.lr, self.lr > 0, "> 0")

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
    regularizer: str | None = None        # "l1" | "l2"
    lam: float = 0.0
    trainable: str = "all"                # "course-keys": only W1–W3, b1–b3 (notebook quirk)
    probes: tuple[str, ...] = ()
    probe_at: tuple[int, ...] = ()

    def check(self, where):
        require(where, "iters", self.iters, self.iters >= 1, ">= 1")
        require(where, "batch_size", self.batch_size, self.batch_size >= 1, ">= 1")
        require(where, "eval_every", self.eval_every, self.eval_every >= 1, ">= 1")
        require(where, "sampler", self.sampler, self.sampler in SAMPLERS, f"one of {list(SAMPLERS)}")
        require(where, "train_acc_on", self.train_acc_on, self.train_acc_on in ("subset", "batch", "full"),
                "one of ['subset', 'batch', 'full']")
        require(where, "regularizer", self.regularizer, self.regularizer in (None, "l1", "l2"),
                "'l1' or 'l2'")
        require(where, "lam", self.lam, self.lam >= 0, ">= 0")
        require(where, "trainable", self.trainable, self.trainable in ("all", "course-keys"),
                "'all' or 'course-keys'")
        unknown = sorted(set(self.probes) - set(PROBES))
        require(where, "probes", list(self.probes), not unknown, f"some of {list(PROBES)}")


@dataclass(frozen=True)
class RunSpec:
    label: str = "run"
    note: str = ""
    data: DataSpec = field(default_factory=DataSpec)
    model: ModelSpec = field(default_factory=ModelSpec)
    optimizer: OptimizerSpec = field(default_factory=OptimizerSpec)
    train: TrainSpec = field(default_factory=TrainSpec)


# -- kinds other than classification --------------------------------------------------------

@dataclass(frozen=True)
class RegressionParams:
    """1_3: online SGD on f(x) = 3·x0 + 2·x1 with a 2-10-1 net."""
    samples: int = 100000
    steps: int = 1000
    hidden: int = 10
    lr: float = 0.07
    activation: str = "relu"
    low: float = 0.0
    high: float = 1.0

    def check(self, where):
        require(where, "steps", self.steps, self.steps >= 1, ">= 1")
        require(where, "lr", self.lr, self.lr > 0, "> 0")
        require(where, "activation", self.activation, self.activation in ACTIVATIONS,
                f"one of {sorted(ACTIVATIONS)}")
        require(where, "high", self.high, self.high > self.low, "> low")


@dataclass(frozen=True)
class InitHistParams:
    """Activation distributions of a deep net at initialisation (no training)."""
    layers: int = 5
    width: int = 100
    samples: int = 1000
    activations: tuple[str, ...] = ("sigmoid", "tanh", "relu")
    inits: tuple[str | float, ...] = (1.0, 0.01, "xavier", "he")

    def check(self, where):
        for name in ("layers", "width", "samples"):
            require(where, name, getattr(self, name), getattr(self, name) >= 1, ">= 1")
        check_nets(where, self.activations, self.inits)


@dataclass(frozen=True)
class DepthParams:
    """Per-layer gradient norms of deep nets on one real batch, at init and after training."""
    depth: int = 10
    width: int = 100
    batch_size: int = 100
    train_iters: int = 300
    lr: float = 0.1
    activations: tuple[str, ...] = ("sigmoid", "relu")
    inits: tuple[str | float, ...] = (0.01, "xavier", "he")
    batchnorm: tuple[bool, ...] = (False, True)
    data: DataSpec = field(default_factory=DataSpec)

    def check(self, where):
        require(where, "depth", self.depth, self.depth >= 2, ">= 2")
        require(where, "lr", self.lr, self.lr > 0, "> 0")
        check_nets(where, self.activations, self.inits)


@dataclass(frozen=True)
class PathOptimizer:
    label: str
    optimizer: OptimizerSpec


@dataclass(frozen=True)
class PathParams:
    """Optimizer paths on f(x, y) = x²/a + y² (the book's 2-D function), from a start point."""
    a: float = 20.0
    start: tuple[float, float] = (-7.0, 2.0)
    steps: int = 30
    optimizers: tuple[PathOptimizer, ...] = ()

    def check(self, where):
        require(where, "a", self.a, self.a > 0, "> 0")
        require(where, "steps", self.steps, self.steps >= 1, ">= 1")
        require(where, "optimizers", len(self.optimizers), len(self.optimizers) > 0, "non-empty")


@dataclass(frozen=True)
class Im2colParams:
    """The course's im2col demo: a (2, 1, 4, 4) input of integers 0–99 and a 3×3 filter."""
    shape: tuple[int, int, int, int] = (2, 1, 4, 4)
    kernel: int = 3
    stride: int = 1
    padding: int = 0
    seed: int = 0

    def check(self, where):
        require(where, "kernel", self.kernel, 1 <= self.kernel <= self.shape[2] + 2 * self.padding,
                "between 1 and the padded input height")
        require(where, "stride", self.stride, self.stride >= 1, ">= 1")


@dataclass(frozen=True)
class ConvSpeedParams:
    """im2col by naive loops, the book's method and sliding windows: time, memory, equality."""
    shapes: tuple[tuple[int, int, int, int], ...] = ((100, 1, 28, 28), (100, 16, 28, 28))
    kernel: int = 3
    padding: int = 1
    repeats: int = 5
    naive_max_samples: int = 10        # the naive loops run on this many samples and are scaled

    def check(self, where):
        require(where, "repeats", self.repeats, self.repeats >= 1, ">= 1")


@dataclass(frozen=True)
class FiltersParams:
    """First-layer filters of SimpleConvNet before and after training, and one image's maps."""
    iters: int = 300
    lr: float = 0.001
    data: DataSpec = field(default_factory=lambda: DataSpec(n_train=5000, n_test=1000, flatten=False))

    def check(self, where):
        require(where, "iters", self.iters, self.iters >= 1, ">= 1")
        require(where, "lr", self.lr, self.lr > 0, "> 0")


PARAMS = {"regression": RegressionParams, "init-histograms": InitHistParams,
          "depth-gradients": DepthParams, "optimizer-paths": PathParams,
          "im2col-demo": Im2colParams, "conv-speed": ConvSpeedParams, "filters": FiltersParams}


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
    runs: tuple[RunSpec, ...] = ()
    params: object = None
    source: str = ""                      # the catalog file it came from
