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
    """Base class: parameter bookkeeping, train/eval, state dicts."""

    def __init__(self) -> None:
        self.training = True
        self._cache = None

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

    # -- parameters and state --------------------------------------------------
    def parameters(self) -> list[Parameter]:
        """Learned parameters, in the order they were created (W before b)."""
        return [v for v in vars(self).values() if isinstance(v, Parameter)]

    def buffers(self) -> list[Buffer]:
        return [v for v in vars(self).values() if isinstance(v, Buffer)]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.zero_grad()

    def modules(self) -> Iterator["Layer"]:
        """This layer and every layer inside it, depth first (a leaf yields only itself)."""
        yield self

    def leaves(self) -> list["Layer"]:
        """The layers that compute, in the order forward runs them (containers left out)."""
        return [m for m in self.modules() if not isinstance(m, Sequential)]

    def train(self, mode: bool = True) -> "Layer":
        """Training mode (dropout drops, BN uses batch statistics) for every module inside."""
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> "Layer":
        return self.train(False)

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer, keyed by name (``"W"``, ``"running_mean"``)."""
        return {t.name: t.data.copy() for t in [*self.parameters(), *self.buffers()]}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy arrays into this layer's parameters and buffers; names and shapes must match."""
        own = {t.name: t for t in [*self.parameters(), *self.buffers()]}
        if set(own) != set(state):
            raise ShapeError(
                f"{type(self).__name__}: state keys {sorted(state)} do not match "
                f"expected {sorted(own)}"
            )
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
        return f"{type(self).__name__}({args})"


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

    def parameters(self) -> list[Parameter]:
        return [p for layer in self.layers for p in layer.parameters()]

    def buffers(self) -> list[Buffer]:
        return [b for layer in self.layers for b in layer.buffers()]

    def modules(self) -> Iterator[Layer]:
        yield self
        for layer in self.layers:
            yield from layer.modules()

    def state_dict(self) -> dict[str, np.ndarray]:
        """Keys are ``"<index>.<name>"``, e.g. ``"0.W"``, ``"1.gamma"``."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers)
                for k, v in layer.state_dict().items()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        expected = set(self.state_dict())
        if set(state) != expected:
            missing, extra = sorted(expected - set(state)), sorted(set(state) - expected)
            raise ShapeError(f"Sequential: state does not match this model; missing {missing}, "
                             f"unexpected {extra}")
        for i, layer in enumerate(self.layers):
            prefix = f"{i}."
            layer.load_state_dict({k[len(prefix):]: v for k, v in state.items()
                                   if k.startswith(prefix)})

    def __getitem__(self, i: int) -> Layer:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __repr__(self) -> str:
        inner = "\n".join(f"  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"
