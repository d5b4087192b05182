"""The course's im2col demo (2_6): a (2, 1, 4, 4) input and a 3×3 filter give a (8, 9) matrix;
col2im does not give the input back — overlapping windows are summed (centre cells 4×)."""

from __future__ import annotations

import numpy as np

from ...im2col import col2im, im2col
from . import single
from .single import done, summarize, tasks  # noqa: F401


def run_task(spec, task, out, progress: bool = False) -> str:
    p = spec.params
    x = np.random.default_rng(p.seed).integers(0, 100, p.shape).astype(np.float64)
    col = im2col(x, p.kernel, p.kernel, p.stride, p.padding)
    back = col2im(col, x.shape, p.kernel, p.kernel, p.stride, p.padding)
    counts = col2im(np.ones_like(col), x.shape, p.kernel, p.kernel, p.stride, p.padding)
    return single.save(out, {
        "input_shape": list(x.shape), "kernel": p.kernel, "stride": p.stride, "padding": p.padding,
        "input": x.tolist(), "col": col.tolist(), "col_shape": list(col.shape),
        "col2im": back.tolist(), "counts": counts[0, 0].tolist(),
        "col2im_equals_input_times_counts": bool(np.array_equal(back, x * counts))})
