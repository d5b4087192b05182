"""Ctrl-C as a terminal sends it (to the whole process group, again and again), a Ctrl-C while the
figures are drawn, and a worker killed from outside (issue 27, class 1). Every process a test starts
is in its own process group, and the test kills that group by its id when it ends."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nablab.errors import NablabError
from nablab.experiments import kinds
from nablab.experiments.registry import resolve
from nablab.experiments.runner import RunInterrupted, resume, run

ENV = dict(os.environ, NABLAB_OFFLINE="1")
NABLAB = str(Path(sys.executable).with_name("nablab"))
RUN = ["run", "two-layer-net", "--quick", "--seeds", "4", "--jobs", "2", "--set", "train.iters=3000",
       "--set", "train.eval_every=100"]
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def in_group(pgid: int) -> set[int]:
    """Live processes whose process group is ``pgid`` (from /proc; zombies excluded)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == pgid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def start(out: Path):
    """The run in a new session (its own process group, SIGINT handled by default); stderr to a file."""
    err = open(out.parent / f"{out.name}.stderr", "w+")
    proc = subprocess.Popen([NABLAB, *RUN, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=err, env=ENV,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    return proc, err


def ended(proc, err, timeout: float):
    """(exit code, seconds it took, stderr, processes of its group still alive 2 s later); the group
    is killed whatever happened."""
    sent = time.time()
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        code = None
    took = time.time() - sent
    deadline = time.time() + 2
    while in_group(proc.pid) and time.time() < deadline:
        time.sleep(0.05)
    left = in_group(proc.pid)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    if code is None:
        proc.kill()
    err.seek(0)
    text = err.read()
    err.close()
    return code, took, text, left


@linux
@pytest.mark.parametrize("to, when", [("group", "workers starting"), ("main", "workers starting"),
                                      ("group", "training")])
def test_ctrl_c_three_times_exits_promptly(tmp_path, to, when):
    """Three Ctrl-C 0.2 s apart, to the process group (main and workers, as a terminal sends them) or
    to the main process only (`kill -INT`): 0.15 s after spec.json, while the workers start, or once
    they train. Before: a worker killed in its start-up broke the pool (BrokenProcessPool, exit 2),
    and a Ctrl-C during the pool's shut-down left the main process waiting for a worker forever
    (3 of 3 tries each). Now: exit 130 with the resume hint within 8 s, no process left."""
    out = tmp_path / "run"
    proc, err = start(out)
    deadline = time.time() + 120
    ready = (lambda: (out / "spec.json").exists()) if when == "workers starting" else \
        (lambda: bool(list((out / "checkpoints").glob("*/seed*/checkpoint.npz"))))
    while not ready():
        assert proc.poll() is None and time.time() < deadline, "the run ended first"
        time.sleep(0.005)
    time.sleep(0.15 if when == "workers starting" else 0)
    for _ in range(3):
        (os.killpg if to == "group" else os.kill)(proc.pid, signal.SIGINT)
        time.sleep(0.2)
    code, took, text, left = ended(proc, err, timeout=30)
    assert code == 130 and f"nablab run --resume {out}" in text and "Traceback" not in text, text
    assert took < 8, f"took {took:.1f} s after the last Ctrl-C"
    assert not left, "processes outlived the run"


@linux
def test_a_killed_worker_fails_its_tasks_and_the_rest_finish(tmp_path):
    """A worker killed from outside (as the OOM killer does): the tasks then in the pool fail with a
    message that names the cause, a new pool runs the rest, exit 2 with the resume hint — no
    BrokenProcessPool traceback, no task that never ran."""
    out = tmp_path / "run"
    proc, err = start(out)
    deadline = time.time() + 120
    while not list((out / "checkpoints").glob("*/seed*/checkpoint.npz")):
        assert proc.poll() is None and time.time() < deadline, "the run ended first"
        time.sleep(0.01)
    workers = [p for p in in_group(proc.pid) if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
    os.kill(workers[0], signal.SIGKILL)
    code, _, text, left = ended(proc, err, timeout=120)
    assert code == 2 and "Traceback" not in text, text
    assert "a worker process was killed" in text and f"nablab run --resume {out}" in text, text
    failed = list((out / "failures").glob("*/seed*.txt"))
    finished = len(list((out / "history").rglob("*.json")))
    assert 1 <= len(failed) <= 2 and len(failed) + finished >= 4, (failed, finished)
    assert not left


def test_ctrl_c_while_the_figures_are_drawn_leaves_a_run_to_finish(tmp_path, monkeypatch):
    """Ctrl-C while an experiment draws its figures: the run is not finished (no results.json, the
    resume hint), and `--resume` draws them — it used to hold results.json without figures or
    summary.md, reused as finished by every later report."""
    spec = resolve("two-layer-net", quick=True, sets=["train.iters=20", "train.eval_every=10"])
    kind = kinds.get(spec.kind)
    drawn = kind.figures

    def interrupted(results, run_dir):
        raise KeyboardInterrupt
    monkeypatch.setattr(kind, "figures", interrupted)
    with pytest.raises(RunInterrupted, match="--resume"):
        run(spec, tmp_path / "run", log=lambda *a: None)
    assert not (tmp_path / "run" / "results.json").exists()
    monkeypatch.setattr(kind, "figures", drawn)
    results = resume(tmp_path / "run", log=lambda *a: None)
    assert results["experiment"] == "two-layer-net"
    assert (tmp_path / "run" / "summary.md").exists() and list((tmp_path / "run" / "figures").glob("*.png"))


def test_written_files_replace_hard_links_instead_of_writing_through(tmp_path, finished):
    """`cp -al A B` shares every file: resuming B must not change A (summary.md, figures, results
    are written beside and renamed), and a .lock hard-linked to an outside file is refused, not
    emptied."""
    a, b = tmp_path / "a", tmp_path / "b"
    subprocess.run(["cp", "-a", str(finished), str(a)], check=True)
    subprocess.run(["cp", "-al", str(a), str(b)], check=True)
    before = {p: p.read_bytes() for p in a.rglob("*") if p.is_file()}
    (b / "results.json").unlink()
    (b / ".lock").unlink(missing_ok=True)          # shared too: refused (below) until deleted
    resume(b, log=lambda *a: None)
    assert {p: p.read_bytes() for p in a.rglob("*") if p.is_file()} == before
    assert (b / "results.json").exists()
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    (b / ".lock").unlink()
    os.link(precious, b / ".lock")
    with pytest.raises(NablabError, match="hard link"):
        resume(b, log=lambda *a: None)
    assert precious.read_text() == "keep me"
