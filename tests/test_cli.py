"""The `nablab` command end to end."""

import os
import subprocess
import sys

from nablab.cli import main


def test_data_list_and_info(tmp_path, capsys):
    assert main(["data", "list"]) == 0
    listing = capsys.readouterr().out
    assert "fashion-mnist  available" in listing and "mnist          available" in listing
    grid = tmp_path / "grid.png"
    assert main(["data", "info", "fashion-mnist", "--show", str(grid)]) == 0
    out = capsys.readouterr().out
    assert "T-shirt/top=6000" in out and grid.stat().st_size > 10000


def test_errors_exit_2_with_a_message(capsys):
    assert main(["data", "info", "cifar"]) == 2
    assert "unknown dataset 'cifar'" in capsys.readouterr().err


def test_console_script_is_installed(tmp_path):
    env = dict(os.environ, NABLAB_OFFLINE="1")
    exe = os.path.join(os.path.dirname(sys.executable), "nablab")
    result = subprocess.run([exe, "data", "info", "mnist"], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Dataset(mnist" in result.stdout
    assert result.stdout.count("per class") == 2


def test_a_run_whose_reader_goes_away_still_finishes(tmp_path):
    """`nablab run ... | head -1`: the pipe closes after the first line; the run goes on to its results
    (an unfinished run never exits 0) and nothing is printed about the closed pipe."""
    exe = os.path.join(os.path.dirname(sys.executable), "nablab")
    out = tmp_path / "run"
    child = subprocess.Popen([exe, "run", "optimizers", "--quick", "--out", str(out)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    first = child.stdout.readline()
    child.stdout.close()                                   # the reader goes away, as `head -1` does
    try:
        err = child.stderr.read()
        code = child.wait(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
        child.stderr.close()
    assert first.startswith("optimizers:") and code == 0, err
    assert (out / "results.json").exists() and "BrokenPipe" not in err
