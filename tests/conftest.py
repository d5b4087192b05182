from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("nablab", deadline=None, max_examples=25,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("nablab")


@pytest.fixture(autouse=True)
def no_downloads(monkeypatch):
    """Tests never reach for the internet; the mirror tests pass offline=False explicitly."""
    monkeypatch.setenv("NABLAB_OFFLINE", "1")
    monkeypatch.delenv("NABLAB_DATA", raising=False)


@pytest.fixture
def tmp_cache(tmp_path, monkeypatch):
    """An empty user cache in a temporary folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "nablab"


@pytest.fixture(autouse=True)
def strict_numpy():
    """Overflow, division by zero and invalid operations raise inside every test."""
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        yield


# The slowest modules first. scripts/test.sh runs two pytest-xdist workers that take one module at a
# time (--dist loadscope) in collection order: started first, the long ones do not finish last alone.
SLOWEST_FIRST = ("report/test_report.py", "test_notebooks.py", "experiments/test_dask.py",
                 "experiments/test_robustness.py", "experiments/test_cli_runs.py", "experiments/test_sweep.py",
                 "data/test_npm.py", "train/test_nested_resume.py")


def pytest_collection_modifyitems(items):
    tests = Path(__file__).parent
    rank = {str(tests / name): i for i, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(str(item.fspath), len(rank)))        # a stable sort
