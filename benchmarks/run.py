"""Time one float32 train step of nablab and of PyTorch CPU on the same networks.

    python -m benchmarks.run [--rounds 30] [--steps 20] [--torch-threads N]...

Both frameworks run in this one process, interleaved round by round (so a
busy machine slows both alike); each round times ``--steps`` steps of one and
then the other. Reported: the median time per step over rounds, and the
ratio nablab / PyTorch (< 1 means nablab is faster). PyTorch runs twice: with
its default thread count and with one thread; on a small machine its idle
worker threads spin and slow whatever runs next, so the one-thread row is the
fairer (and harder) comparison.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

from .workloads import build_nablab, nablab_step, to_torch, torch_step

WORKLOADS = {
    "mlp-sigmoid": "MLP 784-40-20-10, sigmoid, SGD, batch 100",
    "mlp-bn": "MLP 784-100x5-10, BatchNorm + ReLU, SGD, batch 100",
    "simple-convnet": "SimpleConvNet (conv 30@5x5, pool, 100, 10), SGD, batch 100",
    "deep-convnet": "DeepConvNet (6 conv 3x3, 3 pools, 50, 10), SGD, batch 100",
    "lstm": "LSTM 28→128 over 28 steps, last step → Linear 10, Adam, batch 100",
}
OPTIMIZER = {"lstm": "adam"}                   # the others: SGD
IMAGE_WORKLOADS = {"simple-convnet", "deep-convnet"}


def time_steps(step, x, t, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        step(x, t)
    return (time.perf_counter() - start) / n


def bench(kind: str, rounds: int, steps: int, batch: int = 100) -> dict:
    import torch

    rng = np.random.default_rng(0)
    net = build_nablab(kind, rng)
    model = to_torch(net)
    shape = {"lstm": (batch, 28, 28)}.get(kind, (batch, 1, 28, 28) if kind in IMAGE_WORKLOADS else (batch, 784))
    x = rng.random(shape, dtype=np.float32)
    t = rng.integers(0, 10, batch)
    xt, tt = torch.from_numpy(x), torch.from_numpy(t)
    opt = OPTIMIZER.get(kind, "sgd")
    lr = 0.001 if opt == "adam" else 0.01
    ma, mb = interleaved(nablab_step(net, lr, opt), (x, t), torch_step(model, lr, opt), (xt, tt),
                         rounds, steps)
    return {"workload": kind, "nablab_ms": ma * 1e3, "torch_ms": mb * 1e3, "ratio": ma / mb}


def interleaved(ours, our_args, theirs, their_args, rounds: int, steps: int) -> tuple[float, float]:
    """Median seconds per step of each, timed round by round in turn after a warm-up."""
    for _ in range(steps):                     # warm up caches, allocators, BLAS threads
        ours(*our_args)
        theirs(*their_args)
    a, b = [], []
    for _ in range(rounds):
        a.append(time_steps(ours, *our_args, steps))
        b.append(time_steps(theirs, *their_args, steps))
    return statistics.median(a), statistics.median(b)


def bench_book(kind: str, rounds: int, steps: int, batch: int = 100) -> dict:
    """nablab (float32) against the book-style implementation (float64) of the same CNN."""
    from .bookstyle import book_version

    rng = np.random.default_rng(0)
    net = build_nablab(kind, rng)
    book = book_version(net)
    x = rng.random((batch, 1, 28, 28), dtype=np.float32)
    t = rng.integers(0, 10, batch)
    ma, mb = interleaved(nablab_step(net, 0.01), (x, t), nablab_step(book, 0.01),
                         (x.astype(np.float64), t), rounds, steps)
    return {"workload": kind, "nablab_ms": ma * 1e3, "book_ms": mb * 1e3, "speedup": mb / ma}


def peak_memory(kind: str, steps: int = 3, batch: int = 100) -> dict:
    """Peak bytes NumPy allocates in a few training steps (tracemalloc), and torch's RSS growth."""
    import resource
    import tracemalloc

    rng = np.random.default_rng(0)
    net = build_nablab(kind, rng)
    x = rng.random((batch, 1, 28, 28), dtype=np.float32)
    t = rng.integers(0, 10, batch)
    step = nablab_step(net, 0.01)
    tracemalloc.start()
    for _ in range(steps):
        step(x, t)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"workload": kind, "nablab_peak_mib": peak / 2**20,
            "process_max_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def environment() -> str:
    import torch

    blas = os.environ.get("OPENBLAS_CORETYPE", "unset")
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} threads), "
            f"OPENBLAS_CORETYPE={blas}")


def main(argv=None) -> None:
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--only", choices=sorted(WORKLOADS), action="append")
    parser.add_argument("--no-book", action="store_true", help="skip the book-style comparison")
    parser.add_argument("--torch-threads", type=int, action="append",
                        help="torch.set_num_threads values to time (default: torch's own, then 1)")
    args = parser.parse_args(argv)
    print(environment())
    print("| workload | PyTorch threads | nablab ms/step | PyTorch ms/step | ratio |")
    print("|---|---:|---:|---:|---:|")
    kinds = args.only or list(WORKLOADS)
    for threads in args.torch_threads or [torch.get_num_threads(), 1]:
        torch.set_num_threads(threads)
        for kind in kinds:
            r = bench(kind, args.rounds, args.steps)
            print(f"| {WORKLOADS[kind]} | {threads} | {r['nablab_ms']:.3f} | {r['torch_ms']:.3f} "
                  f"| {r['ratio']:.2f} |", flush=True)
    cnns = [k for k in kinds if k in IMAGE_WORKLOADS]
    if cnns and not args.no_book:
        print("\n| workload | nablab float32 ms/step | book-style float64 ms/step | nablab speed-up |")
        print("|---|---:|---:|---:|")
        for kind in cnns:
            r = bench_book(kind, max(args.rounds // 4, 3), max(args.steps // 4, 2))
            print(f"| {WORKLOADS[kind]} | {r['nablab_ms']:.1f} | {r['book_ms']:.1f} | "
                  f"{r['speedup']:.1f}× |", flush=True)
    if cnns:
        print("\n| workload | peak NumPy memory in a train step (tracemalloc) |")
        print("|---|---:|")
        for kind in cnns:
            r = peak_memory(kind)
            print(f"| {WORKLOADS[kind]} | {r['nablab_peak_mib']:.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
