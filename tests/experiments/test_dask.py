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


class FailingClient:
    """Stands in for a Dask client whose first task fails on every try (KilledWorker)."""

    def __init__(self):
        self.calls = 0

    def submit(self, fn, *args, **kwargs):
        from concurrent.futures import Future
        self.calls += 1
        future = Future()
        if self.calls == 1:
            future.set_exception(RuntimeError("KilledWorker: the task's workers died 3 times"))
        else:
            future.set_result(fn(*args))
        return future

    def cancel(self, futures):
        pass


def test_a_task_that_fails_on_the_cluster_leaves_a_run_that_resume_finishes(tmp_path, monkeypatch):
    """The run directory holds the finished seeds, the session says interrupted, the error says
    how to continue, and --resume (here, locally) runs only the failed task."""
    import contextlib
    import types
    from nablab.experiments import cluster as cluster_module
    fake = types.SimpleNamespace(as_completed=lambda futures: iter(futures))
    monkeypatch.setattr(cluster_module, "import_distributed", lambda: fake)

    @contextlib.contextmanager
    def client_for(address, jobs):
        yield FailingClient()
    monkeypatch.setattr(cluster_module, "client_for", client_for)
    out = tmp_path / "run"
    assert main(["run", "two-layer-net", "--quick", "--seeds", "3", "--quiet", "--executor", "dask=tcp://x:1",
                 "--out", str(out)]) == 130
    assert len(list(out.glob("history/two-layer/seed*.json"))) == 2 and not (out / "results.json").exists()
    assert json.loads((out / "sessions.json").read_text())[-1]["ended"] == "interrupted"
    assert main(["run", "--resume", str(out), "--quiet"]) == 0
    assert json.loads((out / "results.json").read_text())["variants"][0]["seeds"] == 3
