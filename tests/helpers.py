"""Shared builders for the tests: every layer of the package, small and random; comparable run
results; headless Chromium for the HTML pages."""

import shutil
import subprocess

import numpy as np
import pytest

import nablab as nl

# name -> (factory(dtype) -> layer, input shape)
LAYERS = {
    "Linear": (lambda dt: nl.Linear(5, 3, rng=1, dtype=dt), (4, 5)),
    "Linear-gauss": (lambda dt: nl.Linear(6, 2, init=0.5, rng=2, dtype=dt), (3, 6)),
    "ReLU": (lambda dt: nl.ReLU(), (4, 6)),
    "Sigmoid": (lambda dt: nl.Sigmoid(), (4, 6)),
    "Tanh": (lambda dt: nl.Tanh(), (3, 2, 4)),
    "LeakyReLU": (lambda dt: nl.LeakyReLU(0.1), (4, 6)),
    "BatchNorm-2d": (lambda dt: nl.BatchNorm(4, dtype=dt), (6, 4)),
    "BatchNorm-4d": (lambda dt: nl.BatchNorm(3, dtype=dt), (4, 3, 2, 3)),
    "Dropout": (lambda dt: nl.Dropout(0.3, rng=3), (5, 6)),
    "Dropout-course": (lambda dt: nl.Dropout(0.3, inverted=False, rng=3), (5, 6)),
    "Flatten": (lambda dt: nl.Flatten(), (2, 3, 2, 2)),
    "Reshape": (lambda dt: nl.Reshape((3, 4)), (2, 12)),
    "LastStep": (lambda dt: nl.LastStep(), (2, 5, 3)),
    "Sequential": (lambda dt: nl.models.mlp(5, [4, 3], 2, activation="tanh", batchnorm=True,
                                            dropout=0.2, rng=4, dtype=dt), (6, 5)),
}


def random_input(shape, rng, dtype=np.float64):
    """Normal inputs kept away from ReLU's kink at 0, so finite differences are smooth."""
    x = rng.standard_normal(shape)
    x[np.abs(x) < 1e-3] = 1e-3
    return x.astype(dtype)


def comparable(out):
    """A finished run's results.json and histories without wall times: what two runs of the same
    seeds must share exactly (resumed or not, one process or several)."""
    import json
    from pathlib import Path
    out = Path(out)
    res = json.loads((out / "results.json").read_text())
    res.pop("wall_time_s")
    for v in res["variants"]:
        v.pop("wall_time_s")
    hist = {}
    for p in sorted((out / "history").glob("*/*.json")):
        h = json.loads(p.read_text())
        for point in h["points"]:
            point.pop("time_s")
        hist[p.relative_to(out).as_posix()] = h
    return res, hist


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail("Chromium is not installed: scripts/setup.sh installs Debian's chromium")
    return path


def run_chromium(args, tmp_path):
    flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--hide-scrollbars"]
    return subprocess.run([chromium(), *flags, *args], capture_output=True, text=True, timeout=180)
