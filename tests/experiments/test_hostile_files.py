"""Issue 27, classes 4–6: files that are not what they claim (FIFOs, devices, non-UTF-8, deep
nesting) and experiment names that are paths — each refused with one line, nothing left waiting."""

from __future__ import annotations

import json
import os
import threading

import pytest

from nablab.cli import main


def run_cli(argv, capsys) -> tuple[int, str]:
    """main(argv) in this process, on a watchdog: a read that blocks (a FIFO) fails the test in 20 s."""
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("rc", main(argv)), daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), f"nablab {' '.join(argv)} blocked"
    return result["rc"], capsys.readouterr().err


def test_a_fifo_or_a_device_in_place_of_a_toml_file_is_refused_before_reading(tmp_path, capsys):
    fifo = tmp_path / "exp.toml"
    os.mkfifo(fifo)
    rc, err = run_cli(["run", str(fifo), "--quick", "--out", str(tmp_path / "out")], capsys)
    assert rc == 2 and "not a regular file" in err and "exp.toml" in err and "Traceback" not in err
    link = tmp_path / "zero.toml"
    link.symlink_to("/dev/zero")                                   # endless: never read
    rc, err = run_cli(["run", str(link), "--quick", "--out", str(tmp_path / "out2")], capsys)
    assert rc == 2 and "not a regular file" in err
    assert not (tmp_path / "out").exists() and not (tmp_path / "out2").exists()


@pytest.mark.parametrize("content, says", [
    ("[experiment]\nname = \"\xe9t\xe9\"\n".encode("latin-1"), "not UTF-8 text"),
    (("x = " + "[" * 20000 + "]" * 20000).encode(), "not valid TOML"),
    (("[experiment]\n" + ".".join(["a"] * 20000) + " = 1\n").encode(), "a key of 20,000 dotted parts"),   # 13 s, 2.4 GB
    (b"[experiment]\nname = \"../../escaped\"\ntitle = \"t\"\nkind = \"classify\"\n", "letters, digits"),
])
def test_damaged_or_hostile_toml_is_one_line(tmp_path, capsys, content, says):
    path = tmp_path / "exp.toml"
    path.write_bytes(content)
    rc, err = run_cli(["run", str(path), "--quick", "--out", str(tmp_path / "out")], capsys)
    assert rc == 2 and says in err and "Traceback" not in err and err.count("\n") <= 2


