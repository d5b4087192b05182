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
