"""A book-style CNN, written after the algorithm of "Deep Learning from Scratch" ch. 7 and the
course's 2_6–2_8 notebooks, for timing only: float64 (weights from randn), Convolution and
Pooling through the book's im2col layout (rows = output positions) and its col2im, max
pooling by argmax over im2col rows. Affine / ReLU / softmax-loss are the same maths as
nablab's, so nablab's layers are reused for them (in float64).
"""

from __future__ import annotations

import numpy as np

import nablab as nl
from nablab.functional import conv_output_size
from nablab.im2col import im2col_book


def col2im_book(col, x_shape, kh, kw, stride=1, pad=0):
    """The book's col2im: rows back to a (N, C, kH, kW, OH, OW) array, added offset by offset."""
    n, c, h, w = x_shape
    oh, ow = conv_output_size(h, kh, stride, pad), conv_output_size(w, kw, stride, pad)
    col = col.reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((n, c, h + 2 * pad + stride - 1, w + 2 * pad + stride - 1))
    for i in range(kh):
        for j in range(kw):
            img[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride] += col[:, :, i, j]
    return img[:, :, pad:h + pad, pad:w + pad]


class BookConvolution(nl.Layer):
    def __init__(self, conv: nl.Conv2d):
        super().__init__()
        self.W = nl.Parameter(conv.W.data.astype(np.float64), "W", is_weight=True)
        self.b = nl.Parameter(conv.b.data.astype(np.float64), "b")
        self.stride, self.pad = conv.stride, conv.padding

    def forward(self, x):
        fn, c, fh, fw = self.W.data.shape
        n, _, h, w = x.shape
        oh, ow = conv_output_size(h, fh, self.stride, self.pad), conv_output_size(w, fw, self.stride, self.pad)
        col = im2col_book(x, fh, fw, self.stride, self.pad)            # (N·OH·OW, C·kH·kW)
        col_w = self.W.data.reshape(fn, -1).T
        out = col @ col_w + self.b.data
        self._cache = (x.shape, col, col_w)
        return out.reshape(n, oh, ow, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        x_shape, col, col_w = self.cached()
        fn, c, fh, fw = self.W.data.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, fn)
        self.b.grad += dout.sum(axis=0)
        self.W.grad += (col.T @ dout).transpose(1, 0).reshape(fn, c, fh, fw)
        return col2im_book(dout @ col_w.T, x_shape, fh, fw, self.stride, self.pad)


class BookPooling(nl.Layer):
    def __init__(self, pool: nl.MaxPool2d):
        super().__init__()
        self.k, self.stride, self.pad = pool.kernel_size, pool.stride, pool.padding

    def forward(self, x):
        n, c, h, w = x.shape
        oh, ow = conv_output_size(h, self.k, self.stride, self.pad), conv_output_size(w, self.k, self.stride, self.pad)
        col = im2col_book(x, self.k, self.k, self.stride, self.pad).reshape(-1, self.k * self.k)
        arg = np.argmax(col, axis=1)
        self._cache = (x.shape, arg)
        return np.max(col, axis=1).reshape(n, oh, ow, c).transpose(0, 3, 1, 2)

    def backward(self, dout):
        x_shape, arg = self.cached()
        dout = dout.transpose(0, 2, 3, 1)
        dmax = np.zeros((dout.size, self.k * self.k))
        dmax[np.arange(arg.size), arg.flatten()] = dout.flatten()
        dcol = dmax.reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
        return col2im_book(dcol, x_shape, self.k, self.k, self.stride, self.pad)


def book_version(net: nl.Sequential) -> nl.Sequential:
    """The same network, book-style and float64."""
    layers = []
    for layer in net:
        if isinstance(layer, nl.Conv2d):
            layers.append(BookConvolution(layer))
        elif isinstance(layer, nl.MaxPool2d):
            layers.append(BookPooling(layer))
        elif isinstance(layer, nl.Linear):
            twin = nl.Linear(layer.in_features, layer.out_features, rng=0, dtype=np.float64)
            twin.W.data[...] = layer.W.data
            twin.b.data[...] = layer.b.data
            layers.append(twin)
        elif isinstance(layer, nl.Dropout):
            continue
        else:
            layers.append(type(layer)())
    return nl.Sequential(*layers)
