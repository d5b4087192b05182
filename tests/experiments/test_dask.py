"""--executor dask: a real `dask scheduler` and two `dask worker` processes on 127.0.0.1.

Bounded: one scheduler and two workers per module, loopback only, each step with a timeout,
and every process this module started is stopped by its pid at the end."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nablab.cli import main

DASK = Path(sys.executable).with_name("dask")
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def wait_for(check, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise TimeoutError(f"no {what} within {timeout} s")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(scheduler address, [worker Popen, worker Popen], folder of their logs: 0.log the scheduler's)."""
    folder = tmp_path_factory.mktemp("dask")
    file = folder / "scheduler.json"
    started, logs = [], []

    def start(*args):
        logs.append(open(folder / f"{len(started)}.log", "w"))
        started.append(subprocess.Popen([str(DASK), *args], env=ENV, cwd=folder, stdout=subprocess.DEVNULL,
                                        stderr=logs[-1]))
        return started[-1]
    try:
        start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(file))
        wait_for(file.exists, 60, "scheduler file")
        address = wait_for(lambda: json.loads(file.read_text() or "{}").get("address"), 30, "scheduler address")
        workers = [start("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                         "--host", "127.0.0.1", "--memory-limit", "0") for _ in range(2)]
        wait_for(lambda: (folder / "1.log").exists() and (folder / "2.log").exists()
                 and all("Registered to" in (folder / f"{k}.log").read_text() for k in (1, 2)), 90, "two workers")
        yield address, workers, folder
    finally:
        for p in started:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in started:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=20)
        for f in logs:
            f.close()


def histories(run: Path) -> dict:
    """Every task's history without its clock readings. (Bit for bit only with the same number
    of BLAS threads: the workers and the --jobs 1 reference both run with one.)"""
    out = {}
    for path in sorted(run.glob("history/*/seed*.json")):
        h = json.loads(path.read_text())
        out[f"{path.parent.name}/{path.name}"] = ([{k: v for k, v in p.items() if k != "time_s"} for p in h["points"]],
                                                  h["losses"], h["status"])
    return out


def nablab(*args, timeout=240):
    return subprocess.run([sys.executable, "-m", "nablab.cli", *args], env=ENV, capture_output=True,
                          text=True, timeout=timeout)


def test_four_seeds_on_the_cluster_equal_jobs_1(cluster, tmp_path):
    address, *_ = cluster
    args = ["run", "two-layer-net", "--quick", "--seeds", "4", "--quiet"]
    assert main([*args, "--executor", f"dask={address}", "--out", str(tmp_path / "dask")]) == 0
    local_run = nablab(*args, "--jobs", "1", "--out", str(tmp_path / "local"))     # one BLAS thread too
    assert local_run.returncode == 0, local_run.stderr
    dask, local = histories(tmp_path / "dask"), histories(tmp_path / "local")
    assert len(dask) == 4 and dask == local
    assert sorted(p.name for p in (tmp_path / "dask" / "checkpoints" / "two-layer").iterdir()) == \
        [f"seed{k}" for k in range(4)]
    results = json.loads((tmp_path / "dask" / "results.json").read_text())
    assert results["variants"][0]["seeds"] == 4


def test_a_sweep_on_the_cluster_runs_its_trials_there(cluster, tmp_path):
    address, *_ = cluster
    out = tmp_path / "s"
    done = nablab("sweep", "two-layer-net", "--quick", "--param", "optimizer.lr=loguniform:0.01:1",
                  "--trials", "4", "--executor", f"dask={address}", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "pruning needs a storage the workers reach" in done.stdout
    r = json.loads((out / "results.json").read_text())
    assert r["counts"]["complete"] == 4 and all(t["curve"] for t in r["trials"])


BACKENDS = {"here": ["--jobs", "1"], "pool": ["--jobs", "2"], "dask": None}


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A quick two-layer-net run of three seeds, finished (copied by each test that damages it)."""
    out = tmp_path_factory.mktemp("finished") / "run"
    done = nablab("run", "two-layer-net", "--quick", "--seeds", "3", "--quiet", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_a_failing_task_is_recorded_the_same_way_on_every_backend(backend, finished_run, request, tmp_path):
    """Seed 1's checkpoint is damaged and seeds 1 and 2 are to run again: on each backend seed 1
    ends "failed" with the worker's traceback in failures/, seed 2 still finishes, the session
    says failed, the exit code is 2 — and once the checkpoint is gone, --resume finishes the run."""
    import shutil
    args = BACKENDS[backend] or ["--executor", f"dask={request.getfixturevalue('cluster')[0]}"]
    out = tmp_path / "run"
    shutil.copytree(finished_run, out)
    (out / "results.json").unlink()
    for seed in (1, 2):
        for f in (out / "history" / "two-layer").glob(f"seed{seed}.*"):
            f.unlink()
    checkpoint = out / "checkpoints" / "two-layer" / "seed1" / "checkpoint.npz"
    checkpoint.write_bytes(b"PK\x03\x04 not a zip archive")
    done = nablab("run", "--resume", str(out), *args)
    assert done.returncode == 2, done.stderr
    failure = out / "failures" / "two-layer" / "seed1.txt"
    assert "1 task(s) failed — two-layer (seed1): DataError:" in done.stderr
    assert f"(tracebacks in {out / 'failures'})" in done.stderr and done.stderr.count("\n") == 1
    text = failure.read_text()
    assert text.startswith("Traceback") and "DataError" in text and "checkpoint.npz" in text
    assert (out / "history" / "two-layer" / "seed2.json").exists()          # the other task ran
    assert not (out / "history" / "two-layer" / "seed1.json").exists() and not (out / "results.json").exists()
    assert json.loads((out / "sessions.json").read_text())[-1]["ended"] == "failed"
    checkpoint.unlink()
    again = nablab("run", "--resume", str(out), "--quiet")
    assert again.returncode == 0, again.stderr
    assert not failure.exists()
    assert json.loads((out / "results.json").read_text())["variants"][0]["seeds"] == 3


def test_a_worker_killed_mid_run_and_the_run_still_completes(cluster, tmp_path):
    address, workers, folder = cluster
    args = ["run", "two-layer-net", "--seeds", "4", "--set", "train.iters=1000", "--quiet"]
    run = subprocess.Popen([sys.executable, "-m", "nablab.cli", *args, "--executor", f"dask={address}",
                            "--out", str(tmp_path / "dask")], env=ENV, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(2.5)                              # the client is connected; both workers train
        assert run.poll() is None, "the run ended before a worker could be killed"
        workers[1].kill()
        workers[1].wait(timeout=20)
        err = run.communicate(timeout=300)[1]
    finally:
        if run.poll() is None:
            run.kill()
            run.wait(timeout=20)
    assert run.returncode == 0, err
    assert "Remove worker" in (folder / "0.log").read_text()      # the scheduler saw it go
    local_run = nablab(*args, "--jobs", "1", "--out", str(tmp_path / "local"))
    assert local_run.returncode == 0, local_run.stderr
    dask, local = histories(tmp_path / "dask"), histories(tmp_path / "local")
    assert len(dask) == 4 and dask == local
    sessions = json.loads((tmp_path / "dask" / "sessions.json").read_text())
    assert [s["ended"] for s in sessions] == ["finished"]


class KilledFuture:
    """A Dask future whose task's workers all died (the scheduler gave up: KilledWorker)."""

    def result(self):
        raise RuntimeError("KilledWorker: the task's workers died 3 times")


def test_a_task_the_cluster_gives_up_on_is_a_failure_not_a_crash(monkeypatch):
    """The Dask backend turns a future that raises into a failed Outcome with the error's text,
    as the pool does for a worker that died: the drain goes on with the next task."""
    import types
    import distributed
    from nablab.experiments.backends import Dask, drain
    futures = [KilledFuture(), KilledFuture()]
    client = types.SimpleNamespace(nthreads=lambda: {"w": 1}, cancel=lambda f: None,
                                   submit=lambda fn, *a, **k: futures.pop())
    monkeypatch.setattr(distributed, "wait", lambda handles, timeout=None, return_when=None: types.SimpleNamespace(done=set(handles)))
    seen = []
    drain(Dask(client, 1), [("a", print, ()), ("b", print, ())], lambda key, outcome: seen.append((key, outcome)))
    assert [key for key, _ in seen] == ["a", "b"]
    assert all(not o.ok and "KilledWorker" in o.error for _, o in seen)
