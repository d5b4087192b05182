"""im2col three ways — naive loops, the book's kernel-offset loop, sliding windows — timed,
with their peak memory (tracemalloc) and a check that they give the same matrix."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np

from ...im2col import im2col, im2col_book, im2col_naive
from . import single
from .single import done, summarize, tasks  # noqa: F401

METHODS = {"naive loops": im2col_naive, "book (kernel-offset loop)": im2col_book,
           "sliding windows": im2col}


def measure(fn, x, k, p, repeats) -> tuple[float, float]:
    """(median seconds, peak MiB allocated during one call)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(x, k, k, 1, p)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    fn(x, k, k, 1, p)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return float(np.median(times)), peak / 2**20


def run_task(spec, task, out, progress: bool = False) -> str:
    p = spec.params
    rows = []
    for shape in p.shapes:
        x = np.random.default_rng(0).random(shape, dtype=np.float32)
        reference = im2col(x, p.kernel, p.kernel, 1, p.padding)
        for name, fn in METHODS.items():
            sample = x
            scale = 1.0
            if name == "naive loops" and shape[0] > p.naive_max_samples:
                sample = x[:p.naive_max_samples]          # loops are slow: time fewer, scale up
                scale = shape[0] / p.naive_max_samples
            seconds, peak = measure(fn, sample, p.kernel, p.padding, p.repeats)
            result = fn(sample, p.kernel, p.kernel, 1, p.padding)
            same = np.array_equal(result, reference[:len(result)])
            rows.append({"shape": list(shape), "method": name, "seconds": seconds * scale,
                         "peak_mib": peak * scale, "scaled_from": int(sample.shape[0]),
                         "equal": bool(same)})
    return single.save(out, {"kernel": p.kernel, "padding": p.padding, "rows": rows})
