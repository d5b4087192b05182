"""A hostile user: Ctrl-C with --jobs, two processes on one --out, stale checkpoints, settings
that would fail late, corrupt checkpoints, a closed pipe. Every process a test starts is bounded
by a timeout and stopped by its own handle."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import nablab as nl
from nablab.cli import main
from helpers import comparable
from nablab.train.checkpoint import load_checkpoint

ENV = dict(os.environ, NABLAB_OFFLINE="1")
NABLAB = str(Path(sys.executable).with_name("nablab"))


def ctrl_c_as_in_a_terminal():
    """In the child, before nablab starts: SIGINT handled by default. A shell that starts a job in
    the background without job control (`cmd &` in a script) makes it ignore SIGINT, and the
    child would inherit that — a Ctrl-C test must not depend on how the suite was launched."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(*args):
    return subprocess.Popen([NABLAB, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            preexec_fn=ctrl_c_as_in_a_terminal)


def finish(proc, timeout=300):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    return proc.returncode, out, err


# four tasks on two workers, long enough that the Ctrl-C after the first checkpoint (iteration 100)
# lands mid-run on both
RUN = ["run", "two-layer-net", "--quick", "--seeds", "4", "--jobs", "2", "--set", "train.iters=3000",
       "--set", "train.eval_every=100"]


def test_ctrl_c_with_jobs_stops_promptly_and_resumes_identically(tmp_path):
    straight, stopped = tmp_path / "straight", tmp_path / "stopped"
    code, _, err = finish(start(*RUN, "--out", str(straight)))
    assert code == 0, err
    proc = start(*RUN, "--out", str(stopped))
    deadline = time.time() + 120
    while not list((stopped / "checkpoints").glob("*/seed*/checkpoint.npz")):
        assert proc.poll() is None and time.time() < deadline, "the run ended before a checkpoint"
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)                 # the main process only, as `kill -INT` would
    sent = time.time()
    code, _, err = finish(proc, timeout=60)
    assert time.time() - sent < 20, "Ctrl-C took too long"
    assert code == 130 and f"nablab run --resume {stopped}" in err and "Traceback" not in err, err
    assert not (stopped / "results.json").exists()
    sessions = json.loads((stopped / "sessions.json").read_text())
    assert sessions[-1]["ended"] == "interrupted"
    code, _, err = finish(start("run", "--resume", str(stopped), "--jobs", "2"))
    assert code == 0, err
    assert comparable(stopped) == comparable(straight)


def test_two_processes_on_one_out_exactly_one_proceeds(tmp_path):
    out = tmp_path / "shared"
    args = ["run", "two-layer-net", "--quick", "--set", "train.iters=600", "--out", str(out)]
    first, second = start(*args), start(*args)           # started together: a race for the folder
    results = [finish(first), finish(second)]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, _, err in results if code == 2)
    assert "is in use by pid" in loser or "already holds a run" in loser
    spec = json.loads((out / "spec.json").read_text())
    assert spec["spec"]["params"]["runs"][0]["train"]["iters"] == 600


def test_a_held_directory_names_its_holder(tmp_path):
    out = tmp_path / "held"
    proc = start("run", "two-layer-net", "--quick", "--set", "train.iters=5000", "--out", str(out))
    deadline = time.time() + 60
    while not (out / "spec.json").exists():
        assert proc.poll() is None and time.time() < deadline
        time.sleep(0.02)
    code, _, err = finish(start("run", "--resume", str(out)))
    proc.kill()
    finish(proc)
    assert code == 2 and f"is in use by pid {proc.pid}" in err and "nablab run two-layer-net" in err


def test_an_earlier_runs_files_without_its_spec_are_never_reused(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["run", "two-layer-net", "--quick", "--quiet", "--out", str(out)]) == 0
    (out / "spec.json").unlink()
    (out / "results.json").unlink()
    assert main(["run", "two-layer-net", "--quiet", "--out", str(out)]) == 2
    assert "holds files of an earlier run (history, checkpoints, sessions.json) but no spec.json" in \
        capsys.readouterr().err


def small_fit(folder, lr=0.1, iters=30, batch_size=10, **kw):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((120, 6)).astype(np.float32)
    y = (x[:, 0] > 0).astype(int)
    net = nl.models.mlp(6, [8], 2, rng=0)
    return nl.fit(net, nl.SoftmaxCrossEntropy(), nl.optim.SGD(net.parameters(), lr=lr),
                  (x[:100], y[:100], x[100:], y[100:]), iters=iters, batch_size=batch_size, eval_every=10,
                  checkpoint_dir=folder, progress=False, **kw)


