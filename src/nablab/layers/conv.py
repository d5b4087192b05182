"""2-D convolution (畳み込み層) as unfold + one matrix product per sample batch."""

from __future__ import annotations

import numpy as np

from ..checks import as_rng, positive_int
from ..errors import ConfigError, ShapeError
from ..functional import conv_output_size
from ..im2col import columns, columns_to_image
from ..init import resolve
from ..parameter import Parameter
from .base import Layer, check_dy, check_input


class Conv2d(Layer):
    """y[n, f] = Σ_c W[f, c] ⋆ x_pad[n, c] + b[f], with stride S and zero padding P (NCHW).

    Shapes: x (N, C, H, W), W (F, C, kH, kW), y (N, F, OH, OW), OH = (H + 2P − kH)/S + 1.
    Forward:  cols = columns(x) (C·kH·kW, N·OH·OW);  y = W_mat @ cols + b   (F, N·OH·OW)
    Backward: ∂L/∂W += dy_mat colsᵀ;  ∂L/∂b += Σ dy;  ∂L/∂x = col2im(W_matᵀ dy_mat).
    With stride 1 the same ∂L/∂x is computed as a "full" convolution of dy with the filters
    rotated by 180° (channels swapped): ∂L/∂x = W_rot_mat @ columns(dy, padding k − 1 − P),
    again one matrix product; otherwise (strides, or a layer that widens a lot, where the
    full convolution's columns would be large) W_matᵀ dy_mat is formed and col2im'd.

    Memory layout: the product gives y as (F, N, OH, OW); it is returned as a transposed
    view with shape (N, F, OH, OW). The next Conv2d reads it channel-first again, so the
    columns are built from contiguous slices and no transpose is ever copied.

    >>> conv = Conv2d(1, 1, 2, padding=1, rng=0)
    >>> conv.forward(np.zeros((1, 1, 6, 6), np.float32)).shape   # 確認テスト: 6×6, 2×2, P1 → 7×7
    (1, 1, 7, 7)
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, *, stride: int = 1,
                 padding: int = 0, init="he", rng=None, dtype=np.float32):
        super().__init__()
        self.in_channels = positive_int("Conv2d: in_channels", in_channels)
        self.out_channels = positive_int("Conv2d: out_channels", out_channels)
        self.kernel_size = positive_int("Conv2d: kernel_size", kernel_size)
        self.stride = positive_int("Conv2d: stride", stride)
        self.padding = positive_int("Conv2d: padding", padding, minimum=0)
        self.init = init
        shape = (out_channels, in_channels, kernel_size, kernel_size)
        self.W = Parameter(resolve(init)(shape, rng=as_rng(rng), dtype=dtype), "W", is_weight=True)
        self.b = Parameter(np.zeros(out_channels, dtype=dtype), "b")
        self._buffer = None             # the columns matrix, reused while shapes repeat
        self._dbuffer = None            # the same for dy in backward

    def output_shape(self, h: int, w: int) -> tuple[int, int]:
        k, s, p = self.kernel_size, self.stride, self.padding
        try:
            return conv_output_size(h, k, s, p), conv_output_size(w, k, s, p)
        except ConfigError as e:
            raise ShapeError(f"Conv2d: {e}") from e

    def forward(self, x):
        check_input(self, x, (None, self.in_channels, None, None))
        x = x.astype(self.W.data.dtype, copy=False)
        n = x.shape[0]
        oh, ow = self.output_shape(*x.shape[2:])
        k = self.kernel_size
        # The columns matrix is the largest array of a CNN step (e.g. 144 × 78,400 floats);
        # refilling last step's buffer saves the OS from mapping fresh pages every step.
        self._buffer, out = workspace(self._buffer, (self.in_channels * k * k, n * oh * ow), x.dtype)
        cols = columns(x, k, k, self.stride, self.padding, out=out)   # (C·k·k, N·OH·OW)
        w = self.W.data.reshape(self.out_channels, -1)            # (F, C·k·k)
        y = w @ cols                                              # (F, N·OH·OW)
        y += self.b.data[:, None]
        self._cache = (cols, x.shape)
        return y.reshape(self.out_channels, n, oh, ow).transpose(1, 0, 2, 3)   # (N, F, OH, OW)

    def backward(self, dy):
        cols, x_shape = self.cached()
        dy = check_dy(self, dy, (x_shape[0], self.out_channels, *self.output_shape(*x_shape[2:])))
        dy = dy.transpose(1, 0, 2, 3).reshape(self.out_channels, -1)   # (F, N·OH·OW)
        # dy colsᵀ, computed as (cols dyᵀ)ᵀ: OpenBLAS is about twice as fast with the long
        # N·OH·OW axis as the inner dimension of a (C·k·k × N·OH·OW)(N·OH·OW × F) product.
        self.W.grad += (cols @ dy.T).T.reshape(self.W.data.shape)   # (F, C·k·k)
        self.b.grad += dy.sum(axis=1)
        k, p = self.kernel_size, self.padding
        # The full convolution's columns hold F·k·k rows per input pixel: worth it unless the
        # layer widens a lot (e.g. 1 → 30 channels, where col2im of C·k·k rows is cheaper).
        if self.stride == 1 and p <= k - 1 and self.out_channels <= 2 * self.in_channels:
            return self._full_convolution(dy, x_shape)
        return self._col2im_of(dy, x_shape)

    def _full_convolution(self, dy, x_shape):
        """∂L/∂x for stride 1: dx[c] = Σ_f rot180(W[f, c]) ⋆ dy_pad[f], one matrix product."""
        n, c, h, w = x_shape
        k, p, f = self.kernel_size, self.padding, self.out_channels
        oh, ow = self.output_shape(h, w)
        dy4 = dy.reshape(f, n, oh, ow).transpose(1, 0, 2, 3)           # (N, F, OH, OW) view
        self._dbuffer, out = workspace(self._dbuffer, (f * k * k, n * h * w), dy.dtype)
        dcols = columns(dy4, k, k, 1, k - 1 - p, out=out)              # (F·k·k, N·H·W)
        w_rot = self.W.data[:, :, ::-1, ::-1].transpose(1, 0, 2, 3).reshape(c, -1)  # (C, F·k·k)
        dx = w_rot @ dcols                                             # (C, N·H·W)
        return dx.reshape(c, n, h, w).transpose(1, 0, 2, 3)           # (N, C, H, W) view

    def _col2im_of(self, dy, x_shape):
        """col2im(W_matᵀ dy) for dy (F, N·OH·OW) → (N, C, H, W): one product, then the
        columns are added back onto the pixels they came from."""
        c, k = self.in_channels, self.kernel_size
        w = self.W.data.reshape(self.out_channels, -1)                   # (F, C·k·k)
        self._dbuffer, out = workspace(self._dbuffer, (c * k * k, dy.shape[1]), dy.dtype)
        np.matmul(w.T, dy, out=out)                                      # (C·k·k, N·OH·OW)
        return columns_to_image(out, x_shape, k, k, self.stride, self.padding)

    def config(self):
        return {"in_channels": self.in_channels, "out_channels": self.out_channels,
                "kernel_size": self.kernel_size, "stride": self.stride, "padding": self.padding,
                "init": self.init, "dtype": np.dtype(self.W.data.dtype).name}


def workspace(buffer, shape: tuple, dtype) -> tuple[np.ndarray, np.ndarray]:
    """(flat buffer, a view of ``shape`` on its start): the buffer is kept while it is big
    enough and of the same dtype (a smaller last batch reuses it), else replaced."""
    size = int(np.prod(shape))
    if buffer is None or buffer.dtype != dtype or buffer.size < size:
        buffer = np.empty(size, dtype=dtype)
    return buffer, buffer[:size].reshape(shape)
