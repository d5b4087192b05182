"""im2col / col2im: convolution as one matrix product (画像の行列変換).

Three layouts of the same numbers:

* ``columns(x)`` → (C·kH·kW, N·OH·OW): one column per output position of every sample.
  Conv2d uses it: ``W (F, C·kH·kW) @ columns`` is one large matrix product.
* ``unfold(x)`` → (N, C·kH·kW, OH·OW): the same, split per sample (PyTorch's ``F.unfold``).
* ``im2col(x)`` → (N·OH·OW, C·kH·kW): one *row* per output position (the course's and
  the book's layout), for teaching and for the im2col demo.

``fold`` / ``col2im`` are their adjoints (転置): they *add* every column entry back to
the pixel it came from, so overlapping windows sum — col2im is not the inverse of im2col.

Fast versions copy one kernel offset (i, j) at a time — a strided slice of the padded
input holding that offset's pixel for every output position — or read a sliding-window
view; the adjoints add back one kernel offset at a time. No loop runs over samples or
pixels. The naive twins loop over every sample and output position and are kept to
check the fast ones.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .functional import conv_output_size


def pad(x: np.ndarray, padding: int, value: float = 0.0) -> np.ndarray:
    """Pad the last two axes (H, W) by ``padding`` on each side."""
    if padding == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)), constant_values=value)


def own(a: np.ndarray) -> np.ndarray:
    """``a`` if it owns its memory, else a copy: a result never aliases (read-only) input views."""
    return a if a.flags.owndata else a.copy()


def windows(x: np.ndarray, kh: int, kw: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """A strided view (N, C, OH, OW, kH, kW) of every window — no copy (except padding)."""
    xp = pad(x, padding)
    return sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def pad_channels_first(x: np.ndarray, padding: int) -> np.ndarray:
    """(N, C, H, W) → zero-padded (C, N, H + 2P, W + 2P), channel axis first in memory."""
    n, c, h, w = x.shape
    xt = x.transpose(1, 0, 2, 3)                              # a view
    if padding == 0:
        return xt
    out = np.zeros((c, n, h + 2 * padding, w + 2 * padding), dtype=x.dtype)
    out[:, :, padding:padding + h, padding:padding + w] = xt
    return out


def columns(x: np.ndarray, kh: int, kw: int, stride: int = 1, padding: int = 0,
            out: np.ndarray | None = None) -> np.ndarray:
    """(N, C, H, W) → (C·kH·kW, N·OH·OW). Row (c, i, j) holds, for every output position,
    the input pixel that filter entry (c, i, j) multiplies there.

    ``out``: an array of that shape and dtype to fill instead of allocating a new one.
    """
    n, c, h, w = x.shape
    oh, ow = conv_output_size(h, kh, stride, padding), conv_output_size(w, kw, stride, padding)
    xp = pad_channels_first(x, padding)                       # (C, N, H + 2P, W + 2P)
    shape = (c * kh * kw, n * oh * ow)
    if out is None or out.shape != shape or out.dtype != x.dtype:
        out = np.empty(shape, dtype=x.dtype)
    cols = out.reshape(c, kh, kw, n, oh, ow)
    for i in range(kh):                                       # kernel offsets, not pixels
        for j in range(kw):
            cols[:, i, j] = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
    return cols.reshape(c * kh * kw, n * oh * ow)


def columns_to_image(cols: np.ndarray, x_shape: tuple, kh: int, kw: int, stride: int = 1,
                     padding: int = 0) -> np.ndarray:
    """Adjoint of columns: (C·kH·kW, N·OH·OW) → (N, C, H, W), overlapping entries summed.

    The result is a transposed view of a (C, N, H, W) array (channel axis first in memory).
    """
    n, c, h, w = x_shape
    oh, ow = conv_output_size(h, kh, stride, padding), conv_output_size(w, kw, stride, padding)
    cols = cols.reshape(c, kh, kw, n, oh, ow)
    out = np.zeros((c, n, h + 2 * padding, w + 2 * padding), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            out[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += cols[:, i, j]
    return out[:, :, padding:padding + h, padding:padding + w].transpose(1, 0, 2, 3)


def unfold(x: np.ndarray, kh: int, kw: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """(N, C, H, W) → (N, C·kH·kW, OH·OW), rows ordered (c, i, j) like the flattened filter."""
    n, c = x.shape[:2]
    v = windows(x, kh, kw, stride, padding)                  # (N, C, OH, OW, kH, kW) view
    oh, ow = v.shape[2:4]
    cols = v.transpose(0, 1, 4, 5, 2, 3)                      # (N, C, kH, kW, OH, OW) view
    return own(cols.reshape(n, c * kh * kw, oh * ow))         # the one copy


def fold(cols: np.ndarray, x_shape: tuple, kh: int, kw: int, stride: int = 1,
         padding: int = 0) -> np.ndarray:
    """Adjoint of unfold: (N, C·kH·kW, OH·OW) → (N, C, H, W), overlapping entries summed."""
    n, c, h, w = x_shape
    oh, ow = conv_output_size(h, kh, stride, padding), conv_output_size(w, kw, stride, padding)
    cols = cols.reshape(n, c, kh, kw, oh, ow)
    out = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=cols.dtype)
    for i in range(kh):                                       # kernel offsets, not pixels
        for j in range(kw):
            out[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += cols[:, :, i, j]
    return out[:, :, padding:padding + h, padding:padding + w] if padding else out


def im2col(x: np.ndarray, kh: int, kw: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """The course's layout: (N, C, H, W) → (N·OH·OW, C·kH·kW).

    >>> x = np.arange(2 * 1 * 4 * 4, dtype=float).reshape(2, 1, 4, 4)
    >>> im2col(x, 3, 3).shape          # the course's demo: 2 images, 2×2 outputs, 3×3 filter
    (8, 9)
    """
    n, c = x.shape[:2]
    v = windows(x, kh, kw, stride, padding)                   # (N, C, OH, OW, kH, kW)
    oh, ow = v.shape[2:4]
    return own(v.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw))


def col2im(col: np.ndarray, x_shape: tuple, kh: int, kw: int, stride: int = 1,
           padding: int = 0) -> np.ndarray:
    """Adjoint of im2col: (N·OH·OW, C·kH·kW) → (N, C, H, W), overlaps summed."""
    n, c, h, w = x_shape
    oh, ow = conv_output_size(h, kh, stride, padding), conv_output_size(w, kw, stride, padding)
    cols = col.reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)   # (N, C, kH, kW, OH, OW)
    return fold(cols, x_shape, kh, kw, stride, padding)


# -- the book's im2col: a loop over kernel offsets with strided slices ---------------------

def im2col_book(x: np.ndarray, kh: int, kw: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """The algorithm of "Deep Learning from Scratch" (and the course): fill a
    (N, C, kH, kW, OH, OW) array one kernel offset at a time, then transpose to rows."""
    n, c, h, w = x.shape
    oh, ow = conv_output_size(h, kh, stride, padding), conv_output_size(w, kw, stride, padding)
    xp = pad(x, padding)
    col = np.zeros((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            col[:, :, i, j] = xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


# -- naive twins: loops over samples and output positions --------------------------------

def im2col_naive(x: np.ndarray, kh: int, kw: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Row (n, oy, ox) holds the window at output position (oy, ox) of sample n, flattened."""
    n, c, h, w = x.shape
    oh, ow = conv_output_size(h, kh, stride, padding), conv_output_size(w, kw, stride, padding)
    xp = pad(x, padding)
    col = np.empty((n * oh * ow, c * kh * kw), dtype=x.dtype)
    row = 0
    for s in range(n):
        for oy in range(oh):
            for ox in range(ow):
                y0, x0 = oy * stride, ox * stride
                col[row] = xp[s, :, y0:y0 + kh, x0:x0 + kw].ravel()
                row += 1
    return col


def col2im_naive(col: np.ndarray, x_shape: tuple, kh: int, kw: int, stride: int = 1,
                 padding: int = 0) -> np.ndarray:
    n, c, h, w = x_shape
    oh, ow = conv_output_size(h, kh, stride, padding), conv_output_size(w, kw, stride, padding)
    out = np.zeros((n, c, h + 2 * padding, w + 2 * padding), dtype=col.dtype)
    row = 0
    for s in range(n):
        for oy in range(oh):
            for ox in range(ow):
                y0, x0 = oy * stride, ox * stride
                out[s, :, y0:y0 + kh, x0:x0 + kw] += col[row].reshape(c, kh, kw)
                row += 1
    return out[:, :, padding:padding + h, padding:padding + w]