@pytest.mark.parametrize("change, message", [
    (dict(lr=0.5), r"optimizer.hyper.lr: 0.1 in the checkpoint, 0.5 now"),
    (dict(batch_size=20), r"fit.batch_size: 10 in the checkpoint, 20 now"),
    (dict(seed=3), r"fit.seed: 0 in the checkpoint, 3 now"),
])
def test_resuming_with_other_settings_is_refused(tmp_path, change, message):
    small_fit(tmp_path)
    with pytest.raises(nl.ConfigError, match=message) as e:
        small_fit(tmp_path, **change)
    assert "delete the checkpoint" in str(e.value)
    assert small_fit(tmp_path, **change, resume=False).status == "finished"     # the way out works


def test_more_iterations_continue_fewer_are_refused(tmp_path):
    small_fit(tmp_path)
    assert len(small_fit(tmp_path, iters=50).losses) == 50
    with pytest.raises(nl.ConfigError, match="at iteration 50, beyond the 20 asked for"):
        small_fit(tmp_path, iters=20)


def test_the_same_settings_resume(tmp_path):
    first = small_fit(tmp_path)
    again = small_fit(tmp_path)
    assert again.losses == first.losses and again.status == "finished"


@pytest.mark.parametrize("damage", ["empty", "truncated", "flipped", "not a zip"])
def test_a_damaged_checkpoint_is_a_clear_error(tmp_path, damage):
    small_fit(tmp_path)
    path = tmp_path / "checkpoint.npz"
    data = path.read_bytes()
    path.write_bytes({"empty": b"", "truncated": data[:len(data) // 2], "not a zip": b"hello" * 50,
                      "flipped": data[:100] + bytes(b ^ 0xFF for b in data[100:400]) + data[400:]}[damage])
    net = nl.models.mlp(6, [8], 2, rng=0)
    with pytest.raises(nl.DataError, match=f"{path}: unreadable checkpoint .*delete it"):
        load_checkpoint(path, model=net, optimizer=nl.optim.SGD(net.parameters(), lr=0.1))


def test_stale_parts_of_dead_writers_only_are_removed(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = tmp_path / f".checkpoint.npz.{dead}.abc.part"
    live = tmp_path / f".checkpoint.npz.{os.getppid()}.def.part"       # a process that is alive
    stale.write_bytes(b"x")
    live.write_bytes(b"x")
    small_fit(tmp_path)
    assert not stale.exists() and live.exists()


@pytest.mark.parametrize("experiment, setting, message", [
    ("optimizers", "optimizer.momentum=0.5", r"variants\[0\] \(SGD\).optimizer has a setting sgd does not take"),
    ("optimizers", "optimizer.betas=[0.9, 0.999]", r"sgd does not take .*it takes \['lr', 'weight_decay'\]"),
    ("simple-cnn", "optimizer.betas=[1.5, 0.999]", r"Adam: betas\[0\] must be in \[0, 1\); got 1.5"),
    ("simple-cnn", "optimizer.eps=-1", r"Adam: eps must be >= 0; got -1.0"),
    ("two-layer-net", "train.batch_size=100000", r"batch_size must be at most the 60,000 training images"),
    ("optimizer-paths", "params.optimizers=[]", r"--set optimizers must be non-empty"),
    ("im2col-demo", "params.padding=-1", r"--set padding must be >= 0; got -1"),
    ("conv-speed", "params.shapes=[[0, 1, 28, 28]]", r"--set shapes must be non-empty, sizes >= 1"),
    ("sgd-regression", "params.lr=inf", r"--set lr must be > 0; got inf"),
    ("depth-gradients", "params.inits=[]", r"--set inits must be a non-empty list"),
])
def test_bad_settings_are_refused_before_anything_is_written(tmp_path, capsys, experiment, setting, message):
    out = tmp_path / "never"
    assert main(["run", experiment, "--set", setting, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    import re
    assert re.search(message, err), err
    assert not out.exists()


def test_a_closed_pipe_ends_quietly():
    """`nablab show ... | head`: the reader is gone before nablab writes (8.5 KB, more than the 8 KB buffer)."""
    proc = subprocess.Popen([NABLAB, "show", "batch-norm"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    proc.stdout.close()                          # no reader: every write gets EPIPE
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 0 and err == "", err


def test_overrides_are_stated_beside_the_results(tmp_path):
    """A run made with --set is never reported as if it had the catalogue's settings."""
    from nablab.document import Paragraph
    from nablab.report.compose import variant_table
    from nablab.report.runs import Run
    from nablab.report.text import TEXT
    out = tmp_path / "r"
    assert main(["run", "two-layer-net", "--quick", "--quiet", "--set", "optimizer.lr=0.5", "--out", str(out)]) == 0
    assert "Settings changed for this run: `--set optimizer.lr=0.5`" in (out / "summary.md").read_text()
    blocks = variant_table(TEXT["en"], Run(out))
    assert blocks[-1] == Paragraph("This run was made with changed settings: `--set optimizer.lr=0.5`.")
    plain = tmp_path / "plain"
    assert main(["run", "two-layer-net", "--quick", "--quiet", "--out", str(plain)]) == 0
    assert "Settings changed" not in (plain / "summary.md").read_text()
    assert len(variant_table(TEXT["ja"], Run(plain))) == 1


@pytest.mark.parametrize("args, message", [
    (["run", "optimizer-paths", "--quick", "--out", "{file}"], "{file}: cannot use as a run directory (File exists)"),
    (["run", "optimizer-paths", "--quick", "--out", "{file}/sub"], "cannot use as a run directory (Not a directory)"),
    (["run", "optimizer-paths", "--quick", "--out", "/proc/nablab-test"], "/proc/nablab-test: cannot use"),
    (["report", "--quick", "--out", "{file}"], "cannot use as a run directory"),
    (["data", "info", "digits", "--show", "{dir}/grid.xyz"], "--show expects a .png, .svg or .pdf file name"),
    (["data", "info", "digits", "--show", "/proc/nablab-test/grid.png"], "/proc/nablab-test"),
])
def test_filesystem_errors_are_one_clear_line(tmp_path, capsys, args, message):
    file = tmp_path / "a-file"
    file.write_text("x")
    fill = {"file": str(file), "dir": str(tmp_path)}
    code = main([a.format(**fill) for a in args])
    err = capsys.readouterr().err
    assert code in (1, 2) and message.format(**fill) in err and err.count("\n") == 1, err


def pool_workers(pid: int) -> set[int]:
    """The pids of ``pid``'s children that are multiprocessing pool workers (spawned), from /proc."""
    found = set()
    for child in Path("/proc").iterdir():
        if not child.name.isdigit():
            continue
        try:
            stat = (child / "stat").read_text()
            cmdline = (child / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and "spawn_main" in cmdline:
            found.add(int(child.name))
    return found


def alive(pids) -> set[int]:
    out = set()
    for p in pids:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            out.add(p)
    return out


def running_with_workers(out: Path):
    """A four-task run on two workers, once both workers are training (a checkpoint is written). Its
    stderr goes to a file: workers that outlive the main process would hold a pipe open for good."""
    err = open(out.parent / f"{out.name}.stderr", "w+")
    proc = subprocess.Popen([NABLAB, *RUN, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=err, text=True,
                            env=ENV, preexec_fn=ctrl_c_as_in_a_terminal)
    proc.err = err
    deadline = time.time() + 120
    while not (list((out / "checkpoints").glob("*/seed*/checkpoint.npz")) and len(pool_workers(proc.pid)) == 2):
        assert proc.poll() is None and time.time() < deadline, "the run ended before its workers trained"
        time.sleep(0.02)
    return proc, pool_workers(proc.pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG are Linux's")
def test_sigterm_acts_as_ctrl_c_and_the_workers_stop_with_the_run(tmp_path):
    """`timeout`, `kill` or a service manager send SIGTERM to the main process only: it stops as Ctrl-C
    does — exit 130, the resume hint, no worker left behind."""
    proc, workers = running_with_workers(tmp_path / "termed")
    try:
        proc.send_signal(signal.SIGTERM)
        sent = time.time()
        code = proc.wait(timeout=60)
        took = time.time() - sent
        proc.err.seek(0)
        err = proc.err.read()
        deadline = time.time() + 5
        while alive(workers) and time.time() < deadline:
            time.sleep(0.05)
        left = alive(workers)
    finally:
        proc.err.close()
        for pid in alive(workers):                         # the suite stops what it started
            os.kill(pid, signal.SIGKILL)
    assert took < 10, "SIGTERM took too long"
    assert code == 130 and f"nablab run --resume {tmp_path / 'termed'}" in err and "Traceback" not in err, err
    assert not left


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and PR_SET_PDEATHSIG are Linux's")
def test_workers_die_with_a_killed_main_process(tmp_path):
    """SIGKILL (or the OOM killer) on the main process: the workers get SIGKILL from the kernel at once
    (PR_SET_PDEATHSIG) instead of training on for minutes into a run directory whose lock is gone."""
    proc, workers = running_with_workers(tmp_path / "killed")
    proc.kill()
    proc.wait(timeout=30)
    proc.err.close()
    deadline = time.time() + 5
    while alive(workers) and time.time() < deadline:
        time.sleep(0.05)
    left = alive(workers)
    for pid in left:                                       # the suite stops what it started
        os.kill(pid, signal.SIGKILL)
    assert not left, "workers outlived their killed parent"
