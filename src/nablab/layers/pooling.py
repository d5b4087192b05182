"""Pooling (プーリング層): max, average and global average over windows."""

from __future__ import annotations

import numpy as np

from ..checks import positive_int, require
from ..errors import ConfigError, ShapeError
from ..functional import conv_output_size
from ..im2col import pad
from .base import Layer, check_dy, check_image


def same_order(a: np.ndarray, b: np.ndarray) -> bool:
    """Do a and b lay out their (equal-shaped) axes in the same order in memory?"""
    return np.argsort(a.strides).tolist() == np.argsort(b.strides).tolist()


def copy_like(a: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """A copy of ``a`` in the memory order of ``ref`` (e.g. channel-first after a Conv2d)."""
    out = np.empty_like(ref, dtype=a.dtype)
    out[...] = a
    return out


class _Pool2d(Layer):
    """Shared by max and average pooling: sizes, padding, and the loop over kernel offsets.

    ``offsets(xp)`` yields, for every (i, j) of the k×k window in row-major order, the
    strided slice of the padded input holding that window entry for every output position
    (N, C, OH, OW) — k² array operations per call, never a loop over pixels. Outputs keep
    the input's memory order (``order="K"``): after a Conv2d that is channel-first.
    """

    pad_value = 0.0

    def __init__(self, kernel_size: int, stride: int | None = None, padding: int = 0):
        super().__init__()
        name = type(self).__name__
        self.kernel_size = positive_int(f"{name}: kernel_size", kernel_size)
        self.stride = positive_int(f"{name}: stride", kernel_size if stride is None else stride)
        self.padding = positive_int(f"{name}: padding", padding, minimum=0)
        require(self.padding <= self.kernel_size // 2, f"{name}: padding",
                f"at most kernel_size // 2 = {self.kernel_size // 2}", padding)

    def padded(self, x):
        """The input padded with ``pad_value`` and the output size (OH, OW)."""
        check_image(self, x)
        k, s, p = self.kernel_size, self.stride, self.padding
        try:
            oh, ow = (conv_output_size(d, k, s, p) for d in x.shape[2:])
        except ConfigError as e:
            raise ShapeError(f"{type(self).__name__}: {e}") from e
        xp = pad(x, p, self.pad_value) if p else x
        return xp, oh, ow

    def offsets(self, a, oh, ow):
        s = self.stride
        for i in range(self.kernel_size):
            for j in range(self.kernel_size):
                yield (slice(None), slice(None), slice(i, i + s * oh, s), slice(j, j + s * ow, s))

    def unpad(self, dxp):
        p = self.padding
        return dxp[:, :, p:dxp.shape[2] - p, p:dxp.shape[3] - p] if p else dxp

    def config(self):
        return {"kernel_size": self.kernel_size, "stride": self.stride, "padding": self.padding}


class MaxPool2d(_Pool2d):
    """y = max over each k×k window (stride S, padding with −∞), per channel.

    Forward keeps, for every window, which of its k² entries won (a strict ">" scan in
    row-major order, so with ties the *first* maximum wins, as in PyTorch's CPU kernel and
    the course's argmax). Backward sends dy to that entry only.
    """

    pad_value = -np.inf

    def forward(self, x):
        xp, oh, ow = self.padded(x)
        y, winner = None, None
        for o, idx in enumerate(self.offsets(xp, oh, ow)):
            if y is None:
                y = xp[idx].copy(order="K")
                winner = np.zeros_like(y, dtype=np.uint8)     # k² ≤ 255 window entries
                continue
            better = xp[idx] > y                              # strictly: ties keep the first
            np.maximum(y, xp[idx], out=y)
            winner *= ~better                                 # winner = o where better
            winner += better * np.uint8(o)
        self._cache = (xp.shape, winner, x)
        return y

    def backward(self, dy):
        xp_shape, winner, x = self.cached()
        dy = check_dy(self, dy, winner.shape)                 # (N, C, OH, OW)
        k, s, p = self.kernel_size, self.stride, self.padding
        oh, ow = winner.shape[2:]
        tiles = p == 0 and s == k and xp_shape[2] == k * oh and xp_shape[3] == k * ow
        if not same_order(dy, winner):
            dy = copy_like(dy, winner)                        # one memory order for every op
        # Non-overlapping windows that tile the input: each pixel is written exactly once.
        dxp = np.empty_like(x, dtype=dy.dtype) if tiles else np.zeros(xp_shape, dtype=dy.dtype)
        for o, idx in enumerate(self.offsets(dxp, oh, ow)):
            if tiles:
                np.multiply(dy, winner == o, out=dxp[idx])
            else:
                dxp[idx] += dy * (winner == o)
        return dxp if tiles else self.unpad(dxp)


class AvgPool2d(_Pool2d):
    """y = mean over each k×k window; padded zeros count (PyTorch's count_include_pad=True).

    Backward: every entry of a window receives dy / k².
    """

    def forward(self, x):
        xp, oh, ow = self.padded(x)
        y = None
        for idx in self.offsets(xp, oh, ow):
            y = xp[idx].copy(order="K") if y is None else np.add(y, xp[idx], out=y)
        self._cache = (xp, oh, ow)
        return y / self.kernel_size ** 2

    def backward(self, dy):
        xp, oh, ow = self.cached()
        dy = check_dy(self, dy, (*xp.shape[:2], oh, ow))
        dxp = np.zeros_like(xp, dtype=dy.dtype)
        share = dy / self.kernel_size ** 2
        for idx in self.offsets(dxp, oh, ow):
            dxp[idx] += share
        return self.unpad(dxp)


class GlobalAvgPool2d(Layer):
    """(N, C, H, W) → (N, C): the mean of each channel (in place of Flatten before the classifier)."""

    def forward(self, x):
        check_image(self, x)
        self._cache = x.shape
        return x.mean(axis=(2, 3))

    def backward(self, dy):
        n, c, h, w = self.cached()
        dy = check_dy(self, dy, (n, c))
        return np.broadcast_to((dy / (h * w))[:, :, None, None], (n, c, h, w)).copy()