def test_a_fifo_in_place_of_spec_json_is_refused_on_resume(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    os.mkfifo(run / "spec.json")
    rc, err = run_cli(["run", "--resume", str(run)], capsys)
    assert rc != 0 and "not a regular file" in err and "Traceback" not in err


def test_labels_with_bars_newlines_or_tags_keep_summary_tables_whole():
    from nablab.document import Table, to_markdown
    md = to_markdown([Table(("variant", "acc"), [("a|b\nc <script>alert(1)</script>", "0.5")])], "figures")
    rows = [line for line in md.splitlines() if line.startswith("|")]
    assert len(rows) == 3 and rows[2].count(" | ") == 1          # still two cells, on one line
    assert "<script>" not in md and "a\\|b c &lt;script>" in md


def test_resume_refuses_flags_it_would_ignore(tmp_path, capsys):
    rc, err = run_cli(["run", "--resume", str(tmp_path), "--set", "train.iters=5", "--seeds", "3",
                       "--out", str(tmp_path / "o"), "two-layer-net"], capsys)
    assert rc == 2 and "it takes no NAME, --set, --seeds, --out" in err


def test_quick_keeps_the_seeds_a_set_asks_for_and_checks_them():
    import nablab as nl
    from nablab.experiments import resolve
    assert resolve("two-layer-net", ["seeds=3"], quick=True).seeds == 3
    assert resolve("two-layer-net", quick=True).seeds == 1
    with pytest.raises(nl.ConfigError, match="seeds"):
        resolve("two-layer-net", ["seeds=0"], quick=True)


def test_the_drill_never_copies_a_linked_file_into_its_progress(tmp_path, monkeypatch):
    from nablab import DataError
    from nablab.drill import quiz
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    secret = tmp_path / "secret.txt"
    secret.write_text("not the drill's\n")
    path = quiz.progress_file()
    path.parent.mkdir(parents=True)
    path.symlink_to(secret)
    with pytest.raises(DataError, match="symbolic link"):
        quiz.history()
    assert secret.read_text() == "not the drill's\n" and path.is_symlink()
    path.unlink()
    path.write_bytes(b'{"id": "a", "right": true}\n\xff\xfe garbage\n' + b"[" * 100000 + b"\n")
    assert quiz.history() == {"a": True}                     # bad lines skipped, no traceback


def test_check_template_never_writes_through_a_link(tmp_path, capsys):
    target = tmp_path / "elsewhere.py"
    link = tmp_path / "mine.py"
    link.symlink_to(target)                                   # dangling: exists() is False
    assert main(["check", "--template", "Affine", "--out", str(link)]) == 2
    assert not target.exists() and "exists" in capsys.readouterr().err


def test_drill_code_never_writes_through_a_link(tmp_path, capsys, monkeypatch):
    """`drill --code momentum` writes momentum.py; a dangling link of that name used to be followed
    (exists() is False for it) and the skeleton written at its target (issue 27, class 4)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "momentum.py").symlink_to(tmp_path / "elsewhere.py")
    assert main(["drill", "--code", "momentum"]) == 2
    assert not (tmp_path / "elsewhere.py").exists() and "exists" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["list"], ["show", "optimizers"], ["drill", "--list"], ["data", "list"]])
def test_a_terminal_that_cannot_show_japanese_gets_escapes_not_a_traceback(argv):
    import subprocess
    import sys
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    done = subprocess.run([sys.executable, "-m", "nablab.cli", *argv], env=env, capture_output=True, timeout=60)
    assert done.returncode == 0 and b"UnicodeEncodeError" not in done.stderr and done.stdout


@pytest.mark.parametrize("args, estimate", [
    (["two-layer-net", "--set", "model.hidden=[100000,100000]"], "301 GiB"),
    (["two-layer-net", "--set", "model.hidden=[1000000000000000000000000000000]"], "2.6e+25 GiB"),
    (["init-histograms", "--set", "params.width=200000"], "302 GiB"),
    (["sgd-regression", "--set", "params.samples=100000000000"], "2,235 GiB"),
    (["gradients-through-time", "--set", "params.seq_len=1000000000"], "125,885 GiB"),
    (["depth-gradients", "--set", "params.width=1000000"], "298,046 GiB"),
    (["im2col-demo", "--set", "params.shape=[64,64,64,64]"], "11.2 GiB"),
])
def test_runs_beyond_the_machines_memory_are_refused_before_anything_is_written(tmp_path, capsys, monkeypatch,
                                                                                 args, estimate):
    """The dry pass estimates each task's memory from the settings (no allocation: `[10**30]` used to
    reach numpy) and refuses what exceeds the available memory — here 1 GiB (NABLAB_MEMORY_LIMIT) —
    with both numbers, before spec.json (issue 27, classes 2 and 7)."""
    import tracemalloc
    monkeypatch.setenv("NABLAB_MEMORY_LIMIT", str(2**30))
    tracemalloc.start()
    code = main(["run", *args, "--quiet", "--out", str(tmp_path / "run")])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    err = capsys.readouterr().err
    assert code == 2 and f"needs about {estimate}" in err and "this machine has 1.0 GiB available" in err, err
    assert not (tmp_path / "run").exists() and peak < 2**30


def test_seeds_and_variants_have_upper_limits(tmp_path, capsys):
    """--seeds 100000000 (10.3 GB of tasks before training) and a TOML with 1,001 variants (`show` of 10⁶
    took minutes) are refused with the limit; a spec.json saying seeds 0 is a one-line error."""
    assert main(["run", "two-layer-net", "--seeds", "100000000", "--out", str(tmp_path / "a")]) == 2
    assert "--seeds must be an integer from 1 to 1,000" in capsys.readouterr().err
    toml = tmp_path / "many.toml"
    toml.write_text('[experiment]\nname = "many"\ntitle = "t"\nkind = "classify"\n'
                    + "".join(f'[[variants]]\nlabel = "v{i}"\n' for i in range(1001)))
    assert main(["show", str(toml)]) == 2
    assert "at most 1,000 variants" in capsys.readouterr().err
    run = tmp_path / "b"
    assert main(["run", "two-layer-net", "--quick", "--quiet", "--set", "train.iters=10", "--out", str(run)]) == 0
    spec = json.loads((run / "spec.json").read_text())
    spec["spec"]["seeds"] = 0
    (run / "spec.json").write_text(json.dumps(spec))
    (run / "results.json").unlink()
    assert main(["run", "--resume", str(run)]) == 2
    err = capsys.readouterr().err
    assert "seeds must be an integer from 1 to 1,000; got 0" in err and "Traceback" not in err, err


def test_fifos_in_place_of_a_checkpoint_a_cache_entry_a_model_or_the_lock_never_block(tmp_path, capsys, monkeypatch):
    """A FIFO where checkpoint.npz, the cache's .npz, a model file or .lock should be: each is refused
    (or, the cache, passed over and rebuilt) without waiting for a writer, naming the file (a FIFO
    .lock used to say only "Invalid argument"; the others blocked for good) — issue 27, classes 6 and 8."""
    import nablab as nl
    run = tmp_path / "run"
    assert main(["run", "two-layer-net", "--quick", "--quiet", "--set", "train.iters=40",
                 "--set", "train.eval_every=20", "--out", str(run)]) == 0
    (run / "results.json").unlink()
    checkpoint = next(run.glob("checkpoints/*/seed0/checkpoint.npz"))
    checkpoint.unlink()
    os.mkfifo(checkpoint)
    next(run.glob("history/*/seed0.json")).unlink()                   # the task must run again
    rc, err = run_cli(["run", "--resume", str(run), "--quiet"], capsys)
    assert rc != 0 and "not a regular file" in err and str(checkpoint) in err and "Traceback" not in err, err
    model = tmp_path / "model.npz"
    os.mkfifo(model)
    finished = {}
    worker = threading.Thread(target=lambda: finished.setdefault("error", pytest.raises(nl.DataError, nl.load, model)))
    worker.start()
    worker.join(20)
    assert not worker.is_alive() and "not a regular file" in str(finished["error"].value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "cache" / "nablab").mkdir(parents=True)
    os.mkfifo(tmp_path / "cache" / "nablab" / "fashion-mnist.npz")
    rc, err = run_cli(["data", "info", "fashion-mnist"], capsys)
    assert rc == 0 and (tmp_path / "cache" / "nablab" / "fashion-mnist.npz").is_file()      # rebuilt
    lock = tmp_path / "locked"
    lock.mkdir()
    os.mkfifo(lock / ".lock")
    rc, err = run_cli(["run", "two-layer-net", "--quick", "--out", str(lock)], capsys)
    assert rc == 2 and f"{lock / '.lock'}: not a plain file" in err, err


@pytest.mark.parametrize("field, value, says", [
    ("points", [1, 2], "points[0] is not a table with an integer iteration (got 1)"),
    ("losses", ["a"], 'losses must be numbers; got "a"'),
    ("info", [], "info must be a table; got []"),
    ("test_acc", "x", 'points[0].test_acc must be a number; got "x"'),
])
def test_history_contents_of_the_wrong_type_are_one_line(tmp_path, capsys, finished, field, value, says):
    """A history whose lists hold the wrong things: a DataError naming the file, the place and the way
    out, not a TypeError from deep inside the figures (issue 27, class 5)."""
    import shutil
    run = tmp_path / "run"
    shutil.copytree(finished, run)
    (run / "results.json").unlink()
    path = next(run.glob("history/*/seed0.json"))
    history = json.loads(path.read_text())
    if field == "test_acc":
        history["points"][0]["test_acc"] = value
    else:
        history[field] = value
    path.write_text(json.dumps(history))
    rc, err = run_cli(["run", "--resume", str(run)], capsys)
    assert rc == 2 and f"{path}: {says}; delete it" in err and "Traceback" not in err, err


def test_every_seed_diverging_at_its_first_step_still_draws(tmp_path, capsys):
    """Weights of std 1e200 overflow at once: every loss is inf, and the loss panel (log scale) had no
    positive value to show — "Data cannot be log-scaled" on every resume. Now: a linear axis, the run
    finishes and says the variant diverged."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rc, err = run_cli(["run", "two-layer-net", "--quick", "--quiet", "--set", "model.init=1e200", "--set",
                           "train.iters=20", "--out", str(tmp_path / "run")], capsys)
    assert rc == 0 and "Traceback" not in err, err
    assert json.loads((tmp_path / "run" / "results.json").read_text())["variants"][0]["diverged_at"]
    assert (tmp_path / "run" / "figures" / "comparison.png").exists()


