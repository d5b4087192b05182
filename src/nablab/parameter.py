"""Parameters (learned) and buffers (tracked, not learned)."""

from __future__ import annotations

import numpy as np

from .checks import float_dtype


class Parameter:
    """A learned array and its gradient.

    Attributes
    ----------
    data : ndarray
        The value, updated in place by an optimizer.
    grad : ndarray
        Same shape and dtype as ``data``. ``Layer.backward`` *adds* into it;
        ``zero_grad()`` clears it.
    name : str
        The course's name: ``"W"``, ``"b"``, ``"gamma"``, ``"beta"``.
    is_weight : bool
        True for weight matrices/filters (``W``). L1/L2 regularizers act on
        these only, never on biases or batch-norm parameters.

    >>> p = Parameter(np.ones((2, 3)), "W", is_weight=True)
    >>> p.grad.shape
    (2, 3)
    """

    __slots__ = ("data", "grad", "name", "is_weight")

    def __init__(self, data: np.ndarray, name: str, *, is_weight: bool = False):
        self.data = np.asarray(data)
        float_dtype(f"parameter {name}: dtype", self.data.dtype)     # no ints, complex, objects
        self.grad = np.zeros_like(self.data)
        self.name = name
        self.is_weight = is_weight

    def zero_grad(self) -> None:
        self.grad[...] = 0

    def __repr__(self) -> str:
        return f"Parameter({self.name}, shape={self.data.shape}, dtype={self.data.dtype})"


class Buffer:
    """A tracked array that is not learned (e.g. BatchNorm running statistics).

    Buffers are saved in ``state_dict()`` but are not returned by
    ``parameters()``, so optimizers never touch them.
    """

    __slots__ = ("data", "name")

    def __init__(self, data: np.ndarray, name: str):
        self.data = np.asarray(data)
        self.name = name

    def __repr__(self) -> str:
        return f"Buffer({self.name}, shape={self.data.shape}, dtype={self.data.dtype})"
