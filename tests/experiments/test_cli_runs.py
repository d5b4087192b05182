"""Runs through the CLI: one quick run, seeds, refusals, kill -9 and --resume."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nablab.cli import main
from helpers import comparable


def test_a_quick_run_through_the_cli(tmp_path):
    """`nablab run NAME --quick` end to end (every catalogue experiment runs quick through
    `nablab report --quick` and is checked in tests/report/test_report.py)."""
    out = tmp_path / "two-layer-net"
    assert main(["run", "two-layer-net", "--quick", "--out", str(out)]) == 0
    spec = json.loads((out / "spec.json").read_text())
    assert spec["command"].startswith("nablab run") and json.loads((out / "results.json").read_text())["quick"]


def test_seeds_give_mean_and_std(tmp_path):
    out = tmp_path / "run"
    assert main(["run", "two-layer-net", "--quick", "--seeds", "2", "--jobs", "2",
                 "--out", str(out)]) == 0
    v = json.loads((out / "results.json").read_text())["variants"][0]
    accs = [json.loads(p.read_text())["points"][-1]["test_acc"]
            for p in sorted((out / "history").glob("*/seed*.json"))]
    assert len(accs) == 2 and v["test_acc"] == pytest.approx(sum(accs) / 2)
    assert v["test_acc_std"] == pytest.approx(abs(accs[0] - accs[1]) / 2)


def test_bad_set_is_refused_before_training(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["run", "optimizers", "--set", "optimizer.lr=-0.1", "--out", str(out)]) == 2
    assert "--set optimizer.lr must be > 0; got -0.1" in capsys.readouterr().err
    assert not out.exists()


def test_existing_run_directory_is_not_overwritten(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["run", "optimizer-paths", "--quick", "--out", str(out)]) == 0
    assert main(["run", "optimizer-paths", "--quick", "--out", str(out)]) == 2
    assert "already holds a run" in capsys.readouterr().err


def command(*args):
    return [str(Path(sys.executable).with_name("nablab")), *args]


ENV = dict(os.environ, NABLAB_OFFLINE="1")


def run(*args):
    return subprocess.run(command(*args), capture_output=True, text=True, env=ENV, timeout=600)


def test_sigkill_then_resume_gives_identical_results(tmp_path):
    # killed 0.3 s after the first variant's first checkpoint: mid-run (later variants not started)
    args = ["run", "overfitting", "--quick", "--set", "train.iters=300", "--set", "train.eval_every=25"]
    straight, killed = tmp_path / "straight", tmp_path / "killed"
    assert run(*args, "--out", str(straight)).returncode == 0
    proc = subprocess.Popen(command(*args, "--out", str(killed)), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=ENV)
    deadline = time.time() + 300
    while not list((killed / "checkpoints").glob("*/seed0/checkpoint.npz")):   # mid-run
        assert proc.poll() is None and time.time() < deadline, "the run ended before a checkpoint"
        time.sleep(0.01)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    assert not (killed / "results.json").exists()
    resume = run("run", "--resume", str(killed))
    assert resume.returncode == 0, resume.stderr
    assert comparable(killed) == comparable(straight)


def test_quiet_prints_nothing(tmp_path, capsys):
    assert main(["run", "optimizer-paths", "--quick", "--quiet", "--out", str(tmp_path / "q")]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert (tmp_path / "q" / "results.json").exists()