@pytest.mark.parametrize("address, says", [
    ("notahost:xyz", "expects a scheduler's tcp://HOST:PORT"), ("http://", "expects a scheduler's tcp://HOST:PORT"),
    (":::", "expects a scheduler's tcp://HOST:PORT"), ("inproc://x", "expects a scheduler's tcp://HOST:PORT"),
    ("tls://", "expects a scheduler's tcp://HOST:PORT"), ("127.0.0.1:1", "no Dask scheduler answers at 127.0.0.1:1"),
])
def test_a_bad_dask_address_is_one_line_before_anything_is_written(tmp_path, capsys, address, says):
    """Malformed or unanswered scheduler addresses (issue 27, classes 5 and 7): refused before the run
    directory exists, not after it (then "already holding a run") or with a traceback from Dask."""
    rc, err = run_cli(["run", "two-layer-net", "--quick", "--executor", f"dask={address}",
                       "--out", str(tmp_path / "run")], capsys)
    assert rc == 2 and says in err and "Traceback" not in err, err
    assert not (tmp_path / "run").exists()


def test_a_users_own_toml_under_a_catalogue_name_says_where_it_differs(tmp_path, capsys):
    """A copy of two-layer-net with lr = 0.9 used to read as the catalogue's experiment with "—" under
    settings changed: results.json, summary.md and the report state each difference (issue 27, class 3)."""
    from nablab.experiments.registry import catalog_files
    mine = tmp_path / "mine.toml"
    mine.write_text(catalog_files()["two-layer-net"].read_text(encoding="utf-8").replace("lr = 0.1", "lr = 0.9"),
                    encoding="utf-8")
    run = tmp_path / "run"
    assert main(["run", str(mine), "--quick", "--quiet", "--set", "train.iters=20", "--out", str(run)]) == 0
    results = json.loads((run / "results.json").read_text())
    assert results["departures"] == ["params.runs[0].optimizer.lr: 0.9 (the catalogue's: 0.1)"]
    assert "Not the catalogue's two-layer-net: `params.runs[0].optimizer.lr: 0.9" in (run / "summary.md").read_text()
    catalogue = tmp_path / "catalogue"
    assert main(["run", "two-layer-net", "--quick", "--quiet", "--set", "train.iters=20", "--out", str(catalogue)]) == 0
    assert json.loads((catalogue / "results.json").read_text())["departures"] == []


def test_a_spec_edited_after_its_tasks_ran_is_refused_on_resume_and_reuse(tmp_path, capsys, finished):
    """spec.json edited by hand after tasks finished: resuming or reusing it would report those tasks as
    made by settings they were not — refused, naming the file (issue 27, class 3)."""
    import shutil
    from nablab.errors import ConfigError
    from nablab.experiments.runner import ensure_runs
    run = tmp_path / "runs" / "two-layer-net"
    shutil.copytree(finished, run)
    spec = json.loads((run / "spec.json").read_text())
    spec["spec"]["params"]["runs"][0]["optimizer"]["lr"] = 0.5
    (run / "spec.json").write_text(json.dumps(spec))
    with pytest.raises(ConfigError, match="spec.json was changed after its tasks ran"):
        ensure_runs(["two-layer-net"], tmp_path / "elsewhere", reuse=[run], log=lambda *a: None)
    (run / "results.json").unlink()
    rc, err = run_cli(["run", "--resume", str(run)], capsys)
    assert rc == 2 and "spec.json was changed after its tasks ran" in err, err
