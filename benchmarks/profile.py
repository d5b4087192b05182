"""Where one float32 training step of a CNN spends its time, layer by layer.

    python -m benchmarks.profile [--model deep-convnet|alexnet-small|simple-convnet|lenet]
                                 [--steps 30] [--batch 100] [--torch]

Each layer's forward and backward is timed separately (median over steps, after two warm-up
steps), and the matrix products inside Conv2d and Linear are timed on their own by running the
same products on arrays of the same shapes: the "GEMM" column is what NumPy's BLAS needs for
them, so GEMM / total says how close the step is to the floor of an im2col implementation.
With ``--torch`` the same network's PyTorch step (same weights) is timed alongside.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict

import numpy as np

import nablab as nl

MODELS = {
    "deep-convnet": lambda rng: nl.models.deep_convnet(rng=rng, dropout=0.0),
    "alexnet-small": lambda rng: nl.models.alexnet_small(rng=rng, dropout=0.0),
    "simple-convnet": lambda rng: nl.models.simple_convnet(rng=rng),
    "lenet": lambda rng: nl.models.lenet(rng=rng),
}


def layer_name(i: int, layer) -> str:
    cfg = layer.config() if hasattr(layer, "config") else {}
    if isinstance(layer, nl.Conv2d):
        return (f"{i:2d} Conv {cfg['in_channels']}→{cfg['out_channels']} "
                f"{cfg['kernel_size']}×{cfg['kernel_size']} P{cfg['padding']}")
    if isinstance(layer, nl.Linear):
        return f"{i:2d} Linear {layer.W.data.shape[0]}→{layer.W.data.shape[1]}"
    return f"{i:2d} {type(layer).__name__}"


def gemm_shapes(layer, x_shape, y_shape):
    """The (m, k) × (k, n) products a Conv2d or Linear step makes: forward, dW, dx."""
    if isinstance(layer, nl.Linear):
        n, i = x_shape
        o = y_shape[1]
        return [(n, i, o), (i, n, o), (n, o, i)]
    if isinstance(layer, nl.Conv2d):
        n, c, h, w = x_shape
        f, oh, ow = y_shape[1:]
        k = layer.kernel_size
        pix = n * oh * ow
        return [(f, c * k * k, pix), (c * k * k, pix, f), (c, f * k * k, n * h * w)]
    return []


def time_gemms(shapes, repeats: int) -> float:
    total = 0.0
    for m, k, n in shapes:
        a = np.random.default_rng(0).random((m, k), dtype=np.float32)
        b = np.random.default_rng(1).random((k, n), dtype=np.float32)
        out = np.empty((m, n), np.float32)
        np.matmul(a, b, out=out)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            np.matmul(a, b, out=out)
            times.append(time.perf_counter() - t0)
        total += statistics.median(times)
    return total


def profile(model: str, steps: int, batch: int) -> list[dict]:
    rng = np.random.default_rng(0)
    net = MODELS[model](rng)
    loss = nl.SoftmaxCrossEntropy()
    opt = nl.optim.SGD(net.parameters(), lr=0.01)
    x = rng.random((batch, 1, 28, 28), dtype=np.float32)
    t = rng.integers(0, 10, batch)
    fwd, bwd, rest = defaultdict(list), defaultdict(list), []
    shapes = {}
    for step in range(steps + 2):
        a = x
        for i, layer in enumerate(net.layers):
            t0 = time.perf_counter()
            b = layer.forward(a)
            fwd[i].append(time.perf_counter() - t0)
            shapes[i] = (a.shape, b.shape)
            a = b
        t0 = time.perf_counter()
        loss.forward(a, t)
        dy = loss.backward()
        loss_t = time.perf_counter() - t0
        for i in reversed(range(len(net.layers))):
            t0 = time.perf_counter()
            dy = net.layers[i].backward(dy)
            bwd[i].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        opt.step()
        opt.zero_grad()
        rest.append(loss_t + time.perf_counter() - t0)
    rows = []
    for i, layer in enumerate(net.layers):
        f, b = statistics.median(fwd[i][2:]), statistics.median(bwd[i][2:])
        g = time_gemms(gemm_shapes(layer, *shapes[i]), 5)
        rows.append({"layer": layer_name(i, layer), "forward": f, "backward": b, "gemm": g})
    rows.append({"layer": "loss + SGD update + zero_grad", "forward": statistics.median(rest[2:]),
                 "backward": 0.0, "gemm": 0.0})
    return rows


def torch_step_time(model: str, steps: int, batch: int) -> float:
    import torch
    from benchmarks.workloads import to_torch, torch_step
    rng = np.random.default_rng(0)
    tm = to_torch(MODELS[model](rng))
    x = torch.from_numpy(rng.random((batch, 1, 28, 28), dtype=np.float32))
    t = torch.from_numpy(rng.integers(0, 10, batch))
    step = torch_step(tm, 0.01)
    times = []
    for _ in range(steps + 2):
        t0 = time.perf_counter()
        step(x, t)
        times.append(time.perf_counter() - t0)
    return statistics.median(times[2:])


def table(rows) -> str:
    total = sum(r["forward"] + r["backward"] for r in rows)
    gemm = sum(r["gemm"] for r in rows)
    lines = ["| layer | forward ms | backward ms | share of step | of which GEMM ms |",
             "|---|---:|---:|---:|---:|"]
    for r in rows:
        ms = r["forward"] + r["backward"]
        lines.append(f"| {r['layer']} | {r['forward'] * 1e3:.2f} | {r['backward'] * 1e3:.2f} | "
                     f"{ms / total:.0%} | {r['gemm'] * 1e3:.2f} |")
    lines.append(f"| **step** | | | {total * 1e3:.1f} ms | {gemm * 1e3:.1f} ms "
                 f"({gemm / total:.0%} GEMM) |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=sorted(MODELS), default="deep-convnet")
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--torch", action="store_true", help="time PyTorch's step too (same weights)")
    args = p.parse_args(argv)
    print(table(profile(args.model, args.steps, args.batch)))
    if args.torch:
        print(f"PyTorch step: {torch_step_time(args.model, args.steps, args.batch) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
