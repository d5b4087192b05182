"""Fixtures shared by the run-directory tests."""

import pytest

from nablab.cli import main


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A small finished two-layer-net run (40 iterations), made once per test module."""
    out = tmp_path_factory.mktemp("base") / "run"
    assert main(["run", "two-layer-net", "--quick", "--quiet", "--set", "train.iters=40",
                 "--set", "train.eval_every=20", "--out", str(out)]) == 0
    return out
