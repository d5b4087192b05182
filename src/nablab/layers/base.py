"""The layer protocol and Sequential.

Every layer has ``forward(x)`` and ``backward(dy)`` side by side:

* ``forward`` caches what ``backward`` needs and returns the output;
* ``backward`` takes ∂L/∂y, *adds* ∂L/∂θ into each ``parameter.grad`` and returns
  ∂L/∂x. It never writes into ``dy`` or into the cached input, and raises
  StateError when no forward pass came first.

``train()`` / ``eval()`` flip a flag on the layer (dropout and batch norm
behave differently); there is no global mode.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from ..errors import ShapeError, StateError, shape_str
from ..parameter import Buffer, Parameter


class Layer:
    """Base class: parameter bookkeeping, child layers, train/eval, state dicts.

    Assigning a Layer (or a list/tuple of Layers) to an attribute registers it as a child, as
    PyTorch's ``Module`` and DeZero's ``Layer`` do: ``parameters()``, ``state_dict()``,
    ``modules()``, ``train()``/``eval()``, saving and probes then walk it too.

    >>> import nablab as nl
    >>> class Block(nl.Layer):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc1, self.act, self.fc2 = nl.Linear(4, 3, rng=0), nl.ReLU(), nl.Linear(3, 2, rng=0)
    ...     def forward(self, x):
    ...         return self.fc2.forward(self.act.forward(self.fc1.forward(x)))
    ...     def backward(self, dy):
    ...         return self.fc1.backward(self.act.backward(self.fc2.backward(dy)))
    >>> block = Block()
    >>> block.num_parameters(), sorted(block.state_dict())
    (23, ['fc1.W', 'fc1.b', 'fc2.W', 'fc2.b'])
    """

    def __init__(self) -> None:
        self.training = True
        self._cache = None

    def __setattr__(self, name: str, value) -> None:
        # a Layer, or a non-empty list/tuple of Layers, becomes a child under this name
        children = self.__dict__.setdefault("_children", {})
        if isinstance(value, Layer) or (isinstance(value, (list, tuple)) and value
                                         and all(isinstance(v, Layer) for v in value)):
            children[name] = value
        else:
            children.pop(name, None)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self.__dict__.get("_children", {}).pop(name, None)
        object.__delattr__(self, name)

    # -- the two methods every layer writes ------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dy: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def cached(self):
        """What forward stored for backward; raises StateError if forward never ran."""
        if self._cache is None:
            raise StateError(f"{type(self).__name__}.backward called before forward")
        return self._cache

    # -- the tree of layers -----------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, "Layer"]]:
        """Direct child layers with their names, in the order they were assigned
        (a list attribute ``blocks`` gives ``blocks.0``, ``blocks.1``, … as PyTorch's ModuleList)."""
        for name, value in self.__dict__.get("_children", {}).items():
            if isinstance(value, Layer):
                yield name, value
            else:
                for i, layer in enumerate(value):
                    yield f"{name}.{i}", layer

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, "Layer"]]:
        """This layer (named ``prefix``, "" at the top) and every layer inside it, depth first,
        with dotted names such as ``"fc1"`` or ``"0"`` (a Sequential's first layer)."""
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self) -> Iterator["Layer"]:
        """This layer and every layer inside it, depth first (a leaf yields only itself)."""
        for _, module in self.named_modules():
            yield module

    def leaves(self) -> list["Layer"]:
        """The layers that compute, in the order they were assigned (containers left out)."""
        return [m for m in self.modules()
                if next(m.named_children(), None) is None and not isinstance(m, Sequential)]

    # -- parameters and state --------------------------------------------------
    def own_parameters(self) -> list[Parameter]:
        """This layer's own parameters (not its children's), in the order they were created."""
        return [v for v in vars(self).values() if isinstance(v, Parameter)]

    def own_buffers(self) -> list[Buffer]:
        return [v for v in vars(self).values() if isinstance(v, Buffer)]

    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """(dotted name, parameter) for this layer and its children; a shared parameter once."""
        seen, out = set(), []
        for prefix, module in self.named_modules():
            for p in module.own_parameters():
                if id(p) not in seen:
                    seen.add(id(p))
                    out.append((f"{prefix}.{p.name}" if prefix else p.name, p))
        return out

    def parameters(self) -> list[Parameter]:
        """Learned parameters, children included, in the order they were created (W before b)."""
        return [p for _, p in self.named_parameters()]

    def buffers(self) -> list[Buffer]:
        return [b for m in self.modules() for b in m.own_buffers()]

    def num_parameters(self) -> int:
        """How many numbers training learns: the sizes of every parameter added up."""
        return int(sum(p.data.size for p in self.parameters()))

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.zero_grad()

    def train(self, mode: bool = True) -> "Layer":
        """Training mode (dropout drops, BN uses batch statistics) for every module inside."""
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> "Layer":
        return self.train(False)

    def _named_state(self) -> dict[str, Parameter | Buffer]:
        return {(f"{prefix}.{t.name}" if prefix else t.name): t for prefix, m in self.named_modules()
                for t in [*m.own_parameters(), *m.own_buffers()]}

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer, keyed by dotted name (``"W"``, ``"fc1.W"``,
        ``"0.running_mean"``)."""
        return {k: t.data.copy() for k, t in self._named_state().items()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy arrays into this layer's (and its children's) parameters and buffers; names and
        shapes must match."""
        own = self._named_state()
        if set(own) != set(state):
            missing, extra = sorted(set(own) - set(state)), sorted(set(state) - set(own))
            raise ShapeError(f"{type(self).__name__}: state does not match this model; "
                             f"missing {missing}, unexpected {extra}")
        for name, t in own.items():
            value = np.asarray(state[name])
            if value.shape != t.data.shape:
                raise ShapeError(
                    f"{type(self).__name__}.{name}: expected shape {shape_str(t.data.shape)}; "
                    f"got {shape_str(value.shape)}"
                )
            t.data[...] = value

    def config(self) -> dict:
        """Constructor arguments that rebuild this layer (used by nl.save / nl.load)."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        children = [f"  ({name}) " + repr(c).replace("\n", "\n  ") for name, c in self.named_children()]
        if not children:
            return f"{type(self).__name__}({args})"
        return f"{type(self).__name__}({args}\n" + "\n".join(children) + "\n)"


def check_input(layer: Layer, x: np.ndarray, expected: tuple) -> None:
    """Raise ShapeError unless x matches ``expected`` (None = any size, e.g. ``(None, 784)``)."""
    if x.ndim != len(expected) or any(e is not None and e != s for e, s in zip(expected, x.shape)):
        want = "(" + ", ".join("N" if i == 0 and e is None else ("*" if e is None else str(e))
                               for i, e in enumerate(expected)) + ")"
        raise ShapeError(f"{type(layer).__name__} expected input {want}; got {shape_str(x.shape)}")


def check_dy(layer: Layer, dy, shape: tuple) -> np.ndarray:
    """∂L/∂y has the shape of y: raise ShapeError unless ``dy`` has the ``shape`` forward returned."""
    dy = np.asarray(dy)
    if dy.shape != tuple(shape):
        raise ShapeError(f"{type(layer).__name__}.backward expected dy shaped like the forward "
                         f"output {shape_str(tuple(shape))}; got {shape_str(dy.shape)}")
    return dy


def check_image(layer: Layer, x: np.ndarray) -> None:
    """Raise ShapeError unless x is a batch of images (N, C, H, W)."""
    if x.ndim != 4:
        raise ShapeError(f"{type(layer).__name__} expected input (N, C, H, W); got {shape_str(x.shape)}")


class Sequential(Layer):
    """Layers applied in order; backward runs them in reverse.

    >>> import nablab as nl
    >>> net = nl.Sequential(nl.Linear(4, 3, rng=0), nl.ReLU(), nl.Linear(3, 2, rng=0))
    >>> net.forward(np.ones((5, 4), np.float32)).shape
    (5, 2)
    """

    def __init__(self, *layers: Layer):
        super().__init__()
        for layer in layers:
            if not isinstance(layer, Layer):
                raise TypeError(f"Sequential expects Layer objects; got {type(layer).__name__}")
        self.layers = list(layers)

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dy: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            dy = layer.backward(dy)
        return dy

    def named_children(self) -> Iterator[tuple[str, Layer]]:
        """Its layers named by position, so state_dict keys read ``"0.W"``, ``"1.gamma"``."""
        for i, layer in enumerate(self.layers):
            yield str(i), layer

    def __getitem__(self, i: int) -> Layer:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = "\n".join(f"  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"
